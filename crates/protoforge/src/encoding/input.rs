//! One field read off the wire, and the ways generated code merges it into a message.
//!
//! The decode loop reads a tag and hands [`Message::merge_field`] a [`FieldInput`]: the
//! field's number and wire type, the buffer positioned at its value, and the decode context.
//! The generated `merge_field` matches on [`FieldInput::number`] and calls the one method
//! that fits the field's storage; each method consumes the input, so a field is read once.

use ::bytes::Buf;

use super::{
    Codec, DecodeContext, WireType, append_bytes, check_wire_type, codec, decode_len,
    decode_varint, map, merge_group_body, message_set,
};
use crate::enumeration::Enumeration;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::message::Message;
use crate::unknown::{UnknownFields, UnknownValue};

/// A field whose tag has just been read (see the module docs).
pub struct FieldInput<'a, B> {
    number: u32,
    wire_type: WireType,
    buf: &'a mut B,
    ctx: DecodeContext,
}

impl<'a, B: Buf> FieldInput<'a, B> {
    /// Field `number` with `wire_type`, its value next in `buf`.
    #[inline]
    pub fn new(number: u32, wire_type: WireType, buf: &'a mut B, ctx: DecodeContext) -> Self {
        FieldInput {
            number,
            wire_type,
            buf,
            ctx,
        }
    }

    /// The field number.
    #[inline]
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The wire type the tag announced.
    #[inline]
    pub fn wire_type(&self) -> WireType {
        self.wire_type
    }

    /// Merges into a singular field stored as the value itself: scalars and enums are
    /// replaced, a message is merged into.
    #[inline]
    pub fn merge<C: Codec>(self, value: &mut C::Value) -> Result<(), DecodeError> {
        C::merge(self.wire_type, value, self.buf, self.ctx)
    }

    /// Merges into an explicit-presence field, setting it.
    #[inline]
    pub fn merge_optional<C: Codec>(self, value: &mut Option<C::Value>) -> Result<(), DecodeError> {
        C::merge(
            self.wire_type,
            value.get_or_insert_default(),
            self.buf,
            self.ctx,
        )
    }

    /// Appends to a repeated field (packed and unpacked input alike for numeric types).
    #[inline]
    pub fn merge_repeated<C: Codec>(self, values: &mut Vec<C::Value>) -> Result<(), DecodeError> {
        C::merge_repeated(self.wire_type, values, self.buf, self.ctx)
    }

    /// Merges into a sub-message (a repeated occurrence of a singular message field merges
    /// into the same message).
    #[inline]
    pub fn message<M: Message>(self, msg: &mut M) -> Result<(), DecodeError> {
        codec::Message::<M>::merge(self.wire_type, msg, self.buf, self.ctx)
    }

    /// Merges into a sub-message field, setting it.
    #[inline]
    pub fn optional_message<M: Message>(self, msg: &mut Option<M>) -> Result<(), DecodeError> {
        self.message(msg.get_or_insert_default())
    }

    /// Merges into a boxed sub-message field (a recursive type), setting it.
    #[inline]
    pub fn boxed_message<M: Message>(self, msg: &mut Option<Box<M>>) -> Result<(), DecodeError> {
        self.message(&mut **msg.get_or_insert_default())
    }

    /// Appends to a repeated sub-message field.
    #[inline]
    pub fn messages<M: Message>(self, msgs: &mut Vec<M>) -> Result<(), DecodeError> {
        codec::Message::<M>::merge_repeated(self.wire_type, msgs, self.buf, self.ctx)
    }

    /// Merges into a group (delimited) sub-message: its fields up to the end-group tag
    /// with the same number.
    #[inline]
    pub fn group<M: Message>(self, msg: &mut M) -> Result<(), DecodeError> {
        check_wire_type(WireType::StartGroup, self.wire_type)?;
        merge_group_body(self.number, msg, self.buf, self.ctx.enter()?)
    }

