//! The descriptor handles: [`FileDescriptor`], [`MessageDescriptor`], [`FieldDescriptor`],
//! [`ExtensionDescriptor`], [`OneofDescriptor`], [`EnumDescriptor`],
//! [`EnumValueDescriptor`], [`ServiceDescriptor`] and [`MethodDescriptor`]. Each holds its
//! pool and an index into the pool's tables; equality and hashing use the pool's identity
//! and the index.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use crate::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    MethodDescriptorProto, ServiceDescriptorProto,
};

use super::pool::{DescriptorPool, EnumEntry, FieldEntry, KindIndex, MessageEntry, ServiceEntry};
use super::value::Value;

/// The syntax a file is written in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Syntax {
    /// `syntax = "proto2"` (or no syntax statement).
    Proto2,
    /// `syntax = "proto3"`.
    Proto3,
    /// `edition = "..."`, with the `google.protobuf.Edition` number (1000 for 2023).
    Editions(i32),
}

/// The type of a field.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Kind {
    /// `double`.
    Double,
    /// `float`.
    Float,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `uint32`.
    Uint32,
    /// `uint64`.
    Uint64,
    /// `sint32`.
    Sint32,
    /// `sint64`.
    Sint64,
    /// `fixed32`.
    Fixed32,
    /// `fixed64`.
    Fixed64,
    /// `sfixed32`.
    Sfixed32,
    /// `sfixed64`.
    Sfixed64,
    /// `bool`.
    Bool,
    /// `string`.
    String,
    /// `bytes`.
    Bytes,
    /// A message or group.
    Message(MessageDescriptor),
    /// An enum.
    Enum(EnumDescriptor),
}

impl Kind {
    /// The message type, if this is a message kind.
    pub fn as_message(&self) -> Option<&MessageDescriptor> {
        match self {
            Kind::Message(m) => Some(m),
            _ => None,
        }
    }

    /// The enum type, if this is an enum kind.
    pub fn as_enum(&self) -> Option<&EnumDescriptor> {
        match self {
            Kind::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// Whether repeated fields of this kind may be packed (scalars and enums).
    pub fn is_packable(&self) -> bool {
        !matches!(self, Kind::String | Kind::Bytes | Kind::Message(_))
    }
}

/// Whether a field is singular, required or repeated.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Cardinality {
    /// Singular (proto2 `optional`, proto3 fields, editions fields).
    Optional,
    /// proto2 `required` or editions `LEGACY_REQUIRED`.
    Required,
    /// `repeated` (maps included).
    Repeated,
}

fn kind_of(pool: &DescriptorPool, kind: KindIndex) -> Kind {
    match kind {
        KindIndex::Double => Kind::Double,
        KindIndex::Float => Kind::Float,
        KindIndex::Int32 => Kind::Int32,
        KindIndex::Int64 => Kind::Int64,
        KindIndex::Uint32 => Kind::Uint32,
        KindIndex::Uint64 => Kind::Uint64,
        KindIndex::Sint32 => Kind::Sint32,
        KindIndex::Sint64 => Kind::Sint64,
        KindIndex::Fixed32 => Kind::Fixed32,
        KindIndex::Fixed64 => Kind::Fixed64,
        KindIndex::Sfixed32 => Kind::Sfixed32,
        KindIndex::Sfixed64 => Kind::Sfixed64,
        KindIndex::Bool => Kind::Bool,
        KindIndex::String => Kind::String,
        KindIndex::Bytes => Kind::Bytes,
        KindIndex::Message(m) => Kind::Message(MessageDescriptor::new(pool.clone(), m)),
        KindIndex::Enum(e) => Kind::Enum(EnumDescriptor::new(pool.clone(), e)),
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),* }) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            pub(crate) pool: DescriptorPool,
            $(pub(crate) $field: $ty,)*
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                Arc::ptr_eq(&self.pool.inner, &other.pool.inner) $(&& self.$field == other.$field)*
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                (Arc::as_ptr(&self.pool.inner) as usize).hash(state);
                $(self.$field.hash(state);)*
            }
        }
    };
}

