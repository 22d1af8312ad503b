//! Aggregate option values: the protobuf text format inside `{ ... }`, parsed against the
//! option's message type and serialised the way protoc's dynamic messages serialise (fields and
//! extensions in number order, repeated scalars packed where the field is packed, zero values of
//! fields without presence left out).
//!
//! The runtime has a text-format tokenizer and parser of its own (`protoforge::text`); this
//! module does not use them, for these reasons:
//! - Reach: the runtime's tokenizer is private to it (`text::tokenizer` is `pub(crate)`), and
//!   its parser needs the `text` feature, which turns on `reflect`: 6,567 lines of the runtime
//!   (`reflect/` and `text/`, measured with `wc -l`) compiled into every compiler build for a
//!   parser that needs neither a `DescriptorPool` (types come from the file being compiled,
//!   through [`Lookup`]) nor `DynamicMessage` (values become wire records).
//! - Input: an aggregate value reaches this module only after `protoforge-parse`'s lexer
//!   accepted every token of it and lowering blanked its comments (`lower::format::
//!   aggregate_text`), so what the runtime tokenizer does for untrusted `--decode` input never
//!   fires here: recording every problem with its line and column and reading on, its type-URL
//!   mode, its number-then-identifier spacing errors.
//! - Output: protoc reports one problem per option, the first, as a sentence the interpreter
//!   places at the option's value (`Error while parsing option value for "m": Expected
//!   identifier, got: `). Here the tokenizer returns that first problem as `Err` and
//!   unescapes strings as it reads them, so a token is a slice of the text or the decoded
//!   bytes (`stops_at_the_first_problem` below pins this).
//!
//! Sharing would take a change in the runtime (exporting its tokenizer, and a first-error
//! mode), which belongs to the runtime's own crate.

use std::rc::Rc;

use protoforge::__private::c_format::{Dialect, Escape, read_escape};

use super::diagnostics as diag;
use super::schema::{FieldInfo, Kind, Lookup, ScalarType};
use crate::wire::{self, Raw, Record};

/// Parses `text` as a message of type `message` and returns its canonical records.
///
/// The error is a sentence describing the first problem, as protoc's text-format parser
/// reports it.
pub(crate) fn parse_message(
    lookup: &dyn Lookup,
    message: &str,
    text: &str,
) -> Result<Vec<Record>, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        lookup,
        tokens,
        pos: 0,
    };
    let msg = parser.message_body(message, None)?;
    Ok(msg.into_records(lookup.is_message_set(message)))
}

/// One token; names and numbers borrow the option text.
#[derive(Clone, Debug, PartialEq)]
enum Tok<'t> {
    Ident(&'t str),
    Int(&'t str),
    Float(&'t str),
    Str(Vec<u8>),
    Sym(char),
}

impl Tok<'_> {
    fn text(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Int(s) | Tok::Float(s) => s.to_string(),
            Tok::Str(b) => format!("\"{}\"", String::from_utf8_lossy(b)),
            Tok::Sym(c) => c.to_string(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Tok<'_>>, String> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Tok::Ident(&text[start..i]));
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            let mut float = false;
            if c == b'0' && matches!(bytes.get(i + 1), Some(b'x' | b'X')) {
                i += 2;
                while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
                    i += 1;
                }
            } else {
                while i < bytes.len() {
                    let d = bytes[i];
                    if d.is_ascii_digit() {
                        i += 1;
                    } else if d == b'.' {
                        float = true;
                        i += 1;
                    } else if d == b'e' || d == b'E' {
                        float = true;
                        i += 1;
                        if matches!(bytes.get(i), Some(b'+' | b'-')) {
                            i += 1;
                        }
                    } else {
                        break;
                    }
                }
                if matches!(bytes.get(i), Some(b'f' | b'F')) {
                    float = true;
                    i += 1;
                }
            }
            let s = &text[start..i];
            tokens.push(if float { Tok::Float(s) } else { Tok::Int(s) });
        } else if c == b'"' || c == b'\'' {
            let (value, next) = string_literal(bytes, i)?;
            i = next;
            // Adjacent string literals are one value; keep them as separate tokens and let the
            // value parser join them.
            tokens.push(Tok::Str(value));
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            tokens.push(Tok::Sym(ch));
            i += ch.len_utf8();
        }
    }
    Ok(tokens)
}

