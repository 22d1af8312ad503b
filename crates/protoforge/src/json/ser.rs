//! Printing: `serde::Serialize` views of a [`DynamicMessage`] that write the proto3 JSON
//! mapping to any serializer, well-known types in their special forms.

use std::cell::RefCell;

use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};

use super::format;
use super::wkt::{WellKnown, well_known};
use super::{MAX_DEPTH, PrintOptions};
use crate::reflect::{
    AnyPayloads, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value,
};

/// For each `Any` being expanded, the payloads taken out of its decoded value (see
/// [`AnyPayloads`]); shared by every view of one printing.
pub(crate) type Payloads = RefCell<Vec<AnyPayloads>>;

/// A message to print, with the options and the nesting depth reached.
pub(crate) struct MessageSer<'a> {
    pub(crate) msg: &'a DynamicMessage,
    pub(crate) options: &'a PrintOptions,
    pub(crate) payloads: &'a Payloads,
    pub(crate) depth: usize,
}

/// One singular value of `kind`.
struct SingleSer<'a> {
    kind: &'a Kind,
    value: &'a Value,
    options: &'a PrintOptions,
    payloads: &'a Payloads,
    depth: usize,
}

/// A list or a map field's whole value, or a singular one.
struct FieldSer<'a> {
    kind: &'a Kind,
    is_list: bool,
    is_map: bool,
    value: &'a Value,
    options: &'a PrintOptions,
    payloads: &'a Payloads,
    depth: usize,
}

fn field_of(desc: &MessageDescriptor, number: u32) -> Result<FieldDescriptor, String> {
    desc.get_field(number).ok_or_else(|| {
        format!(
            "well-known type `{}` has no field number {number}",
            desc.full_name()
        )
    })
}

impl Serialize for MessageSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.depth > MAX_DEPTH {
            return Err(S::Error::custom("message nesting exceeds the depth limit"));
        }
        let desc = self.msg.descriptor();
        if let Some(wkt) = well_known(desc.full_name()) {
            if wkt != WellKnown::Any {
                return self.serialize_special(wkt, s);
            }
            return self.serialize_any(s);
        }
        let mut map = s.serialize_map(None)?;
        self.serialize_fields(&mut map)?;
        map.end()
    }
}

impl<'a> MessageSer<'a> {
    fn child(&self, msg: &'a DynamicMessage) -> MessageSer<'a> {
        MessageSer {
            msg,
            options: self.options,
            payloads: self.payloads,
            depth: self.depth + 1,
        }
    }

    /// Writes the fields of a regular message (and its known extensions) into `map`.
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        let msg = self.msg;
        for field in msg.descriptor().fields() {
            if !msg.has_field(&field) {
                let no_presence = field.is_list() || field.is_map() || !field.has_presence();
                if !(self.options.always_print_fields_with_no_presence && no_presence) {
                    continue;
                }
            }
            let name = if self.options.preserve_proto_field_names {
                field.name()
            } else {
                field.json_name()
            };
            let value = msg.get_field(&field);
            let kind = field.kind();
            map.serialize_entry(
                name,
                &FieldSer {
                    kind: &kind,
                    is_list: field.is_list(),
                    is_map: field.is_map(),
                    value: &value,
                    options: self.options,
                    payloads: self.payloads,
                    depth: self.depth,
                },
            )?;
        }
        for (ext, value) in msg.extensions() {
            let kind = ext.kind();
            map.serialize_entry(
                &format!("[{}]", ext.full_name()),
                &FieldSer {
                    kind: &kind,
                    is_list: ext.is_list(),
                    is_map: false,
                    value,
                    options: self.options,
                    payloads: self.payloads,
                    depth: self.depth,
                },
            )?;
        }
        Ok(())
    }

