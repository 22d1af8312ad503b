//! [`DescriptorPool`]: files added as `FileDescriptorProto`s, indexed into flat tables of
//! messages, fields, enums, extensions and services with every type name resolved and every
//! feature resolved, so that the handles in `descriptors` answer without searching and
//! cannot panic. Also the process-wide global pool that generated code registers into.

use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

use crate::Message;
use crate::descriptor::{FileDescriptorProto, FileDescriptorSet};

use super::descriptors::{
    EnumDescriptor, ExtensionDescriptor, FileDescriptor, MessageDescriptor, ServiceDescriptor,
};

mod build;
mod link;
mod tables;

pub(crate) use self::tables::{
    EnumEntry, EnumValueEntry, FieldEntry, FileEntry, KindIndex, MessageEntry, MethodEntry,
    OneofEntry, PoolInner, ServiceEntry, Symbol,
};

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
}

fn global_lock() -> &'static RwLock<DescriptorPool> {
    static GLOBAL: OnceLock<RwLock<DescriptorPool>> = OnceLock::new();
    GLOBAL.get_or_init(|| RwLock::new(DescriptorPool::new()))
}
