//! The wire format of [`DynamicMessage`]: decoding by descriptor with the rules generated
//! code follows (packed or expanded input for packable types, closed-enum unknowns kept as
//! unknown fields, groups and `DELIMITED` messages, map entries, last oneof member wins,
//! messages merge, MessageSet items for `message_set_wire_format` types, the recursion
//! limit) and encoding in field-number order with unknown fields last.

use std::collections::HashMap;
use std::sync::Arc;

use crate::encoding::{
    DecodeContext, WireType, check_wire_type, decode_key, decode_len, decode_varint, encode_key,
    encode_varint, encoded_len_varint, key_len,
};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::unknown::{UnknownFields, UnknownValue};

use super::descriptors::{Cardinality, ExtensionDescriptor, MessageDescriptor};
use super::dynamic::{DynamicMessage, Slot, SlotKind};
use super::pool::{DescriptorPool, FieldEntry, KindIndex, PoolInner};
use super::value::{MapKey, Value};

type Buf<'a> = &'a [u8];

/// Decodes fields into `msg` until `buf` is empty (`group == None`) or the end-group tag of
/// `group` is read.
pub(crate) fn merge_message(
    pool: &DescriptorPool,
    msg: &mut DynamicMessage,
    buf: &mut Buf<'_>,
    group: Option<u32>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    loop {
        if buf.is_empty() {
            return match group {
                None => Ok(()),
                Some(g) => Err(DecodeErrorKind::UnterminatedGroup(g).into()),
            };
        }
        let (number, wire_type) = decode_key(buf)?;
        if wire_type == WireType::EndGroup {
            return match group {
                Some(g) if g == number => Ok(()),
                Some(g) => Err(DecodeErrorKind::EndGroupMismatch {
                    expected: g,
                    actual: number,
                }
                .into()),
                None => Err(DecodeErrorKind::UnexpectedEndGroup(number).into()),
            };
        }
        merge_field(pool, msg, number, wire_type, buf, ctx)?;
    }
}

fn merge_field(
    pool: &DescriptorPool,
    msg: &mut DynamicMessage,
    number: u32,
    wire_type: WireType,
    buf: &mut Buf<'_>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    let inner: &PoolInner = &pool.inner;
    let message = msg.desc.index;
    let entry = &inner.messages[message as usize];
    if let Ok(i) = entry.by_number.binary_search_by_key(&number, |&(n, _)| n) {
        let index = entry.by_number[i].1;
        let field = &entry.fields[index as usize];
        return merge_into_slot(
            msg,
            pool,
            field,
            SlotKind::Field(index),
            wire_type,
            buf,
            ctx,
        );
    }
    if entry.message_set && number == 1 && wire_type == WireType::StartGroup {
        return merge_message_set_item(msg, pool, buf, ctx);
    }
    if let Some(ext) = inner.extension_by_number(message, number) {
        let field = &inner.extensions[ext as usize];
        // An extension sent with a wire type its type cannot have is an unknown field, as in
        // protoc and in generated code (which keeps extensions in the unknown fields).
        if reads_wire_type(field, wire_type) {
            let kind = SlotKind::Extension(ExtensionDescriptor::new(pool.clone(), ext));
            return merge_into_slot(msg, pool, field, kind, wire_type, buf, ctx);
        }
    }
    msg.unknown.merge_field(number, wire_type, buf, ctx)
}

/// Whether a value of `field` can arrive with `wire_type`: its type's own, a group's start
/// for groups and `DELIMITED` messages, or a packed run for packable repeated fields.
fn reads_wire_type(field: &FieldEntry, wire_type: WireType) -> bool {
    let own = if field.group {
        WireType::StartGroup
    } else {
        wire_type_of(field.kind)
    };
    wire_type == own
        || (wire_type == WireType::LengthDelimited
            && field.cardinality == Cardinality::Repeated
            && field.kind.is_packable())
}

/// The slot of `kind` with `field`'s number, inserted (after clearing oneof siblings) with
/// `init` if missing.
fn slot_mut<'m>(
    msg: &'m mut DynamicMessage,
    field: &FieldEntry,
    kind: &SlotKind,
    init: impl FnOnce() -> Value,
) -> &'m mut Value {
    let number = field.number;
    let found = match msg.slots.last() {
        Some(last) if last.number == number => Ok(msg.slots.len() - 1),
        Some(last) if last.number < number => Err(msg.slots.len()),
        _ => msg.slots.binary_search_by_key(&number, |s| s.number),
    };
    let at = match found {
        Ok(at) => at,
        Err(mut at) => {
            if let SlotKind::Field(index) = kind
                && field.oneof.is_some()
            {
                msg.clear_oneof_siblings(*index);
                at = msg
                    .slots
                    .binary_search_by_key(&number, |s| s.number)
                    .unwrap_or_else(|at| at);
            }
            msg.slots.insert(
                at,
                Slot {
                    number,
                    kind: kind.clone(),
                    value: init(),
                },
            );
            at
        }
    };
    &mut msg.slots[at].value
}

