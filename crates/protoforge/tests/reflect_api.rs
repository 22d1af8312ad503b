//! The reflection API's semantics on protoc-compiled conformance messages
//! (`tests/data/reflect_test_messages.pb`): presence per syntax, defaults, oneofs, closed
//! enums, packed/expanded input, merging, required fields, extensions, the global pool and
//! the pool's validation errors. Expected bytes are written out by hand from the wire format.
#![cfg(feature = "reflect")]

use std::borrow::Cow;
use std::path::Path;

use protoforge::Message;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet, descriptor_proto,
};
use protoforge::reflect::{
    Cardinality, DescriptorPool, DynamicMessage, Kind, MapKey, MessageDescriptor, SetFieldError,
    Syntax, Value,
};
use protoforge::{DecodeErrorKind, UnknownValue};

fn pool() -> DescriptorPool {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reflect_test_messages.pb"),
    )
    .expect("read set");
    DescriptorPool::decode(&bytes).expect("pool")
}

fn message(name: &str) -> MessageDescriptor {
    pool().get_message_by_name(name).expect(name)
}

const P2: &str = "protobuf_test_messages.proto2.TestAllTypesProto2";
const P3: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";
const E2: &str = "protobuf_test_messages.editions.proto2.TestAllTypesProto2";

#[test]
fn files_and_syntax() {
    let pool = pool();
    let p2 = pool
        .get_file_by_name("google/protobuf/test_messages_proto2.proto")
        .expect("file");
    assert_eq!(p2.syntax(), Syntax::Proto2);
    assert_eq!(p2.package(), "protobuf_test_messages.proto2");
    let e = pool
        .get_file_by_name("editions/golden/test_messages_proto2_editions.proto")
        .expect("file");
    assert_eq!(e.syntax(), Syntax::Editions(1000));
    let eu = pool
        .get_file_by_name("google/protobuf/edition_unittest.proto")
        .expect("file");
    assert_eq!(eu.syntax(), Syntax::Editions(1001));
    assert!(
        eu.dependencies()
            .any(|d| d.name() == "google/protobuf/unittest_import.proto")
    );
    let m = pool.get_message_by_name(P2).expect("message");
    assert_eq!(m.name(), "TestAllTypesProto2");
    assert_eq!(m.package_name(), "protobuf_test_messages.proto2");
    assert_eq!(m.parent_file(), p2);
    assert_eq!(m.type_url(), format!("type.googleapis.com/{P2}"));
    let nested = pool
        .get_message_by_name(&format!("{P2}.NestedMessage"))
        .expect("nested");
    assert_eq!(nested.parent_message(), Some(m.clone()));
    assert!(m.child_messages().any(|c| c == nested));
    assert_eq!(m.extension_ranges().next(), Some(120..201));
    assert!(pool.get_message_by_name(&format!(".{P2}")).is_some());
    assert!(
        pool.get_message_by_name("protobuf_test_messages.proto2")
            .is_none()
    );
    let e = pool
        .get_enum_by_name(&format!("{P2}.NestedEnum"))
        .expect("enum");
    assert!(e.is_closed());
    assert_eq!(e.default_value().name(), "FOO");
    assert_eq!(
        e.get_value(-1).map(|v| v.name().to_owned()),
        Some("NEG".into())
    );
    assert!(
        !pool
            .get_enum_by_name(&format!("{P3}.NestedEnum"))
            .expect("enum")
            .is_closed()
    );
    let ext = pool
        .get_extension_by_name("protobuf_test_messages.proto2.extension_int32")
        .expect("extension");
    assert_eq!(ext.containing_message(), m);
    assert_eq!(
        ext.json_name(),
        "[protobuf_test_messages.proto2.extension_int32]"
    );
    assert_eq!(pool.get_extension_by_number(&m, 120), Some(ext.clone()));
    assert!(pool.get_extensions_for(P2).any(|e| e == ext));
    let service_pool = DescriptorPool::decode(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/descriptors/grpc/goldens/grpc/health/v1/health.proto.pb"),
        )
        .expect("read health golden"),
    )
    .expect("pool");
    let health = service_pool
        .get_service_by_name("grpc.health.v1.Health")
        .expect("service");
    let watch = health
        .methods()
        .find(|m| m.name() == "Watch")
        .expect("Watch");
    assert!(watch.is_server_streaming() && !watch.is_client_streaming());
    assert_eq!(
        watch.input().full_name(),
        "grpc.health.v1.HealthCheckRequest"
    );
    assert_eq!(watch.full_name(), "grpc.health.v1.Health.Watch");
    assert_eq!(watch.parent_service(), health);
}

