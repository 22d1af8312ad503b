//! Zero-copy borrowed views of encoded messages: what generated `FooView<'a>` types (from
//! `Config::views`) are made of.
//!
//! A view is decoded from a byte slice without copying strings, bytes or repeated fields:
//! [`MessageView::decode`] checks the whole message up front (tags, wire types, lengths,
//! UTF-8 where the owned type checks it, nested messages down to the recursion limit), the
//! way the owned decoder would, and fails with the same kind of [`DecodeError`] where the
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

use core::fmt;
use core::marker::PhantomData;
use std::sync::Arc;

use crate::encoding::{
    DecodeContext, FieldInput, WireType, check_wire_type, decode_key, decode_len, decode_varint,
    merge_until,
};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::message::Message;

/// A borrowed view of an encoded message of type [`Owned`](MessageView::Owned), generated as
/// `FooView<'a>` next to `Foo`.
pub trait MessageView<'a>: Sized + Clone + fmt::Debug {
    /// The owned message type this is a view of.
    type Owned: Message;

    /// Reads a view from `records` (the message's body, possibly in several parts), checking
    /// everything with `ctx` as the owned decoder would. Generated; call
    /// [`decode`](MessageView::decode) instead.
    fn parse(records: Records<'a>, ctx: DecodeContext) -> Result<Self, DecodeError>;

    /// Checks `records` as [`parse`](MessageView::parse) does, without building the view
    /// (sub-messages read lazily or in repeated fields are checked this way, so deeply
    /// nested input takes little stack). Generated.
    fn check(records: &Records<'a>, ctx: DecodeContext) -> Result<(), DecodeError>;

    /// The owned message, equal to what `Owned::decode` gives on the same bytes.
    fn to_owned_message(&self) -> Self::Owned;

    /// The records (fields as they are on the wire) the view was read from.
    fn records(&self) -> &Records<'a>;

    /// Decodes a view of all of `buf`, checking every byte up front (see the module doc).
    /// With `required_is_decode_error`, a missing required field fails as in the owned
    /// decoder (the check builds the owned message, so it allocates).
    fn decode(buf: &'a [u8]) -> Result<Self, DecodeError> {
        let view = Self::parse(Records::new(buf), DecodeContext::default())?;
        if <Self::Owned as Message>::REQUIRED_IS_DECODE_ERROR {
            view.to_owned_message().check_initialized()?;
        }
        Ok(view)
    }

    /// Reads a view of records that were already checked; `None` only if they were not.
    fn parse_checked(records: Records<'a>) -> Option<Self> {
        Self::parse(records, UNLIMITED).ok()
    }
}

/// The context for re-reading bytes already checked: no depth limit applies twice.
const UNLIMITED: DecodeContext = DecodeContext::new(u32::MAX);

/// The body of a message: one slice of records, or, for a sub-message that occurred several
/// times (and so merges), the bodies of all its occurrences in order.
#[derive(Clone)]
pub struct Records<'a> {
    parts: Parts<'a>,
}

#[derive(Clone)]
enum Parts<'a> {
    One(&'a [u8]),
    Many(Arc<[&'a [u8]]>),
}

/// Where a record starts: the index of its part and its offset in that part.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Position {
    part: usize,
    offset: usize,
}

impl Position {
    /// The start of the records.
    pub const START: Position = Position { part: 0, offset: 0 };
    /// Past every record (an iterator from here yields nothing).
    pub const END: Position = Position {
        part: usize::MAX,
        offset: 0,
    };
}

impl<'a> Records<'a> {
    /// The records of one encoded message body.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Records {
            parts: Parts::One(bytes),
        }
    }

    /// The slices the records are in.
    pub fn parts(&self) -> &[&'a [u8]] {
        match &self.parts {
            Parts::One(bytes) => core::slice::from_ref(bytes),
            Parts::Many(parts) => parts,
        }
    }

    /// Reads the records one by one, checking each with `ctx` (generated `parse` uses this).
    pub fn scan(&self, ctx: DecodeContext) -> Scanner<'a, '_> {
        Scanner {
            walker: Walker::new(self.parts(), Position::START),
            ctx,
        }
    }

    /// Every record, in order. The records must have been checked (they are in a view).
    pub fn iter(&self) -> RecordIter<'a, '_> {
        RecordIter {
            walker: Walker::new(self.parts(), Position::START),
        }
    }

    /// The bodies of the occurrences of message or group field `number` from `from` on, as
    /// the records of the merged message.
    pub fn occurrences(&self, number: u32, from: Position) -> Records<'a> {
        let mut walker = Walker::new(self.parts(), from);
        let mut bodies = Vec::new();
        while let Some(Ok((_, record))) = walker.next(UNLIMITED) {
            if record.number == number {
                bodies.push(record.value);
            }
        }
        match bodies.as_slice() {
            [one] => Records::new(one),
            _ => Records {
                parts: Parts::Many(bodies.into()),
            },
        }
    }
}

