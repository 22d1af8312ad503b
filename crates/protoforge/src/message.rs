//! The [`Message`] trait every generated message implements, the [`Enumeration`] trait of
//! generated enums, and [`DecodeOptions`] for decoding with a non-default recursion limit.

use core::fmt::{self, Debug};

use ::bytes::{Buf, BufMut};

use crate::encoding::{
    DEFAULT_RECURSION_LIMIT, DecodeContext, WireType, decode_len, encode_varint,
    encoded_len_varint, merge_until,
};
use crate::error::{DecodeError, EncodeError};

/// A protobuf message.
///
/// Implementations (generated code) provide [`encode_raw`](Message::encode_raw),
/// [`merge_field`](Message::merge_field), [`encoded_len`](Message::encoded_len) and
/// [`clear`](Message::clear); see the [`encoding`](crate::encoding) module for how. The other
/// methods are provided.
pub trait Message: Default + Clone + PartialEq + Debug + Send + Sync {
    /// Writes the fields (known fields in field-number order, then the unknown fields).
    /// The buffer must have room for [`encoded_len`](Message::encoded_len) bytes.
    fn encode_raw(&self, buf: &mut impl BufMut);

    /// Decodes the value of field `number`, whose tag has just been read, and merges it
    /// into `self`.
    fn merge_field(
        &mut self,
        number: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError>;

    /// The exact number of bytes [`encode_raw`](Message::encode_raw) writes.
    fn encoded_len(&self) -> usize;

    /// Resets every field to its default and drops the unknown fields.
    fn clear(&mut self);

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
        let required = self.encoded_len();
        let remaining = buf.remaining_mut();
        if required > remaining {
            return Err(EncodeError::new(required, remaining));
        }
        self.encode_raw(buf);
        Ok(())
    }

    /// Encodes the message into a new vector of exactly the right size.
    fn encode_to_vec(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(self.encoded_len());
        self.encode_raw(&mut buf);
        buf
    }

    /// Writes the message preceded by its length as a varint.
    fn encode_length_delimited(&self, buf: &mut impl BufMut) -> Result<(), EncodeError> {
        let len = self.encoded_len();
        let required = encoded_len_varint(len as u64) + len;
        let remaining = buf.remaining_mut();
        if required > remaining {
            return Err(EncodeError::new(required, remaining));
        }
        encode_varint(len as u64, buf);
        self.encode_raw(buf);
        Ok(())
    }

    /// Encodes the message, preceded by its length, into a new vector.
    fn encode_length_delimited_to_vec(&self) -> Vec<u8> {
        let len = self.encoded_len();
        let mut buf = Vec::with_capacity(encoded_len_varint(len as u64) + len);
        encode_varint(len as u64, &mut buf);
        self.encode_raw(&mut buf);
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

/// A generated protobuf enum: a Rust enum with one variant per distinct number.
pub trait Enumeration: Copy + Default + Eq + Debug + Send + Sync + 'static {
    /// The variant with this number, if any.
    fn from_i32(value: i32) -> Option<Self>;
    /// The number of this variant.
    fn to_i32(self) -> i32;
}

/// The error of `TryFrom<i32>` for a generated enum: the number is not one of its values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnknownEnumValue(pub i32);

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown enum value {}", self.0)
    }
}

impl std::error::Error for UnknownEnumValue {}
