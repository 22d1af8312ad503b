//! Extension declarations (`extensions 100 to 200 [declaration = {...}]`): the declarations of
//! a message's extension ranges must be well formed, and an extension of a message whose range
//! declares numbers must match its declaration (name, type, cardinality), as protoc enforces
//! when compiling (`ExtDeclEnforcementLevel::kCustomExtensions`: every extendee outside
//! `descriptor.proto`).
//!
//! protoc reports most of these at locations its parser never records for a range (the
//! range's name or extendee), so they print without a position; we do the same.

use protoforge::descriptor::extension_range_options::VerificationState;
use protoforge::descriptor::field_descriptor_proto::Type;

use super::diagnostics as diag;
use super::{Checker, FieldRef, Loc, MessageRef, child, field_type, is_repeated};
use crate::span_map::NameSet;
use crate::tag;

/// The option messages of `descriptor.proto`: their extensions are never checked.
const DESCRIPTOR_OPTION_TYPES: [&str; 9] = [
    "google.protobuf.EnumOptions",
    "google.protobuf.EnumValueOptions",
    "google.protobuf.ExtensionRangeOptions",
    "google.protobuf.FieldOptions",
    "google.protobuf.FileOptions",
    "google.protobuf.MessageOptions",
    "google.protobuf.MethodOptions",
    "google.protobuf.OneofOptions",
    "google.protobuf.ServiceOptions",
];

/// Declared types that are not message or enum names.
const NON_MESSAGE_TYPES: [&str; 16] = [
    "double", "float", "int64", "uint64", "int32", "fixed32", "fixed64", "bool", "string", "bytes",
    "uint32", "enum", "sfixed32", "sfixed64", "sint32", "sint64",
];

impl<'a> Checker<'a> {
    /// protoc's `ValidateExtensionRangeOptions` declaration checks for message `m`.
    pub(super) fn check_range_declarations(&mut self, m: &MessageRef<'a>) {
        let mut full_names: NameSet<&str> = NameSet::default();
        for (i, range) in m.message.extension_range.iter().enumerate() {
            let Some(options) = &range.options else {
                continue;
            };
            if options.declaration.is_empty() {
                continue;
            }
            let path = child(&m.path, tag::message::EXTENSION_RANGE, i);
            if options.verification == Some(VerificationState::Unverified) {
                self.error(
                    &path,
                    Loc::Nowhere,
                    diag::unverified_range_with_declarations(),
                );
                return;
            }
            let (start, end) = (range.start.unwrap_or(0), range.end.unwrap_or(0));
            let mut numbers = NameSet::default();
            for d in &options.declaration {
                let number = d.number.unwrap_or(0);
                if number < start || number >= end {
                    self.error(&path, Loc::Element, diag::declaration_outside_range(number));
                }
                if !numbers.insert(number) {
                    self.error(&path, Loc::Element, diag::declaration_number_twice(number));
                }
                match (&d.full_name, &d.r#type) {
                    (Some(full_name), Some(ty)) => {
                        if !full_names.insert(full_name.as_str()) {
                            self.error(
                                &path,
                                Loc::Nowhere,
                                diag::declaration_name_twice(full_name),
                            );
                            return;
                        }
                        if let Some(err) = declaration_symbol_error(full_name) {
                            self.error(&path, Loc::Nowhere, err);
                        }
                        if !NON_MESSAGE_TYPES.contains(&ty.as_str())
                            && let Some(err) = declaration_symbol_error(ty)
                        {
                            self.error(&path, Loc::Nowhere, err);
                        }
                    }
                    (name, ty) => {
                        if name.is_some() != ty.is_some() || !d.reserved.unwrap_or(false) {
                            self.error(&path, Loc::Nowhere, diag::declaration_incomplete(number));
                        }
                    }
                }
            }
        }
    }

