//! `protoforge::text` against independent truth: hand-checked cases whose expected output
//! and error texts were recorded from protoc 35.1 (`protoc --encode`/`--decode`), and a
//! differential test against Python `protobuf`'s `text_format` on random messages of the
//! conformance test types (`tests/differential/text_format.py`): the same messages print
//! identically, Python parses our output back to the same message, and we parse Python's
//! output back to the same message.
#![cfg(feature = "text")]

use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge::reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, Value};
use protoforge::text::{self, PrintOptions};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn pool() -> DescriptorPool {
    let bytes = std::fs::read(data("reflect_test_messages.pb")).expect("read test descriptors");
    DescriptorPool::decode(&bytes).expect("protoc's descriptor set builds a pool")
}

fn message(name: &str) -> MessageDescriptor {
    pool()
        .get_message_by_name(name)
        .unwrap_or_else(|| panic!("{name} in the pool"))
}

const P2: &str = "protobuf_test_messages.proto2.TestAllTypesProto2";
const P3: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";

/// Parses `input` as `ty`, prints it as `protoc --decode` does, and compares.
#[track_caller]
fn check_round_trip(ty: &str, input: &str, expected: &str) {
    let msg = text::parse(message(ty), input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
    assert_eq!(
        text::print_with(&msg, &PrintOptions::default()),
        expected,
        "input {input:?}"
    );
}

/// Parses `input` as `ty` and compares the error with protoc's (`input:LINE:COL: MESSAGE`
/// without the `input:` prefix).
#[track_caller]
fn check_error(ty: &str, input: &str, expected: &str) {
    let err = text::parse(message(ty), input).expect_err(input);
    assert_eq!(err.to_string(), expected, "input {input:?}");
}

#[test]
fn scalars_print_like_protoc() {
    // Expected outputs recorded with `protoc --encode | protoc --decode`.
    check_round_trip(
        P3,
        "optional_int32: -0x80000000 optional_int64: 0777 optional_uint32: 0xFFFFFFFF \
         optional_uint64: 18446744073709551615 optional_sint32: -5 optional_fixed64: 0 \
         optional_float: 1e50 optional_double: .5 optional_bool: t \
         optional_string: 'a' \"b\" 'c\\n\\x41\\101\\u00e9' optional_bytes: '\\377\\0'",
        "optional_int32: -2147483648\noptional_int64: 511\noptional_uint32: 4294967295\n\
         optional_uint64: 18446744073709551615\noptional_sint32: -5\noptional_float: inf\n\
         optional_double: 0.5\noptional_bool: true\noptional_string: \"abc\\nAA\\303\\251\"\n\
         optional_bytes: \"\\377\\000\"\n",
    );
    check_round_trip(
        P3,
        "optional_float: 3.192837f optional_double: -1e-18446744073709551616 \
         repeated_double: [0.1, 1e15, 1e16, 123456789012345678, nan, -Infinity, 5e-324]",
        "optional_float: 3.192837\noptional_double: -0\nrepeated_double: 0.1\n\
         repeated_double: 1e+15\nrepeated_double: 1e+16\n\
         repeated_double: 1.2345678901234568e+17\nrepeated_double: nan\n\
         repeated_double: -inf\nrepeated_double: 4.94065645841247e-324\n",
    );
}

#[test]
fn messages_groups_maps_and_enums() {
    check_round_trip(
        P2,
        "Data < group_int32: 1 > optional_nested_message: { a: 2; corecursive { } }, \
         map_string_string [{ key: 'b' value: 'y' }, { key: 'a' }] \
         optional_nested_enum: BAZ repeated_nested_enum: [1, NEG] \
         [protobuf_test_messages.proto2.extension_int32]: 7",
        "optional_nested_message {\n  a: 2\n  corecursive {\n  }\n}\n\
         optional_nested_enum: BAZ\nrepeated_nested_enum: BAR\nrepeated_nested_enum: NEG\n\
         map_string_string {\n  key: \"a\"\n  value: \"\"\n}\n\
         map_string_string {\n  key: \"b\"\n  value: \"y\"\n}\n\
         [protobuf_test_messages.proto2.extension_int32]: 7\n\
         Data {\n  group_int32: 1\n}\n",
    );
    // Open enums keep unknown numbers.
    check_round_trip(P3, "optional_nested_enum: 99", "optional_nested_enum: 99\n");
    // Lower-case group name.
    check_round_trip(
        P2,
        "data { group_int32: 3 }",
        "Data {\n  group_int32: 3\n}\n",
    );
}

#[test]
fn any_is_expanded_when_asked() {
    let msg = text::parse(
        message(P3),
        "optional_any { [type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3] \
         { optional_int32: 12345 } }",
    )
    .expect("parses");
    assert_eq!(
        text::print(&msg),
        "optional_any {\n  [type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3] \
         {\n    optional_int32: 12345\n  }\n}\n"
    );
    // protoc --decode does not expand.
    assert_eq!(
        text::print_with(&msg, &PrintOptions::default()),
        "optional_any {\n  type_url: \
         \"type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3\"\n  \
         value: \"\\010\\271`\"\n}\n"
    );
    let one_line = PrintOptions {
        single_line: true,
        ..PrintOptions::new()
    };
    assert_eq!(
        text::print_with(&msg, &one_line),
        "optional_any { [type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3] \
         { optional_int32: 12345 } }"
    );
}

#[test]
fn errors_match_protoc() {
    // Each expected text is protoc's `--encode` stderr without the `input:` prefix.
    check_error(
        P3,
        "optional_int32: 1a\n foo: 2",
        "1:18: Need space between number and identifier.",
    );
    check_error(
        P3,
        "foo: 1",
        "1:4: Message type \"protobuf_test_messages.proto3.TestAllTypesProto3\" has no field named \"foo\".",
    );
    check_error(
        P3,
        "optional_int32: 2147483648",
        "1:17: Integer out of range (2147483648)",
    );
    check_error(
        P3,
        "optional_int32: 1 optional_int32: 2",
        "1:33: Non-repeated field \"optional_int32\" is specified multiple times.",
    );
    check_error(
        P3,
        "oneof_uint32: 1 oneof_string: 'x'",
        "1:29: Field \"oneof_string\" is specified along with field \"oneof_uint32\", another member of oneof \"oneof_field\".",
    );
    check_error(
        P3,
        "optional_nested_message { a: 1 >",
        "1:32: Expected \"}\", found \">\".",
    );
    check_error(P3, "optional_int32 1", "1:16: Expected \":\", found \"1\".");
    check_error(
        P3,
        "optional_string: 'abc",
        "1:22: Unexpected end of string.",
    );
    check_error(
        P3,
        "optional_bool: maybe",
        "1:21: Invalid value for boolean field \"optional_bool\". Value: \"maybe\".",
    );
    check_error(
        P2,
        "optional_nested_enum: 99",
        "1:25: Unknown enumeration value of \"99\" for field \"optional_nested_enum\".",
    );
    check_error(
        P3,
        "optional_float: 0x1",
        "1:17: Expect a decimal number, got: 0x1",
    );
    check_error(
        P3,
        "[foo.bar]: 1",
        "1:10: Extension \"foo.bar\" is not defined or is not an extension of \"protobuf_test_messages.proto3.TestAllTypesProto3\".",
    );
    check_error(
        P3,
        "optional_any { [type.googleapis.com/unknown] { } }",
        "1:46: Could not find type \"type.googleapis.com/unknown\" stored in google.protobuf.Any.",
    );
    check_error(
        P3,
        "repeated_int32: [1 2]",
        "1:20: Expected \",\", found \"2\".",
    );
    check_error(
        P3,
        "optional_int32: 1,,",
        "1:19: Expected identifier, got: ,",
    );
}

#[test]
fn merge_overwrites_and_parse_does_not() {
    let mut msg = text::parse(message(P3), "optional_int32: 1").expect("parses");
    text::merge(&mut msg, "optional_int32: 2 repeated_int32: 3").expect("merges");
    assert_eq!(text::print(&msg), "optional_int32: 2\nrepeated_int32: 3\n");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 101;
    let input = "recursive_message { ".repeat(depth) + &"}".repeat(depth);
    let err = text::parse(message(P3), &input).expect_err("too deep");
    assert!(err.message().contains("recursion limit of 100"), "{err}");
    let ok = "recursive_message { ".repeat(100) + &"}".repeat(100);
    assert!(text::parse(message(P3), &ok).is_ok());
}

#[test]
fn garbage_never_panics() {
    let desc = message(P2);
    let inputs = [
        "",
        "{",
        "}",
        "[",
        "]",
        "<",
        ":",
        "-",
        "'",
        "\"\\",
        "optional_int32: -",
        "[a/b]: 1",
        "optional_nested_message: [",
        "Data: [{}, {",
        "map_int32_int32 { key: 1 value: }",
        "\u{e9}",
        "\0",
        "optional_string: '\\xc0'",
        "optional_double: -nan2",
        "reserved_field: {",
        "optional_nested_message: <",
    ];
    for input in inputs {
        let _ = text::parse(desc.clone(), input);
    }
    // Any byte string printed raw never panics either.
    for bytes in [
        &b"\x08"[..],
        b"\x0b\x0c",
        b"\x0a\x05hello",
        b"\xff\xff\xff\xff\xff\xff",
    ] {
        let _ = text::print_unknown(bytes);
    }
}

#[test]
fn decode_raw_matches_protoc() {
    // `printf ... | protoc --decode_raw`.
    let bytes = b"\x08\x96\x01\x15\x00\x00\x80\x3f\x19\x01\x00\x00\x00\x00\x00\x00\x00\
                  \x22\x03\x08\x01\x10\x2a\x05hello\x33\x08\x07\x34\x3a\x00";
    assert_eq!(
        text::print_unknown(bytes).expect("decodes"),
        "1: 150\n2: 0x3f800000\n3: 0x0000000000000001\n4: \"\\010\\001\\020\"\n5: \"hello\"\n\
         6 {\n  1: 7\n}\n7: \"\"\n"
    );
    assert!(text::print_unknown(b"\x0a\x05hel").is_err());
}

/// The first line where two texts differ, with its neighbours.
fn first_difference(want: &str, got: &str) -> String {
    let want: Vec<&str> = want.lines().collect();
    let got: Vec<&str> = got.lines().collect();
    let at = (0..want.len().max(got.len()))
        .find(|&i| want.get(i) != got.get(i))
        .unwrap_or(0);
    let from = at.saturating_sub(3);
    format!(
        "line {}\n--- want\n{}\n--- got\n{}",
        at + 1,
        want[from.min(want.len())..(at + 2).min(want.len())].join("\n"),
        got[from.min(got.len())..(at + 2).min(got.len())].join("\n")
    )
}

fn run_python(args: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/text_format.py");
    let status = Command::new("python3")
        .arg(&script)
        .args(args)
        .status()
        .expect("run python3");
    assert!(status.success(), "text_format.py {args:?} failed");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn differential_against_python_text_format() {
    let dir = std::env::temp_dir().join(format!("protoforge-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let generated = dir.join("generated.txt");
    let ours = dir.join("ours.txt");
    let verdicts = dir.join("verdicts.txt");
    let pb = data("reflect_test_messages.pb");
    let pb = pb.to_str().expect("utf-8 path");
    run_python(&[
        "gen",
        pb,
        "8",
        "300",
        "1",
        generated.to_str().expect("utf-8 path"),
    ]);

    let pool = pool();
    let text = std::fs::read_to_string(&generated).expect("read generated");
    let mut failures = Vec::new();
    let mut our_lines = String::new();
    let mut count = 0;
    for line in text.lines() {
        let mut parts = line.split(' ');
        let (Some(ty), Some(bin), Some(py_text)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("bad line {line}");
        };
        let desc = pool.get_message_by_name(ty).expect("type in pool");
        let bytes = unhex(bin);
        let py_text = String::from_utf8(unhex(py_text)).expect("utf-8 text");
        let msg = DynamicMessage::decode(desc.clone(), &bytes).expect("decodes");
        count += 1;

        // 1. The same message prints the same.
        let printed = text::print(&msg);
        if printed != py_text {
            failures.push(format!(
                "print #{count} {ty}:\n--- python\n{py_text}--- ours\n{printed}"
            ));
        }
        // 2. Python's text parses to the same message (compared through our own printing,
        // which shows every field, unknown fields included, with maps sorted by key).
        match text::parse(desc.clone(), &py_text) {
            Ok(parsed) => {
                let reprinted = text::print(&parsed);
                if reprinted != printed {
                    failures.push(format!(
                        "parse #{count} {ty}: differs: {}",
                        first_difference(&printed, &reprinted)
                    ));
                }
            }
            Err(e) => failures.push(format!("parse #{count} {ty}: {e}\n{py_text}")),
        }
        our_lines.push_str(&format!("{ty} {bin} {}\n", hex(printed.as_bytes())));
    }
    // 3. Python parses our text to the same message.
    std::fs::write(&ours, our_lines).expect("write ours");
    run_python(&[
        "check",
        pb,
        ours.to_str().expect("utf-8 path"),
        verdicts.to_str().expect("utf-8 path"),
    ]);
    let verdicts = std::fs::read_to_string(&verdicts).expect("read verdicts");
    for (i, verdict) in verdicts.lines().enumerate() {
        if verdict != "ok" {
            failures.push(format!("python parse of our #{}: {verdict}", i + 1));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(count, 300);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn values_are_typed_by_kind() {
    let msg =
        text::parse(message(P3), "optional_sfixed64: -3 optional_fixed32: 9").expect("parses");
    assert_eq!(
        msg.get_field_by_name("optional_sfixed64")
            .map(|v| v.into_owned()),
        Some(Value::I64(-3))
    );
    assert_eq!(
        msg.get_field_by_name("optional_fixed32")
            .map(|v| v.into_owned()),
        Some(Value::U32(9))
    );
}
