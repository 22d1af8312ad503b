//! [`RepeatedView`]: a repeated field read lazily from the message's records.

use core::fmt;
use core::marker::PhantomData;

use super::records::Walker;
use super::{Position, Records, ViewCodec};
use crate::encoding::WireType;

/// A repeated field: a lazy iterator over the field's values in the message's records,
/// reading packed and unpacked occurrences alike. Iterating allocates nothing; each pass walks
/// the records again (from the field's first occurrence).
pub struct RepeatedView<'a, C> {
    records: Records<'a>,
    number: u32,
    start: Position,
    codec: PhantomData<fn() -> C>,
}

impl<'a, C: ViewCodec<'a>> RepeatedView<'a, C> {
    /// The values of field `number` in `records`, whose first occurrence is at `start`
    /// ([`Position::END`] for none).
    pub fn new(records: Records<'a>, number: u32, start: Position) -> Self {
        RepeatedView {
            records,
            number,
            start,
            codec: PhantomData,
        }
    }

    /// An empty field.
    pub fn empty() -> Self {
        RepeatedView::new(Records::new(&[]), 0, Position::END)
    }

    /// The values, in order.
    pub fn iter(&self) -> RepeatedIter<'a, '_, C> {
        RepeatedIter {
            walker: Walker::new(self.records.parts(), self.start),
            number: self.number,
            packed: &[],
            codec: PhantomData,
        }
    }

    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The number of values (counted by walking them).
    pub fn len(&self) -> usize {
        self.iter().count()
    }
}

impl<C> Clone for RepeatedView<'_, C> {
    fn clone(&self) -> Self {
        RepeatedView {
            records: self.records.clone(),
            number: self.number,
            start: self.start,
            codec: PhantomData,
        }
    }
}

impl<'a, C: ViewCodec<'a>> fmt::Debug for RepeatedView<'a, C>
where
    C::Value: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, 'r, C: ViewCodec<'a>> IntoIterator for &'r RepeatedView<'a, C> {
    type Item = C::Value;
    type IntoIter = RepeatedIter<'a, 'r, C>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The iterator of a [`RepeatedView`].
pub struct RepeatedIter<'a, 'r, C> {
    walker: Walker<'a, 'r>,
    number: u32,
    packed: &'a [u8],
    codec: PhantomData<fn() -> C>,
}

impl<'a, C: ViewCodec<'a>> Iterator for RepeatedIter<'a, '_, C> {
    type Item = C::Value;

    fn next(&mut self) -> Option<C::Value> {
        loop {
            while !self.packed.is_empty() {
                if let Some(value) = C::read_packed(&mut self.packed) {
                    return Some(value);
                }
            }
            let record = self.walker.next_checked()?;
            if record.number != self.number {
                continue;
            }
            if C::PACKABLE && record.wire_type == WireType::LengthDelimited {
                self.packed = record.value;
                continue;
            }
            if let Some(value) = C::read(&record) {
                return Some(value);
            }
        }
    }
}
