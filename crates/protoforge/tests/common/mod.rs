//! Pieces shared by the reflection tests that compare `DynamicMessage` with hand-written
//! generated-style code: the descriptor pool of protobuf's test messages and
//! `TestAllTypesProto3.NestedMessage` written the way generated code writes it.
#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::Path;
use std::sync::OnceLock;

use bytes::Buf;
use protoforge::encoding::{FieldInput, Visitor, codec};
use protoforge::reflect::{DescriptorPool, MessageDescriptor};
use protoforge::{DecodeError, Message, UnknownFields};

/// The pool of `tests/data/reflect_test_messages.pb` (protobuf's proto2 and proto3 test
/// messages, made by real protoc).
pub fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reflect_test_messages.pb");
        let bytes = std::fs::read(&path).expect("read the test message descriptors");
        DescriptorPool::decode(&bytes).expect("pool of the test messages")
    })
}

/// `protobuf_test_messages.proto3.TestAllTypesProto3`.
pub fn proto3() -> MessageDescriptor {
    pool()
        .get_message_by_name("protobuf_test_messages.proto3.TestAllTypesProto3")
        .expect("TestAllTypesProto3")
}

/// `TestAllTypesProto3.NestedMessage` with only field `a` (its `corecursive` field lands in
/// the unknown fields, as in generated code of an older schema).
#[derive(Clone, PartialEq, Default, Debug)]
pub struct Nested {
    pub a: i32,
    pub unknown_fields: UnknownFields,
}

impl Message for Nested {
    fn visit_fields(&self, v: &mut impl Visitor) {
        v.implicit::<codec::Int32>(1, &self.a);
        v.unknown(&self.unknown_fields);
    }

    fn merge_field(&mut self, field: FieldInput<'_, impl Buf>) -> Result<(), DecodeError> {
        match field.number() {
            1 => field.merge::<codec::Int32>(&mut self.a),
            _ => field.unknown(&mut self.unknown_fields),
        }
    }

    fn clear(&mut self) {
        *self = Nested::default();
    }
}
