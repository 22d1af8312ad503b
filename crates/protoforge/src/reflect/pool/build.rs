//! Adding files to a pool: ordering them by their imports, registering every name they
//! declare into the tables, and undoing a failed add.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use crate::__private::features::Features;
use crate::reflect::descriptors::Syntax;

use super::{
    DescriptorError, DescriptorPool, EnumEntry, EnumValueEntry, FieldEntry, FileEntry, KindIndex,
    MessageEntry, PoolInner, ServiceEntry, Symbol,
};

impl DescriptorPool {
    pub(super) fn add_files(
        &mut self,
        files: Vec<FileDescriptorProto>,
    ) -> Result<(), DescriptorError> {
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
pub(super) fn lenient_edition(edition: i32) -> i32 {
    edition.max(crate::descriptor::Edition::Legacy as i32)
}

fn file_syntax(file: &FileDescriptorProto) -> Syntax {
    match file.syntax.as_deref() {
        Some("proto3") => Syntax::Proto3,
        Some("editions") => Syntax::Editions(file.edition.map_or(0, |e| e as i32)),
        _ => Syntax::Proto2,
    }
}

pub(super) fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

pub(super) struct Builder<'a> {
    pub(super) inner: &'a mut PoolInner,
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
            cardinality: crate::reflect::Cardinality::Optional,
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
}
