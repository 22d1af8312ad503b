//! The `serde` entry points of `protoforge::json` that generated code calls
//! (`serialize_message`, `deserialize_message`) and the `Serialize` impl and `deserialize`
//! function of `DynamicMessage`, driven through `serde_json` serializers and deserializers
//! (text and `serde_json::Value`), against Python `protobuf`'s `json_format` on the same
//! inputs: printed JSON must equal Python's `MessageToDict` as a JSON value, and parsed
//! messages must hold what Python's `Parse` makes (compared through the wire format).
//!
//! `Msg` below is a subset of `TestAllTypesProto3` written the way generated code is (the
//! fields it does not list land in its unknown fields, as in generated code of an older
//! schema), with the `ReflectMessage` impl codegen's reflect option emits.
#![cfg(feature = "json")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bytes::Buf;
use protoforge::encoding::{FieldInput, Visitor, codec};
use protoforge::reflect::{DynamicMessage, MessageDescriptor, ReflectMessage};
use protoforge::{DecodeError, Message, UnknownFields};
use serde::Serialize;

mod common;
use common::Nested;

/// The descriptor set Python loads: protoc's golden set of `test_messages_proto3.proto`.
fn set_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../testdata/descriptors/protobuf/goldens/google/protobuf/test_messages_proto3.proto.pb",
    )
}

const TYPE: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";

fn desc() -> MessageDescriptor {
    common::proto3()
}

/// Some fields of `TestAllTypesProto3`, stored as generated code stores them.
#[derive(Clone, PartialEq, Default, Debug)]
struct Msg {
    optional_int32: i32,
    optional_int64: i64,
    optional_uint64: u64,
    optional_string: String,
    optional_bytes: Vec<u8>,
    optional_nested_message: Option<Nested>,
    optional_nested_enum: i32,
    repeated_int32: Vec<i32>,
    repeated_string: Vec<String>,
    map_string_string: HashMap<String, String>,
    unknown_fields: UnknownFields,
}

impl Message for Msg {
    fn visit_fields(&self, v: &mut impl Visitor) {
        v.implicit::<codec::Int32>(1, &self.optional_int32);
        v.implicit::<codec::Int64>(2, &self.optional_int64);
        v.implicit::<codec::UInt64>(4, &self.optional_uint64);
        v.implicit::<codec::String>(14, &self.optional_string);
        v.implicit::<codec::Bytes>(15, &self.optional_bytes);
        v.optional_message(18, self.optional_nested_message.as_ref());
        v.implicit::<codec::Int32>(21, &self.optional_nested_enum);
        v.packed::<codec::Int32>(31, &self.repeated_int32);
        v.repeated::<codec::String>(44, &self.repeated_string);
        v.map::<codec::String, codec::String, _>(69, &self.map_string_string);
        v.unknown(&self.unknown_fields);
    }

    fn merge_field(&mut self, field: FieldInput<'_, impl Buf>) -> Result<(), DecodeError> {
        match field.number() {
            1 => field.merge::<codec::Int32>(&mut self.optional_int32),
            2 => field.merge::<codec::Int64>(&mut self.optional_int64),
            4 => field.merge::<codec::UInt64>(&mut self.optional_uint64),
            14 => field.merge::<codec::String>(&mut self.optional_string),
            15 => field.merge::<codec::Bytes>(&mut self.optional_bytes),
            18 => field.optional_message(&mut self.optional_nested_message),
            21 => field.merge::<codec::Int32>(&mut self.optional_nested_enum),
            31 => field.merge_repeated::<codec::Int32>(&mut self.repeated_int32),
            44 => field.merge_repeated::<codec::String>(&mut self.repeated_string),
            69 => field.map::<codec::String, codec::String>(&mut self.map_string_string),
            _ => field.unknown(&mut self.unknown_fields),
        }
    }

    fn clear(&mut self) {
        *self = Msg::default();
    }
}

impl ReflectMessage for Msg {
    fn descriptor() -> MessageDescriptor {
        desc()
    }
}

/// `Msg` printed through `serialize_message`, as generated `Serialize` impls do.
struct Generated<'a>(&'a Msg);

impl Serialize for Generated<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        protoforge::json::serialize_message(self.0, s)
    }
}

/// The inputs: JSON Python parses, covering scalars of every JSON form, the fields `Msg`
/// lists and fields it keeps as unknown (well-known types, oneofs, nested repeated).
const INPUTS: &[&str] = &[
    "{}",
    r#"{"optionalInt32": 5, "optionalInt64": "-7", "optionalUint64": "18446744073709551615", "optionalString": "h\u00e9 \"q\"", "optionalBytes": "AAEC/w==", "optionalNestedMessage": {"a": 3}, "optionalNestedEnum": "BAZ", "repeatedInt32": [1, -2, 2147483647], "repeatedString": ["a", ""], "mapStringString": {"b": "2", "a": "1", "": ""}}"#,
    r#"{"optional_int32": -1, "optional_nested_enum": "NEG", "oneofUint32": 7}"#,
    r#"{"optionalFloat": "NaN", "optionalDouble": "-Infinity", "optionalBool": true, "optionalNestedEnum": 99}"#,
    r#"{"optionalTimestamp": "1970-01-01T00:00:01.5Z", "optionalDuration": "-0.25s", "optionalFieldMask": "a.bC,d", "optionalValue": {"x": [1, null, "s", true]}, "optionalAny": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s"}}"#,
    r#"{"repeatedNestedMessage": [{"a": 1}, {}], "mapInt32Int32": {"-1": 2, "3": 4}, "mapBoolBool": {"true": false}, "optionalInt32Wrapper": 0, "repeatedBytes": ["_-8=", ""]}"#,
    r#"{"optionalNestedMessage": {"a": 1, "corecursive": {"optionalInt32": 2, "optionalNestedMessage": {}}}}"#,
    r#"{"optionalInt32": "x"}"#,
    DUPLICATE_KEYS,
    r#"{"noSuchField": 1}"#,
];