/// Reads the quoted literal starting at `start` and returns its unescaped bytes and the index
/// after the closing quote.
fn string_literal(bytes: &[u8], start: usize) -> Result<(Vec<u8>, usize), String> {
    let quote = bytes[start];
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        // The plain bytes up to the next quote, escape or line end are copied at once.
        let plain = bytes[i..]
            .iter()
            .position(|&b| b == quote || b == b'\\' || b == b'\n')
            .unwrap_or(bytes.len() - i);
        out.extend_from_slice(&bytes[i..i + plain]);
        i += plain;
        let Some(&c) = bytes.get(i) else {
            return Err(diag::unterminated_string());
        };
        i += 1;
        if c == quote {
            return Ok((out, i));
        }
        if c == b'\n' {
            return Err(diag::string_across_lines());
        }
        if c != b'\\' {
            out.push(c);
            continue;
        }
        if i >= bytes.len() {
            return Err(diag::unterminated_string());
        }
        let (escape, len) = read_escape(bytes, i, Dialect::Tokenizer);
        i += len;
        match escape {
            Escape::Byte(b) | Escape::Unknown(b) => out.push(b),
            Escape::EmptyHex => {
                return Err(diag::empty_hex_escape());
            }
            Escape::Unicode(code) => {
                let Some(code) = char::from_u32(code) else {
                    return Err(diag::bad_unicode_escape());
                };
                let mut buf = [0u8; 4];
                out.extend_from_slice(code.encode_utf8(&mut buf).as_bytes());
            }
            Escape::ShortUnicode(_) => return Err(diag::bad_unicode_escape()),
        }
    }
}

/// One parsed message: its fields in the order first seen, each with its raw values.
#[derive(Default)]
struct DynMessage {
    fields: Vec<(Rc<FieldInfo>, Vec<Raw>)>,
}

impl DynMessage {
    /// The message's records; in a `message_set_wire_format` message, extensions are written
    /// as MessageSet items (group 1 holding `type_id` 2 and `message` 3).
    fn into_records(mut self, message_set: bool) -> Vec<Record> {
        self.fields.sort_by_key(|(f, _)| f.number);
        let mut records = Vec::new();
        for (field, values) in self.fields {
            if message_set && field.is_extension && matches!(field.kind, Kind::Message(_)) {
                for value in values {
                    let item = vec![
                        Record::new(2, Raw::Varint(u64::from(field.number))),
                        Record::new(3, value),
                    ];
                    records.push(Record::new(1, Raw::Group(item)));
                }
                continue;
            }
            if field.repeated && field.packed && field.kind.is_packable() {
                if values.is_empty() {
                    continue;
                }
                let mut payload = Vec::new();
                for value in &values {
                    match value {
                        Raw::Varint(v) => wire::put_varint(&mut payload, *v),
                        Raw::Fixed32(v) => payload.extend_from_slice(&v.to_le_bytes()),
                        Raw::Fixed64(v) => payload.extend_from_slice(&v.to_le_bytes()),
                        Raw::Bytes(_) | Raw::Group(_) => {}
                    }
                }
                records.push(Record::new(field.number, Raw::Bytes(payload)));
                continue;
            }
            for value in values {
                if field.implicit_presence && !field.repeated && is_zero(&value) {
                    continue;
                }
                records.push(Record::new(field.number, value));
            }
        }
        records
    }
}

fn is_zero(value: &Raw) -> bool {
    match value {
        Raw::Varint(v) | Raw::Fixed64(v) => *v == 0,
        Raw::Fixed32(v) => *v == 0,
        Raw::Bytes(b) => b.is_empty(),
        Raw::Group(_) => false,
    }
}

