//! The zero-sized codecs views read values with, one per protobuf type.

use core::marker::PhantomData;

use super::{
    MessageView, Record, Records, UNLIMITED, ViewCodec, check_packed_varints, packed_varint, varint,
};
use crate::encoding::{DecodeContext, WireType};
use crate::enumeration::{EnumValue, Enumeration};
use crate::error::{DecodeError, DecodeErrorKind};

macro_rules! varint_codec {
    ($(#[$doc:meta])* $name:ident, $ty:ty, |$u:ident| $decode:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl<'a> ViewCodec<'a> for $name {
            type Value = $ty;
            const WIRE_TYPE: WireType = WireType::Varint;
            const PACKABLE: bool = true;

            #[inline]
            fn read(record: &Record<'a>) -> Option<$ty> {
                let $u = varint(record.value);
                Some($decode)
            }

            fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
                check_packed_varints(body)
            }

            #[inline]
            fn read_packed(body: &mut &'a [u8]) -> Option<$ty> {
                let $u = packed_varint(body)?;
                Some($decode)
            }

            fn absent() -> Option<$ty> {
                Some(<$ty>::default())
            }
        }
    };
}

varint_codec!(
    /// `int32`.
    Int32, i32, |u| u as i32
);
varint_codec!(
    /// `int64`.
    Int64, i64, |u| u as i64
);
varint_codec!(
    /// `uint32`.
    UInt32, u32, |u| u as u32
);
varint_codec!(
    /// `uint64`.
    UInt64, u64, |u| u
);
varint_codec!(
    /// `sint32` (zigzag).
    SInt32, i32, |u| ((u as u32 >> 1) as i32) ^ -((u as u32 & 1) as i32)
);
varint_codec!(
    /// `sint64` (zigzag).
    SInt64, i64, |u| ((u >> 1) as i64) ^ -((u & 1) as i64)
);
varint_codec!(
    /// `bool`: any non-zero varint is `true`.
    Bool, bool, |u| u != 0
);

macro_rules! fixed_codec {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $wire:ident, $len:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl<'a> ViewCodec<'a> for $name {
            type Value = $ty;
            const WIRE_TYPE: WireType = WireType::$wire;
            const PACKABLE: bool = true;

            #[inline]
            fn read(record: &Record<'a>) -> Option<$ty> {
                let bytes: [u8; $len] = record.value.try_into().ok()?;
                Some(<$ty>::from_le_bytes(bytes))
            }

            fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
                if !body.len().is_multiple_of($len) {
                    return Err(DecodeErrorKind::InvalidPackedLength.into());
                }
                Ok(())
            }

            #[inline]
            fn read_packed(body: &mut &'a [u8]) -> Option<$ty> {
                let Some((value, rest)) = body.split_first_chunk::<$len>() else {
                    *body = &[];
                    return None;
                };
                *body = rest;
                Some(<$ty>::from_le_bytes(*value))
            }

            fn absent() -> Option<$ty> {
                Some(<$ty>::default())
            }
        }
    };
}

fixed_codec!(
    /// `fixed32`.
    Fixed32, u32, Fixed32, 4
);
fixed_codec!(
    /// `fixed64`.
    Fixed64, u64, Fixed64, 8
);
fixed_codec!(
    /// `sfixed32`.
    SFixed32, i32, Fixed32, 4
);
fixed_codec!(
    /// `sfixed64`.
    SFixed64, i64, Fixed64, 8
);
fixed_codec!(
    /// `float`.
    Float, f32, Fixed32, 4
);
fixed_codec!(
    /// `double`.
    Double, f64, Fixed64, 8
);

/// An open enum `E`: every number is a value, [`EnumValue::Unknown`] for those `E` does
/// not know (as in the owned message).
pub struct OpenEnum<E>(PhantomData<fn() -> E>);

impl<'a, E: Enumeration> ViewCodec<'a> for OpenEnum<E> {
    type Value = EnumValue<E>;
    const WIRE_TYPE: WireType = WireType::Varint;
    const PACKABLE: bool = true;

    #[inline]
    fn read(record: &Record<'a>) -> Option<EnumValue<E>> {
        Some(EnumValue::from(varint(record.value) as i32))
    }

    fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
        check_packed_varints(body)
    }

    #[inline]
    fn read_packed(body: &mut &'a [u8]) -> Option<EnumValue<E>> {
        Some(EnumValue::from(packed_varint(body)? as i32))
    }

    fn absent() -> Option<EnumValue<E>> {
        Some(EnumValue::default())
    }
}