impl fmt::Debug for Records<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One field occurrence on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// The field number.
    pub number: u32,
    /// The wire type of the tag.
    pub wire_type: WireType,
    /// The value: a varint's bytes, 4 or 8 fixed bytes, a length-delimited body (without the
    /// length), or a group's body (without its end-group tag).
    pub value: &'a [u8],
    /// Everything after the tag, up to and including a group's end-group tag: what
    /// `Message::merge_field` reads.
    pub raw: &'a [u8],
}

impl fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("number", &self.number)
            .field("wire_type", &self.wire_type)
            .field("value", &self.value)
            .finish()
    }
}

/// Reads the value of a field whose tag has just been read, checking its framing: varints of
/// at most ten bytes, lengths within the input, groups closed by their own end-group tag
/// within the recursion limit. Returns the value as in [`Record::value`].
fn read_value<'a>(
    number: u32,
    wire_type: WireType,
    buf: &mut &'a [u8],
    ctx: DecodeContext,
) -> Result<&'a [u8], DecodeError> {
    let start: &'a [u8] = buf;
    match wire_type {
        WireType::Varint => {
            decode_varint(buf)?;
            Ok(&start[..start.len() - buf.len()])
        }
        WireType::Fixed64 | WireType::Fixed32 => {
            let len = if wire_type == WireType::Fixed64 { 8 } else { 4 };
            if buf.len() < len {
                return Err(DecodeErrorKind::Truncated.into());
            }
            let (value, rest) = buf.split_at(len);
            *buf = rest;
            Ok(value)
        }
        WireType::LengthDelimited => {
            let len = decode_len(buf)?;
            let (value, rest) = buf.split_at(len);
            *buf = rest;
            Ok(value)
        }
        WireType::StartGroup => {
            let ctx = ctx.enter()?;
            let body: &'a [u8] = buf;
            loop {
                if buf.is_empty() {
                    return Err(DecodeErrorKind::UnterminatedGroup(number).into());
                }
                let before = buf.len();
                let (inner, inner_type) = decode_key(buf)?;
                if inner_type == WireType::EndGroup {
                    if inner != number {
                        return Err(DecodeErrorKind::EndGroupMismatch {
                            expected: number,
                            actual: inner,
                        }
                        .into());
                    }
                    return Ok(&body[..body.len() - before]);
                }
                read_value(inner, inner_type, buf, ctx)?;
            }
        }
        WireType::EndGroup => Err(DecodeErrorKind::UnexpectedEndGroup(number).into()),
    }
}

/// Reads one record (tag and value) from the start of `buf`.
fn read_record<'a>(buf: &mut &'a [u8], ctx: DecodeContext) -> Result<Record<'a>, DecodeError> {
    let (number, wire_type) = decode_key(buf)?;
    let after: &'a [u8] = buf;
    let value = read_value(number, wire_type, buf, ctx)?;
    Ok(Record {
        number,
        wire_type,
        value,
        raw: &after[..after.len() - buf.len()],
    })
}

/// The shared cursor of [`Scanner`], [`RecordIter`] and the lazy iterators.
#[derive(Clone)]
struct Walker<'a, 'r> {
    parts: &'r [&'a [u8]],
    part: usize,
    rest: &'a [u8],
}

