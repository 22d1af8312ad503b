//! The decode loop: reads field keys and hands each field to the message's `merge_field`,
//! for a length-delimited body or a group.

use ::bytes::Buf;

use super::{DecodeContext, FieldInput, WireType, decode_key};
use crate::error::{DecodeError, DecodeErrorKind, push_field_name};
use crate::message::Message;

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