/// Rejected as text; a `serde_json::Value` cannot hold the duplicate, so it is not tried
/// that way.
const DUPLICATE_KEYS: &str = r#"{"optionalInt32": 1, "optionalInt32": 2}"#;

const PYTHON: &str = r#"
import json, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
fds = descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], 'rb').read())
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)
cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(sys.argv[2]))
for line in sys.stdin.read().split('\n'):
    if not line:
        continue
    try:
        m = json_format.Parse(line, cls(), descriptor_pool=pool)
    except Exception:
        print(json.dumps({"error": True}))
        continue
    print(json.dumps({
        "json": json_format.MessageToDict(m, descriptor_pool=pool),
        "bin": m.SerializeToString(deterministic=True).hex(),
    }))
"#;

/// Python's answer for every input: `None` when it rejects the input, else its printed
/// JSON and binary encoding.
fn python() -> Vec<Option<(serde_json::Value, Vec<u8>)>> {
    let mut child = Command::new("python3")
        .args(["-c", PYTHON])
        .arg(set_path())
        .arg(TYPE)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running python3");
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        for input in INPUTS {
            writeln!(pipe, "{input}").expect("write to python");
        }
    }
    let output = child.wait_with_output().expect("python3 output");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<_> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let answer: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            if answer.get("error").is_some() {
                return None;
            }
            let hex = answer["bin"].as_str().expect("bin");
            let bin = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
                .collect();
            Some((numbers_as_floats(answer["json"].clone()), bin))
        })
        .collect();
    assert_eq!(answers.len(), INPUTS.len());
    answers
}

/// `value` with every number as a float: Python prints `google.protobuf.Value` numbers as
/// floats (`1.0`), protobuf's C++ printer and ours as `1`; both are the same JSON number.
fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as V;
    match value {
        V::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(V::Null, V::Number),
        V::Array(items) => V::Array(items.into_iter().map(numbers_as_floats).collect()),
        V::Object(map) => V::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

fn dynamic(bytes: &[u8]) -> DynamicMessage {
    DynamicMessage::decode(desc(), bytes).expect("decode")
}

/// Python's bytes in our canonical form: decoded and encoded again (fields in number
/// order, map entries sorted by key as protoc's deterministic output sorts them).
fn canonical(bytes: &[u8]) -> Vec<u8> {
    dynamic(bytes).encode_to_vec()
}

#[test]
fn generated_message_entry_points_match_python() {
    for (input, answer) in INPUTS.iter().zip(python()) {
        // Parsing from text and from a `serde_json::Value`.
        let from_text: Result<Msg, _> =
            protoforge::json::deserialize_message(&mut serde_json::Deserializer::from_str(input));
        let value: serde_json::Value = serde_json::from_str(input).expect("valid JSON");
        let from_value: Result<Msg, _> = protoforge::json::deserialize_message(value);
        let Some((python_json, python_bin)) = answer else {
            assert!(
                from_text.is_err(),
                "{input}: Python rejects it, we accept it"
            );
            assert!(
                *input == DUPLICATE_KEYS || from_value.is_err(),
                "{input}: Python rejects it, we accept it"
            );
            continue;
        };
        let msg = from_text.unwrap_or_else(|e| panic!("{input}: {e}"));
        // `Msg` holds no floats (they are among its unknown fields), so `==` is exact.
        let from_value = from_value.unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(from_value, msg, "{input}");
        // Fields `Msg` does not list went to its unknown fields, so compare by descriptor,
        // through our canonical encoding (Python's deterministic map order is not protoc's,
        // and `==` is false for NaN fields).
        assert_eq!(
            dynamic(&msg.encode_to_vec()).encode_to_vec(),
            canonical(&python_bin),
            "{input}"
        );
        // Printing to text and to a `serde_json::Value`.
        let printed = serde_json::to_string(&Generated(&msg)).expect("serialize");
        let printed: serde_json::Value = serde_json::from_str(&printed).expect("our JSON");
        assert_eq!(numbers_as_floats(printed), python_json, "{input}");
        let as_value = serde_json::to_value(Generated(&msg)).expect("to_value");
        assert_eq!(numbers_as_floats(as_value), python_json, "{input}");
    }
}

#[test]
fn dynamic_message_entry_points_match_python() {
    for (input, answer) in INPUTS.iter().zip(python()) {
        let from_text =
            protoforge::json::deserialize(desc(), &mut serde_json::Deserializer::from_str(input));
        let value: serde_json::Value = serde_json::from_str(input).expect("valid JSON");
        let from_value = protoforge::json::deserialize(desc(), value);
        let Some((python_json, python_bin)) = answer else {
            assert!(
                from_text.is_err(),
                "{input}: Python rejects it, we accept it"
            );
            assert!(
                *input == DUPLICATE_KEYS || from_value.is_err(),
                "{input}: Python rejects it, we accept it"
            );
            continue;
        };
        let msg = from_text.unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(msg.encode_to_vec(), canonical(&python_bin), "{input}");
        assert_eq!(
            from_value
                .unwrap_or_else(|e| panic!("{input}: {e}"))
                .encode_to_vec(),
            msg.encode_to_vec(),
            "{input}"
        );
        let printed: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&msg).expect("serialize")).expect("JSON");
        assert_eq!(numbers_as_floats(printed), python_json, "{input}");
        let as_value = serde_json::to_value(&msg).expect("to_value");
        assert_eq!(numbers_as_floats(as_value), python_json, "{input}");
    }
}
