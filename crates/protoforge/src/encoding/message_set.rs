//! The MessageSet wire format of messages with `option message_set_wire_format = true`:
//! every extension is an `Item` group (field 1) holding `type_id` (field 2, the extension
//! number) and `message` (field 3, the encoded extension message).
//!
//! Generated code keeps each item's message in the unknown fields as an ordinary
//! length-delimited field numbered `type_id`, so the typed extension API reads and writes
//! them like any message extension; [`merge_item`] converts on decode and
//! [`encode_unknown`] / [`encoded_len_unknown`] convert back on encode.

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
