//! Re-reading option records with a schema and writing them back the way protoc's C++ messages
//! do: known fields (and known extensions) merged and in field-number order, unknown fields
//! after them in their original order, repeated scalars unpacked and packed again as the field
//! says; source-retention fields are left out and recorded when stripping.

use std::rc::Rc;

use super::lookup::PoolLookup;
use super::schema::{FieldInfo, Kind, ScalarType};
use crate::wire::{self, Raw, Record};

/// How [`normalize`] knows fields.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    /// Only what protoc has compiled in: `descriptor.proto` and the linked feature extensions.
    Generated,
    /// Everything in the pool, extensions included.
    Dynamic,
}

/// Where stripping is recorded.
pub(super) struct Strip {
    pub(super) path: Vec<i32>,
    pub(super) stripped: Vec<Vec<i32>>,
}

/// Re-reads `records` as a message of type `message` and writes it back like protoc's C++
/// messages do: known fields (and known extensions) merged and in field-number order, unknown
/// fields after them in their original order. With `strip`, source-retention fields are left
/// out and recorded.
pub(super) fn normalize(
    lookup: &PoolLookup<'_>,
    mode: Mode,
    message: &str,
    records: Vec<Record>,
    mut strip: Option<&mut Strip>,
) -> Vec<Record> {
    let mut known: Vec<(Rc<FieldInfo>, Vec<Raw>)> = Vec::new();
    let mut unknown = Vec::new();
    for record in records {
        let field = match mode {
            Mode::Dynamic => lookup.field_rc(message, record.number),
            Mode::Generated => lookup.generated_field(message, record.number),
        };
        let Some(field) = field.filter(|f| wire_type_fits(f, &record.value)) else {
            unknown.push(record);
            continue;
        };
        let slot = match known.iter_mut().position(|(f, _)| f.number == field.number) {
            Some(i) => &mut known[i].1,
            None => {
                known.push((field.clone(), Vec::new()));
                &mut known.last_mut().expect("just pushed").1
            }
        };
        match (field.repeated, record.value) {
            (true, Raw::Bytes(payload)) if field.kind.is_packable() => {
                unpack(&field.kind, &payload, slot)
            }
            (true, value) => slot.push(value),
            (false, Raw::Bytes(more)) if field.kind.message_type().is_some() => {
                match slot.first_mut() {
                    Some(Raw::Bytes(existing)) => existing.extend_from_slice(&more),
                    _ => *slot = vec![Raw::Bytes(more)],
                }
            }
            (false, Raw::Group(more)) => match slot.first_mut() {
                Some(Raw::Group(existing)) => existing.extend(more),
                _ => *slot = vec![Raw::Group(more)],
            },
            (false, value) => *slot = vec![value],
        }
    }
    known.sort_by_key(|(f, _)| f.number);
    let mut out = Vec::new();
    for (field, values) in known {
        if let Some(strip) = strip.as_deref_mut()
            && field.source_retention
        {
            let mut path = strip.path.clone();
            path.push(field.number as i32);
            strip.stripped.push(path);
            continue;
        }
        if field.implicit_presence && !field.repeated && values.iter().all(is_zero) {
            continue;
        }
        let sub_type = field.kind.message_type();
        let mut normalized_values = Vec::with_capacity(values.len());
        for (index, value) in values.into_iter().enumerate() {
            let value = match (&sub_type, value) {
                (Some(sub), Raw::Bytes(bytes)) => match wire::parse(&bytes) {
                    Some(inner) => {
                        let mut sub_strip = strip.as_deref().map(|s| {
                            let mut path = s.path.clone();
                            path.push(field.number as i32);
                            if field.repeated {
                                path.push(index as i32);
                            }
                            Strip {
                                path,
                                stripped: Vec::new(),
                            }
                        });
                        let inner = normalize(lookup, mode, sub, inner, sub_strip.as_mut());
                        if let (Some(s), Some(sub_s)) = (strip.as_deref_mut(), sub_strip) {
                            s.stripped.extend(sub_s.stripped);
                        }
                        Raw::Bytes(wire::to_bytes(&inner))
                    }
                    None => Raw::Bytes(bytes),
                },
                (Some(sub), Raw::Group(inner)) => {
                    Raw::Group(normalize(lookup, mode, sub, inner, None))
                }
                (_, value) => value,
            };
            normalized_values.push(value);
        }
        if field.repeated && field.packed && field.kind.is_packable() {
            let mut payload = Vec::new();
            for value in &normalized_values {
                match value {
                    Raw::Varint(v) => wire::put_varint(&mut payload, *v),
                    Raw::Fixed32(v) => payload.extend_from_slice(&v.to_le_bytes()),
                    Raw::Fixed64(v) => payload.extend_from_slice(&v.to_le_bytes()),
                    Raw::Bytes(_) | Raw::Group(_) => {}
                }
            }
            out.push(Record::new(field.number, Raw::Bytes(payload)));
        } else {
            out.extend(
                normalized_values
                    .into_iter()
                    .map(|v| Record::new(field.number, v)),
            );
        }
    }
    out.extend(unknown);
    out
}

fn is_zero(value: &Raw) -> bool {
    match value {
        Raw::Varint(v) | Raw::Fixed64(v) => *v == 0,
        Raw::Fixed32(v) => *v == 0,
        Raw::Bytes(b) => b.is_empty(),
        Raw::Group(_) => false,
    }
}

fn wire_type_fits(field: &FieldInfo, value: &Raw) -> bool {
    match (&field.kind, value) {
        (Kind::Group(_), v) => matches!(v, Raw::Group(_)),
        (
            Kind::Message(_) | Kind::Scalar(ScalarType::String) | Kind::Scalar(ScalarType::Bytes),
            v,
        ) => matches!(v, Raw::Bytes(_)),
        (_, Raw::Bytes(_)) => field.repeated && field.kind.is_packable(),
        (
            Kind::Scalar(ScalarType::Double)
            | Kind::Scalar(ScalarType::Fixed64)
            | Kind::Scalar(ScalarType::Sfixed64),
            v,
        ) => matches!(v, Raw::Fixed64(_)),
        (
            Kind::Scalar(ScalarType::Float)
            | Kind::Scalar(ScalarType::Fixed32)
            | Kind::Scalar(ScalarType::Sfixed32),
            v,
        ) => matches!(v, Raw::Fixed32(_)),
        (_, v) => matches!(v, Raw::Varint(_)),
    }
}

fn unpack(kind: &Kind, payload: &[u8], out: &mut Vec<Raw>) {
    let mut pos = 0;
    while pos < payload.len() {
        match kind {
            Kind::Scalar(ScalarType::Double)
            | Kind::Scalar(ScalarType::Fixed64)
            | Kind::Scalar(ScalarType::Sfixed64) => {
                let Some(chunk) = payload.get(pos..pos + 8) else {
                    return;
                };
                pos += 8;
                out.push(Raw::Fixed64(u64::from_le_bytes(
                    chunk.try_into().unwrap_or([0; 8]),
                )));
            }
            Kind::Scalar(ScalarType::Float)
            | Kind::Scalar(ScalarType::Fixed32)
            | Kind::Scalar(ScalarType::Sfixed32) => {
                let Some(chunk) = payload.get(pos..pos + 4) else {
                    return;
                };
                pos += 4;
                out.push(Raw::Fixed32(u32::from_le_bytes(
                    chunk.try_into().unwrap_or([0; 4]),
                )));
            }
            _ => {
                let Some(v) = wire::read_varint(payload, &mut pos) else {
                    return;
                };
                out.push(Raw::Varint(v));
            }
        }
    }
}