fn message_kind(pool: &DescriptorPool, m: u32) -> MessageDescriptor {
    MessageDescriptor::new(pool.clone(), m)
}

/// Decodes into a sub-message, with its own pool should it come from another one (a value
/// set by hand).
fn merge_nested(
    pool: &DescriptorPool,
    sub: &mut DynamicMessage,
    buf: &mut Buf<'_>,
    group: Option<u32>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    if Arc::ptr_eq(&pool.inner, &sub.desc.pool.inner) {
        merge_message(pool, sub, buf, group, ctx)
    } else {
        let own = sub.desc.pool.clone();
        merge_message(&own, sub, buf, group, ctx)
    }
}

fn merge_into_slot(
    msg: &mut DynamicMessage,
    pool: &DescriptorPool,
    field: &FieldEntry,
    kind: SlotKind,
    wire_type: WireType,
    buf: &mut Buf<'_>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    let inner = &pool.inner;
    let number = field.number;
    if let (SlotKind::Field(index), Some(oneof)) = (&kind, field.oneof)
        && !msg.unknown.is_empty()
    {
        drop_raw_oneof_siblings(inner, msg, *index, oneof);
    }
    if field.is_map {
        let KindIndex::Message(entry_type) = field.kind else {
            return msg.unknown.merge_field(number, wire_type, buf, ctx);
        };
        check_wire_type(WireType::LengthDelimited, wire_type)?;
        let ctx_entry = ctx.enter()?;
        let len = decode_len(buf)?;
        let (body, rest) = buf.split_at(len);
        *buf = rest;
        match decode_map_entry(pool, entry_type, body, ctx_entry)? {
            Some((key, value)) => {
                if let Value::Map(map) = slot_mut(msg, field, &kind, || Value::Map(HashMap::new()))
                {
                    map.insert(key, value);
                }
            }
            None => msg
                .unknown
                .push(number, UnknownValue::LengthDelimited(body.to_vec())),
        }
        return Ok(());
    }
    if field.cardinality == Cardinality::Repeated {
        if let KindIndex::Message(m) = field.kind {
            let mut sub = DynamicMessage::new(message_kind(pool, m));
            merge_sub_message(pool, &mut sub, field, wire_type, buf, ctx)?;
            if let Value::List(list) = slot_mut(msg, field, &kind, || Value::List(Vec::new())) {
                list.push(Value::Message(sub));
            }
            return Ok(());
        }
        if wire_type == WireType::LengthDelimited && field.kind.is_packable() {
            let len = decode_len(buf)?;
            let (mut body, rest) = buf.split_at(len);
            *buf = rest;
            let fixed = fixed_size(field.kind);
            if fixed != 0 && len % fixed != 0 {
                return Err(DecodeErrorKind::InvalidPackedLength.into());
            }
            let reserve = len.checked_div(fixed).unwrap_or(0);
            let list = slot_mut(msg, field, &kind, || Value::List(Vec::new()));
            let mut unknown = Vec::new();
            if let Value::List(list) = list {
                list.reserve(reserve);
                while !body.is_empty() {
                    match read_scalar(inner, field, &mut body)? {
                        Scalar::Value(v) => list.push(v),
                        Scalar::Unknown(raw) => unknown.push(raw),
                    }
                }
            }
            for raw in unknown {
                msg.unknown.push(number, raw);
            }
            // A packed run with no values leaves an empty list, which is the same as unset.
            return Ok(());
        }
        check_wire_type(wire_type_of(field.kind), wire_type)?;
        match read_scalar(inner, field, buf)? {
            Scalar::Value(v) => {
                if let Value::List(list) = slot_mut(msg, field, &kind, || Value::List(Vec::new())) {
                    list.push(v);
                }
            }
            Scalar::Unknown(raw) => msg.unknown.push(number, raw),
        }
        return Ok(());
    }
    if let KindIndex::Message(m) = field.kind {
        let slot = slot_mut(msg, field, &kind, || {
            Value::Message(DynamicMessage::new(message_kind(pool, m)))
        });
        if !matches!(slot, Value::Message(_)) {
            *slot = Value::Message(DynamicMessage::new(message_kind(pool, m)));
        }
        if let Value::Message(sub) = slot {
            merge_sub_message(pool, sub, field, wire_type, buf, ctx)?;
        }
        return Ok(());
    }
    check_wire_type(wire_type_of(field.kind), wire_type)?;
    let scalar = read_scalar(inner, field, buf)?;
    // A singular string the field does not verify: the last occurrence wins whether it is
    // UTF-8 (kept in the slot) or not (kept raw in the unknown fields), so each occurrence
    // drops the earlier ones from both places, as generated code does.
    let unverified_string = field.kind == KindIndex::String && !field.verify_utf8;
    if unverified_string && !msg.unknown.is_empty() {
        msg.unknown.remove(number);
    }
    match scalar {
        Scalar::Value(v) => {
            let slot = slot_mut(msg, field, &kind, || Value::Bool(false));
            *slot = v;
        }
        Scalar::Unknown(raw) => {
            if unverified_string
                && let Ok(at) = msg.slots.binary_search_by_key(&number, |s| s.number)
            {
                msg.slots.remove(at);
            }
            msg.unknown.push(number, raw);
        }
    }
    Ok(())
}