#[test]
fn field_descriptors() {
    let m = message(P2);
    let f = m.get_field_by_name("default_int32").expect("field");
    assert_eq!(f.default_value(), Value::I32(-123456789));
    assert_eq!(f.json_name(), "defaultInt32");
    assert_eq!(m.get_field_by_json_name("defaultInt32"), Some(f.clone()));
    let data = m.get_field(201).expect("group");
    assert!(data.is_group());
    assert_eq!(
        data.kind().as_message().map(|k| k.name().to_owned()),
        Some("Data".into())
    );
    let map = m.get_field_by_name("map_int32_int32").expect("map");
    assert!(map.is_map() && !map.is_list());
    assert_eq!(map.cardinality(), Cardinality::Repeated);
    let Kind::Message(entry) = map.kind() else {
        panic!("map entry")
    };
    assert!(entry.is_map_entry());
    assert_eq!(entry.map_entry_key_field().kind(), Kind::Int32);
    assert_eq!(entry.map_entry_value_field().number(), 2);
    let oneof = m.get_field_by_name("oneof_uint32").expect("oneof member");
    let o = oneof.containing_oneof().expect("oneof");
    assert_eq!(o.name(), "oneof_field");
    assert!(!o.is_synthetic());
    assert!(o.fields().any(|f| f.name() == "oneof_string"));
    assert!(
        !m.get_field_by_name("repeated_int32")
            .expect("f")
            .is_packed()
    );
    assert!(m.get_field_by_name("packed_int32").expect("f").is_packed());
    let string = m.get_field_by_name("optional_string").expect("f");
    assert!(!string.requires_utf8_validation());
    let p3 = message(P3);
    assert!(
        p3.get_field_by_name("repeated_int32")
            .expect("f")
            .is_packed()
    );
    assert!(
        !p3.get_field_by_name("unpacked_int32")
            .expect("f")
            .is_packed()
    );
    assert!(
        p3.get_field_by_name("optional_string")
            .expect("f")
            .requires_utf8_validation()
    );
    assert!(
        !p3.get_field_by_name("optional_int32")
            .expect("f")
            .has_presence()
    );
    let e2 = message(E2);
    // Editions proto2: DELIMITED groups and closed enums via features.
    assert!(e2.get_field(201).expect("group").is_group());
    assert!(
        !e2.get_field_by_name("optional_string")
            .expect("f")
            .requires_utf8_validation()
    );
    assert!(
        e2.get_field_by_name("optional_int32")
            .expect("f")
            .has_presence()
    );
    let required = message("protobuf_test_messages.proto2.TestAllRequiredTypesProto2");
    assert_eq!(
        required
            .get_field_by_name("required_int32")
            .expect("f")
            .cardinality(),
        Cardinality::Required
    );
}

