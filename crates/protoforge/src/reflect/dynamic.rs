//! [`DynamicMessage`]: a message of any type known to a pool, stored as a list of set fields
//! and extensions sorted by field number (so encoding walks it once, extensions interleaved
//! by number) plus the unknown fields. Presence, oneof and default rules follow the
//! descriptor's resolved features.

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::DecodeError;
use crate::unknown::UnknownFields;

use super::descriptors::{Cardinality, ExtensionDescriptor, FieldDescriptor, MessageDescriptor};
use super::pool::FieldEntry;
use super::value::{SetFieldError, Value};
use super::wire;

/// What a slot holds: a field of the message (by index into its fields) or an extension.
#[derive(Clone, Debug)]
pub(crate) enum SlotKind {
    Field(u32),
    Extension(ExtensionDescriptor),
}

/// One set field or extension.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    pub number: u32,
    pub kind: SlotKind,
    pub value: Value,
}

/// A message whose type is known only at run time, through a [`MessageDescriptor`].
///
/// Decoding and encoding follow the same wire rules as generated code: packed and expanded
/// repeated fields are both accepted, unknown numbers of closed enums become unknown fields,
/// oneofs keep the last member seen, repeated sub-messages merge, and encoding writes fields
/// in number order with extensions interleaved by number and unknown fields last (maps are
/// written sorted by key).
#[derive(Clone, Debug)]
pub struct DynamicMessage {
    pub(crate) desc: MessageDescriptor,
    /// Sorted by number; at most one slot per number.
    pub(crate) slots: Vec<Slot>,
    pub(crate) unknown: UnknownFields,
}

impl PartialEq for DynamicMessage {
    /// Messages are equal when they have the same type, the same set fields (by
    /// [`has_field`](DynamicMessage::has_field)) with equal values, the same extensions and
    /// the same unknown fields. Maps compare by content, whatever order their entries were
    /// added in; floats compare as numbers, so a message holding a NaN is not equal to
    /// itself (as with generated code's derived `PartialEq`; compare encodings instead).
    fn eq(&self, other: &Self) -> bool {
        if self.desc.full_name() != other.desc.full_name() || self.unknown != other.unknown {
            return false;
        }
        let mut a = self.slots.iter().filter(|s| self.slot_present(s));
        let mut b = other.slots.iter().filter(|s| other.slot_present(s));
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if x.number == y.number && x.value == y.value => {}
                _ => return false,
            }
        }
    }
}

impl DynamicMessage {
    /// An empty message of type `desc`.
    pub fn new(desc: MessageDescriptor) -> Self {
        DynamicMessage {
            desc,
            slots: Vec::new(),
            unknown: UnknownFields::new(),
        }
    }

    /// The message's type.
    pub fn descriptor(&self) -> MessageDescriptor {
        self.desc.clone()
    }

    /// Decodes a message of type `desc` from all of `buf` (recursion limit 100).
    pub fn decode(desc: MessageDescriptor, buf: &[u8]) -> Result<Self, DecodeError> {
        let mut msg = DynamicMessage::new(desc);
        msg.merge(buf)?;
        Ok(msg)
    }

    /// Decodes all of `buf` and merges it into this message: scalars replaced, messages
    /// merged, lists appended, map entries inserted.
    pub fn merge(&mut self, buf: &[u8]) -> Result<(), DecodeError> {
        let mut buf = buf;
        let pool = self.desc.pool.clone();
        wire::merge_message(
            &pool,
            self,
            &mut buf,
            None,
            crate::encoding::DecodeContext::default(),
        )
    }

    /// The encoded message.
    pub fn encode_to_vec(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        wire::encode_message(self, &mut buf);
        buf
    }

    /// Appends the encoded message to `buf`.
    pub fn encode_to(&self, buf: &mut Vec<u8>) {
        wire::encode_message(self, buf);
    }

    /// The exact length of [`encode_to_vec`](Self::encode_to_vec)'s output.
    pub fn encoded_len(&self) -> usize {
        wire::encoded_len(self)
    }

    pub(crate) fn field_entry(&self, index: u32) -> &FieldEntry {
        &self.desc.entry().fields[index as usize]
    }

    fn slot_index(&self, number: u32) -> Result<usize, usize> {
        if let Some(last) = self.slots.last()
            && last.number < number
        {
            return Err(self.slots.len());
        }
        self.slots.binary_search_by_key(&number, |s| s.number)
    }

    /// Whether a slot counts as set.
    pub(crate) fn slot_present(&self, slot: &Slot) -> bool {
        match &slot.kind {
            SlotKind::Field(i) => wire::is_present(self.field_entry(*i), &slot.value),
            SlotKind::Extension(ext) => wire::is_present(ext.entry(), &slot.value),
        }
    }

