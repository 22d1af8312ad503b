//! The printer: writes a [`DynamicMessage`] as protoc's `TextFormat::Printer` does — fields
//! (extensions interleaved) in number order, then unknown fields; maps as entries sorted by
//! key; `Any` optionally expanded; two spaces of indent per level — and prints raw encoded
//! bytes by field number for `--decode_raw`.

use core::fmt::Write as _;

use super::PrintOptions;
use super::escape::{c_escape, format_double, format_float};
use super::field::FieldRef;

use bytes::Bytes;

use crate::reflect::{AnyPayloads, DynamicMessage, Kind, MapKey, Value};
use crate::{DecodeError, DecodeErrorKind, UnknownFields, UnknownValue};

/// How deep protoc looks inside length-delimited unknown fields for nested messages.
const UNKNOWN_FIELD_RECURSION_LIMIT: u32 = 10;

/// How deeply groups may nest in a message protoc decodes (its default recursion limit).
const DEFAULT_GROUP_LIMIT: u32 = 100;

/// The nesting depth (the binary decoder's recursion limit) from which an `Any` is printed
/// as its `type_url` and `value` fields instead of expanded, so that output and memory stay
/// linear in the input however deeply `Any`s nest.
const ANY_EXPANSION_LIMIT: usize = crate::encoding::DEFAULT_RECURSION_LIMIT as usize;

/// Text output with protoc's indentation rule: the indent is written before the first
/// byte of each line, so empty writes never indent.
struct Writer<'o> {
    out: String,
    /// The nesting depth: messages opened and not yet closed.
    indent: usize,
    at_line_start: bool,
    options: &'o PrintOptions,
    /// For each `Any` being expanded, the payloads taken out of its decoded value.
    payloads: Vec<AnyPayloads>,
}

impl Writer<'_> {
    fn write(&mut self, mut text: &str) {
        while !text.is_empty() {
            let line_end = text.find('\n').map_or(text.len(), |i| i + 1);
            let (line, rest) = text.split_at(line_end);
            if self.at_line_start {
                for _ in 0..self.indent {
                    self.out.push_str("  ");
                }
                self.at_line_start = false;
            }
            self.out.push_str(line);
            if line.ends_with('\n') {
                self.at_line_start = true;
            }
            text = rest;
        }
    }

    /// Ends a field: a newline, or a space on one line.
    fn end_field(&mut self) {
        self.write(if self.options.single_line { " " } else { "\n" });
    }

    fn open_message(&mut self) {
        self.write(if self.options.single_line {
            " { "
        } else {
            " {\n"
        });
        self.indent += 1;
    }

    fn close_message(&mut self) {
        self.indent = self.indent.saturating_sub(1);
        self.write(if self.options.single_line {
            "} "
        } else {
            "}\n"
        });
    }
}

pub(crate) fn print_message_to_string(msg: &DynamicMessage, options: &PrintOptions) -> String {
    let mut w = Writer {
        out: String::new(),
        indent: 0,
        at_line_start: true,
        options,
        payloads: Vec::new(),
    };
    print_message(&mut w, msg);
    if options.single_line {
        let trimmed = w.out.trim_end_matches(' ').len();
        w.out.truncate(trimmed);
    }
    w.out
}

fn print_message(w: &mut Writer<'_>, msg: &DynamicMessage) {
    let desc = msg.descriptor();
    if w.options.expand_any && desc.full_name() == "google.protobuf.Any" {
        print_any(w, msg);
    } else {
        print_fields(w, msg);
    }
}

