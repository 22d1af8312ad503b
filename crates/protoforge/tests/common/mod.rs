//! Pieces shared by the reflection tests that compare `DynamicMessage` with hand-written
//! generated-style code: the descriptor pool of protobuf's test messages and
//! `TestAllTypesProto3.NestedMessage` written the way generated code writes it.
#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::Path;
use std::sync::OnceLock;

use bytes::{Buf, BufMut};
use protoforge::encoding::{self, DecodeContext, WireType};
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
    fn encode_with(&self, buf: &mut impl BufMut, _sizes: &mut protoforge::encoding::SizeCache) {
        if self.a != 0 {
            encoding::int32::encode(1, &self.a, buf);
        }
        self.unknown_fields.encode_raw(buf);
    }

    fn merge_field(
        &mut self,
        number: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match number {
            1 => encoding::int32::merge(wire_type, &mut self.a, buf, ctx),
            _ => self.unknown_fields.merge_field(number, wire_type, buf, ctx),
        }
    }

    fn encoded_len_with(&self, _sizes: &mut protoforge::encoding::SizeCache) -> usize {
        let a = if self.a != 0 {
            encoding::int32::encoded_len(1, &self.a)
        } else {
            0
        };
        a + self.unknown_fields.encoded_len()
    }

    fn clear(&mut self) {
        *self = Nested::default();
    }
}
