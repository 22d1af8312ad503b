//! Extensions: typed handles ([`Extension`], [`RepeatedExtension`]) for fields declared
//! outside their message, read and written through [`Extendable`].
//!
//! An extendable message keeps its extension fields in its unknown fields, exactly as they
//! arrived, so custom options round-trip byte for byte. Reading decodes them on demand;
//! writing replaces every occurrence of the number with freshly encoded values, inserted in
//! field-number order among the other unknown fields.
//!
//! Any [`Codec`] can be an extension's type, and so can [`codec::Group`](crate::encoding::codec::Group)
//! for group-typed extensions (proto2 `group` and editions `DELIMITED` message extensions),
//! whose values are stored as unknown groups, and
//! [`codec::UnverifiedString`](crate::encoding::codec::UnverifiedString) for `string`
//! extensions whose UTF-8 protobuf does not verify (proto2, editions `utf8_validation =
//! NONE`): all implement [`ExtensionCodec`]. Such a string extension reads a stored value
//! that is not UTF-8 as absent (a `String` cannot hold it) instead of failing; the bytes stay
//! in the unknown fields and are re-encoded unchanged. To read them, use a
//! [`codec::Bytes`](crate::encoding::codec::Bytes) extension of the same number, or generate
//! the extension with protoforge-codegen's `unverified_strings_as_bytes`.
//!
//! ```
//! use protoforge::{Extendable, Extension, encoding::codec};
//! use protoforge::descriptor::FileOptions;
//!
//! const MY_OPTION: Extension<FileOptions, codec::String> = Extension::new(50001);
//! let mut options = FileOptions::default();
//! options.set_extension(&MY_OPTION, &"hello".to_string());
//! assert_eq!(options.extension(&MY_OPTION).unwrap().as_deref(), Some("hello"));
//! ```

use core::fmt;
use core::marker::PhantomData;

use crate::encoding::codec::{Group, UnverifiedString};
use crate::encoding::{Codec, DecodeContext, WireType, decode_key, encode_varint, merge_until};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::message::Message;
use crate::unknown::{UnknownFields, UnknownValue};

/// A singular extension of message `M` with field type `C` (a [`codec`](crate::encoding::codec)).
pub struct Extension<M, C> {
    number: u32,
    marker: PhantomData<fn() -> (M, C)>,
}

impl<M, C> Extension<M, C> {
    /// The extension with field number `number`.
    pub const fn new(number: u32) -> Self {
        Extension {
            number,
            marker: PhantomData,
        }
    }

    /// Its field number.
    pub const fn number(&self) -> u32 {
        self.number
    }
}

impl<M, C> Clone for Extension<M, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, C> Copy for Extension<M, C> {}

impl<M, C> fmt::Debug for Extension<M, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extension")
            .field("number", &self.number)
            .finish()
    }
}

/// A repeated extension of message `M` with element type `C`, packed or not when written.
pub struct RepeatedExtension<M, C> {
    number: u32,
    packed: bool,
    marker: PhantomData<fn() -> (M, C)>,
}

impl<M, C> RepeatedExtension<M, C> {
    /// The repeated extension with field number `number`, written packed if `packed`.
    pub const fn new(number: u32, packed: bool) -> Self {
        RepeatedExtension {
            number,
            packed,
            marker: PhantomData,
        }
    }

    /// Its field number.
    pub const fn number(&self) -> u32 {
        self.number
    }
}

impl<M, C> Clone for RepeatedExtension<M, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, C> Copy for RepeatedExtension<M, C> {}

impl<M, C> fmt::Debug for RepeatedExtension<M, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RepeatedExtension")
            .field("number", &self.number)
            .field("packed", &self.packed)
            .finish()
    }
}

/// The bytes of one unknown value as its codec would read them (after the tag).
fn value_bytes(value: &UnknownValue) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match value {
        UnknownValue::Varint(v) => encode_varint(*v, &mut out),
        UnknownValue::Fixed64(v) => out.extend_from_slice(&v.to_le_bytes()),
        UnknownValue::Fixed32(v) => out.extend_from_slice(&v.to_le_bytes()),
        UnknownValue::LengthDelimited(bytes) => {
            encode_varint(bytes.len() as u64, &mut out);
            out.extend_from_slice(bytes);
        }
        UnknownValue::Group(_) => return None,
    }
    Some(out)
}

