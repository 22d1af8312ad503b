//! The flat tables a [`DescriptorPool`](super::DescriptorPool) indexes its files into: one
//! entry per file, message, oneof, field, enum, enum value, service and method, and the
//! symbol table of full names.

use std::collections::HashMap;
use std::ops::Range;

use crate::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use crate::__private::features::Features;
use crate::reflect::descriptors::Syntax;
use crate::reflect::value::Value;

/// A field's type with message and enum types as pool indexes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum KindIndex {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
    Message(u32),
    Enum(u32),
}

impl KindIndex {
    /// Whether repeated fields of this type may be packed.
    pub fn is_packable(self) -> bool {
        !matches!(
            self,
            KindIndex::String | KindIndex::Bytes | KindIndex::Message(_)
        )
    }
}

#[derive(Clone, Debug)]
pub(crate) struct FileEntry {
    pub proto: FileDescriptorProto,
    pub syntax: Syntax,
    pub dependencies: Vec<u32>,
    pub messages: Vec<u32>,
    pub enums: Vec<u32>,
    pub services: Vec<u32>,
    pub extensions: Vec<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct MessageEntry {
    pub full_name: String,
    pub name_start: usize,
    pub package_len: usize,
    pub file: u32,
    pub parent: Option<u32>,
    /// Indexes from the file's `message_type` down through `nested_type`.
    pub path: Vec<u32>,
    pub fields: Vec<FieldEntry>,
    /// `(number, index into fields)`, sorted by number.
    pub by_number: Vec<(u32, u32)>,
    pub by_name: HashMap<String, u32>,
    pub by_json_name: HashMap<String, u32>,
    pub oneofs: Vec<OneofEntry>,
    pub messages: Vec<u32>,
    pub enums: Vec<u32>,
    pub extensions: Vec<u32>,
    pub map_entry: bool,
    pub message_set: bool,
    pub extension_ranges: Vec<Range<u32>>,
    pub features: Features,
}

#[derive(Clone, Debug)]
pub(crate) struct OneofEntry {
    pub name: String,
    pub full_name: String,
    pub fields: Vec<u32>,
    pub synthetic: bool,
}

/// A field or an extension.
#[derive(Clone, Debug)]
pub(crate) struct FieldEntry {
    pub name: String,
    pub full_name: String,
    pub json_name: String,
    pub number: u32,
    pub kind: KindIndex,
    pub cardinality: crate::reflect::Cardinality,
    pub is_map: bool,
    pub packed: bool,
    pub group: bool,
    pub presence: bool,
    pub verify_utf8: bool,
    pub oneof: Option<u32>,
    /// For fields the message; for extensions the scope they are declared in.
    pub message: Option<u32>,
    /// For extensions, the extended message.
    pub extendee: Option<u32>,
    pub is_extension: bool,
    pub file: u32,
    /// Index into the `field` (or `extension`) list of the declaring message or file.
    pub index: u32,
    /// The declared default (scalars only); `None` means the type's default.
    pub default: Option<Value>,
}

#[derive(Clone, Debug)]
pub(crate) struct EnumEntry {
    pub full_name: String,
    pub name_start: usize,
    pub file: u32,
    pub parent: Option<u32>,
    /// Index into the parent's (or file's) `enum_type`.
    pub index: u32,
    pub values: Vec<EnumValueEntry>,
    /// `(number, index into values)` of the first value with each number, sorted.
    pub by_number: Vec<(i32, u32)>,
    pub closed: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct EnumValueEntry {
    pub name: String,
    pub full_name: String,
    pub number: i32,
}

#[derive(Clone, Debug)]
pub(crate) struct ServiceEntry {
    pub full_name: String,
    pub name_start: usize,
    pub file: u32,
    pub index: u32,
    pub methods: Vec<MethodEntry>,
}

#[derive(Clone, Debug)]
pub(crate) struct MethodEntry {
    pub name: String,
    pub full_name: String,
    pub input: u32,
    pub output: u32,
    pub client_streaming: bool,
    pub server_streaming: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Symbol {
    Package,
    Message(u32),
    Enum(u32),
    EnumValue(u32),
    Service(u32),
    Extension(u32),
    Other,
}

#[derive(Clone, Default, Debug)]
pub(crate) struct PoolInner {
    pub files: Vec<FileEntry>,
    pub file_names: HashMap<String, u32>,
    pub messages: Vec<MessageEntry>,
    pub enums: Vec<EnumEntry>,
    pub extensions: Vec<FieldEntry>,
    pub services: Vec<ServiceEntry>,
    pub names: HashMap<String, Symbol>,
    /// Extension indexes per extended message, sorted by number.
    pub extensions_of: HashMap<u32, Vec<u32>>,
    /// The names the add in progress has put into `names`, so that a failed add can take
    /// them out again (empty between adds).
    pub added_names: Vec<String>,
}

impl PoolInner {
    pub fn message_proto(&self, index: u32) -> &DescriptorProto {
        let entry = &self.messages[index as usize];
        let file = &self.files[entry.file as usize].proto;
        let mut proto = &file.message_type[entry.path[0] as usize];
        for &i in &entry.path[1..] {
            proto = &proto.nested_type[i as usize];
        }
        proto
    }

    pub fn enum_proto(&self, index: u32) -> &EnumDescriptorProto {
        let entry = &self.enums[index as usize];
        match entry.parent {
            Some(m) => &self.message_proto(m).enum_type[entry.index as usize],
            None => &self.files[entry.file as usize].proto.enum_type[entry.index as usize],
        }
    }

    pub fn field_proto(&self, entry: &FieldEntry) -> &FieldDescriptorProto {
        match (entry.is_extension, entry.message) {
            (false, Some(m)) => &self.message_proto(m).field[entry.index as usize],
            (true, Some(m)) => &self.message_proto(m).extension[entry.index as usize],
            (_, None) => &self.files[entry.file as usize].proto.extension[entry.index as usize],
        }
    }

    /// The extension of message `extendee` with `number`.
    pub fn extension_by_number(&self, extendee: u32, number: u32) -> Option<u32> {
        let list = self.extensions_of.get(&extendee)?;
        list.binary_search_by_key(&number, |&e| self.extensions[e as usize].number)
            .ok()
            .map(|i| list[i])
    }
}
