//! The values a [`DynamicMessage`](super::DynamicMessage) holds: [`Value`] for any field,
//! [`MapKey`] for map keys, their typed accessors, and [`SetFieldError`] for a value whose
//! type does not fit its field.

use std::collections::HashMap;
use std::fmt;

use super::descriptors::{FieldDescriptor, Kind};
use super::dynamic::DynamicMessage;

/// The value of a field: one variant per Rust representation of a protobuf type, plus lists
/// (repeated fields) and maps.
///
/// `int32`, `sint32` and `sfixed32` are [`Value::I32`]; `uint32` and `fixed32` are
/// [`Value::U32`]; the 64-bit types likewise; enums are [`Value::EnumNumber`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// `int32`, `sint32`, `sfixed32`.
    I32(i32),
    /// `int64`, `sint64`, `sfixed64`.
    I64(i64),
    /// `uint32`, `fixed32`.
    U32(u32),
    /// `uint64`, `fixed64`.
    U64(u64),
    /// `float`.
    F32(f32),
    /// `double`.
    F64(f64),
    /// `string`.
    String(String),
    /// `bytes`.
    Bytes(bytes::Bytes),
    /// An enum value by number (which need not be declared for open enums).
    EnumNumber(i32),
    /// A message or group.
    Message(DynamicMessage),
    /// A repeated field.
    List(Vec<Value>),
    /// A map field.
    Map(HashMap<MapKey, Value>),
}

/// The key of a map entry: the integral types, `bool` and `string`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MapKey {
    /// `bool`.
    Bool(bool),
    /// `int32`, `sint32`, `sfixed32`.
    I32(i32),
    /// `int64`, `sint64`, `sfixed64`.
    I64(i64),
    /// `uint32`, `fixed32`.
    U32(u32),
    /// `uint64`, `fixed64`.
    U64(u64),
    /// `string`.
    String(String),
}

macro_rules! copy_accessor {
    ($(#[$doc:meta])* $name:ident, $variant:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $name(&self) -> Option<$ty> {
            match *self {
                Self::$variant(v) => Some(v),
                _ => None,
            }
        }
    };
}

impl Value {
    copy_accessor!(
        /// The value if it is a [`Value::Bool`].
        as_bool, Bool, bool
    );
    copy_accessor!(
        /// The value if it is a [`Value::I32`].
        as_i32, I32, i32
    );
    copy_accessor!(
        /// The value if it is a [`Value::I64`].
        as_i64, I64, i64
    );
    copy_accessor!(
        /// The value if it is a [`Value::U32`].
        as_u32, U32, u32
    );
    copy_accessor!(
        /// The value if it is a [`Value::U64`].
        as_u64, U64, u64
    );
    copy_accessor!(
        /// The value if it is a [`Value::F32`].
        as_f32, F32, f32
    );
    copy_accessor!(
        /// The value if it is a [`Value::F64`].
        as_f64, F64, f64
    );
    copy_accessor!(
        /// The number if it is a [`Value::EnumNumber`].
        as_enum_number, EnumNumber, i32
    );

    /// The text if it is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes if it is a [`Value::Bytes`].
    pub fn as_bytes(&self) -> Option<&bytes::Bytes> {
        match self {
            Self::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The message if it is a [`Value::Message`].
    pub fn as_message(&self) -> Option<&DynamicMessage> {
        match self {
            Self::Message(m) => Some(m),
            _ => None,
        }
    }

    /// The message, mutably, if it is a [`Value::Message`].
    pub fn as_message_mut(&mut self) -> Option<&mut DynamicMessage> {
        match self {
            Self::Message(m) => Some(m),
            _ => None,
        }
    }

    /// The elements if it is a [`Value::List`].
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Self::List(l) => Some(l),
            _ => None,
        }
    }

