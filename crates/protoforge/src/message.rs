//! The [`Message`] trait every generated message implements and [`DecodeOptions`] for
//! decoding with a non-default recursion limit.

use core::fmt::Debug;

use ::bytes::{Buf, BufMut};

use crate::encoding::{
    DEFAULT_RECURSION_LIMIT, DecodeContext, Encoder, FieldInput, Sizer, Visitor, decode_len,
    encode_varint, encoded_len_varint, merge_until,
};
use crate::error::{DecodeError, EncodeError};
use crate::sizes::SizeCache;

/// A protobuf message.
///
/// Implementations (generated code) provide [`visit_fields`](Message::visit_fields) and
/// [`merge_field`](Message::merge_field); see the [`encoding`](crate::encoding) module for
/// how. The other methods are provided.
pub trait Message: Default + Clone + PartialEq + Debug + Send + Sync {
    /// Shows each field that has something to write to `visitor`, in field-number order,
    /// then the unknown fields: the one walk behind both encoding passes
    /// ([`encoded_len_with`](Message::encoded_len_with) and
    /// [`encode_with`](Message::encode_with)).
    fn visit_fields(&self, visitor: &mut impl Visitor);

    /// Merges one field, whose tag has just been read, into `self`.
    fn merge_field(&mut self, field: FieldInput<'_, impl Buf>) -> Result<(), DecodeError>;

    /// The message's name and its fields' names with their numbers
    /// (`"Node: label=1 weight=2"`), which decoding adds to the path of an error in a
    /// field. Generated code sets it.
    #[doc(hidden)]
    const FIELD_NAMES: &'static str = "";

    /// Writes the fields (known fields in field-number order, then the unknown fields),
    /// taking each sub-message's length from `sizes`, which
    /// [`encoded_len_with`](Message::encoded_len_with) filled just before. The buffer must
    /// have room for that many bytes.
    #[inline]
    fn encode_with(&self, buf: &mut impl BufMut, sizes: &mut SizeCache) {
        self.visit_fields(&mut Encoder::new(buf, sizes));
    }

    /// The exact number of bytes [`encode_with`](Message::encode_with) writes, recording the
    /// length of every sub-message in `sizes` (in the order `encode_with` reads them).
    #[inline]
    fn encoded_len_with(&self, sizes: &mut SizeCache) -> usize {
        let mut sizer = Sizer::new(sizes);
        self.visit_fields(&mut sizer);
        sizer.total()
    }

    /// Writes the fields (known fields in field-number order, then the unknown fields).
    /// The buffer must have room for [`encoded_len`](Message::encoded_len) bytes.
    fn encode_raw(&self, buf: &mut impl BufMut) {
        let mut sizes = SizeCache::new();
        self.encoded_len_with(&mut sizes);
        self.encode_with(buf, &mut sizes);
    }

    /// The exact number of bytes [`encode_raw`](Message::encode_raw) writes.
    fn encoded_len(&self) -> usize {
        self.encoded_len_with(&mut SizeCache::discard())
    }

    /// Resets every field to its default and drops the unknown fields.
    fn clear(&mut self) {
        *self = Self::default();
    }

    /// The message with every field unset, shared for the life of the program: what the
    /// generated getter of an unset message field returns (`msg.child().name` reads through
    /// an unset `child`). The provided implementation makes it on first use and keeps one
    /// per type in a process-wide table (a read lock and a hash lookup per call); an
    /// implementation may keep its own `static` instead.
    fn default_instance() -> &'static Self
    where
        Self: 'static,
    {
        shared_default::<Self>()
    }

    /// Whether the top-level decode and merge methods fail with
    /// [`DecodeErrorKind::MissingRequired`](crate::DecodeErrorKind::MissingRequired) when a
    /// `required` field (here or in a sub-message) is unset after decoding. Generated code
    /// sets it when generated with `required_is_decode_error`; the default is `false`, as in
    /// prost (protobuf's own runtimes check by default).
    const REQUIRED_IS_DECODE_ERROR: bool = false;

    /// Checks that every `required` field is set, here and recursively in set sub-messages
    /// and in set message-typed extensions that generated code knows (those declared in the
    /// files generated with the message; their values are decoded to be checked, and one
    /// that does not decode is an error too). The error's kind is
    /// [`DecodeErrorKind::MissingRequired`](crate::DecodeErrorKind::MissingRequired) and its
    /// path names the first missing field. Messages without required fields anywhere below
    /// keep the provided implementation, which always succeeds.
    fn check_initialized(&self) -> Result<(), DecodeError> {
        Ok(())
    }

    /// Writes the message, or fails without writing if `buf` has too little room.
    fn encode(&self, buf: &mut impl BufMut) -> Result<(), EncodeError> {
        let mut sizes = SizeCache::new();
        let required = self.encoded_len_with(&mut sizes);
        let remaining = buf.remaining_mut();
        if required > remaining {
            return Err(EncodeError::new(required, remaining));
        }
        self.encode_with(buf, &mut sizes);
        Ok(())
    }

    /// Encodes the message into a new vector of exactly the right size.
    fn encode_to_vec(&self) -> Vec<u8> {
        let mut sizes = SizeCache::new();
        let mut buf = Vec::with_capacity(self.encoded_len_with(&mut sizes));
        self.encode_with(&mut buf, &mut sizes);
        buf
    }

    /// Writes the message preceded by its length as a varint.
    fn encode_length_delimited(&self, buf: &mut impl BufMut) -> Result<(), EncodeError> {
        let mut sizes = SizeCache::new();
        let len = self.encoded_len_with(&mut sizes);
        let required = encoded_len_varint(len as u64) + len;
        let remaining = buf.remaining_mut();
        if required > remaining {
            return Err(EncodeError::new(required, remaining));
        }
        encode_varint(len as u64, buf);
        self.encode_with(buf, &mut sizes);
        Ok(())
    }

    /// Encodes the message, preceded by its length, into a new vector.
    fn encode_length_delimited_to_vec(&self) -> Vec<u8> {
        let mut sizes = SizeCache::new();
        let len = self.encoded_len_with(&mut sizes);
        let mut buf = Vec::with_capacity(encoded_len_varint(len as u64) + len);
        encode_varint(len as u64, &mut buf);
        self.encode_with(&mut buf, &mut sizes);
        buf
    }

    /// Decodes a message from all of `buf`.
    fn decode(buf: impl Buf) -> Result<Self, DecodeError> {
        let mut msg = Self::default();
        msg.merge(buf)?;
        Ok(msg)
    }

    /// Decodes a length-prefixed message from the start of `buf`.
    fn decode_length_delimited(buf: impl Buf) -> Result<Self, DecodeError> {
        let mut msg = Self::default();
        msg.merge_length_delimited(buf)?;
        Ok(msg)
    }

    /// Decodes all of `buf` and merges it into `self`: scalars are replaced, sub-messages
    /// merged, repeated fields appended.
    fn merge(&mut self, mut buf: impl Buf) -> Result<(), DecodeError> {
        merge_until(self, &mut buf, 0, DecodeContext::default())?;
        check_required(self)
    }

    /// Decodes a length-prefixed message from the start of `buf` and merges it into `self`.
    fn merge_length_delimited(&mut self, mut buf: impl Buf) -> Result<(), DecodeError> {
        let len = decode_len(&mut buf)?;
        let limit = buf.remaining() - len;
        merge_until(self, &mut buf, limit, DecodeContext::default())?;
        check_required(self)
    }
}

/// `value`, or `M`'s [default instance](Message::default_instance) when it is `None`: the
/// body of a generated message-field getter (`or_default(self.child.as_deref())`).
#[inline]
pub fn or_default<M: Message + 'static>(value: Option<&M>) -> &M {
    match value {
        Some(value) => value,
        None => M::default_instance(),
    }
}

