//! The buf-compatible subcommands of `protoforge`: `format` here, `lint` in `lint_cmd.rs` and
//! `breaking` in `breaking_cmd.rs`. The work is done by `protoforge-check`; these modules read
//! files, print and pick the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use protoforge_check::breaking::against::workspace_modules;
use protoforge_check::format::format_source;
use protoforge_check::image::{module_files, under};
use protoforge_compile::parallel_map;

use crate::breaking_cmd::{Selection, config_modules, lexical};

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
    /// A buf.yaml file, or its contents as YAML or JSON, used instead of the input's own.
    #[arg(long = "config")]
    config: Option<String>,
    /// Format only these files or directories (repeatable).
    #[arg(long = "path")]
    path: Vec<String>,
    /// Do not format these files or directories (repeatable).
    #[arg(long = "exclude-path")]
    exclude_path: Vec<String>,
    /// Write the result here instead of to standard output: a path ending in `.proto` gets
    /// every formatted file, one after another; any other path is a directory (created if
    /// missing) that gets each file at its path in its module. `-` is standard output.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Format one .proto file read from standard input, to standard output; the path (not
    /// read) names it in errors and diffs.
    #[arg(long = "stdin-filepath")]
    stdin_filepath: Option<String>,
    /// A directory (its workspace's modules, default `.`) or one .proto file.
    input: Option<PathBuf>,
}

/// One formatted file: where it was read, its path in its module (for `--output`
/// directories), its displayed name, and its text before and after.
struct Formatted {
    file: PathBuf,
    in_module: String,
    name: String,
    text: String,
    formatted: String,
}

