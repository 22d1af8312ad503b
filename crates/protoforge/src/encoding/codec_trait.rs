//! The [`Codec`] trait: how one field type is encoded, and the field-level operations built
//! on that for each presence and repetition.

use ::bytes::{Buf, BufMut};

use super::{
    DecodeContext, WireType, check_wire_type, decode_len, encode_key, encode_varint,
    encoded_len_varint, key_len,
};
#[cfg(doc)]
use super::{FieldInput, Visitor};
use crate::error::{DecodeError, DecodeErrorKind};

/// The encoding of one field type, as a zero-sized type. The provided methods are the
/// field-level operations [`Visitor`] and [`FieldInput`] run for each presence and
/// repetition.
pub trait Codec {
    /// The Rust type a field of this type is stored as.
    type Value: Default + core::fmt::Debug;
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
