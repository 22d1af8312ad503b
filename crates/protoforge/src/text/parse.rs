//! The parser: reads text format into a [`DynamicMessage`] following protoc's
//! `TextFormat::Parser` step by step (same tokens consumed in the same order), so that
//! errors carry protoc's wording and position. The first parser error stops parsing;
//! tokenizer errors are recorded and parsing goes on, and any error fails the parse.

use super::escape::unescape_append;
use super::field::{FieldRef, find_extension, map_key};
use super::tokenizer::{Problem, TokenKind, Tokenizer, is_identifier, parse_float, parse_integer};
use super::{Diagnostic, ParseError};
use crate::reflect::{DynamicMessage, Kind, MessageDescriptor, Value};

/// How deep messages may nest in text input.
const RECURSION_LIMIT: i32 = 100;

/// A parser error has been recorded; unwind.
struct Failed;

type Step<T = ()> = Result<T, Failed>;

/// Parses `input` into `msg`. With `forbid_overwrites`, a non-repeated field given twice is an
/// error (protoc's `Parse`); otherwise the last value wins (protoc's `Merge`). Returns the
/// warnings on success.
pub(crate) fn parse_into(
    msg: &mut DynamicMessage,
    input: &[u8],
    forbid_overwrites: bool,
) -> Result<Vec<Diagnostic>, ParseError> {
    let mut parser = Parser {
        tok: Tokenizer::new(input),
        recursion_left: RECURSION_LIMIT,
        forbid_overwrites,
    };
    parser.tok.next();
    let ok = parser.parse_fields(msg).is_ok();
    let problems = std::mem::take(&mut parser.tok.problems);
    let failed = !ok || problems.iter().any(|p| !p.warning);
    let diagnostics: Vec<Diagnostic> = problems.into_iter().map(diagnostic).collect();
    if failed {
        Err(ParseError::new(diagnostics))
    } else {
        Ok(diagnostics)
    }
}

fn diagnostic(p: Problem) -> Diagnostic {
    Diagnostic {
        line: p.line + 1,
        column: p.column + 1,
        message: String::from_utf8_lossy(&p.message).into_owned(),
        is_warning: p.warning,
        raw_message: p.message,
    }
}

/// An error message that quotes input bytes as they are: `before`, the bytes, `after`.
fn quoting(before: &str, bytes: &[u8], after: &str) -> Vec<u8> {
    [before.as_bytes(), bytes, after.as_bytes()].concat()
}

fn is_hex_number(text: &[u8]) -> bool {
    text.len() >= 2 && text[0] == b'0' && (text[1] | 0x20) == b'x'
}

fn is_oct_number(text: &[u8]) -> bool {
    text.len() >= 2 && text[0] == b'0' && (b'0'..b'8').contains(&text[1])
}

/// protoc's `SafeDoubleToFloat`: values just above the largest float that still print as it
/// become the largest float, larger ones infinity.
fn double_to_float(value: f64) -> f32 {
    const MAX_FLOAT_AS_DOUBLE_ROUNDED: f64 = 3.4028235677973366e38;
    if value > f64::from(f32::MAX) {
        if value <= MAX_FLOAT_AS_DOUBLE_ROUNDED {
            f32::MAX
        } else {
            f32::INFINITY
        }
    } else if value < -f64::from(f32::MAX) {
        if value >= -MAX_FLOAT_AS_DOUBLE_ROUNDED {
            -f32::MAX
        } else {
            f32::NEG_INFINITY
        }
    } else {
        value as f32
    }
}

struct Parser<'a> {
    tok: Tokenizer<'a>,
    recursion_left: i32,
    forbid_overwrites: bool,
}