/// A closed enum `E`: numbers `E` does not know are no value of the field (the owned
/// message keeps them in its unknown fields).
pub struct ClosedEnum<E>(PhantomData<fn() -> E>);

impl<'a, E: Enumeration> ViewCodec<'a> for ClosedEnum<E> {
    type Value = E;
    const WIRE_TYPE: WireType = WireType::Varint;
    const PACKABLE: bool = true;

    #[inline]
    fn read(record: &Record<'a>) -> Option<E> {
        E::from_i32(varint(record.value) as i32)
    }

    fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
        check_packed_varints(body)
    }

    fn read_packed(body: &mut &'a [u8]) -> Option<E> {
        E::from_i32(packed_varint(body)? as i32)
    }

    fn absent() -> Option<E> {
        E::from_i32(0)
    }
}

/// `string` whose UTF-8 protobuf verifies, as `&str`: a value that is not UTF-8 is a
/// decode error.
#[derive(Clone, Copy, Debug)]
pub struct Str;

impl<'a> ViewCodec<'a> for Str {
    type Value = &'a str;
    const WIRE_TYPE: WireType = WireType::LengthDelimited;

    fn check_value(record: &Record<'a>, _ctx: DecodeContext) -> Result<(), DecodeError> {
        core::str::from_utf8(record.value)
            .map(drop)
            .map_err(|_| DecodeErrorKind::InvalidUtf8.into())
    }

    #[inline]
    fn read(record: &Record<'a>) -> Option<&'a str> {
        core::str::from_utf8(record.value).ok()
    }

    fn absent() -> Option<&'a str> {
        Some("")
    }
}

/// `string` whose UTF-8 protobuf does not verify (proto2, editions
/// `utf8_validation = NONE`), as `&str`: a value that is not UTF-8 is no value of the
/// field (the owned message keeps it in its unknown fields), not an error.
#[derive(Clone, Copy, Debug)]
pub struct UnverifiedStr;

impl<'a> ViewCodec<'a> for UnverifiedStr {
    type Value = &'a str;
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    const UNVERIFIED_STRING: bool = true;

    #[inline]
    fn read(record: &Record<'a>) -> Option<&'a str> {
        core::str::from_utf8(record.value).ok()
    }

    fn absent() -> Option<&'a str> {
        Some("")
    }
}

/// `bytes` (and `string`s stored as bytes), as `&[u8]`.
#[derive(Clone, Copy, Debug)]
pub struct Bytes;

impl<'a> ViewCodec<'a> for Bytes {
    type Value = &'a [u8];
    const WIRE_TYPE: WireType = WireType::LengthDelimited;

    #[inline]
    fn read(record: &Record<'a>) -> Option<&'a [u8]> {
        Some(record.value)
    }

    fn absent() -> Option<&'a [u8]> {
        Some(&[])
    }
}

/// A length-delimited sub-message read as `V`.
pub struct Message<V>(PhantomData<fn() -> V>);

impl<'a, V: MessageView<'a>> ViewCodec<'a> for Message<V> {
    type Value = V;
    const WIRE_TYPE: WireType = WireType::LengthDelimited;

    fn check_value(record: &Record<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
        V::check(&Records::new(record.value), ctx.enter()?)
    }

    fn read(record: &Record<'a>) -> Option<V> {
        V::parse_checked(Records::new(record.value))
    }

    fn absent() -> Option<V> {
        V::parse(Records::new(&[]), UNLIMITED).ok()
    }

    fn merged(records: Records<'a>) -> Option<V> {
        V::parse_checked(records)
    }
}

/// A group (delimited sub-message) read as `V`.
pub struct Group<V>(PhantomData<fn() -> V>);

impl<'a, V: MessageView<'a>> ViewCodec<'a> for Group<V> {
    type Value = V;
    const WIRE_TYPE: WireType = WireType::StartGroup;

    fn check_value(record: &Record<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
        V::check(&Records::new(record.value), ctx.enter()?)
    }

    fn read(record: &Record<'a>) -> Option<V> {
        V::parse_checked(Records::new(record.value))
    }

    fn absent() -> Option<V> {
        V::parse(Records::new(&[]), UNLIMITED).ok()
    }

    fn merged(records: Records<'a>) -> Option<V> {
        V::parse_checked(records)
    }
}