    /// protoc's check of an extension against the declarations of the extendee's range.
    pub(super) fn check_extension_declaration(&mut self, f: &FieldRef<'a>) {
        let Some(extendee) = f.field.extendee.as_deref() else {
            return;
        };
        let extendee = extendee.strip_prefix('.').unwrap_or(extendee);
        if DESCRIPTOR_OPTION_TYPES.contains(&extendee) {
            return;
        }
        let extendee_file = if self.message_index.contains_key(extendee) {
            Some(self.file_name.clone())
        } else {
            self.pool.file_of(extendee).map(str::to_string)
        };
        if extendee_file.as_deref() == Some("google/protobuf/descriptor.proto") {
            return;
        }
        let Some(found) = self.find_message(extendee) else {
            return;
        };
        let number = f.field.number.unwrap_or(0);
        let Some(range) = found
            .message
            .extension_range
            .iter()
            .find(|r| r.start.unwrap_or(0) <= number && number < r.end.unwrap_or(0))
        else {
            return;
        };
        let Some(options) = &range.options else {
            return;
        };
        if let Some(d) = options
            .declaration
            .iter()
            .find(|d| d.number == Some(number))
        {
            if d.reserved.unwrap_or(false) {
                self.error(
                    &f.path(),
                    Loc::Extendee,
                    diag::declaration_reserved(number, &f.full_name(), extendee),
                );
                return;
            }
            if let Some(expected) = d.r#type.as_deref().filter(|t| !t.is_empty())
                && !self.has_errors()
            {
                let actual = match field_type(f.field) {
                    Some(Type::Message | Type::Enum) => {
                        f.field.type_name.clone().unwrap_or_default()
                    }
                    other => type_keyword(other).to_string(),
                };
                let expected = if NON_MESSAGE_TYPES.contains(&expected) || expected.starts_with('.')
                {
                    expected.to_string()
                } else {
                    format!(".{expected}")
                };
                if expected != actual {
                    self.error(
                        &f.path(),
                        Loc::Extendee,
                        diag::declaration_type_mismatch(extendee, number, &expected, &actual),
                    );
                }
            }
            if let Some(declared) = d.full_name.as_deref().filter(|n| !n.is_empty()) {
                let actual = format!(".{}", f.full_name());
                if declared != actual {
                    self.error(
                        &f.path(),
                        Loc::Extendee,
                        diag::declaration_name_mismatch(extendee, number, declared, &actual),
                    );
                }
            }
            let declared_repeated = d.repeated.unwrap_or(false);
            if declared_repeated != is_repeated(f.field) {
                self.error(
                    &f.path(),
                    Loc::Extendee,
                    diag::declaration_cardinality_mismatch(extendee, number, declared_repeated),
                );
            }
            return;
        }
        if !options.declaration.is_empty()
            || options.verification == Some(VerificationState::Declaration)
        {
            self.error(
                &f.path(),
                Loc::Extendee,
                diag::declaration_missing(&f.full_name(), number, extendee),
            );
        }
    }
}

/// protoc's `ValidateSymbolForDeclaration`: a leading dot and valid identifiers.
fn declaration_symbol_error(symbol: &str) -> Option<String> {
    if !symbol.starts_with('.') {
        return Some(diag::declaration_symbol_without_dot(symbol));
    }
    if !valid_qualified_name(symbol) {
        return Some(diag::declaration_symbol_invalid(symbol));
    }
    None
}

/// protoc's `ValidateQualifiedName`: identifier characters and single dots, not ending in one.
fn valid_qualified_name(name: &str) -> bool {
    let mut last_was_period = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            last_was_period = false;
        } else if c == '.' {
            if last_was_period {
                return false;
            }
            last_was_period = true;
        } else {
            return false;
        }
    }
    !name.is_empty() && !last_was_period
}

/// protoc's `FieldDescriptor::type_name()` for non-message, non-enum types.
fn type_keyword(t: Option<Type>) -> &'static str {
    match t {
        Some(Type::Double) => "double",
        Some(Type::Float) => "float",
        Some(Type::Int64) => "int64",
        Some(Type::Uint64) => "uint64",
        Some(Type::Int32) => "int32",
        Some(Type::Fixed64) => "fixed64",
        Some(Type::Fixed32) => "fixed32",
        Some(Type::Bool) => "bool",
        Some(Type::String) => "string",
        Some(Type::Group) => "group",
        Some(Type::Message) => "message",
        Some(Type::Bytes) => "bytes",
        Some(Type::Uint32) => "uint32",
        Some(Type::Enum) => "enum",
        Some(Type::Sfixed32) => "sfixed32",
        Some(Type::Sfixed64) => "sfixed64",
        Some(Type::Sint32) => "sint32",
        Some(Type::Sint64) => "sint64",
        None => "",
    }
}
