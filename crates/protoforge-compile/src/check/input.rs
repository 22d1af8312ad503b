//! The checks protoc's `DescriptorBuilder` makes on a file taken from a descriptor set
//! (`--descriptor_set_in`) that its parser makes on a `.proto` source: syntax and edition,
//! identifiers, default values that parse, indexes that point at something. A file parsed
//! from source passes them by construction; a file from a descriptor set is built only if it
//! passes them, as protoc does, so the later passes never see malformed indexes.
//!
//! Errors name only the file (`a.proto: message`), as protoc prints them: a descriptor set
//! carries no source positions.

use protoforge::descriptor::{
    DescriptorProto, Edition, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    field_descriptor_proto::Type,
};
use protoforge_parse::Diagnostic;

use super::diagnostics as diag;

/// The newest edition protoc 35.1 builds.
const MAX_EDITION: Edition = Edition::Edition2024;

/// protoc's build-time checks of `file` (from a descriptor set), in protoc's order.
pub(crate) fn descriptor_input(file: &FileDescriptorProto) -> Vec<Diagnostic> {
    let mut v = Validator { errors: Vec::new() };
    v.file(file);
    if !v.errors.is_empty() {
        // protoc goes on to link the file, where an empty oneof is an error too (with no
        // errors here, the later passes report it, with its position).
        for m in &file.message_type {
            v.empty_oneofs(m);
        }
    }
    let name = file.name.as_deref().unwrap_or("");
    v.errors
        .into_iter()
        .map(|message| Diagnostic::file_error(name, message))
        .collect()
}

struct Validator {
    errors: Vec<String>,
}

impl Validator {
    fn file(&mut self, file: &FileDescriptorProto) {
        let package = file.package.as_deref().unwrap_or("");
        if let Some(message) = package_limit(package) {
            // protoc stops here.
            self.errors.push(message);
            return;
        }
        let edition = match file.edition {
            Some(e) => Some(e),
            None => match file.syntax.as_deref().unwrap_or("") {
                "" | "proto2" => Some(Edition::Proto2),
                "proto3" => Some(Edition::Proto3),
                other => {
                    self.errors.push(diag::unrecognized_syntax(other));
                    None
                }
            },
        };
        let edition = edition.unwrap_or(Edition::Unknown);
        if edition == Edition::Unstable {
            self.errors
                .push(diag::unstable_edition(edition_name(MAX_EDITION)));
        } else if (edition as i32) < Edition::Proto2 as i32 {
            self.errors
                .push(diag::edition_too_early(edition_name(edition)));
        } else if (edition as i32) > MAX_EDITION as i32 {
            self.errors.push(diag::edition_too_late(
                edition_name(edition),
                edition_name(MAX_EDITION),
            ));
        }
        if !package.is_empty() {
            for part in package.split('.') {
                self.symbol_name(part);
            }
        }
        let imports = file.dependency.len();
        if file
            .public_dependency
            .iter()
            .any(|&i| usize::try_from(i).map_or(true, |i| i >= imports))
        {
            self.errors.push(diag::invalid_public_dependency());
        }
        if file
            .weak_dependency
            .iter()
            .any(|&i| usize::try_from(i).map_or(true, |i| i >= imports))
        {
            self.errors.push(diag::invalid_weak_dependency());
        }
        for m in &file.message_type {
            self.message(m);
        }
        for e in &file.enum_type {
            self.enum_type(e);
        }
        for s in &file.service {
            self.symbol_name(s.name.as_deref().unwrap_or(""));
            for m in &s.method {
                self.symbol_name(m.name.as_deref().unwrap_or(""));
            }
        }
        for f in &file.extension {
            self.field(f, None);
        }
    }

    fn message(&mut self, m: &DescriptorProto) {
        self.symbol_name(m.name.as_deref().unwrap_or(""));
        for f in &m.field {
            self.field(f, Some(m));
        }
        for n in &m.nested_type {
            self.message(n);
        }
        for e in &m.enum_type {
            self.enum_type(e);
        }
        for f in &m.extension {
            self.field(f, None);
        }
        for o in &m.oneof_decl {
            self.symbol_name(o.name.as_deref().unwrap_or(""));
        }
    }

    /// protoc's "Oneof must have at least one field." for `m` and the messages in it.
    fn empty_oneofs(&mut self, m: &DescriptorProto) {
        for n in &m.nested_type {
            self.empty_oneofs(n);
        }
        for i in 0..m.oneof_decl.len() {
            let used = m
                .field
                .iter()
                .any(|f| f.oneof_index.and_then(|o| usize::try_from(o).ok()) == Some(i));
            if !used {
                self.errors.push(diag::empty_oneof());
            }
        }
    }

    fn enum_type(&mut self, e: &EnumDescriptorProto) {
        self.symbol_name(e.name.as_deref().unwrap_or(""));
        for v in &e.value {
            self.symbol_name(v.name.as_deref().unwrap_or(""));
        }
    }

