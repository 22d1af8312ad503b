//! The wire format: varints, tags, the per-type codecs and the decode loop that generated
//! code calls.
//!
//! # How generated code uses this module
//!
//! A message implements [`Message`] with two methods; everything else (`encode`, `decode`,
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
//! `Bytes`, `BytesShared` for `bytes::Bytes`, `Message<M>`, `Enum<E>` for closed enums,
//! `OpenEnum<E>` for [`EnumValue<E>`](crate::EnumValue) ...); [`map`] holds the map entry
//! format and [`message_set`] the MessageSet item format. The codecs are also what
//! extensions and maps are parameterised with.
//!
//! Sub-messages and groups go one level deeper in [`DecodeContext`]; the default recursion
//! limit is 100. A length prefix larger than the remaining input is an error before anything
//! is allocated.

use ::bytes::{Buf, BufMut};

use crate::error::{DecodeError, DecodeErrorKind, push_field_name};
use crate::message::Message;
pub use crate::sizes::SizeCache;

mod input;
mod visit;

pub use input::FieldInput;
pub use visit::{Encoder, Sizer, Visitor};

/// The largest valid field number, 2^29 - 1.
pub const MAX_FIELD_NUMBER: u32 = (1 << 29) - 1;

/// The default limit on nested sub-messages and groups.
pub const DEFAULT_RECURSION_LIMIT: u32 = 100;

/// The six wire types of the protobuf encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(u8)]
pub enum WireType {
    /// A base-128 varint.
    Varint = 0,
    /// Eight little-endian bytes.
    Fixed64 = 1,
    /// A varint length followed by that many bytes.
    LengthDelimited = 2,
    /// The start of a group.
    StartGroup = 3,
    /// The end of a group.
    EndGroup = 4,
    /// Four little-endian bytes.
    Fixed32 = 5,
}

impl WireType {
    /// Maps the low three bits of a tag to a wire type.
    #[inline]
    pub fn from_bits(bits: u8) -> Result<WireType, DecodeError> {
        Ok(match bits {
            0 => WireType::Varint,
            1 => WireType::Fixed64,
            2 => WireType::LengthDelimited,
            3 => WireType::StartGroup,
            4 => WireType::EndGroup,
            5 => WireType::Fixed32,
            other => return Err(DecodeErrorKind::InvalidWireType(other).into()),
        })
    }
}

/// Decoding state passed down the message tree: how many more levels of nesting are allowed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DecodeContext {
    depth_remaining: u32,
}

impl Default for DecodeContext {
    #[inline]
    fn default() -> Self {
        DecodeContext::new(DEFAULT_RECURSION_LIMIT)
    }
}

impl DecodeContext {
    /// A context that allows `recursion_limit` levels of nested messages below the top one.
    #[inline]
    pub const fn new(recursion_limit: u32) -> Self {
        DecodeContext {
            depth_remaining: recursion_limit,
        }
    }

    /// The context for a nested message or group, or an error when the limit is reached.
    #[inline]
    pub fn enter(self) -> Result<DecodeContext, DecodeError> {
        match self.depth_remaining.checked_sub(1) {
            Some(depth_remaining) => Ok(DecodeContext { depth_remaining }),
            None => Err(DecodeErrorKind::RecursionLimitExceeded.into()),
        }
    }
}

/// Writes `value` as a varint.
#[inline]
pub fn encode_varint(mut value: u64, buf: &mut impl BufMut) {
    if value < 0x80 {
        buf.put_u8(value as u8);
        return;
    }
    let mut bytes = [0u8; 10];
    let mut n = 0;
    while value >= 0x80 {
        bytes[n] = (value as u8) | 0x80;
        value >>= 7;
        n += 1;
    }
    bytes[n] = value as u8;
    buf.put_slice(&bytes[..=n]);
}

/// The number of bytes `value` takes as a varint (1 to 10).
#[inline]
pub const fn encoded_len_varint(value: u64) -> usize {
    let bits = 64 - (value | 1).leading_zeros() as usize;
    (bits * 9 + 64) / 64
}

/// Reads a varint value (of any scalar type, 32-bit ones included). More than ten bytes is
/// [`DecodeErrorKind::VarintOverflow`]; input that ends inside the varint is
/// [`DecodeErrorKind::Truncated`].
///
/// These are protoc's rules (the C++ runtime's and upb's parsers): a value may take up to ten
/// bytes whatever its type, so an over-long `int32`, enum or `bool` padded with `0x80` bytes
/// is accepted; the bits of the tenth byte above bit 63 are ignored, not an error (protoc
/// decodes `ff ff ff ff ff ff ff ff ff 7f` as `u64::MAX`), and a 32-bit type keeps the low
/// 32 bits. Tags and length prefixes are stricter: see [`decode_key`] and [`decode_len`].
#[inline]
pub fn decode_varint(buf: &mut impl Buf) -> Result<u64, DecodeError> {
    let chunk = buf.chunk();
    let len = chunk.len();
    if len == 0 {
        return Err(DecodeErrorKind::Truncated.into());
    }
    let first = chunk[0];
    if first < 0x80 {
        buf.advance(1);
        return Ok(u64::from(first));
    }
    if len >= 10 || chunk[len - 1] < 0x80 {
        let (value, used) = decode_varint_slice(chunk)?;
        buf.advance(used);
        return Ok(value);
    }
    decode_varint_slow(buf)
}