impl Parser<'_> {
    /// Records an error at the current token.
    fn error<T>(&mut self, message: impl Into<Vec<u8>>) -> Step<T> {
        let (line, column) = (self.tok.current().line, self.tok.current().column);
        self.tok.error_at(line, column, message);
        Err(Failed)
    }

    fn warning(&mut self, message: impl Into<Vec<u8>>) {
        let (line, column) = (self.tok.current().line, self.tok.current().column);
        self.tok.warning_at(line, column, message);
    }

    fn current_text(&self) -> String {
        self.tok.text(self.tok.current()).into_owned()
    }

    /// The current token's bytes, for error messages that quote it.
    fn current_bytes(&self) -> Vec<u8> {
        self.tok.bytes(self.tok.current()).to_vec()
    }

    fn looking_at(&self, text: &str) -> bool {
        self.tok.looking_at(text)
    }

    fn looking_at_kind(&self, kind: TokenKind) -> bool {
        self.tok.current().kind == kind
    }

    fn try_consume(&mut self, text: &str) -> bool {
        if self.looking_at(text) {
            self.tok.next();
            true
        } else {
            false
        }
    }

    fn consume(&mut self, text: &str) -> Step {
        if self.try_consume(text) {
            Ok(())
        } else {
            let found = self.current_bytes();
            self.error(quoting(
                &format!("Expected \"{text}\", found \""),
                &found,
                "\".",
            ))
        }
    }

    fn consume_identifier(&mut self) -> Step<String> {
        if self.looking_at_kind(TokenKind::Identifier) {
            let text = self.current_text();
            self.tok.next();
            return Ok(text);
        }
        let found = self.current_bytes();
        self.error(quoting("Expected identifier, got: ", &found, ""))
    }

    fn parse_fields(&mut self, msg: &mut DynamicMessage) -> Step {
        while !self.looking_at_kind(TokenKind::End) {
            self.consume_field(msg)?;
        }
        Ok(())
    }

    fn enter(&mut self) -> Step {
        self.recursion_left -= 1;
        if self.recursion_left < 0 {
            return self.error(format!(
                "Message is too deep, the parser exceeded the configured recursion limit of \
                 {RECURSION_LIMIT}."
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.recursion_left += 1;
    }

    /// Consumes `{` or `<` and returns the matching closing delimiter.
    fn consume_message_delimiter(&mut self) -> Step<&'static str> {
        if self.try_consume("<") {
            Ok(">")
        } else {
            self.consume("{")?;
            Ok("}")
        }
    }

    /// Consumes the fields of a message up to and including `delimiter`.
    fn consume_message(&mut self, msg: &mut DynamicMessage, delimiter: &str) -> Step {
        self.enter()?;
        while !self.looking_at(">") && !self.looking_at("}") {
            self.consume_field(msg)?;
        }
        self.consume(delimiter)?;
        self.leave();
        Ok(())
    }

    /// The optional `;` or `,` after a field.
    fn skip_separator(&mut self) {
        let _ = self.try_consume(";") || self.try_consume(",");
    }

    fn consume_field(&mut self, msg: &mut DynamicMessage) -> Step {
        let desc = msg.descriptor();
        if desc.full_name() == "google.protobuf.Any"
            && self.looking_at("[")
            && let (Some(url_field), Some(value_field)) = (desc.get_field(1), desc.get_field(2))
        {
            return self.consume_any(msg, &desc, url_field, value_field);
        }
        let field_name;
        let field;
        if self.looking_at("[") {
            let (name, url_prefix) = self.consume_type_url_or_full_name()?;
            if !url_prefix.is_empty() {
                return self.error("Extension name contains \"/\"");
            }
            field = find_extension(&desc, &name).map(FieldRef::Extension);
            if field.is_none() {
                return self.error(format!(
                    "Extension \"{name}\" is not defined or is not an extension of \"{}\".",
                    desc.full_name()
                ));
            }
            field_name = name;
        } else {
            field_name = self.consume_identifier()?;
            field = desc
                .get_field_by_name(&field_name)
                .map(FieldRef::Field)
                .or_else(|| {
                    // A group-like field may also be called by its type name.
                    let lower = field_name.to_ascii_lowercase();
                    desc.get_field_by_name(&lower)
                        .map(FieldRef::Field)
                        .filter(|f| {
                            f.is_group_like()
                                && matches!(f.kind(), Kind::Message(ty) if ty.name() == field_name)
                        })
                });
            let reserved = || desc.descriptor_proto().reserved_name.contains(&field_name);
            if field.is_none() && !reserved() {
                return self.error(format!(
                    "Message type \"{}\" has no field named \"{field_name}\".",
                    desc.full_name()
                ));
            }
        }
        let Some(field) = field else {
            // A reserved name: skip the value, guessing its shape from the punctuation.
            if self.try_consume(":") && !self.looking_at("{") && !self.looking_at("<") {
                self.skip_field_value()?;
            } else {
                self.skip_field_message()?;
            }
            self.skip_separator();
            return Ok(());
        };

        if field.is_deprecated() {
            self.warning(format!(
                "text format contains deprecated field \"{field_name}\""
            ));
        }
        if self.forbid_overwrites {
            self.check_overwrite(msg, &field, &field_name)?;
        }

        let is_message = matches!(field.kind(), Kind::Message(_));
        if is_message {
            let _ = self.try_consume(":");
        } else {
            self.consume(":")?;
        }

        if field.is_repeated() && self.try_consume("[") {
            // The short form of a repeated field: `name: [a, b]`, or `[]` for none.
            if !self.try_consume("]") {
                loop {
                    if is_message {
                        self.consume_field_message(msg, &field)?;
                    } else {
                        self.consume_field_value(msg, &field)?;
                    }
                    if self.try_consume("]") {
                        break;
                    }
                    self.consume(",")?;
                }
            }
        } else if is_message {
            self.consume_field_message(msg, &field)?;
        } else {
            self.consume_field_value(msg, &field)?;
        }
        self.skip_separator();
        Ok(())
    }

    /// protoc's checks before a field of `Parse` (not `Merge`) input: a non-repeated field
    /// may be given once, and one member of a oneof.
    fn check_overwrite(&mut self, msg: &DynamicMessage, field: &FieldRef, name: &str) -> Step {
        if !field.is_repeated() && field.is_set(msg) {
            return self.error(format!(
                "Non-repeated field \"{name}\" is specified multiple times."
            ));
        }
        if let FieldRef::Field(f) = field
            && let Some(oneof) = f.containing_oneof()
            && let Some(other) = oneof.fields().find(|other| msg.has_field(other))
        {
            return self.error(format!(
                "Field \"{name}\" is specified along with field \"{}\", another member \
                         of oneof \"{}\".",
                other.name(),
                oneof.name()
            ));
        }
        Ok(())
    }

    /// `[prefix/full.Type] { ... }` inside an `Any`.
    fn consume_any(
        &mut self,
        msg: &mut DynamicMessage,
        desc: &MessageDescriptor,
        url_field: crate::reflect::FieldDescriptor,
        value_field: crate::reflect::FieldDescriptor,
    ) -> Step {
        let (full_type_name, url_prefix) = self.consume_type_url_or_full_name()?;
        if url_prefix.is_empty() {
            return self.error("Type URL prefix is missing");
        }
        let _ = self.try_consume(":");
        let Some(value_desc) = desc.parent_pool().get_message_by_name(&full_type_name) else {
            return self.error(format!(
                "Could not find type \"{url_prefix}{full_type_name}\" stored in \
                 google.protobuf.Any."
            ));
        };
        let mut value = DynamicMessage::new(value_desc);
        let delimiter = self.consume_message_delimiter()?;
        self.consume_message(&mut value, delimiter)?;
        if self.forbid_overwrites && (msg.has_field(&url_field) || msg.has_field(&value_field)) {
            return self.error("Non-repeated Any specified multiple times.");
        }
        msg.set_field(
            &url_field,
            Value::String(format!("{url_prefix}{full_type_name}")),
        );
        msg.set_field(&value_field, Value::Bytes(value.encode_to_vec().into()));
        self.skip_separator();
        Ok(())
    }

    /// Reads `[...]` in URL mode (whitespace and comments inside are dropped) and splits it
    /// into the type name and the URL prefix up to the last `/` (empty if there is none).
    fn consume_type_url_or_full_name(&mut self) -> Step<(String, String)> {
        self.tok.report_url_chars = true;
        let _ = self.try_consume("[");
        let mut text = String::new();
        while self.looking_at_kind(TokenKind::UrlChars) {
            text.push_str(&self.current_text());
            self.tok.next();
        }
        self.tok.report_url_chars = false;
        self.consume("]")?;

        let (url_prefix, full_type_name) = match text.rfind('/') {
            None => (String::new(), text),
            Some(slash) => {
                let prefix = text[..=slash].to_owned();
                let name = text[slash + 1..].to_owned();
                if prefix == "/" {
                    return self.error("Type URL prefix is empty");
                }
                if prefix.starts_with('/') {
                    return self.error("Type URL starts with \"/\"");
                }
                let bytes = prefix.as_bytes();
                for (i, &b) in bytes.iter().enumerate() {
                    let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                    if b == b'%' && !(hex(i + 1) && hex(i + 2)) {
                        let end = (i + 3).min(bytes.len());
                        let bad = String::from_utf8_lossy(&bytes[i..end]).into_owned();
                        return self.error(format!("Invalid percent encode, got: \"{bad}\""));
                    }
                }
                (prefix, name)
            }
        };
        for part in full_type_name.split('.') {
            if !is_identifier(part) {
                return self.error(format!("Invalid identifier in type name, got: \"{part}\""));
            }
        }
        Ok((full_type_name, url_prefix))
    }

    /// A message value (`{ ... }` or `< ... >`) of `field`, added or merged into `msg`.
    fn consume_field_message(&mut self, msg: &mut DynamicMessage, field: &FieldRef) -> Step {
        let Kind::Message(ty) = field.kind() else {
            return self.error("internal error: not a message field");
        };
        let delimiter = self.consume_message_delimiter()?;
        if field.is_map() {
            let mut entry = DynamicMessage::new(ty.clone());
            self.consume_message(&mut entry, delimiter)?;
            let key = entry.get_field(&ty.map_entry_key_field());
            let value = entry.get_field(&ty.map_entry_value_field()).into_owned();
            if let Some(key) = map_key(&key) {
                field.edit(msg, |v| {
                    if let Value::Map(map) = v {
                        map.insert(key, value);
                    }
                });
            }
        } else if field.is_repeated() {
            let mut sub = DynamicMessage::new(ty);
            self.consume_message(&mut sub, delimiter)?;
            field.edit(msg, |v| {
                if let Value::List(list) = v {
                    list.push(Value::Message(sub));
                }
            });
        } else {
            // Merge into the message already there (parsed in place for regular fields).
            field.edit(msg, |value| {
                if !matches!(value, Value::Message(_)) {
                    *value = Value::Message(DynamicMessage::new(ty));
                }
                match value {
                    Value::Message(sub) => self.consume_message(sub, delimiter),
                    _ => Ok(()),
                }
            })?;
        }
        Ok(())
    }

    /// Stores a scalar value: appended to a repeated field, else set.
    fn store(msg: &mut DynamicMessage, field: &FieldRef, value: Value) {
        if field.is_repeated() {
            field.edit(msg, |v| {
                if let Value::List(list) = v {
                    list.push(value);
                }
            });
        } else {
            field.set(msg, value);
        }
    }

    fn consume_field_value(&mut self, msg: &mut DynamicMessage, field: &FieldRef) -> Step {
        let value = match field.kind() {
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                Value::I32(self.consume_signed_integer(i32::MAX as u64)? as i32)
            }
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
                Value::I64(self.consume_signed_integer(i64::MAX as u64)?)
            }
            Kind::Uint32 | Kind::Fixed32 => {
                Value::U32(self.consume_unsigned_integer(u64::from(u32::MAX))? as u32)
            }
            Kind::Uint64 | Kind::Fixed64 => Value::U64(self.consume_unsigned_integer(u64::MAX)?),
            Kind::Float => Value::F32(double_to_float(self.consume_double()?)),
            Kind::Double => Value::F64(self.consume_double()?),
            Kind::String => {
                let (line, column) = (self.tok.current().line, self.tok.current().column);
                let bytes = self.consume_string()?;
                match String::from_utf8(bytes) {
                    Ok(s) => Value::String(s),
                    Err(_) => {
                        self.tok.error_at(
                            line,
                            column,
                            format!("String field \"{}\" contains invalid UTF-8.", field.name()),
                        );
                        return Err(Failed);
                    }
                }
            }
            Kind::Bytes => Value::Bytes(self.consume_string()?.into()),
            Kind::Bool => {
                if self.looking_at_kind(TokenKind::Integer) {
                    Value::Bool(self.consume_unsigned_integer(1)? != 0)
                } else {
                    let text = self.consume_identifier()?;
                    match text.as_str() {
                        "true" | "True" | "t" => Value::Bool(true),
                        "false" | "False" | "f" => Value::Bool(false),
                        _ => {
                            return self.error(format!(
                                "Invalid value for boolean field \"{}\". Value: \"{text}\".",
                                field.name()
                            ));
                        }
                    }
                }
            }
            Kind::Enum(enum_desc) => {
                let (text, found, number) = if self.looking_at_kind(TokenKind::Identifier) {
                    let name = self.consume_identifier()?;
                    let found = enum_desc.get_value_by_name(&name).map(|v| v.number());
                    (name, found, None)
                } else if self.looking_at("-") || self.looking_at_kind(TokenKind::Integer) {
                    let n = self.consume_signed_integer(i32::MAX as u64)?;
                    let found = i32::try_from(n)
                        .ok()
                        .and_then(|n| enum_desc.get_value(n))
                        .map(|v| v.number());
                    (n.to_string(), found, Some(n))
                } else {
                    let got = self.current_bytes();
                    return self.error(quoting("Expected integer or identifier, got: ", &got, ""));
                };
                match (found, number) {
                    (Some(n), _) => Value::EnumNumber(n),
                    (None, Some(n)) if !enum_desc.is_closed() => Value::EnumNumber(n as i32),
                    _ => {
                        return self.error(format!(
                            "Unknown enumeration value of \"{text}\" for field \"{}\".",
                            field.name()
                        ));
                    }
                }
            }
            Kind::Message(_) => return self.consume_field_message(msg, field),
        };
        Self::store(msg, field, value);
        Ok(())
    }

    fn consume_string(&mut self) -> Step<Vec<u8>> {
        if !self.looking_at_kind(TokenKind::String) {
            let got = self.current_bytes();
            return self.error(quoting("Expected string, got: ", &got, ""));
        }
        let mut out = Vec::new();
        while self.looking_at_kind(TokenKind::String) {
            let token = *self.tok.current();
            if let Err(message) = unescape_append(self.tok.bytes(&token), &mut out) {
                return self.error(message);
            }
            self.tok.next();
        }
        Ok(out)
    }

    fn consume_unsigned_integer(&mut self, max: u64) -> Step<u64> {
        if !self.looking_at_kind(TokenKind::Integer) {
            let got = self.current_bytes();
            return self.error(quoting("Expected integer, got: ", &got, ""));
        }
        let token = *self.tok.current();
        match parse_integer(self.tok.bytes(&token), max) {
            Some(value) => {
                self.tok.next();
                Ok(value)
            }
            None => {
                let text = self.current_text();
                self.error(format!("Integer out of range ({text})"))
            }
        }
    }

    /// An integer with an optional `-`, within `-(max + 1)..=max`.
    fn consume_signed_integer(&mut self, max: u64) -> Step<i64> {
        let negative = self.try_consume("-");
        let max = if negative { max + 1 } else { max };
        let value = self.consume_unsigned_integer(max)?;
        Ok(if negative {
            0i64.wrapping_sub_unsigned(value)
        } else {
            value as i64
        })
    }

    fn consume_double(&mut self) -> Step<f64> {
        let negative = self.try_consume("-");
        let token = *self.tok.current();
        let text = self.tok.bytes(&token);
        let value = match token.kind {
            TokenKind::Integer => {
                if is_hex_number(text) || is_oct_number(text) {
                    let got = self.current_bytes();
                    return self.error(quoting("Expect a decimal number, got: ", &got, ""));
                }
                let value = match parse_integer(text, u64::MAX) {
                    Some(v) => v as f64,
                    None => parse_float(text),
                };
                self.tok.next();
                value
            }
            TokenKind::Float => {
                let value = parse_float(text);
                self.tok.next();
                value
            }
            TokenKind::Identifier => {
                let lower = self.current_text().to_ascii_lowercase();
                match lower.as_str() {
                    "inf" | "infinity" => {
                        self.tok.next();
                        f64::INFINITY
                    }
                    "nan" => {
                        self.tok.next();
                        f64::NAN
                    }
                    _ => return self.error(format!("Expected double, got: {lower}")),
                }
            }
            _ => {
                let got = self.current_bytes();
                return self.error(quoting("Expected double, got: ", &got, ""));
            }
        };
        Ok(if negative { -value } else { value })
    }

    /// Skips one field of a reserved or skipped message body.
    fn skip_field(&mut self) -> Step {
        if self.looking_at("[") {
            self.consume_type_url_or_full_name()?;
        } else {
            self.consume_identifier()?;
        }
        if self.try_consume(":") {
            if !self.looking_at("{") && !self.looking_at("<") {
                self.skip_field_value()?;
            } else {
                self.skip_field_message()?;
            }
        } else {
            self.skip_field_message()?;
        }
        self.skip_separator();
        Ok(())
    }

    fn skip_field_message(&mut self) -> Step {
        self.enter()?;
        let delimiter = self.consume_message_delimiter()?;
        while !self.looking_at(">") && !self.looking_at("}") {
            self.skip_field()?;
        }
        self.consume(delimiter)?;
        self.leave();
        Ok(())
    }

    fn skip_field_value(&mut self) -> Step {
        self.enter()?;
        if self.looking_at_kind(TokenKind::String) {
            while self.looking_at_kind(TokenKind::String) {
                self.tok.next();
            }
            self.leave();
            return Ok(());
        }
        if self.try_consume("[") {
            if !self.try_consume("]") {
                loop {
                    if !self.looking_at("{") && !self.looking_at("<") {
                        self.skip_field_value()?;
                    } else {
                        self.skip_field_message()?;
                    }
                    if self.try_consume("]") {
                        break;
                    }
                    self.consume(",")?;
                }
            }
            self.leave();
            return Ok(());
        }
        let has_minus = self.try_consume("-");
        let kind = self.tok.current().kind;
        if !matches!(
            kind,
            TokenKind::Integer | TokenKind::Float | TokenKind::Identifier
        ) {
            let got = self.current_bytes();
            return self.error(quoting(
                "Cannot skip field value, unexpected token: ",
                &got,
                "",
            ));
        }
        if has_minus && kind == TokenKind::Identifier {
            let lower = self.current_text().to_ascii_lowercase();
            if lower != "inf" && lower != "infinity" && lower != "nan" {
                return self.error(format!("Invalid float number: {lower}"));
            }
        }
        self.tok.next();
        self.leave();
        Ok(())
    }
}
