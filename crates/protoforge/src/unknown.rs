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
    list: Option<Box<List>>,
}

/// The fields of an [`UnknownFields`] (allocated with the first one), and the counts that
/// keep [`UnknownFields::remove`] cheap when it is called again and again.
#[derive(Clone, Default)]
struct List {
    fields: Vec<UnknownField>,
    /// Every number `remove` has been called with, sorted, with how many of `fields` have it.
    ///
    /// Decoding calls `remove` at each occurrence of a singular `string` field whose UTF-8
    /// is not verified (and of every member of its oneof), to drop an earlier occurrence kept
    /// raw: scanning every field each time would make many unknown fields followed by many
    /// such occurrences cost the product of the two. With the count, removing a number that
    /// is absent is a binary search, and removing its only occurrence a search from the end,
    /// where decoding pushed it. A field is passed over only when an occurrence before it is
    /// removed, and the number's next occurrence is pushed after it, so each field is passed
    /// over at most once per counted number.
    counts: Vec<(u32, usize)>,
}

impl List {
    /// Counts a field with `number` about to be added.
    #[inline]
    fn count(&mut self, number: u32) {
        if self.counts.is_empty() {
            return;
        }
        if let Ok(at) = self.counts.binary_search_by_key(&number, |&(n, _)| n) {
            self.counts[at].1 += 1;
        }
    }
}

impl UnknownFields {
    /// No fields.
    pub const fn new() -> Self {
        UnknownFields { list: None }
    }

    /// Whether there are no fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.list.as_ref().is_none_or(|l| l.fields.is_empty())
    }

    /// How many fields there are (each occurrence counts).
    #[inline]
    pub fn len(&self) -> usize {
        self.list.as_ref().map_or(0, |l| l.fields.len())
    }

    /// The fields in order, as a slice.
    #[inline]
    fn as_slice(&self) -> &[UnknownField] {
        match &self.list {
            Some(list) => &list.fields,
            None => &[],
        }
    }

    /// The list, allocated on first use.
    fn list_mut(&mut self) -> &mut List {
        self.list.get_or_insert_with(Box::default)
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
        let list = self.list_mut();
        list.count(number);
        list.fields.push(UnknownField { number, value });
    }

    /// Inserts a field after every field whose number is not greater, which keeps fields
    /// sorted by number if they were.
    pub fn insert_sorted(&mut self, number: u32, value: UnknownValue) {
        let at = self
            .iter()
            .rposition(|f| f.number <= number)
            .map_or(0, |i| i + 1);
        let list = self.list_mut();
        list.count(number);
        list.fields.insert(at, UnknownField { number, value });
    }

    /// Removes every occurrence of field `number`; returns whether there was one.
    ///
    /// The first call for a number scans every field. From then on the list counts that
    /// number's fields, so a later call costs a binary search when it is absent and a search
    /// from the end when it occurs once: decoding calls this at every occurrence of some
    /// fields, and hostile input of many such occurrences after many unknown fields stays
    /// linear.
    pub fn remove(&mut self, number: u32) -> bool {
        let Some(list) = &mut self.list else {
            return false;
        };
        match list.counts.binary_search_by_key(&number, |&(n, _)| n) {
            Ok(at) => match core::mem::take(&mut list.counts[at].1) {
                0 => false,
                1 => {
                    if let Some(i) = list.fields.iter().rposition(|f| f.number == number) {
                        list.fields.remove(i);
                    }
                    true
                }
                _ => {
                    list.fields.retain(|f| f.number != number);
                    true
                }
            },
            Err(at) => {
                let before = list.fields.len();
                list.fields.retain(|f| f.number != number);
                list.counts.insert(at, (number, 0));
                before != list.fields.len()
            }
        }
    }

    /// Removes all fields.
    pub fn clear(&mut self) {
        if let Some(list) = &mut self.list {
            list.fields.clear();
            for (_, count) in &mut list.counts {
                *count = 0;
            }
        }
    }

    /// Writes every field, in order.
    ///
    /// Generated code calls this (and [`encoded_len`](Self::encoded_len)) for every message
    /// it writes, nearly always with no fields: the empty check is inlined into the caller
    /// and the loop stays out of line.
    #[inline]
    pub fn encode_raw(&self, buf: &mut impl BufMut) {
        if let Some(list) = &self.list {
            encode_fields(&list.fields, buf);
        }
    }

    /// The exact length `encode_raw` writes.
    #[inline]
    pub fn encoded_len(&self) -> usize {
        match &self.list {
            None => 0,
            Some(list) => fields_len(&list.fields),
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

// The debug form is the list of fields; a generated message's `Debug` leaves the field out
// when the list is empty.
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{UnknownField, UnknownFields, UnknownValue};

    #[derive(Clone, Debug)]
    enum Op {
        Push(u32),
        InsertSorted(u32),
        Remove(u32),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        // Few numbers, so that the same ones are pushed, removed and pushed again.
        prop_oneof![
            4 => (1u32..6).prop_map(Op::Push),
            1 => (1u32..6).prop_map(Op::InsertSorted),
            3 => (1u32..6).prop_map(Op::Remove),
            1 => Just(Op::Clear),
        ]
    }

    proptest! {
        // `remove` answers from its counts once it has seen a number: the fields and the
        // answers must be those of removing by a scan every time.
        #[test]
        fn remove_agrees_with_a_scan(ops in proptest::collection::vec(op(), 0..60)) {
            let mut fields = UnknownFields::new();
            let mut model: Vec<UnknownField> = Vec::new();
            for (i, op) in ops.into_iter().enumerate() {
                let value = UnknownValue::Varint(i as u64);
                match op {
                    Op::Push(number) => {
                        fields.push(number, value.clone());
                        model.push(UnknownField { number, value });
                    }
                    Op::InsertSorted(number) => {
                        fields.insert_sorted(number, value.clone());
                        let at = model
                            .iter()
                            .rposition(|f| f.number <= number)
                            .map_or(0, |i| i + 1);
                        model.insert(at, UnknownField { number, value });
                    }
                    Op::Remove(number) => {
                        let before = model.len();
                        model.retain(|f| f.number != number);
                        prop_assert_eq!(fields.remove(number), before != model.len());
                    }
                    Op::Clear => {
                        fields.clear();
                        model.clear();
                    }
                }
                prop_assert_eq!(fields.iter().cloned().collect::<Vec<_>>(), model.clone());
            }
        }
    }

    #[test]
    fn removing_again_keeps_the_order_of_the_others() {
        let mut fields = UnknownFields::new();
        fields.push(3, UnknownValue::Varint(0));
        fields.push(7, UnknownValue::Varint(1));
        fields.push(3, UnknownValue::Varint(2));
        fields.push(9, UnknownValue::Varint(3));
        assert!(fields.remove(3));
        assert!(!fields.remove(3));
        fields.push(3, UnknownValue::Varint(4));
        fields.push(8, UnknownValue::Varint(5));
        assert!(fields.remove(3));
        let left: Vec<(u32, &UnknownValue)> = fields.iter().map(|f| (f.number, &f.value)).collect();
        assert_eq!(
            left,
            [
                (7, &UnknownValue::Varint(1)),
                (9, &UnknownValue::Varint(3)),
                (8, &UnknownValue::Varint(5)),
            ]
        );
        // The counts are not part of the value.
        let mut other = UnknownFields::new();
        for (number, value) in left {
            other.push(number, value.clone());
        }
        assert_eq!(fields, other);
    }
}
