//! Option interpretation errors against protoc 35.1: every `tests/options_data/errors/*.proto`
//! must be rejected, and the first line of our report (protoc style, `file:line:col: message`)
//! must equal the first line protoc printed for it (`<case>.protoc.stderr`, recorded with
//! `python3 -m grpc_tools.protoc -I. -o /dev/null <case>.proto`). Our messages for option
//! errors keep protoc's wording, so the whole line is compared, not only the position.

use std::path::Path;

use protoforge_compile::Compiler;

#[test]
fn option_errors_match_protoc() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/options_data/errors");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("errors directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    entries.sort();
    assert!(
        entries.len() >= 20,
        "expected the recorded cases, found {}",
        entries.len()
    );
    let mut failures = Vec::new();
    for path in &entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let expected_path = path.with_extension("protoc.stderr");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", expected_path.display()));
        let expected = expected.lines().next().unwrap_or_default().to_string();
        let result = Compiler::new()
            .include_path(dir.to_string_lossy())
            .compile(&[name.as_str()]);
        match result {
            Ok(_) => failures.push(format!("{name}: accepted, protoc says: {expected}")),
            Err(e) => {
                let ours = e.to_string();
                let first = ours
                    .lines()
                    .find(|l| !l.contains(": warning:"))
                    .unwrap_or_default();
                if first != expected {
                    failures.push(format!("{name}:\n  ours:   {first}\n  protoc: {expected}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}
