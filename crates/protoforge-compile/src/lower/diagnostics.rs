//! Constructors for the diagnostics lowering reports: the rules protoc's parser (and the few
//! purely syntactic checks of its descriptor builder) enforce that the grammar does not.
//! Each sits at the line and column protoc reports.

use protoforge_parse::{Diagnostic, Span};

pub(super) fn missing_label(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "expected a label (`required`, `optional` or `repeated`) before the field type",
    )
    .with_help("proto2 fields outside a oneof need a label")
}

pub(super) fn required_in_proto3(span: Span) -> Diagnostic {
    Diagnostic::error(span, "required fields are not allowed in proto3")
}

pub(super) fn group_in_proto3(span: Span) -> Diagnostic {
    Diagnostic::error(span, "groups are not supported in proto3 syntax")
}

pub(super) fn label_in_oneof(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "fields in oneofs must not have labels (`required` / `optional` / `repeated`)",
    )
}

pub(super) fn label_on_map(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "field labels (`required`/`optional`/`repeated`) are not allowed on map fields",
    )
}

pub(super) fn map_in_oneof(span: Span) -> Diagnostic {
    Diagnostic::error(span, "map fields are not allowed in oneofs")
}

pub(super) fn map_extension(span: Span) -> Diagnostic {
    Diagnostic::error(span, "map fields are not allowed to be extensions")
}

pub(super) fn integer_out_of_range(span: Span) -> Diagnostic {
    Diagnostic::error(span, "integer out of range")
}

pub(super) fn expected_field_number(span: Span) -> Diagnostic {
    Diagnostic::error(span, "expected a field number (a positive integer)")
}

pub(super) fn field_number_out_of_bounds(span: Span) -> Diagnostic {
    Diagnostic::error(span, "field number out of bounds")
}

pub(super) fn default_on_repeated(span: Span) -> Diagnostic {
    Diagnostic::error(span, "repeated fields can't have default values")
}

pub(super) fn default_on_message(span: Span) -> Diagnostic {
    Diagnostic::error(span, "messages can't have default values")
}

pub(super) fn duplicate_default(span: Span) -> Diagnostic {
    Diagnostic::error(span, "option `default` is already set")
}

pub(super) fn duplicate_json_name(span: Span) -> Diagnostic {
    Diagnostic::error(span, "option `json_name` is already set")
}

pub(super) fn json_name_on_extension(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "option `json_name` is not allowed on extension fields",
    )
}

pub(super) fn bad_default(span: Span, expected: &str) -> Diagnostic {
    Diagnostic::error(
        span,
        format!("expected {expected} for the field default value"),
    )
}

pub(super) fn negative_unsigned_default(span: Span) -> Diagnostic {
    Diagnostic::error(span, "unsigned field can't have a negative default value")
}

pub(super) fn unknown_edition(span: Span, value: &str) -> Diagnostic {
    Diagnostic::error(span, format!("unknown edition \"{value}\""))
        .with_help("use an edition such as \"2023\" or \"2024\"")
}

pub(super) fn unknown_syntax(span: Span, value: &str) -> Diagnostic {
    Diagnostic::error(
        span,
        format!(
            "unrecognized syntax identifier \"{value}\"; only \"proto2\" and \"proto3\" are known"
        ),
    )
}

pub(super) fn group_name_lowercase(span: Span) -> Diagnostic {
    Diagnostic::error(span, "group names must start with a capital letter")
}

pub(super) fn optional_in_editions(span: Span) -> Diagnostic {
    Diagnostic::error(span, "label `optional` is not supported in editions").with_help(
        "singular fields have presence by default unless `features.field_presence` says otherwise",
    )
}

pub(super) fn required_in_editions(span: Span) -> Diagnostic {
    Diagnostic::error(span, "label `required` is not supported in editions")
        .with_help("use `features.field_presence = LEGACY_REQUIRED`")
}

pub(super) fn group_in_editions(span: Span) -> Diagnostic {
    Diagnostic::error(span, "group syntax is not supported in editions")
        .with_help("use a message field with `features.message_encoding = DELIMITED`")
}

pub(super) fn reserved_string_in_editions(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "reserved names must be identifiers in editions, not string literals",
    )
}

pub(super) fn reserved_ident_before_editions(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "reserved names must be string literals (only editions allow identifiers)",
    )
}

pub(super) fn reserved_name_not_identifier(span: Span, name: &str) -> Diagnostic {
    Diagnostic::warning(
        span,
        format!("reserved name \"{name}\" is not a valid identifier"),
    )
}

pub(super) fn explicit_map_entry(span: Span) -> Diagnostic {
    Diagnostic::error(span, "`map_entry` should not be set explicitly")
        .with_help("use `map<KeyType, ValueType>` instead")
}

pub(super) fn multiple_packages(span: Span) -> Diagnostic {
    Diagnostic::error(span, "multiple package definitions")
}

pub(super) fn weak_import_in_2024(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "weak imports are not supported in edition 2024 and above",
    )
    .with_help("use `import option` instead")
}

pub(super) fn option_import_before_2024(span: Span) -> Diagnostic {
    Diagnostic::error(span, "option imports are not supported before edition 2024")
}

pub(super) fn import_after_option_import(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "imports should precede any option imports so that proto files can round-trip",
    )
}

pub(super) fn visibility_before_2024(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "`export` and `local` are only allowed from edition 2024",
    )
}

pub(super) fn negative_string(span: Span) -> Diagnostic {
    Diagnostic::error(span, "invalid `-` before a string")
}

pub(super) fn alias_false(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        span,
        format!("enum `{name}` declares `option allow_alias = false;`, which has no effect"),
    )
    .with_help("remove the declaration")
}

pub(super) fn alias_unused(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        span,
        format!("enum `{name}` allows aliases but no two values share a number"),
    )
    .with_help("remove `option allow_alias = true;`")
}

pub(super) fn obsolete_unstable_type(span: Span, name: &str) -> Diagnostic {
    let replacement = match name {
        "fixed32" => "uint32",
        "fixed64" => "uint64",
        "sfixed32" => "int32",
        "sfixed64" => "int64",
        "sint32" => "zigzag32",
        _ => "zigzag64",
    };
    Diagnostic::error(
        span,
        format!("type `{name}` is obsolete in edition UNSTABLE; use `{replacement}` instead"),
    )
}

pub(super) fn nesting_too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        "messages are nested too deeply (protoc allows at most 31 levels)",
    )
}

pub(super) fn expected_message_type(span: Span) -> Diagnostic {
    Diagnostic::error(span, "expected a message type, found a scalar type")
}
