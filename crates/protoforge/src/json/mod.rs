//! The canonical proto3 JSON mapping for dynamic and generated messages, on `serde`.
//!
//! Printing follows protobuf's JSON printer: fields under their lowerCamel `json_name`
//! (or their proto names with [`PrintOptions::preserve_proto_field_names`]), 64-bit integers
//! as strings, bytes as standard base64 with padding, enums by value name (numbers for values
//! the enum does not declare), `NaN`/`Infinity`/`-Infinity` as strings, extensions as
//! `"[full.name]"`, and the well-known types in their special forms (`Any` with `@type`,
//! `Timestamp`, `Duration`, `FieldMask`, `Struct`, `Value`, `ListValue`, wrappers).
//!
//! Parsing accepts what protobuf's parser accepts: `json_name` and original field names,
//! integers as numbers or strings (also `1e3` forms when integral), floats as numbers or
//! strings, bytes in standard or URL-safe base64 with or without padding, enums by name or
//! number, and `null` for "absent" (except for `google.protobuf.Value`, where it is the
//! `NullValue`). Duplicate fields (also inside an `Any`'s object, `@type` included), two members
//! of one oneof, out-of-range numbers and nesting deeper than 100 messages (expanded `Any`s
//! included, when printing too) are errors; bad input is an error, never a panic.
//!
//! ```
//! use protoforge::reflect::{DescriptorPool, DynamicMessage};
//! # use protoforge::Message;
//! # use protoforge::descriptor::*;
//! # let field = FieldDescriptorProto {
//! #     name: Some("big_number".into()), json_name: Some("bigNumber".into()), number: Some(1),
//! #     label: Some(field_descriptor_proto::Label::Optional),
//! #     r#type: Some(field_descriptor_proto::Type::Int64), ..Default::default() };
//! # let file = FileDescriptorProto { name: Some("a.proto".into()), syntax: Some("proto3".into()),
//! #     message_type: vec![DescriptorProto { name: Some("A".into()), field: vec![field],
//! #         ..Default::default() }], ..Default::default() };
//! # let set = FileDescriptorSet { file: vec![file], ..Default::default() };
//! # let pool = DescriptorPool::decode(&set.encode_to_vec()).unwrap();
//! // `A` is `message A { int64 big_number = 1; }` in a proto3 file.
//! let desc = pool.get_message_by_name("A").unwrap();
//! let msg = protoforge::json::from_str(desc, r#"{"big_number": 12}"#).unwrap();
//! assert_eq!(protoforge::json::to_string(&msg).unwrap(), r#"{"bigNumber":"12"}"#);
//! ```

mod de;
mod format;
mod ser;
mod wkt;

use std::fmt;

use serde::de::DeserializeSeed;
use serde::{Deserializer, Serialize, Serializer};

use crate::reflect::{DynamicMessage, MessageDescriptor, ReflectMessage};

/// How deeply messages may nest, like the binary decoder's default recursion limit.
const MAX_DEPTH: usize = 100;

/// Options for printing JSON.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// Print fields without presence (proto3 implicit scalars, repeated and map fields) even
    /// when they hold their default value.
    pub always_print_fields_with_no_presence: bool,
    /// Use the field names from the `.proto` file instead of their lowerCamel JSON names.
    pub preserve_proto_field_names: bool,
    /// Print enum values as numbers instead of names.
    pub use_enum_numbers: bool,
}

/// Options for parsing JSON.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Skip object keys that name no field (and enum value names the enum does not declare)
    /// instead of failing.
    pub ignore_unknown_fields: bool,
}

/// Why a message could not be printed or parsed as JSON; the message says where.
#[derive(Debug)]
pub struct JsonError {
    message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

impl From<serde_json::Error> for JsonError {
    fn from(error: serde_json::Error) -> Self {
        JsonError {
            message: error.to_string(),
        }
    }
}

/// Prints `msg` as compact JSON with default options.
pub fn to_string(msg: &DynamicMessage) -> Result<String, JsonError> {
    to_string_with(msg, &PrintOptions::default())
}

/// Prints `msg` as compact JSON with `options`.
pub fn to_string_with(msg: &DynamicMessage, options: &PrintOptions) -> Result<String, JsonError> {
    Ok(serde_json::to_string(&ser::MessageSer {
        msg,
        options,
        payloads: &ser::Payloads::default(),
        depth: 0,
    })?)
}

/// Parses JSON text as a message of type `desc`, with default options.
pub fn from_str(desc: MessageDescriptor, s: &str) -> Result<DynamicMessage, JsonError> {
    from_str_with(desc, s, &ParseOptions::default())
}

/// Parses JSON text as a message of type `desc`, with `options`; trailing text is an error.
pub fn from_str_with(
    desc: MessageDescriptor,
    s: &str,
    options: &ParseOptions,
) -> Result<DynamicMessage, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_str(s);
    let msg = de::MessageSeed {
        desc,
        options,
        depth: 0,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(msg)
}

/// Writes the message in the proto3 JSON mapping with default [`PrintOptions`].
impl Serialize for DynamicMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ser::MessageSer {
            msg: self,
            options: &PrintOptions::default(),
            payloads: &ser::Payloads::default(),
            depth: 0,
        }
        .serialize(s)
    }
}

/// Reads a message of type `desc` in the proto3 JSON mapping from any `serde` deserializer,
/// with default [`ParseOptions`].
pub fn deserialize<'de, D: Deserializer<'de>>(
    desc: MessageDescriptor,
    d: D,
) -> Result<DynamicMessage, D::Error> {
    de::MessageSeed {
        desc,
        options: &ParseOptions::default(),
        depth: 0,
    }
    .deserialize(d)
}

/// Writes a generated message in the proto3 JSON mapping (for `#[serde(serialize_with)]`
/// and the `Serialize` impls generated code emits).
pub fn serialize_message<M: ReflectMessage, S: Serializer>(m: &M, s: S) -> Result<S::Ok, S::Error> {
    m.to_dynamic().serialize(s)
}

/// Reads a generated message in the proto3 JSON mapping (for `#[serde(deserialize_with)]`
/// and the `Deserialize` impls generated code emits).
pub fn deserialize_message<'de, M: ReflectMessage, D: Deserializer<'de>>(
    d: D,
) -> Result<M, D::Error> {
    let msg = deserialize(M::descriptor(), d)?;
    M::from_dynamic(&msg).map_err(serde::de::Error::custom)
}
