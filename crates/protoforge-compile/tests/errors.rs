//! Error tests over `testdata/errors/link/`: every `<case>.proto` there is invalid, and for each
//! the test asserts that
//! (a) our diagnostics, rendered in protoc's `file:line:col: message` form, equal
//!     `<case>.stderr` (rewrite them with `UPDATE_EXPECT=1`), and
//! (b) protoc rejects the case too (`<case>.protoc.stderr`, recorded from real protoc, holds at
//!     least one error) and our first error is at protoc's first error position: same file,
//!     same line and column (when protoc gives no position, the same file), and
//! (c) our whole output equals protoc's, line by line (file, position, severity and message),
//!     unless the folder's README lists the case as an intended difference with its reason.
//!
//! Adding a case needs no Rust code: drop the files into the folder (see its README.md).

use std::path::{Path, PathBuf};

use protoforge_compile::{Compiler, ErrorFormat};

#[path = "../../protoforge-parse/tests/common/protoc_stderr.rs"]
mod protoc_stderr;

use protoc_stderr::Wording;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/errors/link")
}

/// Every case name (`<case>.proto` at the top of the folder), sorted.
fn case_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("testdata/errors/link exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".proto").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// Our output for one case, as protoc would print it, and whether we rejected the input.
fn compile(case: &str) -> (String, bool) {
    let dir = cases_dir();
    let file = dir.join(format!("{case}.proto"));
    let result = Compiler::new()
        .include_path(dir.to_string_lossy())
        .compile(&[file.to_string_lossy()]);
    match result {
        Err(e) => (e.render(ErrorFormat::Gcc), true),
        Ok(c) => {
            let mut out = String::new();
            for w in &c.warnings {
                out.push_str(&w.render_protoc(&c.sources));
                out.push('\n');
            }
            (out, false)
        }
    }
}

/// Where an error line points: the file and, when given, `line:col`.
#[derive(Debug, PartialEq, Eq)]
struct Position {
    file: String,
    line_col: Option<(u32, u32)>,
}

/// The position of the first error (not warning) line of protoc-form output.
fn first_error(output: &str) -> Option<Position> {
    output.lines().find_map(|line| {
        let (file, rest) = line.split_once(':')?;
        let mut parts = rest.splitn(3, ':');
        let (l, c, message) = (parts.next()?, parts.next(), parts.next());
        let numbers = (l.parse::<u32>(), c.map(str::parse::<u32>));
        match (numbers, message) {
            ((Ok(l), Some(Ok(c))), Some(message)) => {
                if message.trim_start().starts_with("warning:") {
                    return None;
                }
                Some(Position {
                    file: file.to_string(),
                    line_col: Some((l, c)),
                })
            }
            _ => {
                if rest.trim_start().starts_with("warning:") {
                    return None;
                }
                Some(Position {
                    file: file.to_string(),
                    line_col: None,
                })
            }
        }
    })
}

#[test]
fn first_error_reads_protoc_lines() {
    let out = "a.proto:3:5: warning: x\nb/c.proto: File not found.\na.proto:2:1: Import failed\n";
    assert_eq!(
        first_error(out),
        Some(Position {
            file: "b/c.proto".into(),
            line_col: None
        })
    );
    assert_eq!(
        first_error("a.proto:12:34: \"X\" is not defined.\n"),
        Some(Position {
            file: "a.proto".into(),
            line_col: Some((12, 34))
        })
    );
    assert_eq!(
        first_error("a.proto:1:1: warning: Import x is unused.\n"),
        None
    );
}

#[test]
fn link_errors_match_expectations_and_protoc() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let names = case_names();
    assert!(names.len() >= 60, "only {} cases", names.len());
    let readme =
        std::fs::read_to_string(cases_dir().join("README.md")).expect("the folder's README.md");
    let intended = protoc_stderr::intended_differences(&readme);
    let mut failures = Vec::new();
    for case in intended.keys() {
        if !names.contains(case) {
            failures.push(format!("README.md lists `{case}`, which is not a case"));
        }
    }
    for case in &names {
        let dir = cases_dir();
        let (ours, rejected) = compile(case);
        if ours.contains("internal error") {
            failures.push(format!("{case}: internal error in output:\n{ours}"));
        }
        let expected_path = dir.join(format!("{case}.stderr"));
        if update {
            if let Err(e) = std::fs::write(&expected_path, &ours) {
                failures.push(format!(
                    "{case}: cannot write {}: {e}",
                    expected_path.display()
                ));
            }
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != ours {
                failures.push(format!(
                    "{case}: output differs from {case}.stderr\n--- expected\n{expected}--- ours\n{ours}"
                ));
            }
        }
        let protoc =
            std::fs::read_to_string(dir.join(format!("{case}.protoc.stderr"))).unwrap_or_default();
        match (
            protoc_stderr::compare(&ours, &protoc, Wording::Protoc),
            intended.get(case),
        ) {
            (Some(difference), None) => failures.push(format!(
                "{case}: differs from protoc's output (fix it, or list it in README.md with \
                 the reason)\n{difference}\n--- protoc\n{protoc}--- ours\n{ours}"
            )),
            (None, Some(_)) => failures.push(format!(
                "{case}: README.md lists it as differing from protoc, but it matches now"
            )),
            _ => {}
        }
        let Some(theirs) = first_error(&protoc) else {
            failures.push(format!(
                "{case}: protoc did not reject it (no error in .protoc.stderr)"
            ));
            continue;
        };
        if !rejected {
            failures.push(format!("{case}: we accepted it; protoc said:\n{protoc}"));
            continue;
        }
        let mine = first_error(&ours);
        let agrees = match &mine {
            Some(m) if m.file == theirs.file => {
                theirs.line_col.is_none() || m.line_col == theirs.line_col
            }
            _ => false,
        };
        if !agrees {
            failures.push(format!(
                "{case}: first error at {mine:?}, protoc's at {theirs:?}\n--- protoc\n{protoc}--- ours\n{ours}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