#[test]
fn proto3_implicit_presence() {
    let m = message(P3);
    let f = m.get_field_by_name("optional_int32").expect("field");
    let mut msg = DynamicMessage::new(m.clone());
    assert!(!msg.has_field(&f));
    assert_eq!(msg.get_field(&f), Cow::<Value>::Owned(Value::I32(0)));
    msg.set_field(&f, Value::I32(0));
    assert!(!msg.has_field(&f), "zero is the same as unset");
    assert!(msg.encode_to_vec().is_empty());
    msg.set_field(&f, Value::I32(150));
    assert!(msg.has_field(&f));
    assert_eq!(msg.encode_to_vec(), [0x08, 0x96, 0x01]);
    // A zero on the wire decodes but does not count as set or re-encode.
    let decoded = DynamicMessage::decode(m.clone(), &[0x08, 0x00]).expect("decode");
    assert!(!decoded.has_field(&f));
    assert!(decoded.encode_to_vec().is_empty());
    assert_eq!(decoded, DynamicMessage::new(m.clone()));
    // -0.0 is not the default for implicit presence (bits differ), as in generated code.
    let d = m.get_field_by_name("optional_double").expect("field");
    msg.clear();
    msg.set_field(&d, Value::F64(-0.0));
    assert!(msg.has_field(&d));
    assert_eq!(msg.encode_to_vec(), [0x61, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    msg.clear_field(&d);
    assert!(msg.encode_to_vec().is_empty());
}

#[test]
fn proto2_explicit_presence_and_defaults() {
    let m = message(P2);
    let f = m.get_field_by_name("default_int32").expect("field");
    let mut msg = DynamicMessage::new(m.clone());
    assert!(!msg.has_field(&f));
    assert_eq!(*msg.get_field(&f), Value::I32(-123456789));
    msg.set_field(&f, Value::I32(0));
    assert!(msg.has_field(&f), "explicit presence keeps a set zero");
    // Field 241, varint 0.
    assert_eq!(msg.encode_to_vec(), [0x88, 0x0f, 0x00]);
    assert_eq!(msg.fields().count(), 1);
    msg.clear_field(&f);
    assert!(!msg.has_field(&f));
    assert!(msg.get_field_by_name("no_such_field").is_none());
    msg.set_field_by_name("optional_string", Value::String("hi".into()));
    assert_eq!(msg.encode_to_vec(), [0x72, 2, b'h', b'i']);
    let wrong = m.get_field_by_name("optional_int32").expect("field");
    assert!(matches!(
        msg.try_set_field(&wrong, Value::String("x".into())),
        Err(SetFieldError::InvalidType { .. })
    ));
    let other = message(P3)
        .get_field_by_name("optional_int32")
        .expect("field");
    assert!(matches!(
        msg.try_set_field(&other, Value::I32(1)),
        Err(SetFieldError::NotFound { .. })
    ));
}

#[test]
fn oneof_last_member_wins() {
    let m = message(P3);
    let u = m.get_field_by_name("oneof_uint32").expect("f");
    let s = m.get_field_by_name("oneof_string").expect("f");
    let mut msg = DynamicMessage::new(m.clone());
    msg.set_field(&u, Value::U32(0));
    assert!(msg.has_field(&u), "oneof members have presence");
    msg.set_field(&s, Value::String("x".into()));
    assert!(!msg.has_field(&u) && msg.has_field(&s));
    // Decoding: 111 = 5, then 113 = "ab" → only the string remains.
    let bytes = [0xf8, 0x06, 0x05, 0x8a, 0x07, 0x02, b'a', b'b'];
    let decoded = DynamicMessage::decode(m.clone(), &bytes).expect("decode");
    assert!(!decoded.has_field(&u));
    assert_eq!(*decoded.get_field(&s), Value::String("ab".into()));
    assert_eq!(decoded.encode_to_vec(), [0x8a, 0x07, 0x02, b'a', b'b']);
    *msg.get_field_mut(&u) = Value::U32(9);
    assert!(!msg.has_field(&s));
}

#[test]
fn closed_enum_unknowns_become_unknown_fields() {
    let m = message(P2);
    let e = m.get_field_by_name("optional_nested_enum").expect("f");
    // Field 21 = 99 (unknown), then field 21 = 1 (BAR).
    let msg = DynamicMessage::decode(m.clone(), &[0xa8, 0x01, 99, 0xa8, 0x01, 1]).expect("decode");
    assert_eq!(*msg.get_field(&e), Value::EnumNumber(1));
    let unknown: Vec<_> = msg.unknown_fields().iter().collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].number, 21);
    assert_eq!(unknown[0].value, UnknownValue::Varint(99));
    // Known field first, unknown last.
    assert_eq!(msg.encode_to_vec(), [0xa8, 0x01, 1, 0xa8, 0x01, 99]);
    // Open enums keep the number.
    let p3 = message(P3);
    let msg = DynamicMessage::decode(p3.clone(), &[0xa8, 0x01, 99]).expect("decode");
    assert_eq!(
        *msg.get_field(&p3.get_field_by_name("optional_nested_enum").expect("f")),
        Value::EnumNumber(99)
    );
    assert!(msg.unknown_fields().is_empty());
    // Packed closed enum: 1 stays, 7 goes to unknown fields.
    let packed = m.get_field_by_name("packed_nested_enum").expect("f");
    let key = (packed.number() << 3) | 2;
    let mut bytes = Vec::new();
    protoforge::encoding::encode_varint(u64::from(key), &mut bytes);
    bytes.extend_from_slice(&[2, 1, 7]);
    let msg = DynamicMessage::decode(m.clone(), &bytes).expect("decode");
    assert_eq!(
        *msg.get_field(&packed),
        Value::List(vec![Value::EnumNumber(1)])
    );
    assert_eq!(msg.unknown_fields().len(), 1);
}

