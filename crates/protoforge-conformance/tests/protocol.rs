//! The testee's side of the conformance protocol, with requests and responses encoded by
//! hand from conformance.proto's field numbers: valid binary input round-trips, invalid input
//! is a `parse_error`, JSON input is parsed (or rejected with a `parse_error`) and answered in
//! binary, and unknown message types are `skipped`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// `ConformanceResponse.result` field numbers.
const PARSE_ERROR: u8 = 1;
const PROTOBUF_PAYLOAD: u8 = 3;
const SKIPPED: u8 = 5;

fn field(number: u8, wire_type: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![number << 3 | wire_type];
    if wire_type == 2 {
        out.push(body.len() as u8);
    }
    out.extend_from_slice(body);
    out
}

/// A request with `payload` as field `payload_field` (1 binary, 2 JSON), asking for binary
/// output of `message_type`.
fn request(payload_field: u8, payload: &[u8], message_type: &str) -> Vec<u8> {
    let mut out = field(payload_field, 2, payload);
    out.extend(field(3, 0, &[1]));
    out.extend(field(4, 2, message_type.as_bytes()));
    out
}

/// Sends the requests to a fresh testee and returns the response bodies.
fn exchange(requests: &[Vec<u8>]) -> Vec<Vec<u8>> {
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
    let mut responses = Vec::new();
    let mut rest = &out[..];
    while rest.len() >= 4 {
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        responses.push(rest[4..4 + len].to_vec());
        rest = &rest[4 + len..];
    }
    assert!(rest.is_empty());
    responses
}

#[test]
fn answers_per_protocol() {
    let proto3 = "protobuf_test_messages.proto3.TestAllTypesProto3";
    // optional_int32 = 150, optional_string = "hi", then an unknown field 9999 = 1.
    let message = [
        0x08, 0x96, 0x01, 0x72, 0x02, b'h', b'i', 0xf8, 0xe1, 0x04, 0x01,
    ];
    let responses = exchange(&[
        request(1, &message, proto3),
        request(1, &[0x08], proto3),
        request(2, br#"{"optionalInt32": 150}"#, proto3),
        request(2, br#"{"optionalInt32": true}"#, proto3),
        request(1, &[], "no.such.Type"),
    ]);
    assert_eq!(responses.len(), 5);
    assert_eq!(responses[0], field(PROTOBUF_PAYLOAD, 2, &message));
    assert_eq!(responses[1][0], PARSE_ERROR << 3 | 2, "{:?}", responses[1]);
    assert_eq!(
        responses[2],
        field(PROTOBUF_PAYLOAD, 2, &[0x08, 0x96, 0x01])
    );
    assert_eq!(responses[3][0], PARSE_ERROR << 3 | 2, "{:?}", responses[3]);
    assert_eq!(responses[4][0], SKIPPED << 3 | 2, "{:?}", responses[4]);
}

/// The requests newer runners send as `Required.EditionUnstable.ProtobufInput.ValidBytes` and
/// `.ValidMap.Bytes`: binary in, binary and JSON out, for the edition `UNSTABLE` test message.
#[test]
fn answers_for_the_unstable_edition_message() {
    const JSON_PAYLOAD: u8 = 4;
    let unstable = "protobuf_test_messages.edition_unstable.TestAllTypesEditionUnstable";
    let json = |payload: &[u8]| {
        let mut out = field(1, 2, payload);
        out.extend(field(3, 0, &[2]));
        out.extend(field(4, 2, unstable.as_bytes()));
        out
    };
    // optional_bytes = "foo"; map_string_bytes { key: "foo" value: "barbaz" }.
    let bytes = field(13, 2, b"foo");
    let mut entry = field(1, 2, b"foo");
    entry.extend(field(2, 2, b"barbaz"));
    let map = field(15, 2, &entry);
    let responses = exchange(&[
        request(1, &bytes, unstable),
        json(&bytes),
        request(1, &map, unstable),
        json(&map),
    ]);
    assert_eq!(responses[0], field(PROTOBUF_PAYLOAD, 2, &bytes));
    assert_eq!(
        responses[1],
        field(JSON_PAYLOAD, 2, br#"{"optionalBytes":"Zm9v"}"#)
    );
    assert_eq!(responses[2], field(PROTOBUF_PAYLOAD, 2, &map));
    assert_eq!(
        responses[3],
        field(JSON_PAYLOAD, 2, br#"{"mapStringBytes":{"foo":"YmFyYmF6"}}"#)
    );
}
