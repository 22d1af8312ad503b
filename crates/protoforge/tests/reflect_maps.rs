//! Map fields of `DynamicMessage`, checked against two independent encoders: the map fields
//! of `TestAllTypesProto3` (every key kind: `int32` … `sfixed64`, `bool`, `string`; scalar,
//! message and enum values) written the way generated code writes them with `BTreeMap`
//! maps, and real protoc's `--deterministic_output`. Entries arrive in random order,
//! with repeated keys, missing keys or values and value-before-key entries; whatever the
//! order, decoding then encoding must give the entries sorted by key (last one wins), equal
//! messages must compare equal, and text format must print the same entries in the same
//! order.
#![cfg(feature = "reflect")]

use std::collections::BTreeMap;
use std::path::Path;

use bytes::Buf;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use protoforge::encoding::{
    Codec, FieldInput, Visitor, WireType, codec, encode_key, encode_varint,
};
use protoforge::reflect::{DynamicMessage, MapKey, Value};
use protoforge::{DecodeError, Message, UnknownFields};

mod common;
use common::{Nested, pool, proto3};

/// A key or value made from random material: a number and a short string.
trait Make {
    fn make(seed: u64, text: &str) -> Self;
}

macro_rules! make_int {
    ($($ty:ty),*) => {$(
        impl Make for $ty {
            fn make(seed: u64, _: &str) -> Self {
                seed as $ty
            }
        }
    )*};
}
make_int!(i32, i64, u32, u64);

impl Make for bool {
    fn make(seed: u64, _: &str) -> Self {
        seed & 1 == 1
    }
}

impl Make for f32 {
    fn make(seed: u64, _: &str) -> Self {
        (seed as i32) as f32 / 8.0
    }
}

impl Make for f64 {
    fn make(seed: u64, _: &str) -> Self {
        (seed as i64) as f64 / 8.0
    }
}

impl Make for String {
    fn make(_: u64, text: &str) -> Self {
        text.to_owned()
    }
}

impl Make for Vec<u8> {
    fn make(seed: u64, text: &str) -> Self {
        let mut bytes = text.as_bytes().to_vec();
        bytes.extend(seed.to_le_bytes().iter().take((seed % 4) as usize));
        bytes
    }
}

impl Make for Nested {
    fn make(seed: u64, _: &str) -> Self {
        Nested {
            a: seed as i32,
            unknown_fields: UnknownFields::new(),
        }
    }
}

/// Declares `Maps` (the map fields of `TestAllTypesProto3`, as generated code with
/// `BTreeMap` maps stores and encodes them) and `write_entry`, which writes one raw entry.
macro_rules! maps {
    ($($field:ident: $number:literal, $kc:ty => $kt:ty, $vc:ty => $vt:ty;)*) => {
        #[derive(Clone, PartialEq, Default, Debug)]
        struct Maps {
            $($field: BTreeMap<$kt, $vt>,)*
            unknown_fields: UnknownFields,
        }

        impl Message for Maps {
            fn visit_fields(&self, v: &mut impl Visitor) {
                $(v.map::<$kc, $vc, _>($number, &self.$field);)*
                v.unknown(&self.unknown_fields);
            }

            fn merge_field(&mut self, field: FieldInput<'_, impl Buf>) -> Result<(), DecodeError> {
                match field.number() {
                    $($number => field.map::<$kc, $vc>(&mut self.$field),)*
                    _ => field.unknown(&mut self.unknown_fields),
                }
            }

            fn clear(&mut self) {
                *self = Maps::default();
            }
        }

        /// How many map fields `Maps` has.
        const MAP_FIELDS: usize = [$($number),*].len();

        /// Writes one entry of map field `index` (mod the number of fields): key and value
        /// made from `key`/`value` and `text`, in the order and with the parts `layout`
        /// picks (key then value, value then key, key only, value only, neither).
        fn write_entry(index: usize, key: u64, value: u64, text: &str, layout: u8, out: &mut Vec<u8>) {
            let mut n = 0;
            $(
                if index % MAP_FIELDS == n {
                    let mut k = Vec::new();
                    <$kc as Codec>::encode(1, &<$kt as Make>::make(key, text), &mut k);
                    let mut v = Vec::new();
                    <$vc as Codec>::encode(2, &<$vt as Make>::make(value, text), &mut v);
                    let body = match layout % 5 {
                        0 => [k, v].concat(),
                        1 => [v, k].concat(),
                        2 => k,
                        3 => v,
                        _ => Vec::new(),
                    };
                    encode_key($number, WireType::LengthDelimited, out);
                    encode_varint(body.len() as u64, out);
                    out.extend_from_slice(&body);
                    return;
                }
                n += 1;
            )*
            let _ = n;
        }
    };
}

