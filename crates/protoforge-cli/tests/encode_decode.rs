//! `protoforge --encode/--decode/--decode_raw` against real protoc
//! (`python3 -m grpc_tools.protoc`) on the conformance test messages of the corpus: random
//! messages (any float bit pattern, unknown fields of every wire type appended) made by
//! `crates/protoforge/tests/differential/text_format.py` are decoded, re-encoded and raw-decoded
//! by both tools, and stdout, stderr and exit code must agree byte for byte; so must the
//! errors for bad text input.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::corpus;

/// Runs protoc (through python3) or protoforge in `cwd` with `args`, feeding `stdin`.
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
    // A tool that fails early may close stdin before reading it all.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("wait")
}

/// protoc's stderr without the absl logging noise its Python wrapper adds, as bytes (protoc
/// quotes input bytes in its messages as they are, UTF-8 or not).
fn clean_stderr(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        let text = String::from_utf8_lossy(line);
        if text.starts_with("WARNING: All log messages") || text.contains("wire_format_lite.cc") {
            continue;
        }
        out.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

/// Runs both tools and asserts the same stdout, stderr and exit code; returns stdout.
#[track_caller]
fn check_same(cwd: &Path, args: &[&str], stdin: &[u8], what: &str) -> Vec<u8> {
    // protoc needs the include root spelled out when files are named.
    let mut with_include = vec!["-I."];
    with_include.extend_from_slice(args);
    let args = if args.iter().any(|a| a.ends_with(".proto")) {
        &with_include[..]
    } else {
        args
    };
    let theirs = run(true, cwd, args, stdin);
    let ours = run(false, cwd, args, stdin);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "stdout of {args:?} on {what}"
    );
    assert_eq!(
        ours.stdout, theirs.stdout,
        "stdout bytes of {args:?} on {what}"
    );
    let (our_err, their_err) = (clean_stderr(&ours.stderr), clean_stderr(&theirs.stderr));
    assert_eq!(
        String::from_utf8_lossy(&our_err),
        String::from_utf8_lossy(&their_err),
        "stderr of {args:?} on {what}"
    );
    assert_eq!(our_err, their_err, "stderr bytes of {args:?} on {what}");
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of {args:?} on {what}"
    );
    ours.stdout
}

fn src() -> PathBuf {
    corpus().join("protobuf/src")
}

fn proto_of(type_name: &str) -> &'static str {
    match type_name {
        "protobuf_test_messages.proto2.TestAllTypesProto2" => {
            "google/protobuf/test_messages_proto2.proto"
        }
        "protobuf_test_messages.proto3.TestAllTypesProto3" => {
            "google/protobuf/test_messages_proto3.proto"
        }
        "protobuf_test_messages.editions.proto2.TestAllTypesProto2" => {
            "editions/golden/test_messages_proto2_editions.proto"
        }
        "protobuf_test_messages.editions.proto3.TestAllTypesProto3" => {
            "editions/golden/test_messages_proto3_editions.proto"
        }
        other => panic!("unexpected type {other}"),
    }
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Random messages `(type, binary, Python's text of the known fields)` from the Python
/// generator.
fn random_messages(seed: u32, count: u32) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../protoforge/tests");
    let out = common::temp(&format!("encode-decode-{seed}")).join("messages.txt");
    let status = Command::new("python3")
        .arg(root.join("differential/text_format.py"))
        .arg("gen")
        .arg(root.join("data/reflect_test_messages.pb"))
        .arg(seed.to_string())
        .arg(count.to_string())
        .arg("0")
        .arg(&out)
        .arg("unknown")
        .status()
        .expect("run python3");
    assert!(status.success(), "text_format.py gen failed");
    std::fs::read_to_string(&out)
        .expect("read messages")
        .lines()
        .map(|line| {
            let mut parts = line.split(' ');
            let ty = parts.next().expect("type").to_owned();
            let bin = unhex(parts.next().expect("binary"));
            let text = unhex(parts.next().expect("text"));
            (ty, bin, text)
        })
        .collect()
}

#[test]
fn decode_encode_and_decode_raw_agree_with_protoc() {
    let src = src();
    let mut non_empty = 0;
    for (i, (ty, bin, py_text)) in random_messages(11, 8).into_iter().enumerate() {
        let what = format!("message #{i} ({ty})");
        let decode = format!("--decode={ty}");
        let text = check_same(&src, &[&decode, proto_of(&ty)], &bin, &what);
        assert!(!text.is_empty(), "{what} printed nothing");
        check_same(&src, &["--decode_raw"], &bin, &what);
        // Python's text of the same message (floats spelled differently, unknown fields
        // left out) encodes to the same bytes in both tools.
        let encode = format!("--encode={ty}");
        let bytes = check_same(
            &src,
            &[&encode, "--deterministic_output", proto_of(&ty)],
            &py_text,
            &what,
        );
        if !bytes.is_empty() {
            non_empty += 1;
        }
    }
    assert!(
        non_empty >= 6,
        "only {non_empty} messages encoded to something"
    );
}

