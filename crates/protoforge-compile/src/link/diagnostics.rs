//! The messages of the errors linking reports, one function per kind of problem, each worded
//! exactly as protoc words it. The linker places each at the name as written.

use crate::symbols::ResolveError;

pub(super) fn not_a_message_type(name: &str) -> String {
    format!("\"{name}\" is not a message type.")
}

pub(super) fn not_an_enum_type(name: &str) -> String {
    format!("\"{name}\" is not an enum type.")
}

pub(super) fn not_a_type(name: &str) -> String {
    format!("\"{name}\" is not a type.")
}

pub(super) fn default_on_message() -> String {
    "Messages can't have default values.".into()
}

pub(super) fn unknown_enum_default(enum_name: &str, value: &str) -> String {
    format!("Enum type \"{enum_name}\" has no value named \"{value}\".")
}

pub(super) fn type_name_on_primitive() -> String {
    "Field with primitive type has type_name.".into()
}

/// protoc's messages for a name that did not resolve (one or two of them): found in a file
/// not imported, resolved to an inner scope's name that does not exist, or else not defined.
pub(super) fn not_defined(name: &str, file_name: &str, err: &ResolveError) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((found, other)) = &err.not_imported {
        out.push(not_imported(found, other, file_name));
    }
    if let Some(resolved) = &err.resolved_to {
        out.push(resolved_to_undefined(name, resolved));
    }
    if out.is_empty() {
        out.push(format!("\"{name}\" is not defined."));
    }
    out
}

fn not_imported(found: &str, other: &str, file_name: &str) -> String {
    format!(
        "\"{found}\" seems to be defined in \"{other}\", which is not imported by \
         \"{file_name}\".  To use it here, please add the necessary import."
    )
}

fn resolved_to_undefined(name: &str, resolved: &str) -> String {
    format!(
        "\"{name}\" is resolved to \"{resolved}\", which is not defined. The innermost scope \
         is searched first in name resolution. Consider using a leading '.'(i.e., \".{name}\") \
         to start from the outermost scope."
    )
}