/// Prints the fields of `msg`: regular fields and extensions, then unknown fields.
fn print_fields(w: &mut Writer<'_>, msg: &DynamicMessage) {
    // Regular fields and extensions, both in number order, merged by number.
    let mut fields = msg.fields().peekable();
    let mut extensions = msg.extensions().peekable();
    loop {
        let take_field = match (fields.peek(), extensions.peek()) {
            (Some((f, _)), Some((e, _))) => f.number() <= e.number(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let (field, value) = if take_field {
            let Some((f, v)) = fields.next() else { break };
            (FieldRef::Field(f), v)
        } else {
            let Some((e, v)) = extensions.next() else {
                break;
            };
            (FieldRef::Extension(e), v)
        };
        print_field(w, &field, value);
    }
    if !w.options.skip_unknown_fields {
        print_unknown_fields(w, msg.unknown_fields(), UNKNOWN_FIELD_RECURSION_LIMIT);
    }
}

/// Prints an `Any` as `[type_url] { ... }` if its type is known, its value decodes and the
/// printer is less than [`ANY_EXPANSION_LIMIT`] levels deep; otherwise as its fields.
fn print_any(w: &mut Writer<'_>, msg: &DynamicMessage) {
    let taken = w.payloads.last_mut().and_then(|p| p.take(msg));
    let Err(taken) = expand_any(w, msg, taken) else {
        return;
    };
    match (taken, msg.descriptor().get_field(2)) {
        (Some(payload), Some(value_field)) => {
            // Put back the payload taken out of this `Any` to print it as a field.
            let mut restored = msg.clone();
            restored.set_field(&value_field, Value::Bytes(payload));
            print_fields(w, &restored);
        }
        _ => print_fields(w, msg),
    }
}

/// Prints `msg`, an `Any` whose payload is `taken` (if the printer took it out) or its
/// `value` field, in expanded form; gives the taken payload back if it cannot.
fn expand_any(
    w: &mut Writer<'_>,
    msg: &DynamicMessage,
    taken: Option<Bytes>,
) -> Result<(), Option<Bytes>> {
    let desc = msg.descriptor();
    if w.indent >= ANY_EXPANSION_LIMIT {
        return Err(taken);
    }
    let (Some(url_field), Some(value_field)) = (desc.get_field(1), desc.get_field(2)) else {
        return Err(taken);
    };
    let type_url = msg.get_field(&url_field);
    let Some(type_url) = type_url.as_str() else {
        return Err(taken);
    };
    let Some(slash) = type_url.rfind('/') else {
        return Err(taken);
    };
    let Some(value_desc) = desc
        .parent_pool()
        .get_message_by_name(&type_url[slash + 1..])
    else {
        return Err(taken);
    };
    let decoded = match &taken {
        Some(payload) => DynamicMessage::decode(value_desc, payload),
        None => match msg.get_field(&value_field).as_bytes() {
            Some(payload) => DynamicMessage::decode(value_desc, payload),
            None => return Err(taken),
        },
    };
    let Ok(mut value_msg) = decoded else {
        return Err(taken);
    };
    if !value_msg.is_initialized() {
        return Err(taken);
    }
    // The payload is decoded: release it before descending, and take the nested `Any`s'
    // payloads out of the copy so that they too are released level by level.
    drop(taken);
    w.payloads.push(AnyPayloads::take_from(&mut value_msg));
    w.write("[");
    w.write(type_url);
    w.write("]");
    w.open_message();
    print_message(w, &value_msg);
    w.close_message();
    w.payloads.pop();
    Ok(())
}

fn print_field(w: &mut Writer<'_>, field: &FieldRef, value: &Value) {
    let name = field.text_name();
    match value {
        Value::Map(map) => print_map(w, field, &name, map),
        Value::List(values) => {
            for value in values {
                print_one(w, field, &name, value);
            }
        }
        value => print_one(w, field, &name, value),
    }
}

fn print_one(w: &mut Writer<'_>, field: &FieldRef, name: &str, value: &Value) {
    w.write(name);
    if let Value::Message(sub) = value {
        w.open_message();
        print_message(w, sub);
        w.close_message();
    } else {
        w.write(": ");
        print_value(w, &field.kind(), value);
        w.end_field();
    }
}

fn print_map(
    w: &mut Writer<'_>,
    field: &FieldRef,
    name: &str,
    map: &std::collections::HashMap<MapKey, Value>,
) {
    let Kind::Message(entry) = field.kind() else {
        return;
    };
    if !entry.is_map_entry() {
        return;
    }
    let key_field = entry.map_entry_key_field();
    let value_field = entry.map_entry_value_field();
    let key_kind = key_field.kind();
    let value_kind = value_field.kind();
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (key, value) in entries {
        w.write(name);
        w.open_message();
        w.write(key_field.name());
        w.write(": ");
        print_value(w, &key_kind, &Value::from(key.clone()));
        w.end_field();
        w.write(value_field.name());
        if let Value::Message(sub) = value {
            w.open_message();
            print_message(w, sub);
            w.close_message();
        } else {
            w.write(": ");
            print_value(w, &value_kind, value);
            w.end_field();
        }
        w.close_message();
    }
}

fn print_value(w: &mut Writer<'_>, kind: &Kind, value: &Value) {
    let mut text = String::new();
    match value {
        Value::Bool(v) => text.push_str(if *v { "true" } else { "false" }),
        Value::I32(v) => {
            let _ = write!(text, "{v}");
        }
        Value::I64(v) => {
            let _ = write!(text, "{v}");
        }
        Value::U32(v) => {
            let _ = write!(text, "{v}");
        }
        Value::U64(v) => {
            let _ = write!(text, "{v}");
        }
        Value::F32(v) => text = format_float(*v),
        Value::F64(v) => text = format_double(*v),
        Value::String(s) => {
            text.push('"');
            c_escape(s.as_bytes(), &mut text);
            text.push('"');
        }
        Value::Bytes(b) => {
            text.push('"');
            c_escape(b, &mut text);
            text.push('"');
        }
        Value::EnumNumber(n) => match kind {
            Kind::Enum(e) => match e.get_value(*n) {
                Some(v) => text.push_str(v.name()),
                None => {
                    let _ = write!(text, "{n}");
                }
            },
            _ => {
                let _ = write!(text, "{n}");
            }
        },
        // Messages, lists and maps are printed by the callers.
        Value::Message(_) | Value::List(_) | Value::Map(_) => {}
    }
    w.write(&text);
}

/// Decodes `bytes` as a set of fields, allowing `group_limit` levels of groups; `None` if
/// they are not a well-formed message.
fn parse_fields(bytes: &[u8], group_limit: u32) -> Option<UnknownFields> {
    let mut buf = bytes;
    parse_raw(&mut buf, group_limit, None).ok()
}

/// Reads a varint of up to ten bytes.
fn read_varint(buf: &mut &[u8]) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for i in 0..10 {
        let Some((&byte, rest)) = buf.split_first() else {
            return Err(DecodeErrorKind::Truncated.into());
        };
        *buf = rest;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(DecodeErrorKind::VarintOverflow.into())
}

fn take<'b>(buf: &mut &'b [u8], len: usize) -> Result<&'b [u8], DecodeError> {
    if buf.len() < len {
        return Err(DecodeErrorKind::Truncated.into());
    }
    let (head, rest) = buf.split_at(len);
    *buf = rest;
    Ok(head)
}