#[test]
fn packed_and_expanded_input_both_accepted() {
    let m = message(P3);
    let f = m.get_field_by_name("repeated_int32").expect("f");
    // Expanded: 31 = 1, 31 = 2; then packed: [3, 4].
    let bytes = [0xf8, 0x01, 1, 0xf8, 0x01, 2, 0xfa, 0x01, 2, 3, 4];
    let msg = DynamicMessage::decode(m.clone(), &bytes).expect("decode");
    assert_eq!(
        *msg.get_field(&f),
        Value::List(vec![
            Value::I32(1),
            Value::I32(2),
            Value::I32(3),
            Value::I32(4)
        ])
    );
    // proto3 writes it packed.
    assert_eq!(msg.encode_to_vec(), [0xfa, 0x01, 4, 1, 2, 3, 4]);
    let p2 = message(P2);
    let msg = DynamicMessage::decode(p2, &[0xfa, 0x01, 2, 3, 4]).expect("decode");
    // proto2 writes it expanded.
    assert_eq!(msg.encode_to_vec(), [0xf8, 0x01, 3, 0xf8, 0x01, 4]);
}

#[test]
fn sub_messages_merge_and_maps_replace() {
    let m = message(P3);
    let nested = m.get_field_by_name("optional_nested_message").expect("f");
    // 18 = {a: 1}, then 18 = {corecursive: {}} → both set.
    let bytes = [0x92, 0x01, 2, 0x08, 1, 0x92, 0x01, 2, 0x12, 0];
    let msg = DynamicMessage::decode(m.clone(), &bytes).expect("decode");
    let sub = msg.get_field(&nested).into_owned();
    let sub = sub.as_message().expect("message");
    assert_eq!(
        sub.get_field_by_name("a").map(Cow::into_owned),
        Some(Value::I32(1))
    );
    assert!(
        sub.has_field(
            &sub.descriptor()
                .get_field_by_name("corecursive")
                .expect("f")
        )
    );
    assert_eq!(msg.encode_to_vec(), [0x92, 0x01, 4, 0x08, 1, 0x12, 0]);
    // Map entries with the same key: the last wins; a missing value is the default.
    let map = m.get_field_by_name("map_string_string").expect("f");
    let key = (map.number() << 3) | 2;
    let mut bytes = Vec::new();
    for entry in [
        &[0x0a, 1, b'k', 0x12, 1, b'1'][..],
        &[0x0a, 1, b'k', 0x12, 1, b'2'],
        &[0x0a, 1, b'z'],
    ] {
        protoforge::encoding::encode_varint(u64::from(key), &mut bytes);
        bytes.push(entry.len() as u8);
        bytes.extend_from_slice(entry);
    }
    let msg = DynamicMessage::decode(m.clone(), &bytes).expect("decode");
    let value = msg.get_field(&map);
    let entries = value.as_map().expect("map");
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[&MapKey::String("k".into())],
        Value::String("2".into())
    );
    assert_eq!(
        entries[&MapKey::String("z".into())],
        Value::String(String::new())
    );
}

#[test]
fn required_fields_and_initialization() {
    let m = message("protobuf_test_messages.proto2.TestAllRequiredTypesProto2");
    let msg = DynamicMessage::new(m.clone());
    assert!(!msg.is_initialized());
    let mut full = DynamicMessage::new(m.clone());
    for f in m
        .fields()
        .filter(|f| f.cardinality() == Cardinality::Required)
    {
        let v = match f.kind() {
            Kind::Message(_) => continue,
            _ => f.default_value(),
        };
        full.set_field(&f, v);
    }
    // The required sub-messages are still missing.
    assert!(!full.is_initialized());
}

