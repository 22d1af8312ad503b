//! With a generator (`--rust_out`) and `--descriptor_set_out` together, the CLI compiles once
//! and cuts the descriptor set from that compilation; the set must still be exactly what real
//! protoc writes for every combination of `--include_imports`, `--include_source_info` and
//! `--retain_options`, on a file with source-retention options.

use std::path::{Path, PathBuf};
use std::process::Command;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src")
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protoforge-once-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

#[test]
fn descriptor_set_beside_a_generator_matches_protoc() {
    const FILE: &str = "google/protobuf/unittest_retention.proto";
    let dir = temp_dir();
    let flag_names = [
        "--include_imports",
        "--include_source_info",
        "--retain_options",
    ];
    for combo in 0..8u32 {
        let flags: Vec<&str> = flag_names
            .iter()
            .enumerate()
            .filter(|(i, _)| combo & (1 << i) != 0)
            .map(|(_, f)| *f)
            .collect();
        let ours = dir.join(format!("ours{combo}.pb"));
        let theirs = dir.join(format!("protoc{combo}.pb"));
        let rust_dir = dir.join(format!("rust{combo}"));
        std::fs::create_dir_all(&rust_dir).expect("create output dir");
        let status = Command::new(env!("CARGO_BIN_EXE_protoforge"))
            .current_dir(src())
            .arg("-I.")
            .args(&flags)
            .arg(format!("--rust_out={}", rust_dir.display()))
            .arg(format!("--descriptor_set_out={}", ours.display()))
            .arg(FILE)
            .status()
            .expect("run protoforge");
        assert!(status.success(), "protoforge failed with {flags:?}");
        let status = protoforge_test_support::protoc_command(&src())
            .arg("-I.")
            .args(&flags)
            .arg(format!("--descriptor_set_out={}", theirs.display()))
            .arg(FILE)
            .status()
            .expect("run protoc");
        assert!(status.success(), "protoc failed with {flags:?}");
        let ours = std::fs::read(&ours).expect("our output");
        let theirs = std::fs::read(&theirs).expect("protoc's output");
        assert!(
            ours == theirs,
            "descriptor set differs from protoc's with {flags:?} ({} vs {} bytes)",
            ours.len(),
            theirs.len()
        );
        assert!(
            std::fs::read_dir(&rust_dir)
                .map(|d| d.count() > 0)
                .unwrap_or(false),
            "no Rust output with {flags:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
