//! `protoforge_check::breaking` against real `buf breaking` (buf 1.75.0 from npm, installed by
//! `.ci/run`): the full finding lists (rule, location, message, order) must be identical.
//!
//! - buf's own breaking test data (`tests/data/breaking/{current,previous}/CASE`, copied from
//!   buf's repository), each case with its `buf.yaml`;
//! - mutation pairs made from the shared corpus trees (`/work/shared/corpus`, or
//!   `$PROTOFORGE_CORPUS`) when they are there: many edits batched into one copy of a tree,
//!   checked with every rule on (see `breaking_mutations`).
//!
//! Intended differences are listed in `tests/data/breaking/README.md`, one per line as
//! `` - `CASE` `RULE`: reason ``; any other difference fails.

mod breaking_support;

use std::path::{Path, PathBuf};

use breaking_support::mutations::{
    GRPC_EDITS, GRPC_EXCLUDED, PROTOBUF_DELETED, PROTOBUF_EDITS, PROTOBUF_EXCLUDED,
};
use breaking_support::{
    Outcome, allowed_differences, build_image, compare, copy_tree, data_dir, edit, ours_for_dirs,
    ours_for_images, theirs_for_dirs,
};

/// Cases of buf's test data that need what protoforge does not do (custom plugins and
/// policies are not copied at all).
const SKIPPED: &[&str] = &[];

#[test]
fn buf_testdata_cases() {
    let root = data_dir();
    let allowed = allowed_differences();
    let mut names: Vec<String> = std::fs::read_dir(root.join("current"))
        .expect("read current")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut failures = Vec::new();
    let mut compared = 0;
    for name in &names {
        if SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let cur = root.join("current").join(name);
        let prev = root.join("previous").join(name);
        let theirs = theirs_for_dirs(&cur, &prev);
        let ours = ours_for_dirs(&cur, &prev);
        compared += 1;
        if let Outcome::Differs(diff) = compare(name, &theirs, &ours, &allowed) {
            failures.push(diff);
        }
    }
    assert!(compared > 40, "only {compared} cases compared");
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The corpus root, when present.
pub fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("PROTOFORGE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus"));
    Path::new(&p).join("protobuf/src").is_dir().then_some(p)
}

/// The `breaking:` section of the `buf.yaml` of each mutation run, by name.
const MUTATION_CONFIGS: &[(&str, &str)] = &[
    ("all", "use: [FILE, PACKAGE, WIRE_JSON, WIRE]"),
    ("file", "use: [FILE]"),
    ("package", "use: [PACKAGE]"),
    ("wire_json", "use: [WIRE_JSON]"),
    ("wire", "use: [WIRE]"),
    (
        "ignores",
        "use: [PACKAGE, WIRE]\n    except: [FIELD_SAME_DEFAULT]\n    ignore_unstable_packages: true\n    ignore: [google/protobuf/unittest.proto]\n    ignore_only:\n      FIELD_SAME_TYPE: [google/protobuf/test_messages_proto3.proto]\n      WIRE: [google/protobuf/compiler]",
    ),
];

