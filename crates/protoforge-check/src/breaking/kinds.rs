//! What the field rules compare: a field's kind, cardinality and description, as buf (and
//! Go's protoreflect) sees them.

use protoforge::descriptor::feature_set::{FieldPresence, MessageEncoding};
use protoforge::descriptor::field_descriptor_proto::{Label, Type};

use super::model::{Fld, Side};
use super::q;

/// A field's kind: its declared type, with edition-style delimited messages as groups.
pub(crate) fn kind(f: &Fld<'_>) -> Type {
    let t = f.d.r#type();
    if t == Type::Message && f.feats.editions && f.feats.encoding() == MessageEncoding::Delimited {
        return Type::Group;
    }
    t
}

/// Go's name of a kind.
pub(crate) fn kind_name(t: Type) -> &'static str {
    match t {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Group => "group",
        Type::Message => "message",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Enum => "enum",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
    }
}

/// The kind as buf prints it in type-change messages.
pub(crate) fn kind_pretty(f: &Fld<'_>) -> &'static str {
    let k = kind(f);
    if k == Type::Group && !f.feats.proto2 {
        return "message (delimited encoding)";
    }
    kind_name(k)
}

/// A field's cardinality.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Cardinality {
    Explicit,
    Implicit,
    Required,
    Repeated,
    Map,
}

impl Cardinality {
    /// buf's words for it.
    pub fn name(self) -> &'static str {
        match self {
            Cardinality::Explicit => "optional with explicit presence",
            Cardinality::Implicit => "optional with implicit presence",
            Cardinality::Required => "required",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }

    /// Group of cardinalities that share a wire format.
    pub fn wire_group(self) -> u8 {
        match self {
            Cardinality::Explicit | Cardinality::Implicit => 1,
            Cardinality::Required => 2,
            Cardinality::Repeated | Cardinality::Map => 3,
        }
    }

    /// Group of cardinalities that share both the wire and the JSON format.
    pub fn wire_json_group(self) -> u8 {
        match self {
            Cardinality::Map => 4,
            c => c.wire_group(),
        }
    }
}

/// A field's cardinality in `side`.
pub(crate) fn cardinality(side: &Side<'_>, f: &Fld<'_>) -> Cardinality {
    if f.d.label() == Label::Repeated {
        return if side.is_map(f) {
            Cardinality::Map
        } else {
            Cardinality::Repeated
        };
    }
    if f.d.label() == Label::Required
        || (f.feats.editions && f.feats.presence() == FieldPresence::LegacyRequired)
    {
        return Cardinality::Required;
    }
    let message = matches!(kind(f), Type::Message | Type::Group);
    let presence = f.parent.is_none()
        || message
        || f.d.oneof_index.is_some()
        || matches!(
            f.feats.presence(),
            FieldPresence::Explicit | FieldPresence::LegacyRequired
        );
    if presence {
        Cardinality::Explicit
    } else {
        Cardinality::Implicit
    }
}

/// `Field "1" with name "foo" on message "Bar"` (extensions: `Extension "1" with name
/// "pkg.foo" on message ".pkg.Bar"`).
pub(crate) fn describe(side: &Side<'_>, f: &Fld<'_>) -> String {
    let name = if f.parent.is_none() {
        f.full.as_str()
    } else {
        f.d.name()
    };
    describe_with_name(side, f, name)
}

/// [`describe`] with another name, or none when `name` is empty.
pub(crate) fn describe_with_name(side: &Side<'_>, f: &Fld<'_>, name: &str) -> String {
    let name = if name.is_empty() {
        String::new()
    } else {
        format!(" with name {}", q(name))
    };
    let number = f.d.number.unwrap_or(0);
    if f.parent.is_none() {
        let extendee = f.d.extendee();
        let extendee = extendee.strip_prefix('.').unwrap_or(extendee);
        format!("Extension \"{number}\"{name} on message {}", q(extendee))
    } else {
        format!(
            "Field \"{number}\"{name} on message {}",
            q(side.parent_name(f))
        )
    }
}

/// Whether a type is a 64-bit integer.
pub(crate) fn is_64bit(t: Type) -> bool {
    matches!(
        t,
        Type::Int64 | Type::Sint64 | Type::Uint64 | Type::Fixed64 | Type::Sfixed64
    )
}

/// Wire compatibility group of a kind.
pub(crate) fn wire_group(t: Type) -> u8 {
    match t {
        Type::Int32 | Type::Int64 | Type::Uint32 | Type::Uint64 | Type::Bool => 1,
        Type::Sint32 | Type::Sint64 => 2,
        Type::String => 3,
        Type::Bytes => 4,
        Type::Fixed32 | Type::Sfixed32 => 5,
        Type::Fixed64 | Type::Sfixed64 => 6,
        Type::Double => 7,
        Type::Float => 8,
        Type::Group => 9,
        Type::Message => 10,
        Type::Enum => 11,
    }
}

/// Wire-and-JSON compatibility group of a kind.
pub(crate) fn wire_json_group(t: Type) -> u8 {
    match t {
        Type::Int32 | Type::Uint32 => 1,
        Type::Int64 | Type::Uint64 => 2,
        Type::Fixed32 | Type::Sfixed32 => 3,
        Type::Fixed64 | Type::Sfixed64 => 4,
        Type::Bool => 5,
        Type::Sint32 => 6,
        Type::Sint64 => 7,
        Type::String => 8,
        Type::Bytes => 9,
        Type::Double => 10,
        Type::Float => 11,
        Type::Group => 12,
        Type::Message => 13,
        Type::Enum => 14,
    }
}