    /// The index of `field` among this message's fields, if it is one of them.
    fn own_field(&self, field: &FieldDescriptor) -> Option<u32> {
        if Arc::ptr_eq(&field.pool.inner, &self.desc.pool.inner) && field.message == self.desc.index
        {
            return Some(field.index);
        }
        // The same message from another pool (a newer snapshot, say): match by number.
        if field.parent_message().full_name() != self.desc.full_name() {
            return None;
        }
        let index = self.desc.field_index(field.number())?;
        (self.field_entry(index).name == field.name()).then_some(index)
    }

    fn field_slot(&self, field: &FieldDescriptor) -> Option<&Slot> {
        let index = self.own_field(field)?;
        let number = self.field_entry(index).number;
        let at = self.slot_index(number).ok()?;
        let slot = &self.slots[at];
        matches!(slot.kind, SlotKind::Field(_)).then_some(slot)
    }

    /// Whether `field` is set: for fields with presence, whether a value was set or decoded;
    /// for implicit-presence scalars, whether the value differs from the default; for lists
    /// and maps, whether they are non-empty.
    pub fn has_field(&self, field: &FieldDescriptor) -> bool {
        self.field_slot(field).is_some_and(|s| self.slot_present(s))
    }

    /// The value of `field`, or its default if unset.
    pub fn get_field(&self, field: &FieldDescriptor) -> Cow<'_, Value> {
        match self.field_slot(field) {
            Some(slot) => Cow::Borrowed(&slot.value),
            None => Cow::Owned(field.default_value()),
        }
    }

    /// The value of `field`, set to its default first if unset (which clears the other
    /// members of its oneof).
    ///
    /// # Panics
    ///
    /// If `field` is not a field of this message's type.
    pub fn get_field_mut(&mut self, field: &FieldDescriptor) -> &mut Value {
        let Some(index) = self.own_field(field) else {
            panic!(
                "`{}` is not a field of `{}`",
                field.full_name(),
                self.desc.full_name()
            );
        };
        self.field_value_mut(index)
    }

    /// The slot value of field `index`, inserted as the default if missing; other members
    /// of its oneof are cleared.
    pub(crate) fn field_value_mut(&mut self, index: u32) -> &mut Value {
        let number = self.field_entry(index).number;
        let at = match self.slot_index(number) {
            Ok(at) => at,
            Err(_) => {
                self.clear_oneof_siblings(index);
                let value = self.field_default(index);
                // Clearing siblings may have moved slots.
                let at = self.slot_index(number).unwrap_or_else(|at| at);
                self.slots.insert(
                    at,
                    Slot {
                        number,
                        kind: SlotKind::Field(index),
                        value,
                    },
                );
                at
            }
        };
        &mut self.slots[at].value
    }

    fn field_default(&self, index: u32) -> Value {
        FieldDescriptor {
            pool: self.desc.pool.clone(),
            message: self.desc.index,
            index,
        }
        .default_value()
    }

    /// Removes the other members of field `index`'s (real) oneof.
    pub(crate) fn clear_oneof_siblings(&mut self, index: u32) {
        let entry = self.desc.entry();
        let Some(oneof) = entry.fields[index as usize].oneof else {
            return;
        };
        let oneof = &entry.oneofs[oneof as usize];
        if oneof.synthetic {
            return;
        }
        let numbers: Vec<u32> = oneof
            .fields
            .iter()
            .filter(|&&f| f != index)
            .map(|&f| entry.fields[f as usize].number)
            .collect();
        self.slots.retain(|s| !numbers.contains(&s.number));
    }

    /// Sets `field` to `value` (clearing the other members of its oneof).
    ///
    /// The value should fit the field ([`Value::is_valid_for_field`]); this is checked with
    /// `debug_assert!`, and in release builds a value that does not fit is stored anyway and
    /// encoded as the field type's default. Use [`try_set_field`](Self::try_set_field) to
    /// check. Does nothing if `field` belongs to another message type.
    pub fn set_field(&mut self, field: &FieldDescriptor, value: Value) {
        debug_assert!(
            value.is_valid_for_field(field),
            "value {value:?} does not fit field `{}`",
            field.full_name()
        );
        if let Some(index) = self.own_field(field) {
            *self.field_value_mut(index) = value;
        }
    }

    /// Sets `field` to `value` if the value fits the field and the field belongs to this
    /// message's type.
    pub fn try_set_field(
        &mut self,
        field: &FieldDescriptor,
        value: Value,
    ) -> Result<(), SetFieldError> {
        let Some(index) = self.own_field(field) else {
            return Err(SetFieldError::NotFound {
                field: field.full_name().to_owned(),
            });
        };
        if !value.is_valid_for_field(field) {
            return Err(SetFieldError::InvalidType {
                field: field.full_name().to_owned(),
                value,
            });
        }
        *self.field_value_mut(index) = value;
        Ok(())
    }

    /// Unsets `field`.
    pub fn clear_field(&mut self, field: &FieldDescriptor) {
        let Some(index) = self.own_field(field) else {
            return;
        };
        let number = self.field_entry(index).number;
        if let Ok(at) = self.slot_index(number) {
            self.slots.remove(at);
        }
    }

    /// The value of the field named `name`, or `None` if the type has no such field.
    pub fn get_field_by_name(&self, name: &str) -> Option<Cow<'_, Value>> {
        let field = self.desc.get_field_by_name(name)?;
        Some(self.get_field(&field))
    }

    /// Sets the field named `name` (nothing happens if there is none); see
    /// [`set_field`](Self::set_field).
    pub fn set_field_by_name(&mut self, name: &str, value: Value) {
        if let Some(field) = self.desc.get_field_by_name(name) {
            self.set_field(&field, value);
        }
    }

    /// The set fields (as [`has_field`](Self::has_field) defines it), in field-number order;
    /// regular fields only.
    pub fn fields(&self) -> impl Iterator<Item = (FieldDescriptor, &Value)> {
        self.slots.iter().filter_map(move |slot| match slot.kind {
            SlotKind::Field(index) if self.slot_present(slot) => Some((
                FieldDescriptor {
                    pool: self.desc.pool.clone(),
                    message: self.desc.index,
                    index,
                },
                &slot.value,
            )),
            _ => None,
        })
    }

    fn extension_slot(&self, ext: &ExtensionDescriptor) -> Option<usize> {
        let at = self.slot_index(ext.number()).ok()?;
        matches!(self.slots[at].kind, SlotKind::Extension(_)).then_some(at)
    }

    /// Whether extension `ext` is set (lists: non-empty).
    pub fn has_extension(&self, ext: &ExtensionDescriptor) -> bool {
        self.extension_slot(ext)
            .is_some_and(|at| self.slot_present(&self.slots[at]))
    }

    /// The value of extension `ext`, or its default.
    pub fn get_extension(&self, ext: &ExtensionDescriptor) -> Cow<'_, Value> {
        match self.extension_slot(ext) {
            Some(at) => Cow::Borrowed(&self.slots[at].value),
            None => Cow::Owned(ext.default_value()),
        }
    }

    /// The value of extension `ext`, set to its default first if unset.
    pub fn get_extension_mut(&mut self, ext: &ExtensionDescriptor) -> &mut Value {
        let at = match self.slot_index(ext.number()) {
            Ok(at) => {
                if !matches!(self.slots[at].kind, SlotKind::Extension(_)) {
                    self.slots[at] = Slot {
                        number: ext.number(),
                        kind: SlotKind::Extension(ext.clone()),
                        value: ext.default_value(),
                    };
                }
                at
            }
            Err(at) => {
                self.slots.insert(
                    at,
                    Slot {
                        number: ext.number(),
                        kind: SlotKind::Extension(ext.clone()),
                        value: ext.default_value(),
                    },
                );
                at
            }
        };
        &mut self.slots[at].value
    }

    /// Sets extension `ext` (which should extend this message's type).
    pub fn set_extension(&mut self, ext: &ExtensionDescriptor, value: Value) {
        *self.get_extension_mut(ext) = value;
    }

    /// Unsets extension `ext`.
    pub fn clear_extension(&mut self, ext: &ExtensionDescriptor) {
        if let Some(at) = self.extension_slot(ext) {
            self.slots.remove(at);
        }
    }

    /// The set extensions, in number order.
    pub fn extensions(&self) -> impl Iterator<Item = (ExtensionDescriptor, &Value)> {
        self.slots.iter().filter_map(move |slot| match &slot.kind {
            SlotKind::Extension(ext) if self.slot_present(slot) => Some((ext.clone(), &slot.value)),
            _ => None,
        })
    }

    /// The fields decoded that the type does not know (unknown extensions included).
    pub fn unknown_fields(&self) -> &UnknownFields {
        &self.unknown
    }

    /// The unknown fields, mutably.
    pub fn unknown_fields_mut(&mut self) -> &mut UnknownFields {
        &mut self.unknown
    }

    /// Unsets every field and extension and drops the unknown fields.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.unknown.clear();
    }

    /// Merges `m` into this message through the wire format (`m` should be of this type).
    pub fn transcode_from<M: crate::Message>(&mut self, m: &M) -> Result<(), DecodeError> {
        self.merge(&m.encode_to_vec())
    }

    /// This message as the generated type `M`, through the wire format.
    pub fn transcode_to<M: crate::Message>(&self) -> Result<M, DecodeError> {
        M::decode(&self.encode_to_vec()[..])
    }

    /// Whether every required field is set, in this message and every sub-message.
    pub fn is_initialized(&self) -> bool {
        let entry = self.desc.entry();
        let required_set = entry
            .fields
            .iter()
            .filter(|f| f.cardinality == Cardinality::Required)
            .all(|f| self.slot_index(f.number).is_ok());
        required_set
            && self.slots.iter().all(|slot| match &slot.value {
                Value::Message(m) => m.is_initialized(),
                Value::List(list) => list
                    .iter()
                    .all(|v| v.as_message().is_none_or(DynamicMessage::is_initialized)),
                Value::Map(map) => map
                    .values()
                    .all(|v| v.as_message().is_none_or(DynamicMessage::is_initialized)),
                _ => true,
            })
    }
}
