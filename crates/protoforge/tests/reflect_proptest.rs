//! Property tests of `DynamicMessage` decoding on the conformance messages: arbitrary bytes
//! and random well-formed-ish wire records never panic, `encoded_len` is exact, and
//! decode → encode reaches a fixpoint after one round (re-decoding our output and encoding
//! it again gives the same bytes); for `FileDescriptorSet`, generated code re-encodes our
//! output to the same bytes.
#![cfg(feature = "reflect")]

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge::encoding::{WireType, encode_key, encode_varint};
use protoforge::reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor};

fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let bytes = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reflect_test_messages.pb"),
        )
        .expect("read set");
        DescriptorPool::decode(&bytes).expect("pool")
    })
}

const TYPES: &[&str] = &[
    "protobuf_test_messages.proto2.TestAllTypesProto2",
    "protobuf_test_messages.proto3.TestAllTypesProto3",
    "protobuf_test_messages.editions.proto2.TestAllTypesProto2",
    "edition_unittest.TestAllTypes",
    "proto2_unittest.TestMessageSetContainer",
    "google.protobuf.FileDescriptorSet",
];

fn types() -> Vec<MessageDescriptor> {
    TYPES
        .iter()
        .map(|name| pool().get_message_by_name(name).expect(name))
        .collect()
}

/// One wire record: which field (an index into the type's fields, or past them for an
/// unknown number), whether to use a random wire type instead of the field's, and raw
/// material for the payload.
fn record() -> impl Strategy<Value = (u16, u8, u64, Vec<u8>)> {
    (
        any::<u16>(),
        0u8..16,
        prop_oneof![any::<u64>(), 0u64..4, Just(u64::MAX)],
        proptest::collection::vec(any::<u8>(), 0..12),
    )
}

/// Encodes the records for `desc`: mostly fields of the type with their own wire type (sub-
/// messages get a small nested record, repeated scalars sometimes a packed run).
fn encode_records(desc: &MessageDescriptor, records: &[(u16, u8, u64, Vec<u8>)]) -> Vec<u8> {
    let fields: Vec<_> = desc.fields().collect();
    let mut out = Vec::new();
    for (selector, mode, value, bytes) in records {
        let field = fields.get(usize::from(*selector) % (fields.len() + 3));
        let number = field.map_or(1000 + u32::from(*selector % 7), |f| f.number());
        let wire = match field {
            Some(_) if *mode > 0 => None,
            _ => Some(*mode % 6),
        };
        let Some(field) = field.filter(|_| wire.is_none()) else {
            write_raw(number, wire.unwrap_or(0), *value, bytes, &mut out);
            continue;
        };
        if field.is_group() {
            encode_key(number, WireType::StartGroup, &mut out);
            encode_key(1 + u32::from(*mode), WireType::Varint, &mut out);
            encode_varint(*value, &mut out);
            encode_key(number, WireType::EndGroup, &mut out);
            continue;
        }
        match field.kind() {
            Kind::Message(_) => {
                let mut inner = Vec::new();
                if *mode % 4 != 1 {
                    encode_key(1 + u32::from(*mode), WireType::Varint, &mut inner);
                    encode_varint(*value, &mut inner);
                } else {
                    inner.extend_from_slice(bytes);
                }
                encode_key(number, WireType::LengthDelimited, &mut out);
                encode_varint(inner.len() as u64, &mut out);
                out.extend_from_slice(&inner);
            }
            Kind::String | Kind::Bytes if *mode % 2 == 0 => {
                let ascii: Vec<u8> = bytes.iter().map(|b| b & 0x7f).collect();
                write_raw(number, 2, *value, &ascii, &mut out);
            }
            Kind::String | Kind::Bytes => write_raw(number, 2, *value, bytes, &mut out),
            Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => {
                write_raw(number, 1, *value, bytes, &mut out);
            }
            Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => {
                write_raw(number, 5, *value, bytes, &mut out);
            }
            _ if field.is_list() && *mode % 3 == 0 => {
                // A packed run of varints.
                let mut body = Vec::new();
                for b in bytes {
                    encode_varint(u64::from(*b).wrapping_mul(*value) % 300, &mut body);
                }
                encode_key(number, WireType::LengthDelimited, &mut out);
                encode_varint(body.len() as u64, &mut out);
                out.extend_from_slice(&body);
            }
            _ => write_raw(number, 0, *value, bytes, &mut out),
        }
    }
    out
}

fn write_raw(number: u32, wire: u8, value: u64, bytes: &[u8], out: &mut Vec<u8>) {
    match wire {
        0 => {
            encode_key(number, WireType::Varint, out);
            encode_varint(value, out);
        }
        1 => {
            encode_key(number, WireType::Fixed64, out);
            out.extend_from_slice(&value.to_le_bytes());
        }
        2 => {
            encode_key(number, WireType::LengthDelimited, out);
            encode_varint(bytes.len() as u64, out);
            out.extend_from_slice(bytes);
        }
        3 => {
            encode_key(number, WireType::StartGroup, out);
            encode_key(2, WireType::Varint, out);
            encode_varint(value % 2_000_000, out);
            encode_key(number, WireType::EndGroup, out);
        }
        4 => encode_key(number, WireType::EndGroup, out),
        _ => {
            encode_key(number, WireType::Fixed32, out);
            out.extend_from_slice(&(value as u32).to_le_bytes());
        }
    }
}

/// Checks the properties; returns whether `bytes` decoded.
fn check(desc: &MessageDescriptor, bytes: &[u8]) -> Result<bool, TestCaseError> {
    let Ok(msg) = DynamicMessage::decode(desc.clone(), bytes) else {
        return Ok(false);
    };
    let first = msg.encode_to_vec();
    prop_assert_eq!(first.len(), msg.encoded_len());
    let again = DynamicMessage::decode(desc.clone(), &first);
    prop_assert!(
        again.is_ok(),
        "our own output does not decode: {:?}",
        again.err()
    );
    let again = again.expect("checked");
    let second = again.encode_to_vec();
    prop_assert_eq!(&second, &first);
    if desc.full_name() == "google.protobuf.FileDescriptorSet" {
        // Generated code reaches the same bytes from our output whenever it accepts it
        // (its rules for proto2 strings that are not UTF-8 have varied between versions).
        if let Ok(typed) = FileDescriptorSet::decode(&first[..]) {
            prop_assert_eq!(typed.encode_to_vec(), first);
        }
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        for desc in types() {
            check(&desc, &bytes)?;
        }
    }

    #[test]
    fn random_records_round_trip(records in proptest::collection::vec(record(), 0..24)) {
        for desc in types() {
            let bytes = encode_records(&desc, &records);
            check(&desc, &bytes)?;
        }
    }
}

#[test]
fn random_records_mostly_decode() {
    // The strategy must reach the decoder's success paths, not only its errors.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut ok = 0;
    let mut total = 0;
    let strategy = proptest::collection::vec(record(), 0..24);
    for _ in 0..200 {
        let records = strategy.new_tree(&mut runner).expect("tree").current();
        for desc in types() {
            total += 1;
            if check(&desc, &encode_records(&desc, &records)).expect("properties hold") {
                ok += 1;
            }
        }
    }
    assert!(ok * 4 > total, "only {ok} of {total} random inputs decoded");
}