/// A member of a oneof arriving replaces a sibling kept raw in the unknown fields (a string
/// member that is not UTF-8 in a oneof that does not verify it), so that the last member on
/// the wire still wins when the raw one is re-emitted after the known fields, as in generated
/// code.
fn drop_raw_oneof_siblings(inner: &PoolInner, msg: &mut DynamicMessage, index: u32, oneof: u32) {
    let entry = &inner.messages[msg.desc.index as usize];
    let Some(oneof) = entry.oneofs.get(oneof as usize) else {
        return;
    };
    if oneof.synthetic {
        return;
    }
    for &f in &oneof.fields {
        let sibling = &entry.fields[f as usize];
        if f != index && sibling.kind == KindIndex::String && !sibling.verify_utf8 {
            msg.unknown.remove(sibling.number);
        }
    }
}

/// Decodes a sub-message (length-prefixed or group, as `field` says) into `sub`.
fn merge_sub_message(
    pool: &DescriptorPool,
    sub: &mut DynamicMessage,
    field: &FieldEntry,
    wire_type: WireType,
    buf: &mut Buf<'_>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    if field.group {
        check_wire_type(WireType::StartGroup, wire_type)?;
        let ctx = ctx.enter()?;
        merge_nested(pool, sub, buf, Some(field.number), ctx)
    } else {
        check_wire_type(WireType::LengthDelimited, wire_type)?;
        let ctx = ctx.enter()?;
        let len = decode_len(buf)?;
        let (mut body, rest) = buf.split_at(len);
        *buf = rest;
        merge_nested(pool, sub, &mut body, None, ctx)
    }
}

/// Decodes a map entry; `None` when its value is an unknown number of a closed enum (the
/// whole entry then goes to the unknown fields, as in C++) or its key or value a string
/// that is not UTF-8 in a map that does not verify it (kept whole the same way, as
/// generated code does).
fn decode_map_entry(
    pool: &DescriptorPool,
    entry_type: u32,
    mut body: Buf<'_>,
    ctx: DecodeContext,
) -> Result<Option<(MapKey, Value)>, DecodeError> {
    let inner = &pool.inner;
    let entry = &inner.messages[entry_type as usize];
    let key_field = entry
        .by_number
        .first()
        .map(|&(_, i)| &entry.fields[i as usize]);
    let value_field = entry
        .by_number
        .get(1)
        .map(|&(_, i)| &entry.fields[i as usize]);
    let (Some(key_field), Some(value_field)) = (key_field, value_field) else {
        return Err(DecodeErrorKind::Truncated.into());
    };
    let mut key: Option<Value> = None;
    let mut value: Option<Value> = None;
    let mut unknown_enum = false;
    let mut bad_key = false;
    let mut ignored = UnknownFields::new();
    while !body.is_empty() {
        let (number, wire_type) = decode_key(&mut body)?;
        match number {
            1 => {
                check_wire_type(wire_type_of(key_field.kind), wire_type)?;
                match read_scalar(inner, key_field, &mut body)? {
                    Scalar::Value(v) => {
                        key = Some(v);
                        bad_key = false;
                    }
                    // A string key that is not UTF-8 in a map that does not verify it.
                    Scalar::Unknown(_) => bad_key = true,
                }
            }
            2 => {
                if let KindIndex::Message(m) = value_field.kind {
                    let mut sub = match value.take() {
                        Some(Value::Message(sub)) => sub,
                        _ => DynamicMessage::new(message_kind(pool, m)),
                    };
                    merge_sub_message(pool, &mut sub, value_field, wire_type, &mut body, ctx)?;
                    value = Some(Value::Message(sub));
                } else {
                    check_wire_type(wire_type_of(value_field.kind), wire_type)?;
                    match read_scalar(inner, value_field, &mut body)? {
                        Scalar::Value(v) => {
                            value = Some(v);
                            unknown_enum = false;
                        }
                        Scalar::Unknown(_) => unknown_enum = true,
                    }
                }
            }
            _ => {
                if wire_type == WireType::EndGroup {
                    return Err(DecodeErrorKind::UnexpectedEndGroup(number).into());
                }
                ignored.merge_field(number, wire_type, &mut body, ctx)?;
            }
        }
    }
    if unknown_enum || bad_key {
        return Ok(None);
    }
    let key = match key {
        Some(v) => value_to_key(v),
        None => default_key(key_field.kind),
    };
    let value = match value {
        Some(v) => v,
        None => default_single(pool, value_field),
    };
    Ok(Some((key, value)))
}