/// Decodes a varint at the start of `bytes`, returning it and its length.
#[inline]
fn decode_varint_slice(bytes: &[u8]) -> Result<(u64, usize), DecodeError> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok((value, i + 1));
        }
    }
    if bytes.len() >= 10 {
        Err(DecodeErrorKind::VarintOverflow.into())
    } else {
        Err(DecodeErrorKind::Truncated.into())
    }
}

#[cold]
fn decode_varint_slow(buf: &mut impl Buf) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for i in 0..10 {
        if !buf.has_remaining() {
            return Err(DecodeErrorKind::Truncated.into());
        }
        let byte = buf.get_u8();
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(DecodeErrorKind::VarintOverflow.into())
}

/// Writes a tag (field number and wire type).
#[inline]
pub fn encode_key(number: u32, wire_type: WireType, buf: &mut impl BufMut) {
    encode_varint(u64::from(number << 3 | wire_type as u32), buf);
}

/// The length of a tag for field `number`.
#[inline]
pub const fn key_len(number: u32) -> usize {
    encoded_len_varint((number as u64) << 3)
}

/// The most bytes a tag or a length prefix may take, as protoc's parsers require.
const MAX_SHORT_VARINT_LEN: usize = 5;

/// Reads a varint of at most [`MAX_SHORT_VARINT_LEN`] bytes, the encoding of tags and length
/// prefixes: a longer one is [`DecodeErrorKind::VarintOverflow`] even when its value is small
/// (padding bytes such as `88 80 80 80 80 00`), input that ends inside it is
/// [`DecodeErrorKind::Truncated`]. The fast paths of [`decode_key`] and [`decode_len`] handle
/// the common short encodings before calling this.
#[cold]
fn decode_short_varint(buf: &mut impl Buf) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for i in 0..MAX_SHORT_VARINT_LEN {
        if !buf.has_remaining() {
            return Err(DecodeErrorKind::Truncated.into());
        }
        let byte = buf.get_u8();
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(DecodeErrorKind::VarintOverflow.into())
}

/// Reads a tag and checks its field number (1 to 2^29 - 1) and wire type.
///
/// As in protoc's parsers, a tag takes at most five bytes: a longer encoding is
/// [`DecodeErrorKind::VarintOverflow`] even when its value is small, and a five-byte value
/// above `u32::MAX` is [`DecodeErrorKind::FieldNumberOutOfRange`].
#[inline]
pub fn decode_key(buf: &mut impl Buf) -> Result<(u32, WireType), DecodeError> {
    // One- and two-byte tags (field numbers below 2048) cannot exceed `u32::MAX`.
    let key = match *buf.chunk() {
        [first, ..] if first < 0x80 => {
            buf.advance(1);
            u32::from(first)
        }
        [first, second, ..] if second < 0x80 => {
            buf.advance(2);
            u32::from(first & 0x7f) | u32::from(second) << 7
        }
        _ => decode_long_key(buf)?,
    };
    let wire_type = WireType::from_bits((key & 7) as u8)?;
    let number = key >> 3;
    if number == 0 {
        return Err(DecodeErrorKind::ZeroFieldNumber.into());
    }
    Ok((number, wire_type))
}

/// A tag of three to five bytes (or a truncated or overlong one), checked to fit in 32 bits.
#[cold]
fn decode_long_key(buf: &mut impl Buf) -> Result<u32, DecodeError> {
    let key = decode_short_varint(buf)?;
    u32::try_from(key).map_err(|_| DecodeErrorKind::FieldNumberOutOfRange(key >> 3).into())
}

/// Fails unless `actual` is the `expected` wire type.
#[inline]
pub fn check_wire_type(expected: WireType, actual: WireType) -> Result<(), DecodeError> {
    if expected == actual {
        Ok(())
    } else {
        Err(DecodeErrorKind::UnexpectedWireType {
            expected: expected as u8,
            actual: actual as u8,
        }
        .into())
    }
}

/// The largest length prefix protoc's parsers accept, 2^31 - 1 (a length is an `int32`).
const MAX_LENGTH: u64 = i32::MAX as u64;

/// Reads a length prefix and checks that that many bytes remain.
///
/// As in protoc's parsers, a length prefix takes at most five bytes: a longer encoding, even
/// of a small value, is [`DecodeErrorKind::VarintOverflow`]. A length above 2^31 - 1 or above
/// what remains is [`DecodeErrorKind::LengthOutOfBounds`].
#[inline]
pub fn decode_len(buf: &mut impl Buf) -> Result<usize, DecodeError> {
    let length = match *buf.chunk() {
        [first, ..] if first < 0x80 => {
            buf.advance(1);
            u64::from(first)
        }
        _ => decode_short_varint(buf)?,
    };
    let remaining = buf.remaining();
    if length > remaining as u64 || length > MAX_LENGTH {
        return Err(DecodeErrorKind::LengthOutOfBounds { length, remaining }.into());
    }
    Ok(length as usize)
}