#[test]
fn extensions_interleave_by_number() {
    let pool = pool();
    let m = pool.get_message_by_name(P2).expect("m");
    let ext = pool
        .get_extension_by_name("protobuf_test_messages.proto2.extension_int32")
        .expect("ext");
    let mut msg = DynamicMessage::new(m.clone());
    msg.set_field_by_name("optional_int32", Value::I32(1)); // 1
    msg.set_field_by_name("default_int32", Value::I32(2)); // 241
    msg.set_extension(&ext, Value::I32(3)); // 120
    assert!(msg.has_extension(&ext));
    assert_eq!(*msg.get_extension(&ext), Value::I32(3));
    assert_eq!(msg.encode_to_vec(), [0x08, 1, 0xc0, 0x07, 3, 0x88, 0x0f, 2]);
    let decoded = DynamicMessage::decode(m.clone(), &msg.encode_to_vec()).expect("decode");
    assert_eq!(decoded.extensions().count(), 1);
    assert_eq!(decoded, msg);
    msg.clear_extension(&ext);
    assert!(!msg.has_extension(&ext));
    assert_eq!(msg.encode_to_vec(), [0x08, 1, 0x88, 0x0f, 2]);
}

#[test]
fn message_set_items_decode_into_extensions() {
    let pool = pool();
    let set = pool
        .get_message_by_name("protobuf_test_messages.proto2.TestAllTypesProto2.MessageSetCorrect")
        .expect("message set");
    assert!(set.is_message_set());
    let ext = pool
        .get_extension_by_name(
            "protobuf_test_messages.proto2.TestAllTypesProto2.MessageSetCorrectExtension1.message_set_extension",
        )
        .expect("ext");
    let Kind::Message(payload) = ext.kind() else {
        panic!("message extension")
    };
    let mut inner = DynamicMessage::new(payload);
    inner.set_field_by_name("str", Value::String("s".into()));
    let mut msg = DynamicMessage::new(set.clone());
    msg.set_extension(&ext, Value::Message(inner));
    let bytes = msg.encode_to_vec();
    // Item group 1 { type_id (2) = number, message (3) = bytes }.
    let mut expected = vec![0x0b, 0x10];
    protoforge::encoding::encode_varint(u64::from(ext.number()), &mut expected);
    expected.extend_from_slice(&[0x1a, 4, 0xca, 0x01, 1, b's', 0x0c]);
    assert_eq!(bytes, expected);
    let decoded = DynamicMessage::decode(set.clone(), &bytes).expect("decode");
    assert_eq!(decoded, msg);
    assert!(decoded.unknown_fields().is_empty());
    // An item of an unknown type id stays an unknown group and re-encodes unchanged.
    let unknown_item = [0x0b, 0x10, 0x07, 0x1a, 0x01, 0x00, 0x0c];
    let decoded = DynamicMessage::decode(set, &unknown_item).expect("decode");
    assert_eq!(decoded.unknown_fields().len(), 1);
    assert_eq!(decoded.encode_to_vec(), unknown_item);
}