/// Turns one encoded value (without tag) back into an unknown value.
fn to_unknown(wire_type: WireType, bytes: &[u8]) -> Result<UnknownValue, DecodeError> {
    let mut fields = UnknownFields::new();
    let mut buf = bytes;
    fields.merge_field(1, wire_type, &mut buf, DecodeContext::default())?;
    fields
        .iter()
        .next()
        .map(|field| field.value.clone())
        .ok_or_else(|| DecodeErrorKind::Truncated.into())
}

/// The error for a stored value whose wire type the extension's type cannot read.
fn wrong_wire_type(expected: WireType, stored: &UnknownValue) -> DecodeError {
    DecodeErrorKind::UnexpectedWireType {
        expected: expected as u8,
        actual: stored.wire_type() as u8,
    }
    .into()
}

/// The type of an extension field: how its values are read from and written to the unknown
/// fields that hold them. Implemented by every [`Codec`] and by
/// [`codec::Group`](crate::encoding::codec::Group).
pub trait ExtensionCodec {
    /// The Rust type of one value.
    type Value: Default;

    /// Merges one stored occurrence into `slot`, which is `None` before the first one:
    /// scalars are replaced, messages merged. An occurrence that holds no value of this type
    /// although its wire type fits (an unverified string that is not UTF-8) sets `slot` to
    /// `None`, since the last occurrence wins.
    fn merge_stored(
        stored: &UnknownValue,
        slot: &mut Option<Self::Value>,
    ) -> Result<(), DecodeError>;

    /// Appends the value(s) of one stored occurrence (packed runs included) to `values`;
    /// an occurrence that holds no value of this type appends nothing.
    fn merge_stored_repeated(
        stored: &UnknownValue,
        values: &mut Vec<Self::Value>,
    ) -> Result<(), DecodeError>;

    /// One value as a stored occurrence.
    fn to_stored(value: &Self::Value) -> Option<UnknownValue>;

    /// All values as one packed occurrence, for types that can be packed.
    fn to_stored_packed(values: &[Self::Value]) -> Option<UnknownValue> {
        let _ = values;
        None
    }
}

impl<C: Codec> ExtensionCodec for C {
    type Value = C::Value;

    fn merge_stored(stored: &UnknownValue, slot: &mut Option<C::Value>) -> Result<(), DecodeError> {
        let bytes = value_bytes(stored).ok_or_else(|| wrong_wire_type(C::WIRE_TYPE, stored))?;
        C::merge(
            stored.wire_type(),
            slot.get_or_insert_with(C::Value::default),
            &mut &bytes[..],
            DecodeContext::default(),
        )
    }

    fn merge_stored_repeated(
        stored: &UnknownValue,
        values: &mut Vec<C::Value>,
    ) -> Result<(), DecodeError> {
        let bytes = value_bytes(stored).ok_or_else(|| wrong_wire_type(C::WIRE_TYPE, stored))?;
        C::merge_repeated(
            stored.wire_type(),
            values,
            &mut &bytes[..],
            DecodeContext::default(),
        )
    }

    fn to_stored(value: &C::Value) -> Option<UnknownValue> {
        let mut bytes = Vec::with_capacity(C::value_len(value));
        C::encode_value(value, &mut bytes);
        to_unknown(C::WIRE_TYPE, &bytes).ok()
    }

    fn to_stored_packed(values: &[C::Value]) -> Option<UnknownValue> {
        if !C::PACKABLE || values.is_empty() {
            return None;
        }
        let mut bytes = Vec::new();
        encode_varint(C::packed_body_len(values) as u64, &mut bytes);
        for value in values {
            C::encode_value(value, &mut bytes);
        }
        to_unknown(WireType::LengthDelimited, &bytes).ok()
    }
}

impl<M: Message> ExtensionCodec for Group<M> {
    type Value = M;

    fn merge_stored(stored: &UnknownValue, slot: &mut Option<M>) -> Result<(), DecodeError> {
        let UnknownValue::Group(fields) = stored else {
            return Err(wrong_wire_type(WireType::StartGroup, stored));
        };
        let mut bytes = Vec::with_capacity(fields.encoded_len());
        fields.encode_raw(&mut bytes);
        merge_until(
            slot.get_or_insert_with(M::default),
            &mut &bytes[..],
            0,
            DecodeContext::default(),
        )
    }

    fn merge_stored_repeated(
        stored: &UnknownValue,
        values: &mut Vec<M>,
    ) -> Result<(), DecodeError> {
        let mut value = None;
        Self::merge_stored(stored, &mut value)?;
        values.extend(value);
        Ok(())
    }

