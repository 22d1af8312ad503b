//! `format_source` against real `buf format` (buf 1.75.0 from npm, installed by `.ci/run`):
//! every `.proto` file of the repository's trees, of `tests/data` (hand-written awkward cases)
//! and of the shared corpus when it is checked out beside the repository must come out
//! byte-identical, and formatting must be idempotent.
//!
//! buf runs once per tree (`buf format DIR -o OUT`), over a copy holding the files that parse;
//! files with syntax errors are refused by both and checked separately.

use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge_check::format::format_source;

fn buf() -> PathBuf {
    protoforge_test_support::buf_path()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn protos(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.expect("dir entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            protos(&p, out);
        } else if p.extension().is_some_and(|e| e == "proto") {
            out.push(p);
        }
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("protoforge-check-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Formats every file of `root` with both, returns (files compared, mismatches).
fn compare_tree(name: &str, root: &Path) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    protos(root, &mut files);
    let input = temp(&format!("{name}-in"));
    let output = temp(&format!("{name}-out"));
    let mut ours = Vec::new();
    let mut refused = 0;
    for f in &files {
        let rel = f.strip_prefix(root).expect("under root");
        let text = std::fs::read_to_string(f).expect("read proto");
        match format_source(&rel.to_string_lossy(), &text) {
            Ok(formatted) => {
                let dest = input.join(rel);
                std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
                std::fs::write(&dest, &text).expect("copy");
                ours.push((rel.to_path_buf(), formatted));
            }
            Err(e) => {
                assert!(
                    !e.messages.is_empty() && e.messages.iter().all(|m| m.contains(':')),
                    "{}: error without location: {e}",
                    rel.display()
                );
                refused += 1;
            }
        }
    }
    let status = Command::new(buf())
        .arg("format")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .status()
        .expect("run buf");
    assert!(status.success(), "buf format failed on {name}");
    let mut bad = Vec::new();
    for (rel, formatted) in &ours {
        let want = std::fs::read_to_string(output.join(rel)).expect("buf output");
        if *formatted != want {
            bad.push(format!("{name}/{}", rel.display()));
        }
        let again = format_source(&rel.to_string_lossy(), formatted).expect("formatted parses");
        if again != *formatted {
            bad.push(format!("{name}/{} (not idempotent)", rel.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&input);
    let _ = std::fs::remove_dir_all(&output);
    eprintln!(
        "{name}: {} files formatted like buf, {refused} refused (syntax errors)",
        ours.len() - bad.len()
    );
    (ours.len(), bad)
}

#[test]
fn format_matches_buf_on_every_corpus_file() {
    let repo = repo();
    let mut trees = vec![
        ("testdata".to_string(), repo.join("testdata")),
        ("proto".to_string(), repo.join("proto")),
        // Hand-written cases: ordering, literals, comments in awkward places, BOM, tabs.
        (
            "data".to_string(),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        ),
    ];
    for (name, sub) in [("protobuf", "protobuf/src"), ("grpc", "grpc/src")] {
        let dir = repo.join("../shared/corpus").join(sub);
        if dir.is_dir() {
            trees.push((name.to_string(), dir));
        }
    }
    let mut total = 0;
    let mut bad = Vec::new();
    for (name, dir) in &trees {
        let (n, b) = compare_tree(name, dir);
        total += n;
        bad.extend(b);
    }
    assert!(total > 300, "only {total} files compared");
    assert!(
        bad.is_empty(),
        "{} files differ from buf:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn syntax_errors_are_refused_with_a_location() {
    let err = format_source("bad.proto", "syntax = \"proto3\";\nmessage {\n}\n")
        .expect_err("must not format");
    assert!(err.messages[0].starts_with("bad.proto:2:"), "{err}");
}
