//! Which well-known types have a special JSON form, by full name.

/// A well-known type whose JSON form is not a plain object of its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WellKnown {
    Any,
    Timestamp,
    Duration,
    FieldMask,
    Struct,
    Value,
    ListValue,
    /// `DoubleValue`, `Int64Value`, ...: the JSON form of field 1.
    Wrapper,
}

/// The special form of the message named `full_name`, if it has one (`Empty` has none).
pub(crate) fn well_known(full_name: &str) -> Option<WellKnown> {
    let name = full_name.strip_prefix("google.protobuf.")?;
    Some(match name {
        "Any" => WellKnown::Any,
        "Timestamp" => WellKnown::Timestamp,
        "Duration" => WellKnown::Duration,
        "FieldMask" => WellKnown::FieldMask,
        "Struct" => WellKnown::Struct,
        "Value" => WellKnown::Value,
        "ListValue" => WellKnown::ListValue,
        "DoubleValue" | "FloatValue" | "Int64Value" | "UInt64Value" | "Int32Value"
        | "UInt32Value" | "BoolValue" | "StringValue" | "BytesValue" => WellKnown::Wrapper,
        _ => return None,
    })
}