    fn to_stored(value: &M) -> Option<UnknownValue> {
        let bytes = value.encode_to_vec();
        let mut buf = &bytes[..];
        let mut fields = UnknownFields::new();
        while !buf.is_empty() {
            let (number, wire_type) = decode_key(&mut buf).ok()?;
            fields
                .merge_field(number, wire_type, &mut buf, DecodeContext::default())
                .ok()?;
        }
        Some(UnknownValue::Group(fields))
    }
}

impl ExtensionCodec for UnverifiedString {
    type Value = String;

    fn merge_stored(stored: &UnknownValue, slot: &mut Option<String>) -> Result<(), DecodeError> {
        let UnknownValue::LengthDelimited(bytes) = stored else {
            return Err(wrong_wire_type(WireType::LengthDelimited, stored));
        };
        *slot = core::str::from_utf8(bytes).ok().map(str::to_string);
        Ok(())
    }

    fn merge_stored_repeated(
        stored: &UnknownValue,
        values: &mut Vec<String>,
    ) -> Result<(), DecodeError> {
        let mut value = None;
        Self::merge_stored(stored, &mut value)?;
        values.extend(value);
        Ok(())
    }

    fn to_stored(value: &String) -> Option<UnknownValue> {
        Some(UnknownValue::LengthDelimited(value.as_bytes().to_vec()))
    }
}

/// A message with extension ranges. Generated code implements the two accessors; the
/// extension methods are provided.
pub trait Extendable: Message {
    /// The message's fully qualified protobuf name, e.g. `google.protobuf.FileOptions`.
    const FULL_NAME: &'static str;

    /// The unknown fields, where extension values are kept.
    fn extension_fields(&self) -> &UnknownFields;

    /// The unknown fields, mutably.
    fn extension_fields_mut(&mut self) -> &mut UnknownFields;

    /// Whether the extension is present.
    fn has_extension<C: ExtensionCodec>(&self, ext: &Extension<Self, C>) -> bool {
        self.extension_fields().get(ext.number).next().is_some()
    }

    /// The extension's value, `None` if absent. Several occurrences merge as protobuf says
    /// (the last scalar wins, messages merge). A stored value of the wrong wire type is an
    /// error; an unverified string that is not UTF-8 reads as absent (see the module docs).
    fn extension<C: ExtensionCodec>(
        &self,
        ext: &Extension<Self, C>,
    ) -> Result<Option<C::Value>, DecodeError> {
        let mut value: Option<C::Value> = None;
        for stored in self.extension_fields().get(ext.number) {
            C::merge_stored(stored, &mut value)?;
        }
        Ok(value)
    }

    /// Sets the extension, replacing any earlier occurrences.
    fn set_extension<C: ExtensionCodec>(&mut self, ext: &Extension<Self, C>, value: &C::Value) {
        let stored = C::to_stored(value);
        let fields = self.extension_fields_mut();
        fields.remove(ext.number);
        if let Some(stored) = stored {
            fields.insert_sorted(ext.number, stored);
        }
    }

    /// Removes the extension; returns whether it was present.
    fn clear_extension<C: ExtensionCodec>(&mut self, ext: &Extension<Self, C>) -> bool {
        self.extension_fields_mut().remove(ext.number)
    }

    /// The values of a repeated extension (packed and unpacked occurrences both accepted).
    fn repeated_extension<C: ExtensionCodec>(
        &self,
        ext: &RepeatedExtension<Self, C>,
    ) -> Result<Vec<C::Value>, DecodeError> {
        let mut values = Vec::new();
        for stored in self.extension_fields().get(ext.number) {
            C::merge_stored_repeated(stored, &mut values)?;
        }
        Ok(values)
    }

    /// Sets a repeated extension, replacing any earlier occurrences; an empty slice removes it.
    fn set_repeated_extension<C: ExtensionCodec>(
        &mut self,
        ext: &RepeatedExtension<Self, C>,
        values: &[C::Value],
    ) {
        let packed = if ext.packed {
            C::to_stored_packed(values)
        } else {
            None
        };
        let fields = self.extension_fields_mut();
        fields.remove(ext.number);
        if let Some(stored) = packed {
            fields.insert_sorted(ext.number, stored);
            return;
        }
        for value in values {
            if let Some(stored) = C::to_stored(value) {
                fields.insert_sorted(ext.number, stored);
            }
        }
    }
}
