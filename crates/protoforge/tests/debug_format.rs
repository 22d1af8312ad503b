//! The `Debug` form of generated messages: every field under its protobuf name, as a derived
//! `Debug` would print it, a set oneof member under its own name, and the unknown fields
//! only when there are some.

use std::collections::HashMap;

use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};
use protoforge::wkt::{ListValue, NullValue, Struct, Value, value::Kind};
use protoforge::{EnumValue, Message, UnknownValue};

#[test]
fn fields_print_like_a_derive_without_empty_unknown_fields() {
    let field = FieldDescriptorProto {
        name: Some("id".into()),
        number: Some(1),
        ..Default::default()
    };
    let message = DescriptorProto {
        name: Some("M".into()),
        field: vec![field],
        ..Default::default()
    };
    let text = format!("{message:?}");
    assert!(
        text.starts_with(
            "DescriptorProto { name: Some(\"M\"), field: [FieldDescriptorProto { name: Some(\"id\"), \
             extendee: None, number: Some(1), label: None, type: None, type_name: None,"
        ),
        "{text}"
    );
    assert!(!text.contains("unknown_fields"), "{text}");
}

#[test]
fn oneof_members_print_under_their_field_name() {
    let number = Value {
        kind: Some(Kind::NumberValue(1.5)),
        ..Default::default()
    };
    assert_eq!(format!("{number:?}"), "Value { number_value: 1.5 }");
    let null = Value {
        kind: Some(Kind::NullValue(EnumValue::Known(NullValue::NullValue))),
        ..Default::default()
    };
    assert_eq!(format!("{null:?}"), "Value { null_value: NullValue }");
    assert_eq!(format!("{:?}", Value::default()), "Value");
    let list = ListValue {
        values: vec![number.clone(), Value::default()],
        ..Default::default()
    };
    assert_eq!(
        format!("{list:?}"),
        "ListValue { values: [Value { number_value: 1.5 }, Value] }"
    );
}

#[test]
fn maps_and_pretty_printing() {
    let mut fields = HashMap::new();
    fields.insert(
        "a".to_string(),
        Value {
            kind: Some(Kind::StringValue("x".into())),
            ..Default::default()
        },
    );
    let message = Struct {
        fields,
        ..Default::default()
    };
    assert_eq!(
        format!("{message:?}"),
        "Struct { fields: {\"a\": Value { string_value: \"x\" }} }"
    );
    assert_eq!(
        format!("{message:#?}"),
        "Struct {\n    fields: {\n        \"a\": Value {\n            string_value: \"x\",\n        },\n    },\n}"
    );
}

#[test]
fn unknown_fields_print_when_present() {
    let mut message = Struct::default();
    message.unknown_fields.push(9, UnknownValue::Varint(3));
    assert_eq!(
        format!("{message:?}"),
        "Struct { fields: {}, unknown_fields: [UnknownField { number: 9, value: Varint(3) }] }"
    );
    // What decoding keeps prints the same way.
    let decoded = Struct::decode(&[0x48, 0x03][..]).unwrap();
    assert_eq!(format!("{decoded:?}"), format!("{message:?}"));
}