impl<'a, 'r> Walker<'a, 'r> {
    fn new(parts: &'r [&'a [u8]], from: Position) -> Self {
        let rest = parts
            .get(from.part)
            .and_then(|part| part.get(from.offset..))
            .unwrap_or_default();
        Walker {
            parts,
            part: from.part,
            rest,
        }
    }

    fn next(&mut self, ctx: DecodeContext) -> Option<Result<(Position, Record<'a>), DecodeError>> {
        while self.rest.is_empty() {
            self.part = self.part.checked_add(1)?;
            self.rest = self.parts.get(self.part)?;
        }
        let position = Position {
            part: self.part,
            offset: self.parts[self.part].len() - self.rest.len(),
        };
        match read_record(&mut self.rest, ctx) {
            Ok(record) => Some(Ok((position, record))),
            Err(error) => {
                self.rest = &[];
                self.part = usize::MAX;
                Some(Err(error))
            }
        }
    }

    /// The next record of checked input (an error, which cannot happen there, ends it).
    fn next_checked(&mut self) -> Option<Record<'a>> {
        self.next(UNLIMITED)?.ok().map(|(_, record)| record)
    }
}

/// Reads and checks the records of a message in order; see [`Records::scan`].
pub struct Scanner<'a, 'r> {
    walker: Walker<'a, 'r>,
    ctx: DecodeContext,
}

impl<'a> Scanner<'a, '_> {
    /// The next record and where it starts, `None` at the end, or why the input is bad (an
    /// end-group tag without a group, a bad tag, a truncated value, a group not closed).
    #[allow(clippy::should_implement_trait)] // Fallible: not an `Iterator`.
    pub fn next(&mut self) -> Result<Option<(Position, Record<'a>)>, DecodeError> {
        self.walker.next(self.ctx).transpose()
    }
}

/// The records of a view, in order; see [`Records::iter`].
#[derive(Clone)]
pub struct RecordIter<'a, 'r> {
    walker: Walker<'a, 'r>,
}

impl<'a> Iterator for RecordIter<'a, '_> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        self.walker.next_checked()
    }
}

/// The records of a view whose field numbers its message does not know (extensions
/// included), in order, as the generated `unknown_fields()` returns them.
#[derive(Clone)]
pub struct UnknownRecords<'a, 'r> {
    records: RecordIter<'a, 'r>,
    known: fn(u32) -> bool,
}

impl<'a, 'r> UnknownRecords<'a, 'r> {
    /// The records of `records` for which `known` is false.
    pub fn new(records: &'r Records<'a>, known: fn(u32) -> bool) -> Self {
        UnknownRecords {
            records: records.iter(),
            known,
        }
    }
}

impl<'a> Iterator for UnknownRecords<'a, '_> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let known = self.known;
        self.records.by_ref().find(|record| !known(record.number))
    }
}

/// How a view reads one value type: a zero-sized marker per protobuf type (see [`codec`]).
pub trait ViewCodec<'a> {
    /// The value as the view gives it.
    type Value;
    /// The wire type of one unpacked value.
    const WIRE_TYPE: WireType;
    /// Whether repeated fields of this type may arrive packed.
    const PACKABLE: bool = false;
    /// Whether this is a `string` whose UTF-8 protobuf does not verify.
    const UNVERIFIED_STRING: bool = false;

    /// Checks the value of one record of [`WIRE_TYPE`](ViewCodec::WIRE_TYPE).
    fn check_value(record: &Record<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
        let _ = (record, ctx);
        Ok(())
    }

    /// Reads the value of a checked record; `None` when it holds no value of the field (a
    /// number a closed enum does not know, an unverified `string` that is not UTF-8).
    fn read(record: &Record<'a>) -> Option<Self::Value>;

    /// Checks the body of a packed record.
    fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
        let _ = body;
        Ok(())
    }

    /// Reads one value from the front of a checked packed body (`None`: skip it).
    fn read_packed(body: &mut &'a [u8]) -> Option<Self::Value> {
        *body = &[];
        None
    }

    /// The value of a map entry that lacks it (`None`: the entry holds no value of the map).
    fn absent() -> Option<Self::Value>;

    /// The value merged from several occurrences in one map entry (messages only).
    fn merged(records: Records<'a>) -> Option<Self::Value> {
        let _ = records;
        None
    }
}

/// Checks one record of a field read with codec `C`: its wire type (packed input accepted
/// for `repeated` packable fields) and its value.
#[inline]
pub fn check<'a, C: ViewCodec<'a>>(
    record: &Record<'a>,
    repeated: bool,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    if repeated && C::PACKABLE && record.wire_type == WireType::LengthDelimited {
        return C::check_packed(record.value);
    }
    check_wire_type(C::WIRE_TYPE, record.wire_type)?;
    C::check_value(record, ctx)
}