struct Parser<'a> {
    lookup: &'a dyn Lookup,
    tokens: Vec<Tok<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Tok<'a>> {
        self.tokens.get(self.pos)
    }

    fn at_sym(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Sym(c))
    }

    fn eat_sym(&mut self, c: char) -> bool {
        let yes = self.at_sym(c);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(t) => format!("\"{}\"", t.text()),
            None => "end of input".to_string(),
        }
    }

    fn expect_sym(&mut self, c: char) -> Result<(), String> {
        if self.eat_sym(c) {
            Ok(())
        } else {
            Err(diag::expected_symbol(c, &self.found()))
        }
    }

    fn ident(&mut self) -> Result<&'a str, String> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let s = *s;
                self.pos += 1;
                Ok(s)
            }
            _ => Err(diag::expected_identifier(&self.found_raw())),
        }
    }

    fn found_raw(&self) -> String {
        self.peek().map(Tok::text).unwrap_or_default()
    }

    /// Parses fields until `close` (or the end of input when `close` is `None`).
    fn message_body(&mut self, message: &str, close: Option<char>) -> Result<DynMessage, String> {
        let mut msg = DynMessage::default();
        loop {
            match close {
                Some(c) if self.eat_sym(c) => return Ok(msg),
                None if self.peek().is_none() => return Ok(msg),
                Some(c) if self.peek().is_none() => {
                    return Err(diag::unclosed_message(c));
                }
                _ => {}
            }
            self.field(message, &mut msg)?;
            if !self.eat_sym(';') {
                self.eat_sym(',');
            }
        }
    }

    fn field(&mut self, message: &str, msg: &mut DynMessage) -> Result<(), String> {
        let field = if self.eat_sym('[') {
            let mut name = self.ident()?.to_string();
            while self.eat_sym('.') {
                name.push('.');
                name.push_str(self.ident()?);
            }
            if self.eat_sym('/') {
                // An expanded `Any`: `[prefix/full.Name] { ... }`.
                let mut type_name = self.ident()?.to_string();
                while self.eat_sym('.') {
                    type_name.push('.');
                    type_name.push_str(self.ident()?);
                }
                self.expect_sym(']')?;
                return self.any_field(message, &name, &type_name, msg);
            }
            self.expect_sym(']')?;
            match self.lookup.extension(message, &name) {
                Some(f) if f.containing_type == message => f,
                _ => {
                    return Err(diag::unknown_extension(&name, message));
                }
            }
        } else {
            let name = self.ident()?;
            self.named_field(message, name)?
        };
        let values = self.field_values(&field)?;
        add_values(msg, field, values)
    }

    fn named_field(&self, message: &str, name: &str) -> Result<Rc<FieldInfo>, String> {
        let mut field = self.lookup.field_by_name(message, name);
        if field.is_none() {
            let lower = name.to_ascii_lowercase();
            field = self
                .lookup
                .field_by_name(message, &lower)
                .filter(|f| matches!(f.kind, Kind::Group(_)));
        }
        if let Some(f) = &field
            && let Kind::Group(type_name) = &f.kind
        {
            let short = type_name.rsplit('.').next().unwrap_or(type_name);
            if short != name {
                field = None;
            }
        }
        field.ok_or_else(|| diag::unknown_field(message, name))
    }

    fn any_field(
        &mut self,
        message: &str,
        prefix: &str,
        type_name: &str,
        msg: &mut DynMessage,
    ) -> Result<(), String> {
        let known_prefix = prefix == "type.googleapis.com" || prefix == "type.googleprod.com";
        if message != "google.protobuf.Any" || !known_prefix || !self.lookup.has_message(type_name)
        {
            return Err(diag::unknown_any_type(prefix, type_name));
        }
        self.eat_sym(':');
        let close = self.open_brace()?;
        let inner = self.message_body(type_name, Some(close))?;
        let (Some(url), Some(value)) = (
            self.lookup.field_by_number(message, 1),
            self.lookup.field_by_number(message, 2),
        ) else {
            return Err(diag::any_without_fields());
        };
        let url_value = format!("{prefix}/{type_name}").into_bytes();
        let bytes = wire::to_bytes(&inner.into_records(self.lookup.is_message_set(type_name)));
        add_values(msg, url, vec![Raw::Bytes(url_value)])?;
        add_values(msg, value, vec![Raw::Bytes(bytes)])
    }

    fn open_brace(&mut self) -> Result<char, String> {
        if self.eat_sym('{') {
            Ok('}')
        } else if self.eat_sym('<') {
            Ok('>')
        } else {
            Err(diag::expected_symbol('{', &self.found()))
        }
    }

    fn field_values(&mut self, field: &FieldInfo) -> Result<Vec<Raw>, String> {
        let is_message = field.kind.message_type().is_some();
        if is_message {
            self.eat_sym(':');
        } else if !self.eat_sym(':') {
            return Err(diag::expected_symbol(':', &self.found()));
        }
        if field.repeated && self.eat_sym('[') {
            let mut values = Vec::new();
            if self.eat_sym(']') {
                return Ok(values);
            }
            loop {
                values.push(self.one_value(field)?);
                if self.eat_sym(']') {
                    return Ok(values);
                }
                self.expect_sym(',')?;
            }
        }
        Ok(vec![self.one_value(field)?])
    }

    fn one_value(&mut self, field: &FieldInfo) -> Result<Raw, String> {
        match &field.kind {
            Kind::Message(type_name) | Kind::Group(type_name) => {
                let close = self.open_brace()?;
                let inner = self.message_body(type_name, Some(close))?;
                let records = inner.into_records(self.lookup.is_message_set(type_name));
                Ok(match field.kind {
                    Kind::Group(_) => Raw::Group(records),
                    _ => Raw::Bytes(wire::to_bytes(&records)),
                })
            }
            Kind::Scalar(ScalarType::Int32)
            | Kind::Scalar(ScalarType::Sint32)
            | Kind::Scalar(ScalarType::Sfixed32) => {
                let v = self.signed(i64::from(i32::MIN), i64::from(i32::MAX))? as i32;
                Ok(match field.kind {
                    Kind::Scalar(ScalarType::Sint32) => {
                        Raw::Varint(u64::from(((v << 1) ^ (v >> 31)) as u32))
                    }
                    Kind::Scalar(ScalarType::Sfixed32) => Raw::Fixed32(v as u32),
                    _ => Raw::Varint(i64::from(v) as u64),
                })
            }
            Kind::Scalar(ScalarType::Int64)
            | Kind::Scalar(ScalarType::Sint64)
            | Kind::Scalar(ScalarType::Sfixed64) => {
                let v = self.signed(i64::MIN, i64::MAX)?;
                Ok(match field.kind {
                    Kind::Scalar(ScalarType::Sint64) => Raw::Varint(((v << 1) ^ (v >> 63)) as u64),
                    Kind::Scalar(ScalarType::Sfixed64) => Raw::Fixed64(v as u64),
                    _ => Raw::Varint(v as u64),
                })
            }
            Kind::Scalar(ScalarType::Uint32) | Kind::Scalar(ScalarType::Fixed32) => {
                let v = self.unsigned(u64::from(u32::MAX))?;
                Ok(match field.kind {
                    Kind::Scalar(ScalarType::Fixed32) => Raw::Fixed32(v as u32),
                    _ => Raw::Varint(v),
                })
            }
            Kind::Scalar(ScalarType::Uint64) | Kind::Scalar(ScalarType::Fixed64) => {
                let v = self.unsigned(u64::MAX)?;
                Ok(match field.kind {
                    Kind::Scalar(ScalarType::Fixed64) => Raw::Fixed64(v),
                    _ => Raw::Varint(v),
                })
            }
            Kind::Scalar(ScalarType::Double) => Ok(Raw::Fixed64(self.double()?.to_bits())),
            Kind::Scalar(ScalarType::Float) => Ok(Raw::Fixed32((self.double()? as f32).to_bits())),
            Kind::Scalar(ScalarType::Bool) => {
                let value = match self.peek() {
                    Some(Tok::Ident(s)) => match *s {
                        "true" | "True" | "t" => Some(1),
                        "false" | "False" | "f" => Some(0),
                        _ => None,
                    },
                    Some(Tok::Int(s)) => match *s {
                        "1" => Some(1),
                        "0" => Some(0),
                        _ => None,
                    },
                    _ => None,
                };
                match value {
                    Some(v) => {
                        self.pos += 1;
                        Ok(Raw::Varint(v))
                    }
                    None => Err(diag::invalid_bool(&field.name, &self.found_raw())),
                }
            }
            Kind::Scalar(ScalarType::String) | Kind::Scalar(ScalarType::Bytes) => {
                let mut value = match self.peek() {
                    Some(Tok::Str(s)) => s.clone(),
                    _ => return Err(diag::expected_string(&self.found_raw())),
                };
                self.pos += 1;
                while let Some(Tok::Str(s)) = self.peek() {
                    value.extend_from_slice(s);
                    self.pos += 1;
                }
                Ok(Raw::Bytes(value))
            }
            Kind::Enum(enum_name) => {
                if let Some(&Tok::Ident(name)) = self.peek() {
                    self.pos += 1;
                    return match self.lookup.enum_value(enum_name, name) {
                        Some(n) => Ok(Raw::Varint(i64::from(n) as u64)),
                        None => Err(diag::unknown_enum_value_in_text(name, &field.name)),
                    };
                }
                let n = self.signed(i64::from(i32::MIN), i64::from(i32::MAX))? as i32;
                if self.lookup.enum_is_closed(enum_name)
                    && !self.lookup.enum_has_number(enum_name, n)
                {
                    return Err(diag::unknown_enum_value_in_text(
                        &n.to_string(),
                        &field.name,
                    ));
                }
                Ok(Raw::Varint(i64::from(n) as u64))
            }
        }
    }

    fn integer_magnitude(&mut self) -> Result<u64, String> {
        let Some(&Tok::Int(text)) = self.peek() else {
            return Err(diag::expected_integer(&self.found_raw()));
        };
        self.pos += 1;
        parse_int(text).ok_or_else(|| diag::integer_out_of_range(text))
    }

    fn signed(&mut self, min: i64, max: i64) -> Result<i64, String> {
        let negative = self.eat_sym('-');
        let magnitude = self.integer_magnitude()?;
        let value = if negative {
            -i128::from(magnitude)
        } else {
            i128::from(magnitude)
        };
        if value < i128::from(min) || value > i128::from(max) {
            let sign = if negative { "-" } else { "" };
            return Err(diag::integer_out_of_range(&format!("{sign}{magnitude}")));
        }
        Ok(value as i64)
    }

    fn unsigned(&mut self, max: u64) -> Result<u64, String> {
        if self.at_sym('-') {
            return Err(diag::expected_integer("-"));
        }
        let value = self.integer_magnitude()?;
        if value > max {
            return Err(diag::integer_out_of_range(&value.to_string()));
        }
        Ok(value)
    }

    fn double(&mut self) -> Result<f64, String> {
        let negative = self.eat_sym('-');
        let value = match self.peek().cloned() {
            Some(Tok::Int(text)) => {
                self.pos += 1;
                parse_int(text)
                    .map(|v| v as f64)
                    .unwrap_or_else(|| text.parse().unwrap_or(f64::INFINITY))
            }
            Some(Tok::Float(text)) => {
                self.pos += 1;
                let trimmed = text.trim_end_matches(['f', 'F']);
                let trimmed = if trimmed.ends_with(['e', 'E', '+', '-']) {
                    "0"
                } else {
                    trimmed
                };
                trimmed.parse::<f64>().unwrap_or(0.0)
            }
            Some(Tok::Ident(text)) => {
                let lower = text.to_ascii_lowercase();
                let v = match lower.as_str() {
                    "inf" | "infinity" => f64::INFINITY,
                    "nan" => f64::NAN,
                    _ => return Err(diag::expected_double(text)),
                };
                self.pos += 1;
                v
            }
            _ => return Err(diag::expected_double(&self.found_raw())),
        };
        Ok(if negative { -value } else { value })
    }
}