handle!(
    /// A file of the pool.
    FileDescriptor { index: u32 }
);
handle!(
    /// A message type.
    MessageDescriptor { index: u32 }
);
handle!(
    /// A field of a message (not an extension).
    FieldDescriptor { message: u32, index: u32 }
);
handle!(
    /// An extension field.
    ExtensionDescriptor { index: u32 }
);
handle!(
    /// A oneof of a message, synthetic ones (of proto3 `optional` fields) included.
    OneofDescriptor { message: u32, index: u32 }
);
handle!(
    /// An enum type.
    EnumDescriptor { index: u32 }
);
handle!(
    /// A value of an enum.
    EnumValueDescriptor { parent: u32, index: u32 }
);
handle!(
    /// A service.
    ServiceDescriptor { index: u32 }
);
handle!(
    /// A method of a service.
    MethodDescriptor { service: u32, index: u32 }
);

impl FileDescriptor {
    pub(crate) fn new(pool: DescriptorPool, index: u32) -> Self {
        FileDescriptor { pool, index }
    }

    fn entry(&self) -> &super::pool::FileEntry {
        &self.pool.inner.files[self.index as usize]
    }

    /// The pool this file belongs to.
    pub fn parent_pool(&self) -> &DescriptorPool {
        &self.pool
    }

    /// The file's name (its path relative to the include root).
    pub fn name(&self) -> &str {
        self.entry().proto.name()
    }

    /// The package (`""` if none).
    pub fn package(&self) -> &str {
        self.entry().proto.package()
    }

    /// The syntax or edition.
    pub fn syntax(&self) -> Syntax {
        self.entry().syntax
    }

    /// The files this one imports, in import order.
    pub fn dependencies(&self) -> impl ExactSizeIterator<Item = FileDescriptor> + '_ {
        self.entry()
            .dependencies
            .iter()
            .map(|&i| FileDescriptor::new(self.pool.clone(), i))
    }

    /// The top-level messages.
    pub fn messages(&self) -> impl ExactSizeIterator<Item = MessageDescriptor> + '_ {
        self.entry()
            .messages
            .iter()
            .map(|&i| MessageDescriptor::new(self.pool.clone(), i))
    }

    /// The top-level enums.
    pub fn enums(&self) -> impl ExactSizeIterator<Item = EnumDescriptor> + '_ {
        self.entry()
            .enums
            .iter()
            .map(|&i| EnumDescriptor::new(self.pool.clone(), i))
    }

    /// The services.
    pub fn services(&self) -> impl ExactSizeIterator<Item = ServiceDescriptor> + '_ {
        self.entry()
            .services
            .iter()
            .map(|&i| ServiceDescriptor::new(self.pool.clone(), i))
    }

    /// The top-level extensions.
    pub fn extensions(&self) -> impl ExactSizeIterator<Item = ExtensionDescriptor> + '_ {
        self.entry()
            .extensions
            .iter()
            .map(|&i| ExtensionDescriptor::new(self.pool.clone(), i))
    }

    /// The file as it was added.
    pub fn file_descriptor_proto(&self) -> &FileDescriptorProto {
        &self.entry().proto
    }
}

impl fmt::Debug for FileDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FileDescriptor").field(&self.name()).finish()
    }
}

impl MessageDescriptor {
    pub(crate) fn new(pool: DescriptorPool, index: u32) -> Self {
        MessageDescriptor { pool, index }
    }

    pub(crate) fn entry(&self) -> &MessageEntry {
        &self.pool.inner.messages[self.index as usize]
    }

    /// The short name.
    pub fn name(&self) -> &str {
        let e = self.entry();
        &e.full_name[e.name_start..]
    }

    /// The full name, `package.Outer.Inner`, without a leading dot.
    pub fn full_name(&self) -> &str {
        &self.entry().full_name
    }

    /// The package of the file declaring this message.
    pub fn package_name(&self) -> &str {
        let e = self.entry();
        &e.full_name[..e.package_len]
    }

    /// The declaring file.
    pub fn parent_file(&self) -> FileDescriptor {
        FileDescriptor::new(self.pool.clone(), self.entry().file)
    }

    /// The enclosing message, for nested messages.
    pub fn parent_message(&self) -> Option<MessageDescriptor> {
        self.entry()
            .parent
            .map(|p| MessageDescriptor::new(self.pool.clone(), p))
    }

    /// The pool this message belongs to.
    pub fn parent_pool(&self) -> &DescriptorPool {
        &self.pool
    }

    /// The message as declared.
    pub fn descriptor_proto(&self) -> &DescriptorProto {
        self.pool.inner.message_proto(self.index)
    }

