//! Every varint reader's limits, and UTF-8 checks on `string` extensions, against real protoc.
//!
//! Each case is a binary payload of a conformance test message. The testee decodes it twice:
//! with generated code (binary in, binary out) and with `DynamicMessage` (binary in, text out;
//! the text is then parsed and encoded by `DynamicMessage` too). Both must accept or reject it
//! as the case says, and the case's verdict is checked against protoc's own C++ parser
//! (`protoc --decode`); an accepted payload must re-encode, on both paths, to bytes in which
//! protoc reads what it read in the input. The rules, from protoc's parser:
//!
//! - a tag or a length prefix takes at most five bytes, even when padding bytes (`0x80 ...
//!   0x00`) keep its value small;
//! - any value varint (32-bit types, enums, `bool` and packed elements included) takes up to
//!   ten bytes; the bits of the tenth byte above bit 63 are dropped, not an error;
//! - a `string` extension whose `utf8_validation` is `VERIFY` rejects invalid UTF-8, like a
//!   `string` field; a proto2 one and a `bytes` one do not.
//!
//! The conformance suite and protoc disagree on one case, a five-byte tag above `u32::MAX`:
//! the suite requires rejecting it (`BadTag_FieldNumberSlightlyTooHigh`, which protobuf's C++
//! runtime lists among its own known failures) and upb rejects it; protoc truncates it to 32
//! bits. protoforge follows the suite; the case records protoc's verdict separately.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PROTO3: (&str, &str) = (
    "protobuf_test_messages.proto3.TestAllTypesProto3",
    "google/protobuf/test_messages_proto3.proto",
);
const PROTO2: (&str, &str) = (
    "protobuf_test_messages.proto2.TestAllTypesProto2",
    "google/protobuf/test_messages_proto2.proto",
);
const EDITION2023: (&str, &str) = (
    "protobuf_test_messages.editions.TestAllTypesEdition2023",
    "conformance/test_protos/test_messages_edition2023.proto",
);

/// One payload and what must become of it.
struct Case {
    name: &'static str,
    /// The message type and the file that declares it.
    message: (&'static str, &'static str),
    bytes: &'static [u8],
    /// Whether protoforge accepts it (both paths).
    accept: bool,
    /// Whether protoc accepts it; differs from `accept` only where the conformance suite
    /// requires otherwise (see the module docs).
    protoc_accepts: bool,
    /// Whether the payload holds unknown fields, which the text round trip of the dynamic
    /// path drops, so only the generated path's re-encoding is compared.
    unknown: bool,
}

const fn case(
    name: &'static str,
    message: (&'static str, &'static str),
    bytes: &'static [u8],
    accept: bool,
) -> Case {
    Case {
        name,
        message,
        bytes,
        accept,
        protoc_accepts: accept,
        unknown: false,
    }
}

