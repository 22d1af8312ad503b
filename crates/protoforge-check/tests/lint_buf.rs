//! `protoforge_check::lint` against real `buf lint` (buf 1.75.0 from npm, installed by
//! `.ci/run`): the full finding lists (rule, location, message, order) must be equal.
//!
//! - every case of buf's own lint test data, copied to `tests/data/lint/` with its `buf.yaml`,
//!   and the hand-written cases of `tests/data/lint_extra/`;
//! - the shared corpus trees (protobuf's and gRPC's `.proto` files) under each lint category of
//!   v2, v1 and v1beta1, one `buf.yaml` each, in a copy of the tree holding the files buf can
//!   compile.
//!
//! A difference fails the test unless `tests/data/lint/README.md` lists it (one line each, with
//! its reason).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use protoforge_check::config::BufConfig;
use protoforge_check::image::Image;
use protoforge_check::lint::{Finding, LintError, lint, lint_dir};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// One finding as a comparable line: `path:sl:sc:el:ec:RULE:message`.
fn line(path: &str, f: (u64, u64, u64, u64), rule: &str, message: &str) -> String {
    format!("{path}:{}:{}:{}:{}:{rule}:{message}", f.0, f.1, f.2, f.3)
}

fn ours(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            line(
                &f.path,
                (
                    u64::from(f.start_line),
                    u64::from(f.start_column),
                    u64::from(f.end_line),
                    u64::from(f.end_column),
                ),
                f.rule,
                &f.message,
            )
        })
        .collect()
}

/// buf's JSON findings as lines, paths made relative to `strip`.
fn theirs(stdout: &[u8], strip: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("buf JSON line");
            let n = |k: &str| v[k].as_u64().unwrap_or(0);
            let path = v["path"].as_str().unwrap_or("");
            let path = path.strip_prefix(strip).unwrap_or(path);
            line(
                path,
                (
                    n("start_line"),
                    n("start_column"),
                    n("end_line"),
                    n("end_column"),
                ),
                v["type"].as_str().unwrap_or(""),
                v["message"].as_str().unwrap_or(""),
            )
        })
        .collect()
}