/// Checks one occurrence of a message (or group) field and reads its view: the wire type,
/// then the body one level deeper.
#[inline]
pub fn message<'a, V: MessageView<'a>>(
    record: &Record<'a>,
    group: bool,
    ctx: DecodeContext,
) -> Result<V, DecodeError> {
    let expected = if group {
        WireType::StartGroup
    } else {
        WireType::LengthDelimited
    };
    check_wire_type(expected, record.wire_type)?;
    V::parse(Records::new(record.value), ctx.enter()?)
}

/// Checks one occurrence of a message (or group) field without reading its view.
#[inline]
pub fn check_message<'a, V: MessageView<'a>>(
    record: &Record<'a>,
    group: bool,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    let expected = if group {
        WireType::StartGroup
    } else {
        WireType::LengthDelimited
    };
    check_wire_type(expected, record.wire_type)?;
    V::check(&Records::new(record.value), ctx.enter()?)
}

/// Checks one occurrence of a `string` extension field whose UTF-8 protobuf verifies: a
/// length-delimited value must be UTF-8 (other wire types are kept like any unknown field).
pub fn check_verified_extension(record: &Record<'_>) -> Result<(), DecodeError> {
    if record.wire_type == WireType::LengthDelimited && core::str::from_utf8(record.value).is_err()
    {
        return Err(DecodeErrorKind::InvalidUtf8.into());
    }
    Ok(())
}

/// Reads the varint of a checked record value.
#[inline]
fn varint(mut bytes: &[u8]) -> u64 {
    decode_varint(&mut bytes).unwrap_or_default()
}

/// Checks every varint of a packed body.
fn check_packed_varints(mut body: &[u8]) -> Result<(), DecodeError> {
    while !body.is_empty() {
        decode_varint(&mut body)?;
    }
    Ok(())
}

/// Reads a varint from the front of a checked packed body.
#[inline]
fn packed_varint(body: &mut &[u8]) -> Option<u64> {
    match decode_varint(body) {
        Ok(value) => Some(value),
        Err(_) => {
            *body = &[];
            None
        }
    }
}

/// The zero-sized codecs views read values with, one per protobuf type.
pub mod codec {
    use core::marker::PhantomData;

    use super::{
        MessageView, Record, Records, UNLIMITED, ViewCodec, check_packed_varints, packed_varint,
        varint,
    };
    use crate::encoding::{DecodeContext, WireType};
    use crate::enumeration::{EnumValue, Enumeration};
    use crate::error::{DecodeError, DecodeErrorKind};