#[test]
fn malformed_input_is_an_error() {
    let m = message(P3);
    let cases: &[(&[u8], DecodeErrorKind)] = &[
        (&[0x08], DecodeErrorKind::Truncated),
        (&[0x08, 0x80], DecodeErrorKind::Truncated),
        (&[0x0f], DecodeErrorKind::InvalidWireType(7)),
        (&[0x00], DecodeErrorKind::ZeroFieldNumber),
        (&[0x0c], DecodeErrorKind::UnexpectedEndGroup(1)),
        (
            &[0x0a, 0x00],
            DecodeErrorKind::UnexpectedWireType {
                expected: 0,
                actual: 2,
            },
        ),
        (&[0x72, 0x01, 0xff], DecodeErrorKind::InvalidUtf8),
        (
            &[0x72, 0x05, b'a'],
            DecodeErrorKind::LengthOutOfBounds {
                length: 5,
                remaining: 1,
            },
        ),
        (
            &[0x72, 0xff, 0xff, 0xff, 0xff, 0x0f],
            DecodeErrorKind::LengthOutOfBounds {
                length: 0xffff_ffff,
                remaining: 0,
            },
        ),
        (&[0xfa, 0x01, 0x01, 0x80], DecodeErrorKind::Truncated),
        (
            &[0x93, 0x01],
            DecodeErrorKind::UnexpectedWireType {
                expected: 2,
                actual: 3,
            },
        ),
    ];
    for (bytes, kind) in cases {
        match DynamicMessage::decode(m.clone(), bytes) {
            Err(e) => assert_eq!(e.kind(), *kind, "{bytes:02x?}"),
            Ok(msg) => panic!("{bytes:02x?} decoded to {msg:?}"),
        }
    }
    // Packed fixed-width data must be a multiple of the width.
    let sfixed = m.get_field_by_name("packed_sfixed32").expect("f");
    let mut bytes = Vec::new();
    protoforge::encoding::encode_varint(u64::from((sfixed.number() << 3) | 2), &mut bytes);
    bytes.extend_from_slice(&[3, 0, 0, 0]);
    assert_eq!(
        DynamicMessage::decode(m.clone(), &bytes).map_err(|e| e.kind()),
        Err(DecodeErrorKind::InvalidPackedLength)
    );
    // A group (field 201 of the proto2 message) without its end tag.
    assert_eq!(
        DynamicMessage::decode(message(P2), &[0xcb, 0x0c, 0xd0, 0x0c, 0x01]).map_err(|e| e.kind()),
        Err(DecodeErrorKind::UnterminatedGroup(201))
    );
    assert_eq!(
        DynamicMessage::decode(message(P2), &[0xcb, 0x0c, 0xd4, 0x0c]).map_err(|e| e.kind()),
        Err(DecodeErrorKind::EndGroupMismatch {
            expected: 201,
            actual: 202
        })
    );
    // proto2 strings are not validated: invalid UTF-8 is kept as an unknown field, unchanged.
    let p2 = message(P2);
    let msg = DynamicMessage::decode(p2.clone(), &[0x72, 0x01, 0xff]).expect("proto2 string");
    assert_eq!(msg.encode_to_vec(), [0x72, 0x01, 0xff]);
}

#[test]
fn unverified_singular_string_last_occurrence_wins() {
    // optional_string (14) valid, an unknown field between, then not UTF-8: only the last
    // occurrence is kept (raw, in the unknown fields), as in generated code.
    let p2 = message(P2);
    let input = [0x72, 0x01, b'a', 0xf8, 0x63, 0x01, 0x72, 0x01, 0xff];
    let msg = DynamicMessage::decode(p2.clone(), &input).expect("proto2 strings");
    let field = p2
        .get_field_by_name("optional_string")
        .expect("optional_string");
    assert!(!msg.has_field(&field));
    assert_eq!(
        msg.encode_to_vec(),
        [0xf8, 0x63, 0x01, 0x72, 0x01, 0xff],
        "the earlier, valid value is dropped"
    );
    // Not UTF-8, then valid: the raw occurrence is dropped.
    let input = [0x72, 0x01, 0xff, 0xf8, 0x63, 0x01, 0x72, 0x01, b'b'];
    let msg = DynamicMessage::decode(p2.clone(), &input).expect("proto2 strings");
    assert_eq!(msg.encode_to_vec(), [0x72, 0x01, b'b', 0xf8, 0x63, 0x01]);
    // A oneof member arriving after a string member kept raw replaces it: oneof_string (113)
    // not UTF-8, then oneof_uint32 (111) = 5.
    let input = [0x8a, 0x07, 0x01, 0xff, 0xf8, 0x06, 0x05];
    let msg = DynamicMessage::decode(p2.clone(), &input).expect("proto2 oneof");
    assert_eq!(msg.encode_to_vec(), [0xf8, 0x06, 0x05]);
    // The same input through generated code (FileDescriptorProto's package, field 2).
    let file = message("google.protobuf.FileDescriptorProto");
    let input = [0x12, 0x01, b'a', 0xf8, 0x63, 0x01, 0x12, 0x01, 0xff];
    let generated = FileDescriptorProto::decode(&input[..]).expect("generated");
    let dynamic = DynamicMessage::decode(file, &input).expect("dynamic");
    assert_eq!(dynamic.encode_to_vec(), generated.encode_to_vec());
}