    /// Merges into a group field, setting it.
    #[inline]
    pub fn optional_group<M: Message>(self, msg: &mut Option<M>) -> Result<(), DecodeError> {
        self.group(msg.get_or_insert_default())
    }

    /// Merges into a boxed group field, setting it.
    #[inline]
    pub fn boxed_group<M: Message>(self, msg: &mut Option<Box<M>>) -> Result<(), DecodeError> {
        self.group(&mut **msg.get_or_insert_default())
    }

    /// Appends to a repeated group field.
    #[inline]
    pub fn groups<M: Message>(self, msgs: &mut Vec<M>) -> Result<(), DecodeError> {
        let mut msg = M::default();
        self.group(&mut msg)?;
        msgs.push(msg);
        Ok(())
    }

    /// Reads a closed-enum field: a number `E` knows is stored, another one is kept in
    /// `unknown` as a varint field.
    #[inline]
    pub fn closed_enum<E: Enumeration>(
        self,
        value: &mut Option<E>,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        check_wire_type(WireType::Varint, self.wire_type)?;
        let raw = decode_varint(self.buf)?;
        match E::from_i32(raw as i32) {
            Some(known) => *value = Some(known),
            None => unknown.push(self.number, UnknownValue::Varint(raw)),
        }
        Ok(())
    }

    /// Appends to a repeated closed-enum field (packed or not); numbers `E` does not know go
    /// to `unknown`.
    #[inline]
    pub fn closed_enums<E: Enumeration>(
        self,
        values: &mut Vec<E>,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        let number = self.number;
        let mut one = |raw: u64| match E::from_i32(raw as i32) {
            Some(known) => values.push(known),
            None => unknown.push(number, UnknownValue::Varint(raw)),
        };
        if self.wire_type == WireType::LengthDelimited {
            let len = decode_len(self.buf)?;
            let limit = self.buf.remaining() - len;
            while self.buf.remaining() > limit {
                one(decode_varint(self.buf)?);
            }
            if self.buf.remaining() != limit {
                return Err(DecodeErrorKind::Truncated.into());
            }
            return Ok(());
        }
        check_wire_type(WireType::Varint, self.wire_type)?;
        one(decode_varint(self.buf)?);
        Ok(())
    }

    /// Reads a `string` whose UTF-8 protobuf does not verify (proto2, editions'
    /// `utf8_validation = NONE`): text that is not UTF-8 is kept, exactly as it arrived, in
    /// `unknown` (so it is re-encoded unchanged, after the known fields) and leaves the field
    /// unset. Decoding never fails for such a value.
    #[inline]
    pub fn unverified_string(
        self,
        value: &mut Option<String>,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        *value = self.unverified_text(unknown)?;
        Ok(())
    }

    /// Like [`unverified_string`](Self::unverified_string), for an implicit-presence field,
    /// which text that is not UTF-8 leaves empty.
    #[inline]
    pub fn unverified_implicit_string(
        self,
        value: &mut String,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        *value = self.unverified_text(unknown)?.unwrap_or_default();
        Ok(())
    }

    /// Appends to a repeated unverified `string` field; text that is not UTF-8 goes to
    /// `unknown` instead.
    #[inline]
    pub fn unverified_strings(
        self,
        values: &mut Vec<String>,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        check_wire_type(WireType::LengthDelimited, self.wire_type)?;
        match String::from_utf8(read_raw(self.buf)?) {
            Ok(text) => values.push(text),
            Err(error) => unknown.push(
                self.number,
                UnknownValue::LengthDelimited(error.into_bytes()),
            ),
        }
        Ok(())
    }

    /// Reads one map entry into `map` (a later entry with the same key wins).
    #[inline]
    pub fn map<K: Codec, V: Codec>(
        self,
        map: &mut impl Extend<(K::Value, V::Value)>,
    ) -> Result<(), DecodeError> {
        let entry = map::merge_entry::<K, V>(self.wire_type, self.buf, self.ctx)?;
        map.extend([entry]);
        Ok(())
    }

