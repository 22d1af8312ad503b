//! Zero-copy borrowed views of encoded messages: what generated `FooView<'a>` types (from
//! `Config::views`) are made of.
//!
//! A view is decoded from a byte slice without copying strings, bytes or repeated fields:
//! [`MessageView::decode`] checks the whole message up front (tags, wire types, lengths,
//! UTF-8 where the owned type checks it, nested messages down to the recursion limit), the
//! way the owned decoder would, and fails with the same kind of [`DecodeError`](crate::DecodeError) where the
//! owned decoder fails. After that every accessor is infallible:
//!
//! - singular scalars are stored by value (last one wins), `string` as `&'a str`, `bytes` as
//!   `&'a [u8]`, sub-messages as their own view (`Option<BarView<'a>>`), or as a
//!   [`LazyView`] where the message type contains itself, or as a [`LazyMessage`] (decoded
//!   on demand with the owned decoder) where the sub-message type has no view;
//! - repeated fields are a [`RepeatedView`], a lazy iterator over the message's records that
//!   reads packed and unpacked occurrences alike;
//! - maps are a [`MapView`], a lazy iterator of `(key, value)` pairs in wire order (a later
//!   entry with the same key wins when collected into a map, as in the owned decoder);
//! - the fields the message does not know stay raw: [`MessageView::records`] and the
//!   generated `unknown_fields()` walk them as [`Record`]s.
//!
//! A sub-message that occurs several times is merged, as protobuf requires: its view is read
//! from all its occurrences ([`Records`] holds several slices then, the one case that
//! allocates). Generated code calls the functions of this module; they are not meant to be
//! called by hand, but [`Records`], [`Record`] and the iterators are public so views can be
//! inspected.

pub mod codec;
mod lazy;
mod map;
mod read;
mod records;
mod repeated;

pub use lazy::{LazyMessage, LazyView, replay};
pub use map::{MapIter, MapView, check_map_entry};
pub use read::{ViewCodec, check, check_message, check_verified_extension, message};
use read::{check_packed_varints, packed_varint, varint};
use records::UNLIMITED;
pub use records::{
    MessageView, Occurrences, Position, Record, RecordIter, Records, Scanner, UnknownRecords,
};
pub use repeated::{RepeatedIter, RepeatedView};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::DecodeContext;

    #[test]
    fn records_and_repeated_values() {
        // 1: varint 150, 2: packed [1, 2], 2: unpacked 3, 3: group { 1: 7 }, 4: "hi"
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x02, 0x01, 0x02, 0x10, 0x03, 0x1b, 0x08, 0x07, 0x1c, 0x22,
            0x02, b'h', b'i',
        ];
        let records = Records::new(&bytes);
        let mut scan = records.scan(DecodeContext::default());
        let mut numbers = Vec::new();
        while let Some((_, record)) = scan.next().unwrap() {
            numbers.push(record.number);
        }
        assert_eq!(numbers, [1, 2, 2, 3, 4]);
        let repeated = RepeatedView::<codec::Int32>::new(records.clone(), 2, Position::START);
        assert_eq!(repeated.iter().collect::<Vec<_>>(), [1, 2, 3]);
        let group: Vec<_> = records.iter().filter(|r| r.number == 3).collect();
        assert_eq!(group[0].value, [0x08, 0x07]);
        assert_eq!(group[0].raw, [0x08, 0x07, 0x1c]);
        let bad = [0x0b, 0x08, 0x07, 0x24];
        let bad = Records::new(&bad);
        let mut scan = bad.scan(DecodeContext::default());
        assert!(scan.next().is_err());
    }
}