/// The default instance of message type `M`, made on first use and kept (leaked) for the
/// life of the program.
fn shared_default<M: Message + 'static>() -> &'static M {
    use std::any::{Any, TypeId};
    use std::collections::HashMap;
    use std::sync::{OnceLock, RwLock};

    type Table = RwLock<HashMap<TypeId, &'static (dyn Any + Send + Sync)>>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    let table = TABLE.get_or_init(Default::default);
    let key = TypeId::of::<M>();
    let found = table.read().ok().and_then(|t| t.get(&key).copied());
    let instance = match found {
        Some(instance) => instance,
        None => {
            let mut table = table
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            *table
                .entry(key)
                .or_insert_with(|| Box::leak(Box::new(M::default())))
        }
    };
    // The table maps each type's id to a value of that type.
    instance
        .downcast_ref::<M>()
        .unwrap_or_else(|| unreachable!("default instance table holds the wrong type"))
}

/// The required-field check of a top-level decode, when the message asks for it.
#[inline]
fn check_required<M: Message>(msg: &M) -> Result<(), DecodeError> {
    if M::REQUIRED_IS_DECODE_ERROR {
        msg.check_initialized()
    } else {
        Ok(())
    }
}

/// Decoding settings other than the defaults.
///
/// ```
/// use protoforge::{DecodeOptions, descriptor::FileDescriptorSet};
/// let set: FileDescriptorSet = DecodeOptions::new().recursion_limit(20).decode(&b""[..]).unwrap();
/// assert!(set.file.is_empty());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DecodeOptions {
    recursion_limit: u32,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions::new()
    }
}

impl DecodeOptions {
    /// The defaults: a recursion limit of 100 nested messages.
    pub const fn new() -> Self {
        DecodeOptions {
            recursion_limit: DEFAULT_RECURSION_LIMIT,
        }
    }

    /// Sets how many levels of sub-messages and groups may nest below the top message.
    pub const fn recursion_limit(mut self, limit: u32) -> Self {
        self.recursion_limit = limit;
        self
    }

    /// Decodes a message of type `M` from all of `buf`.
    pub fn decode<M: Message>(&self, buf: impl Buf) -> Result<M, DecodeError> {
        let mut msg = M::default();
        self.merge(&mut msg, buf)?;
        Ok(msg)
    }

    /// Decodes all of `buf` and merges it into `msg`.
    pub fn merge<M: Message>(&self, msg: &mut M, mut buf: impl Buf) -> Result<(), DecodeError> {
        merge_until(msg, &mut buf, 0, DecodeContext::new(self.recursion_limit))?;
        check_required(msg)
    }
}