#[test]
fn protobuf_corpus_mutations() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let src = corpus.join("protobuf/src");
    let base = protoforge_test_support::temp_dir("check", "breaking-protobuf");
    let (prev, cur) = (base.join("previous"), base.join("current"));
    copy_tree(&src, &prev, PROTOBUF_EXCLUDED);
    copy_tree(&src, &cur, PROTOBUF_EXCLUDED);
    for (file, old, new) in PROTOBUF_EDITS {
        edit(&cur, file, old, new);
    }
    for file in PROTOBUF_DELETED {
        std::fs::remove_file(cur.join(file)).expect("delete mutated file");
    }
    let allowed = allowed_differences();
    let mut failures = Vec::new();
    let mut findings = 0;
    let current = build_image(&cur, &[]);
    let previous = build_image(&prev, &[]);
    for (name, section) in MUTATION_CONFIGS {
        let yaml = format!("version: v2\nbreaking:\n    {section}\n");
        std::fs::write(cur.join("buf.yaml"), &yaml).expect("write buf.yaml");
        std::fs::write(prev.join("buf.yaml"), &yaml).expect("write buf.yaml");
        let theirs = theirs_for_dirs(&cur, &prev);
        let ours = ours_for_images(&cur, &current, &previous);
        findings += theirs.len();
        let case = format!("protobuf_mutations_{name}");
        if let Outcome::Differs(diff) = compare(&case, &theirs, &ours, &allowed) {
            failures.push(diff);
        }
    }
    assert!(findings > 100, "only {findings} findings from buf");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn grpc_corpus_mutations() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let src = corpus.join("grpc/src");
    if !src.is_dir() {
        eprintln!("no grpc tree; skipping");
        return;
    }
    let base = protoforge_test_support::temp_dir("check", "breaking-grpc");
    let (prev, cur) = (base.join("previous"), base.join("current"));
    copy_tree(&src, &prev, GRPC_EXCLUDED);
    copy_tree(&src, &cur, GRPC_EXCLUDED);
    for (file, old, new) in GRPC_EDITS {
        edit(&cur, file, old, new);
    }
    let current = build_image(&cur, &[]);
    let previous = build_image(&prev, &[]);
    let allowed = allowed_differences();
    let mut failures = Vec::new();
    let runs = [
        ("all", "use: [FILE, PACKAGE, WIRE_JSON, WIRE]"),
        (
            "unstable",
            "use: [FILE, PACKAGE]\n    ignore_unstable_packages: true",
        ),
    ];
    for (name, section) in runs {
        let yaml = format!("version: v2\nbreaking:\n    {section}\n");
        std::fs::write(cur.join("buf.yaml"), &yaml).expect("write buf.yaml");
        std::fs::write(prev.join("buf.yaml"), &yaml).expect("write buf.yaml");
        let theirs = theirs_for_dirs(&cur, &prev);
        let ours = ours_for_images(&cur, &current, &previous);
        assert!(
            theirs.len() > 5,
            "{name}: only {} findings from buf",
            theirs.len()
        );
        if let Outcome::Differs(diff) =
            compare(&format!("grpc_mutations_{name}"), &theirs, &ours, &allowed)
        {
            failures.push(diff);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Releases of protobuf whose `src` trees the corpus (v35.1) is checked against: the `.proto`
/// files of each release's `src` (minus `PROTOBUF_EXCLUDED`) are vendored in
/// `tests/data/protobuf_<tag>`.
const RELEASES: &[&str] = &["v25.0"];

#[test]
fn protobuf_release_history() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let allowed = allowed_differences();
    let mut failures = Vec::new();
    let mut findings = 0;
    for tag in RELEASES {
        let vendored = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(format!("protobuf_{tag}"));
        let base = protoforge_test_support::temp_dir("check", &format!("breaking-{tag}"));
        let (prev, cur) = (base.join("previous"), base.join("current"));
        copy_tree(&vendored, &prev, PROTOBUF_EXCLUDED);
        copy_tree(&corpus.join("protobuf/src"), &cur, PROTOBUF_EXCLUDED);
        drop_unbuildable(&prev, &cur);
        let yaml = "version: v2\nbreaking:\n  use: [FILE, PACKAGE, WIRE_JSON, WIRE]\n";
        std::fs::write(cur.join("buf.yaml"), yaml).expect("write buf.yaml");
        std::fs::write(prev.join("buf.yaml"), yaml).expect("write buf.yaml");
        let theirs = theirs_for_dirs(&cur, &prev);
        let ours = ours_for_dirs(&cur, &prev);
        findings += theirs.len();
        if let Outcome::Differs(diff) =
            compare(&format!("protobuf_{tag}"), &theirs, &ours, &allowed)
        {
            failures.push(diff);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(findings > 300, "only {findings} findings from buf");
    eprintln!("{findings} findings from protobuf's release history compared");
}

/// Removes the files real buf cannot build from `prev`, then the files protoforge's compiler
/// (protoc 35.1's rules, stricter than buf's on old files) refuses from both trees.
fn drop_unbuildable(prev: &Path, cur: &Path) {
    for _ in 0..6 {
        let out = protoforge_test_support::buf(prev, &["build", ".", "-o", "/dev/null"]);
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        let bad = failing_files(&text);
        if bad.is_empty() {
            break;
        }
        for f in bad {
            let _ = std::fs::remove_file(prev.join(f));
        }
    }
    for _ in 0..10 {
        let mut bad = Vec::new();
        for dir in [prev, cur] {
            if let Err(e) = protoforge_check::image::Image::build(dir, &[]) {
                bad.extend(failing_files(&e.to_string()));
            }
        }
        if bad.is_empty() {
            break;
        }
        for f in bad {
            let _ = std::fs::remove_file(prev.join(&f));
            let _ = std::fs::remove_file(cur.join(&f));
        }
    }
}

/// The `.proto` files named at the start of `file:line:col: message` lines.
fn failing_files(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_once(".proto:").map(|(f, _)| format!("{f}.proto")))
        .map(|f| f.trim_start_matches("./").to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}