    fn serialize_any<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let desc = self.msg.descriptor();
        let url_field = field_of(&desc, 1).map_err(S::Error::custom)?;
        let value_field = field_of(&desc, 2).map_err(S::Error::custom)?;
        let url = self.msg.get_field(&url_field);
        let url = url.as_str().unwrap_or_default();
        // The payload, taken out of this `Any` if the printer decoded the message holding it.
        let taken = self
            .payloads
            .borrow_mut()
            .last_mut()
            .and_then(|p| p.take(self.msg));
        let field_value = self.msg.get_field(&value_field);
        let bytes = match &taken {
            Some(payload) => payload.as_ref(),
            None => field_value.as_bytes().map_or(&[][..], |b| b.as_ref()),
        };
        if url.is_empty() {
            if !bytes.is_empty() {
                return Err(S::Error::custom("Any has a value but no type_url"));
            }
            return s.serialize_map(Some(0))?.end();
        }
        let name = url.rsplit('/').next().unwrap_or(url);
        // As parsing: no leading dot in the type name.
        let inner_desc = Some(name)
            .filter(|n| !n.starts_with('.'))
            .and_then(|n| desc.parent_pool().get_message_by_name(n))
            .ok_or_else(|| S::Error::custom(format!("cannot resolve Any type `{url}`")))?;
        let mut inner = DynamicMessage::decode(inner_desc, bytes)
            .map_err(|e| S::Error::custom(format!("cannot decode Any of type `{url}`: {e}")))?;
        // Release the decoded payload before descending, and take the nested `Any`s'
        // payloads out of the copy so that they too are released level by level.
        drop(taken);
        self.payloads
            .borrow_mut()
            .push(AnyPayloads::take_from(&mut inner));
        let inner_ser = self.child(&inner);
        let result = (|| {
            let mut map = s.serialize_map(None)?;
            map.serialize_entry("@type", url)?;
            if well_known(inner.descriptor().full_name()).is_some() {
                map.serialize_entry("value", &inner_ser)?;
            } else {
                inner_ser.serialize_fields(&mut map)?;
            }
            map.end()
        })();
        self.payloads.borrow_mut().pop();
        result
    }

    fn serialize_special<S: Serializer>(&self, wkt: WellKnown, s: S) -> Result<S::Ok, S::Error> {
        let desc = self.msg.descriptor();
        let get = |number: u32| -> Result<std::borrow::Cow<'_, Value>, S::Error> {
            let field = field_of(&desc, number).map_err(S::Error::custom)?;
            Ok(self.msg.get_field(&field))
        };
        match wkt {
            WellKnown::Timestamp | WellKnown::Duration => {
                let seconds = get(1)?.as_i64().unwrap_or_default();
                let nanos = get(2)?.as_i32().unwrap_or_default();
                let text = if wkt == WellKnown::Timestamp {
                    format::format_timestamp(seconds, nanos)
                } else {
                    format::format_duration(seconds, nanos)
                };
                s.serialize_str(&text.map_err(S::Error::custom)?)
            }
            WellKnown::FieldMask => {
                let paths = get(1)?;
                let mut out = Vec::new();
                for path in paths.as_list().unwrap_or_default() {
                    let path = path.as_str().unwrap_or_default();
                    out.push(format::field_mask_path_to_json(path).map_err(S::Error::custom)?);
                }
                s.serialize_str(&out.join(","))
            }
            WellKnown::Struct => {
                let fields = get(1)?;
                let mut entries: Vec<(&MapKey, &Value)> = match fields.as_map() {
                    Some(map) => map.iter().collect(),
                    None => Vec::new(),
                };
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    let key = key.as_str().unwrap_or_default();
                    match value.as_message() {
                        Some(m) => map.serialize_entry(key, &self.child(m))?,
                        None => return Err(S::Error::custom("Struct value is not a message")),
                    }
                }
                map.end()
            }
            WellKnown::ListValue => {
                let values = get(1)?;
                let list = values.as_list().unwrap_or_default();
                let mut seq = s.serialize_seq(Some(list.len()))?;
                for value in list {
                    match value.as_message() {
                        Some(m) => seq.serialize_element(&self.child(m))?,
                        None => return Err(S::Error::custom("ListValue value is not a message")),
                    }
                }
                seq.end()
            }
            WellKnown::Value => {
                for number in 1..=6 {
                    let field = field_of(&desc, number).map_err(S::Error::custom)?;
                    if !self.msg.has_field(&field) {
                        continue;
                    }
                    let value = self.msg.get_field(&field);
                    return match (number, &*value) {
                        (1, _) => s.serialize_unit(),
                        (2, Value::F64(v)) if v.is_finite() => serialize_f64(*v, s),
                        (2, _) => Err(S::Error::custom("Value number_value is not finite")),
                        (3, Value::String(v)) => s.serialize_str(v),
                        (4, Value::Bool(v)) => s.serialize_bool(*v),
                        (5 | 6, Value::Message(m)) => self.child(m).serialize(s),
                        _ => Err(S::Error::custom("Value has a malformed kind")),
                    };
                }
                Err(S::Error::custom("Value has no kind set"))
            }
            WellKnown::Wrapper => {
                let field = field_of(&desc, 1).map_err(S::Error::custom)?;
                let value = self.msg.get_field(&field);
                SingleSer {
                    kind: &field.kind(),
                    value: &value,
                    options: self.options,
                    payloads: self.payloads,
                    depth: self.depth,
                }
                .serialize(s)
            }
            WellKnown::Any => self.serialize_any(s),
        }
    }
}