    /// The elements, mutably, if it is a [`Value::List`].
    pub fn as_list_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Self::List(l) => Some(l),
            _ => None,
        }
    }

    /// The entries if it is a [`Value::Map`].
    pub fn as_map(&self) -> Option<&HashMap<MapKey, Value>> {
        match self {
            Self::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The entries, mutably, if it is a [`Value::Map`].
    pub fn as_map_mut(&mut self) -> Option<&mut HashMap<MapKey, Value>> {
        match self {
            Self::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this value can be stored in a single (not repeated) field of kind `kind`.
    pub fn is_valid_for_kind(&self, kind: &Kind) -> bool {
        matches!(
            (self, kind),
            (Value::Bool(_), Kind::Bool)
                | (Value::I32(_), Kind::Int32 | Kind::Sint32 | Kind::Sfixed32)
                | (Value::I64(_), Kind::Int64 | Kind::Sint64 | Kind::Sfixed64)
                | (Value::U32(_), Kind::Uint32 | Kind::Fixed32)
                | (Value::U64(_), Kind::Uint64 | Kind::Fixed64)
                | (Value::F32(_), Kind::Float)
                | (Value::F64(_), Kind::Double)
                | (Value::String(_), Kind::String)
                | (Value::Bytes(_), Kind::Bytes)
                | (Value::EnumNumber(_), Kind::Enum(_))
        ) || match (self, kind) {
            (Value::Message(m), Kind::Message(desc)) => m.descriptor() == *desc,
            _ => false,
        }
    }

    /// Whether this value can be stored in `field` (lists for repeated fields, maps for map
    /// fields, with every element of the right kind).
    pub fn is_valid_for_field(&self, field: &FieldDescriptor) -> bool {
        if field.is_map() {
            let Kind::Message(entry) = field.kind() else {
                return false;
            };
            let key_kind = entry.map_entry_key_field().kind();
            let value_kind = entry.map_entry_value_field().kind();
            return match self {
                Value::Map(map) => map.iter().all(|(k, v)| {
                    k.is_valid_for_kind(&key_kind) && v.is_valid_for_kind(&value_kind)
                }),
                _ => false,
            };
        }
        let kind = field.kind();
        if field.is_list() {
            return match self {
                Value::List(list) => list.iter().all(|v| v.is_valid_for_kind(&kind)),
                _ => false,
            };
        }
        self.is_valid_for_kind(&kind)
    }

    /// The default (zero) value of a single field of kind `kind`.
    pub fn default_for_kind(kind: &Kind) -> Value {
        match kind {
            Kind::Double => Value::F64(0.0),
            Kind::Float => Value::F32(0.0),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(0),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(0),
            Kind::Uint32 | Kind::Fixed32 => Value::U32(0),
            Kind::Uint64 | Kind::Fixed64 => Value::U64(0),
            Kind::Bool => Value::Bool(false),
            Kind::String => Value::String(String::new()),
            Kind::Bytes => Value::Bytes(bytes::Bytes::new()),
            Kind::Enum(e) => Value::EnumNumber(e.default_value().number()),
            Kind::Message(m) => Value::Message(DynamicMessage::new(m.clone())),
        }
    }
}

impl MapKey {
    copy_accessor!(
        /// The key if it is a [`MapKey::Bool`].
        as_bool, Bool, bool
    );
    copy_accessor!(
        /// The key if it is a [`MapKey::I32`].
        as_i32, I32, i32
    );
    copy_accessor!(
        /// The key if it is a [`MapKey::I64`].
        as_i64, I64, i64
    );
    copy_accessor!(
        /// The key if it is a [`MapKey::U32`].
        as_u32, U32, u32
    );
    copy_accessor!(
        /// The key if it is a [`MapKey::U64`].
        as_u64, U64, u64
    );

    /// The text if it is a [`MapKey::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this key can be the key of a map whose key field has kind `kind`.
    pub fn is_valid_for_kind(&self, kind: &Kind) -> bool {
        matches!(
            (self, kind),
            (MapKey::Bool(_), Kind::Bool)
                | (MapKey::I32(_), Kind::Int32 | Kind::Sint32 | Kind::Sfixed32)
                | (MapKey::I64(_), Kind::Int64 | Kind::Sint64 | Kind::Sfixed64)
                | (MapKey::U32(_), Kind::Uint32 | Kind::Fixed32)
                | (MapKey::U64(_), Kind::Uint64 | Kind::Fixed64)
                | (MapKey::String(_), Kind::String)
        )
    }

    /// The default key for a key field of kind `kind` (`None` if maps cannot have such keys).
    pub fn default_for_kind(kind: &Kind) -> Option<MapKey> {
        Some(match kind {
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => MapKey::I32(0),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => MapKey::I64(0),
            Kind::Uint32 | Kind::Fixed32 => MapKey::U32(0),
            Kind::Uint64 | Kind::Fixed64 => MapKey::U64(0),
            Kind::Bool => MapKey::Bool(false),
            Kind::String => MapKey::String(String::new()),
            _ => return None,
        })
    }
}

impl From<MapKey> for Value {
    fn from(key: MapKey) -> Value {
        match key {
            MapKey::Bool(v) => Value::Bool(v),
            MapKey::I32(v) => Value::I32(v),
            MapKey::I64(v) => Value::I64(v),
            MapKey::U32(v) => Value::U32(v),
            MapKey::U64(v) => Value::U64(v),
            MapKey::String(v) => Value::String(v),
        }
    }
}

/// [`DynamicMessage::try_set_field`](super::DynamicMessage::try_set_field) was given a value
/// that does not fit the field, or a field of another message.
#[derive(Clone, Debug, PartialEq)]
pub enum SetFieldError {
    /// The field belongs to a different message type.
    NotFound {
        /// The field's full name.
        field: String,
    },
    /// The value's type does not match the field's.
    InvalidType {
        /// The field's full name.
        field: String,
        /// The rejected value.
        value: Value,
    },
}

impl fmt::Display for SetFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetFieldError::NotFound { field } => {
                write!(f, "field `{field}` does not belong to this message")
            }
            SetFieldError::InvalidType { field, value } => {
                write!(f, "value {value:?} does not fit field `{field}`")
            }
        }
    }
}

impl std::error::Error for SetFieldError {}
