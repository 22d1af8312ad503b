//! Rust names for protobuf names: case conversion with `heck`, keyword escaping, enum prefix
//! stripping and a per-scope allocator that makes colliding names unique deterministically.

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that may be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a `_` suffix.
const SUFFIX_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Escapes `name` so it is a valid Rust identifier: a raw identifier for most keywords, a
/// `_` suffix for `self`, `Self`, `super` and `crate`, a `_` prefix before a leading digit.
pub(crate) fn escape(name: &str) -> String {
    if name.is_empty() {
        return "_".to_string();
    }
    if SUFFIX_KEYWORDS.contains(&name) {
        return format!("{name}_");
    }
    if RAW_KEYWORDS.contains(&name) {
        return format!("r#{name}");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{name}");
    }
    name.to_string()
}

/// An identifier token for an already escaped name.
pub(crate) fn ident(escaped: &str) -> Ident {
    match escaped.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(escaped, Span::call_site()),
    }
}

/// The unescaped UpperCamelCase form of a protobuf name.
pub(crate) fn camel(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    if camel.is_empty() {
        "_".to_string()
    } else {
        camel
    }
}

/// The unescaped snake_case form of a protobuf name.
pub(crate) fn snake(name: &str) -> String {
    let snake = name.to_snake_case();
    if snake.is_empty() {
        "_".to_string()
    } else {
        snake
    }
}

/// The unescaped SCREAMING_SNAKE_CASE form of a protobuf name.
pub(crate) fn shouty(name: &str) -> String {
    let shouty = name.to_shouty_snake_case();
    if shouty.is_empty() {
        "_".to_string()
    } else {
        shouty
    }
}

/// The variant name of enum value `value` in enum `enum_name`: UpperCamelCase with the enum
/// name stripped from the front when what remains is still an identifier
/// (`TYPE_DOUBLE` in `Type` -> `Double`, `EDITION_2023` in `Edition` -> `Edition2023`).
pub(crate) fn variant(enum_name: &str, value: &str) -> String {
    let prefix = camel(enum_name);
    let full = camel(value);
    match full.strip_prefix(&prefix) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_string(),
        _ => full,
    }
}

/// Hands out unique names within one Rust namespace: a taken name gets `_` appended until it
/// is free. Allocation order decides who keeps the plain name, so callers allocate in
/// declaration order.
#[derive(Default)]
pub(crate) struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Reserves `name` (unescaped) or its first free `_`-suffixed form and returns the
    /// escaped result.
    pub(crate) fn alloc(&mut self, name: &str) -> String {
        let mut candidate = escape(name);
        while self.taken.contains(&candidate) {
            candidate = format!("{}_", candidate.trim_start_matches("r#"));
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_cases() {
        assert_eq!(escape("type"), "r#type");
        assert_eq!(escape("Self"), "Self_");
        assert_eq!(escape("self"), "self_");
        assert_eq!(escape("crate"), "crate_");
        assert_eq!(escape("2x"), "_2x");
        assert_eq!(variant("Type", "TYPE_DOUBLE"), "Double");
        assert_eq!(variant("Edition", "EDITION_2023"), "Edition2023");
        assert_eq!(variant("Foo", "BAR"), "Bar");
        assert_eq!(snake("FieldName8"), "field_name8");
        let mut scope = Scope::with_reserved(&["unknown_fields"]);
        assert_eq!(scope.alloc("unknown_fields"), "unknown_fields_");
        assert_eq!(scope.alloc("a"), "a");
        assert_eq!(scope.alloc("a"), "a_");
        assert_eq!(ident("r#type").to_string(), "r#type");
    }
}