    macro_rules! varint_codec {
        ($(#[$doc:meta])* $name:ident, $ty:ty, |$u:ident| $decode:expr) => {
            $(#[$doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct $name;

            impl<'a> ViewCodec<'a> for $name {
                type Value = $ty;
                const WIRE_TYPE: WireType = WireType::Varint;
                const PACKABLE: bool = true;

                #[inline]
                fn read(record: &Record<'a>) -> Option<$ty> {
                    let $u = varint(record.value);
                    Some($decode)
                }

                fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
                    check_packed_varints(body)
                }

                #[inline]
                fn read_packed(body: &mut &'a [u8]) -> Option<$ty> {
                    let $u = packed_varint(body)?;
                    Some($decode)
                }

                fn absent() -> Option<$ty> {
                    Some(<$ty>::default())
                }
            }
        };
    }

    varint_codec!(
        /// `int32`.
        Int32, i32, |u| u as i32
    );
    varint_codec!(
        /// `int64`.
        Int64, i64, |u| u as i64
    );
    varint_codec!(
        /// `uint32`.
        UInt32, u32, |u| u as u32
    );
    varint_codec!(
        /// `uint64`.
        UInt64, u64, |u| u
    );
    varint_codec!(
        /// `sint32` (zigzag).
        SInt32, i32, |u| ((u as u32 >> 1) as i32) ^ -((u as u32 & 1) as i32)
    );
    varint_codec!(
        /// `sint64` (zigzag).
        SInt64, i64, |u| ((u >> 1) as i64) ^ -((u & 1) as i64)
    );
    varint_codec!(
        /// `bool`: any non-zero varint is `true`.
        Bool, bool, |u| u != 0
    );

    macro_rules! fixed_codec {
        ($(#[$doc:meta])* $name:ident, $ty:ty, $wire:ident, $len:literal) => {
            $(#[$doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct $name;

            impl<'a> ViewCodec<'a> for $name {
                type Value = $ty;
                const WIRE_TYPE: WireType = WireType::$wire;
                const PACKABLE: bool = true;

                #[inline]
                fn read(record: &Record<'a>) -> Option<$ty> {
                    let bytes: [u8; $len] = record.value.try_into().ok()?;
                    Some(<$ty>::from_le_bytes(bytes))
                }

                fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
                    if !body.len().is_multiple_of($len) {
                        return Err(DecodeErrorKind::InvalidPackedLength.into());
                    }
                    Ok(())
                }

                #[inline]
                fn read_packed(body: &mut &'a [u8]) -> Option<$ty> {
                    let Some((value, rest)) = body.split_first_chunk::<$len>() else {
                        *body = &[];
                        return None;
                    };
                    *body = rest;
                    Some(<$ty>::from_le_bytes(*value))
                }

                fn absent() -> Option<$ty> {
                    Some(<$ty>::default())
                }
            }
        };
    }

    fixed_codec!(
        /// `fixed32`.
        Fixed32, u32, Fixed32, 4
    );
    fixed_codec!(
        /// `fixed64`.
        Fixed64, u64, Fixed64, 8
    );
    fixed_codec!(
        /// `sfixed32`.
        SFixed32, i32, Fixed32, 4
    );
    fixed_codec!(
        /// `sfixed64`.
        SFixed64, i64, Fixed64, 8
    );
    fixed_codec!(
        /// `float`.
        Float, f32, Fixed32, 4
    );
    fixed_codec!(
        /// `double`.
        Double, f64, Fixed64, 8
    );

    /// An open enum `E`: every number is a value, [`EnumValue::Unknown`] for those `E` does
    /// not know (as in the owned message).
    pub struct OpenEnum<E>(PhantomData<fn() -> E>);

    impl<'a, E: Enumeration> ViewCodec<'a> for OpenEnum<E> {
        type Value = EnumValue<E>;
        const WIRE_TYPE: WireType = WireType::Varint;
        const PACKABLE: bool = true;

        #[inline]
        fn read(record: &Record<'a>) -> Option<EnumValue<E>> {
            Some(EnumValue::from(varint(record.value) as i32))
        }

        fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
            check_packed_varints(body)
        }

        #[inline]
        fn read_packed(body: &mut &'a [u8]) -> Option<EnumValue<E>> {
            Some(EnumValue::from(packed_varint(body)? as i32))
        }

        fn absent() -> Option<EnumValue<E>> {
            Some(EnumValue::default())
        }
    }

    /// A closed enum `E`: numbers `E` does not know are no value of the field (the owned
    /// message keeps them in its unknown fields).
    pub struct ClosedEnum<E>(PhantomData<fn() -> E>);

    impl<'a, E: Enumeration> ViewCodec<'a> for ClosedEnum<E> {
        type Value = E;
        const WIRE_TYPE: WireType = WireType::Varint;
        const PACKABLE: bool = true;

        #[inline]
        fn read(record: &Record<'a>) -> Option<E> {
            E::from_i32(varint(record.value) as i32)
        }

        fn check_packed(body: &'a [u8]) -> Result<(), DecodeError> {
            check_packed_varints(body)
        }

        fn read_packed(body: &mut &'a [u8]) -> Option<E> {
            E::from_i32(packed_varint(body)? as i32)
        }

        fn absent() -> Option<E> {
            E::from_i32(0)
        }
    }

    /// `string` whose UTF-8 protobuf verifies, as `&str`: a value that is not UTF-8 is a
    /// decode error.
    #[derive(Clone, Copy, Debug)]
    pub struct Str;

    impl<'a> ViewCodec<'a> for Str {
        type Value = &'a str;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        fn check_value(record: &Record<'a>, _ctx: DecodeContext) -> Result<(), DecodeError> {
            core::str::from_utf8(record.value)
                .map(drop)
                .map_err(|_| DecodeErrorKind::InvalidUtf8.into())
        }

        #[inline]
        fn read(record: &Record<'a>) -> Option<&'a str> {
            core::str::from_utf8(record.value).ok()
        }

        fn absent() -> Option<&'a str> {
            Some("")
        }
    }

