//! The `protoforge` command: a protoc-compatible front end that compiles `.proto` files into a
//! `FileDescriptorSet` (`-o`/`--descriptor_set_out`), with protoc's flags, exit codes and
//! error format, and a rich coloured error format for terminals.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use protoforge::Message as _;
use protoforge_compile::{Compiler, ErrorFormat, render_diagnostic};

/// The protoc version whose behaviour protoforge reproduces.
const PROTOC_VERSION: &str = "35.1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `file:line:col: message` (protoc's default).
    Gcc,
    /// `file(line) : error in column=col: message`.
    Msvs,
    /// A rustc-like excerpt with carets (the default when stderr is a terminal).
    Pretty,
}

/// Compile .proto files into a FileDescriptorSet, like protoc.
#[derive(Debug, Parser)]
#[command(
    name = "protoforge",
    disable_version_flag = true,
    after_help = "Arguments of the form @FILE are read from FILE, one argument per line."
)]
struct Args {
    /// Directory in which to search for imports (repeatable; `VIRTUAL=DISK` maps a directory
    /// to a virtual prefix; several directories may be joined with `:`). Defaults to `.`.
    #[arg(short = 'I', long = "proto_path", value_name = "PATH")]
    proto_path: Vec<String>,

    /// Write a FileDescriptorSet (binary protobuf) of the input files to FILE.
    #[arg(short = 'o', long = "descriptor_set_out", value_name = "FILE")]
    descriptor_set_out: Option<String>,

    /// Take imports from these FileDescriptorSets (`:`-separated) when not found on the proto path.
    #[arg(long = "descriptor_set_in", value_name = "FILES")]
    descriptor_set_in: Vec<String>,

    /// With --descriptor_set_out, also include all dependencies of the input files.
    #[arg(long = "include_imports")]
    include_imports: bool,

    /// With --descriptor_set_out, keep SourceCodeInfo (source locations and comments).
    #[arg(long = "include_source_info")]
    include_source_info: bool,

    /// With --descriptor_set_out, keep options with source retention.
    #[arg(long = "retain_options")]
    retain_options: bool,

    /// How to print errors.
    #[arg(long = "error_format", value_enum, value_name = "FORMAT")]
    error_format: Option<Format>,

    /// Print the version and exit.
    #[arg(long = "version")]
    version: bool,

    /// The .proto files to compile.
    #[arg(value_name = "PROTO_FILES")]
    files: Vec<String>,
}

/// Expands `@file` arguments (one argument per line, recursively), like protoc.
fn expand_args(args: Vec<String>, depth: usize) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for arg in args {
        match arg.strip_prefix('@') {
            Some(path) if depth < 16 => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("Failed to open argument file: {path}: {e}"))?;
                let lines = text
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                out.extend(expand_args(lines, depth + 1)?);
            }
            _ => out.push(arg),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut argv = std::env::args();
    let program = argv.next().unwrap_or_else(|| "protoforge".to_string());
    let mut expanded = vec![program];
    expanded.extend(expand_args(argv.collect(), 0)?);
    let args = match Args::try_parse_from(expanded) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            });
        }
    };
    if args.version {
        println!(
            "protoforge {} (protoc {PROTOC_VERSION} compatible)",
            env!("CARGO_PKG_VERSION")
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.files.is_empty() {
        return Err("Missing input file.".to_string());
    }
    let Some(out_path) = args.descriptor_set_out.as_deref() else {
        return Err("Missing output directives.".to_string());
    };
    let format = match args.error_format {
        Some(Format::Gcc) => ErrorFormat::Gcc,
        Some(Format::Msvs) => ErrorFormat::Msvs,
        Some(Format::Pretty) => ErrorFormat::Pretty {
            color: std::io::stderr().is_terminal(),
        },
        None if std::io::stderr().is_terminal() => ErrorFormat::Pretty { color: true },
        None => ErrorFormat::Gcc,
    };

    let mut compiler = Compiler::new()
        .include_imports(args.include_imports)
        .include_source_info(args.include_source_info)
        .retain_options(args.retain_options);
    for spec in &args.proto_path {
        for part in spec.split(':').filter(|p| !p.is_empty()) {
            compiler = compiler.include_path(part);
        }
    }
    for list in &args.descriptor_set_in {
        for path in list.split(':').filter(|p| !p.is_empty()) {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            compiler = compiler
                .descriptor_set_in(&bytes)
                .map_err(|e| format!("{path}: {e}"))?;
        }
    }

    match compiler.compile(&args.files) {
        Ok(compiled) => {
            let mut stderr = std::io::stderr().lock();
            for w in &compiled.warnings {
                let text = render_diagnostic(w, &compiled.sources, format);
                let _ = writeln!(stderr, "{}", text.trim_end());
            }
            let bytes = compiled.files.encode_to_vec();
            std::fs::write(out_path, bytes).map_err(|e| format!("{out_path}: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(err.render(format).as_bytes());
            Ok(ExitCode::FAILURE)
        }
    }
}