fn format_main(argv: &[String]) -> Result<ExitCode, String> {
    let args = match crate::parse_args::<FormatArgs>(argv.iter().cloned()) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    if let Some(name) = &args.stdin_filepath {
        return format_stdin(name, &args);
    }
    if args.write && args.output.is_some() {
        return Err("Failure: cannot use --output when using --write".to_string());
    }
    let output = args.output.as_ref().filter(|o| o.as_os_str() != "-");
    let input = args.input.clone().unwrap_or_else(|| PathBuf::from("."));
    let files = if !input.exists() {
        // As buf: a missing .proto file is nothing to format; a missing directory is a
        // module without files.
        if input.extension().is_some_and(|e| e == "proto") {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(format!(
            "Failure: Module \"path: \"{}\"\" had no .proto files",
            lexical(&[&input.to_string_lossy()])
        ));
    } else if input.is_dir() {
        selected_files(&input, &args)?
    } else if !args.path.is_empty() {
        return Err("Failure: --path is not valid for use with .proto file references".to_string());
    } else if !args.exclude_path.is_empty() {
        return Err(
            "Failure: --exclude-path is not valid for use with .proto file references".to_string(),
        );
    } else {
        let in_module = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        vec![(input, in_module)]
    };
    // Format everything first (on all cores): one file that does not parse means nothing is
    // written.
    let formatted = parallel_map(&files, |(file, in_module)| {
        let name = display(file);
        let text = std::fs::read_to_string(file).map_err(|e| vec![format!("{name}: {e}")])?;
        match format_source(&name, &text) {
            Ok(formatted) => Ok(Formatted {
                file: file.clone(),
                in_module: in_module.clone(),
                name,
                text,
                formatted,
            }),
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
    for r in &results {
        let differs = r.text != r.formatted;
        changed |= differs;
        if args.diff {
            if differs {
                out.push_str(&unified_diff(&r.name, &r.text, &r.formatted));
            }
        } else if !args.write && output.is_none() {
            out.push_str(&r.formatted);
        }
        if args.write && differs {
            std::fs::write(&r.file, &r.formatted).map_err(|e| format!("{}: {e}", r.name))?;
        }
    }
    if let Some(output) = output {
        write_output(output, &results)?;
    }
    print!("{out}");
    Ok(if args.exit_code && changed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--output`: one `.proto` file holding every formatted file in turn, or a directory holding
/// each at its path in its module.
fn write_output(output: &Path, results: &[Formatted]) -> Result<(), String> {
    let failure = |p: &Path, e: std::io::Error| format!("Failure: {}: {e}", p.display());
    let create_parent = |p: &Path| match p.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            std::fs::create_dir_all(parent).map_err(|e| failure(parent, e))
        }
        _ => Ok(()),
    };
    if output.extension().is_some_and(|e| e == "proto") {
        let all: String = results.iter().map(|r| r.formatted.as_str()).collect();
        create_parent(output)?;
        return std::fs::write(output, all).map_err(|e| failure(output, e));
    }
    for r in results {
        let path = output.join(&r.in_module);
        create_parent(&path)?;
        std::fs::write(&path, &r.formatted).map_err(|e| failure(&path, e))?;
    }
    Ok(())
}

/// `--stdin-filepath`: standard input formatted to standard output (or diffed), after buf's
/// checks of the flags it cannot be combined with.
fn format_stdin(name: &str, args: &FormatArgs) -> Result<ExitCode, String> {
    let conflict = [
        (args.input.is_some(), "cannot specify an input"),
        (args.write, "cannot use --write"),
        (args.output.is_some(), "cannot use --output"),
        (!args.path.is_empty(), "cannot use --path"),
        (!args.exclude_path.is_empty(), "cannot use --exclude-path"),
        (args.config.is_some(), "cannot use --config"),
    ]
    .into_iter()
    .find_map(|(used, what)| used.then_some(what));
    if let Some(what) = conflict {
        return Err(format!("Failure: {what} when using --stdin-filepath"));
    }
    if !name.ends_with(".proto") {
        return Err("Failure: --stdin-filepath must be a path to a .proto file".to_string());
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .map_err(|e| format!("Failure: reading standard input: {e}"))?;
    let formatted = format_source(name, &text).map_err(|e| e.messages.join("\n"))?;
    let differs = text != formatted;
    if args.diff {
        if differs {
            print!("{}", unified_diff(name, &text, &formatted));
        }
    } else {
        print!("{formatted}");
    }
    Ok(if args.exit_code && differs {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// The files `buf format` formats for directory `input`: those of each module of its
/// workspace (`buf.yaml` modules with their includes and excludes, or the input's module when
/// it is one of an enclosing workspace), narrowed by `--path`/`--exclude-path` as lint and
/// breaking narrow them, with buf's errors.
fn selected_files(input: &Path, args: &FormatArgs) -> Result<Vec<(PathBuf, String)>, String> {
    let modules = match &args.config {
        Some(c) => config_modules(c)?,
        None => match crate::lint_cmd::enclosing_workspace(input)? {
            Some((root, module)) => {
                // The input is a module of a workspace above it: that module alone, rooted
                // at the input.
                let all = workspace_modules(&root).map_err(|e| format!("Failure: {e}"))?;
                all.into_iter()
                    .filter(|(_, m)| lexical(&[&m.path.to_string_lossy()]) == module)
                    .map(|(v, mut m)| {
                        m.path = PathBuf::from(".");
                        (v, m)
                    })
                    .collect()
            }
            None => workspace_modules(input).map_err(|e| format!("Failure: {e}"))?,
        },
    };
    // An absolute value is taken as the path it names from the current directory.
    let cwd = std::env::current_dir().map_err(|e| format!("Failure: {e}"))?;
    let from_cwd = |values: &[String]| -> Vec<String> {
        values
            .iter()
            .map(|v| {
                let p = Path::new(v);
                if p.is_absolute() {
                    relative_to(&cwd, p)
                } else {
                    v.clone()
                }
            })
            .collect()
    };
    let selection = Selection::new(
        input,
        &from_cwd(&args.path),
        &from_cwd(&args.exclude_path),
        &modules,
    )?;
    selection.check_exclude_holds_path()?;
    let mut files = Vec::new();
    let mut targeted = selection.paths().is_empty();
    for (_, module) in &modules {
        let root = input.join(&module.path);
        let full = |name: &String| lexical(&[&module.path.to_string_lossy(), name]);
        if !targeted {
            // A --path must name something in a module root; one that the configuration
            // excludes selects nothing without being an error.
            targeted = module_files(&root, &[], &[])
                .unwrap_or_default()
                .iter()
                .any(|n| selection.paths().iter().any(|p| under(&full(n), p)));
        }
        for name in module_files(&root, &module.includes, &module.excludes)? {
            if selection.selects(&full(&name)) {
                let path = PathBuf::from(lexical(&[&input.to_string_lossy(), &full(&name)]));
                files.push((path, name));
            }
        }
    }
    if !targeted {
        return Err("Failure: no .proto files were targeted. This can occur if no .proto files are found in your input, --path points to files that do not exist, or --exclude-path excludes all files.".to_string());
    }
    Ok(files)
}

/// `path` (absolute) relative to `base` (absolute), with `..` where it lies outside.
fn relative_to(base: &Path, path: &Path) -> String {
    let b: Vec<_> = base.components().collect();
    let p: Vec<_> = path.components().collect();
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
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