fn value_to_key(v: Value) -> MapKey {
    match v {
        Value::Bool(b) => MapKey::Bool(b),
        Value::I32(x) => MapKey::I32(x),
        Value::I64(x) => MapKey::I64(x),
        Value::U32(x) => MapKey::U32(x),
        Value::U64(x) => MapKey::U64(x),
        Value::String(s) => MapKey::String(s),
        // The pool only accepts integral, bool and string keys.
        _ => MapKey::Bool(false),
    }
}

fn default_key(kind: KindIndex) -> MapKey {
    match kind {
        KindIndex::Int32 | KindIndex::Sint32 | KindIndex::Sfixed32 => MapKey::I32(0),
        KindIndex::Int64 | KindIndex::Sint64 | KindIndex::Sfixed64 => MapKey::I64(0),
        KindIndex::Uint32 | KindIndex::Fixed32 => MapKey::U32(0),
        KindIndex::Uint64 | KindIndex::Fixed64 => MapKey::U64(0),
        KindIndex::String => MapKey::String(String::new()),
        _ => MapKey::Bool(false),
    }
}

/// The default value of a singular field (declared default or type default).
fn default_single(pool: &DescriptorPool, field: &FieldEntry) -> Value {
    let inner = &pool.inner;
    if let Some(v) = &field.default {
        return v.clone();
    }
    match field.kind {
        KindIndex::Double => Value::F64(0.0),
        KindIndex::Float => Value::F32(0.0),
        KindIndex::Int32 | KindIndex::Sint32 | KindIndex::Sfixed32 => Value::I32(0),
        KindIndex::Int64 | KindIndex::Sint64 | KindIndex::Sfixed64 => Value::I64(0),
        KindIndex::Uint32 | KindIndex::Fixed32 => Value::U32(0),
        KindIndex::Uint64 | KindIndex::Fixed64 => Value::U64(0),
        KindIndex::Bool => Value::Bool(false),
        KindIndex::String => Value::String(String::new()),
        KindIndex::Bytes => Value::Bytes(bytes::Bytes::new()),
        KindIndex::Enum(e) => Value::EnumNumber(
            inner.enums[e as usize]
                .values
                .first()
                .map_or(0, |v| v.number),
        ),
        KindIndex::Message(m) => Value::Message(DynamicMessage::new(message_kind(pool, m))),
    }
}