/// Appends the next `len` bytes of `buf` to `out`, chunk by chunk. `len` must not exceed what
/// `buf` holds ([`decode_len`] checks that).
#[inline]
pub(crate) fn append_bytes(out: &mut Vec<u8>, buf: &mut impl Buf, len: usize) {
    out.reserve(len);
    let mut left = len;
    while left > 0 {
        let chunk = buf.chunk();
        let take = chunk.len().min(left);
        out.extend_from_slice(&chunk[..take]);
        buf.advance(take);
        left -= take;
    }
}

/// Decodes fields into `msg` until `buf` has `limit` bytes left. The top level passes 0; a
/// length-delimited sub-message passes the remaining length after its body.
#[inline]
pub fn merge_until<M: Message>(
    msg: &mut M,
    buf: &mut impl Buf,
    limit: usize,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    while buf.remaining() > limit {
        let (number, wire_type) = decode_key(buf)?;
        if wire_type == WireType::EndGroup {
            return Err(DecodeErrorKind::UnexpectedEndGroup(number).into());
        }
        if let Err(error) = msg.merge_field(FieldInput::new(number, wire_type, buf, ctx)) {
            return Err(push_field_name(M::FIELD_NAMES, error, number));
        }
    }
    if buf.remaining() != limit {
        return Err(DecodeErrorKind::Truncated.into());
    }
    Ok(())
}

/// Decodes fields of group `number` into `msg` until its end-group tag.
pub fn merge_group_body<M: Message>(
    number: u32,
    msg: &mut M,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    loop {
        if !buf.has_remaining() {
            return Err(DecodeErrorKind::UnterminatedGroup(number).into());
        }
        let (field, wire_type) = decode_key(buf)?;
        if wire_type == WireType::EndGroup {
            if field != number {
                return Err(DecodeErrorKind::EndGroupMismatch {
                    expected: number,
                    actual: field,
                }
                .into());
            }
            return Ok(());
        }
        if let Err(error) = msg.merge_field(FieldInput::new(field, wire_type, buf, ctx)) {
            return Err(push_field_name(M::FIELD_NAMES, error, field));
        }
    }
}

/// The encoding of one field type, as a zero-sized type. The provided methods are the
/// field-level operations [`Visitor`] and [`FieldInput`] run for each presence and
/// repetition.
pub trait Codec {
    /// The Rust type a field of this type is stored as.
    type Value: Default;
    /// The wire type of one (unpacked) value.
    const WIRE_TYPE: WireType;
    /// Whether repeated fields of this type may be packed.
    const PACKABLE: bool = false;
    /// The fixed size of one value in bytes, or 0 for variable-length types.
    const FIXED_LEN: usize = 0;