    /// The fields in declaration order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = FieldDescriptor> + '_ {
        (0..self.entry().fields.len() as u32).map(|i| FieldDescriptor {
            pool: self.pool.clone(),
            message: self.index,
            index: i,
        })
    }

    /// The fields in field-number order.
    pub fn fields_in_number_order(&self) -> impl ExactSizeIterator<Item = FieldDescriptor> + '_ {
        self.entry()
            .by_number
            .iter()
            .map(|&(_, i)| FieldDescriptor {
                pool: self.pool.clone(),
                message: self.index,
                index: i,
            })
    }

    pub(crate) fn field_index(&self, number: u32) -> Option<u32> {
        let e = self.entry();
        e.by_number
            .binary_search_by_key(&number, |&(n, _)| n)
            .ok()
            .map(|i| e.by_number[i].1)
    }

    fn field_at(&self, index: u32) -> FieldDescriptor {
        FieldDescriptor {
            pool: self.pool.clone(),
            message: self.index,
            index,
        }
    }

    /// The field with this number.
    pub fn get_field(&self, number: u32) -> Option<FieldDescriptor> {
        self.field_index(number).map(|i| self.field_at(i))
    }

    /// The field with this name.
    pub fn get_field_by_name(&self, name: &str) -> Option<FieldDescriptor> {
        self.entry().by_name.get(name).map(|&i| self.field_at(i))
    }

    /// The field with this JSON name.
    pub fn get_field_by_json_name(&self, json_name: &str) -> Option<FieldDescriptor> {
        self.entry()
            .by_json_name
            .get(json_name)
            .map(|&i| self.field_at(i))
    }

    /// The oneofs in declaration order, synthetic ones included.
    pub fn oneofs(&self) -> impl ExactSizeIterator<Item = OneofDescriptor> + '_ {
        (0..self.entry().oneofs.len() as u32).map(|i| OneofDescriptor {
            pool: self.pool.clone(),
            message: self.index,
            index: i,
        })
    }

    /// The nested messages (map entries included).
    pub fn child_messages(&self) -> impl ExactSizeIterator<Item = MessageDescriptor> + '_ {
        self.entry()
            .messages
            .iter()
            .map(|&i| MessageDescriptor::new(self.pool.clone(), i))
    }

    /// The nested enums.
    pub fn child_enums(&self) -> impl ExactSizeIterator<Item = EnumDescriptor> + '_ {
        self.entry()
            .enums
            .iter()
            .map(|&i| EnumDescriptor::new(self.pool.clone(), i))
    }

    /// The extensions declared inside this message (of any extendee).
    pub fn extensions(&self) -> impl Iterator<Item = ExtensionDescriptor> + '_ {
        self.entry()
            .extensions
            .iter()
            .map(|&i| ExtensionDescriptor::new(self.pool.clone(), i))
    }

    /// Whether this is the synthesized entry message of a map field.
    pub fn is_map_entry(&self) -> bool {
        self.entry().map_entry
    }

    /// The key field (number 1) of a map entry.
    ///
    /// # Panics
    ///
    /// If this message is not a map entry (see [`is_map_entry`](Self::is_map_entry)); the pool
    /// checks that every map entry has fields 1 and 2.
    pub fn map_entry_key_field(&self) -> FieldDescriptor {
        match self.get_field(1) {
            Some(f) if self.is_map_entry() => f,
            _ => panic!("`{}` is not a map entry", self.full_name()),
        }
    }

    /// The value field (number 2) of a map entry.
    ///
    /// # Panics
    ///
    /// If this message is not a map entry.
    pub fn map_entry_value_field(&self) -> FieldDescriptor {
        match self.get_field(2) {
            Some(f) if self.is_map_entry() => f,
            _ => panic!("`{}` is not a map entry", self.full_name()),
        }
    }

    /// The extension ranges, end exclusive.
    pub fn extension_ranges(&self) -> impl Iterator<Item = Range<u32>> + '_ {
        self.entry().extension_ranges.iter().cloned()
    }

    /// Whether `number` is in one of the extension ranges.
    pub fn is_extension_number(&self, number: u32) -> bool {
        self.entry()
            .extension_ranges
            .iter()
            .any(|r| r.contains(&number))
    }

    /// Whether the message uses the MessageSet wire format (`message_set_wire_format`).
    pub fn is_message_set(&self) -> bool {
        self.entry().message_set
    }

    /// `type.googleapis.com/` followed by the full name, as `Any` uses.
    pub fn type_url(&self) -> String {
        format!("type.googleapis.com/{}", self.full_name())
    }
}

