//! [`UnknownFields`]: the fields a message's schema does not know (extensions included),
//! kept in arrival order so that encoding re-emits them unchanged.

use ::bytes::{Buf, BufMut};

use crate::encoding::{
    DecodeContext, WireType, append_bytes, decode_key, decode_len, decode_varint, encode_key,
    encode_varint, encoded_len_varint, key_len,
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
///
/// Every generated message holds one and nearly all are empty, so it is one pointer wide
/// (no allocation until the first field) instead of a `Vec`'s three words: a decoded tree of
/// small messages is that much smaller, which shows in the time of walking it.
#[derive(Clone, Default)]
pub struct UnknownFields {
    // The box is the point: one word in every message, the Vec's three only when needed.
    #[allow(clippy::box_collection)]
    fields: Option<Box<Vec<UnknownField>>>,
}

impl UnknownFields {
    /// No fields.
    pub const fn new() -> Self {
        UnknownFields { fields: None }
    }

    /// Whether there are no fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.fields.as_ref().is_none_or(|f| f.is_empty())
    }

    /// How many fields there are (each occurrence counts).
    #[inline]
    pub fn len(&self) -> usize {
        self.fields.as_ref().map_or(0, |f| f.len())
    }

    /// The fields in order, as a slice.
    #[inline]
    fn as_slice(&self) -> &[UnknownField] {
        match &self.fields {
            Some(fields) => fields,
            None => &[],
        }
    }

    /// The fields, allocated on first use.
    fn fields_mut(&mut self) -> &mut Vec<UnknownField> {
        self.fields.get_or_insert_with(Box::default)
    }

    /// All fields in order.
    #[inline]
    pub fn iter(&self) -> core::slice::Iter<'_, UnknownField> {
        self.as_slice().iter()
    }

    /// The values of every occurrence of field `number`, in order.
    pub fn get(&self, number: u32) -> impl Iterator<Item = &UnknownValue> + '_ {
        self.iter()
            .filter(move |f| f.number == number)
            .map(|f| &f.value)
    }

    /// Appends a field.
    pub fn push(&mut self, number: u32, value: UnknownValue) {
        self.fields_mut().push(UnknownField { number, value });
    }

    /// Inserts a field after every field whose number is not greater, which keeps fields
    /// sorted by number if they were.
    pub fn insert_sorted(&mut self, number: u32, value: UnknownValue) {
        let at = self
            .iter()
            .rposition(|f| f.number <= number)
            .map_or(0, |i| i + 1);
        self.fields_mut().insert(at, UnknownField { number, value });
    }

    /// Removes every occurrence of field `number`; returns whether there was one.
    pub fn remove(&mut self, number: u32) -> bool {
        let Some(fields) = &mut self.fields else {
            return false;
        };
        let before = fields.len();
        fields.retain(|f| f.number != number);
        before != fields.len()
    }

    /// Removes all fields.
    pub fn clear(&mut self) {
        if let Some(fields) = &mut self.fields {
            fields.clear();
        }
    }

    /// Writes every field, in order.
    ///
    /// Generated code calls this (and [`encoded_len`](Self::encoded_len)) for every message
    /// it writes, nearly always with no fields: the empty check is inlined into the caller
    /// and the loop stays out of line.
    #[inline]
    pub fn encode_raw(&self, buf: &mut impl BufMut) {
        if let Some(fields) = &self.fields {
            encode_fields(fields, buf);
        }
    }

    /// The exact length `encode_raw` writes.
    #[inline]
    pub fn encoded_len(&self) -> usize {
        match &self.fields {
            None => 0,
            Some(fields) => fields_len(fields),
        }
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
                let mut bytes = Vec::new();
                append_bytes(&mut bytes, buf, len);
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

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

// Equality, hashing and the debug form look at the fields only, whether or not an emptied
// list keeps its allocation.
impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for UnknownFields {}

impl core::hash::Hash for UnknownFields {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

// The debug form is the list of fields, so a message's derived `Debug` shows
// `unknown_fields: []` when it has none.
impl core::fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

fn encode_fields(fields: &[UnknownField], buf: &mut impl BufMut) {
    for field in fields {
        encode_field(field.number, &field.value, buf);
    }
}

#[inline(never)]
fn fields_len(fields: &[UnknownField]) -> usize {
    fields.iter().map(|f| field_len(f.number, &f.value)).sum()
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