    /// Writes one value without its tag (length-delimited values include their length).
    fn encode_value(value: &Self::Value, buf: &mut impl BufMut);
    /// The length `encode_value` writes.
    fn value_len(value: &Self::Value) -> usize;
    /// Reads one value without its tag and merges it into `value` (scalars are replaced,
    /// messages merged).
    fn merge_value(
        value: &mut Self::Value,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError>;

    /// Writes field `number` with `value`, tag included.
    #[inline]
    fn encode(number: u32, value: &Self::Value, buf: &mut impl BufMut) {
        encode_key(number, Self::WIRE_TYPE, buf);
        Self::encode_value(value, buf);
    }

    /// The length `encode` writes.
    #[inline]
    fn encoded_len(number: u32, value: &Self::Value) -> usize {
        key_len(number) + Self::value_len(value)
    }

    /// Whether `value` is the type's default, which an implicit-presence field does not
    /// write. Only scalar codecs answer `true`; sub-messages always have presence.
    #[inline]
    fn is_default(value: &Self::Value) -> bool {
        let _ = value;
        false
    }

    /// Writes an implicit-presence field unless `value` is the default.
    #[inline]
    fn encode_implicit(number: u32, value: &Self::Value, buf: &mut impl BufMut) {
        if !Self::is_default(value) {
            Self::encode(number, value, buf);
        }
    }

    /// The length `encode_implicit` writes.
    #[inline]
    fn encoded_len_implicit(number: u32, value: &Self::Value) -> usize {
        if Self::is_default(value) {
            0
        } else {
            Self::encoded_len(number, value)
        }
    }

    /// Writes an explicit-presence field if it is set.
    #[inline]
    fn encode_optional(number: u32, value: &Option<Self::Value>, buf: &mut impl BufMut) {
        if let Some(value) = value {
            Self::encode(number, value, buf);
        }
    }

    /// The length `encode_optional` writes.
    #[inline]
    fn encoded_len_optional(number: u32, value: &Option<Self::Value>) -> usize {
        value
            .as_ref()
            .map_or(0, |value| Self::encoded_len(number, value))
    }

    /// Writes each value as its own field (unpacked).
    #[inline]
    fn encode_repeated(number: u32, values: &[Self::Value], buf: &mut impl BufMut) {
        for value in values {
            Self::encode(number, value, buf);
        }
    }

    /// The length `encode_repeated` writes.
    #[inline]
    fn encoded_len_repeated(number: u32, values: &[Self::Value]) -> usize {
        let values_len: usize = match Self::FIXED_LEN {
            0 => values.iter().map(Self::value_len).sum(),
            fixed => fixed * values.len(),
        };
        key_len(number) * values.len() + values_len
    }

    /// Writes all values as one packed field; an empty slice writes nothing.
    #[inline]
    fn encode_packed(number: u32, values: &[Self::Value], buf: &mut impl BufMut) {
        if values.is_empty() {
            return;
        }
        encode_key(number, WireType::LengthDelimited, buf);
        encode_varint(Self::packed_body_len(values) as u64, buf);
        for value in values {
            Self::encode_value(value, buf);
        }
    }

    /// The length `encode_packed` writes.
    #[inline]
    fn encoded_len_packed(number: u32, values: &[Self::Value]) -> usize {
        if values.is_empty() {
            return 0;
        }
        let body = Self::packed_body_len(values);
        key_len(number) + encoded_len_varint(body as u64) + body
    }

    /// The length of the values of a packed field, without tag and length prefix.
    #[inline]
    fn packed_body_len(values: &[Self::Value]) -> usize {
        match Self::FIXED_LEN {
            0 => values.iter().map(Self::value_len).sum(),
            fixed => fixed * values.len(),
        }
    }

    /// Merges one occurrence of a singular field into `value`.
    #[inline]
    fn merge(
        wire_type: WireType,
        value: &mut Self::Value,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        check_wire_type(Self::WIRE_TYPE, wire_type)?;
        Self::merge_value(value, buf, ctx)
    }

    /// Appends one occurrence of a repeated field: a single value, or for packable types a
    /// packed run of values.
    fn merge_repeated(
        wire_type: WireType,
        values: &mut Vec<Self::Value>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        if Self::PACKABLE && wire_type == WireType::LengthDelimited {
            let len = decode_len(buf)?;
            if Self::FIXED_LEN != 0 {
                if len % Self::FIXED_LEN != 0 {
                    return Err(DecodeErrorKind::InvalidPackedLength.into());
                }
                values.reserve(len / Self::FIXED_LEN);
            } else if let Some(body) = buf.chunk().get(..len) {
                // Each varint ends with the one byte below 0x80: one allocation for the run
                // instead of the vector's doublings (source locations' paths and spans).
                values.reserve(body.iter().filter(|&&b| b < 0x80).count());
            }
            let limit = buf.remaining() - len;
            while buf.remaining() > limit {
                let mut value = Self::Value::default();
                Self::merge_value(&mut value, buf, ctx)?;
                values.push(value);
            }
            if buf.remaining() != limit {
                return Err(DecodeErrorKind::Truncated.into());
            }
            return Ok(());
        }
        check_wire_type(Self::WIRE_TYPE, wire_type)?;
        // Decoded in place: a large message is not moved into the vector afterwards.
        values.push(Self::Value::default());
        let last = values.len() - 1;
        if let Err(e) = Self::merge_value(&mut values[last], buf, ctx) {
            values.pop();
            return Err(e);
        }
        Ok(())
    }
}

/// The zero-sized codecs, one per field type.
pub mod codec {
    use core::marker::PhantomData;

    use ::bytes::{Buf, BufMut};

    use super::{
        Codec, DecodeContext, WireType, decode_len, decode_varint, encode_varint,
        encoded_len_varint, merge_until,
    };
    use crate::enumeration::{EnumValue, Enumeration};
    use crate::error::{DecodeError, DecodeErrorKind};
    use crate::message::Message as MessageTrait;