impl fmt::Debug for MessageDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MessageDescriptor")
            .field(&self.full_name())
            .finish()
    }
}

/// The accessors fields and extensions share, over a `FieldEntry`.
macro_rules! field_accessors {
    () => {
        /// The short name.
        pub fn name(&self) -> &str {
            &self.entry().name
        }

        /// The full name (scope, then name).
        pub fn full_name(&self) -> &str {
            &self.entry().full_name
        }

        /// The field number.
        pub fn number(&self) -> u32 {
            self.entry().number
        }

        /// The type.
        pub fn kind(&self) -> Kind {
            kind_of(&self.pool, self.entry().kind)
        }

        /// Singular, required or repeated.
        pub fn cardinality(&self) -> Cardinality {
            self.entry().cardinality
        }

        /// Whether the field is repeated and not a map.
        pub fn is_list(&self) -> bool {
            self.entry().cardinality == Cardinality::Repeated && !self.entry().is_map
        }

        /// Whether the field is a map.
        pub fn is_map(&self) -> bool {
            self.entry().is_map
        }

        /// Whether the field tracks presence: singular fields with explicit presence (proto2
        /// `optional`, proto3 `optional`, editions `EXPLICIT`), messages, oneof members and
        /// extensions.
        pub fn has_presence(&self) -> bool {
            self.entry().presence
        }

        /// Whether a repeated field is written packed (resolved from syntax, `[packed]` and
        /// features).
        pub fn is_packed(&self) -> bool {
            self.entry().packed
        }

        /// Whether a message field uses the group encoding (`group` or editions
        /// `DELIMITED`).
        pub fn is_group(&self) -> bool {
            self.entry().group
        }

        /// Whether a `string` field must hold valid UTF-8 on the wire (proto3, editions
        /// `VERIFY`).
        pub fn requires_utf8_validation(&self) -> bool {
            self.entry().verify_utf8
        }

        /// The declared default, or the type's default; empty for lists and maps.
        pub fn default_value(&self) -> Value {
            let e = self.entry();
            if e.is_map {
                return Value::Map(Default::default());
            }
            if e.cardinality == Cardinality::Repeated {
                return Value::List(Vec::new());
            }
            match &e.default {
                Some(v) => v.clone(),
                None => Value::default_for_kind(&self.kind()),
            }
        }

        /// The field as declared.
        pub fn field_descriptor_proto(&self) -> &FieldDescriptorProto {
            self.pool.inner.field_proto(self.entry())
        }

        /// The pool.
        pub fn parent_pool(&self) -> &DescriptorPool {
            &self.pool
        }

        /// The declaring file.
        pub fn parent_file(&self) -> FileDescriptor {
            FileDescriptor::new(self.pool.clone(), self.entry().file)
        }
    };
}

impl FieldDescriptor {
    pub(crate) fn entry(&self) -> &FieldEntry {
        &self.pool.inner.messages[self.message as usize].fields[self.index as usize]
    }

    field_accessors!();

    /// The JSON name (`json_name` as protoc computed or the user set it).
    pub fn json_name(&self) -> &str {
        &self.entry().json_name
    }

    /// The message this field belongs to.
    pub fn parent_message(&self) -> MessageDescriptor {
        MessageDescriptor::new(self.pool.clone(), self.message)
    }

    /// The oneof this field is in, synthetic oneofs included.
    pub fn containing_oneof(&self) -> Option<OneofDescriptor> {
        self.entry().oneof.map(|o| OneofDescriptor {
            pool: self.pool.clone(),
            message: self.message,
            index: o,
        })
    }

    /// The oneof this field is in, unless it is the synthetic oneof of a proto3 `optional`.
    pub fn real_containing_oneof(&self) -> Option<OneofDescriptor> {
        self.containing_oneof().filter(|o| !o.is_synthetic())
    }
}

impl fmt::Debug for FieldDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldDescriptor")
            .field(&self.full_name())
            .finish()
    }
}

impl ExtensionDescriptor {
    pub(crate) fn new(pool: DescriptorPool, index: u32) -> Self {
        ExtensionDescriptor { pool, index }
    }

