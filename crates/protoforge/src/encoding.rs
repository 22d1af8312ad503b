//! The wire format: varints, tags, the per-type codecs and the decode loop that generated
//! code calls.
//!
//! # How generated code uses this module
//!
//! A message implements [`Message`](crate::Message) with two methods; everything else (`encode`, `decode`,
//! `merge`, `clear`, length-delimited framing) is provided by the trait. Bodies name field
//! types by their zero-sized [`Codec`] (`use ::protoforge::encoding::codec;`) and make one
//! call per field.
//!
//! - `visit_fields(&self, v)` shows each field to a [`Visitor`] in field-number order, then
//!   the unknown fields: `v.implicit::<codec::String>(1, &self.name)` (skips the default
//!   value), `v.optional::<codec::Int64>(2, &self.id)` (an `Option`),
//!   `v.packed::<codec::Int32>(3, &self.path)`, `v.repeated::<codec::String>(4, &self.tags)`,
//!   `v.messages(5, &self.items)`, `v.optional_message(6, self.child.as_ref())` (a boxed
//!   child passes `as_deref()`), `v.map::<codec::String, codec::Int32, _>(7, &self.counts)`
//!   (any `IntoIterator` of `(&K, &V)`, so `HashMap` and `BTreeMap` both work), a set oneof
//!   member `v.value::<C>(n, value)` or `v.message(n, value)`, and last
//!   `v.unknown(&self.unknown_fields)`. The provided `encoded_len_with` runs it with a
//!   [`Sizer`] (sub-messages record their lengths in the [`SizeCache`]) and `encode_with`
//!   with an [`Encoder`] (which reads them back), so the two passes cannot disagree.
//! - `merge_field(&mut self, field)` matches on [`FieldInput::number`] and calls the one
//!   [`FieldInput`] method that fits the field's storage: `field.merge::<codec::String>(&mut
//!   self.name)`, `merge_optional`, `merge_repeated` (packed and unpacked input alike),
//!   `optional_message`, `messages`, `map::<K, V>`, closed enums with
//!   `field.closed_enum(&mut self.kind, &mut self.unknown_fields)` (unknown numbers go to the
//!   unknown fields), oneof members with `field.oneof::<C, _>(&mut self.choice,
//!   Choice::Member)`, and `_ => field.unknown(&mut self.unknown_fields)`. Errors get the
//!   field added to their path by the decode loop, from the message's
//!   `const FIELD_NAMES: &'static str = "Message: name=1 id=2"`.
//!
//! Field types are the zero-sized [`Codec`]s in [`codec`] (`Int32`, `SInt64`, `String`,
//! `Bytes`, `BytesShared` for `bytes::Bytes`, `StringShared` for
//! [`BytesStr`](crate::BytesStr), `Message<M>`, `Enum<E>` for closed enums, `OpenEnum<E>` for
//! [`EnumValue<E>`](crate::EnumValue) ...); [`map`] holds the map entry
//! format and [`message_set`] the MessageSet item format. The codecs are also what
//! extensions and maps are parameterised with.
//!
//! Sub-messages and groups go one level deeper in [`DecodeContext`]; the default recursion
//! limit is 100. A length prefix larger than the remaining input is an error before anything
//! is allocated.

pub mod codec;
mod codec_trait;
mod debug;
mod input;
pub mod map;
mod merge;
pub mod message_set;
mod visit;
mod wire;

pub use crate::sizes::SizeCache;
pub use codec_trait::Codec;
pub use debug::debug_message;
pub use input::FieldInput;
pub use merge::{merge_group_body, merge_until};
pub use visit::{Encoder, Sizer, Visitor};
pub(crate) use wire::append_bytes;
pub use wire::{
    DEFAULT_RECURSION_LIMIT, DecodeContext, MAX_FIELD_NUMBER, WireType, check_wire_type,
    decode_key, decode_len, decode_varint, encode_key, encode_varint, encoded_len_varint, key_len,
};
