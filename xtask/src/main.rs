//! `cargo xtask <job>`: project chores that cargo alone does not do.
//!
//! Each job lives in its own module; this file only dispatches on the first argument.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod bench_codec;
mod bench_codegen;
mod bootstrap;
mod bootstrap_gen;
mod conformance;
mod fuzz;
mod goldens;
mod interop_peers;
mod tidy;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(job) = args.first() else {
        eprintln!("usage: cargo xtask <job> [args...]\n\njobs:\n{}", JOBS);
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result: Result<(), String> = match job.as_str() {
        // New jobs: add one arm here and one module beside this file.
        "tidy" => tidy::run(&root()),
        "conformance" => conformance::run(rest),
        "bootstrap" => bootstrap::run(&root(), rest),
        "goldens" => goldens::run(&root(), rest),
        "bench" => bench::run(&root(), rest),
        "fuzz" => fuzz::run(&root(), rest),
        "interop-peers" => interop_peers::run(&root(), rest),
        _ => Err(format!("unknown job `{job}`\n\njobs:\n{JOBS}")),
    };
    let _ = rest;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {job}: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One line per job, for the usage text.
const JOBS: &str = "  tidy          check module docs and formatting\n  \
  conformance   build (cached) and run protobuf's conformance_test_runner\n  \
  bootstrap [--check]  regenerate the runtime's descriptor.rs, plugin.rs and wkt\n  \
  goldens [SET..]  regenerate testdata/descriptors goldens with real protoc\n  \
  bench compile [--googleapis DIR] [--runs N]  time protoforge against protoc and protox\n  \
  bench codegen [--googleapis DIR] [--runs N]  generated code size and cost vs prost+tonic\n  \
  bench grpc [ARGS]  gRPC echo benchmark (cargo run --release -p grpc-echo-bench)\n  \
  bench codec [FILTER] [--no-run]  decode/encode/encoded_len vs prost and buffa (cargo bench -p codec-compare)\n  \
  fuzz [TARGET] [--time S]  run the fuzz targets with libFuzzer (cargo fuzz)\n  \
  interop-peers [--go CLIENT SERVER] [--tonic CLIENT SERVER]  interop cases against other gRPC peers\n";

/// Cargo's target directory: `$CARGO_TARGET_DIR` (relative to the workspace root), else
/// `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// `cargo build --release ARGS` in the workspace.
fn cargo_release_build(root: &Path, args: &[&str]) -> Result<(), String> {
    let status = std::process::Command::new("cargo")
        .current_dir(root)
        .args(["build", "--release"])
        .args(args)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build --release {} failed", args.join(" ")))
    }
}

/// The workspace root (the parent of this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