/// Reads fields the way protoc's `UnknownFieldSet` parser does: a tag is the low 32 bits of
/// a varint of up to ten bytes, field number 0 and wire types 6 and 7 are errors, and groups
/// nest at most `depth_left` deep. Inside a group (`group` is its number) reading stops at the
/// matching end-group tag.
fn parse_raw(
    buf: &mut &[u8],
    depth_left: u32,
    group: Option<u32>,
) -> Result<UnknownFields, DecodeError> {
    let mut fields = UnknownFields::new();
    loop {
        if buf.is_empty() {
            return match group {
                None => Ok(fields),
                Some(number) => Err(DecodeErrorKind::UnterminatedGroup(number).into()),
            };
        }
        let tag = read_varint(buf)? as u32;
        let number = tag >> 3;
        if number == 0 {
            return Err(DecodeErrorKind::ZeroFieldNumber.into());
        }
        let value = match tag & 7 {
            0 => UnknownValue::Varint(read_varint(buf)?),
            1 => {
                let bytes = take(buf, 8)?;
                UnknownValue::Fixed64(u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])))
            }
            2 => {
                let len = read_varint(buf)?;
                let len = usize::try_from(len).map_err(|_| DecodeErrorKind::Truncated)?;
                UnknownValue::LengthDelimited(take(buf, len)?.to_vec())
            }
            3 => {
                let depth_left = depth_left
                    .checked_sub(1)
                    .ok_or(DecodeErrorKind::RecursionLimitExceeded)?;
                UnknownValue::Group(parse_raw(buf, depth_left, Some(number))?)
            }
            4 => {
                return if group == Some(number) {
                    Ok(fields)
                } else {
                    Err(DecodeErrorKind::UnexpectedEndGroup(number).into())
                };
            }
            5 => {
                let bytes = take(buf, 4)?;
                UnknownValue::Fixed32(u32::from_le_bytes(bytes.try_into().unwrap_or([0; 4])))
            }
            w => return Err(DecodeErrorKind::InvalidWireType(w as u8).into()),
        };
        fields.push(number, value);
    }
}

fn print_unknown_fields(w: &mut Writer<'_>, fields: &UnknownFields, budget: u32) {
    for field in fields {
        let number = field.number;
        match &field.value {
            UnknownValue::Varint(v) => {
                w.write(&format!("{number}: {v}"));
                w.end_field();
            }
            UnknownValue::Fixed32(v) => {
                w.write(&format!("{number}: 0x{v:08x}"));
                w.end_field();
            }
            UnknownValue::Fixed64(v) => {
                w.write(&format!("{number}: 0x{v:016x}"));
                w.end_field();
            }
            UnknownValue::LengthDelimited(bytes) => {
                let nested = if !bytes.is_empty() && budget > 0 {
                    parse_fields(bytes, budget)
                } else {
                    None
                };
                w.write(&number.to_string());
                match nested {
                    Some(nested) => {
                        w.open_message();
                        print_unknown_fields(w, &nested, budget - 1);
                        w.close_message();
                    }
                    None => {
                        let mut text = String::from(": \"");
                        c_escape(bytes, &mut text);
                        text.push('"');
                        w.write(&text);
                        w.end_field();
                    }
                }
            }
            UnknownValue::Group(group) => {
                w.write(&number.to_string());
                w.open_message();
                print_unknown_fields(w, group, budget.saturating_sub(1));
                w.close_message();
            }
        }
    }
}

pub(crate) fn print_raw(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut buf = bytes;
    let fields = parse_raw(&mut buf, DEFAULT_GROUP_LIMIT, None)?;
    let options = PrintOptions::default();
    let mut w = Writer {
        out: String::new(),
        indent: 0,
        at_line_start: true,
        options: &options,
        payloads: Vec::new(),
    };
    print_unknown_fields(&mut w, &fields, UNKNOWN_FIELD_RECURSION_LIMIT);
    Ok(w.out)
}