#[test]
fn encode_errors_agree_with_protoc() {
    let src = src();
    let ty = "protobuf_test_messages.proto3.TestAllTypesProto3";
    let encode = format!("--encode={ty}");
    let file = proto_of(ty);
    for input in [
        "optional_int32: 1a\n foo: 2",
        "no_such_field: 1",
        "optional_int32: 99999999999",
        "optional_nested_message { a: 1 >",
        "optional_string: 'unterminated",
        "optional_bool: maybe",
        "[no.such.ext]: 1",
        "optional_any { [type.googleapis.com/nope] {} }",
        "optional_int32: 1 optional_int32: 2",
        "repeated_int32: [1,]",
        "optional_double: 0x10",
        "optional_nested_enum: NOPE",
        "\toptional_int32:\t'x'",
    ] {
        check_same(&src, &[&encode, file], input.as_bytes(), input);
    }
}

/// Text input is bytes to protoc: string literals may hold bytes that are not UTF-8 (for
/// `bytes` fields), comments may too, and errors quote offending input bytes as they are.
#[test]
fn encode_takes_raw_bytes_like_protoc() {
    let src = src();
    let ty = "protobuf_test_messages.proto3.TestAllTypesProto3";
    let encode = format!("--encode={ty}");
    let file = proto_of(ty);
    let inputs: &[&[u8]] = &[
        b"optional_bytes: \"\xff\xfe\x80\"",
        b"repeated_bytes: [\"\xff\", '\x80\\377', \"\xc3\xa9\"]",
        b"optional_bytes: \"ok\" # a comment \xff\xfe\n optional_int32: 3",
        b"map_string_bytes { key: \"k\" value: \"\xff\\xff\" }",
        b"optional_bytes: \"\xc3\xa9\"\n\xff",
        b"optional_bytes: 'x' \xc3\xa9: 1",
        b"optional_int32: \"\xff\"",
        b"optional_nested_message { a: 1 } \xe2\x82\xac",
        b"optional_bytes: \"\xff",
        b"\xef\xbb\xbfoptional_int32: 1",
    ];
    for input in inputs {
        check_same(
            &src,
            &[&encode, file],
            input,
            &String::from_utf8_lossy(input),
        );
    }
}

#[test]
fn unknown_type_and_bad_binary_agree_with_protoc() {
    let src = src();
    let file = proto_of("protobuf_test_messages.proto3.TestAllTypesProto3");
    check_same(&src, &["--decode=no.Such", file], b"", "unknown type");
    check_same(&src, &["--encode=no.Such", file], b"", "unknown type");
    check_same(
        &src,
        &[
            "--decode=protobuf_test_messages.proto3.TestAllTypesProto3",
            file,
        ],
        b"\x0a\x05ab",
        "truncated input",
    );
    check_same(&src, &["--decode_raw"], b"\x0b\x0c", "mismatched group");
}

#[test]
fn missing_required_fields_warn_like_protoc() {
    let src = src();
    let ty = "protobuf_test_messages.proto2.TestAllRequiredTypesProto2";
    let file = proto_of("protobuf_test_messages.proto2.TestAllTypesProto2");
    let encode = format!("--encode={ty}");
    check_same(
        &src,
        &[&encode, file],
        b"required_int32: 1 required_nested_message { }",
        "partial message",
    );
}

/// `n` length-delimited fields nested in each other around one varint.
fn nested_messages(n: usize) -> Vec<u8> {
    let mut bytes = vec![0x08, 0x01];
    for _ in 0..n {
        let mut outer = vec![0x0a];
        let mut len = bytes.len();
        while len >= 0x80 {
            outer.push((len as u8) | 0x80);
            len >>= 7;
        }
        outer.push(len as u8);
        outer.extend_from_slice(&bytes);
        bytes = outer;
    }
    bytes
}

/// `n` groups (field 2) nested in each other around one varint.
fn nested_groups(n: usize) -> Vec<u8> {
    let mut bytes = vec![0x13; n];
    bytes.extend_from_slice(&[0x08, 0x01]);
    bytes.extend(std::iter::repeat_n(0x14, n));
    bytes
}

#[test]
fn decode_raw_depth_limits_agree_with_protoc() {
    let cwd = src();
    for n in [9, 10, 11, 12] {
        check_same(
            &cwd,
            &["--decode_raw"],
            &nested_messages(n),
            &format!("{n} messages"),
        );
    }
    for n in [9, 10, 11, 99, 100, 101] {
        check_same(
            &cwd,
            &["--decode_raw"],
            &nested_groups(n),
            &format!("{n} groups"),
        );
    }
    // Groups inside a length-delimited field count against the nested parse's limit.
    let mut inner = nested_groups(10);
    let mut outer = vec![0x0a, inner.len() as u8];
    outer.append(&mut inner);
    check_same(&cwd, &["--decode_raw"], &outer, "groups inside a message");
}
