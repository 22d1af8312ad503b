//! Sub-messages read on demand: [`LazyView`] for a type that contains itself,
//! [`LazyMessage`] for a type without a view, and [`replay`] into an owned message.

use core::fmt;
use core::marker::PhantomData;

use super::{MessageView, Records, UNLIMITED};
use crate::encoding::{DecodeContext, FieldInput, merge_until};
use crate::error::DecodeError;
use crate::message::Message;

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