    macro_rules! varint_codec {
        ($(#[$doc:meta])* $name:ident, $ty:ty, |$e:ident| $encode:expr, |$d:ident| $decode:expr) => {
            $(#[$doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct $name;

            impl Codec for $name {
                type Value = $ty;
                const WIRE_TYPE: WireType = WireType::Varint;
                const PACKABLE: bool = true;

                #[inline]
                fn is_default(value: &$ty) -> bool {
                    *value == <$ty>::default()
                }

                #[inline]
                fn encode_value(value: &$ty, buf: &mut impl BufMut) {
                    let $e = *value;
                    encode_varint($encode, buf);
                }

                #[inline]
                fn value_len(value: &$ty) -> usize {
                    let $e = *value;
                    encoded_len_varint($encode)
                }

                #[inline]
                fn merge_value(
                    value: &mut $ty,
                    buf: &mut impl Buf,
                    _ctx: DecodeContext,
                ) -> Result<(), DecodeError> {
                    let $d = decode_varint(buf)?;
                    *value = $decode;
                    Ok(())
                }
            }
        };
    }

    varint_codec!(
        /// `int32`: negative values are sign-extended to ten bytes.
        Int32, i32, |v| v as i64 as u64, |u| u as i32
    );
    varint_codec!(
        /// `int64`.
        Int64, i64, |v| v as u64, |u| u as i64
    );
    varint_codec!(
        /// `uint32`.
        UInt32, u32, |v| u64::from(v), |u| u as u32
    );
    varint_codec!(
        /// `uint64`.
        UInt64, u64, |v| v, |u| u
    );
    varint_codec!(
        /// `sint32`: zigzag-encoded.
        SInt32, i32, |v| u64::from(((v << 1) ^ (v >> 31)) as u32),
        |u| ((u as u32 >> 1) as i32) ^ -((u as u32 & 1) as i32)
    );
    varint_codec!(
        /// `sint64`: zigzag-encoded.
        SInt64, i64, |v| ((v << 1) ^ (v >> 63)) as u64,
        |u| ((u >> 1) as i64) ^ -((u & 1) as i64)
    );
    varint_codec!(
        /// `bool`: any non-zero varint decodes as `true`.
        Bool, bool, |v| u64::from(v), |u| u != 0
    );

    macro_rules! fixed_codec {
        ($(#[$doc:meta])* $name:ident, $ty:ty, $wire:ident, $len:literal, $put:ident, $get:ident) => {
            $(#[$doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct $name;

            impl Codec for $name {
                type Value = $ty;
                const WIRE_TYPE: WireType = WireType::$wire;
                const PACKABLE: bool = true;
                const FIXED_LEN: usize = $len;

                /// Zero bits: `-0.0` is not the default and is written.
                #[inline]
                fn is_default(value: &$ty) -> bool {
                    value.to_le_bytes() == [0; $len]
                }

                #[inline]
                fn encode_value(value: &$ty, buf: &mut impl BufMut) {
                    buf.$put(*value);
                }

                #[inline]
                fn value_len(_value: &$ty) -> usize {
                    $len
                }

                #[inline]
                fn merge_value(
                    value: &mut $ty,
                    buf: &mut impl Buf,
                    _ctx: DecodeContext,
                ) -> Result<(), DecodeError> {
                    if buf.remaining() < $len {
                        return Err(DecodeErrorKind::Truncated.into());
                    }
                    *value = buf.$get();
                    Ok(())
                }
            }
        };
    }

    fixed_codec!(
        /// `fixed32`.
        Fixed32, u32, Fixed32, 4, put_u32_le, get_u32_le
    );
    fixed_codec!(
        /// `fixed64`.
        Fixed64, u64, Fixed64, 8, put_u64_le, get_u64_le
    );
    fixed_codec!(
        /// `sfixed32`.
        SFixed32, i32, Fixed32, 4, put_i32_le, get_i32_le
    );
    fixed_codec!(
        /// `sfixed64`.
        SFixed64, i64, Fixed64, 8, put_i64_le, get_i64_le
    );
    fixed_codec!(
        /// `float`.
        Float, f32, Fixed32, 4, put_f32_le, get_f32_le
    );
    fixed_codec!(
        /// `double`.
        Double, f64, Fixed64, 8, put_f64_le, get_f64_le
    );

    /// Reads `len` bytes into `out`, reusing its allocation.
    #[inline]
    fn read_bytes_into(out: &mut Vec<u8>, buf: &mut impl Buf, len: usize) {
        out.clear();
        super::append_bytes(out, buf, len);
    }

    /// `string` as `String`: the bytes must be valid UTF-8.
    #[derive(Clone, Copy, Debug)]
    pub struct String;

    impl Codec for String {
        type Value = std::string::String;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        #[inline]
        fn is_default(value: &std::string::String) -> bool {
            value.is_empty()
        }

        #[inline]
        fn encode_value(value: &std::string::String, buf: &mut impl BufMut) {
            encode_varint(value.len() as u64, buf);
            buf.put_slice(value.as_bytes());
        }

        #[inline]
        fn value_len(value: &std::string::String) -> usize {
            encoded_len_varint(value.len() as u64) + value.len()
        }

        #[inline]
        fn merge_value(
            value: &mut std::string::String,
            buf: &mut impl Buf,
            _ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let len = decode_len(buf)?;
            let chunk = buf.chunk();
            if chunk.len() >= len {
                let text = core::str::from_utf8(&chunk[..len])
                    .map_err(|_| DecodeError::new(DecodeErrorKind::InvalidUtf8))?;
                value.clear();
                value.push_str(text);
                buf.advance(len);
                return Ok(());
            }
            let mut bytes = core::mem::take(value).into_bytes();
            read_bytes_into(&mut bytes, buf, len);
            *value = std::string::String::from_utf8(bytes)
                .map_err(|_| DecodeError::new(DecodeErrorKind::InvalidUtf8))?;
            Ok(())
        }
    }

    /// `bytes` as `Vec<u8>`.
    #[derive(Clone, Copy, Debug)]
    pub struct Bytes;

    impl Codec for Bytes {
        type Value = Vec<u8>;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        #[inline]
        fn is_default(value: &Vec<u8>) -> bool {
            value.is_empty()
        }

        #[inline]
        fn encode_value(value: &Vec<u8>, buf: &mut impl BufMut) {
            encode_varint(value.len() as u64, buf);
            buf.put_slice(value);
        }

        #[inline]
        fn value_len(value: &Vec<u8>) -> usize {
            encoded_len_varint(value.len() as u64) + value.len()
        }

        #[inline]
        fn merge_value(
            value: &mut Vec<u8>,
            buf: &mut impl Buf,
            _ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let len = decode_len(buf)?;
            read_bytes_into(value, buf, len);
            Ok(())
        }
    }

    /// `bytes` as `bytes::Bytes` (no copy when decoding from a `Bytes` buffer).
    #[derive(Clone, Copy, Debug)]
    pub struct BytesShared;

    impl Codec for BytesShared {
        type Value = ::bytes::Bytes;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        #[inline]
        fn is_default(value: &::bytes::Bytes) -> bool {
            value.is_empty()
        }

        #[inline]
        fn encode_value(value: &::bytes::Bytes, buf: &mut impl BufMut) {
            encode_varint(value.len() as u64, buf);
            buf.put_slice(value);
        }

        #[inline]
        fn value_len(value: &::bytes::Bytes) -> usize {
            encoded_len_varint(value.len() as u64) + value.len()
        }

        #[inline]
        fn merge_value(
            value: &mut ::bytes::Bytes,
            buf: &mut impl Buf,
            _ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let len = decode_len(buf)?;
            *value = buf.copy_to_bytes(len);
            Ok(())
        }
    }

    /// A length-delimited sub-message of type `M`.
    pub struct Message<M>(PhantomData<fn() -> M>);

    impl<M: MessageTrait> Codec for Message<M> {
        type Value = M;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        #[inline]
        fn encode_value(value: &M, buf: &mut impl BufMut) {
            encode_varint(value.encoded_len() as u64, buf);
            value.encode_raw(buf);
        }

        #[inline]
        fn value_len(value: &M) -> usize {
            let len = value.encoded_len();
            encoded_len_varint(len as u64) + len
        }

        #[inline]
        fn merge_value(
            value: &mut M,
            buf: &mut impl Buf,
            ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let ctx = ctx.enter()?;
            let len = decode_len(buf)?;
            let limit = buf.remaining() - len;
            merge_until(value, buf, limit, ctx)
        }
    }

    /// A group-typed extension of message type `M` (start-group tag, fields, end-group
    /// tag). It is not a [`Codec`]: groups need their field number to end, so only the
    /// extension API ([`crate::ExtensionCodec`]) accepts it.
    pub struct Group<M>(PhantomData<fn() -> M>);

    /// A `string` extension whose UTF-8 protobuf does not verify (proto2, editions
    /// `utf8_validation = NONE`), as `String`. It is not a [`Codec`] (fields of such strings
    /// use the `FieldInput::unverified_*` methods): only the extension API
    /// ([`crate::ExtensionCodec`]) accepts it. A stored value that is not UTF-8 reads as
    /// absent instead of failing, and stays in the unknown fields unchanged.
    #[derive(Clone, Copy, Debug)]
    pub struct UnverifiedString;

    /// A typed enum `E`, encoded as `int32`. Decoding a number that `E` does not know keeps
    /// the previous value; fields of closed enums use [`FieldInput::closed_enum`](super::FieldInput::closed_enum)
    /// instead, which keeps such numbers as unknown fields.
    pub struct Enum<E>(PhantomData<fn() -> E>);

    impl<E: Enumeration> Codec for Enum<E> {
        type Value = E;
        const WIRE_TYPE: WireType = WireType::Varint;
        const PACKABLE: bool = true;

        #[inline]
        fn is_default(value: &E) -> bool {
            value.to_i32() == 0
        }

        #[inline]
        fn encode_value(value: &E, buf: &mut impl BufMut) {
            encode_varint(value.to_i32() as i64 as u64, buf);
        }

        #[inline]
        fn value_len(value: &E) -> usize {
            encoded_len_varint(value.to_i32() as i64 as u64)
        }

        #[inline]
        fn merge_value(
            value: &mut E,
            buf: &mut impl Buf,
            _ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let number = decode_varint(buf)? as i32;
            if let Some(known) = E::from_i32(number) {
                *value = known;
            }
            Ok(())
        }
    }
    /// An open enum `E`, stored as [`EnumValue<E>`](crate::EnumValue) and encoded as `int32`:
    /// every number is kept, known or not.
    pub struct OpenEnum<E>(PhantomData<fn() -> E>);

    impl<E: Enumeration> Codec for OpenEnum<E> {
        type Value = EnumValue<E>;
        const WIRE_TYPE: WireType = WireType::Varint;
        const PACKABLE: bool = true;

        #[inline]
        fn is_default(value: &EnumValue<E>) -> bool {
            value.to_i32() == 0
        }

        #[inline]
        fn encode_value(value: &EnumValue<E>, buf: &mut impl BufMut) {
            encode_varint(value.to_i32() as i64 as u64, buf);
        }

        #[inline]
        fn value_len(value: &EnumValue<E>) -> usize {
            encoded_len_varint(value.to_i32() as i64 as u64)
        }

        #[inline]
        fn merge_value(
            value: &mut EnumValue<E>,
            buf: &mut impl Buf,
            _ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            *value = EnumValue::from(decode_varint(buf)? as i32);
            Ok(())
        }
    }
}

/// Map fields, stored as `HashMap` or `BTreeMap`: each entry is a length-delimited message
/// with the key as field 1 and the value as field 2.
pub mod map {
    use ::bytes::{Buf, BufMut};

    use super::{
        Codec, DecodeContext, WireType, check_wire_type, decode_key, decode_len, encode_key,
        encode_varint, encoded_len_varint, key_len,
    };
    use crate::error::{DecodeError, DecodeErrorKind};
    use crate::unknown::UnknownFields;

    fn entry_len<K: Codec, V: Codec>(key: &K::Value, value: &V::Value) -> usize {
        K::encoded_len(1, key) + V::encoded_len(2, value)
    }

    /// Writes every entry of a map field `number`, in the iteration order of `entries`.
    pub fn encode<'a, K, V, I>(number: u32, entries: I, buf: &mut impl BufMut)
    where
        K: Codec,
        V: Codec,
        K::Value: 'a,
        V::Value: 'a,
        I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
    {
        for (key, value) in entries {
            encode_key(number, WireType::LengthDelimited, buf);
            encode_varint(entry_len::<K, V>(key, value) as u64, buf);
            K::encode(1, key, buf);
            V::encode(2, value, buf);
        }
    }

    /// The length `encode` writes.
    pub fn encoded_len<'a, K, V, I>(number: u32, entries: I) -> usize
    where
        K: Codec,
        V: Codec,
        K::Value: 'a,
        V::Value: 'a,
        I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
    {
        entries
            .into_iter()
            .map(|(key, value)| {
                let len = entry_len::<K, V>(key, value);
                key_len(number) + encoded_len_varint(len as u64) + len
            })
            .sum()
    }

    /// Decodes one map entry and returns its key and value (missing ones are defaults);
    /// the caller inserts them, so a later entry with the same key wins.
    pub fn merge_entry<K: Codec, V: Codec>(
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(K::Value, V::Value), DecodeError> {
        check_wire_type(WireType::LengthDelimited, wire_type)?;
        let ctx = ctx.enter()?;
        let len = decode_len(buf)?;
        let limit = buf.remaining() - len;
        let mut key = K::Value::default();
        let mut value = V::Value::default();
        let mut ignored = UnknownFields::new();
        while buf.remaining() > limit {
            let (number, wire_type) = decode_key(buf)?;
            match number {
                1 => K::merge(wire_type, &mut key, buf, ctx)?,
                2 => V::merge(wire_type, &mut value, buf, ctx)?,
                _ => ignored.merge_field(number, wire_type, buf, ctx)?,
            }
        }
        if buf.remaining() != limit {
            return Err(DecodeErrorKind::Truncated.into());
        }
        Ok((key, value))
    }

    /// Like [`merge_entry`], for a map whose `string` key or value protobuf does not verify
    /// (proto2, editions' `utf8_validation = NONE`): an entry whose key or value is not valid
    /// UTF-8 is kept whole, as it arrived, in `unknown` under field `number`, and `None` is
    /// returned.
    #[allow(clippy::type_complexity)] // The pair mirrors `merge_entry`'s.
    pub fn merge_entry_unverified<K: Codec, V: Codec>(
        number: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
        unknown: &mut UnknownFields,
    ) -> Result<Option<(K::Value, V::Value)>, DecodeError> {
        check_wire_type(WireType::LengthDelimited, wire_type)?;
        let len = decode_len(buf)?;
        let mut entry = Vec::with_capacity(encoded_len_varint(len as u64) + len);
        encode_varint(len as u64, &mut entry);
        super::append_bytes(&mut entry, buf, len);
        match merge_entry::<K, V>(WireType::LengthDelimited, &mut &entry[..], ctx) {
            Ok(pair) => Ok(Some(pair)),
            // An error without a path comes from the entry's own key or value, not from a
            // (verified) field of a message value.
            Err(error)
                if error.kind() == DecodeErrorKind::InvalidUtf8
                    && error.path().next().is_none() =>
            {
                let body = entry.split_off(entry.len() - len);
                unknown.push(number, crate::unknown::UnknownValue::LengthDelimited(body));
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }
}

/// The MessageSet wire format of messages with `option message_set_wire_format = true`:
/// every extension is an `Item` group (field 1) holding `type_id` (field 2, the extension
/// number) and `message` (field 3, the encoded extension message).
///
/// Generated code keeps each item's message in the unknown fields as an ordinary
/// length-delimited field numbered `type_id`, so the typed extension API reads and writes
/// them like any message extension; [`merge_item`] converts on decode and
/// [`encode_unknown`] / [`encoded_len_unknown`] convert back on encode.
pub mod message_set {
    use ::bytes::{Buf, BufMut};

    use super::{
        DecodeContext, MAX_FIELD_NUMBER, WireType, check_wire_type, decode_key, decode_len,
        decode_varint, encode_key, encode_varint, encoded_len_varint, key_len,
    };
    use crate::error::{DecodeError, DecodeErrorKind};
    use crate::unknown::{UnknownFields, UnknownValue};

    /// The field number of the `Item` group.
    pub const ITEM: u32 = 1;
    const TYPE_ID: u32 = 2;
    const MESSAGE: u32 = 3;

    /// Reads one `Item` group (its start tag has just been read) and stores its message in
    /// `unknown` as field `type_id`. Several `message` fields in one item are concatenated
    /// (they merge); an item without `type_id` or with one out of range is dropped.
    pub fn merge_item(
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        check_wire_type(WireType::StartGroup, wire_type)?;
        let ctx = ctx.enter()?;
        let mut type_id: Option<u64> = None;
        let mut message: Vec<u8> = Vec::new();
        let mut ignored = UnknownFields::new();
        loop {
            if !buf.has_remaining() {
                return Err(DecodeErrorKind::UnterminatedGroup(ITEM).into());
            }
            let (number, wire_type) = decode_key(buf)?;
            match (number, wire_type) {
                (ITEM, WireType::EndGroup) => break,
                (other, WireType::EndGroup) => {
                    return Err(DecodeErrorKind::EndGroupMismatch {
                        expected: ITEM,
                        actual: other,
                    }
                    .into());
                }
                (TYPE_ID, WireType::Varint) => type_id = Some(decode_varint(buf)?),
                (MESSAGE, WireType::LengthDelimited) => {
                    let len = decode_len(buf)?;
                    super::append_bytes(&mut message, buf, len);
                }
                (number, wire_type) => ignored.merge_field(number, wire_type, buf, ctx)?,
            }
        }
        if let Some(type_id) = type_id.filter(|&id| id >= 1 && id <= u64::from(MAX_FIELD_NUMBER)) {
            unknown.push(type_id as u32, UnknownValue::LengthDelimited(message));
        }
        Ok(())
    }

    /// Writes the unknown fields of a MessageSet: length-delimited fields as `Item` groups,
    /// anything else as it is.
    pub fn encode_unknown(unknown: &UnknownFields, buf: &mut impl BufMut) {
        for field in unknown.iter() {
            match &field.value {
                UnknownValue::LengthDelimited(bytes) => {
                    encode_key(ITEM, WireType::StartGroup, buf);
                    encode_key(TYPE_ID, WireType::Varint, buf);
                    encode_varint(u64::from(field.number), buf);
                    encode_key(MESSAGE, WireType::LengthDelimited, buf);
                    encode_varint(bytes.len() as u64, buf);
                    buf.put_slice(bytes);
                    encode_key(ITEM, WireType::EndGroup, buf);
                }
                UnknownValue::Varint(v) => {
                    encode_key(field.number, WireType::Varint, buf);
                    encode_varint(*v, buf);
                }
                UnknownValue::Fixed64(v) => {
                    encode_key(field.number, WireType::Fixed64, buf);
                    buf.put_u64_le(*v);
                }
                UnknownValue::Fixed32(v) => {
                    encode_key(field.number, WireType::Fixed32, buf);
                    buf.put_u32_le(*v);
                }
                UnknownValue::Group(fields) => {
                    encode_key(field.number, WireType::StartGroup, buf);
                    fields.encode_raw(buf);
                    encode_key(field.number, WireType::EndGroup, buf);
                }
            }
        }
    }

    /// The length [`encode_unknown`] writes.
    pub fn encoded_len_unknown(unknown: &UnknownFields) -> usize {
        unknown
            .iter()
            .map(|field| match &field.value {
                UnknownValue::LengthDelimited(bytes) => {
                    2 * key_len(ITEM)
                        + key_len(TYPE_ID)
                        + encoded_len_varint(u64::from(field.number))
                        + key_len(MESSAGE)
                        + encoded_len_varint(bytes.len() as u64)
                        + bytes.len()
                }
                UnknownValue::Varint(v) => key_len(field.number) + encoded_len_varint(*v),
                UnknownValue::Fixed64(_) => key_len(field.number) + 8,
                UnknownValue::Fixed32(_) => key_len(field.number) + 4,
                UnknownValue::Group(fields) => 2 * key_len(field.number) + fields.encoded_len(),
            })
            .sum()
    }
}