#[test]
fn recursion_limit_is_100() {
    let m = message(P3);
    // recursive_message (27) nested `depth` times.
    let nest = |depth: usize| {
        let mut bytes: Vec<u8> = Vec::new();
        for _ in 0..depth {
            let mut outer = vec![0xda, 0x01];
            protoforge::encoding::encode_varint(bytes.len() as u64, &mut outer);
            outer.extend_from_slice(&bytes);
            bytes = outer;
        }
        bytes
    };
    assert!(DynamicMessage::decode(m.clone(), &nest(100)).is_ok());
    assert_eq!(
        DynamicMessage::decode(m.clone(), &nest(101)).map_err(|e| e.kind()),
        Err(DecodeErrorKind::RecursionLimitExceeded)
    );
    // The generated type of descriptor.proto counts the same way.
    let deep = nest(101);
    let ok = nest(100);
    assert_eq!(
        DynamicMessage::decode(m.clone(), &ok)
            .expect("decode")
            .encode_to_vec(),
        ok
    );
    assert!(DynamicMessage::decode(m, &deep).is_err());
}

#[test]
fn transcode_between_generated_and_dynamic() {
    let pool = pool();
    let set_type = pool
        .get_message_by_name("google.protobuf.FileDescriptorSet")
        .expect("type");
    let typed = FileDescriptorSet {
        file: vec![FileDescriptorProto {
            name: Some("x.proto".into()),
            dependency: vec!["y.proto".into()],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut msg = DynamicMessage::new(set_type);
    msg.transcode_from(&typed).expect("transcode");
    assert_eq!(msg.encode_to_vec(), typed.encode_to_vec());
    let back: FileDescriptorSet = msg.transcode_to().expect("transcode");
    assert_eq!(back, typed);
}

fn field(name: &str, number: i32, ty: Type, type_name: Option<&str>) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional),
        r#type: Some(ty),
        type_name: type_name.map(Into::into),
        ..Default::default()
    }
}

fn file(name: &str, deps: &[&str], messages: Vec<DescriptorProto>) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: Some("pkg".into()),
        dependency: deps.iter().map(|d| (*d).into()).collect(),
        message_type: messages,
        ..Default::default()
    }
}

fn msg_proto(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field: fields,
        ..Default::default()
    }
}

#[test]
fn pool_validation_errors_name_the_file() {
    let a = file(
        "a.proto",
        &[],
        vec![msg_proto("A", vec![field("x", 1, Type::Int32, None)])],
    );
    let b = file(
        "b.proto",
        &["a.proto"],
        vec![msg_proto(
            "B",
            vec![field("a", 1, Type::Message, Some(".pkg.A"))],
        )],
    );
    // Any order works.
    let set = FileDescriptorSet {
        file: vec![b.clone(), a.clone()],
        ..Default::default()
    };
    let pool = DescriptorPool::from_file_descriptor_set(set).expect("pool");
    let names: Vec<_> = pool.files().map(|f| f.name().to_owned()).collect();
    assert_eq!(names, ["a.proto", "b.proto"]);
    // Adding the same file again is a no-op; a different one with the same name is not.
    let mut pool2 = pool.clone();
    pool2
        .add_file_descriptor_proto(a.clone())
        .expect("same file again");
    assert_eq!(pool2.files().len(), 2);
    let mut changed = a.clone();
    changed.package = Some("other".into());
    let err = pool2
        .add_file_descriptor_proto(changed)
        .expect_err("conflict");
    assert_eq!(err.file(), "a.proto");
    assert_eq!(
        pool2.files().len(),
        2,
        "a failed add leaves the pool unchanged"
    );

    let missing = DescriptorPool::from_file_descriptor_set(FileDescriptorSet {
        file: vec![b.clone()],
        ..Default::default()
    })
    .expect_err("missing dependency");
    assert_eq!(missing.to_string(), "b.proto: missing dependency `a.proto`");

    let unknown = file(
        "c.proto",
        &[],
        vec![msg_proto(
            "C",
            vec![field("a", 1, Type::Message, Some(".pkg.Nope"))],
        )],
    );
    let err = DescriptorPool::from_file_descriptor_set(FileDescriptorSet {
        file: vec![unknown],
        ..Default::default()
    })
    .expect_err("unknown type");
    assert!(
        err.to_string().contains("unknown type `.pkg.Nope`"),
        "{err}"
    );

    let dup = file("d.proto", &[], vec![msg_proto("A", vec![])]);
    let err = DescriptorPool::from_file_descriptor_set(FileDescriptorSet {
        file: vec![a.clone(), dup],
        ..Default::default()
    })
    .expect_err("duplicate");
    assert_eq!(err.to_string(), "d.proto: `pkg.A` is already defined");

    let cyclic = DescriptorPool::from_file_descriptor_set(FileDescriptorSet {
        file: vec![
            file("x.proto", &["y.proto"], vec![]),
            file("y.proto", &["x.proto"], vec![]),
        ],
        ..Default::default()
    });
    assert!(cyclic.is_err());

    assert!(DescriptorPool::decode(&[0xff]).is_err());
}