    /// Reads one entry of a map whose `string` key or value protobuf does not verify: an
    /// entry that is not valid UTF-8 is kept whole in `unknown`.
    #[inline]
    pub fn unverified_map<K: Codec, V: Codec>(
        self,
        map: &mut impl Extend<(K::Value, V::Value)>,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        let entry = map::merge_entry_unverified::<K, V>(
            self.number,
            self.wire_type,
            self.buf,
            self.ctx,
            unknown,
        )?;
        map.extend(entry);
        Ok(())
    }

    /// Reads one entry of a map whose values are a closed enum `E`. An entry whose value `E`
    /// does not know is kept, whole, in `unknown`, as protobuf requires; so is one that is
    /// not valid UTF-8 when `verify_utf8` is false. An absent value reads as 0, which protoc
    /// requires to be the first value of an enum used as a map value.
    pub fn closed_enum_map<K: Codec, E: Enumeration>(
        self,
        map: &mut impl Extend<(K::Value, E)>,
        unknown: &mut UnknownFields,
        verify_utf8: bool,
    ) -> Result<(), DecodeError> {
        let number = self.number;
        let entry = if verify_utf8 {
            Some(map::merge_entry::<K, codec::Int32>(
                self.wire_type,
                self.buf,
                self.ctx,
            )?)
        } else {
            map::merge_entry_unverified::<K, codec::Int32>(
                number,
                self.wire_type,
                self.buf,
                self.ctx,
                unknown,
            )?
        };
        let Some((key, value)) = entry else {
            return Ok(());
        };
        match E::from_i32(value) {
            Some(known) => map.extend([(key, known)]),
            None => {
                let mut entry = Vec::new();
                K::encode(1, &key, &mut entry);
                codec::Int32::encode(2, &value, &mut entry);
                unknown.push(number, UnknownValue::LengthDelimited(entry));
            }
        }
        Ok(())
    }

