//! One walk over a message's fields for both encoding passes.
//!
//! A generated message writes [`Message::visit_fields`] once: one [`Visitor`] call per
//! field, in field-number order, then the unknown fields. The two visitors here turn that
//! walk into the two passes of an encode: [`Sizer`] adds up the lengths and records every
//! sub-message's length in the [`SizeCache`]; [`Encoder`] writes the bytes, reading those
//! lengths back in the same order.

use ::bytes::BufMut;

use super::{
    Codec, SizeCache, WireType, encode_key, encode_varint, encoded_len_varint, key_len, map,
    message_set,
};
use crate::message::Message;
use crate::unknown::UnknownFields;

/// What a message's fields are shown to, one call per field (see the module docs).
///
/// The methods say how the field is stored: `implicit` skips the type's default value,
/// `optional` an unset `Option`, `value` always writes (a set oneof member), `repeated`
/// writes one record per element and `packed` one record for all of them. Messages and
/// groups have their own methods because their lengths go through the [`SizeCache`].
pub trait Visitor {
    /// An implicit-presence field: written unless `value` is the default.
    fn implicit<C: Codec>(&mut self, number: u32, value: &C::Value);
    /// An explicit-presence field: written if set.
    fn optional<C: Codec>(&mut self, number: u32, value: &Option<C::Value>);
    /// A field that is written whatever its value (a set oneof member).
    fn value<C: Codec>(&mut self, number: u32, value: &C::Value);
    /// A repeated field, one record per element.
    fn repeated<C: Codec>(&mut self, number: u32, values: &[C::Value]);
    /// A packed repeated field: one record holding every element (none when empty).
    fn packed<C: Codec>(&mut self, number: u32, values: &[C::Value]);
    /// A length-delimited sub-message.
    fn message<M: Message>(&mut self, number: u32, msg: &M);
    /// A sub-message written as a group (delimited encoding).
    fn group<M: Message>(&mut self, number: u32, msg: &M);
    /// A map field: one entry record per `(key, value)`, in the iteration order of `entries`.
    fn map<'a, K, V, I>(&mut self, number: u32, entries: I)
    where
        K: Codec,
        V: Codec,
        K::Value: 'a,
        V::Value: 'a,
        I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>;
    /// The unknown fields and extensions, written as they were read.
    fn unknown(&mut self, fields: &UnknownFields);
    /// The extensions of a MessageSet, written as `Item` groups (see
    /// [`message_set`](super::message_set)).
    fn message_set(&mut self, fields: &UnknownFields);

    /// A sub-message field, if set.
    #[inline]
    fn optional_message<M: Message>(&mut self, number: u32, msg: Option<&M>) {
        if let Some(msg) = msg {
            self.message(number, msg);
        }
    }

    /// A repeated sub-message field.
    #[inline]
    fn messages<M: Message>(&mut self, number: u32, msgs: &[M]) {
        for msg in msgs {
            self.message(number, msg);
        }
    }

    /// A group field, if set.
    #[inline]
    fn optional_group<M: Message>(&mut self, number: u32, msg: Option<&M>) {
        if let Some(msg) = msg {
            self.group(number, msg);
        }
    }

    /// A repeated group field.
    #[inline]
    fn groups<M: Message>(&mut self, number: u32, msgs: &[M]) {
        for msg in msgs {
            self.group(number, msg);
        }
    }
}

/// The writing pass: every field goes to the buffer, sub-message lengths come from the
/// [`SizeCache`] the [`Sizer`] pass filled.
pub struct Encoder<'a, B> {
    buf: &'a mut B,
    sizes: &'a mut SizeCache,
}

impl<'a, B: BufMut> Encoder<'a, B> {
    /// Writes to `buf`, with the lengths recorded in `sizes`.
    #[inline]
    pub fn new(buf: &'a mut B, sizes: &'a mut SizeCache) -> Self {
        Encoder { buf, sizes }
    }
}

