//! The proto3 JSON mapping (`protoforge::json`), checked two ways.
//!
//! Unit cases per mapping rule on the conformance test messages (`TestAllTypesProto3`,
//! `TestAllTypesProto2`), with expected JSON as Python `protobuf`'s `json_format` prints it.
//! And a differential test against Python `protobuf` (upb): Python makes random messages of
//! both types (every field kind, maps, oneofs, well-known types, `Any`, extensions) and prints
//! them with `MessageToJson`; protoforge parses Python's JSON and prints Python's binary
//! encoding as JSON; Python then parses protoforge's JSON and bytes, which must give back the
//! original message, and protoforge's JSON must equal Python's as a JSON value.
//!
//! The descriptors are protoc's own (`testdata/descriptors/protobuf/goldens/`).
#![cfg(feature = "json")]

use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge::json::{self, ParseOptions, PrintOptions};
use protoforge::reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, Value};

fn goldens() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/goldens")
}

/// The golden descriptor sets the pool is built from, proto3 first.
fn set_paths() -> Vec<PathBuf> {
    [
        "google/protobuf/test_messages_proto3.proto.pb",
        "google/protobuf/test_messages_proto2.proto.pb",
    ]
    .iter()
    .map(|p| goldens().join(p))
    .collect()
}

fn pool() -> DescriptorPool {
    let mut pool = DescriptorPool::new();
    for path in set_paths() {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        pool.add_encoded_file_descriptor_set(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    pool
}

fn proto3() -> MessageDescriptor {
    pool()
        .get_message_by_name("protobuf_test_messages.proto3.TestAllTypesProto3")
        .expect("TestAllTypesProto3")
}

fn proto2() -> MessageDescriptor {
    pool()
        .get_message_by_name("protobuf_test_messages.proto2.TestAllTypesProto2")
        .expect("TestAllTypesProto2")
}

/// Parses `input`, then prints it; the output must be `expected` exactly.
#[track_caller]
fn check_round(desc: MessageDescriptor, input: &str, expected: &str) {
    let msg = json::from_str(desc, input).unwrap_or_else(|e| panic!("parsing {input}: {e}"));
    let out = json::to_string(&msg).unwrap_or_else(|e| panic!("printing {input}: {e}"));
    assert_eq!(out, expected, "input {input}");
}

/// `input` must be rejected, with an error message containing `needle`.
#[track_caller]
fn check_reject(desc: MessageDescriptor, input: &str, needle: &str) {
    match json::from_str(desc, input) {
        Ok(msg) => panic!("accepted {input} as {msg:?}"),
        Err(e) => assert!(
            e.to_string().contains(needle),
            "error for {input} is `{e}`, expected it to mention `{needle}`"
        ),
    }
}

#[test]
fn field_names_lower_camel_out_both_in() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optional_int32": 1}"#,
        r#"{"optionalInt32":1}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalInt32": 1}"#,
        r#"{"optionalInt32":1}"#,
    );
    check_round(d.clone(), r#"{"FieldName13": 1}"#, r#"{"FieldName13":1}"#);
    check_round(
        d.clone(),
        r#"{"__field_name13": 1}"#,
        r#"{"FieldName13":1}"#,
    );
    check_round(
        d.clone(),
        r#"{"fieldn\u0061me1": 1}"#,
        r#"{"fieldname1":1}"#,
    );
    let msg = json::from_str(d.clone(), r#"{"optionalNestedMessage": {"a": 5}}"#).unwrap();
    let options = PrintOptions {
        preserve_proto_field_names: true,
        ..Default::default()
    };
    assert_eq!(
        json::to_string_with(&msg, &options).unwrap(),
        r#"{"optional_nested_message":{"a":5}}"#
    );
    check_reject(d, r#"{"noSuchField": 1}"#, "noSuchField");
}

#[test]
fn unknown_fields_are_skipped_on_request() {
    let options = ParseOptions {
        ignore_unknown_fields: true,
    };
    let msg = json::from_str_with(
        proto3(),
        r#"{"unknown": {"a": [1, null]}, "optionalInt32": 3, "optionalNestedEnum": "NOPE"}"#,
        &options,
    )
    .unwrap();
    assert_eq!(json::to_string(&msg).unwrap(), r#"{"optionalInt32":3}"#);
}

#[test]
fn integers_ranges_and_strings() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optionalInt64": 9223372036854774784, "optionalUint64": "18446744073709551615", "optionalInt32": "2147483647", "optionalUint32": 4.294967295e9, "optionalSint64": "-1e3"}"#,
        r#"{"optionalInt32":2147483647,"optionalInt64":"9223372036854774784","optionalUint32":4294967295,"optionalUint64":"18446744073709551615","optionalSint64":"-1000"}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalInt64": "-9223372036854775808"}"#,
        r#"{"optionalInt64":"-9223372036854775808"}"#,
    );
    check_reject(
        d.clone(),
        r#"{"optionalInt32": 2147483648}"#,
        "out of range",
    );
    check_reject(d.clone(), r#"{"optionalUint32": -1}"#, "out of range");
    check_reject(
        d.clone(),
        r#"{"optionalInt64": "9223372036854775808"}"#,
        "out of range",
    );
    check_reject(d.clone(), r#"{"optionalUint64": "0.5"}"#, "not an integer");
    check_reject(d.clone(), r#"{"optionalInt32": 0.5}"#, "not an integer");
    check_reject(d.clone(), r#"{"optionalInt32": " 1"}"#, "not a number");
    check_reject(d.clone(), r#"{"optionalInt32": "3x3"}"#, "not a number");
    check_reject(d.clone(), r#"{"optionalInt32": 01}"#, "");
    check_reject(d, r#"{"optionalInt32": true}"#, "invalid type");
}

#[test]
fn floats_and_special_values() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optionalFloat": "NaN", "optionalDouble": "-Infinity"}"#,
        r#"{"optionalFloat":"NaN","optionalDouble":"-Infinity"}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalFloat": 0.1, "optionalDouble": "1.5e300"}"#,
        r#"{"optionalFloat":0.1,"optionalDouble":1.5e+300}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalDouble": 2}"#,
        r#"{"optionalDouble":2}"#,
    );
    check_reject(
        d.clone(),
        r#"{"optionalFloat": 3.502823e+38}"#,
        "out of range",
    );
    check_reject(d.clone(), r#"{"optionalDouble": "1e400"}"#, "out of range");
    check_reject(d, r#"{"optionalDouble": "nan"}"#, "not a number");
}

#[test]
fn bytes_are_base64() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optionalBytes": "-_8"}"#,
        r#"{"optionalBytes":"+/8="}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalBytes": "AQI"}"#,
        r#"{"optionalBytes":"AQI="}"#,
    );
    check_reject(d, r#"{"optionalBytes": "A"}"#, "base64");
}

#[test]
fn enums_by_name_and_number() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optionalNestedEnum": 1, "optionalAliasedEnum": "moo", "repeatedNestedEnum": ["BAZ", 123]}"#,
        r#"{"optionalNestedEnum":"BAR","optionalAliasedEnum":"ALIAS_BAZ","repeatedNestedEnum":["BAZ",123]}"#,
    );
    let msg = json::from_str(d.clone(), r#"{"optionalNestedEnum": "BAZ"}"#).unwrap();
    let options = PrintOptions {
        use_enum_numbers: true,
        ..Default::default()
    };
    assert_eq!(
        json::to_string_with(&msg, &options).unwrap(),
        r#"{"optionalNestedEnum":2}"#
    );
    check_reject(d, r#"{"optionalNestedEnum": "NOPE"}"#, "NOPE");
    // Closed (proto2) enums take only declared numbers.
    check_reject(proto2(), r#"{"optionalNestedEnum": 123}"#, "closed enum");
}

#[test]
fn null_means_absent_except_for_value() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optionalInt32": null, "repeatedInt32": null, "mapBoolBool": null, "optionalTimestamp": null, "oneofUint32": null, "oneofString": "x"}"#,
        r#"{"oneofString":"x"}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalValue": null, "repeatedValue": [null, 1], "optionalNullValue": null}"#,
        r#"{"optionalValue":null,"repeatedValue":[null,1]}"#,
    );
    check_round(
        d.clone(),
        r#"{"oneofNullValue": null}"#,
        r#"{"oneofNullValue":null}"#,
    );
    check_reject(d.clone(), r#"{"repeatedInt32": [1, null]}"#, "null");
    check_reject(d.clone(), r#"{"mapInt32Int32": {"1": null}}"#, "null");
    check_reject(d, "null", "");
}

#[test]
fn maps_and_lists() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"mapInt32Int32": {"3": 4, "-1": 2}, "mapBoolBool": {"true": false}, "mapStringNestedMessage": {"k": {"a": 1}}, "repeatedString": ["a", "b"]}"#,
        r#"{"repeatedString":["a","b"],"mapInt32Int32":{"-1":2,"3":4},"mapBoolBool":{"true":false},"mapStringNestedMessage":{"k":{"a":1}}}"#,
    );
    check_reject(d.clone(), r#"{"mapBoolBool": {"yes": true}}"#, "bool");
    check_reject(d.clone(), r#"{"mapInt32Int32": {"x": 1}}"#, "not a number");
    check_reject(d, r#"{"repeatedInt32": [1, "name"]}"#, "not a number");
}

#[test]
fn duplicates_and_oneof_conflicts_are_rejected() {
    let d = proto3();
    check_reject(
        d.clone(),
        r#"{"optionalInt32": 1, "optional_int32": 2}"#,
        "more than once",
    );
    check_reject(
        d.clone(),
        r#"{"oneofUint32": 1, "oneofString": "test"}"#,
        "oneof",
    );
    check_reject(d, r#"{"optionalInt32": 1,}"#, "trailing comma");
}

#[test]
fn well_known_types_in_special_forms() {
    let d = proto3();
    check_round(
        d.clone(),
        r#"{"optionalTimestamp": "1969-12-31T16:00:00.010-08:00", "optionalDuration": "-1.5s", "optionalFieldMask": "foo.barBaz,x"}"#,
        r#"{"optionalDuration":"-1.500s","optionalTimestamp":"1970-01-01T00:00:00.010Z","optionalFieldMask":"foo.barBaz,x"}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalStruct": {"b": [1, "x", null, {"t": true}], "a": {}}, "repeatedListValue": [[1.5, []]]}"#,
        r#"{"optionalStruct":{"a":{},"b":[1,"x",null,{"t":true}]},"repeatedListValue":[[1.5,[]]]}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalBoolWrapper": false, "optionalInt64Wrapper": 5, "optionalBytesWrapper": "AQI=", "repeatedFloatWrapper": [0, "NaN"]}"#,
        r#"{"optionalBoolWrapper":false,"optionalInt64Wrapper":"5","optionalBytesWrapper":"AQI=","repeatedFloatWrapper":[0,"NaN"]}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalAny": {"optionalInt32": 7, "@type": "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3"}}"#,
        r#"{"optionalAny":{"@type":"type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3","optionalInt32":7}}"#,
    );
    check_round(
        d.clone(),
        r#"{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Any", "value": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}}}"#,
        r#"{"optionalAny":{"@type":"type.googleapis.com/google.protobuf.Any","value":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"2s"}}}"#,
    );
    check_round(d.clone(), r#"{"optionalAny": {}}"#, r#"{"optionalAny":{}}"#);
    check_round(
        d.clone(),
        r#"{"optionalEmpty": {}}"#,
        r#"{"optionalEmpty":{}}"#,
    );
    check_reject(
        d.clone(),
        r#"{"optionalTimestamp": "1970-01-01T00:00:00"}"#,
        "Timestamp",
    );
    check_reject(d.clone(), r#"{"optionalDuration": "1"}"#, "Duration");
    check_reject(
        d.clone(),
        r#"{"optionalFieldMask": "foo,bar_bar"}"#,
        "lowerCamelCase",
    );
    check_reject(
        d.clone(),
        r#"{"optionalAny": {"@type": "type.googleapis.com/no.Such"}}"#,
        "cannot resolve",
    );
    check_reject(d, r#"{"optionalAny": {"optionalInt32": 1}}"#, "@type");
}

#[test]
fn out_of_range_well_known_values_do_not_print() {
    let d = proto3();
    let field = d.get_field_by_name("optional_timestamp").unwrap();
    let mut msg = DynamicMessage::new(d.clone());
    let protoforge::reflect::Kind::Message(ts) = field.kind() else {
        panic!("timestamp is a message")
    };
    let mut stamp = DynamicMessage::new(ts);
    stamp.set_field_by_name("seconds", Value::I64(253_402_300_800));
    msg.set_field(&field, Value::Message(stamp));
    let error = json::to_string(&msg).unwrap_err();
    assert!(error.to_string().contains("out of range"), "{error}");

    let mask = d.get_field_by_name("optional_field_mask").unwrap();
    let protoforge::reflect::Kind::Message(fm) = mask.kind() else {
        panic!("field mask is a message")
    };
    let mut paths = DynamicMessage::new(fm);
    paths.set_field_by_name("paths", Value::List(vec![Value::String("fooBar".into())]));
    let mut msg = DynamicMessage::new(d);
    msg.set_field(&mask, Value::Message(paths));
    assert!(json::to_string(&msg).is_err());
}

#[test]
fn proto2_extensions_use_brackets() {
    check_round(
        proto2(),
        r#"{"[protobuf_test_messages.proto2.extension_int32]": 5, "optionalInt32": 0}"#,
        r#"{"optionalInt32":0,"[protobuf_test_messages.proto2.extension_int32]":5}"#,
    );
    check_reject(
        proto2(),
        r#"{"[protobuf_test_messages.proto2.no_such_extension]": 5}"#,
        "no field",
    );
}

#[test]
fn always_print_fields_with_no_presence() {
    let msg = DynamicMessage::new(proto3());
    let options = PrintOptions {
        always_print_fields_with_no_presence: true,
        ..Default::default()
    };
    let out = json::to_string_with(&msg, &options).unwrap();
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["optionalInt32"], 0);
    assert_eq!(value["optionalInt64"], "0");
    assert_eq!(value["optionalNestedEnum"], "FOO");
    assert_eq!(value["repeatedInt32"], serde_json::json!([]));
    assert_eq!(value["mapInt32Int32"], serde_json::json!({}));
    // Fields with presence stay absent: messages, oneof members.
    assert!(value.get("optionalNestedMessage").is_none());
    assert!(value.get("oneofUint32").is_none());
    // Proto2 optional fields have presence too.
    let out = json::to_string_with(&DynamicMessage::new(proto2()), &options).unwrap();
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(value.get("optionalInt32").is_none());
    assert_eq!(value["repeatedInt32"], serde_json::json!([]));
}

#[test]
fn nesting_is_limited() {
    let d = proto3();
    let nested = |depth: usize| {
        let mut s = String::new();
        for _ in 0..depth {
            s.push_str(r#"{"recursiveMessage":"#);
        }
        s.push_str("{}");
        for _ in 0..depth {
            s.push('}');
        }
        s
    };
    assert!(json::from_str(d.clone(), &nested(90)).is_ok());
    check_reject(d, &nested(120), "depth");
}

#[test]
fn serde_entry_points() {
    let d = proto3();
    let mut de = serde_json::Deserializer::from_str(r#"{"optionalString": "hi"}"#);
    let msg = json::deserialize(d.clone(), &mut de).unwrap();
    assert_eq!(
        serde_json::to_string(&msg).unwrap(),
        r#"{"optionalString":"hi"}"#
    );
    // From an already parsed `serde_json::Value`, too.
    let value = serde_json::json!({"optionalInt64": 5, "repeatedBool": [true]});
    let msg = json::deserialize(d, value).unwrap();
    assert_eq!(
        serde_json::to_value(&msg).unwrap(),
        serde_json::json!({"optionalInt64": "5", "repeatedBool": [true]})
    );
}

#[test]
fn bad_input_never_panics() {
    let d = proto3();
    let seeds = [
        r#"{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Value", "value": [1, {"a": null}]}}"#,
        r#"{"mapStringNestedMessage": {"k": {"a": 1, "corecursive": {"optionalInt64": "7"}}}}"#,
        r#"{"optionalTimestamp": "9999-12-31T23:59:59.999999999Z", "optionalDuration": "315576000000.999999999s"}"#,
        r#"{"repeatedBytes": ["AAEC", "-_=="], "optionalFloat": "-1.5e38", "oneofEnum": "BAR"}"#,
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = br#"{}[]",:0123456789.eE-+ \tnulltruefalse@/_aAzZ"#;
    for seed in seeds {
        assert!(json::from_str(d.clone(), seed).is_ok(), "{seed}");
        for _ in 0..300 {
            let mut bytes = seed.as_bytes().to_vec();
            for _ in 0..(next() % 4 + 1) {
                let at = (next() as usize) % bytes.len();
                match next() % 3 {
                    0 => bytes[at] = alphabet[(next() as usize) % alphabet.len()],
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, alphabet[(next() as usize) % alphabet.len()]),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(msg) = json::from_str(d.clone(), &text) {
                // Whatever parses prints (or reports why not) without panicking.
                let _ = json::to_string(&msg);
            }
        }
    }
}

/// The Python side of the differential test: `gen COUNT SEED SETS...` prints one JSON line
/// per random message; `check SETS...` reads protoforge's answers on stdin and verifies them.
const PYTHON: &str = r#####"
import json, math, random, struct, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import FieldDescriptor as FD

mode = sys.argv[1]
if mode == "gen":
    COUNT, SEED, SETS = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
else:
    SETS = sys.argv[2:]

pool = descriptor_pool.DescriptorPool()
added = set()
for path in SETS:
    with open(path, "rb") as f:
        fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    for file in fds.file:
        if file.name not in added:
            pool.Add(file)
            added.add(file.name)

def cls(name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))

TYPES = ["protobuf_test_messages.proto3.TestAllTypesProto3",
         "protobuf_test_messages.proto2.TestAllTypesProto2"]
rng = random.Random(SEED if mode == "gen" else 0)

INT_RANGES = {
    FD.TYPE_INT32: (-(2**31), 2**31 - 1), FD.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FD.TYPE_SFIXED32: (-(2**31), 2**31 - 1), FD.TYPE_INT64: (-(2**63), 2**63 - 1),
    FD.TYPE_SINT64: (-(2**63), 2**63 - 1), FD.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FD.TYPE_UINT32: (0, 2**32 - 1), FD.TYPE_FIXED32: (0, 2**32 - 1),
    FD.TYPE_UINT64: (0, 2**64 - 1), FD.TYPE_FIXED64: (0, 2**64 - 1),
}

def rand_int(kind):
    lo, hi = INT_RANGES[kind]
    c = rng.random()
    if c < 0.2:
        return rng.choice([lo, hi, 0, 1])
    if c < 0.6:
        return rng.randint(max(lo, -300), min(hi, 300))
    return rng.randint(lo, hi)

def rand_string():
    alphabet = "abcXYZ 019_\"\\/\n\u00e9\u4e2d\U0001f600\u2028<>&'"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]

def rand_scalar(field):
    kind = field.type
    if kind in INT_RANGES:
        return rand_int(kind)
    if kind == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if kind == FD.TYPE_DOUBLE:
        return rng.choice([0.0, -0.0, 1.5, -2.25e300, 5e-324, 1e21, 123456789012345678.0,
                           math.inf, -math.inf, rng.uniform(-1e6, 1e6), rng.random() * 1e-5])
    if kind == FD.TYPE_FLOAT:
        return f32(rng.choice([0.0, 1.5, -3.0, 0.1, 3.4028234663852886e38, 1e-45, 16777217.0,
                               math.inf, rng.uniform(-1e3, 1e3), rng.uniform(-1e20, 1e20)]))
    if kind == FD.TYPE_STRING:
        return rand_string()
    if kind == FD.TYPE_BYTES:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 10)))
    if kind == FD.TYPE_ENUM:
        values = [v.number for v in field.enum_type.values]
        if (not field.enum_type.is_closed and rng.random() < 0.2
                and field.enum_type.full_name != "google.protobuf.NullValue"):
            return rng.choice([-5, 12345, 99])
        return rng.choice(values)
    raise AssertionError(kind)

def is_map(field):
    return field.message_type is not None and field.message_type.GetOptions().map_entry

def fill_value(v, depth):
    c = rng.randrange(6 if depth < 2 else 4)
    if c == 0:
        v.null_value = 0
    elif c == 1:
        v.number_value = rng.choice([0.0, 1.0, -2.5, 1e300, rng.uniform(-1e9, 1e9)])
    elif c == 2:
        v.string_value = rand_string()
    elif c == 3:
        v.bool_value = rng.random() < 0.5
    elif c == 4:
        v.struct_value.SetInParent()
        for _ in range(rng.randint(0, 3)):
            fill_value(v.struct_value.fields[rand_string()], depth + 1)
    else:
        v.list_value.SetInParent()
        for _ in range(rng.randint(0, 3)):
            fill_value(v.list_value.values.add(), depth + 1)

PATHS = ["foo", "bar_baz", "a.b_c", "x1", "deep.nested.field_name", "k"]

def fill_wkt(m, depth):
    name = m.DESCRIPTOR.full_name
    short = name[len("google.protobuf."):]
    if short == "Timestamp":
        m.seconds = rng.randint(-62135596800, 253402300799)
        m.nanos = rng.choice([0, rng.randint(0, 999) * 1000000, rng.randint(0, 999999) * 1000,
                              rng.randint(0, 999999999)])
    elif short == "Duration":
        m.seconds = rng.choice([0, rng.randint(-315576000000, 315576000000), rng.randint(-100, 100)])
        nanos = rng.choice([0, rng.randint(0, 999) * 1000000, rng.randint(0, 999999999)])
        if m.seconds < 0 or (m.seconds == 0 and rng.random() < 0.5):
            nanos = -nanos
        m.nanos = nanos
    elif short == "FieldMask":
        for _ in range(rng.randint(0, 3)):
            m.paths.append(rng.choice(PATHS))
    elif short == "Struct":
        for _ in range(rng.randint(0, 3)):
            fill_value(m.fields[rand_string()], depth)
    elif short == "Value":
        fill_value(m, depth)
    elif short == "ListValue":
        for _ in range(rng.randint(0, 3)):
            fill_value(m.values.add(), depth)
    elif short == "Any":
        c = rng.randrange(3)
        if c == 0:
            inner = cls(TYPES[0])()
            fill(inner, depth + 2)
        elif c == 1:
            inner = cls("google.protobuf.Duration")()
            fill_wkt(inner, depth)
        else:
            inner = cls("google.protobuf.Int64Value")()
            inner.value = rand_int(FD.TYPE_INT64)
        m.type_url = "type.googleapis.com/" + inner.DESCRIPTOR.full_name
        m.value = inner.SerializeToString()
    elif short == "Empty":
        pass
    elif short.endswith("Value"):
        f = m.DESCRIPTOR.fields_by_name["value"]
        m.value = rand_scalar(f)
    else:
        raise AssertionError(name)

def fill_message(m, depth):
    if m.DESCRIPTOR.full_name.startswith("google.protobuf."):
        fill_wkt(m, depth)
    elif depth < 3:
        fill(m, depth + 1)

def fill(msg, depth):
    for field in msg.DESCRIPTOR.fields:
        if rng.random() > (0.3 if depth == 0 else 0.12):
            continue
        is_message = field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP)
        if field.type == FD.TYPE_GROUP:
            continue
        if is_map(field):
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            target = getattr(msg, field.name)
            for _ in range(rng.randint(1, 3)):
                key = rand_scalar(key_field)
                if value_field.type == FD.TYPE_MESSAGE:
                    fill_message(target[key], depth)
                else:
                    target[key] = rand_scalar(value_field)
        elif field.is_repeated:
            target = getattr(msg, field.name)
            for _ in range(rng.randint(1, 3)):
                if is_message:
                    fill_message(target.add(), depth)
                else:
                    target.append(rand_scalar(field))
        elif is_message:
            if depth < 3:
                getattr(msg, field.name).SetInParent()
                fill_message(getattr(msg, field.name), depth)
        else:
            setattr(msg, field.name, rand_scalar(field))
    if msg.DESCRIPTOR.full_name == TYPES[1] and rng.random() < 0.3:
        ext = pool.FindExtensionByName("protobuf_test_messages.proto2.extension_int32")
        msg.Extensions[ext] = rand_int(FD.TYPE_INT32)

OPTS = dict(preserving_proto_field_name=True, use_integers_for_enums=True,
            always_print_fields_with_no_presence=True)

if mode == "gen":
    for i in range(COUNT):
        name = TYPES[i % 2]
        m = cls(name)()
        fill(m, 0)
        print(json.dumps({
            "type": name,
            "bin": m.SerializeToString().hex(),
            "json": json_format.MessageToJson(m, descriptor_pool=pool),
            "json_opts": json_format.MessageToJson(m, descriptor_pool=pool, **OPTS),
        }))
    sys.exit(0)

def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and (a == b or f32(a) == f32(b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) == type(b) and a == b

def diff(a, b, path="$"):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: ours {a.get(k, '<absent>')!r} py {b.get(k, '<absent>')!r}"
            d = diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if same(a, b) else f"{path}: ours {a!r} py {b!r}"

def canon(m):
    """Re-packs every `Any` deterministically, so equal payloads compare equal."""
    for field, value in m.ListFields():
        if field.type != FD.TYPE_MESSAGE:
            continue
        if is_map(field):
            if field.message_type.fields_by_name["value"].type == FD.TYPE_MESSAGE:
                for v in value.values():
                    canon(v)
        elif field.is_repeated:
            for v in value:
                canon(v)
        else:
            canon(value)
    if m.DESCRIPTOR.full_name == "google.protobuf.Any" and m.type_url:
        inner = cls(m.type_url.split("/")[-1]).FromString(m.value)
        canon(inner)
        m.value = inner.SerializeToString(deterministic=True)
    return m

failures = 0
count = 0
for line in sys.stdin:
    case = json.loads(line)
    count += 1
    c = cls(case["type"])
    original = canon(c.FromString(bytes.fromhex(case["bin"])))
    problems = []
    for key in ("rust_json", "rust_json_opts"):
        if "error" in case[key]:
            problems.append(f"{key}: protoforge failed: {case[key]['error']}")
            continue
        text = case[key]["ok"]
        try:
            back = json_format.Parse(text, c(), descriptor_pool=pool)
        except Exception as e:
            problems.append(f"{key}: Python cannot parse {text}: {e}")
            continue
        if canon(back) != original:
            problems.append(f"{key}: parses to a different message: {text}")
        py = case["json" if key == "rust_json" else "json_opts"]
        if not same(json.loads(text), json.loads(py)):
            problems.append(f"{key}: JSON values differ at {diff(json.loads(text), json.loads(py))}")
    for key in ("rust_bin", "rust_bin_opts"):
        if "error" in case[key]:
            problems.append(f"{key}: protoforge cannot parse Python's JSON: {case[key]['error']}")
            continue
        back = canon(c.FromString(bytes.fromhex(case[key]["ok"])))
        if back != original:
            ours = str(back).splitlines()
            theirs = str(original).splitlines()
            first = next((i for i, (x, y) in enumerate(zip(ours, theirs)) if x != y), min(len(ours), len(theirs)))
            problems.append(f"{key}: protoforge parsed Python's JSON to a different message, at line {first}: ours {ours[first:first + 2]} py {theirs[first:first + 2]}")
    if problems:
        failures += 1
        if failures <= 5:
            print(f"case {count}: {case['type']}\n  " + "\n  ".join(problems), file=sys.stderr)
print(f"{count - failures}/{count} random messages agree with Python json_format")
sys.exit(1 if failures or count == 0 else 0)
"#####;

fn result_json<T: ToString, E: ToString>(r: Result<T, E>) -> serde_json::Value {
    match r {
        Ok(v) => serde_json::json!({ "ok": v.to_string() }),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex from Python"))
        .collect()
}

#[test]
fn differential_against_python_json_format() {
    let pool = pool();
    let sets: Vec<String> = set_paths()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let generated = Command::new("python3")
        .args(["-c", PYTHON, "gen", "300", "20261125"])
        .args(&sets)
        .output()
        .expect("running python3");
    assert!(
        generated.status.success(),
        "python gen failed: {}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let options = PrintOptions {
        always_print_fields_with_no_presence: true,
        preserve_proto_field_names: true,
        use_enum_numbers: true,
    };
    let mut answers = String::new();
    for line in String::from_utf8_lossy(&generated.stdout).lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let name = case["type"].as_str().expect("type");
        let desc = pool.get_message_by_name(name).expect("known type");
        let bytes = unhex(case["bin"].as_str().expect("bin"));
        let decoded = DynamicMessage::decode(desc.clone(), &bytes).expect("Python's bytes decode");
        let from_json = |key: &str| {
            json::from_str(desc.clone(), case[key].as_str().expect("json"))
                .map(|m| hex(&m.encode_to_vec()))
        };
        let mut out = case.clone();
        out["rust_json"] = result_json(json::to_string(&decoded));
        out["rust_json_opts"] = result_json(json::to_string_with(&decoded, &options));
        out["rust_bin"] = result_json(from_json("json"));
        out["rust_bin_opts"] = result_json(from_json("json_opts"));
        answers.push_str(&out.to_string());
        answers.push('\n');
    }
    let dir = std::env::temp_dir().join(format!("protoforge-json-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let answers_path = dir.join("answers.jsonl");
    std::fs::write(&answers_path, answers).unwrap();
    let checked = Command::new("python3")
        .args(["-c", PYTHON, "check"])
        .args(&sets)
        .stdin(std::fs::File::open(&answers_path).unwrap())
        .output()
        .expect("running python3");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(stdout.contains("300/300"), "{stdout}");
}