/// A MessageSet item: group 1 holding `type_id` (2) and `message` (3). Items of known
/// extensions merge into the extension; others are kept as unknown groups.
fn merge_message_set_item(
    msg: &mut DynamicMessage,
    pool: &DescriptorPool,
    buf: &mut Buf<'_>,
    ctx: DecodeContext,
) -> Result<(), DecodeError> {
    let item_ctx = ctx.enter()?;
    let mut type_id: Option<u32> = None;
    let mut payload: Option<&[u8]> = None;
    let mut others = UnknownFields::new();
    loop {
        if buf.is_empty() {
            return Err(DecodeErrorKind::UnterminatedGroup(1).into());
        }
        let (number, wire_type) = decode_key(buf)?;
        match (number, wire_type) {
            (1, WireType::EndGroup) => break,
            (_, WireType::EndGroup) => {
                return Err(DecodeErrorKind::EndGroupMismatch {
                    expected: 1,
                    actual: number,
                }
                .into());
            }
            (2, WireType::Varint) => type_id = Some(decode_varint(buf)? as u32),
            (3, WireType::LengthDelimited) => {
                let len = decode_len(buf)?;
                let (body, rest) = buf.split_at(len);
                *buf = rest;
                payload = Some(body);
            }
            _ => others.merge_field(number, wire_type, buf, item_ctx)?,
        }
    }
    let inner = &pool.inner;
    let extension = type_id.and_then(|id| inner.extension_by_number(msg.desc.index, id));
    if let (Some(ext), Some(mut body)) = (extension, payload) {
        let field = &inner.extensions[ext as usize];
        if let KindIndex::Message(m) = field.kind {
            let kind = SlotKind::Extension(ExtensionDescriptor::new(pool.clone(), ext));
            let slot = slot_mut(msg, field, &kind, || {
                Value::Message(DynamicMessage::new(message_kind(pool, m)))
            });
            if let Value::Message(sub) = slot {
                return merge_nested(pool, sub, &mut body, None, item_ctx);
            }
        }
    }
    let mut group = UnknownFields::new();
    if let Some(id) = type_id {
        group.push(2, UnknownValue::Varint(u64::from(id)));
    }
    if let Some(body) = payload {
        group.push(3, UnknownValue::LengthDelimited(body.to_vec()));
    }
    for f in others.iter() {
        group.push(f.number, f.value.clone());
    }
    msg.unknown.push(1, UnknownValue::Group(group));
    Ok(())
}

enum Scalar {
    Value(Value),
    /// An unknown number of a closed enum (or a string that is not UTF-8 in a field that
    /// does not validate it), kept as an unknown field.
    Unknown(UnknownValue),
}

fn wire_type_of(kind: KindIndex) -> WireType {
    match kind {
        KindIndex::Double | KindIndex::Fixed64 | KindIndex::Sfixed64 => WireType::Fixed64,
        KindIndex::Float | KindIndex::Fixed32 | KindIndex::Sfixed32 => WireType::Fixed32,
        KindIndex::String | KindIndex::Bytes | KindIndex::Message(_) => WireType::LengthDelimited,
        _ => WireType::Varint,
    }
}

fn fixed_size(kind: KindIndex) -> usize {
    match wire_type_of(kind) {
        WireType::Fixed64 => 8,
        WireType::Fixed32 => 4,
        _ => 0,
    }
}

fn read_u32(buf: &mut Buf<'_>) -> Result<u32, DecodeError> {
    let Some((head, rest)) = buf.split_first_chunk::<4>() else {
        return Err(DecodeErrorKind::Truncated.into());
    };
    *buf = rest;
    Ok(u32::from_le_bytes(*head))
}

fn read_u64(buf: &mut Buf<'_>) -> Result<u64, DecodeError> {
    let Some((head, rest)) = buf.split_first_chunk::<8>() else {
        return Err(DecodeErrorKind::Truncated.into());
    };
    *buf = rest;
    Ok(u64::from_le_bytes(*head))
}

/// Reads one value of `field`'s (non-message) type; the wire type was checked.
fn read_scalar(
    inner: &PoolInner,
    field: &FieldEntry,
    buf: &mut Buf<'_>,
) -> Result<Scalar, DecodeError> {
    Ok(Scalar::Value(match field.kind {
        KindIndex::Double => Value::F64(f64::from_bits(read_u64(buf)?)),
        KindIndex::Float => Value::F32(f32::from_bits(read_u32(buf)?)),
        KindIndex::Fixed64 => Value::U64(read_u64(buf)?),
        KindIndex::Sfixed64 => Value::I64(read_u64(buf)? as i64),
        KindIndex::Fixed32 => Value::U32(read_u32(buf)?),
        KindIndex::Sfixed32 => Value::I32(read_u32(buf)? as i32),
        KindIndex::Int32 => Value::I32(decode_varint(buf)? as i32),
        KindIndex::Int64 => Value::I64(decode_varint(buf)? as i64),
        KindIndex::Uint32 => Value::U32(decode_varint(buf)? as u32),
        KindIndex::Uint64 => Value::U64(decode_varint(buf)?),
        KindIndex::Sint32 => {
            let v = decode_varint(buf)? as u32;
            Value::I32(((v >> 1) as i32) ^ -((v & 1) as i32))
        }
        KindIndex::Sint64 => {
            let v = decode_varint(buf)?;
            Value::I64(((v >> 1) as i64) ^ -((v & 1) as i64))
        }
        KindIndex::Bool => Value::Bool(decode_varint(buf)? != 0),
        KindIndex::Enum(e) => {
            let raw = decode_varint(buf)?;
            let number = raw as i32;
            let entry = &inner.enums[e as usize];
            if entry.closed
                && entry
                    .by_number
                    .binary_search_by_key(&number, |&(n, _)| n)
                    .is_err()
            {
                return Ok(Scalar::Unknown(UnknownValue::Varint(raw)));
            }
            Value::EnumNumber(number)
        }
        KindIndex::String => {
            let len = decode_len(buf)?;
            let (body, rest) = buf.split_at(len);
            *buf = rest;
            match core::str::from_utf8(body) {
                Ok(text) => Value::String(text.to_owned()),
                Err(_) if field.verify_utf8 => return Err(DecodeErrorKind::InvalidUtf8.into()),
                Err(_) => {
                    return Ok(Scalar::Unknown(UnknownValue::LengthDelimited(
                        body.to_vec(),
                    )));
                }
            }
        }
        KindIndex::Bytes => {
            let len = decode_len(buf)?;
            let (body, rest) = buf.split_at(len);
            *buf = rest;
            Value::Bytes(bytes::Bytes::copy_from_slice(body))
        }
        KindIndex::Message(_) => return Err(DecodeErrorKind::Truncated.into()),
    }))
}