const fn with_unknown(case: Case) -> Case {
    Case {
        unknown: true,
        ..case
    }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Tags: five bytes at most.
    case("tag, 5 bytes", PROTO3, b"\x88\x80\x80\x80\x00\x01", true),
    case("tag, 6 bytes of padding", PROTO3, b"\x88\x80\x80\x80\x80\x00\x01", false),
    // The conformance suite's BadTag_OverlongVarint.
    case("tag, 9 bytes of padding", PROTO3, b"\x88\x80\x80\x80\x80\x80\x80\x80\x00\x01", false),
    case("tag, 12 bytes", PROTO3, b"\x88\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00\x01", false),
    Case {
        protoc_accepts: true,
        ..case("tag, 5 bytes above u32::MAX", PROTO3, b"\x88\x80\x80\x80\x10\x01", false)
    },
    case("tag inside an unknown group, 6 bytes", PROTO3,
        b"\xfb\xe1\x04\x88\x80\x80\x80\x80\x00\x01\xfc\xe1\x04", false),
    // Length prefixes: five bytes at most.
    case("string length, 5 bytes", PROTO3, b"\x72\x82\x80\x80\x80\x00hi", true),
    case("string length, 6 bytes", PROTO3, b"\x72\x82\x80\x80\x80\x80\x00hi", false),
    case("message length, 6 bytes", PROTO3, b"\x92\x01\x82\x80\x80\x80\x80\x00\x08\x01", false),
    case("packed length, 6 bytes", PROTO3, b"\xda\x04\x81\x80\x80\x80\x80\x00\x01", false),
    case("unknown field length, 6 bytes", PROTO3, b"\xfa\xe1\x04\x81\x80\x80\x80\x80\x00\x01", false),
    // Values: ten bytes whatever the type.
    case("int32, 10 bytes of padding", PROTO3, b"\x08\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("int32, 11 bytes", PROTO3, b"\x08\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", false),
    case("int32, bits above 63", PROTO3, b"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", true),
    case("uint32, 10 bytes of padding", PROTO3, b"\x18\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("sint32, 10 bytes of padding", PROTO3, b"\x28\x83\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("int64, 11 bytes", PROTO3, b"\x10\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", false),
    case("uint64, bits above 63", PROTO3, b"\x20\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", true),
    case("uint64, only bit 64", PROTO3, b"\x20\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", true),
    case("sint64, bits above 63", PROTO3, b"\x30\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x7f", true),
    case("bool, 10 bytes of padding", PROTO3, b"\x68\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("bool, 11 bytes", PROTO3, b"\x68\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", false),
    case("open enum, 10 bytes of padding", PROTO3,
        b"\xa8\x01\x82\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("closed enum, 10 bytes of padding", PROTO2,
        b"\xa8\x01\x82\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("closed enum, 11 bytes", PROTO2,
        b"\xa8\x01\x82\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", false),
    case("packed int32 element, 10 bytes of padding", PROTO3,
        b"\xda\x04\x0a\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("packed int32 element, 11 bytes", PROTO3,
        b"\xda\x04\x0b\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", false),
    case("packed closed enum element, 10 bytes of padding", PROTO2,
        b"\xc2\x05\x0a\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", true),
    case("packed uint64 element, bits above 63", PROTO3,
        b"\xf2\x04\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", true),
    with_unknown(case("unknown varint, bits above 63", PROTO3,
        b"\xf8\xe1\x04\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", true)),
    case("unknown varint, 11 bytes", PROTO3,
        b"\xf8\xe1\x04\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", false),
    // UTF-8 in string extensions.
    case("edition 2023 string extension, invalid UTF-8", EDITION2023, b"\xaa\x08\x04\xa0\xb0\xc0\xd0", false),
    case("edition 2023 string extension, valid UTF-8", EDITION2023, b"\xaa\x08\x02hi", true),
    case("edition 2023 bytes extension, invalid UTF-8", EDITION2023, b"\xb2\x08\x04\xa0\xb0\xc0\xd0", true),
    with_unknown(case("edition 2023 string extension, wrong wire type", EDITION2023, b"\xa8\x08\x01", true)),
    // Kept as an unknown field, since a `String` cannot hold it.
    with_unknown(case("proto2 string extension, invalid UTF-8", PROTO2, b"\xaa\x08\x02\xa0\xb0", true)),
];

fn include_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src")
}

/// Runs protoc (`python3 -m grpc_tools.protoc`) with `args` on `input`; its standard output
/// if it succeeds.
fn protoc(args: &[String], input: &[u8]) -> Option<Vec<u8>> {
    let mut argv = vec!["-I.".to_string()];
    argv.extend_from_slice(args);
    let output = protoforge_test_support::protoc_with_input(&include_root(), &argv, input);
    output.status.success().then_some(output.stdout)
}

/// The text protoc decodes `bytes` to, if it accepts them.
fn protoc_decode(message: (&str, &str), bytes: &[u8]) -> Option<Vec<u8>> {
    protoc(
        &[format!("--decode={}", message.0), message.1.to_string()],
        bytes,
    )
}

fn varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn bytes_field(number: u64, body: &[u8], out: &mut Vec<u8>) {
    varint(number << 3 | 2, out);
    varint(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// `ConformanceRequest` and `ConformanceResponse` field numbers and values.
const PROTOBUF_PAYLOAD: u64 = 1;
const TEXT_PAYLOAD: u64 = 8;
const OUTPUT_PROTOBUF: u64 = 1;
const OUTPUT_TEXT: u64 = 4;
const RESPONSE_PROTOBUF: u64 = 3;
const RESPONSE_TEXT: u64 = 8;

/// A request for `message` with `payload` as field `payload_field`, asking for `output`.
fn request(payload_field: u64, payload: &[u8], message: &str, output: u64) -> Vec<u8> {
    let mut out = Vec::new();
    bytes_field(payload_field, payload, &mut out);
    varint(3 << 3, &mut out);
    varint(output, &mut out);
    bytes_field(4, message.as_bytes(), &mut out);
    out
}

/// The answer to one request: the response's result field number and its bytes.
fn result(response: &[u8]) -> (u64, Vec<u8>) {
    let mut rest = response;
    let mut read = || {
        let mut value = 0u64;
        for shift in (0..).step_by(7) {
            let (&byte, tail) = rest.split_first().expect("truncated response");
            rest = tail;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
        }
        value
    };
    let tag = read();
    assert_eq!(tag & 7, 2, "{response:?}");
    let len = read() as usize;
    assert_eq!(rest.len(), len, "{response:?}");
    (tag >> 3, rest.to_vec())
}

/// Sends the requests to a fresh testee and returns the results.
fn exchange(requests: &[Vec<u8>]) -> Vec<(u64, Vec<u8>)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_protoforge-conformance"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for request in requests {
        stdin
            .write_all(&(request.len() as u32).to_le_bytes())
            .unwrap();
        stdin.write_all(request).unwrap();
    }
    drop(stdin);
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let mut results = Vec::new();
    let mut rest = &out[..];
    while !rest.is_empty() {
        let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        results.push(result(&rest[4..4 + len]));
        rest = &rest[4 + len..];
    }
    assert_eq!(results.len(), requests.len());
    results
}

#[test]
fn varint_limits_and_extension_utf8_match_protoc_on_both_paths() {
    // Generated code (binary to binary) and DynamicMessage (binary to text) for every case.
    let requests: Vec<Vec<u8>> = CASES
        .iter()
        .flat_map(|c| {
            [
                request(PROTOBUF_PAYLOAD, c.bytes, c.message.0, OUTPUT_PROTOBUF),
                request(PROTOBUF_PAYLOAD, c.bytes, c.message.0, OUTPUT_TEXT),
            ]
        })
        .collect();
    let answers = exchange(&requests);
    // The dynamic path's text back to binary, for the accepted cases.
    let texts: Vec<(usize, Vec<u8>)> = CASES
        .iter()
        .enumerate()
        .filter(|(i, _)| answers[2 * i + 1].0 == RESPONSE_TEXT)
        .map(|(i, c)| {
            let text = &answers[2 * i + 1].1;
            (i, request(TEXT_PAYLOAD, text, c.message.0, OUTPUT_PROTOBUF))
        })
        .collect();
    let reencoded = exchange(&texts.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>());

    let mut failures = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let name = c.name;
        let protoc_text = protoc_decode(c.message, c.bytes);
        if protoc_text.is_some() != c.protoc_accepts {
            failures.push(format!(
                "{name}: protoc accepts it: {}",
                protoc_text.is_some()
            ));
        }
        let (generated, dynamic) = (&answers[2 * i], &answers[2 * i + 1]);
        for (path, answer, ok) in [
            ("generated", generated, RESPONSE_PROTOBUF),
            ("dynamic", dynamic, RESPONSE_TEXT),
        ] {
            if (answer.0 == ok) != c.accept {
                failures.push(format!(
                    "{name}: {path} code answered field {} ({:?})",
                    answer.0,
                    String::from_utf8_lossy(&answer.1)
                ));
            }
        }
        let Some(protoc_text) = protoc_text.filter(|_| c.accept && c.protoc_accepts) else {
            continue;
        };
        // What protoc reads in our re-encoding must be what it read in the input.
        let reads_the_same = |bytes: &[u8]| {
            protoc_decode(c.message, bytes).as_deref() == Some(protoc_text.as_slice())
        };
        if generated.0 == RESPONSE_PROTOBUF && !reads_the_same(&generated.1) {
            failures.push(format!(
                "{name}: generated code re-encodes it to {:02x?}, which protoc reads differently",
                generated.1
            ));
        }
        // The text round trip drops unknown fields.
        if c.unknown {
            continue;
        }
        let back = texts
            .iter()
            .position(|(at, _)| *at == i)
            .map(|at| &reencoded[at]);
        if let Some(back) = back
            && (back.0 != RESPONSE_PROTOBUF || !reads_the_same(&back.1))
        {
            failures.push(format!(
                "{name}: DynamicMessage's text {:?} encodes to {:02x?}, which protoc reads differently",
                String::from_utf8_lossy(&dynamic.1),
                back.1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