    /// A field (`parent` is its message) or an extension (`parent` is none).
    fn field(&mut self, f: &FieldDescriptorProto, parent: Option<&DescriptorProto>) {
        self.symbol_name(f.name.as_deref().unwrap_or(""));
        if let (Some(index), Some(m)) = (f.oneof_index, parent)
            && usize::try_from(index).map_or(true, |i| i >= m.oneof_decl.len())
        {
            self.errors.push(diag::oneof_index_out_of_range(
                index,
                m.name.as_deref().unwrap_or(""),
            ));
        }
        if parent.is_none() && f.oneof_index.is_some() {
            self.errors.push(diag::oneof_index_on_extension());
        }
        let (Some(value), Some(ty)) = (f.default_value.as_deref(), f.r#type) else {
            return;
        };
        let parses = match ty {
            Type::Int32
            | Type::Sint32
            | Type::Sfixed32
            | Type::Int64
            | Type::Sint64
            | Type::Sfixed64
            | Type::Uint32
            | Type::Fixed32
            | Type::Uint64
            | Type::Fixed64 => parses_as_c_integer(value),
            Type::Float | Type::Double => {
                matches!(value, "inf" | "-inf" | "nan") || parses_as_c_float(value)
            }
            Type::Bool => {
                if value != "true" && value != "false" {
                    self.errors.push(diag::invalid_bool_default());
                }
                true
            }
            Type::Bytes => {
                if !is_valid_c_escaping(value) {
                    self.errors.push(diag::invalid_default_escaping());
                }
                true
            }
            Type::Message | Type::Group => {
                self.errors.push(diag::default_on_message());
                true
            }
            Type::String | Type::Enum => true,
        };
        if !parses {
            self.errors.push(diag::unparsable_default(value));
        }
    }

    /// protoc's `ValidateSymbolName`: not empty, only ASCII letters, digits and underscores.
    fn symbol_name(&mut self, name: &str) {
        if name.is_empty() {
            self.errors.push(diag::missing_name());
        } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            self.errors.push(diag::invalid_identifier(name));
        }
    }
}

/// protoc's error for a package name over its limits (511 bytes, 100 dots), if any.
pub(super) fn package_limit(package: &str) -> Option<String> {
    if package.len() > 511 {
        Some(diag::package_name_too_long())
    } else if package.bytes().filter(|&b| b == b'.').count() > 100 {
        Some(diag::package_too_deep())
    } else {
        None
    }
}

/// An edition as protoc names it in messages: its enum value name without `EDITION_`.
fn edition_name(edition: Edition) -> &'static str {
    let name = edition.as_str_name();
    name.strip_prefix("EDITION_").unwrap_or(name)
}

/// True when C's `strtol(value, &end, 0)` reads all of `value`: leading white space, a sign,
/// then hex (`0x`), octal (leading `0`) or decimal digits (out-of-range values saturate in C,
/// which protoc does not check).
fn parses_as_c_integer(value: &str) -> bool {
    let s = value.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .filter(|h| h.bytes().next().is_some_and(|b| b.is_ascii_hexdigit()));
    match hex {
        Some(h) => h.bytes().all(|b| b.is_ascii_hexdigit()),
        None if s.starts_with('0') => s.bytes().all(|b| (b'0'..=b'7').contains(&b)),
        None => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// True when C's `strtod` reads all of `value` (leading white space allowed).
fn parses_as_c_float(value: &str) -> bool {
    let s = value.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    !s.is_empty() && s.parse::<f64>().is_ok()
}

/// True when `value` is valid C escaping as protoc's `CUnescape` reads it.
fn is_valid_c_escaping(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(&c) = b.get(i + 1) else {
            return false;
        };
        i += 2;
        match c {
            b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'?' | b'\'' | b'"' => {}
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                let mut n = 1;
                while n < 3 && b.get(i).is_some_and(|d| (b'0'..=b'7').contains(d)) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                if v > 0xff {
                    return false;
                }
            }
            b'x' | b'X' => {
                let start = i;
                let mut v = 0u32;
                while b.get(i).is_some_and(u8::is_ascii_hexdigit) {
                    v = (v << 4 | (b[i] as char).to_digit(16).unwrap_or(0)).min(0x1_0000);
                    i += 1;
                }
                if i == start || v > 0xff {
                    return false;
                }
            }
            b'u' | b'U' => {
                let want = if c == b'u' { 4 } else { 8 };
                if b.len() < i + want || !b[i..i + want].iter().all(u8::is_ascii_hexdigit) {
                    return false;
                }
                i += want;
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_parse_like_strtol() {
        for ok in ["5", "-5", " +7", "0x1F", "017", "0", "99999999999999999999"] {
            assert!(parses_as_c_integer(ok), "{ok}");
        }
        for bad in ["", "abc", "5 ", "0x", "018", "1.5", "-"] {
            assert!(!parses_as_c_integer(bad), "{bad}");
        }
    }

    #[test]
    fn escapes_unescape_like_cunescape() {
        for ok in ["", "abc", "\\n\\x41\\101\\u00e9", "\\377"] {
            assert!(is_valid_c_escaping(ok), "{ok}");
        }
        for bad in ["\\q", "\\", "\\x", "\\400", "\\u12"] {
            assert!(!is_valid_c_escaping(bad), "{bad}");
        }
    }
}
