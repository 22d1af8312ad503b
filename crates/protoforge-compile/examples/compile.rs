//! A minimal protoc-like driver over the library, for benchmarks and profiling without the CLI:
//! `compile [-I DIR]... [--include_imports] [--include_source_info] [--retain_options]
//! -o OUT FILES...` (also `--descriptor_set_out=OUT`), where an argument `@FILE` reads more
//! arguments from FILE, one a line.
//! Diagnostics go to stderr in protoc's form; the exit code is 1 when compilation fails.

use std::io::Write;
use std::process::ExitCode;

use protoforge::Message;
use protoforge_compile::{Compiler, ErrorFormat, render_diagnostic};

/// The allocator the `protoforge` command uses by default, so timings match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = Vec::new();
    for a in std::env::args().skip(1) {
        match a.strip_prefix('@') {
            Some(path) => match std::fs::read_to_string(path) {
                Ok(text) => args.extend(text.lines().filter(|l| !l.is_empty()).map(String::from)),
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return ExitCode::FAILURE;
                }
            },
            None => args.push(a),
        }
    }
    let mut compiler = Compiler::new();
    let mut out = None;
    let mut files = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a == "-I" || a == "-o" {
            let Some(v) = it.next() else {
                eprintln!("{a} needs a value");
                return ExitCode::FAILURE;
            };
            if a == "-I" {
                compiler = compiler.include_path(v);
            } else {
                out = Some(v);
            }
        } else if let Some(dir) = a.strip_prefix("-I") {
            compiler = compiler.include_path(dir);
        } else if let Some(path) = a
            .strip_prefix("--descriptor_set_out=")
            .or_else(|| a.strip_prefix("-o"))
        {
            out = Some(path.to_string());
        } else if a == "--include_imports" {
            compiler = compiler.include_imports(true);
        } else if a == "--include_source_info" {
            compiler = compiler.include_source_info(true);
        } else if a == "--retain_options" {
            compiler = compiler.retain_options(true);
        } else {
            files.push(a);
        }
    }
    match compiler.compile(&files) {
        Ok(compiled) => {
            let mut stderr = std::io::stderr().lock();
            for w in &compiled.warnings {
                let text = render_diagnostic(w, &compiled.sources, ErrorFormat::Gcc);
                let _ = writeln!(stderr, "{}", text.trim_end());
            }
            if let Some(path) = out
                && let Err(e) = std::fs::write(&path, compiled.files.encode_to_vec())
            {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
            // The process ends here: skip freeing every descriptor one by one.
            std::mem::forget(compiled);
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = std::io::stderr().write_all(e.render(ErrorFormat::Gcc).as_bytes());
            ExitCode::FAILURE
        }
    }
}
