//! The messages of the diagnostics option interpretation and validation report, one function
//! per kind of problem, each worded exactly as protoc words it (the golden tests compare them
//! with protoc's output). The interpreter places each at the option's name or value, the
//! validator at the element the option is on.

pub(super) fn option_without_name() -> String {
    "Option must have a name.".into()
}

pub(super) fn uninterpreted_option_name() -> String {
    "Option must not use reserved name \"uninterpreted_option\".".into()
}

/// `option` is the option's name as written up to this part, with its opening parenthesis.
pub(super) fn option_resolved_to_undefined(option: &str, resolved_to: &str) -> String {
    format!(
        "Option \"{option}\" is resolved to \"({resolved_to})\", which is not defined. \
         The innermost scope is searched first in name resolution. Consider using a \
         leading '.'(i.e., \"(.{}\") to start from the outermost scope.",
        &option[1.min(option.len())..]
    )
}

pub(super) fn unknown_option(option: &str) -> String {
    format!(
        "Option \"{option}\" unknown. Ensure that your proto definition file imports \
         the proto which defines the option (i.e. via import option after edition 2024)."
    )
}

pub(super) fn not_a_field_of(option: &str, message: &str) -> String {
    format!("Option field \"{option}\" is not a field or extension of message \"{message}\".")
}

pub(super) fn feature_used_in_its_file(feature: &str) -> String {
    format!("Feature \"{feature}\" can't be used in the same file it's defined in.")
}

pub(super) fn option_not_a_message(option: &str) -> String {
    format!("Option \"{option}\" is an atomic type, not a message.")
}

pub(super) fn repeated_message_option_by_field(option: &str) -> String {
    format!(
        "Option field \"{option}\" is a repeated message. Repeated message options \
         must be initialized using an aggregate value."
    )
}

pub(super) fn option_set_twice(option: &str) -> String {
    format!("Option \"{option}\" was already set.")
}

pub(super) fn out_of_range(
    type_name: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
    option: &str,
) -> String {
    format!("Value out of range, {min} to {max}, for {type_name} option \"{option}\".")
}

pub(super) fn must_be_int(
    type_name: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
    option: &str,
) -> String {
    format!("Value must be integer, from {min} to {max}, for {type_name} option \"{option}\".")
}

pub(super) fn must_be_number(type_name: &str, option: &str) -> String {
    format!("Value must be number for {type_name} option \"{option}\".")
}

pub(super) fn bool_must_be_identifier(option: &str) -> String {
    format!("Value must be identifier for boolean option \"{option}\".")
}

pub(super) fn bool_must_be_true_or_false(option: &str) -> String {
    format!("Value must be \"true\" or \"false\" for boolean option \"{option}\".")
}

pub(super) fn enum_must_be_identifier(option: &str) -> String {
    format!("Value must be identifier for enum-valued option \"{option}\".")
}

pub(super) fn sibling_enum_value(enum_name: &str, value: &str, option: &str) -> String {
    format!(
        "Enum type \"{enum_name}\" has no value named \"{value}\" for option \"{option}\". \
         This appears to be a value from a sibling type."
    )
}

pub(super) fn unknown_enum_value(enum_name: &str, value: &str, option: &str) -> String {
    format!("Enum type \"{enum_name}\" has no value named \"{value}\" for option \"{option}\".")
}

pub(super) fn must_be_string(option: &str) -> String {
    format!("Value must be quoted string for string option \"{option}\".")
}

/// `name` is the field's own name, which the suggested syntax uses.
pub(super) fn message_option_without_aggregate(option: &str, name: &str) -> String {
    format!(
        "Option \"{option}\" is a message. To set the entire message, use syntax like \
         \"{name} = {{ <proto text format> }}\". To set fields within it, use syntax like \
         \"{name}.foo = value\"."
    )
}

pub(super) fn aggregate_parse_error(field: &str, error: &str) -> String {
    format!("Error while parsing option value for \"{field}\": {error}")
}

