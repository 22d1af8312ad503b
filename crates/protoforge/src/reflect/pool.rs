//! [`DescriptorPool`]: files added as `FileDescriptorProto`s, indexed into flat tables of
//! messages, fields, enums, extensions and services with every type name resolved and every
//! feature resolved, so that the handles in `descriptors` answer without searching and
//! cannot panic. Also the process-wide global pool that generated code registers into.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock, RwLock};

use crate::Message;
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    FileDescriptorSet,
};
use crate::encoding::MAX_FIELD_NUMBER;

use super::descriptors::{
    EnumDescriptor, ExtensionDescriptor, FileDescriptor, MessageDescriptor, ServiceDescriptor,
    Syntax,
};
use super::value::Value;
use crate::__private::features::{Features, Presence};

/// A set of files with their types indexed by full name. Cheap to clone (an `Arc` inside).
#[derive(Clone, Default)]
pub struct DescriptorPool {
    pub(crate) inner: Arc<PoolInner>,
}

/// Why files could not be added to a pool: which file, and what is wrong.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DescriptorError {
    file: String,
    message: String,
}

impl DescriptorError {
    fn new(file: &str, message: impl Into<String>) -> Self {
        DescriptorError {
            file: file.to_owned(),
            message: message.into(),
        }
    }

    /// The name of the file at fault.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// What is wrong, without the file name.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DescriptorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for DescriptorError {}

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
    pub cardinality: super::Cardinality,
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

impl fmt::Debug for DescriptorPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DescriptorPool")
            .field(
                "files",
                &self
                    .inner
                    .files
                    .iter()
                    .map(|f| f.proto.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl DescriptorPool {
    /// An empty pool.
    pub fn new() -> Self {
        DescriptorPool::default()
    }

    /// Builds a pool from an encoded `FileDescriptorSet`; files may come in any order.
    pub fn decode(bytes: &[u8]) -> Result<Self, DescriptorError> {
        let mut pool = DescriptorPool::new();
        pool.add_encoded_file_descriptor_set(bytes)?;
        Ok(pool)
    }

    /// Builds a pool from a `FileDescriptorSet`; files may come in any order.
    pub fn from_file_descriptor_set(set: FileDescriptorSet) -> Result<Self, DescriptorError> {
        let mut pool = DescriptorPool::new();
        pool.add_file_descriptor_set(set)?;
        Ok(pool)
    }

    /// Adds every file of `set` (in any order; dependencies may be in the set or already in
    /// the pool). Files already present with the same content are skipped. On error the
    /// pool is unchanged.
    pub fn add_file_descriptor_set(
        &mut self,
        set: FileDescriptorSet,
    ) -> Result<(), DescriptorError> {
        self.add_files(set.file)
    }

    /// Adds one file whose dependencies are already in the pool.
    pub fn add_file_descriptor_proto(
        &mut self,
        file: FileDescriptorProto,
    ) -> Result<(), DescriptorError> {
        self.add_files(vec![file])
    }

    /// Decodes a `FileDescriptorSet` and adds its files. Files already present (same name,
    /// same content) are skipped, so generated code of several packages can add overlapping
    /// sets; a file with a known name and different content is an error.
    pub fn add_encoded_file_descriptor_set(&mut self, bytes: &[u8]) -> Result<(), DescriptorError> {
        let set = FileDescriptorSet::decode(bytes).map_err(|e| {
            DescriptorError::new("<FileDescriptorSet>", format!("invalid encoding: {e}"))
        })?;
        self.add_file_descriptor_set(set)
    }

    /// A snapshot of the process-wide pool that generated code registers into.
    pub fn global() -> DescriptorPool {
        let lock = global_lock();
        match lock.read() {
            Ok(pool) => pool.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Adds an encoded `FileDescriptorSet` to the global pool (files already there with the
    /// same content are skipped).
    pub fn add_to_global(bytes: &[u8]) -> Result<(), DescriptorError> {
        let lock = global_lock();
        let mut pool = match lock.write() {
            Ok(pool) => pool,
            Err(poisoned) => poisoned.into_inner(),
        };
        pool.add_encoded_file_descriptor_set(bytes)
    }

    /// Every file, in the order they were added (dependencies before dependents).
    pub fn files(&self) -> impl ExactSizeIterator<Item = FileDescriptor> + '_ {
        (0..self.inner.files.len() as u32).map(|i| FileDescriptor::new(self.clone(), i))
    }

    /// The file named `name`.
    pub fn get_file_by_name(&self, name: &str) -> Option<FileDescriptor> {
        let &i = self.inner.file_names.get(name)?;
        Some(FileDescriptor::new(self.clone(), i))
    }

    /// Every message, nested ones included, file by file in declaration order.
    pub fn all_messages(&self) -> impl Iterator<Item = MessageDescriptor> + '_ {
        (0..self.inner.messages.len() as u32).map(|i| MessageDescriptor::new(self.clone(), i))
    }

    /// Every enum, nested ones included.
    pub fn all_enums(&self) -> impl Iterator<Item = EnumDescriptor> + '_ {
        (0..self.inner.enums.len() as u32).map(|i| EnumDescriptor::new(self.clone(), i))
    }

    /// Every extension.
    pub fn all_extensions(&self) -> impl Iterator<Item = ExtensionDescriptor> + '_ {
        (0..self.inner.extensions.len() as u32).map(|i| ExtensionDescriptor::new(self.clone(), i))
    }

    /// Every service.
    pub fn services(&self) -> impl Iterator<Item = ServiceDescriptor> + '_ {
        (0..self.inner.services.len() as u32).map(|i| ServiceDescriptor::new(self.clone(), i))
    }

    fn symbol(&self, full_name: &str) -> Option<Symbol> {
        let name = full_name.strip_prefix('.').unwrap_or(full_name);
        self.inner.names.get(name).copied()
    }

    /// The message with this full name (`package.Outer.Inner`, no leading dot).
    pub fn get_message_by_name(&self, full_name: &str) -> Option<MessageDescriptor> {
        match self.symbol(full_name)? {
            Symbol::Message(i) => Some(MessageDescriptor::new(self.clone(), i)),
            _ => None,
        }
    }

    /// The enum with this full name.
    pub fn get_enum_by_name(&self, full_name: &str) -> Option<EnumDescriptor> {
        match self.symbol(full_name)? {
            Symbol::Enum(i) => Some(EnumDescriptor::new(self.clone(), i)),
            _ => None,
        }
    }

    /// The service with this full name.
    pub fn get_service_by_name(&self, full_name: &str) -> Option<ServiceDescriptor> {
        match self.symbol(full_name)? {
            Symbol::Service(i) => Some(ServiceDescriptor::new(self.clone(), i)),
            _ => None,
        }
    }

    /// The extension with this full name.
    pub fn get_extension_by_name(&self, full_name: &str) -> Option<ExtensionDescriptor> {
        match self.symbol(full_name)? {
            Symbol::Extension(i) => Some(ExtensionDescriptor::new(self.clone(), i)),
            _ => None,
        }
    }

    /// The extensions of the message named `extendee` (full name) known to the pool, in
    /// number order.
    pub fn get_extensions_for(
        &self,
        extendee: &str,
    ) -> impl Iterator<Item = ExtensionDescriptor> + '_ {
        let list: &[u32] = match self.symbol(extendee) {
            Some(Symbol::Message(m)) => {
                self.inner.extensions_of.get(&m).map_or(&[][..], |v| &v[..])
            }
            _ => &[],
        };
        list.iter()
            .map(move |&i| ExtensionDescriptor::new(self.clone(), i))
    }