/// The differences `README.md` allows: `case | +/- line` keys.
fn allowed() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(data().join("README.md")).expect("tests/data/lint/README.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once("` ").map(|(k, _)| k.to_string()))
        .collect()
}

/// The lines only one side has, as `case | - line` (buf only) and `case | + line` (ours only);
/// order is compared when both sides hold the same lines.
fn diff(case: &str, buf: &[String], us: &[String]) -> Vec<String> {
    let a: BTreeSet<&String> = buf.iter().collect();
    let b: BTreeSet<&String> = us.iter().collect();
    let mut out: Vec<String> = a
        .difference(&b)
        .map(|l| format!("{case} | - {l}"))
        .chain(b.difference(&a).map(|l| format!("{case} | + {l}")))
        .collect();
    if out.is_empty() && buf != us {
        out.push(format!("{case} | order"));
    }
    out
}

fn check(unexpected: Vec<String>) {
    let allowed = allowed();
    let left: Vec<&String> = unexpected
        .iter()
        .filter(|d| !allowed.contains(*d))
        .collect();
    assert!(
        left.is_empty(),
        "{} unlisted difference(s) to buf lint:\n{}",
        left.len(),
        left.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The directories of buf's lint test data, then the hand-written cases of
/// `tests/data/lint_extra` (editions, proto2 shapes, v2 workspaces, no `buf.yaml`).
fn cases() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for root in [data(), data().with_file_name("lint_extra")] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .expect("lint test data")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        all.extend(dirs);
    }
    all
}

/// Runs buf in each case directory (the workspace is the case, or its `buf.yaml` parent).
fn buf_case(dir: &Path) -> (bool, Vec<String>) {
    let out = protoforge_test_support::buf(dir, &["lint", "--error-format=json"]);
    let code = out.status.code().unwrap_or(-1);
    (code == 0 || code == 100, theirs(&out.stdout, ""))
}

#[test]
fn buf_testdata_cases_match() {
    let cases = cases();
    assert!(cases.len() > 40, "buf's lint test data is missing");
    // buf is slow to start: run the cases on a few threads.
    let results: Vec<(PathBuf, (bool, Vec<String>))> = std::thread::scope(|s| {
        let chunks: Vec<&[PathBuf]> = cases.chunks(cases.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|d| (d.clone(), buf_case(d)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("buf thread"))
            .collect()
    });
    let mut unexpected = Vec::new();
    let mut compared = 0;
    let mut findings = 0;
    for (dir, (buf_ok, buf_lines)) in results {
        let case = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let us = lint_dir(&dir, None);
        match us {
            Ok(report) => {
                if !buf_ok {
                    unexpected.push(format!("{case} | buf failed, protoforge did not"));
                    continue;
                }
                compared += 1;
                findings += buf_lines.len();
                unexpected.extend(diff(&case, &buf_lines, &ours(&report.findings)));
            }
            Err(LintError::Compile(list)) => {
                // Compiler messages are worded differently; the failing files must agree.
                let theirs: BTreeSet<String> = buf_lines
                    .iter()
                    .filter(|l| l.contains(":COMPILE:"))
                    .map(|l| l.split(':').next().unwrap_or("").to_string())
                    .collect();
                let mine: BTreeSet<String> = list.iter().map(|f| f.path.clone()).collect();
                if theirs.is_empty() || !theirs.is_subset(&mine) && !mine.is_subset(&theirs) {
                    unexpected.push(format!(
                        "{case} | compile errors in {mine:?}, buf: {theirs:?}"
                    ));
                }
            }
            Err(e) => {
                if buf_ok {
                    unexpected.push(format!("{case} | protoforge failed: {e}"));
                }
            }
        }
    }
    assert!(compared > 40, "only {compared} cases compared");
    assert!(findings > 300, "buf reported only {findings} findings");
    check(unexpected);
}

/// Copies the `.proto` files under `from` into `to`, minus `skip` (prefixes, relative).
fn copy_tree(from: &Path, to: &Path, rel: &str, skip: &[&str]) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(from)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if skip
            .iter()
            .any(|s| r == *s || r.starts_with(&format!("{s}/")))
        {
            continue;
        }
        if p.is_dir() {
            copy_tree(&p, &to.join(&name), &r, skip);
        } else if p.extension().is_some_and(|e| e == "proto") {
            std::fs::create_dir_all(to).expect("create dir");
            std::fs::copy(&p, to.join(&name)).expect("copy proto");
        }
    }
}

/// The `buf.yaml` files each corpus tree is linted under: every category of v2 (and its
/// uncategorised rule by id), then v1's and v1beta1's categories, whose rule sets and comment
/// ignore defaults differ.
const CONFIGS: &[(&str, &str)] = &[
    ("v2", "MINIMAL"),
    ("v2", "BASIC"),
    ("v2", "STANDARD"),
    ("v2", "COMMENTS"),
    ("v2", "UNARY_RPC"),
    ("v2", "STABLE_PACKAGE_NO_IMPORT_UNSTABLE"),
    (
        "v1",
        "MINIMAL, BASIC, STANDARD, COMMENTS, UNARY_RPC, PACKAGE_NO_IMPORT_CYCLE",
    ),
    (
        "v1beta1",
        "FILE_LAYOUT, PACKAGE_AFFINITY, SENSIBLE, STYLE_BASIC, STYLE_STANDARD, COMMENTS, UNARY_RPC, OTHER",
    ),
];

/// Lints the corpus tree `name` (copied without `skip`) under each category, with buf and us.
fn corpus_tree(name: &str, skip: &[&str]) -> Vec<String> {
    let src = corpus().join(name).join("src");
    assert!(src.is_dir(), "{} is missing", src.display());
    let root = protoforge_test_support::temp_dir("check-lint", name);
    copy_tree(&src, &root, "", skip);
    let image = Image::build(&root, &[]).expect("corpus tree compiles");
    let mut unexpected = Vec::new();
    for (version, categories) in CONFIGS {
        let yaml = format!("version: {version}\nlint:\n  use: [{categories}]\n");
        std::fs::write(root.join("buf.yaml"), &yaml).expect("write buf.yaml");
        let out = protoforge_test_support::buf(&root, &["lint", "--error-format=json"]);
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 100,
            "buf lint failed on {name} ({version} {categories}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config = BufConfig::parse(&yaml).expect("valid buf.yaml");
        let module = &config.modules[0];
        let report = lint(&image, &module.lint, &config.version).expect("lint runs");
        let case = format!("{name}/{version}/{categories}");
        let buf_lines = theirs(&out.stdout, "");
        eprintln!(
            "{case}: buf {} findings, protoforge {}",
            buf_lines.len(),
            report.findings.len()
        );
        unexpected.extend(diff(&case, &buf_lines, &ours(&report.findings)));
    }
    unexpected
}

#[test]
fn corpus_trees_match_under_every_category() {
    let mut unexpected = corpus_tree(
        "protobuf",
        &[
            // Files buf's compiler rejects, or that declare MessageSets (buf refuses to build
            // an image holding one), and the files importing them.
            "editions",
            "google/protobuf/bridge/message_set.proto",
            "google/protobuf/compiler/ruby",
            "google/protobuf/map_lite_unittest.proto",
            "google/protobuf/sample_messages_edition.proto",
            "google/protobuf/test_messages_proto2.proto",
            "google/protobuf/test_protos",
            "google/protobuf/unittest_custom_options.proto",
            "google/protobuf/unittest_extension_set.proto",
            "google/protobuf/unittest_import_option.proto",
            "google/protobuf/unittest_lite.proto",
            "google/protobuf/unittest_mset.proto",
            "google/protobuf/unittest_mset_wire_format.proto",
        ],
    );
    unexpected.extend(corpus_tree("grpc", &["grpc/service_config"]));
    check(unexpected);
}
