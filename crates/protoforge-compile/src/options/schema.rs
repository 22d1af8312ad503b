//! The schema view option interpretation works with: fields and enums described by small owned
//! values ([`FieldInfo`], [`Kind`]) behind the [`Lookup`] trait, so the text-format and
//! normalisation code does not depend on where descriptors come from (the pool being compiled,
//! or the built-in `descriptor.proto`).

use std::rc::Rc;

pub(crate) use protoforge_parse::ast::ScalarType;

/// What a field holds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// A scalar type (the parser's list of scalar keywords).
    Scalar(ScalarType),
    /// An enum, by full name (no leading dot).
    Enum(String),
    /// A length-delimited message, by full name.
    Message(String),
    /// A group (delimited message), by full name.
    Group(String),
}

impl Kind {
    /// True for kinds that may use packed encoding.
    pub(crate) fn is_packable(&self) -> bool {
        !matches!(
            self,
            Kind::Scalar(ScalarType::String)
                | Kind::Scalar(ScalarType::Bytes)
                | Kind::Message(_)
                | Kind::Group(_)
        )
    }

    /// The message type, for message and group kinds.
    pub(crate) fn message_type(&self) -> Option<&str> {
        match self {
            Kind::Message(name) | Kind::Group(name) => Some(name),
            _ => None,
        }
    }
}

/// Everything option interpretation needs to know about one field or extension.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldInfo {
    /// The short name.
    pub(crate) name: String,
    /// The full name, no leading dot.
    pub(crate) full_name: String,
    /// The field number.
    pub(crate) number: u32,
    /// `repeated`.
    pub(crate) repeated: bool,
    /// The type.
    pub(crate) kind: Kind,
    /// Repeated scalars are written packed.
    pub(crate) packed: bool,
    /// A singular field without presence: its zero value is not written.
    pub(crate) implicit_presence: bool,
    /// The oneof the field belongs to, if any.
    pub(crate) oneof: Option<String>,
    /// An extension rather than a field of the message.
    pub(crate) is_extension: bool,
    /// The message the field belongs to (for extensions: the extendee), no leading dot.
    pub(crate) containing_type: String,
    /// The file that defines the field.
    pub(crate) file: String,
    /// `retention = RETENTION_SOURCE`.
    pub(crate) source_retention: bool,
    /// The `targets` option: the kinds of element the option may be set on (empty: any).
    pub(crate) targets: Vec<i32>,
    /// The `feature_support` option: the editions the field may be used in.
    pub(crate) feature_support: Option<protoforge::descriptor::field_options::FeatureSupport>,
}

/// Schema queries. Names are full names without a leading dot.
pub(crate) trait Lookup {
    /// A field of `message` (not an extension) by name.
    fn field_by_name(&self, message: &str, name: &str) -> Option<Rc<FieldInfo>>;
    /// A field or (known) extension of `message` by number.
    fn field_by_number(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>>;
    /// An extension named `name` (relative to scope `scope`, or fully qualified with a
    /// leading dot), whatever it extends.
    fn extension(&self, scope: &str, name: &str) -> Option<Rc<FieldInfo>>;
    /// Whether `name` is a message type.
    fn has_message(&self, name: &str) -> bool;
    /// The number of value `value` of enum `enum_name`.
    fn enum_value(&self, enum_name: &str, value: &str) -> Option<i32>;
    /// Whether enum `enum_name` has a value numbered `number`.
    fn enum_has_number(&self, enum_name: &str, number: i32) -> bool;
    /// Whether enum `enum_name` is closed (unknown numbers rejected).
    fn enum_is_closed(&self, enum_name: &str) -> bool;
    /// Whether message `message` has `option message_set_wire_format = true`.
    fn is_message_set(&self, message: &str) -> bool;
}