maps! {
    int32_int32: 56, codec::Int32 => i32, codec::Int32 => i32;
    int64_int64: 57, codec::Int64 => i64, codec::Int64 => i64;
    uint32_uint32: 58, codec::UInt32 => u32, codec::UInt32 => u32;
    uint64_uint64: 59, codec::UInt64 => u64, codec::UInt64 => u64;
    sint32_sint32: 60, codec::SInt32 => i32, codec::SInt32 => i32;
    sint64_sint64: 61, codec::SInt64 => i64, codec::SInt64 => i64;
    fixed32_fixed32: 62, codec::Fixed32 => u32, codec::Fixed32 => u32;
    fixed64_fixed64: 63, codec::Fixed64 => u64, codec::Fixed64 => u64;
    sfixed32_sfixed32: 64, codec::SFixed32 => i32, codec::SFixed32 => i32;
    sfixed64_sfixed64: 65, codec::SFixed64 => i64, codec::SFixed64 => i64;
    int32_float: 66, codec::Int32 => i32, codec::Float => f32;
    int32_double: 67, codec::Int32 => i32, codec::Double => f64;
    bool_bool: 68, codec::Bool => bool, codec::Bool => bool;
    string_string: 69, codec::String => String, codec::String => String;
    string_bytes: 70, codec::String => String, codec::Bytes => Vec<u8>;
    string_nested_message: 71, codec::String => String, codec::Message<Nested> => Nested;
    string_nested_enum: 73, codec::String => String, codec::Int32 => i32;
}

/// One raw map entry: which field, key and value material, text, layout.
type Entry = (usize, u64, u64, String, u8);

fn entry() -> impl Strategy<Value = Entry> {
    (
        0..MAP_FIELDS,
        // Few distinct keys (so keys repeat) or any key at all.
        prop_oneof![0u64..6, any::<u64>(), Just(u64::MAX), Just(1u64 << 63)],
        any::<u64>(),
        "[ab\u{e9}\u{10ffff}~]{0,3}",
        prop_oneof![4 => Just(0u8), 1 => 1u8..5],
    )
}

fn encode_entries(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for (index, key, value, text, layout) in entries {
        write_entry(*index, *key, *value, text, *layout, &mut out);
    }
    out
}

/// Decodes `bytes` both ways and checks that the dynamic message encodes exactly as the
/// generated code (sorted keys), that decoding the sorted form gives an equal message, and
/// that a message with the same entries inserted in another order is equal too.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let generated = Maps::decode(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let sorted = generated.encode_to_vec();
    let dynamic = DynamicMessage::decode(proto3(), bytes).expect("dynamic decode");
    prop_assert_eq!(&dynamic.encode_to_vec(), &sorted);
    prop_assert_eq!(dynamic.encoded_len(), sorted.len());
    let again = DynamicMessage::decode(proto3(), &sorted).expect("decode sorted");
    prop_assert_eq!(&again, &dynamic);
    prop_assert_eq!(&again.encode_to_vec(), &sorted);
    // The same entries, each map rebuilt in reverse key order.
    let mut rebuilt = DynamicMessage::new(proto3());
    for (field, value) in dynamic.fields() {
        let Some(map) = value.as_map() else { continue };
        let mut entries: Vec<(&MapKey, &Value)> = map.iter().collect();
        entries.sort_by(|a, b| b.0.cmp(a.0));
        let mut reversed = std::collections::HashMap::new();
        for (k, v) in entries {
            reversed.insert(k.clone(), v.clone());
        }
        rebuilt.set_field(&field, Value::Map(reversed));
    }
    prop_assert_eq!(&rebuilt, &dynamic);
    prop_assert_eq!(&rebuilt.encode_to_vec(), &sorted);
    #[cfg(feature = "text")]
    {
        let text = protoforge::text::print(&dynamic);
        prop_assert_eq!(&protoforge::text::print(&again), &text);
        let parsed = protoforge::text::parse(proto3(), &text).expect("parse printed text");
        prop_assert_eq!(&parsed, &dynamic);
        prop_assert_eq!(&parsed.encode_to_vec(), &sorted);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn maps_encode_sorted_like_generated_code(entries in proptest::collection::vec(entry(), 0..40)) {
        check(&encode_entries(&entries))?;
    }
}

/// Every field with many keys (hundreds per map, all key kinds), entries written in a
/// scrambled order: the case most likely to expose any dependence on hash order.
fn many_keys() -> Vec<u8> {
    let mut entries = Vec::new();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for index in 0..MAP_FIELDS {
        for i in 0..300u64 {
            let seed = next();
            let key = if i % 3 == 0 { seed % 50 } else { seed };
            let text: String = (0..(seed % 5))
                .map(|j| ['a', 'b', '\u{e9}', 'Z', '0'][((seed >> (8 * j)) % 5) as usize])
                .collect();
            entries.push((index, key, next(), text, 0u8));
        }
    }
    // Interleave the fields.
    entries.sort_by_key(|e| e.1.rotate_left(17) ^ e.2);
    encode_entries(&entries)
}

