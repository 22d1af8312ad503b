//! Runs the `protoforge` binary like protoc is run: output files, exit codes and protoc-style
//! errors on stderr, compared with what real protoc produced for the corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_protoforge"))
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protoforge-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir.join(name)
}

#[test]
fn writes_the_descriptor_set_protoc_writes() {
    let root = corpus().join("grpc/src");
    let out = temp("health.pb");
    let status = bin()
        .current_dir(&root)
        .args(["-I.", "--include_imports"])
        .arg(format!("--descriptor_set_out={}", out.display()))
        .arg("grpc/health/v1/health.proto")
        .status()
        .expect("run protoforge");
    assert!(status.success());
    let ours = std::fs::read(&out).expect("output written");
    let golden = std::fs::read(corpus().join("grpc/goldens/grpc/health/v1/health.proto.pb"))
        .expect("golden");
    assert_eq!(ours, golden, "output differs from protoc's");
}

#[test]
fn args_file_and_short_output_flag() {
    let root = corpus().join("grpc/src");
    let out = temp("args.pb");
    let args = temp("args.txt");
    std::fs::write(
        &args,
        format!(
            "--proto_path={}\n--include_imports\n--include_source_info\n-o{}\ngrpc/health/v1/health.proto\n",
            root.display(),
            out.display()
        ),
    )
    .expect("write args file");
    let status = bin()
        .arg(format!("@{}", args.display()))
        .status()
        .expect("run protoforge");
    assert!(status.success());
    let ours = std::fs::read(&out).expect("output written");
    let golden = std::fs::read(corpus().join("grpc/goldens/grpc/health/v1/health.proto.src.pb"))
        .expect("golden");
    assert_eq!(ours, golden, "output differs from protoc's");
}

#[test]
fn missing_import_is_reported_like_protoc() {
    let root = corpus().join("protobuf/src");
    let file = "editions/codegen_tests/edition2023_go_api_level.proto";
    let output = bin()
        .current_dir(&root)
        .args(["-I.", "--error_format=gcc", "-o", "/dev/null", file])
        .output()
        .expect("run protoforge");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected =
        std::fs::read_to_string(corpus().join(format!("protobuf/goldens/{file}.protoc.stderr")))
            .expect("protoc stderr");
    assert_eq!(stderr, expected);
}

#[test]
fn file_outside_proto_path_is_rejected() {
    let output = bin()
        .args(["-I", "/nonexistent-dir", "-o", "/dev/null"])
        .arg(corpus().join("grpc/src/grpc/health/v1/health.proto"))
        .output()
        .expect("run protoforge");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("File does not reside within any path specified using --proto_path"),
        "{stderr}"
    );
}

#[test]
fn version_and_missing_output() {
    let output = bin().arg("--version").output().expect("run protoforge");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("protoc 35.1 compatible"));
    let output = bin().arg("a.proto").output().expect("run protoforge");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Missing output directives.\n"
    );
}