pub(super) fn features_outside_editions() -> String {
    "Features are only valid under editions.".into()
}

pub(super) fn feature_not_yet_introduced(feature: &str, introduced: &str, edition: &str) -> String {
    format!(
        "{feature} wasn't introduced until edition {introduced} and can't be used in edition {edition}"
    )
}

/// `detail` is the feature's own removal message, if it has one.
pub(super) fn feature_removed(feature: &str, removed: &str, detail: Option<&str>) -> String {
    let detail = detail.map(|m| format!(": {m}")).unwrap_or_default();
    format!("{feature} has been removed in edition {removed}{detail}")
}

pub(super) fn feature_deprecated(feature: &str, deprecated: &str, warning: &str) -> String {
    format!("{feature} has been deprecated in edition {deprecated}: {warning}")
}

pub(super) fn option_target_mismatch(option: &str, entity: &str) -> String {
    format!("Option {option} cannot be set on an entity of type `{entity}`.")
}

// Problems in aggregate values (`{ ... }`), as protoc's text-format parser words them; the
// interpreter wraps each in `aggregate_parse_error`.

pub(super) fn unterminated_string() -> String {
    "Unexpected end of string.".into()
}

pub(super) fn string_across_lines() -> String {
    "String literals cannot cross line boundaries.".into()
}

pub(super) fn empty_hex_escape() -> String {
    "Expected hex digits for escape sequence.".into()
}

/// A `\\u`/`\\U` escape without its hex digits or of no code point.
pub(super) fn bad_unicode_escape() -> String {
    "Expected four hex digits for \\u escape sequence.".into()
}

/// `found` is the token found, quoted, or `end of input`.
pub(super) fn expected_symbol(expected: char, found: &str) -> String {
    format!("Expected \"{expected}\", found {found}.")
}

/// `found` is the token found as written, empty at the end of the input.
pub(super) fn expected_identifier(found: &str) -> String {
    format!("Expected identifier, got: {found}")
}

pub(super) fn unclosed_message(close: char) -> String {
    format!("Expected \"{close}\".")
}

pub(super) fn unknown_extension(name: &str, message: &str) -> String {
    format!("Extension \"{name}\" is not defined or is not an extension of \"{message}\".")
}

pub(super) fn unknown_field(message: &str, name: &str) -> String {
    format!("Message type \"{message}\" has no field named \"{name}\".")
}

pub(super) fn unknown_any_type(prefix: &str, type_name: &str) -> String {
    format!("Could not find type \"{prefix}/{type_name}\" stored in google.protobuf.Any.")
}

pub(super) fn any_without_fields() -> String {
    "google.protobuf.Any has no type_url and value fields.".into()
}

pub(super) fn invalid_bool(field: &str, value: &str) -> String {
    format!("Invalid value for boolean field \"{field}\". Value: \"{value}\".")
}

pub(super) fn expected_string(found: &str) -> String {
    format!("Expected string, got: {found}")
}

/// `value` is the name or number as written.
pub(super) fn unknown_enum_value_in_text(value: &str, field: &str) -> String {
    format!("Unknown enumeration value of \"{value}\" for field \"{field}\".")
}

pub(super) fn expected_integer(found: &str) -> String {
    format!("Expected integer, got: {found}")
}

/// `value` is the integer as written, with its sign.
pub(super) fn integer_out_of_range(value: &str) -> String {
    format!("Integer out of range ({value})")
}

pub(super) fn expected_double(found: &str) -> String {
    format!("Expected double, got: {found}")
}

pub(super) fn field_set_twice(field: &str) -> String {
    format!("Non-repeated field \"{field}\" is specified multiple times.")
}

pub(super) fn oneof_set_twice(field: &str, other: &str, oneof: &str) -> String {
    format!(
        "Field \"{field}\" is specified along with field \"{other}\", another member of oneof \"{oneof}\"."
    )
}
