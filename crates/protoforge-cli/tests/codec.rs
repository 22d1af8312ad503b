//! `--encode`, `--decode` and `--decode_raw` reach the text helper (`encode_decode::run`) with
//! protoc's flag checks: every misuse gives protoc's message and exit code, and a smoke test
//! decodes raw bytes exactly as protoc does. (The differential tests of the conversions
//! themselves are in `tests/encode_decode.rs`.)

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::corpus;

/// Runs `program` (protoc through python3 when `protoc` is set) with `args` and `stdin`.
fn run(protoc: bool, cwd: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut command = if protoc {
        protoforge_test_support::protoc_command(cwd)
    } else {
        Command::new(env!("CARGO_BIN_EXE_protoforge"))
    };
    let mut child = command
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    child.wait_with_output().expect("wait")
}

#[test]
fn flag_misuse_is_reported_like_protoc() {
    let src = corpus().join("grpc/src");
    let file = "grpc/health/v1/health.proto";
    for args in [
        vec!["--decode_raw", file],
        vec!["--decode=", file],
        vec!["--encode=", file],
        vec!["-o/dev/null", "--encode=X", file],
        vec!["--python_out=/tmp", "--decode_raw"],
        vec!["--encode=X"],
        vec!["--encode=A", "--decode=B", file],
        vec!["--deterministic_output", "-o/dev/null", file],
        vec!["--decode_raw=3"],
    ] {
        let theirs = run(true, &src, &args, b"");
        let ours = run(false, &src, &args, b"");
        assert_eq!(
            String::from_utf8_lossy(&ours.stderr),
            String::from_utf8_lossy(&theirs.stderr),
            "{args:?}"
        );
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
    }
}

#[test]
fn decode_raw_smoke() {
    let input = b"\x08\x96\x01\x12\x03abc\x1a\x02\x08\x01";
    let theirs = run(true, Path::new("."), &["--decode_raw"], input);
    let ours = run(false, Path::new("."), &["--decode_raw"], input);
    assert!(theirs.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout)
    );
    assert_eq!(
        ours.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
}