    /// `string` whose UTF-8 protobuf does not verify (proto2, editions
    /// `utf8_validation = NONE`), as `&str`: a value that is not UTF-8 is no value of the
    /// field (the owned message keeps it in its unknown fields), not an error.
    #[derive(Clone, Copy, Debug)]
    pub struct UnverifiedStr;

    impl<'a> ViewCodec<'a> for UnverifiedStr {
        type Value = &'a str;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        const UNVERIFIED_STRING: bool = true;

        #[inline]
        fn read(record: &Record<'a>) -> Option<&'a str> {
            core::str::from_utf8(record.value).ok()
        }

        fn absent() -> Option<&'a str> {
            Some("")
        }
    }

    /// `bytes` (and `string`s stored as bytes), as `&[u8]`.
    #[derive(Clone, Copy, Debug)]
    pub struct Bytes;

    impl<'a> ViewCodec<'a> for Bytes {
        type Value = &'a [u8];
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        #[inline]
        fn read(record: &Record<'a>) -> Option<&'a [u8]> {
            Some(record.value)
        }

        fn absent() -> Option<&'a [u8]> {
            Some(&[])
        }
    }

    /// A length-delimited sub-message read as `V`.
    pub struct Message<V>(PhantomData<fn() -> V>);

    impl<'a, V: MessageView<'a>> ViewCodec<'a> for Message<V> {
        type Value = V;
        const WIRE_TYPE: WireType = WireType::LengthDelimited;

        fn check_value(record: &Record<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
            V::check(&Records::new(record.value), ctx.enter()?)
        }

        fn read(record: &Record<'a>) -> Option<V> {
            V::parse_checked(Records::new(record.value))
        }

        fn absent() -> Option<V> {
            V::parse(Records::new(&[]), UNLIMITED).ok()
        }

        fn merged(records: Records<'a>) -> Option<V> {
            V::parse_checked(records)
        }
    }

    /// A group (delimited sub-message) read as `V`.
    pub struct Group<V>(PhantomData<fn() -> V>);

    impl<'a, V: MessageView<'a>> ViewCodec<'a> for Group<V> {
        type Value = V;
        const WIRE_TYPE: WireType = WireType::StartGroup;

        fn check_value(record: &Record<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
            V::check(&Records::new(record.value), ctx.enter()?)
        }

        fn read(record: &Record<'a>) -> Option<V> {
            V::parse_checked(Records::new(record.value))
        }

        fn absent() -> Option<V> {
            V::parse(Records::new(&[]), UNLIMITED).ok()
        }

        fn merged(records: Records<'a>) -> Option<V> {
            V::parse_checked(records)
        }
    }
}

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

/// A sub-message whose type contains itself (its view could not hold it inline): its
/// records, read as a view on demand. [`get`](LazyView::get) reads the view again on every
/// call (the records were checked when the outer view was decoded, so it cannot fail).
pub struct LazyView<'a, V> {
    records: Records<'a>,
    view: PhantomData<fn() -> V>,
}

impl<'a, V: MessageView<'a>> LazyView<'a, V> {
    /// The view over checked `records`.
    pub fn new(records: Records<'a>) -> Self {
        LazyView {
            records,
            view: PhantomData,
        }
    }

    /// The view.
    pub fn get(&self) -> V {
        match V::parse_checked(self.records.clone()) {
            Some(view) => view,
            // Unreachable: the records were checked. An empty view keeps this total.
            None => V::parse(Records::new(&[]), UNLIMITED)
                .unwrap_or_else(|_| unreachable!("an empty message always parses")),
        }
    }

    /// The owned message.
    pub fn to_owned_message(&self) -> V::Owned {
        self.get().to_owned_message()
    }
}

impl<V> Clone for LazyView<'_, V> {
    fn clone(&self) -> Self {
        LazyView {
            records: self.records.clone(),
            view: PhantomData,
        }
    }
}