    pub(crate) fn entry(&self) -> &FieldEntry {
        &self.pool.inner.extensions[self.index as usize]
    }

    field_accessors!();

    /// `[full.name]`, as the JSON and text formats write extensions.
    pub fn json_name(&self) -> &str {
        &self.entry().json_name
    }

    /// The message this extension extends.
    pub fn containing_message(&self) -> MessageDescriptor {
        // Every extension in a built pool has its extendee resolved.
        MessageDescriptor::new(self.pool.clone(), self.entry().extendee.unwrap_or(0))
    }

    /// The message the extension is declared in, if it is not declared at file level.
    pub fn parent_message(&self) -> Option<MessageDescriptor> {
        self.entry()
            .message
            .map(|m| MessageDescriptor::new(self.pool.clone(), m))
    }
}

impl fmt::Debug for ExtensionDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ExtensionDescriptor")
            .field(&self.full_name())
            .finish()
    }
}

impl OneofDescriptor {
    fn entry(&self) -> &super::pool::OneofEntry {
        &self.pool.inner.messages[self.message as usize].oneofs[self.index as usize]
    }

    /// The short name.
    pub fn name(&self) -> &str {
        &self.entry().name
    }

    /// The full name.
    pub fn full_name(&self) -> &str {
        &self.entry().full_name
    }

    /// The message declaring the oneof.
    pub fn parent_message(&self) -> MessageDescriptor {
        MessageDescriptor::new(self.pool.clone(), self.message)
    }

    /// The member fields in declaration order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = FieldDescriptor> + '_ {
        self.entry().fields.iter().map(|&i| FieldDescriptor {
            pool: self.pool.clone(),
            message: self.message,
            index: i,
        })
    }

    /// Whether this is the synthetic oneof of a proto3 `optional` field.
    pub fn is_synthetic(&self) -> bool {
        self.entry().synthetic
    }
}

impl fmt::Debug for OneofDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OneofDescriptor")
            .field(&self.full_name())
            .finish()
    }
}

impl EnumDescriptor {
    pub(crate) fn new(pool: DescriptorPool, index: u32) -> Self {
        EnumDescriptor { pool, index }
    }

    pub(crate) fn entry(&self) -> &EnumEntry {
        &self.pool.inner.enums[self.index as usize]
    }

    /// The short name.
    pub fn name(&self) -> &str {
        let e = self.entry();
        &e.full_name[e.name_start..]
    }

    /// The full name.
    pub fn full_name(&self) -> &str {
        &self.entry().full_name
    }

    /// The declaring file.
    pub fn parent_file(&self) -> FileDescriptor {
        FileDescriptor::new(self.pool.clone(), self.entry().file)
    }

    /// The enclosing message, for nested enums.
    pub fn parent_message(&self) -> Option<MessageDescriptor> {
        self.entry()
            .parent
            .map(|m| MessageDescriptor::new(self.pool.clone(), m))
    }

    /// The pool.
    pub fn parent_pool(&self) -> &DescriptorPool {
        &self.pool
    }

    /// The enum as declared.
    pub fn enum_descriptor_proto(&self) -> &EnumDescriptorProto {
        self.pool.inner.enum_proto(self.index)
    }

    /// The values in declaration order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = EnumValueDescriptor> + '_ {
        (0..self.entry().values.len() as u32).map(|i| EnumValueDescriptor {
            pool: self.pool.clone(),
            parent: self.index,
            index: i,
        })
    }

    /// The value with this number (the first declared one, for aliases).
    pub fn get_value(&self, number: i32) -> Option<EnumValueDescriptor> {
        let e = self.entry();
        let i = e
            .by_number
            .binary_search_by_key(&number, |&(n, _)| n)
            .ok()?;
        Some(EnumValueDescriptor {
            pool: self.pool.clone(),
            parent: self.index,
            index: e.by_number[i].1,
        })
    }

    /// The value with this name.
    pub fn get_value_by_name(&self, name: &str) -> Option<EnumValueDescriptor> {
        let i = self.entry().values.iter().position(|v| v.name == name)?;
        Some(EnumValueDescriptor {
            pool: self.pool.clone(),
            parent: self.index,
            index: i as u32,
        })
    }

    /// The first declared value, which is the enum's default.
    pub fn default_value(&self) -> EnumValueDescriptor {
        EnumValueDescriptor {
            pool: self.pool.clone(),
            parent: self.index,
            index: 0,
        }
    }

    /// Whether the enum is closed (proto2, or editions `enum_type = CLOSED`): numbers it does
    /// not declare are kept as unknown fields when decoding.
    pub fn is_closed(&self) -> bool {
        self.entry().closed
    }
}

