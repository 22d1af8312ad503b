//! Data-driven syntax error tests over `testdata/errors/parse/`.
//!
//! Each case is `<case>.proto` with `<case>.stderr` (our diagnostics in protoc's
//! `file:line:col: message` form, rewritten with `UPDATE_EXPECT=1`) and `<case>.protoc.stderr`
//! (recorded from real protoc). Every case must produce errors, our output must equal the
//! `.stderr` file, our first error must be at protoc's first error's line and column, and our
//! whole output must match protoc's line by line (as many lines, each with protoc's file,
//! position and severity; the messages are worded our own way), unless the folder's README
//! lists the case as an intended difference with its reason. Adding a case needs no Rust
//! code.

use std::path::{Path, PathBuf};

#[path = "common/protoc_stderr.rs"]
mod protoc_stderr;

use protoc_stderr::Wording;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/errors/parse")
}

/// The `line:col` of the first `name:line:col: ...` line of protoc's output.
fn protoc_first_position(stderr: &str, name: &str) -> Option<(u32, u32)> {
    stderr.lines().find_map(|l| {
        let rest = l.strip_prefix(name)?.strip_prefix(':')?;
        let mut parts = rest.splitn(3, ':');
        let line = parts.next()?.parse().ok()?;
        let col = parts.next()?.parse().ok()?;
        Some((line, col))
    })
}

#[test]
fn parse_errors_match_expectations_and_protoc_positions() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let dir = cases_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata/errors/parse")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "proto"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("the folder's README.md");
    let intended = protoc_stderr::intended_differences(&readme);
    let mut problems = Vec::new();
    for case in intended.keys() {
        if !dir.join(format!("{case}.proto")).exists() {
            problems.push(format!("README.md lists `{case}`, which is not a case"));
        }
    }
    for path in &cases {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name")
            .to_string();
        let text = std::fs::read_to_string(path).expect("case text");
        let (_tree, diags, map) = protoforge_parse::parse(&name, &text);
        let mut ours = String::new();
        for d in &diags {
            ours.push_str(&d.render_protoc(&map));
            ours.push('\n');
        }
        for d in &diags {
            // Rich rendering must work for every diagnostic, too.
            let rich = d.render_rich(&map, false);
            assert!(rich.contains(&d.message), "{name}: {rich}");
        }
        if !diags.iter().any(|d| d.is_error()) {
            problems.push(format!("{name}: no error reported"));
        }
        if ours.contains("internal error") {
            problems.push(format!("{name}: internal error in output"));
        }
        let expected_path = path.with_extension("stderr");
        if update {
            std::fs::write(&expected_path, &ours).expect("write .stderr");
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != ours {
                problems.push(format!(
                    "{name}: output differs\n--- expected\n{expected}--- ours\n{ours}"
                ));
            }
        }
        let protoc = std::fs::read_to_string(path.with_extension("protoc.stderr"))
            .expect("every case has a .protoc.stderr");
        let case = name.trim_end_matches(".proto");
        match (
            protoc_stderr::compare(&ours, &protoc, Wording::Own),
            intended.get(case),
        ) {
            (Some(difference), None) => problems.push(format!(
                "{name}: differs from protoc's output (fix it, or list it in README.md with \
                 the reason)\n{difference}\n--- protoc\n{protoc}--- ours\n{ours}"
            )),
            (None, Some(_)) => problems.push(format!(
                "{name}: README.md lists it as differing from protoc, but it matches now"
            )),
            _ => {}
        }
        let want = protoc_first_position(&protoc, &name);
        let got = diags.iter().find(|d| d.is_error()).and_then(|d| {
            let span = d.span?;
            let lc = map.get(span.file).line_col(span.start);
            Some((lc.line + 1, lc.col + 1))
        });
        if want.is_none() {
            problems.push(format!("{name}: protoc reported no positioned error"));
        } else if want != got {
            problems.push(format!(
                "{name}: first error at {got:?}, protoc's at {want:?}\n  ours: {}",
                ours.lines().next().unwrap_or("")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn rich_form_of_a_missing_semicolon() {
    let text = "syntax = \"proto3\";\n\nmessage A {\n  int32 x = 1\n  int32 y = 2;\n}\n";
    let (tree, diags, map) = protoforge_parse::parse("a.proto", text);
    assert!(tree.is_some(), "statement-level recovery keeps the tree");
    assert_eq!(diags.len(), 1);
    let rich = diags[0].render_rich(&map, false);
    let want = "error: expected `;` after field, found identifier `int32`\n --> a.proto:5:3\n  |\n5 |   int32 y = 2;\n  |   ^^^^^\n";
    assert_eq!(rich, want);
}
