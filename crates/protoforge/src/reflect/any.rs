//! The payloads of the `google.protobuf.Any`s inside a message that a printer decoded itself,
//! taken out so each can be released as soon as it has been expanded.
//!
//! Printing an `Any` in expanded form decodes its payload into a new message, and that message
//! holds copies of the payloads of the `Any`s nested in it. Left in place while the printer
//! descends, every level of an `Any`-in-`Any` chain would keep its own copy of nearly the whole
//! input alive (a 100-level chain, 100 times the input). Taken out first, each payload is
//! dropped once decoded, and memory stays linear in the input however deeply `Any`s nest.

use std::collections::HashMap;

use bytes::Bytes;

use super::dynamic::{DynamicMessage, SlotKind};
use super::value::Value;

/// The field number of `google.protobuf.Any.value`.
const ANY_VALUE: u32 = 2;

/// Payloads taken from the `Any`s of one message, keyed by each `Any`'s address.
#[derive(Debug, Default)]
pub(crate) struct AnyPayloads {
    taken: HashMap<usize, Bytes>,
}

fn address(msg: &DynamicMessage) -> usize {
    std::ptr::from_ref(msg) as usize
}

impl AnyPayloads {
    /// Takes the payload of every `Any` in `msg`: `msg` itself, its sub-messages, list
    /// elements, map values and extensions at any depth (not what is inside the payloads).
    /// `msg` must stay where it is, unchanged, while the result is in use.
    pub(crate) fn take_from(msg: &mut DynamicMessage) -> Self {
        let mut payloads = AnyPayloads::default();
        payloads.collect(msg);
        payloads
    }

    fn collect(&mut self, msg: &mut DynamicMessage) {
        let is_any = msg.desc.full_name() == "google.protobuf.Any";
        let at = address(msg);
        for slot in &mut msg.slots {
            match &mut slot.value {
                Value::Bytes(bytes)
                    if is_any
                        && slot.number == ANY_VALUE
                        && matches!(slot.kind, SlotKind::Field(_))
                        && !bytes.is_empty() =>
                {
                    self.taken.insert(at, std::mem::take(bytes));
                }
                Value::Message(sub) => self.collect(sub),
                Value::List(values) => {
                    for value in values {
                        if let Value::Message(sub) = value {
                            self.collect(sub);
                        }
                    }
                }
                Value::Map(map) => {
                    for value in map.values_mut() {
                        if let Value::Message(sub) = value {
                            self.collect(sub);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The payload taken from `any`, if it is one of the `Any`s this was taken from (each is
    /// handed out once).
    pub(crate) fn take(&mut self, any: &DynamicMessage) -> Option<Bytes> {
        self.taken.remove(&address(any))
    }
}