/// Whether a stored value counts as set for `field`.
pub(crate) fn is_present(field: &FieldEntry, value: &Value) -> bool {
    match value {
        Value::List(list) => !list.is_empty(),
        Value::Map(map) => !map.is_empty(),
        _ if field.presence => true,
        v => !is_default_scalar(v),
    }
}

fn is_default_scalar(value: &Value) -> bool {
    match value {
        Value::Bool(v) => !v,
        Value::I32(v) => *v == 0,
        Value::I64(v) => *v == 0,
        Value::U32(v) => *v == 0,
        Value::U64(v) => *v == 0,
        Value::F32(v) => v.to_bits() == 0,
        Value::F64(v) => v.to_bits() == 0,
        Value::String(v) => v.is_empty(),
        Value::Bytes(v) => v.is_empty(),
        Value::EnumNumber(v) => *v == 0,
        Value::Message(_) => false,
        Value::List(v) => v.is_empty(),
        Value::Map(v) => v.is_empty(),
    }
}

/// The varint of a varint-encoded value; values that do not fit `kind` encode as 0.
fn varint_of(kind: KindIndex, value: &Value) -> u64 {
    match (kind, value) {
        (KindIndex::Int32, Value::I32(v)) => *v as i64 as u64,
        (KindIndex::Int64, Value::I64(v)) => *v as u64,
        (KindIndex::Uint32, Value::U32(v)) => u64::from(*v),
        (KindIndex::Uint64, Value::U64(v)) => *v,
        (KindIndex::Sint32, Value::I32(v)) => u64::from(((v << 1) ^ (v >> 31)) as u32),
        (KindIndex::Sint64, Value::I64(v)) => ((v << 1) ^ (v >> 63)) as u64,
        (KindIndex::Bool, Value::Bool(v)) => u64::from(*v),
        (KindIndex::Enum(_), Value::EnumNumber(v)) => *v as i64 as u64,
        _ => 0,
    }
}

fn fixed32_of(kind: KindIndex, value: &Value) -> u32 {
    match (kind, value) {
        (KindIndex::Fixed32, Value::U32(v)) => *v,
        (KindIndex::Sfixed32, Value::I32(v)) => *v as u32,
        (KindIndex::Float, Value::F32(v)) => v.to_bits(),
        _ => 0,
    }
}

fn fixed64_of(kind: KindIndex, value: &Value) -> u64 {
    match (kind, value) {
        (KindIndex::Fixed64, Value::U64(v)) => *v,
        (KindIndex::Sfixed64, Value::I64(v)) => *v as u64,
        (KindIndex::Double, Value::F64(v)) => v.to_bits(),
        _ => 0,
    }
}

fn bytes_of(value: &Value) -> &[u8] {
    match value {
        Value::String(s) => s.as_bytes(),
        Value::Bytes(b) => b,
        _ => &[],
    }
}

// Encoding runs in two passes. The first computes every length and records, in the order
// the writer meets them, the body length of each nested message and map entry; the second
// writes, reading those lengths back, so no length is computed twice however deep the
// nesting (generated code recomputes sub-message lengths at every level).

/// The length of one scalar value without its tag (strings and bytes include their length
/// prefix).
fn scalar_len(kind: KindIndex, value: &Value) -> usize {
    match kind {
        KindIndex::String | KindIndex::Bytes => {
            let len = bytes_of(value).len();
            encoded_len_varint(len as u64) + len
        }
        kind => match wire_type_of(kind) {
            WireType::Fixed32 => 4,
            WireType::Fixed64 => 8,
            _ => encoded_len_varint(varint_of(kind, value)),
        },
    }
}