impl Serialize for FieldSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let single = |kind, value| SingleSer {
            kind,
            value,
            options: self.options,
            payloads: self.payloads,
            depth: self.depth,
        };
        if self.is_map {
            let Kind::Message(entry) = self.kind else {
                return Err(S::Error::custom("map field without an entry message"));
            };
            let value_kind = entry.map_entry_value_field().kind();
            let mut entries: Vec<(&MapKey, &Value)> = match self.value.as_map() {
                Some(map) => map.iter().collect(),
                None => Vec::new(),
            };
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let mut map = s.serialize_map(Some(entries.len()))?;
            for (key, value) in entries {
                let key = match key {
                    MapKey::Bool(v) => v.to_string(),
                    MapKey::I32(v) => v.to_string(),
                    MapKey::I64(v) => v.to_string(),
                    MapKey::U32(v) => v.to_string(),
                    MapKey::U64(v) => v.to_string(),
                    MapKey::String(v) => v.clone(),
                };
                map.serialize_entry(&key, &single(&value_kind, value))?;
            }
            map.end()
        } else if self.is_list {
            let list = self.value.as_list().unwrap_or_default();
            let mut seq = s.serialize_seq(Some(list.len()))?;
            for value in list {
                seq.serialize_element(&single(self.kind, value))?;
            }
            seq.end()
        } else {
            single(self.kind, self.value).serialize(s)
        }
    }
}

/// Writes a finite double the way protobuf does for integral values (`1`, not `1.0`).
fn serialize_f64<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        s.serialize_i64(v as i64)
    } else {
        s.serialize_f64(v)
    }
}

fn non_finite<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    })
}

impl Serialize for SingleSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Bool(v) => s.serialize_bool(*v),
            Value::I32(v) => s.serialize_i32(*v),
            Value::U32(v) => s.serialize_u32(*v),
            Value::I64(v) => s.serialize_str(&v.to_string()),
            Value::U64(v) => s.serialize_str(&v.to_string()),
            Value::F32(v) if !v.is_finite() => non_finite(f64::from(*v), s),
            // The shortest digits of `f32::MAX` (3.4028235e38) exceed it as a double, and
            // strict parsers reject them; its exact double digits round-trip everywhere.
            Value::F32(v) if v.abs() == f32::MAX => s.serialize_f64(f64::from(*v)),
            Value::F32(v) => {
                if v.fract() == 0.0 && v.abs() < 1e7 && !(*v == 0.0 && v.is_sign_negative()) {
                    s.serialize_i64(*v as i64)
                } else {
                    s.serialize_f32(*v)
                }
            }
            Value::F64(v) if !v.is_finite() => non_finite(*v, s),
            Value::F64(v) => serialize_f64(*v, s),
            Value::String(v) => s.serialize_str(v),
            Value::Bytes(v) => s.serialize_str(&format::base64_encode(v)),
            Value::EnumNumber(n) => {
                let Kind::Enum(e) = self.kind else {
                    return s.serialize_i32(*n);
                };
                if self.options.use_enum_numbers {
                    return s.serialize_i32(*n);
                }
                if e.full_name() == "google.protobuf.NullValue" {
                    return s.serialize_unit();
                }
                match e.get_value(*n) {
                    Some(v) => s.serialize_str(v.name()),
                    None => s.serialize_i32(*n),
                }
            }
            Value::Message(m) => MessageSer {
                msg: m,
                options: self.options,
                payloads: self.payloads,
                depth: self.depth + 1,
            }
            .serialize(s),
            Value::List(_) | Value::Map(_) => Err(S::Error::custom(
                "a list or map where a single value was expected",
            )),
        }
    }
}
