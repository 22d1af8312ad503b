//! The messages of the diagnostics checking reports, one function per kind of problem, each
//! worded exactly as protoc words it (the golden tests compare them with protoc's output).
//! The checker places each at the span protoc points at (see [`Checker`](super::Checker)'s
//! `error` and `warning`), so these build only the text.

// Adding symbols (reported by the build phase) and the unused-import warning of the loader.

/// A name taken twice in one file: `"x" is already defined in "a.M".` (or `"x" is already
/// defined.` at the top of a file without a package).
pub(crate) fn already_defined(full_name: &str) -> String {
    match full_name.rsplit_once('.') {
        None => format!("\"{full_name}\" is already defined."),
        Some((scope, name)) => format!("\"{name}\" is already defined in \"{scope}\"."),
    }
}

/// A name taken by an element of file `other`.
pub(crate) fn already_defined_in_file(full_name: &str, other: &str) -> String {
    format!("\"{full_name}\" is already defined in file \"{other}\".")
}

/// A package name (or one of its prefixes) taken by something that is not a package.
pub(crate) fn package_name_taken(prefix: &str, other: &str) -> String {
    format!(
        "\"{prefix}\" is already defined (as something other than a package) in file \"{other}\"."
    )
}

/// protoc's second error for an enum value `value` whose name clashes outside its enum
/// `enum_name`, declared in the scope `outer` (empty for the top level).
pub(crate) fn enum_value_scoping(value: &str, outer: &str, enum_name: &str) -> String {
    let scope = if outer.is_empty() {
        "the global scope".to_string()
    } else {
        format!("\"{outer}\"")
    };
    format!(
        "Note that enum values use C++ scoping rules, meaning that enum values are siblings \
         of their type, not children of it.  Therefore, \"{value}\" must be unique within \
         {scope}, not just within \"{enum_name}\"."
    )
}

/// The warning for an import nothing in the file uses.
pub(crate) fn import_unused(dep: &str) -> String {
    format!("Import {dep} is unused.")
}

// The build phase: names, numbers, reserved and extension ranges, enum values; and the
// cross-link phase: extension numbers, duplicate numbers, oneofs, number suggestions.

pub(super) fn name_too_long() -> String {
    "Name too long.".into()
}

pub(super) fn extension_number_not_positive() -> String {
    "Extension numbers must be positive integers.".into()
}

pub(super) fn extension_range_end_before_start() -> String {
    "Extension range end number must be greater than start number.".into()
}

pub(super) fn reserved_number_not_positive() -> String {
    "Reserved numbers must be positive integers.".into()
}

pub(super) fn reserved_range_end_before_start() -> String {
    "Reserved range end number must be greater than start number.".into()
}

pub(super) fn reserved_name_too_long() -> String {
    "Reserved name too long.".into()
}

/// Ranges are given inclusive: `start` to `last`.
pub(super) fn reserved_ranges_overlap(
    start: i32,
    last: i32,
    other_start: i32,
    other_last: i32,
) -> String {
    format!(
        "Reserved range {start} to {last} overlaps with already-defined range {other_start} to {other_last}."
    )
}

pub(super) fn field_name_reserved_twice(name: &str) -> String {
    format!("Field name \"{name}\" is reserved multiple times.")
}

pub(super) fn too_many_fields(count: usize, message: &str, limit: usize) -> String {
    format!("{count} fields in {message} exceeds the limit of {limit}")
}

pub(super) fn extension_range_includes_field(
    start: i32,
    last: i32,
    name: &str,
    number: i32,
) -> String {
    format!("Extension range {start} to {last} includes field \"{name}\" ({number}).")
}

pub(super) fn field_uses_reserved_number(name: &str, number: i32) -> String {
    format!("Field \"{name}\" uses reserved number {number}.")
}

pub(super) fn field_name_reserved(name: &str) -> String {
    format!("Field name \"{name}\" is reserved.")
}

pub(super) fn extension_range_overlaps_reserved(
    start: i32,
    last: i32,
    reserved_start: i32,
    reserved_last: i32,
) -> String {
    format!(
        "Extension range {start} to {last} overlaps with reserved range {reserved_start} to {reserved_last}."
    )
}

pub(super) fn extension_ranges_overlap(
    start: i32,
    last: i32,
    other_start: i32,
    other_last: i32,
) -> String {
    format!(
        "Extension range {start} to {last} overlaps with already-defined range {other_start} to {other_last}."
    )
}

pub(super) fn field_number_not_positive() -> String {
    "Field numbers must be positive integers.".into()
}

pub(super) fn field_number_too_large(max: i32) -> String {
    format!("Field numbers cannot be greater than {max}.")
}

pub(super) fn proto3_optional_outside_proto3(field: &str) -> String {
    format!("The [proto3_optional=true] option may only be set on proto3fields, not {field}")
}