    /// The extension of `extendee` with field number `number`.
    pub fn get_extension_by_number(
        &self,
        extendee: &MessageDescriptor,
        number: u32,
    ) -> Option<ExtensionDescriptor> {
        if !Arc::ptr_eq(&extendee.pool.inner, &self.inner) {
            let local = self.get_message_by_name(extendee.full_name())?;
            return self.get_extension_by_number(&local, number);
        }
        let i = self.inner.extension_by_number(extendee.index, number)?;
        Some(ExtensionDescriptor::new(self.clone(), i))
    }

    /// Every file of the pool as an encoded `FileDescriptorSet`.
    pub fn encode_file_descriptor_set(&self) -> Vec<u8> {
        let set = FileDescriptorSet {
            file: self.inner.files.iter().map(|f| f.proto.clone()).collect(),
            ..Default::default()
        };
        set.encode_to_vec()
    }

    fn add_files(&mut self, files: Vec<FileDescriptorProto>) -> Result<(), DescriptorError> {
        let mut fresh = Vec::new();
        let mut seen = HashSet::new();
        for file in files {
            if let Some(&existing) = self.inner.file_names.get(file.name()) {
                if self.inner.files[existing as usize].proto == file {
                    continue;
                }
                return Err(DescriptorError::new(
                    file.name(),
                    "a different file with this name is already in the pool",
                ));
            }
            if !seen.insert(file.name().to_owned()) {
                // The same file twice in one set: fine if identical.
                if fresh.contains(&file) {
                    continue;
                }
                return Err(DescriptorError::new(
                    file.name(),
                    "two different files with this name",
                ));
            }
            fresh.push(file);
        }
        if fresh.is_empty() {
            return Ok(());
        }
        let ordered = order_by_dependencies(&self.inner, fresh)?;
        // Adding works in place (copying the tables only when handles still share them), so
        // registering many files one at a time stays linear; a failed add is undone.
        let inner = Arc::make_mut(&mut self.inner);
        let mark = Mark::of(inner);
        let result = Self::add_ordered(inner, ordered, &mark);
        if result.is_err() {
            mark.undo(inner);
        }
        inner.added_names.clear();
        result
    }

