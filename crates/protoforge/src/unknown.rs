//! [`UnknownFields`]: the fields a message's schema does not know (extensions included),
//! kept in arrival order so that encoding re-emits them unchanged.

use ::bytes::{Buf, BufMut};

use crate::encoding::{
    DecodeContext, WireType, decode_key, decode_len, decode_varint, encode_key, encode_varint,
    encoded_len_varint, key_len,
};
use crate::error::{DecodeError, DecodeErrorKind};

/// The value of one unknown field, by wire type.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum UnknownValue {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: the bytes after the length prefix.
    LengthDelimited(Vec<u8>),
    /// Wire types 3 and 4: the fields between the start- and end-group tags.
    Group(UnknownFields),
    /// Wire type 5.
    Fixed32(u32),
}

impl UnknownValue {
    /// The wire type this value is written with.
    pub fn wire_type(&self) -> WireType {
        match self {
            UnknownValue::Varint(_) => WireType::Varint,
            UnknownValue::Fixed64(_) => WireType::Fixed64,
            UnknownValue::LengthDelimited(_) => WireType::LengthDelimited,
            UnknownValue::Group(_) => WireType::StartGroup,
            UnknownValue::Fixed32(_) => WireType::Fixed32,
        }
    }
}

/// One unknown field: its number and value.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct UnknownField {
    /// The field number.
    pub number: u32,
    /// The value.
    pub value: UnknownValue,
}

/// The unknown fields of a message, in the order they were decoded (or pushed).
#[derive(Clone, PartialEq, Eq, Hash, Default, Debug)]
pub struct UnknownFields {
    fields: Vec<UnknownField>,
}

impl UnknownFields {
    /// No fields.
    pub const fn new() -> Self {
        UnknownFields { fields: Vec::new() }
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// How many fields there are (each occurrence counts).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// All fields in order.
    pub fn iter(&self) -> core::slice::Iter<'_, UnknownField> {
        self.fields.iter()
    }

    /// The values of every occurrence of field `number`, in order.
    pub fn get(&self, number: u32) -> impl Iterator<Item = &UnknownValue> + '_ {
        self.fields
            .iter()
            .filter(move |f| f.number == number)
            .map(|f| &f.value)
    }

    /// Appends a field.
    pub fn push(&mut self, number: u32, value: UnknownValue) {
        self.fields.push(UnknownField { number, value });
    }

    /// Inserts a field after every field whose number is not greater, which keeps fields
    /// sorted by number if they were.
    pub fn insert_sorted(&mut self, number: u32, value: UnknownValue) {
        let at = self
            .fields
            .iter()
            .rposition(|f| f.number <= number)
            .map_or(0, |i| i + 1);
        self.fields.insert(at, UnknownField { number, value });
    }

    /// Removes every occurrence of field `number`; returns whether there was one.
    pub fn remove(&mut self, number: u32) -> bool {
        let before = self.fields.len();
        self.fields.retain(|f| f.number != number);
        before != self.fields.len()
    }

    /// Removes all fields.
    pub fn clear(&mut self) {
        self.fields.clear();
    }

    /// Writes every field, in order.
    pub fn encode_raw(&self, buf: &mut impl BufMut) {
        for field in &self.fields {
            encode_field(field.number, &field.value, buf);
        }
    }

    /// The exact length `encode_raw` writes.
    pub fn encoded_len(&self) -> usize {
        self.fields
            .iter()
            .map(|f| field_len(f.number, &f.value))
            .sum()
    }

    /// Reads the value of field `number`, whose tag has just been read, and appends it.
    /// Groups are read up to their matching end-group tag.
    pub fn merge_field(
        &mut self,
        number: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        let value = match wire_type {
            WireType::Varint => UnknownValue::Varint(decode_varint(buf)?),
            WireType::Fixed64 => {
                if buf.remaining() < 8 {
                    return Err(DecodeErrorKind::Truncated.into());
                }
                UnknownValue::Fixed64(buf.get_u64_le())
            }
            WireType::Fixed32 => {
                if buf.remaining() < 4 {
                    return Err(DecodeErrorKind::Truncated.into());
                }
                UnknownValue::Fixed32(buf.get_u32_le())
            }
            WireType::LengthDelimited => {
                let len = decode_len(buf)?;
                let mut bytes = Vec::with_capacity(len);
                while bytes.len() < len {
                    let chunk = buf.chunk();
                    let take = chunk.len().min(len - bytes.len());
                    bytes.extend_from_slice(&chunk[..take]);
                    buf.advance(take);
                }
                UnknownValue::LengthDelimited(bytes)
            }
            WireType::StartGroup => {
                let ctx = ctx.enter()?;
                let mut group = UnknownFields::new();
                loop {
                    if !buf.has_remaining() {
                        return Err(DecodeErrorKind::UnterminatedGroup(number).into());
                    }
                    let (inner, inner_type) = decode_key(buf)?;
                    if inner_type == WireType::EndGroup {
                        if inner != number {
                            return Err(DecodeErrorKind::EndGroupMismatch {
                                expected: number,
                                actual: inner,
                            }
                            .into());
                        }
                        break;
                    }
                    group.merge_field(inner, inner_type, buf, ctx)?;
                }
                UnknownValue::Group(group)
            }
            WireType::EndGroup => return Err(DecodeErrorKind::UnexpectedEndGroup(number).into()),
        };
        self.push(number, value);
        Ok(())
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = &'a UnknownField;
    type IntoIter = core::slice::Iter<'a, UnknownField>;

    fn into_iter(self) -> Self::IntoIter {
        self.fields.iter()
    }
}

fn encode_field(number: u32, value: &UnknownValue, buf: &mut impl BufMut) {
    encode_key(number, value.wire_type(), buf);
    match value {
        UnknownValue::Varint(v) => encode_varint(*v, buf),
        UnknownValue::Fixed64(v) => buf.put_u64_le(*v),
        UnknownValue::Fixed32(v) => buf.put_u32_le(*v),
        UnknownValue::LengthDelimited(bytes) => {
            encode_varint(bytes.len() as u64, buf);
            buf.put_slice(bytes);
        }
        UnknownValue::Group(group) => {
            group.encode_raw(buf);
            encode_key(number, WireType::EndGroup, buf);
        }
    }
}

fn field_len(number: u32, value: &UnknownValue) -> usize {
    key_len(number)
        + match value {
            UnknownValue::Varint(v) => encoded_len_varint(*v),
            UnknownValue::Fixed64(_) => 8,
            UnknownValue::Fixed32(_) => 4,
            UnknownValue::LengthDelimited(bytes) => {
                encoded_len_varint(bytes.len() as u64) + bytes.len()
            }
            UnknownValue::Group(group) => group.encoded_len() + key_len(number),
        }
}