impl<B: BufMut> Visitor for Encoder<'_, B> {
    #[inline]
    fn implicit<C: Codec>(&mut self, number: u32, value: &C::Value) {
        C::encode_implicit(number, value, self.buf);
    }

    #[inline]
    fn optional<C: Codec>(&mut self, number: u32, value: &Option<C::Value>) {
        C::encode_optional(number, value, self.buf);
    }

    #[inline]
    fn value<C: Codec>(&mut self, number: u32, value: &C::Value) {
        C::encode(number, value, self.buf);
    }

    #[inline]
    fn repeated<C: Codec>(&mut self, number: u32, values: &[C::Value]) {
        C::encode_repeated(number, values, self.buf);
    }

    #[inline]
    fn packed<C: Codec>(&mut self, number: u32, values: &[C::Value]) {
        C::encode_packed(number, values, self.buf);
    }

    #[inline]
    fn message<M: Message>(&mut self, number: u32, msg: &M) {
        encode_key(number, WireType::LengthDelimited, self.buf);
        encode_varint(self.sizes.next_len() as u64, self.buf);
        msg.encode_with(self.buf, self.sizes);
    }

    #[inline]
    fn group<M: Message>(&mut self, number: u32, msg: &M) {
        encode_key(number, WireType::StartGroup, self.buf);
        msg.encode_with(self.buf, self.sizes);
        encode_key(number, WireType::EndGroup, self.buf);
    }

    #[inline]
    fn map<'a, K, V, I>(&mut self, number: u32, entries: I)
    where
        K: Codec,
        V: Codec,
        K::Value: 'a,
        V::Value: 'a,
        I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
    {
        map::encode::<K, V, I>(number, entries, self.buf);
    }

    #[inline]
    fn unknown(&mut self, fields: &UnknownFields) {
        fields.encode_raw(self.buf);
    }

    #[inline]
    fn message_set(&mut self, fields: &UnknownFields) {
        message_set::encode_unknown(fields, self.buf);
    }
}

/// The sizing pass: adds up what [`Encoder`] will write and records each sub-message's
/// length in the [`SizeCache`].
pub struct Sizer<'a> {
    sizes: &'a mut SizeCache,
    len: usize,
}

impl<'a> Sizer<'a> {
    /// Starts at zero, recording into `sizes`.
    #[inline]
    pub fn new(sizes: &'a mut SizeCache) -> Self {
        Sizer { sizes, len: 0 }
    }

    /// The number of bytes visited so far.
    #[inline]
    pub fn total(&self) -> usize {
        self.len
    }
}

impl Visitor for Sizer<'_> {
    #[inline]
    fn implicit<C: Codec>(&mut self, number: u32, value: &C::Value) {
        self.len += C::encoded_len_implicit(number, value);
    }

    #[inline]
    fn optional<C: Codec>(&mut self, number: u32, value: &Option<C::Value>) {
        self.len += C::encoded_len_optional(number, value);
    }

    #[inline]
    fn value<C: Codec>(&mut self, number: u32, value: &C::Value) {
        self.len += C::encoded_len(number, value);
    }

    #[inline]
    fn repeated<C: Codec>(&mut self, number: u32, values: &[C::Value]) {
        self.len += C::encoded_len_repeated(number, values);
    }

    #[inline]
    fn packed<C: Codec>(&mut self, number: u32, values: &[C::Value]) {
        self.len += C::encoded_len_packed(number, values);
    }

    #[inline]
    fn message<M: Message>(&mut self, number: u32, msg: &M) {
        let len = self.sizes.record(|sizes| msg.encoded_len_with(sizes));
        self.len += key_len(number) + encoded_len_varint(len as u64) + len;
    }

    #[inline]
    fn group<M: Message>(&mut self, number: u32, msg: &M) {
        // A group has no length prefix, so its length is not recorded.
        self.len += 2 * key_len(number) + msg.encoded_len_with(self.sizes);
    }

    #[inline]
    fn map<'a, K, V, I>(&mut self, number: u32, entries: I)
    where
        K: Codec,
        V: Codec,
        K::Value: 'a,
        V::Value: 'a,
        I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
    {
        self.len += map::encoded_len::<K, V, I>(number, entries);
    }

    #[inline]
    fn unknown(&mut self, fields: &UnknownFields) {
        self.len += fields.encoded_len();
    }

    #[inline]
    fn message_set(&mut self, fields: &UnknownFields) {
        self.len += message_set::encoded_len_unknown(fields);
    }
}