#[test]
fn many_keys_of_every_kind_encode_sorted() {
    let bytes = many_keys();
    check(&bytes).unwrap();
    // Decoding the same bytes many times (each map with its own hash seed) always gives the
    // same encoding and equal messages.
    let first = DynamicMessage::decode(proto3(), &bytes).unwrap();
    for _ in 0..20 {
        let other = DynamicMessage::decode(proto3(), &bytes).unwrap();
        assert_eq!(other, first);
        assert_eq!(other.encode_to_vec(), first.encode_to_vec());
    }
}

/// Real protoc decodes the same bytes to text (`--decode`) and encodes that text again with
/// `--deterministic_output` (map entries sorted by key, strings by bytes); protoforge must
/// write exactly those bytes. (Python's deterministic output is no reference here: upb does
/// not order string keys by their bytes.)
#[test]
fn scrambled_maps_match_protoc_deterministic_output() {
    // protoc keeps every entry of a key given twice through `--decode` (its text lists them
    // all), so the inputs hold each key once: the many-keys message, and a few small random
    // ones, their entries written in descending key order.
    let mut inputs = vec![many_keys()];
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..4 {
        let tree = proptest::collection::vec(entry(), 0..40)
            .new_tree(&mut runner)
            .unwrap();
        inputs.push(encode_entries(&tree.current()));
    }
    let inputs: Vec<Vec<u8>> = inputs.iter().map(|bytes| descending(bytes)).collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src");
    let protoc = |args: &[&str], stdin: &[u8]| -> Vec<u8> {
        let mut argv = vec!["-I."];
        argv.extend_from_slice(args);
        argv.push("google/protobuf/test_messages_proto3.proto");
        let output = protoforge_test_support::protoc_with_input(&src, &argv, stdin);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    let ty = "--encode=protobuf_test_messages.proto3.TestAllTypesProto3";
    for input in &inputs {
        let text = protoc(&[&ty.replace("encode", "decode")], input);
        let expected = protoc(&[ty, "--deterministic_output"], &text);
        let ours = DynamicMessage::decode(proto3(), input)
            .unwrap()
            .encode_to_vec();
        let differ = ours.iter().zip(&expected).position(|(a, b)| a != b);
        assert!(
            ours == expected,
            "first difference at byte {differ:?} of {} / {}; protoc's text:\n{}",
            ours.len(),
            expected.len(),
            String::from_utf8_lossy(&text)
        );
    }
}

/// The map entries of `bytes` (a `TestAllTypesProto3`), one per key (the last one), written
/// field by field in descending key order.
fn descending(bytes: &[u8]) -> Vec<u8> {
    let msg = DynamicMessage::decode(proto3(), bytes).expect("decode");
    let mut out = Vec::new();
    for (field, value) in msg.fields() {
        let Some(map) = value.as_map() else { continue };
        let mut entries: Vec<(&MapKey, &Value)> = map.iter().collect();
        entries.sort_by(|a, b| b.0.cmp(a.0));
        for (key, value) in entries {
            let mut one = DynamicMessage::new(proto3());
            let entry = std::collections::HashMap::from([(key.clone(), value.clone())]);
            one.set_field(&field, Value::Map(entry));
            out.extend(one.encode_to_vec());
        }
    }
    out
}

/// A proto2 `map<string, string>` entry whose key is not UTF-8 is kept whole among the
/// unknown fields, as generated code keeps it (`map::merge_entry_unverified`), and written
/// back unchanged; it does not become an entry with an empty key.
#[test]
fn proto2_map_entry_with_non_utf8_key_stays_unknown() {
    let desc = pool()
        .get_message_by_name("protobuf_test_messages.proto2.TestAllTypesProto2")
        .unwrap();
    let field = desc.get_field_by_name("map_string_string").unwrap();
    // Field 69, entry { key: "\xff", value: "v" }.
    let bytes = [0xaa, 0x04, 0x06, 0x0a, 0x01, 0xff, 0x12, 0x01, b'v'];
    let msg = DynamicMessage::decode(desc.clone(), &bytes).unwrap();
    assert!(!msg.has_field(&field), "{msg:?}");
    assert_eq!(msg.unknown_fields().iter().count(), 1);
    assert_eq!(msg.encode_to_vec(), bytes);
    // The value side was already handled this way.
    let bytes = [0xaa, 0x04, 0x06, 0x0a, 0x01, b'k', 0x12, 0x01, 0xff];
    let msg = DynamicMessage::decode(desc, &bytes).unwrap();
    assert!(!msg.has_field(&field));
    assert_eq!(msg.encode_to_vec(), bytes);
}