impl fmt::Debug for EnumDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EnumDescriptor")
            .field(&self.full_name())
            .finish()
    }
}

impl EnumValueDescriptor {
    fn entry(&self) -> &super::pool::EnumValueEntry {
        &self.pool.inner.enums[self.parent as usize].values[self.index as usize]
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.entry().name
    }

    /// The full name (a sibling of the enum: `package.VALUE`).
    pub fn full_name(&self) -> &str {
        &self.entry().full_name
    }

    /// The number.
    pub fn number(&self) -> i32 {
        self.entry().number
    }

    /// The enum.
    pub fn parent_enum(&self) -> EnumDescriptor {
        EnumDescriptor::new(self.pool.clone(), self.parent)
    }
}

impl fmt::Debug for EnumValueDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EnumValueDescriptor")
            .field(&self.full_name())
            .field(&self.number())
            .finish()
    }
}

impl ServiceDescriptor {
    pub(crate) fn new(pool: DescriptorPool, index: u32) -> Self {
        ServiceDescriptor { pool, index }
    }

    fn entry(&self) -> &ServiceEntry {
        &self.pool.inner.services[self.index as usize]
    }

    /// The short name.
    pub fn name(&self) -> &str {
        let e = self.entry();
        &e.full_name[e.name_start..]
    }

    /// The full name.
    pub fn full_name(&self) -> &str {
        &self.entry().full_name
    }

    /// The declaring file.
    pub fn parent_file(&self) -> FileDescriptor {
        FileDescriptor::new(self.pool.clone(), self.entry().file)
    }

    /// The pool.
    pub fn parent_pool(&self) -> &DescriptorPool {
        &self.pool
    }

    /// The service as declared.
    pub fn service_descriptor_proto(&self) -> &ServiceDescriptorProto {
        let e = self.entry();
        &self.pool.inner.files[e.file as usize].proto.service[e.index as usize]
    }

    /// The methods in declaration order.
    pub fn methods(&self) -> impl ExactSizeIterator<Item = MethodDescriptor> + '_ {
        (0..self.entry().methods.len() as u32).map(|i| MethodDescriptor {
            pool: self.pool.clone(),
            service: self.index,
            index: i,
        })
    }
}

impl fmt::Debug for ServiceDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceDescriptor")
            .field(&self.full_name())
            .finish()
    }
}

impl MethodDescriptor {
    fn entry(&self) -> &super::pool::MethodEntry {
        &self.pool.inner.services[self.service as usize].methods[self.index as usize]
    }

    /// The short name.
    pub fn name(&self) -> &str {
        &self.entry().name
    }

    /// The full name (`package.Service.Method`).
    pub fn full_name(&self) -> &str {
        &self.entry().full_name
    }

    /// The request message.
    pub fn input(&self) -> MessageDescriptor {
        MessageDescriptor::new(self.pool.clone(), self.entry().input)
    }

    /// The response message.
    pub fn output(&self) -> MessageDescriptor {
        MessageDescriptor::new(self.pool.clone(), self.entry().output)
    }

    /// Whether the client sends a stream.
    pub fn is_client_streaming(&self) -> bool {
        self.entry().client_streaming
    }

    /// Whether the server sends a stream.
    pub fn is_server_streaming(&self) -> bool {
        self.entry().server_streaming
    }

    /// The service.
    pub fn parent_service(&self) -> ServiceDescriptor {
        ServiceDescriptor::new(self.pool.clone(), self.service)
    }

    /// The method as declared.
    pub fn method_descriptor_proto(&self) -> &MethodDescriptorProto {
        &self.parent_service_proto().method[self.index as usize]
    }

    fn parent_service_proto(&self) -> &ServiceDescriptorProto {
        let e = &self.pool.inner.services[self.service as usize];
        &self.pool.inner.files[e.file as usize].proto.service[e.index as usize]
    }
}

impl fmt::Debug for MethodDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MethodDescriptor")
            .field(&self.full_name())
            .finish()
    }
}