pub(super) fn required_extension(extension: &str) -> String {
    format!("The extension {extension} cannot be required.")
}

pub(super) fn default_on_repeated() -> String {
    "Repeated fields can't have default values.".into()
}

pub(super) fn empty_enum() -> String {
    "Enums must contain at least one value.".into()
}

pub(super) fn enum_value_name_reserved_twice(name: &str) -> String {
    format!("Enum value \"{name}\" is reserved multiple times.")
}

pub(super) fn enum_value_uses_reserved_number(name: &str, number: i32) -> String {
    format!("Enum value \"{name}\" uses reserved number {number}.")
}

pub(super) fn enum_value_name_reserved(name: &str) -> String {
    format!("Enum value \"{name}\" is reserved.")
}

pub(super) fn not_an_extension_number(extendee: &str, number: i32) -> String {
    format!("\"{extendee}\" does not declare {number} as an extension number.")
}

pub(super) fn extension_number_taken(number: i32, extendee: &str, first: &str) -> String {
    format!(
        "Extension number {number} has already been used in \"{extendee}\" by extension \"{first}\"."
    )
}

pub(super) fn extension_number_taken_elsewhere(
    number: i32,
    extendee: &str,
    other: &str,
    file: &str,
) -> String {
    format!(
        "Extension number {number} has already been used in \"{extendee}\" by extension \"{other}\" defined in {file}."
    )
}

/// `next` is the number protoc proposes instead, if any is left.
pub(super) fn field_number_taken(
    number: i32,
    message: &str,
    first: &str,
    next: Option<i64>,
) -> String {
    let next = match next {
        Some(next) => format!("Next available field number is {next}"),
        None => "There are no available field numbers".to_string(),
    };
    format!(
        "Field number {number} has already been used in \"{message}\" by field \"{first}\". {next}."
    )
}

pub(super) fn oneof_not_consecutive(field: &str, oneof: &str) -> String {
    format!(
        "Fields in the same oneof must be defined consecutively. \"{field}\" cannot be defined before the completion of the \"{oneof}\" oneof definition."
    )
}

pub(super) fn empty_oneof() -> String {
    "Oneof must have at least one field.".into()
}

pub(super) fn proto3_optional_outside_synthetic_oneof() -> String {
    "Fields with proto3_optional set must be a member of a one-field oneof".into()
}

pub(super) fn synthetic_oneof_not_last() -> String {
    "Synthetic oneofs must be after all other oneofs".into()
}

pub(super) fn suggested_field_numbers(message: &str, numbers: &[String]) -> String {
    format!(
        "Suggested field numbers for {message}: {}",
        numbers.join(", ")
    )
}

pub(super) fn implementation_reserved_number(first: i32, last: i32) -> String {
    format!(
        "Field numbers {first} through {last} are reserved for the protocol buffer library implementation."
    )
}

// The validate phase: proto3 and editions rules, JSON names, packed, lazy, message sets,
// lite files, map entries, enum values.

pub(super) fn required_presence_by_default() -> String {
    "Required presence can't be specified by default.".into()
}

pub(super) fn java_string_check_utf8_under_editions() -> String {
    "File option java_string_check_utf8 is not allowed under editions. Use the (pb.java).utf8_validation feature to control this behavior.".into()
}

pub(super) fn non_lite_imports_lite(dependency: &str) -> String {
    format!(
        "Files that do not use optimize_for = LITE_RUNTIME cannot import files which do use this option.  This file is not lite, but it imports \"{dependency}\" which is."
    )
}

pub(super) fn extension_range_in_proto3() -> String {
    "Extension ranges are not allowed in proto3.".into()
}

pub(super) fn message_set_in_proto3() -> String {
    "MessageSet is not supported in proto3.".into()
}

pub(super) fn non_option_extension_in_proto3() -> String {
    "Extensions in proto3 are only allowed for defining options.".into()
}

pub(super) fn required_in_proto3() -> String {
    "Required fields are not allowed in proto3.".into()
}

pub(super) fn default_in_proto3() -> String {
    "Explicit default values are not allowed in proto3.".into()
}

pub(super) fn closed_enum_in_proto3(enum_name: &str, container: &str) -> String {
    format!(
        "Enum type \"{enum_name}\" is not an open enum, but is used in \"{container}\" which is a proto3 message type."
    )
}

pub(super) fn group_in_proto3() -> String {
    "Groups are not supported in proto3 syntax.".into()
}

pub(super) fn extension_number_too_large(max: i64) -> String {
    format!("Extension numbers cannot be greater than {max}.")
}

pub(super) fn bracketed_json_name(field: &str, json: &str) -> String {
    format!(
        "The custom JSON name of field \"{field}\" (\"{json}\") is invalid: JSON names may not start with '[' and end with ']'."
    )
}