/// Adds change the pool in place when no other handle shares it; one that fails halfway
/// (names registered, then a type or an extension number that does not resolve) is undone,
/// so the same names can be added again, and a handle taken before an add keeps its view.
#[test]
fn a_failed_add_is_undone() {
    let a = file(
        "a.proto",
        &[],
        vec![DescriptorProto {
            extension_range: vec![descriptor_proto::ExtensionRange {
                start: Some(100),
                end: Some(200),
                ..Default::default()
            }],
            ..msg_proto("A", vec![field("x", 1, Type::Int32, None)])
        }],
    );
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_proto(a).expect("a.proto");
    let bad = file(
        "b.proto",
        &["a.proto"],
        vec![msg_proto(
            "B",
            vec![field("y", 1, Type::Message, Some(".pkg.Nope"))],
        )],
    );
    pool.add_file_descriptor_proto(bad)
        .expect_err("unknown type");
    assert_eq!(pool.files().len(), 1);
    assert_eq!(pool.all_messages().count(), 1);
    assert!(pool.get_message_by_name("pkg.B").is_none());

    let extension = |name: &str, number: i32| FieldDescriptorProto {
        extendee: Some(".pkg.A".into()),
        ..field(name, number, Type::Int32, None)
    };
    let mut clash = file("e.proto", &["a.proto"], vec![]);
    clash.extension = vec![extension("e1", 100), extension("e2", 100)];
    let err = pool
        .add_file_descriptor_proto(clash)
        .expect_err("number used twice");
    assert!(err.to_string().contains("already used"), "{err}");
    assert!(pool.get_extension_by_name("pkg.e1").is_none());
    assert_eq!(pool.get_extensions_for("pkg.A").count(), 0);

    let before = pool.clone();
    let good = file(
        "b.proto",
        &["a.proto"],
        vec![msg_proto(
            "B",
            vec![field("y", 1, Type::Message, Some(".pkg.A"))],
        )],
    );
    pool.add_file_descriptor_proto(good).expect("good b.proto");
    let mut fine = file("e.proto", &["a.proto"], vec![]);
    fine.extension = vec![extension("e1", 100), extension("e2", 101)];
    pool.add_file_descriptor_proto(fine).expect("good e.proto");
    let b = pool.get_message_by_name("pkg.B").expect("pkg.B");
    let y = b.get_field_by_name("y").expect("y");
    assert_eq!(
        y.kind(),
        Kind::Message(pool.get_message_by_name("pkg.A").unwrap())
    );
    let numbers: Vec<u32> = pool
        .get_extensions_for("pkg.A")
        .map(|e| e.number())
        .collect();
    assert_eq!(numbers, [100, 101]);
    assert_eq!(before.files().len(), 1, "an earlier handle keeps its view");
    assert!(before.get_message_by_name("pkg.B").is_none());
}

#[test]
fn global_pool_snapshots() {
    let a = file("global_a.proto", &[], vec![msg_proto("GlobalA", vec![])]);
    let bytes = FileDescriptorSet {
        file: vec![a],
        ..Default::default()
    }
    .encode_to_vec();
    let before = DescriptorPool::global();
    DescriptorPool::add_to_global(&bytes).expect("add");
    DescriptorPool::add_to_global(&bytes).expect("adding the same set twice is fine");
    assert!(
        DescriptorPool::global()
            .get_message_by_name("pkg.GlobalA")
            .is_some()
    );
    assert!(
        before.get_message_by_name("pkg.GlobalA").is_none(),
        "snapshots do not change"
    );
}
