//! [`MapView`]: a map field read lazily from the message's records, and the check of one
//! map entry.

use core::fmt;
use core::marker::PhantomData;

use super::read::check;
use super::records::read_record;
use super::{Position, Record, Records, RepeatedIter, RepeatedView, UNLIMITED, ViewCodec, codec};
use crate::encoding::{DecodeContext, WireType, check_wire_type};
use crate::error::DecodeError;

/// Checks one entry of a map field whose key and value are read with `K` and `V`, as the
/// owned decoder reads it. With `unverified` (a `string` key or value protobuf does not
/// verify), an entry is not read past a key or value that is not UTF-8: the owned message
/// keeps such an entry whole in its unknown fields.
pub fn check_map_entry<'a, K: ViewCodec<'a>, V: ViewCodec<'a>>(
    record: &Record<'a>,
    unverified: bool,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    check_wire_type(WireType::LengthDelimited, record.wire_type)?;
    let ctx = ctx.enter()?;
    let mut body = record.value;
    while !body.is_empty() {
        let entry_field = read_record(&mut body, ctx)?;
        let checked = match entry_field.number {
            1 => check::<K>(&entry_field, false, ctx),
            2 => check::<V>(&entry_field, false, ctx),
            _ => Ok(()),
        };
        let unverified_string = match entry_field.number {
            1 => K::UNVERIFIED_STRING,
            2 => V::UNVERIFIED_STRING,
            _ => false,
        };
        if unverified
            && unverified_string
            && entry_field.wire_type == WireType::LengthDelimited
            && core::str::from_utf8(entry_field.value).is_err()
        {
            // The owned decoder stops at the first string that is not UTF-8 and keeps the
            // entry raw; what follows it is not read.
            return Ok(());
        }
        checked?;
    }
    Ok(())
}

/// A map field: a lazy iterator of `(key, value)` pairs in wire order. Entries that hold no
/// value of the map (a closed enum value the enum does not know, an unverified string that
/// is not UTF-8) are skipped. Collecting into a map keeps the last entry of each key, as the
/// owned decoder does.
pub struct MapView<'a, K, V> {
    entries: RepeatedView<'a, codec::Bytes>,
    codecs: PhantomData<fn() -> (K, V)>,
}

impl<'a, K: ViewCodec<'a>, V: ViewCodec<'a>> MapView<'a, K, V> {
    /// The entries of map field `number` in `records`, the first at `start`.
    pub fn new(records: Records<'a>, number: u32, start: Position) -> Self {
        MapView {
            entries: RepeatedView::new(records, number, start),
            codecs: PhantomData,
        }
    }

    /// An empty map.
    pub fn empty() -> Self {
        MapView {
            entries: RepeatedView::empty(),
            codecs: PhantomData,
        }
    }

    /// The entries, in wire order.
    pub fn iter(&self) -> MapIter<'a, '_, K, V> {
        MapIter {
            entries: self.entries.iter(),
            codecs: PhantomData,
        }
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl<K, V> Clone for MapView<'_, K, V> {
    fn clone(&self) -> Self {
        MapView {
            entries: self.entries.clone(),
            codecs: PhantomData,
        }
    }
}

impl<'a, K: ViewCodec<'a>, V: ViewCodec<'a>> fmt::Debug for MapView<'a, K, V>
where
    K::Value: fmt::Debug,
    V::Value: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a, 'r, K: ViewCodec<'a>, V: ViewCodec<'a>> IntoIterator for &'r MapView<'a, K, V> {
    type Item = (K::Value, V::Value);
    type IntoIter = MapIter<'a, 'r, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The iterator of a [`MapView`].
pub struct MapIter<'a, 'r, K, V> {
    entries: RepeatedIter<'a, 'r, codec::Bytes>,
    codecs: PhantomData<fn() -> (K, V)>,
}

impl<'a, K: ViewCodec<'a>, V: ViewCodec<'a>> MapIter<'a, '_, K, V> {
    /// Reads one checked entry; `None` if it holds no entry of the map.
    fn entry(body: &'a [u8]) -> Option<(K::Value, V::Value)> {
        let mut key = None;
        let mut value = None;
        let mut values = 0usize;
        let mut rest = body;
        while !rest.is_empty() {
            let Ok(field) = read_record(&mut rest, UNLIMITED) else {
                return None;
            };
            match field.number {
                1 => {
                    key = K::read(&field);
                    // An unverified string that is not UTF-8 ends the entry (kept raw by
                    // the owned message); a closed enum value counts only if it is last.
                    if key.is_none() && K::UNVERIFIED_STRING {
                        return None;
                    }
                }
                2 => {
                    values += 1;
                    value = V::read(&field);
                    if value.is_none() && V::UNVERIFIED_STRING {
                        return None;
                    }
                }
                _ => {}
            }
        }
        let key = match key {
            Some(key) => key,
            None => K::absent()?,
        };
        let value = match (value, values) {
            (_, 0) => V::absent()?,
            (Some(value), 1) => value,
            // A message value given more than once in one entry merges.
            (value, _) => match V::merged(Records::new(body).occurrences(2, Position::START)) {
                Some(merged) => merged,
                None => value?,
            },
        };
        Some((key, value))
    }
}

impl<'a, K: ViewCodec<'a>, V: ViewCodec<'a>> Iterator for MapIter<'a, '_, K, V> {
    type Item = (K::Value, V::Value);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let body = self.entries.next()?;
            if let Some(entry) = Self::entry(body) {
                return Some(entry);
            }
        }
    }
}
