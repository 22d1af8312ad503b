//! The [`MessageView`] trait and the records a view is read from: [`Records`] (the body of a
//! message, possibly split over several occurrences), the [`Record`]s in it, the scanner
//! generated `parse` walks them with, and the [`Occurrences`] of a sub-message field.

use core::fmt;
use std::sync::Arc;

use crate::encoding::{DecodeContext, WireType, decode_key, decode_len, decode_varint};
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
pub(super) const UNLIMITED: DecodeContext = DecodeContext::new(u32::MAX);

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
pub(super) fn read_record<'a>(
    buf: &mut &'a [u8],
    ctx: DecodeContext,
) -> Result<Record<'a>, DecodeError> {
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
pub(super) struct Walker<'a, 'r> {
    parts: &'r [&'a [u8]],
    part: usize,
    rest: &'a [u8],
}

impl<'a, 'r> Walker<'a, 'r> {
    pub(super) fn new(parts: &'r [&'a [u8]], from: Position) -> Self {
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
    pub(super) fn next_checked(&mut self) -> Option<Record<'a>> {
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
