//! The buf-compatible subcommands of `protoforge`: `format` here, `lint` in `lint_cmd.rs` and
//! `breaking` in `breaking_cmd.rs`. The work is done by `protoforge-check`; these modules read
//! files, print and pick the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use protoforge_check::format::format_source;
use protoforge_compile::parallel_map;

/// The exit code for "files were not formatted" (`--exit-code`), as buf's.
const EXIT_FINDINGS: u8 = 100;

/// Runs `protoforge format|...` when the first argument names a subcommand; `None` otherwise.
pub fn dispatch() -> Option<ExitCode> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("format") => Some(report(format_main(&args[1..]))),
        Some("lint") => Some(report(crate::lint_cmd::lint_main(&args[1..]))),
        Some("breaking") => Some(report(crate::breaking_cmd::main(&args[1..]))),
        _ => None,
    }
}

fn report(result: Result<ExitCode, String>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Format .proto files like `buf format`.
#[derive(Debug, Parser)]
#[command(name = "protoforge format")]
struct FormatArgs {
    /// Print unified diffs of the changes instead of the formatted files.
    #[arg(short = 'd', long = "diff")]
    diff: bool,
    /// Rewrite the files in place.
    #[arg(short = 'w', long = "write")]
    write: bool,
    /// Exit with code 100 if any file was not formatted already.
    #[arg(long = "exit-code")]
    exit_code: bool,
    /// Files and directories (searched for `*.proto`); defaults to the current directory.
    paths: Vec<PathBuf>,
}

fn format_main(argv: &[String]) -> Result<ExitCode, String> {
    let args = match crate::parse_args::<FormatArgs>(argv.iter().cloned()) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for root in &roots {
        if root.is_dir() {
            proto_files(root, &mut files)?;
        } else {
            files.push(root.clone());
        }
    }
    // Format everything first (on all cores): one file that does not parse means nothing is
    // written.
    let formatted = parallel_map(&files, |file| {
        let name = display(file);
        let text = std::fs::read_to_string(file).map_err(|e| vec![format!("{name}: {e}")])?;
        match format_source(&name, &text) {
            Ok(formatted) => Ok((file.clone(), name, text, formatted)),
            Err(e) => Err(e.messages),
        }
    });
    let mut results = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for r in formatted {
        match r {
            Ok(r) => results.push(r),
            Err(messages) => errors.extend(messages),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let mut out = String::new();
    let mut changed = false;
    for (file, name, text, formatted) in &results {
        let differs = text != formatted;
        changed |= differs;
        if args.diff {
            if differs {
                out.push_str(&unified_diff(name, text, formatted));
            }
        } else if !args.write {
            out.push_str(formatted);
        }
        if args.write && differs {
            std::fs::write(file, formatted).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    print!("{out}");
    Ok(if args.exit_code && changed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// The `.proto` files under `dir`, sorted by path.
fn proto_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            proto_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "proto") {
            out.push(p);
        }
    }
    Ok(())
}

/// A unified diff (three lines of context) between `old` and `new`, with `diff -u` headers.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    // Longest common subsequence, by suffix lengths.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * (m + 1) + j] = if a[i] == b[j] {
                lcs[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
            };
        }
    }
    // The edit script: (kind, old index, new index).
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
            // Deletions first, like diff(1).
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    let mut out = format!("diff -u {name}.orig {name}\n--- {name}.orig\n+++ {name}\n");
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        // A hunk: from three lines before this change to three after the last change that
        // is at most six unchanged lines away.
        let start = k.saturating_sub(3);
        let mut end = k;
        let mut last_change = k;
        while end < ops.len() {
            if ops[end].0 != ' ' {
                last_change = end;
            } else if end - last_change > 6 {
                break;
            }
            end += 1;
        }
        let end = (last_change + 4).min(ops.len());
        let old_start = ops[start].1;
        let new_start = ops[start].2;
        let old_len = ops[start..end].iter().filter(|o| o.0 != '+').count();
        let new_len = ops[start..end].iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            if old_len == 0 {
                old_start
            } else {
                old_start + 1
            },
            old_len,
            if new_len == 0 {
                new_start
            } else {
                new_start + 1
            },
            new_len
        ));
        for &(kind, oi, nj) in &ops[start..end] {
            let line = if kind == '+' { b[nj] } else { a[oi] };
            out.push(kind);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        k = end;
    }
    out
}