fn write_scalar(kind: KindIndex, value: &Value, buf: &mut Vec<u8>) {
    match kind {
        KindIndex::String | KindIndex::Bytes => {
            let bytes = bytes_of(value);
            encode_varint(bytes.len() as u64, buf);
            buf.extend_from_slice(bytes);
        }
        kind => match wire_type_of(kind) {
            WireType::Fixed32 => buf.extend_from_slice(&fixed32_of(kind, value).to_le_bytes()),
            WireType::Fixed64 => buf.extend_from_slice(&fixed64_of(kind, value).to_le_bytes()),
            _ => encode_varint(varint_of(kind, value), buf),
        },
    }
}

/// The body length of a nested message, recorded in `lens`.
fn nested_len(value: &Value, lens: &mut Vec<usize>) -> usize {
    let Value::Message(m) = value else { return 0 };
    let at = lens.len();
    lens.push(0);
    let len = message_len(m, lens);
    lens[at] = len;
    len
}

/// Reads the next recorded length.
fn next_len(lens: &[usize], cursor: &mut usize) -> usize {
    let len = lens.get(*cursor).copied().unwrap_or(0);
    *cursor += 1;
    len
}

/// The length of one value of `field` with its tag(s).
fn single_len(field: &FieldEntry, value: &Value, lens: &mut Vec<usize>) -> usize {
    let tag = key_len(field.number);
    match field.kind {
        KindIndex::Message(_) if field.group => 2 * tag + nested_len(value, lens),
        KindIndex::Message(_) => {
            let len = nested_len(value, lens);
            tag + encoded_len_varint(len as u64) + len
        }
        kind => tag + scalar_len(kind, value),
    }
}

fn write_single(
    field: &FieldEntry,
    value: &Value,
    lens: &[usize],
    cursor: &mut usize,
    buf: &mut Vec<u8>,
) {
    match field.kind {
        KindIndex::Message(_) => {
            let len = match value {
                Value::Message(_) => next_len(lens, cursor),
                _ => 0,
            };
            if field.group {
                encode_key(field.number, WireType::StartGroup, buf);
            } else {
                encode_key(field.number, WireType::LengthDelimited, buf);
                encode_varint(len as u64, buf);
            }
            if let Value::Message(m) = value {
                write_message(m, lens, cursor, buf);
            }
            if field.group {
                encode_key(field.number, WireType::EndGroup, buf);
            }
        }
        kind => {
            encode_key(field.number, wire_type_of(kind), buf);
            write_scalar(kind, value, buf);
        }
    }
}

fn map_fields<'a>(
    inner: &'a PoolInner,
    field: &FieldEntry,
) -> Option<(&'a FieldEntry, &'a FieldEntry)> {
    let KindIndex::Message(m) = field.kind else {
        return None;
    };
    let entry = &inner.messages[m as usize];
    let key = entry
        .by_number
        .first()
        .map(|&(_, i)| &entry.fields[i as usize])?;
    let value = entry
        .by_number
        .get(1)
        .map(|&(_, i)| &entry.fields[i as usize])?;
    Some((key, value))
}

fn sorted_entries(map: &HashMap<MapKey, Value>) -> Vec<(Value, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
        .into_iter()
        .map(|(k, v)| (Value::from(k.clone()), v))
        .collect()
}

fn slot_field<'a>(msg: &'a DynamicMessage, slot: &'a Slot) -> &'a FieldEntry {
    match &slot.kind {
        SlotKind::Field(i) => msg.field_entry(*i),
        SlotKind::Extension(ext) => ext.entry(),
    }
}

/// The pool that describes `field` of a slot of `msg` (an extension's own pool).
fn slot_inner<'a>(msg: &'a DynamicMessage, slot: &'a Slot) -> &'a PoolInner {
    match &slot.kind {
        SlotKind::Field(_) => &msg.desc.pool.inner,
        SlotKind::Extension(ext) => &ext.pool.inner,
    }
}

