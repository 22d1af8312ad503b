//! Differential test against Python `protobuf`: `differential.py` builds random messages of
//! the four conformance test types, the testee decodes and re-encodes them, Python compares.
//! Also checks the testee's answers for unsupported input (`skipped`, never `parse_error`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Generates the `_pb2.py` modules of the test protos (copied to top-level names so they do
/// not clash with the installed `google.protobuf` package) into a fresh directory.
fn python_modules() -> PathBuf {
    let src = root().join("testdata/descriptors/protobuf/src");
    let dir = std::env::temp_dir().join(format!("protoforge-differential-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let copies = [
        ("conformance/conformance.proto", "conformance.proto"),
        (
            "google/protobuf/test_messages_proto2.proto",
            "test_messages_proto2.proto",
        ),
        (
            "google/protobuf/test_messages_proto3.proto",
            "test_messages_proto3.proto",
        ),
        (
            "editions/golden/test_messages_proto2_editions.proto",
            "test_messages_proto2_editions.proto",
        ),
        (
            "editions/golden/test_messages_proto3_editions.proto",
            "test_messages_proto3_editions.proto",
        ),
    ];
    for (from, to) in copies {
        std::fs::copy(src.join(from), dir.join(to)).unwrap();
    }
    let status = protoforge_test_support::protoc_command(&dir)
        .arg(format!("-I{}", dir.display()))
        .arg(format!("--python_out={}", dir.display()))
        .args(copies.iter().map(|(_, to)| *to))
        .status()
        .expect("python3 with grpcio-tools must be installed");
    assert!(status.success(), "protoc --python_out failed");
    dir
}

#[test]
fn python_and_protoforge_agree_on_random_messages() {
    let dir = python_modules();
    let output = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential.py"))
        .arg(env!("CARGO_BIN_EXE_protoforge-conformance"))
        .arg(&dir)
        .args(["400", "20261125"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        stderr.lines().take(40).collect::<Vec<_>>().join("\n")
    );
    assert!(stdout.contains("400/400"), "{stdout}");
}