    fn add_ordered(
        inner: &mut PoolInner,
        ordered: Vec<FileDescriptorProto>,
        mark: &Mark,
    ) -> Result<(), DescriptorError> {
        for file in ordered {
            Builder::register_file(inner, file)?;
        }
        let mut builder = Builder { inner };
        builder.resolve(mark.messages, mark.extensions, mark.services)
    }
}

/// The table sizes of a pool before an add, to undo it.
struct Mark {
    files: u32,
    messages: u32,
    enums: u32,
    extensions: u32,
    services: u32,
}

impl Mark {
    fn of(inner: &PoolInner) -> Mark {
        Mark {
            files: inner.files.len() as u32,
            messages: inner.messages.len() as u32,
            enums: inner.enums.len() as u32,
            extensions: inner.extensions.len() as u32,
            services: inner.services.len() as u32,
        }
    }

    /// Removes everything added since the mark was taken (this walks the file and
    /// extension indexes, which is fine on the error path).
    fn undo(&self, inner: &mut PoolInner) {
        for name in inner.added_names.drain(..) {
            inner.names.remove(&name);
        }
        inner.files.truncate(self.files as usize);
        inner.file_names.retain(|_, &mut i| i < self.files);
        inner.messages.truncate(self.messages as usize);
        inner.enums.truncate(self.enums as usize);
        inner.extensions.truncate(self.extensions as usize);
        inner.services.truncate(self.services as usize);
        inner.extensions_of.retain(|&extendee, list| {
            list.retain(|&e| e < self.extensions);
            extendee < self.messages && !list.is_empty()
        });
    }
}

fn global_lock() -> &'static RwLock<DescriptorPool> {
    static GLOBAL: OnceLock<RwLock<DescriptorPool>> = OnceLock::new();
    GLOBAL.get_or_init(|| RwLock::new(DescriptorPool::new()))
}

/// Orders `files` so that each comes after its dependencies; fails on a dependency that is
/// neither in the pool nor among `files`, and on cycles.
fn order_by_dependencies(
    inner: &PoolInner,
    files: Vec<FileDescriptorProto>,
) -> Result<Vec<FileDescriptorProto>, DescriptorError> {
    let index: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name().to_owned(), i))
        .collect();
    // 0 = not visited, 1 = in progress, 2 = done.
    let mut state = vec![0u8; files.len()];
    let mut order = Vec::with_capacity(files.len());
    for start in 0..files.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative depth-first search: (file, next dependency to look at).
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (file, ref mut next)) = stack.last_mut() {
            let deps = &files[file].dependency;
            if *next < deps.len() {
                let dep = &deps[*next];
                *next += 1;
                if let Some(&d) = index.get(dep.as_str()) {
                    match state[d] {
                        0 => {
                            state[d] = 1;
                            stack.push((d, 0));
                        }
                        1 => {
                            return Err(DescriptorError::new(
                                files[file].name(),
                                format!("import cycle through `{dep}`"),
                            ));
                        }
                        _ => {}
                    }
                } else if !inner.file_names.contains_key(dep.as_str()) {
                    return Err(DescriptorError::new(
                        files[file].name(),
                        format!("missing dependency `{dep}`"),
                    ));
                }
            } else {
                state[file] = 2;
                order.push(file);
                stack.pop();
            }
        }
    }
    let mut slots: Vec<Option<FileDescriptorProto>> = files.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// The edition whose defaults a file of `edition` starts from: editions before
/// `EDITION_LEGACY` (which protoc rejects) read as proto2.
fn lenient_edition(edition: i32) -> i32 {
    edition.max(crate::descriptor::Edition::Legacy as i32)
}

