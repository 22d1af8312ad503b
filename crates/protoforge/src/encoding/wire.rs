//! The wire format's building blocks: wire types, the decode context with its recursion
//! limit, varints, field keys and length prefixes.

use ::bytes::{Buf, BufMut};

use crate::error::{DecodeError, DecodeErrorKind};

/// The largest valid field number, 2^29 - 1.
pub const MAX_FIELD_NUMBER: u32 = (1 << 29) - 1;

/// The default limit on nested sub-messages and groups.
pub const DEFAULT_RECURSION_LIMIT: u32 = 100;

/// The six wire types of the protobuf encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(u8)]
pub enum WireType {
    /// A base-128 varint.
    Varint = 0,
    /// Eight little-endian bytes.
    Fixed64 = 1,
    /// A varint length followed by that many bytes.
    LengthDelimited = 2,
    /// The start of a group.
    StartGroup = 3,
    /// The end of a group.
    EndGroup = 4,
    /// Four little-endian bytes.
    Fixed32 = 5,
}

impl WireType {
    /// Maps the low three bits of a tag to a wire type.
    #[inline]
    pub fn from_bits(bits: u8) -> Result<WireType, DecodeError> {
        Ok(match bits {
            0 => WireType::Varint,
            1 => WireType::Fixed64,
            2 => WireType::LengthDelimited,
            3 => WireType::StartGroup,
            4 => WireType::EndGroup,
            5 => WireType::Fixed32,
            other => return Err(DecodeErrorKind::InvalidWireType(other).into()),
        })
    }
}

/// Decoding state passed down the message tree: how many more levels of nesting are allowed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DecodeContext {
    depth_remaining: u32,
}

impl Default for DecodeContext {
    #[inline]
    fn default() -> Self {
        DecodeContext::new(DEFAULT_RECURSION_LIMIT)
    }
}

impl DecodeContext {
    /// A context that allows `recursion_limit` levels of nested messages below the top one.
    #[inline]
    pub const fn new(recursion_limit: u32) -> Self {
        DecodeContext {
            depth_remaining: recursion_limit,
        }
    }

    /// The context for a nested message or group, or an error when the limit is reached.
    #[inline]
    pub fn enter(self) -> Result<DecodeContext, DecodeError> {
        match self.depth_remaining.checked_sub(1) {
            Some(depth_remaining) => Ok(DecodeContext { depth_remaining }),
            None => Err(DecodeErrorKind::RecursionLimitExceeded.into()),
        }
    }
}

/// Writes `value` as a varint.
#[inline]
pub fn encode_varint(mut value: u64, buf: &mut impl BufMut) {
    if value < 0x80 {
        buf.put_u8(value as u8);
        return;
    }
    let mut bytes = [0u8; 10];
    let mut n = 0;
    while value >= 0x80 {
        bytes[n] = (value as u8) | 0x80;
        value >>= 7;
        n += 1;
    }
    bytes[n] = value as u8;
    buf.put_slice(&bytes[..=n]);
}

/// The number of bytes `value` takes as a varint (1 to 10).
#[inline]
pub const fn encoded_len_varint(value: u64) -> usize {
    let bits = 64 - (value | 1).leading_zeros() as usize;
    (bits * 9 + 64) / 64
}

/// Reads a varint value (of any scalar type, 32-bit ones included). More than ten bytes is
/// [`DecodeErrorKind::VarintOverflow`]; input that ends inside the varint is
/// [`DecodeErrorKind::Truncated`].
///
/// These are protoc's rules (the C++ runtime's and upb's parsers): a value may take up to ten
/// bytes whatever its type, so an over-long `int32`, enum or `bool` padded with `0x80` bytes
/// is accepted; the bits of the tenth byte above bit 63 are ignored, not an error (protoc
/// decodes `ff ff ff ff ff ff ff ff ff 7f` as `u64::MAX`), and a 32-bit type keeps the low
/// 32 bits. Tags and length prefixes are stricter: see [`decode_key`] and [`decode_len`].
#[inline]
pub fn decode_varint(buf: &mut impl Buf) -> Result<u64, DecodeError> {
    let chunk = buf.chunk();
    let len = chunk.len();
    if len == 0 {
        return Err(DecodeErrorKind::Truncated.into());
    }
    let first = chunk[0];
    if first < 0x80 {
        buf.advance(1);
        return Ok(u64::from(first));
    }
    if len >= 10 || chunk[len - 1] < 0x80 {
        let (value, used) = decode_varint_slice(chunk)?;
        buf.advance(used);
        return Ok(value);
    }
    decode_varint_slow(buf)
}

/// Decodes a varint at the start of `bytes`, returning it and its length.
#[inline]
fn decode_varint_slice(bytes: &[u8]) -> Result<(u64, usize), DecodeError> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok((value, i + 1));
        }
    }
    if bytes.len() >= 10 {
        Err(DecodeErrorKind::VarintOverflow.into())
    } else {
        Err(DecodeErrorKind::Truncated.into())
    }
}

