//! The sources of `bench codegen`'s throwaway crates: the workspace and package manifests,
//! the generator crates' build script (which times the generator call) and the generator
//! calls it is completed with.

pub(super) const WORKSPACE_TOML: &str = r#"# Written by `cargo xtask bench codegen`; rewritten on every run.
[workspace]
resolver = "3"
members = ["gen-protoforge", "gen-prost", "code-protoforge", "code-prost"]
"#;

pub(super) const GEN_PROTOFORGE_TOML: &str = r#"[package]
name = "gen-protoforge"
version = "0.0.0"
edition = "2024"
publish = false

[build-dependencies]
protoforge-build = { path = "@BUILD@" }
"#;

pub(super) const GEN_PROST_TOML: &str = r#"[package]
name = "gen-prost"
version = "0.0.0"
edition = "2024"
publish = false

[build-dependencies]
tonic-prost-build = "0.14"
prost-build = "0.14"
"#;

pub(super) const CODE_PROTOFORGE_TOML: &str = r#"[package]
name = "code-protoforge"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
protoforge = { path = "@RUNTIME@", features = ["grpc"] }
tonic = { version = "0.14", features = ["codegen", "transport"] }
"#;

pub(super) const CODE_PROST_TOML: &str = r#"[package]
name = "code-prost"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
prost = "0.14"
prost-types = "0.14"
tonic = { version = "0.14", features = ["codegen", "transport"] }
tonic-prost = "0.14"
"#;

pub(super) const EMPTY_LIB: &str = "//! Nothing: this crate exists for its build script.\n";

pub(super) const CODE_LIB: &str =
    "//! Generated code only.\n#![allow(warnings, clippy::all)]\ninclude!(\"gen/_includes.rs\");\n";

/// The generator crates' `build.rs`; `@GENERATE@` is the timed generator call.
pub(super) const BUILD_RS: &str = r#"//! Times one generator run on the files the spec names (`cargo xtask bench codegen`).
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    println!("cargo:rerun-if-env-changed=CODEGEN_BENCH_SPEC");
    println!("cargo:rerun-if-env-changed=CODEGEN_BENCH_REPORT");
    let (Some(spec), Some(report)) = (
        std::env::var_os("CODEGEN_BENCH_SPEC"),
        std::env::var_os("CODEGEN_BENCH_REPORT"),
    ) else {
        return Ok(());
    };
    let mut includes: Vec<PathBuf> = Vec::new();
    let mut protoc_include: Option<PathBuf> = None;
    let mut protoc: Option<PathBuf> = None;
    let mut protos: Vec<PathBuf> = Vec::new();
    for line in std::fs::read_to_string(spec)?.lines() {
        match line.split_once(' ') {
            Some(("include", dir)) => includes.push(dir.into()),
            Some(("protoc_include", dir)) => protoc_include = Some(dir.into()),
            Some(("protoc", path)) => protoc = Some(path.into()),
            Some(("proto", file)) => protos.push(file.into()),
            _ => {}
        }
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Every run writes as a clean build does.
    for entry in std::fs::read_dir(&out_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            std::fs::remove_file(path)?;
        }
    }
    let cpu_before = cpu_seconds();
    let start = std::time::Instant::now();
@GENERATE@
    let elapsed = start.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    let _ = (&protoc_include, &protoc);
    let line = format!("{} {cpu} {}\n", elapsed.as_secs_f64(), out_dir.display());
    std::fs::write(report, line)
}

/// User and system time of this process (all its threads) and of the children it waited for,
/// from `/proc/self/stat` (0 where there is none), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime, stime, cutime, cstime: fields 14 to 17 of the line, in USER_HZ (100) ticks.
    let ticks: u64 = (11..=14).filter_map(|i| fields.get(i)?.parse::<u64>().ok()).sum();
    ticks as f64 / 100.0
}
"#;

pub(super) const GENERATE_PROTOFORGE: &str = r#"    protoforge_build::configure()
        .include_file("_includes.rs")
        .compile_protos(&protos, &includes)?;"#;

pub(super) const GENERATE_PROST: &str = r#"    let mut config = prost_build::Config::new();
    if let Some(protoc) = &protoc {
        config.protoc_executable(protoc);
    }
    let includes: Vec<PathBuf> = includes.iter().cloned().chain(protoc_include.clone()).collect();
    tonic_prost_build::configure()
        .include_file("_includes.rs")
        .compile_with_config(config, &protos, &includes)?;"#;
