//! The conformance testee: speaks protobuf's conformance protocol on stdin/stdout (each
//! message preceded by its length as a little-endian `u32`), decoding `ConformanceRequest`s
//! and answering `ConformanceResponse`s.
//!
//! Binary input with binary output is decoded and re-encoded with protoforge-generated code
//! (`src/generated/`, checked by `tests/gen_fresh.rs`). Every other combination of binary, JSON and
//! text-format input and output goes through `protoforge::reflect::DynamicMessage`, with
//! `protoforge::json` and the text format (`text_format.rs`), over a descriptor pool of the
//! test messages. That pool is built from the golden descriptor sets in
//! `testdata/descriptors/protobuf/goldens/`, made by real protoc with `--include_imports`;
//! `protoforge-compile`'s `tests/golden.rs` proves it produces the same bytes for these files.
//! JSPB, an unspecified output format and unknown message types are answered `skipped`,
//! never `parse_error`.

use std::io::{self, Read, Write};
use std::sync::OnceLock;

use protoforge::Message;
use protoforge::json::{ParseOptions, PrintOptions};
use protoforge::reflect::{DescriptorPool, DynamicMessage};

#[allow(missing_docs, dead_code)]
#[rustfmt::skip]
mod generated;
mod text_format;

use generated::conformance::{
    ConformanceRequest, ConformanceResponse, TestCategory, WireFormat,
    conformance_request::Payload, conformance_response::Result as Outcome,
};

/// The golden descriptor sets (protoc `--include_imports`) of every test message file.
const DESCRIPTOR_SETS: &[&[u8]] = &[
    include_bytes!(
        "../../../testdata/descriptors/protobuf/goldens/google/protobuf/test_messages_proto3.proto.pb"
    ),
    include_bytes!(
        "../../../testdata/descriptors/protobuf/goldens/google/protobuf/test_messages_proto2.proto.pb"
    ),
    include_bytes!(
        "../../../testdata/descriptors/protobuf/goldens/editions/golden/test_messages_proto2_editions.proto.pb"
    ),
    include_bytes!(
        "../../../testdata/descriptors/protobuf/goldens/editions/golden/test_messages_proto3_editions.proto.pb"
    ),
    include_bytes!(
        "../../../testdata/descriptors/protobuf/goldens/conformance/test_protos/test_messages_edition2023.proto.pb"
    ),
    include_bytes!(
        "../../../testdata/descriptors/protobuf/goldens/conformance/test_protos/test_messages_edition_unstable.proto.pb"
    ),
];

/// The pool of the test messages, built on first use.
fn pool() -> Result<&'static DescriptorPool, String> {
    static POOL: OnceLock<Result<DescriptorPool, String>> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut pool = DescriptorPool::new();
        for set in DESCRIPTOR_SETS {
            pool.add_encoded_file_descriptor_set(set)
                .map_err(|e| format!("test message descriptors: {e}"))?;
        }
        Ok(pool)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Decodes `payload` as `M` and re-encodes it, or says why not.
fn round_trip<M: Message>(payload: &[u8]) -> Outcome {
    match M::decode(payload) {
        Ok(message) => Outcome::ProtobufPayload(message.encode_to_vec()),
        Err(error) => Outcome::ParseError(error.to_string()),
    }
}

/// Binary in, binary out, with generated code; `None` for message types it does not know.
fn binary_round_trip(message_type: &str, payload: &[u8]) -> Option<Outcome> {
    use generated::protobuf_test_messages as tm;
    Some(match message_type {
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
        "protobuf_test_messages.editions.TestAllTypesEdition2023" => {
            round_trip::<tm::editions::TestAllTypesEdition2023>(payload)
        }
        "protobuf_test_messages.edition_unstable.TestAllTypesEditionUnstable" => {
            round_trip::<tm::edition_unstable::TestAllTypesEditionUnstable>(payload)
        }
        _ => return None,
    })
}

/// Answers one request.
fn handle(request: &ConformanceRequest) -> Outcome {
    let Some(payload) = &request.payload else {
        return Outcome::RuntimeError("request without payload".into());
    };
    if request.message_type == "conformance.FailureSet" {
        return Outcome::ProtobufPayload(Vec::new());
    }
    let output = request.requested_output_format;
    if output == WireFormat::Protobuf
        && let Payload::ProtobufPayload(bytes) = payload
        && let Some(outcome) = binary_round_trip(&request.message_type, bytes)
    {
        return outcome;
    }
    let pool = match pool() {
        Ok(pool) => pool,
        Err(error) => return Outcome::RuntimeError(error),
    };
    let Some(desc) = pool.get_message_by_name(&request.message_type) else {
        return Outcome::Skipped(format!(
            "message type `{}` is not supported",
            request.message_type
        ));
    };
    let supported_output = [
        WireFormat::Protobuf,
        WireFormat::Json,
        WireFormat::TextFormat,
    ]
    .iter()
    .any(|f| output == *f);
    if !supported_output {
        return Outcome::Skipped(format!(
            "output format {} is not supported",
            output.to_i32()
        ));
    }
    let message = match payload {
        Payload::ProtobufPayload(bytes) => {
            DynamicMessage::decode(desc, bytes).map_err(|e| e.to_string())
        }
        Payload::JsonPayload(text) => {
            let options = ParseOptions {
                ignore_unknown_fields: request.test_category
                    == TestCategory::JsonIgnoreUnknownParsingTest,
            };
            protoforge::json::from_str_with(desc, text, &options).map_err(|e| e.to_string())
        }
        Payload::TextPayload(text) => text_format::parse_text(desc, text),
        Payload::JspbPayload(_) => {
            return Outcome::Skipped("JSPB input is not supported".into());
        }
    };
    let message = match message {
        Ok(message) => message,
        Err(error) => return Outcome::ParseError(error),
    };
    if output == WireFormat::Json {
        match protoforge::json::to_string_with(&message, &PrintOptions::default()) {
            Ok(json) => Outcome::JsonPayload(json),
            Err(error) => Outcome::SerializeError(error.to_string()),
        }
    } else if output == WireFormat::TextFormat {
        Outcome::TextPayload(text_format::print_text(
            &message,
            request.print_unknown_fields,
        ))
    } else {
        Outcome::ProtobufPayload(message.encode_to_vec())
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