fn parse_int(text: &str) -> Option<u64> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if text.len() > 1 && text.starts_with('0') {
        u64::from_str_radix(&text[1..], 8).ok()
    } else {
        text.parse().ok()
    }
}

fn add_values(msg: &mut DynMessage, field: Rc<FieldInfo>, values: Vec<Raw>) -> Result<(), String> {
    if !field.repeated {
        if msg.fields.iter().any(|(f, _)| f.number == field.number) {
            return Err(diag::field_set_twice(&field.name));
        }
        if let Some(oneof) = &field.oneof
            && let Some((other, _)) = msg
                .fields
                .iter()
                .find(|(f, _)| f.oneof.as_ref() == Some(oneof))
        {
            return Err(diag::oneof_set_twice(&field.name, &other.name, oneof));
        }
    }
    match msg
        .fields
        .iter_mut()
        .find(|(f, _)| f.number == field.number)
    {
        Some((_, existing)) => existing.extend(values),
        None => msg.fields.push((field, values)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-message schema: `t.M { int32 a = 1; repeated sint32 r = 2 [packed]; t.M sub = 3;
    /// string s = 4; t.E e = 5; }` and an extension `t.ext = 100` of `t.M`.
    struct Fake;

    fn info(name: &str, number: u32, repeated: bool, kind: Kind) -> FieldInfo {
        FieldInfo {
            name: name.to_string(),
            full_name: format!("t.M.{name}"),
            number,
            repeated,
            kind,
            packed: repeated,
            implicit_presence: false,
            oneof: None,
            is_extension: false,
            containing_type: "t.M".to_string(),
            file: "t.proto".to_string(),
            source_retention: false,
            targets: Vec::new(),
            feature_support: None,
        }
    }

    impl Lookup for Fake {
        fn field_by_name(&self, message: &str, name: &str) -> Option<Rc<FieldInfo>> {
            if message != "t.M" {
                return None;
            }
            Some(Rc::new(match name {
                "a" => info("a", 1, false, Kind::Scalar(ScalarType::Int32)),
                "r" => info("r", 2, true, Kind::Scalar(ScalarType::Sint32)),
                "sub" => info("sub", 3, false, Kind::Message("t.M".into())),
                "s" => info("s", 4, false, Kind::Scalar(ScalarType::String)),
                "e" => info("e", 5, false, Kind::Enum("t.E".into())),
                _ => return None,
            }))
        }
        fn field_by_number(&self, _: &str, _: u32) -> Option<Rc<FieldInfo>> {
            None
        }
        fn extension(&self, _: &str, name: &str) -> Option<Rc<FieldInfo>> {
            (name == "t.ext").then(|| {
                Rc::new(FieldInfo {
                    is_extension: true,
                    ..info("ext", 100, false, Kind::Scalar(ScalarType::Bool))
                })
            })
        }
        fn has_message(&self, name: &str) -> bool {
            name == "t.M"
        }
        fn enum_value(&self, _: &str, value: &str) -> Option<i32> {
            (value == "ONE").then_some(1)
        }
        fn enum_has_number(&self, _: &str, number: i32) -> bool {
            number == 1
        }
        fn enum_is_closed(&self, _: &str) -> bool {
            true
        }
        fn is_message_set(&self, _: &str) -> bool {
            false
        }
    }

    #[test]
    fn serialises_in_field_number_order_with_packing_and_extensions() {
        let records = parse_message(
            &Fake,
            "t.M",
            "[ t . ext ] : true s : \"x\" \"y\" r : [ - 1 , 2 ] a : - 2 sub { e : ONE } r : 3",
        )
        .unwrap();
        let bytes = wire::to_bytes(&records);
        let mut expected = vec![0x08];
        expected.extend_from_slice(&[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        expected.extend_from_slice(&[0x12, 0x03, 0x01, 0x04, 0x06]);
        expected.extend_from_slice(&[0x1a, 0x02, 0x28, 0x01]);
        expected.extend_from_slice(&[0x22, 0x02, b'x', b'y']);
        expected.extend_from_slice(&[0xa0, 0x06, 0x01]);
        assert_eq!(bytes, expected);
    }

    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        let cases = [
            "",
            "{",
            "}",
            "a",
            "a:",
            "a: -",
            "a: 0x",
            "a: 99999999999999999999999",
            "s: \"abc",
            "s: 'a\\",
            "s: \"\\x\"",
            "s: \"\\u12\"",
            "sub {",
            "sub < a: 1 }",
            "[",
            "[t.",
            "[t.ext",
            "[a/b]",
            "[a/b.c] {}",
            "r: [1,",
            "r: [1 2]",
            "e: -",
            "e: 7",
            "a: 1.5",
            "a: inf",
            "ä: 1",
            "a: 1e",
            "r: [,]",
        ];
        for text in cases {
            let result = parse_message(&Fake, "t.M", text);
            if text.is_empty() {
                assert_eq!(result, Ok(Vec::new()));
            } else {
                assert!(result.is_err(), "{text:?} should not parse: {result:?}");
            }
        }
    }

    #[test]
    fn reports_protoc_style_errors() {
        let err = |text: &str| parse_message(&Fake, "t.M", text).unwrap_err();
        assert_eq!(
            err("b: 1"),
            "Message type \"t.M\" has no field named \"b\"."
        );
        assert_eq!(
            err("a: 1 a: 2"),
            "Non-repeated field \"a\" is specified multiple times."
        );
        assert_eq!(err("a: 3000000000"), "Integer out of range (3000000000)");
        assert_eq!(
            err("e: TWO"),
            "Unknown enumeration value of \"TWO\" for field \"e\"."
        );
        assert_eq!(err("a 1"), "Expected \":\", found \"1\".");
        assert_eq!(err("sub { a: 1"), "Expected \"}\".");
    }

    #[test]
    fn stops_at_the_first_problem() {
        let err = |text: &str| parse_message(&Fake, "t.M", text).unwrap_err();
        // A problem in a string ends the reading: the unknown field after it is not reported,
        // and no position is given (the interpreter places the message).
        assert_eq!(
            err("s: \"x\nb: 1"),
            "String literals cannot cross line boundaries."
        );
        assert_eq!(err("b: 1 c: 2"), err("b: 1"));
    }
}
