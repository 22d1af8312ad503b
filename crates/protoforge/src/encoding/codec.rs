//! The zero-sized codecs, one per field type.

use core::marker::PhantomData;

use ::bytes::{Buf, BufMut};

use super::{
    Codec, DecodeContext, WireType, decode_len, decode_varint, encode_varint, encoded_len_varint,
    merge_until,
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

/// `string` as [`BytesStr`](crate::BytesStr): no copy when decoding from a `Bytes` buffer;
/// the text is checked to be UTF-8 as [`String`]'s is.
#[derive(Clone, Copy, Debug)]
pub struct StringShared;

impl Codec for StringShared {
    type Value = crate::BytesStr;
    const WIRE_TYPE: WireType = WireType::LengthDelimited;

    #[inline]
    fn is_default(value: &crate::BytesStr) -> bool {
        value.is_empty()
    }

    #[inline]
    fn encode_value(value: &crate::BytesStr, buf: &mut impl BufMut) {
        encode_varint(value.len() as u64, buf);
        buf.put_slice(value.as_bytes());
    }

    #[inline]
    fn value_len(value: &crate::BytesStr) -> usize {
        encoded_len_varint(value.len() as u64) + value.len()
    }

    #[inline]
    fn merge_value(
        value: &mut crate::BytesStr,
        buf: &mut impl Buf,
        _ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        let len = decode_len(buf)?;
        *value = crate::BytesStr::from_utf8(buf.copy_to_bytes(len))
            .map_err(|_| DecodeError::new(DecodeErrorKind::InvalidUtf8))?;
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
