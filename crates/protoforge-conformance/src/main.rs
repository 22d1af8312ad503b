//! The conformance testee: speaks protobuf's conformance protocol on stdin/stdout (each
//! message preceded by its length as a little-endian `u32`), decoding `ConformanceRequest`s
//! and answering `ConformanceResponse`s. Binary payloads of the proto2, proto3 and editions
//! test messages are decoded and re-encoded with protoforge-generated code; JSON, text and
//! unknown message types are answered `skipped`, never `parse_error`.
//!
//! The generated code lives in `src/gen/` and is checked by `tests/gen_fresh.rs`.

use std::io::{self, Read, Write};

use protoforge::Message;

#[allow(missing_docs, dead_code)]
#[path = "gen/mod.rs"]
#[rustfmt::skip]
mod generated;

use generated::conformance::{
    ConformanceRequest, ConformanceResponse, WireFormat, conformance_request::Payload,
    conformance_response::Result as Outcome,
};

/// Decodes `payload` as `M` and re-encodes it, or says why not.
fn round_trip<M: Message>(payload: &[u8]) -> Outcome {
    match M::decode(payload) {
        Ok(message) => Outcome::ProtobufPayload(message.encode_to_vec()),
        Err(error) => Outcome::ParseError(error.to_string()),
    }
}

/// Answers one request.
fn handle(request: &ConformanceRequest) -> Outcome {
    use generated::protobuf_test_messages as tm;
    let payload = match &request.payload {
        Some(Payload::ProtobufPayload(bytes)) => bytes,
        Some(_) => return Outcome::Skipped("only binary input is supported".into()),
        None => return Outcome::RuntimeError("request without payload".into()),
    };
    if request.message_type == "conformance.FailureSet" {
        return Outcome::ProtobufPayload(Vec::new());
    }
    if request.requested_output_format != WireFormat::Protobuf as i32 {
        return Outcome::Skipped("only binary output is supported".into());
    }
    match request.message_type.as_str() {
        "protobuf_test_messages.proto2.TestAllTypesProto2" => {
            round_trip::<tm::proto2::TestAllTypesProto2>(payload)
        }
        "protobuf_test_messages.proto3.TestAllTypesProto3" => {
            round_trip::<tm::proto3::TestAllTypesProto3>(payload)
        }
        "protobuf_test_messages.editions.proto2.TestAllTypesProto2" => {
            round_trip::<tm::editions::proto2::TestAllTypesProto2>(payload)
        }
        "protobuf_test_messages.editions.proto3.TestAllTypesProto3" => {
            round_trip::<tm::editions::proto3::TestAllTypesProto3>(payload)
        }
        other => Outcome::Skipped(format!("message type `{other}` is not supported")),
    }
}

/// Reads exactly `buf.len()` bytes; `Ok(false)` on a clean end of input before the first.
fn read_exact_or_eof(input: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..])? {
            0 if filled == 0 => return Ok(false),
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => filled += n,
        }
    }
    Ok(true)
}

fn serve(input: &mut impl Read, output: &mut impl Write) -> io::Result<()> {
    loop {
        let mut len = [0u8; 4];
        if !read_exact_or_eof(input, &mut len)? {
            return Ok(());
        }
        let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
        if !read_exact_or_eof(input, &mut body)? && !body.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let result = match ConformanceRequest::decode(&body[..]) {
            Ok(request) => handle(&request),
            Err(error) => Outcome::RuntimeError(format!("bad ConformanceRequest: {error}")),
        };
        let response = ConformanceResponse {
            result: Some(result),
            ..Default::default()
        };
        let bytes = response.encode_to_vec();
        output.write_all(&(bytes.len() as u32).to_le_bytes())?;
        output.write_all(&bytes)?;
        output.flush()?;
    }
}

fn main() {
    let stdin = io::stdin();
    let stdout = io::stdout();
    if let Err(error) = serve(&mut stdin.lock(), &mut stdout.lock()) {
        eprintln!("protoforge-conformance: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    //! Behaviour of the generated test messages that the conformance runner does not check.

    use protoforge::{Extendable, Message};

    use crate::generated::protobuf_test_messages::proto2::{
        EXTENSION_INT32, TestAllRequiredTypesProto2, TestAllTypesProto2, test_all_types_proto2,
    };

    #[test]
    fn proto2_defaults_come_from_getters() {
        let message = TestAllTypesProto2::default();
        assert_eq!(message.default_int32, None);
        assert_eq!(message.default_int32(), -123456789);
        assert_eq!(message.default_int64(), -9123456789123456789);
        assert_eq!(message.default_string(), "Rosebud");
        assert_eq!(message.default_bytes(), b"joshua");
        assert_eq!(message.default_float(), 9e9);
        assert_eq!(message.default_double(), 7e22);
        assert!(message.default_bool());
    }

    #[test]
    fn extensions_are_typed() {
        // Field 120 (extension_int32) = 7, as protoc would write it.
        let mut message = TestAllTypesProto2::decode(&[0xc0, 0x07, 0x07][..]).unwrap();
        assert_eq!(message.extension(&EXTENSION_INT32).unwrap(), Some(7));
        message.set_extension(&EXTENSION_INT32, &300);
        let again = TestAllTypesProto2::decode(&message.encode_to_vec()[..]).unwrap();
        assert_eq!(again.extension(&EXTENSION_INT32).unwrap(), Some(300));
    }

    #[test]
    fn closed_enum_keeps_unknown_numbers_as_unknown_fields() {
        // optional_nested_enum (21) = 1 (BAR), then = 99 (not a NestedEnum value).
        let bytes = [0xa8, 0x01, 0x01, 0xa8, 0x01, 0x63];
        let message = TestAllTypesProto2::decode(&bytes[..]).unwrap();
        assert_eq!(
            message.optional_nested_enum,
            Some(test_all_types_proto2::NestedEnum::Bar)
        );
        assert_eq!(message.unknown_fields.len(), 1);
        assert_eq!(message.encode_to_vec(), bytes);
    }

    #[test]
    fn map_entries_with_unknown_closed_enum_values_are_unknown_fields() {
        // map_string_nested_enum (73): {"a": 99}, 99 not being a NestedEnum value.
        let bytes = [0xca, 0x04, 0x05, 0x0a, 0x01, b'a', 0x10, 0x63];
        let message = TestAllTypesProto2::decode(&bytes[..]).unwrap();
        assert!(message.map_string_nested_enum.is_empty());
        assert_eq!(message.unknown_fields.len(), 1);
        assert_eq!(message.encode_to_vec(), bytes);
    }

    #[test]
    fn required_fields_are_checked_on_request() {
        let mut message = TestAllRequiredTypesProto2::default();
        assert!(!message.is_initialized());
        // Decoding does not fail on missing required fields.
        assert!(TestAllRequiredTypesProto2::decode(&[][..]).is_ok());
        message.required_int32 = Some(1);
        assert!(!message.is_initialized());
    }
}