/// Each field is given as its name, its JSON name and whether that JSON name is custom.
pub(super) fn json_name_conflict(field: (&str, &str, bool), other: (&str, &str, bool)) -> String {
    let kind = |custom: bool| if custom { "custom" } else { "default" };
    let (name, json, custom) = field;
    let (other, other_json, other_custom) = other;
    let suffix = if json != other_json {
        format!(" (\"{other_json}\")")
    } else {
        String::new()
    };
    format!(
        "The {} JSON name of field \"{name}\" (\"{json}\") conflicts with the {} JSON name of field \"{other}\"{suffix}.",
        kind(custom),
        kind(other_custom),
    )
}

pub(super) fn ctype_in_edition_2024() -> String {
    "ctype option is not allowed under edition 2024 and beyond. Use the feature string_type = VIEW|CORD|STRING|... instead.".into()
}

pub(super) fn lazy_on_non_message() -> String {
    "[lazy = true] can only be specified for submessage fields.".into()
}

pub(super) fn unverified_lazy_extension() -> String {
    "Extensions cannot be marked as unverified_lazy.".into()
}

pub(super) fn packed_on_non_packable() -> String {
    "[packed = true] can only be specified for repeated primitive fields.".into()
}

pub(super) fn message_set_extension_not_optional_message() -> String {
    "Extensions of MessageSets must be optional messages.".into()
}

pub(super) fn message_set_with_fields() -> String {
    "MessageSets cannot have fields, only extensions.".into()
}

pub(super) fn lite_extension_of_non_lite() -> String {
    "Extensions to non-lite types can only be declared in non-lite files.  Note that you cannot extend a non-lite type to contain a lite type, but the reverse is allowed.".into()
}

pub(super) fn json_name_on_extension() -> String {
    "option json_name is not allowed on extension fields.".into()
}

pub(super) fn json_name_with_null() -> String {
    "json_name cannot have embedded null characters.".into()
}

pub(super) fn explicit_map_entry() -> String {
    "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.".into()
}

pub(super) fn enum_map_key() -> String {
    "Key in map fields cannot be enum types.".into()
}

pub(super) fn invalid_map_key_type() -> String {
    "Key in map fields cannot be float/double, bytes or message types.".into()
}

pub(super) fn map_value_enum_first_not_zero() -> String {
    "Enum value in map must define 0 as the first value.".into()
}

pub(super) fn packed_under_editions() -> String {
    "Field option packed is not allowed under editions.  Use the repeated_field_encoding feature to control this behavior.".into()
}

pub(super) fn default_with_implicit_presence() -> String {
    "Implicit presence fields can't specify defaults.".into()
}

pub(super) fn implicit_presence_closed_enum() -> String {
    "Implicit presence enum fields must always be open.".into()
}

pub(super) fn required_extension_feature() -> String {
    "Extensions can't be required.".into()
}

pub(super) fn presence_on_oneof_field() -> String {
    "Oneof fields can't specify field presence.".into()
}

pub(super) fn presence_on_repeated() -> String {
    "Repeated fields can't specify field presence.".into()
}

pub(super) fn presence_on_extension() -> String {
    "Extensions can't specify field presence.".into()
}

pub(super) fn implicit_presence_on_message() -> String {
    "Message fields can't specify implicit presence.".into()
}

pub(super) fn repeated_encoding_on_singular() -> String {
    "Only repeated fields can specify repeated field encoding.".into()
}

pub(super) fn utf8_validation_on_non_string() -> String {
    "Only string fields can specify utf8 validation.".into()
}

pub(super) fn packed_encoding_on_non_packable() -> String {
    "Only repeated primitive fields can specify PACKED repeated field encoding.".into()
}

pub(super) fn message_encoding_on_non_message() -> String {
    "Only message fields can specify message encoding.".into()
}

pub(super) fn enum_value_names_conflict(name: &str, other: &str) -> String {
    format!(
        "Enum name {name} has the same name as {other} if you ignore case and strip out the enum name prefix (if any). (If you are using allow_alias, please assign the same number to each enum value name.)"
    )
}

pub(super) fn open_enum_first_not_zero() -> String {
    "The first enum value must be zero for open enums.".into()
}

/// `next` is the number protoc proposes instead, if any.
pub(super) fn enum_number_taken(value: &str, first: &str, next: Option<i64>) -> String {
    let mut message = format!(
        "\"{value}\" uses the same enum value as \"{first}\". If this is intended, set 'option allow_alias = true;' to the enum definition."
    );
    if let Some(next) = next {
        message.push_str(&format!(" The next available enum value is {next}."));
    }
    message
}