#[cold]
fn decode_varint_slow(buf: &mut impl Buf) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for i in 0..10 {
        if !buf.has_remaining() {
            return Err(DecodeErrorKind::Truncated.into());
        }
        let byte = buf.get_u8();
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(DecodeErrorKind::VarintOverflow.into())
}

/// Writes a tag (field number and wire type).
#[inline]
pub fn encode_key(number: u32, wire_type: WireType, buf: &mut impl BufMut) {
    encode_varint(u64::from(number << 3 | wire_type as u32), buf);
}

/// The length of a tag for field `number`.
#[inline]
pub const fn key_len(number: u32) -> usize {
    encoded_len_varint((number as u64) << 3)
}

/// The most bytes a tag or a length prefix may take, as protoc's parsers require.
const MAX_SHORT_VARINT_LEN: usize = 5;

/// Reads a varint of at most [`MAX_SHORT_VARINT_LEN`] bytes, the encoding of tags and length
/// prefixes: a longer one is [`DecodeErrorKind::VarintOverflow`] even when its value is small
/// (padding bytes such as `88 80 80 80 80 00`), input that ends inside it is
/// [`DecodeErrorKind::Truncated`]. The fast paths of [`decode_key`] and [`decode_len`] handle
/// the common short encodings before calling this.
#[cold]
fn decode_short_varint(buf: &mut impl Buf) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for i in 0..MAX_SHORT_VARINT_LEN {
        if !buf.has_remaining() {
            return Err(DecodeErrorKind::Truncated.into());
        }
        let byte = buf.get_u8();
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(DecodeErrorKind::VarintOverflow.into())
}

/// Reads a tag and checks its field number (1 to 2^29 - 1) and wire type.
///
/// As in protoc's parsers, a tag takes at most five bytes: a longer encoding is
/// [`DecodeErrorKind::VarintOverflow`] even when its value is small, and a five-byte value
/// above `u32::MAX` is [`DecodeErrorKind::FieldNumberOutOfRange`].
#[inline]
pub fn decode_key(buf: &mut impl Buf) -> Result<(u32, WireType), DecodeError> {
    // One- and two-byte tags (field numbers below 2048) cannot exceed `u32::MAX`.
    let key = match *buf.chunk() {
        [first, ..] if first < 0x80 => {
            buf.advance(1);
            u32::from(first)
        }
        [first, second, ..] if second < 0x80 => {
            buf.advance(2);
            u32::from(first & 0x7f) | u32::from(second) << 7
        }
        _ => decode_long_key(buf)?,
    };
    let wire_type = WireType::from_bits((key & 7) as u8)?;
    let number = key >> 3;
    if number == 0 {
        return Err(DecodeErrorKind::ZeroFieldNumber.into());
    }
    Ok((number, wire_type))
}

/// A tag of three to five bytes (or a truncated or overlong one), checked to fit in 32 bits.
#[cold]
fn decode_long_key(buf: &mut impl Buf) -> Result<u32, DecodeError> {
    let key = decode_short_varint(buf)?;
    u32::try_from(key).map_err(|_| DecodeErrorKind::FieldNumberOutOfRange(key >> 3).into())
}

/// Fails unless `actual` is the `expected` wire type.
#[inline]
pub fn check_wire_type(expected: WireType, actual: WireType) -> Result<(), DecodeError> {
    if expected == actual {
        Ok(())
    } else {
        Err(DecodeErrorKind::UnexpectedWireType {
            expected: expected as u8,
            actual: actual as u8,
        }
        .into())
    }
}

/// The largest length prefix protoc's parsers accept, 2^31 - 1 (a length is an `int32`).
const MAX_LENGTH: u64 = i32::MAX as u64;

/// Reads a length prefix and checks that that many bytes remain.
///
/// As in protoc's parsers, a length prefix takes at most five bytes: a longer encoding, even
/// of a small value, is [`DecodeErrorKind::VarintOverflow`]. A length above 2^31 - 1 or above
/// what remains is [`DecodeErrorKind::LengthOutOfBounds`].
#[inline]
pub fn decode_len(buf: &mut impl Buf) -> Result<usize, DecodeError> {
    let length = match *buf.chunk() {
        [first, ..] if first < 0x80 => {
            buf.advance(1);
            u64::from(first)
        }
        _ => decode_short_varint(buf)?,
    };
    let remaining = buf.remaining();
    if length > remaining as u64 || length > MAX_LENGTH {
        return Err(DecodeErrorKind::LengthOutOfBounds { length, remaining }.into());
    }
    Ok(length as usize)
}

/// Appends the next `len` bytes of `buf` to `out`, chunk by chunk. `len` must not exceed what
/// `buf` holds ([`decode_len`] checks that).
#[inline]
pub(crate) fn append_bytes(out: &mut Vec<u8>, buf: &mut impl Buf, len: usize) {
    out.reserve(len);
    let mut left = len;
    while left > 0 {
        let chunk = buf.chunk();
        let take = chunk.len().min(left);
        out.extend_from_slice(&chunk[..take]);
        buf.advance(take);
        left -= take;
    }
}
