//! `cargo xtask tidy`: repository hygiene checks that rustc and clippy do not make.
//!
//! Every Rust source file must open with a `//!` module doc saying what it owns, and the
//! whole workspace must be formatted with rustfmt. The same checks run as a test
//! (`xtask/tests/tidy.rs`), so CI enforces them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs every check; returns one line per problem found.
pub fn problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in ["crates", "xtask", "examples"] {
        collect_rs(&root.join(dir), &mut files);
    }
    files.sort();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            problems.push(format!("{}: not readable as UTF-8", file.display()));
            continue;
        };
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with("#!["))
            .unwrap_or("");
        if !first.starts_with("//!") {
            problems.push(format!(
                "{}: must open with a `//!` module doc",
                file.strip_prefix(root).unwrap_or(file).display()
            ));
        }
    }
    match Command::new("cargo")
        .args(["fmt", "--all", "--", "--check"])
        .current_dir(root)
        .output()
    {
        Ok(out) if out.status.success() => {}
        Ok(out) => problems.push(format!(
            "cargo fmt --check failed; run `cargo fmt --all`:\n{}",
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with("Diff in"))
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Err(e) => problems.push(format!("could not run cargo fmt: {e}")),
    }
    problems
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name == "target" || name.starts_with('.') {
                continue;
            }
            collect_rs(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The `tidy` job.
pub fn run(root: &Path) -> Result<(), String> {
    let problems = problems(root);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