impl<'a, V: MessageView<'a>> fmt::Debug for LazyView<'a, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// A sub-message whose type has no view: its records, checked when the outer view was
/// decoded (by decoding them with the owned decoder, which allocates), decoded again by
/// [`MessageView::to_owned_message`].
pub struct LazyMessage<'a, M> {
    records: Records<'a>,
    message: PhantomData<fn() -> M>,
}

impl<M> Clone for LazyMessage<'_, M> {
    fn clone(&self) -> Self {
        LazyMessage {
            records: self.records.clone(),
            message: PhantomData,
        }
    }
}

impl<M: Message> fmt::Debug for LazyMessage<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_owned_message(), f)
    }
}

/// Merges every part of `records` into `message`.
fn merge_parts<M: Message>(
    message: &mut M,
    records: &Records<'_>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    for part in records.parts() {
        let mut buf: &[u8] = part;
        merge_until(message, &mut buf, 0, ctx)?;
    }
    Ok(())
}

impl<'a, M: Message> MessageView<'a> for LazyMessage<'a, M> {
    type Owned = M;

    fn check(records: &Records<'a>, ctx: DecodeContext) -> Result<(), DecodeError> {
        merge_parts(&mut M::default(), records, ctx)
    }

    fn parse(records: Records<'a>, ctx: DecodeContext) -> Result<Self, DecodeError> {
        merge_parts(&mut M::default(), &records, ctx)?;
        Ok(LazyMessage {
            records,
            message: PhantomData,
        })
    }

    fn parse_checked(records: Records<'a>) -> Option<Self> {
        Some(LazyMessage {
            records,
            message: PhantomData,
        })
    }

    fn to_owned_message(&self) -> M {
        let mut message = M::default();
        // The records were checked, so this cannot fail.
        let _ = merge_parts(&mut message, &self.records, UNLIMITED);
        message
    }

    fn records(&self) -> &Records<'a> {
        &self.records
    }
}

/// Feeds the records of `records` for which `replay` is true to `owned`'s own
/// `Message::merge_field`, in order. Generated `to_owned_message` does this for fields whose
/// owned form depends on the owned message's unknown-field bookkeeping (numbers the message
/// does not know, closed enums, unverified strings, their maps and oneofs), so the owned
/// message equals what decoding the bytes gives.
pub fn replay<M: Message>(owned: &mut M, records: &Records<'_>, replay: fn(u32) -> bool) {
    for record in records.iter() {
        if replay(record.number) {
            let mut raw = record.raw;
            // The records were checked, so this cannot fail.
            let field = FieldInput::new(record.number, record.wire_type, &mut raw, UNLIMITED);
            let _ = owned.merge_field(field);
        }
    }
}

/// Tracks a singular sub-message field (or a oneof's message member) while a view is read:
/// how often it occurred since it was (re)set and where that run started, so that several
/// occurrences can be merged afterwards.
#[derive(Clone, Copy, Debug, Default)]
pub struct Occurrences<'a> {
    count: u32,
    first: &'a [u8],
    start: Position,
}

impl<'a> Occurrences<'a> {
    /// No occurrence yet.
    pub const fn new() -> Self {
        Occurrences {
            count: 0,
            first: &[],
            start: Position::START,
        }
    }

    /// Counts an occurrence at `position`; returns whether it is the first of its run.
    pub fn add(&mut self, record: &Record<'a>, position: Position) -> bool {
        self.count += 1;
        if self.count == 1 {
            self.first = record.value;
            self.start = position;
            true
        } else {
            false
        }
    }

    /// Forgets the run (another member of the oneof was set).
    pub fn reset(&mut self) {
        *self = Occurrences::new();
    }

    /// Whether there were several occurrences in the run, which must then be merged.
    pub fn is_split(&self) -> bool {
        self.count > 1
    }

    /// The records of the merged message of field `number` if it occurred several times
    /// in its run (its view must then be read again from them), from the records of the
    /// message holding it.
    pub fn merged(&self, holder: &Records<'a>, number: u32) -> Option<Records<'a>> {
        if self.is_split() {
            self.records(holder, number)
        } else {
            None
        }
    }

    /// The records of the merged message of field `number`, from the records of the
    /// message holding it (`None`: no occurrence).
    pub fn records(&self, holder: &Records<'a>, number: u32) -> Option<Records<'a>> {
        match self.count {
            0 => None,
            1 => Some(Records::new(self.first)),
            _ => Some(holder.occurrences(number, self.start)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