    /// Reads a oneof member stored as the value itself (scalars, open enums) and makes it the
    /// set member.
    #[inline]
    pub fn oneof<C: Codec, O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(C::Value) -> O,
    ) -> Result<(), DecodeError> {
        let mut value = C::Value::default();
        C::merge(self.wire_type, &mut value, self.buf, self.ctx)?;
        *oneof = Some(member(value));
        Ok(())
    }

    /// Reads a sub-message oneof member that is not the set member yet (when it is, generated
    /// code merges into it with [`message`](Self::message)).
    #[inline]
    pub fn oneof_message<M: Message, O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(M) -> O,
    ) -> Result<(), DecodeError> {
        let mut msg = M::default();
        self.message(&mut msg)?;
        *oneof = Some(member(msg));
        Ok(())
    }

    /// Like [`oneof_message`](Self::oneof_message), for a boxed member.
    #[inline]
    pub fn oneof_boxed_message<M: Message, O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(Box<M>) -> O,
    ) -> Result<(), DecodeError> {
        let mut msg = Box::<M>::default();
        self.message(&mut *msg)?;
        *oneof = Some(member(msg));
        Ok(())
    }

    /// Like [`oneof_message`](Self::oneof_message), for a group member.
    #[inline]
    pub fn oneof_group<M: Message, O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(M) -> O,
    ) -> Result<(), DecodeError> {
        let mut msg = M::default();
        self.group(&mut msg)?;
        *oneof = Some(member(msg));
        Ok(())
    }

    /// Like [`oneof_group`](Self::oneof_group), for a boxed member.
    #[inline]
    pub fn oneof_boxed_group<M: Message, O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(Box<M>) -> O,
    ) -> Result<(), DecodeError> {
        let mut msg = Box::<M>::default();
        self.group(&mut *msg)?;
        *oneof = Some(member(msg));
        Ok(())
    }

    /// Reads a closed-enum oneof member: a number `E` knows becomes the set member, another
    /// one is kept in `unknown` and leaves the oneof as it was.
    #[inline]
    pub fn oneof_closed_enum<E: Enumeration, O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(E) -> O,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        let mut value = None;
        self.closed_enum(&mut value, unknown)?;
        if let Some(value) = value {
            *oneof = Some(member(value));
        }
        Ok(())
    }

    /// Reads an unverified `string` oneof member: valid text becomes the set member; text
    /// that is not UTF-8 is kept in `unknown` and unsets the oneof if this member was set
    /// (`is_member` says whether a member is this one).
    pub fn oneof_unverified_string<O>(
        self,
        oneof: &mut Option<O>,
        member: impl FnOnce(String) -> O,
        is_member: impl FnOnce(&O) -> bool,
        unknown: &mut UnknownFields,
    ) -> Result<(), DecodeError> {
        match self.unverified_text(unknown)? {
            Some(text) => *oneof = Some(member(text)),
            None => {
                if oneof.as_ref().is_some_and(is_member) {
                    *oneof = None;
                }
            }
        }
        Ok(())
    }

    /// Reads a `string` extension of the message whose UTF-8 protobuf verifies (proto3,
    /// editions' `utf8_validation = VERIFY`) into `unknown`, where the message keeps its
    /// extensions: a value that is not valid UTF-8 is [`DecodeErrorKind::InvalidUtf8`], as
    /// for a `string` field. An occurrence of another wire type is kept like any unknown
    /// field.
    pub fn verified_string_extension(self, unknown: &mut UnknownFields) -> Result<(), DecodeError> {
        if self.wire_type != WireType::LengthDelimited {
            return self.unknown(unknown);
        }
        let bytes = read_raw(self.buf)?;
        if core::str::from_utf8(&bytes).is_err() {
            return Err(DecodeErrorKind::InvalidUtf8.into());
        }
        unknown.push(self.number, UnknownValue::LengthDelimited(bytes));
        Ok(())
    }

    /// Keeps a field the message does not know (or an extension) in `unknown`.
    #[inline]
    pub fn unknown(self, unknown: &mut UnknownFields) -> Result<(), DecodeError> {
        unknown.merge_field(self.number, self.wire_type, self.buf, self.ctx)
    }

    /// Reads a field the message does not know and drops it (messages generated without
    /// unknown fields).
    #[inline]
    pub fn skip(self) -> Result<(), DecodeError> {
        self.unknown(&mut UnknownFields::new())
    }

    /// Keeps a field of a MessageSet in `unknown`: an `Item` group becomes the extension it
    /// carries (see [`message_set`](super::message_set)), anything else an unknown field.
    #[inline]
    pub fn message_set(self, unknown: &mut UnknownFields) -> Result<(), DecodeError> {
        if self.number == message_set::ITEM && self.wire_type == WireType::StartGroup {
            message_set::merge_item(self.wire_type, self.buf, self.ctx, unknown)
        } else {
            self.unknown(unknown)
        }
    }

    /// The text of an unverified singular `string` occurrence: `Some` if it is valid UTF-8
    /// (earlier raw occurrences of the field in `unknown` are then dropped, since the last
    /// occurrence wins), otherwise `None` after replacing earlier raw occurrences in `unknown`
    /// with this one.
    fn unverified_text(self, unknown: &mut UnknownFields) -> Result<Option<String>, DecodeError> {
        check_wire_type(WireType::LengthDelimited, self.wire_type)?;
        let bytes = read_raw(self.buf)?;
        if !unknown.is_empty() {
            unknown.remove(self.number);
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(text)),
            Err(error) => {
                unknown.push(
                    self.number,
                    UnknownValue::LengthDelimited(error.into_bytes()),
                );
                Ok(None)
            }
        }
    }
}

/// Reads a length prefix and the bytes it announces.
#[inline]
fn read_raw(buf: &mut impl Buf) -> Result<Vec<u8>, DecodeError> {
    let len = decode_len(buf)?;
    let mut bytes = Vec::new();
    append_bytes(&mut bytes, buf, len);
    Ok(bytes)
}