fn field_len(inner: &PoolInner, field: &FieldEntry, value: &Value, lens: &mut Vec<usize>) -> usize {
    match value {
        Value::Map(map) => {
            let Some((k, v)) = map_fields(inner, field) else {
                return 0;
            };
            let mut total = 0;
            for (key, value) in sorted_entries(map) {
                let at = lens.len();
                lens.push(0);
                let len = single_len(k, &key, lens) + single_len(v, value, lens);
                lens[at] = len;
                total += key_len(field.number) + encoded_len_varint(len as u64) + len;
            }
            total
        }
        Value::List(list) => {
            if list.is_empty() {
                return 0;
            }
            if field.packed {
                let body: usize = list.iter().map(|v| scalar_len(field.kind, v)).sum();
                key_len(field.number) + encoded_len_varint(body as u64) + body
            } else {
                list.iter().map(|v| single_len(field, v, lens)).sum()
            }
        }
        v if !field.presence && is_default_scalar(v) => 0,
        v => single_len(field, v, lens),
    }
}

fn write_field(
    inner: &PoolInner,
    field: &FieldEntry,
    value: &Value,
    lens: &[usize],
    cursor: &mut usize,
    buf: &mut Vec<u8>,
) {
    match value {
        Value::Map(map) => {
            let Some((k, v)) = map_fields(inner, field) else {
                return;
            };
            for (key, value) in sorted_entries(map) {
                let len = next_len(lens, cursor);
                encode_key(field.number, WireType::LengthDelimited, buf);
                encode_varint(len as u64, buf);
                write_single(k, &key, lens, cursor, buf);
                write_single(v, value, lens, cursor, buf);
            }
        }
        Value::List(list) => {
            if list.is_empty() {
                return;
            }
            if field.packed {
                let body: usize = list.iter().map(|v| scalar_len(field.kind, v)).sum();
                encode_key(field.number, WireType::LengthDelimited, buf);
                encode_varint(body as u64, buf);
                for v in list {
                    write_scalar(field.kind, v, buf);
                }
            } else {
                for v in list {
                    write_single(field, v, lens, cursor, buf);
                }
            }
        }
        v if !field.presence && is_default_scalar(v) => {}
        v => write_single(field, v, lens, cursor, buf),
    }
}

fn message_set_item_len(ext: &FieldEntry, value: &Value, lens: &mut Vec<usize>) -> usize {
    let body = nested_len(value, lens);
    2 * key_len(1)
        + key_len(2)
        + encoded_len_varint(u64::from(ext.number))
        + key_len(3)
        + encoded_len_varint(body as u64)
        + body
}

fn write_message_set_item(
    ext: &FieldEntry,
    value: &Value,
    lens: &[usize],
    cursor: &mut usize,
    buf: &mut Vec<u8>,
) {
    encode_key(1, WireType::StartGroup, buf);
    encode_key(2, WireType::Varint, buf);
    encode_varint(u64::from(ext.number), buf);
    encode_key(3, WireType::LengthDelimited, buf);
    if let Value::Message(m) = value {
        encode_varint(next_len(lens, cursor) as u64, buf);
        write_message(m, lens, cursor, buf);
    } else {
        buf.push(0);
    }
    encode_key(1, WireType::EndGroup, buf);
}

fn is_message_set_extension(msg: &DynamicMessage, slot: &Slot) -> bool {
    matches!(slot.kind, SlotKind::Extension(_))
        && msg.desc.entry().message_set
        && matches!(slot.value, Value::Message(_))
}

/// The length of `msg`'s fields, recording nested lengths in `lens`.
fn message_len(msg: &DynamicMessage, lens: &mut Vec<usize>) -> usize {
    let mut total = msg.unknown.encoded_len();
    for slot in &msg.slots {
        let field = slot_field(msg, slot);
        total += if is_message_set_extension(msg, slot) {
            message_set_item_len(field, &slot.value, lens)
        } else {
            field_len(slot_inner(msg, slot), field, &slot.value, lens)
        };
    }
    total
}

fn write_message(msg: &DynamicMessage, lens: &[usize], cursor: &mut usize, buf: &mut Vec<u8>) {
    for slot in &msg.slots {
        let field = slot_field(msg, slot);
        if is_message_set_extension(msg, slot) {
            write_message_set_item(field, &slot.value, lens, cursor, buf);
        } else {
            write_field(slot_inner(msg, slot), field, &slot.value, lens, cursor, buf);
        }
    }
    msg.unknown.encode_raw(buf);
}

/// The exact length [`encode_message`] writes.
pub(crate) fn encoded_len(msg: &DynamicMessage) -> usize {
    message_len(msg, &mut Vec::new())
}

/// Appends the fields and extensions in number order, then the unknown fields.
pub(crate) fn encode_message(msg: &DynamicMessage, buf: &mut Vec<u8>) {
    let mut lens = Vec::new();
    let total = message_len(msg, &mut lens);
    buf.reserve(total);
    write_message(msg, &lens, &mut 0, buf);
}