fn file_syntax(file: &FileDescriptorProto) -> Syntax {
    match file.syntax.as_deref() {
        Some("proto3") => Syntax::Proto3,
        Some("editions") => Syntax::Editions(file.edition.map_or(0, |e| e as i32)),
        _ => Syntax::Proto2,
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

struct Builder<'a> {
    inner: &'a mut PoolInner,
}

impl Builder<'_> {
    fn add_name(
        inner: &mut PoolInner,
        file: &str,
        name: String,
        symbol: Symbol,
    ) -> Result<(), DescriptorError> {
        match inner.names.get(&name) {
            None => {
                inner.added_names.push(name.clone());
                inner.names.insert(name, symbol);
                Ok(())
            }
            Some(Symbol::Package) if symbol == Symbol::Package => Ok(()),
            Some(_) => Err(DescriptorError::new(
                file,
                format!("`{name}` is already defined"),
            )),
        }
    }

    /// Adds the file and the names it declares; types are resolved later by `resolve`.
    fn register_file(
        inner: &mut PoolInner,
        proto: FileDescriptorProto,
    ) -> Result<(), DescriptorError> {
        let file_index = inner.files.len() as u32;
        let name = proto.name().to_owned();
        let package = proto.package().to_owned();
        if !package.is_empty() {
            let mut end = 0;
            for part in package.split('.') {
                if part.is_empty() {
                    return Err(DescriptorError::new(
                        &name,
                        format!("invalid package `{package}`"),
                    ));
                }
                end += part.len();
                Self::add_name(inner, &name, package[..end].to_owned(), Symbol::Package)?;
                end += 1;
            }
        }
        let mut dependencies = Vec::with_capacity(proto.dependency.len());
        for dep in &proto.dependency {
            match inner.file_names.get(dep.as_str()) {
                Some(&d) => dependencies.push(d),
                None => {
                    return Err(DescriptorError::new(
                        &name,
                        format!("missing dependency `{dep}`"),
                    ));
                }
            }
        }
        let syntax = file_syntax(&proto);
        let edition = match syntax {
            Syntax::Proto2 => crate::descriptor::Edition::Proto2 as i32,
            Syntax::Proto3 => crate::descriptor::Edition::Proto3 as i32,
            Syntax::Editions(e) => e,
        };
        let file_features = Features::for_edition(lenient_edition(edition))
            .overlay(proto.options.as_ref().and_then(|o| o.features.as_ref()));
        let mut entry = FileEntry {
            proto: FileDescriptorProto::default(),
            syntax,
            dependencies,
            messages: Vec::new(),
            enums: Vec::new(),
            services: Vec::new(),
            extensions: Vec::new(),
        };
        for (i, message) in proto.message_type.iter().enumerate() {
            let m = Self::register_message(
                inner,
                &name,
                file_index,
                &package,
                &package,
                None,
                vec![i as u32],
                message,
                file_features,
            )?;
            entry.messages.push(m);
        }
        for (i, e) in proto.enum_type.iter().enumerate() {
            let idx = Self::register_enum(
                inner,
                &name,
                file_index,
                &package,
                None,
                i as u32,
                e,
                file_features,
            )?;
            entry.enums.push(idx);
        }
        for (i, service) in proto.service.iter().enumerate() {
            let full_name = join(&package, service.name());
            let index = inner.services.len() as u32;
            Self::add_name(inner, &name, full_name.clone(), Symbol::Service(index))?;
            inner.services.push(ServiceEntry {
                name_start: full_name.len() - service.name().len(),
                full_name,
                file: file_index,
                index: i as u32,
                methods: Vec::new(),
            });
            entry.services.push(index);
        }
        for (i, ext) in proto.extension.iter().enumerate() {
            let idx =
                Self::register_extension(inner, &name, file_index, &package, None, i as u32, ext)?;
            entry.extensions.push(idx);
        }
        entry.proto = proto;
        inner.file_names.insert(name, file_index);
        inner.files.push(entry);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // One call site per nesting level; a struct would only rename them.
    fn register_message(
        inner: &mut PoolInner,
        file: &str,
        file_index: u32,
        package: &str,
        scope: &str,
        parent: Option<u32>,
        path: Vec<u32>,
        proto: &DescriptorProto,
        parent_features: Features,
    ) -> Result<u32, DescriptorError> {
        let full_name = join(scope, proto.name());
        if proto.name().is_empty() {
            return Err(DescriptorError::new(
                file,
                format!("a message in `{scope}` has no name"),
            ));
        }
        let index = inner.messages.len() as u32;
        Self::add_name(inner, file, full_name.clone(), Symbol::Message(index))?;
        let options = proto.options.as_ref();
        let features = parent_features.overlay(options.and_then(|o| o.features.as_ref()));
        let extension_ranges = proto
            .extension_range
            .iter()
            .map(|r| r.start().max(0) as u32..r.end().max(0) as u32)
            .collect();
        inner.messages.push(MessageEntry {
            name_start: full_name.len() - proto.name().len(),
            package_len: package.len(),
            full_name: full_name.clone(),
            file: file_index,
            parent,
            path: path.clone(),
            fields: Vec::new(),
            by_number: Vec::new(),
            by_name: HashMap::new(),
            by_json_name: HashMap::new(),
            oneofs: Vec::new(),
            messages: Vec::new(),
            enums: Vec::new(),
            extensions: Vec::new(),
            map_entry: options.and_then(|o| o.map_entry).unwrap_or(false),
            message_set: options
                .and_then(|o| o.message_set_wire_format)
                .unwrap_or(false),
            extension_ranges,
            features,
        });
        let mut children = Vec::with_capacity(proto.nested_type.len());
        for (i, nested) in proto.nested_type.iter().enumerate() {
            let mut child_path = path.clone();
            child_path.push(i as u32);
            children.push(Self::register_message(
                inner,
                file,
                file_index,
                package,
                &full_name,
                Some(index),
                child_path,
                nested,
                features,
            )?);
        }
        let mut enums = Vec::with_capacity(proto.enum_type.len());
        for (i, e) in proto.enum_type.iter().enumerate() {
            enums.push(Self::register_enum(
                inner,
                file,
                file_index,
                &full_name,
                Some(index),
                i as u32,
                e,
                features,
            )?);
        }
        let mut extensions = Vec::with_capacity(proto.extension.len());
        for (i, ext) in proto.extension.iter().enumerate() {
            extensions.push(Self::register_extension(
                inner,
                file,
                file_index,
                &full_name,
                Some(index),
                i as u32,
                ext,
            )?);
        }
        for oneof in &proto.oneof_decl {
            Self::add_name(inner, file, join(&full_name, oneof.name()), Symbol::Other)?;
        }
        for field in &proto.field {
            Self::add_name(inner, file, join(&full_name, field.name()), Symbol::Other)?;
        }
        let entry = &mut inner.messages[index as usize];
        entry.messages = children;
        entry.enums = enums;
        entry.extensions = extensions;
        Ok(index)
    }

    #[allow(clippy::too_many_arguments)] // Mirrors register_message.
    fn register_enum(
        inner: &mut PoolInner,
        file: &str,
        file_index: u32,
        scope: &str,
        parent: Option<u32>,
        index_in_parent: u32,
        proto: &EnumDescriptorProto,
        parent_features: Features,
    ) -> Result<u32, DescriptorError> {
        let full_name = join(scope, proto.name());
        let index = inner.enums.len() as u32;
        Self::add_name(inner, file, full_name.clone(), Symbol::Enum(index))?;
        if proto.value.is_empty() {
            return Err(DescriptorError::new(
                file,
                format!("enum `{full_name}` has no values"),
            ));
        }
        let features =
            parent_features.overlay(proto.options.as_ref().and_then(|o| o.features.as_ref()));
        let mut values = Vec::with_capacity(proto.value.len());
        let mut by_number: Vec<(i32, u32)> = Vec::with_capacity(proto.value.len());
        for (i, value) in proto.value.iter().enumerate() {
            // Enum values are siblings of their enum, as in C++ scoping.
            let value_name = join(scope, value.name());
            Self::add_name(inner, file, value_name.clone(), Symbol::EnumValue(index))?;
            values.push(EnumValueEntry {
                name: value.name().to_owned(),
                full_name: value_name,
                number: value.number(),
            });
            by_number.push((value.number(), i as u32));
        }
        // A stable sort keeps the first declared alias first; dedup keeps it.
        by_number.sort_by_key(|&(n, _)| n);
        by_number.dedup_by_key(|&mut (n, _)| n);
        inner.enums.push(EnumEntry {
            name_start: full_name.len() - proto.name().len(),
            full_name,
            file: file_index,
            parent,
            index: index_in_parent,
            values,
            by_number,
            closed: features.closed_enum,
        });
        Ok(index)
    }

    fn register_extension(
        inner: &mut PoolInner,
        file: &str,
        file_index: u32,
        scope: &str,
        message: Option<u32>,
        index_in_scope: u32,
        proto: &FieldDescriptorProto,
    ) -> Result<u32, DescriptorError> {
        let full_name = join(scope, proto.name());
        let index = inner.extensions.len() as u32;
        Self::add_name(inner, file, full_name.clone(), Symbol::Extension(index))?;
        inner.extensions.push(FieldEntry {
            name: proto.name().to_owned(),
            json_name: format!("[{full_name}]"),
            full_name,
            number: 0,
            kind: KindIndex::Bool,
            cardinality: super::Cardinality::Optional,
            is_map: false,
            packed: false,
            group: false,
            presence: true,
            verify_utf8: false,
            oneof: None,
            message,
            extendee: None,
            is_extension: true,
            file: file_index,
            index: index_in_scope,
            default: None,
        });
        Ok(index)
    }

    /// Resolves the types of the fields, extensions and methods added since the given
    /// indexes, and builds the per-message field tables.
    fn resolve(
        &mut self,
        first_message: u32,
        first_extension: u32,
        first_service: u32,
    ) -> Result<(), DescriptorError> {
        for m in first_message..self.inner.messages.len() as u32 {
            self.resolve_message(m)?;
        }
        for m in first_message..self.inner.messages.len() as u32 {
            self.check_map_entry_fields(m)?;
        }
        for e in first_extension..self.inner.extensions.len() as u32 {
            self.resolve_extension(e)?;
        }
        for s in first_service..self.inner.services.len() as u32 {
            self.resolve_service(s)?;
        }
        Ok(())
    }

    fn file_name(&self, file: u32) -> String {
        self.inner.files[file as usize].proto.name().to_owned()
    }

    /// Looks up `type_name` as protoc would from within `scope`: a leading dot means fully
    /// qualified; otherwise the innermost enclosing scope that has the name wins.
    fn lookup(&self, scope: &str, type_name: &str) -> Option<Symbol> {
        if let Some(full) = type_name.strip_prefix('.') {
            return self.inner.names.get(full).copied();
        }
        let first = type_name.split('.').next().unwrap_or(type_name);
        let mut scope = scope;
        loop {
            let candidate = join(scope, first);
            if self.inner.names.contains_key(&candidate) {
                let full = join(scope, type_name);
                return self.inner.names.get(&full).copied();
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rfind('.').map_or("", |i| &scope[..i]);
        }
    }

    fn resolve_kind(
        &self,
        file: u32,
        scope: &str,
        field: &FieldDescriptorProto,
        owner: &str,
    ) -> Result<KindIndex, DescriptorError> {
        let bad = |message: String| DescriptorError::new(&self.file_name(file), message);
        let named = || -> Result<Symbol, DescriptorError> {
            let type_name = field
                .type_name
                .as_deref()
                .ok_or_else(|| bad(format!("field `{owner}` has no type name")))?;
            self.lookup(scope, type_name)
                .ok_or_else(|| bad(format!("field `{owner}`: unknown type `{type_name}`")))
        };
        Ok(match field.r#type {
            Some(Type::Double) => KindIndex::Double,
            Some(Type::Float) => KindIndex::Float,
            Some(Type::Int64) => KindIndex::Int64,
            Some(Type::Uint64) => KindIndex::Uint64,
            Some(Type::Int32) => KindIndex::Int32,
            Some(Type::Fixed64) => KindIndex::Fixed64,
            Some(Type::Fixed32) => KindIndex::Fixed32,
            Some(Type::Bool) => KindIndex::Bool,
            Some(Type::String) => KindIndex::String,
            Some(Type::Bytes) => KindIndex::Bytes,
            Some(Type::Uint32) => KindIndex::Uint32,
            Some(Type::Sfixed32) => KindIndex::Sfixed32,
            Some(Type::Sfixed64) => KindIndex::Sfixed64,
            Some(Type::Sint32) => KindIndex::Sint32,
            Some(Type::Sint64) => KindIndex::Sint64,
            Some(Type::Message | Type::Group) => match named()? {
                Symbol::Message(m) => KindIndex::Message(m),
                _ => return Err(bad(format!("field `{owner}`: type is not a message"))),
            },
            Some(Type::Enum) => match named()? {
                Symbol::Enum(e) => KindIndex::Enum(e),
                _ => return Err(bad(format!("field `{owner}`: type is not an enum"))),
            },
            None => match named()? {
                Symbol::Message(m) => KindIndex::Message(m),
                Symbol::Enum(e) => KindIndex::Enum(e),
                _ => {
                    return Err(bad(format!(
                        "field `{owner}`: type is not a message or enum"
                    )));
                }
            },
        })
    }

    /// The resolved field entry for `proto` (a field of message `message`, or an extension
    /// declared in scope `message`).
    #[allow(clippy::too_many_arguments)] // Shared by fields and extensions.
    fn field_entry(
        &self,
        file: u32,
        scope: &str,
        message: Option<u32>,
        parent_features: Features,
        proto: &FieldDescriptorProto,
        index: u32,
        is_extension: bool,
    ) -> Result<FieldEntry, DescriptorError> {
        let full_name = join(scope, proto.name());
        let bad = |message: String| DescriptorError::new(&self.file_name(file), message);
        let number = proto.number();
        if number <= 0 || number as u32 > MAX_FIELD_NUMBER {
            return Err(bad(format!(
                "field `{full_name}` has invalid number {number}"
            )));
        }
        let kind = self.resolve_kind(file, scope, proto, &full_name)?;
        let syntax = self.inner.files[file as usize].syntax;
        let mut features =
            parent_features.overlay(proto.options.as_ref().and_then(|o| o.features.as_ref()));
        match syntax {
            Syntax::Proto2 => features = features.infer_legacy(proto, false),
            Syntax::Proto3 => features = features.infer_legacy(proto, true),
            Syntax::Editions(_) => {}
        }
        let repeated = proto.label == Some(Label::Repeated);
        let message_kind = match kind {
            KindIndex::Message(m) => Some(m),
            _ => None,
        };
        let target_is_map_entry =
            message_kind.is_some_and(|m| self.inner.messages[m as usize].map_entry);
        let is_map = repeated && target_is_map_entry && !is_extension;
        let cardinality = if repeated {
            super::Cardinality::Repeated
        } else if proto.label == Some(Label::Required)
            || features.presence == Presence::LegacyRequired
        {
            super::Cardinality::Required
        } else {
            super::Cardinality::Optional
        };
        let in_oneof = proto.oneof_index.is_some() && !is_extension;
        let presence = !repeated
            && (is_extension
                || message_kind.is_some()
                || in_oneof
                || features.presence != Presence::Implicit);
        // Map entries and the fields inside them are always length-prefixed, as in protoc.
        let in_map_entry =
            !is_extension && message.is_some_and(|m| self.inner.messages[m as usize].map_entry);
        let group = message_kind.is_some()
            && (proto.r#type == Some(Type::Group)
                || (features.delimited && !target_is_map_entry && !in_map_entry));
        let default = match &proto.default_value {
            Some(text) if !repeated => Some(self.parse_default(file, &full_name, kind, text)?),
            _ => None,
        };
        let json_name = if is_extension {
            format!("[{full_name}]")
        } else {
            proto
                .json_name
                .clone()
                .unwrap_or_else(|| crate::__private::naming::to_json_name(proto.name()))
        };
        Ok(FieldEntry {
            name: proto.name().to_owned(),
            full_name,
            json_name,
            number: number as u32,
            kind,
            cardinality,
            is_map,
            packed: repeated && kind.is_packable() && features.packed,
            group,
            presence,
            verify_utf8: kind == KindIndex::String && features.verify_utf8,
            oneof: if is_extension {
                None
            } else {
                proto.oneof_index.map(|i| i as u32)
            },
            message,
            extendee: None,
            is_extension,
            file,
            index,
            default,
        })
    }

    fn parse_default(
        &self,
        file: u32,
        field: &str,
        kind: KindIndex,
        text: &str,
    ) -> Result<Value, DescriptorError> {
        let bad = || {
            DescriptorError::new(
                &self.file_name(file),
                format!("field `{field}` has invalid default `{text}`"),
            )
        };
        fn float(text: &str) -> Option<f64> {
            match text {
                "inf" => Some(f64::INFINITY),
                "-inf" => Some(f64::NEG_INFINITY),
                "nan" | "-nan" => Some(f64::NAN),
                _ => text.parse().ok(),
            }
        }
        Ok(match kind {
            KindIndex::Double => Value::F64(float(text).ok_or_else(bad)?),
            KindIndex::Float => Value::F32(float(text).ok_or_else(bad)? as f32),
            KindIndex::Int32 | KindIndex::Sint32 | KindIndex::Sfixed32 => {
                Value::I32(text.parse().map_err(|_| bad())?)
            }
            KindIndex::Int64 | KindIndex::Sint64 | KindIndex::Sfixed64 => {
                Value::I64(text.parse().map_err(|_| bad())?)
            }
            KindIndex::Uint32 | KindIndex::Fixed32 => Value::U32(text.parse().map_err(|_| bad())?),
            KindIndex::Uint64 | KindIndex::Fixed64 => Value::U64(text.parse().map_err(|_| bad())?),
            KindIndex::Bool => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(bad()),
            },
            KindIndex::String => Value::String(text.to_owned()),
            KindIndex::Bytes => Value::Bytes(bytes::Bytes::from(
                crate::__private::c_format::c_unescape(text),
            )),
            KindIndex::Enum(e) => {
                let entry = &self.inner.enums[e as usize];
                let value = entry
                    .values
                    .iter()
                    .find(|v| v.name == text)
                    .ok_or_else(bad)?;
                Value::EnumNumber(value.number)
            }
            KindIndex::Message(_) => return Err(bad()),
        })
    }

    fn resolve_message(&mut self, m: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.messages[m as usize];
        let file = entry.file;
        let full_name = entry.full_name.clone();
        let features = entry.features;
        let proto = self.inner.message_proto(m).clone();
        let mut oneofs: Vec<OneofEntry> = proto
            .oneof_decl
            .iter()
            .map(|o| OneofEntry {
                name: o.name().to_owned(),
                full_name: join(&full_name, o.name()),
                fields: Vec::new(),
                synthetic: false,
            })
            .collect();
        let mut fields = Vec::with_capacity(proto.field.len());
        for (i, field) in proto.field.iter().enumerate() {
            // A field in a oneof takes the oneof's features as its parent's.
            let oneof_features = field
                .oneof_index
                .and_then(|o| proto.oneof_decl.get(o as usize))
                .map_or(features, |o| {
                    features.overlay(o.options.as_ref().and_then(|o| o.features.as_ref()))
                });
            let entry = self.field_entry(
                file,
                &full_name,
                Some(m),
                oneof_features,
                field,
                i as u32,
                false,
            )?;
            if let Some(o) = entry.oneof {
                let Some(oneof) = oneofs.get_mut(o as usize) else {
                    return Err(DescriptorError::new(
                        &self.file_name(file),
                        format!("field `{}` has an invalid oneof index", entry.full_name),
                    ));
                };
                oneof.fields.push(i as u32);
                if field.proto3_optional == Some(true) {
                    oneof.synthetic = true;
                }
            }
            fields.push(entry);
        }
        if let Some(empty) = oneofs.iter().find(|o| o.fields.is_empty()) {
            return Err(DescriptorError::new(
                &self.file_name(file),
                format!("oneof `{}` has no fields", empty.full_name),
            ));
        }
        let mut by_number: Vec<(u32, u32)> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.number, i as u32))
            .collect();
        by_number.sort_unstable();
        if let Some(w) = by_number.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(DescriptorError::new(
                &self.file_name(file),
                format!("message `{full_name}` uses field number {} twice", w[0].0),
            ));
        }
        let by_name = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i as u32))
            .collect();
        let mut by_json_name = HashMap::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            by_json_name.entry(f.json_name.clone()).or_insert(i as u32);
        }
        let entry = &mut self.inner.messages[m as usize];
        entry.fields = fields;
        entry.by_number = by_number;
        entry.by_name = by_name;
        entry.by_json_name = by_json_name;
        entry.oneofs = oneofs;
        Ok(())
    }

    fn check_map_entry_fields(&self, m: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.messages[m as usize];
        if !entry.map_entry {
            return Ok(());
        }
        let has = |n: u32| {
            entry
                .by_number
                .binary_search_by_key(&n, |&(num, _)| num)
                .ok()
                .map(|i| &entry.fields[entry.by_number[i].1 as usize])
        };
        let key_ok = has(1).is_some_and(|k| {
            k.cardinality != super::Cardinality::Repeated
                && !matches!(
                    k.kind,
                    KindIndex::Message(_)
                        | KindIndex::Enum(_)
                        | KindIndex::Bytes
                        | KindIndex::Float
                        | KindIndex::Double
                )
        });
        let value_ok = has(2).is_some_and(|v| v.cardinality != super::Cardinality::Repeated);
        if key_ok && value_ok && entry.fields.len() == 2 {
            Ok(())
        } else {
            Err(DescriptorError::new(
                &self.file_name(entry.file),
                format!(
                    "map entry `{}` needs a scalar key 1 and a value 2",
                    entry.full_name
                ),
            ))
        }
    }

    fn resolve_extension(&mut self, e: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.extensions[e as usize];
        let (file, scope_message, index) = (entry.file, entry.message, entry.index);
        let proto = self.inner.field_proto(entry).clone();
        let (scope, features) = match scope_message {
            Some(m) => {
                let me = &self.inner.messages[m as usize];
                (me.full_name.clone(), me.features)
            }
            None => {
                let f = &self.inner.files[file as usize];
                let edition = match f.syntax {
                    Syntax::Proto2 => crate::descriptor::Edition::Proto2 as i32,
                    Syntax::Proto3 => crate::descriptor::Edition::Proto3 as i32,
                    Syntax::Editions(e) => e,
                };
                let features = Features::for_edition(lenient_edition(edition))
                    .overlay(f.proto.options.as_ref().and_then(|o| o.features.as_ref()));
                (f.proto.package().to_owned(), features)
            }
        };
        let mut resolved =
            self.field_entry(file, &scope, scope_message, features, &proto, index, true)?;
        let extendee_name = proto.extendee.as_deref().unwrap_or("");
        let extendee = match self.lookup(&scope, extendee_name) {
            Some(Symbol::Message(m)) => m,
            _ => {
                return Err(DescriptorError::new(
                    &self.file_name(file),
                    format!(
                        "extension `{}`: unknown extendee `{extendee_name}`",
                        resolved.full_name
                    ),
                ));
            }
        };
        resolved.extendee = Some(extendee);
        let number = resolved.number;
        let list = self.inner.extensions_of.entry(extendee).or_default();
        let extensions = &self.inner.extensions;
        match list.binary_search_by_key(&number, |&x| extensions[x as usize].number) {
            Ok(_) => {
                return Err(DescriptorError::new(
                    &self.file_name(file),
                    format!(
                        "extension `{}`: number {number} of `{}` is already used",
                        resolved.full_name, self.inner.messages[extendee as usize].full_name
                    ),
                ));
            }
            Err(at) => {
                // The entry is filled in before it is found by number below.
                self.inner.extensions[e as usize] = resolved;
                let list = self.inner.extensions_of.entry(extendee).or_default();
                list.insert(at, e);
            }
        }
        Ok(())
    }

    fn resolve_service(&mut self, s: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.services[s as usize];
        let file = entry.file;
        let full_name = entry.full_name.clone();
        let proto = &self.inner.files[file as usize].proto.service[entry.index as usize];
        let package = self.inner.files[file as usize].proto.package().to_owned();
        let mut methods = Vec::with_capacity(proto.method.len());
        for method in &proto.method {
            let find = |name: Option<&str>| match self.lookup(&package, name.unwrap_or("")) {
                Some(Symbol::Message(m)) => Ok(m),
                _ => Err(DescriptorError::new(
                    &self.file_name(file),
                    format!(
                        "method `{full_name}.{}`: unknown message `{}`",
                        method.name(),
                        name.unwrap_or("")
                    ),
                )),
            };
            methods.push(MethodEntry {
                name: method.name().to_owned(),
                full_name: join(&full_name, method.name()),
                input: find(method.input_type.as_deref())?,
                output: find(method.output_type.as_deref())?,
                client_streaming: method.client_streaming.unwrap_or(false),
                server_streaming: method.server_streaming.unwrap_or(false),
            });
        }
        self.inner.services[s as usize].methods = methods;
        Ok(())
    }
}