pub(super) fn map_entry_conflicts_with_message(entry: &str) -> String {
    format!("Expanded map entry type {entry} conflicts with an existing nested message type.")
}

pub(super) fn map_entry_conflicts(entry: &str, what: &str) -> String {
    format!("Expanded map entry type {entry} conflicts with an existing {what}.")
}

// Extension declarations.

pub(super) fn unverified_range_with_declarations() -> String {
    "Cannot mark the extension range as UNVERIFIED when it has extension(s) declared.".into()
}

pub(super) fn declaration_outside_range(number: i32) -> String {
    format!("Extension declaration number {number} is not in the extension range.")
}

pub(super) fn declaration_number_twice(number: i32) -> String {
    format!("Extension declaration number {number} is declared multiple times.")
}

pub(super) fn declaration_name_twice(full_name: &str) -> String {
    format!("Extension field name \"{full_name}\" is declared multiple times.")
}

pub(super) fn declaration_incomplete(number: i32) -> String {
    format!("Extension declaration #{number} should have both \"full_name\" and \"type\" set.")
}

pub(super) fn declaration_reserved(number: i32, extension: &str, extendee: &str) -> String {
    format!(
        "Cannot use number {number} for extension field {extension}, as it is reserved in the extension declarations for message {extendee}."
    )
}

pub(super) fn declaration_type_mismatch(
    extendee: &str,
    number: i32,
    expected: &str,
    actual: &str,
) -> String {
    format!(
        "\"{extendee}\" extension field {number} is expected to be type \"{expected}\", not \"{actual}\"."
    )
}

pub(super) fn declaration_name_mismatch(
    extendee: &str,
    number: i32,
    declared: &str,
    actual: &str,
) -> String {
    format!(
        "\"{extendee}\" extension field {number} is expected to have field name \"{declared}\", not \"{actual}\"."
    )
}

pub(super) fn declaration_cardinality_mismatch(
    extendee: &str,
    number: i32,
    declared_repeated: bool,
) -> String {
    let expected = if declared_repeated {
        "repeated"
    } else {
        "optional"
    };
    format!("\"{extendee}\" extension field {number} is expected to be {expected}.")
}

pub(super) fn declaration_missing(extension: &str, number: i32, extendee: &str) -> String {
    format!(
        "Missing extension declaration for field {extension} with number {number} in extendee message {extendee}. An extension range must declare for all extension fields if its verification state is DECLARATION or there's any declaration in the range already. Otherwise, consider splitting up the range."
    )
}

pub(super) fn declaration_symbol_without_dot(symbol: &str) -> String {
    format!("\"{symbol}\" must have a leading dot to indicate the fully-qualified scope.")
}

pub(super) fn declaration_symbol_invalid(symbol: &str) -> String {
    format!("\"{symbol}\" contains invalid identifiers.")
}

// Descriptors given as input (`--descriptor_set_in`), checked before building.

pub(super) fn unrecognized_syntax(syntax: &str) -> String {
    format!("Unrecognized syntax: {syntax}")
}

pub(super) fn unstable_edition(max: &str) -> String {
    format!(
        "is a file using edition UNSTABLE, which is later than the protoc maximum supported edition {max}."
    )
}

pub(super) fn edition_too_early(edition: &str) -> String {
    format!("Edition {edition} is earlier than the minimum supported edition PROTO2")
}

pub(super) fn edition_too_late(edition: &str, max: &str) -> String {
    format!("Edition {edition} is later than the maximum supported edition {max}")
}

pub(super) fn invalid_public_dependency() -> String {
    "Invalid public dependency index.".into()
}

pub(super) fn invalid_weak_dependency() -> String {
    "Invalid weak dependency index.".into()
}

pub(super) fn oneof_index_out_of_range(index: i32, message: &str) -> String {
    format!("FieldDescriptorProto.oneof_index {index} is out of range for type \"{message}\".")
}

pub(super) fn oneof_index_on_extension() -> String {
    "FieldDescriptorProto.oneof_index should not be set for extensions.".into()
}

pub(super) fn invalid_bool_default() -> String {
    "Boolean default must be true or false.".into()
}

pub(super) fn invalid_default_escaping() -> String {
    "Invalid escaping in default value.".into()
}

pub(super) fn default_on_message() -> String {
    "Messages can't have default values.".into()
}

pub(super) fn unparsable_default(value: &str) -> String {
    format!("Couldn't parse default value \"{value}\".")
}

pub(super) fn missing_name() -> String {
    "Missing name.".into()
}

pub(super) fn invalid_identifier(name: &str) -> String {
    format!("\"{name}\" is not a valid identifier.")
}

pub(super) fn package_name_too_long() -> String {
    "Package name is too long".into()
}

pub(super) fn package_too_deep() -> String {
    "Exceeds Maximum Package Depth".into()
}
