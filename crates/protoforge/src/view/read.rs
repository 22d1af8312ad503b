//! How a view reads one field: the [`ViewCodec`] trait and the per-record checks and
//! readers generated view code calls.

use super::{MessageView, Record, Records};
use crate::encoding::{DecodeContext, WireType, check_wire_type, decode_varint};
use crate::error::{DecodeError, DecodeErrorKind};

/// How a view reads one value type: a zero-sized marker per protobuf type (see [`codec`](super::codec)).
pub trait ViewCodec<'a> {
    /// The value as the view gives it.
    type Value;
    /// The wire type of one unpacked value.
    const WIRE_TYPE: WireType;
    /// Whether repeated fields of this type may arrive packed.
    const PACKABLE: bool = false;
    /// Whether this is a `string` whose UTF-8 protobuf does not verify.
    const UNVERIFIED_STRING: bool = false;

    /// Checks the value of one record of [`WIRE_TYPE`](ViewCodec::WIRE_TYPE).
    fn check_value(record: &Record<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
        let _ = (record, ctx);
        Ok(())
    }

    /// Reads the value of a checked record; `None` when it holds no value of the field (a
    /// number a closed enum does not know, an unverified `string` that is not UTF-8).
    fn read(record: &Record<'a>) -> Option<Self::Value>;

    /// Checks the body of a packed record.
    fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
        let _ = body;
        Ok(())
    }

    /// Reads one value from the front of a checked packed body (`None`: skip it).
    fn read_packed(body: &mut &'a [u8]) -> Option<Self::Value> {
        *body = &[];
        None
    }

    /// The value of a map entry that lacks it (`None`: the entry holds no value of the map).
    fn absent() -> Option<Self::Value>;

    /// The value merged from several occurrences in one map entry (messages only).
    fn merged(records: Records<'a>) -> Option<Self::Value> {
        let _ = records;
        None
    }
}

/// Checks one record of a field read with codec `C`: its wire type (packed input accepted
/// for `repeated` packable fields) and its value.
#[inline]
pub fn check<'a, C: ViewCodec<'a>>(
    record: &Record<'a>,
    repeated: bool,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    if repeated && C::PACKABLE && record.wire_type == WireType::LengthDelimited {
        return C::check_packed(record.value);
    }
    check_wire_type(C::WIRE_TYPE, record.wire_type)?;
    C::check_value(record, ctx)
}

/// Checks one occurrence of a message (or group) field and reads its view: the wire type,
/// then the body one level deeper.
#[inline]
pub fn message<'a, V: MessageView<'a>>(
    record: &Record<'a>,
    group: bool,
    ctx: DecodeContext,
) -> Result<V, DecodeError> {
    let expected = if group {
        WireType::StartGroup
    } else {
        WireType::LengthDelimited
    };
    check_wire_type(expected, record.wire_type)?;
    V::parse(Records::new(record.value), ctx.enter()?)
}

/// Checks one occurrence of a message (or group) field without reading its view.
#[inline]
pub fn check_message<'a, V: MessageView<'a>>(
    record: &Record<'a>,
    group: bool,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    let expected = if group {
        WireType::StartGroup
    } else {
        WireType::LengthDelimited
    };
    check_wire_type(expected, record.wire_type)?;
    V::check(&Records::new(record.value), ctx.enter()?)
}

/// Checks one occurrence of a `string` extension field whose UTF-8 protobuf verifies: a
/// length-delimited value must be UTF-8 (other wire types are kept like any unknown field).
pub fn check_verified_extension(record: &Record<'_>) -> Result<(), DecodeError> {
    if record.wire_type == WireType::LengthDelimited && core::str::from_utf8(record.value).is_err()
    {
        return Err(DecodeErrorKind::InvalidUtf8.into());
    }
    Ok(())
}

/// Reads the varint of a checked record value.
#[inline]
pub(super) fn varint(mut bytes: &[u8]) -> u64 {
    decode_varint(&mut bytes).unwrap_or_default()
}

/// Checks every varint of a packed body.
pub(super) fn check_packed_varints(mut body: &[u8]) -> Result<(), DecodeError> {
    while !body.is_empty() {
        decode_varint(&mut body)?;
    }
    Ok(())
}

/// Reads a varint from the front of a checked packed body.
#[inline]
pub(super) fn packed_varint(body: &mut &[u8]) -> Option<u64> {
    match decode_varint(body) {
        Ok(value) => Some(value),
        Err(_) => {
            *body = &[];
            None
        }
    }
}
