//! The [`Pool`]: an index over the descriptors of one run. It maps every fully qualified type
//! name to its descriptor, file, resolved features and Rust name and module, resolves
//! editions features per scope, finds map entries, and decides where recursion needs `Box`.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use proc_macro2::TokenStream;
pub(crate) use protoforge::__private::features::{Features, Presence};
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{
    DescriptorProto, Edition, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    FileDescriptorSet,
};
use quote::quote;

use crate::Error;
use crate::config::Config;
use crate::names::{Scope, camel, escape, ident, snake};

/// A message or an enum.
#[derive(Clone, Copy)]
pub(crate) enum Kind<'a> {
    Message(&'a DescriptorProto),
    Enum(&'a EnumDescriptorProto),
}

/// Everything known about one named type.
pub(crate) struct TypeInfo<'a> {
    pub(crate) kind: Kind<'a>,
    /// Index of the defining file in [`Pool::files`].
    pub(crate) file: usize,
    /// Module path (escaped segments from the root of the generated tree) of the module the
    /// type is declared in.
    pub(crate) module: Vec<String>,
    /// The escaped Rust type name.
    pub(crate) rust_name: String,
    /// For messages, the escaped name of the module holding its nested types and oneofs.
    pub(crate) nested_module: String,
    /// For messages, the features of the message scope; for enums, of the enum itself.
    pub(crate) features: Features,
    /// The SourceCodeInfo path of the declaration.
    pub(crate) source_path: Vec<i32>,
    /// For messages, the escaped Rust names of its oneof enums, by oneof index.
    pub(crate) oneof_names: Vec<String>,
}

/// The index over one run's descriptors.
pub(crate) struct Pool<'a> {
    pub(crate) files: Vec<&'a FileDescriptorProto>,
    /// The index in [`Pool::files`] of each file name (the first file of that name).
    file_indices: HashMap<&'a str, usize>,
    pub(crate) types: HashMap<String, TypeInfo<'a>>,
    generated: HashSet<String>,
    config: &'a Config,
    runtime: TokenStream,
    /// For [`Pool::needs_box`]: the strongly connected component of each message in the graph
    /// of singular message fields, computed on first use.
    components: OnceCell<HashMap<String, usize>>,
}

impl<'a> Pool<'a> {
    /// Indexes `set`; `files_to_generate` are the files whose code will be emitted.
    pub(crate) fn new(
        set: &'a FileDescriptorSet,
        files_to_generate: &[String],
        config: &'a Config,
        runtime: TokenStream,
    ) -> Result<Pool<'a>, Error> {
        let mut file_indices = HashMap::new();
        for (index, file) in set.file.iter().enumerate() {
            crate::validate::check_names(file)?;
            file_indices.entry(file.name()).or_insert(index);
        }
        let mut pool = Pool {
            files: set.file.iter().collect(),
            file_indices,
            types: HashMap::new(),
            generated: files_to_generate.iter().cloned().collect(),
            config,
            runtime,
            components: OnceCell::new(),
        };
        for name in files_to_generate {
            if pool.file_index(name).is_none() {
                return Err(Error::new(format!(
                    "file `{name}` is not in the descriptor set"
                )));
            }
        }
        // Child package segments are module names in their parent package's scope.
        let mut packages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, file) in set.file.iter().enumerate() {
            packages
                .entry(file.package().to_string())
                .or_default()
                .push(index);
        }
        let package_names: Vec<String> = packages.keys().cloned().collect();
        for (package, file_indices) in &packages {
            let module = package_module(package);
            let mut reserved: Vec<String> = Vec::new();
            for other in &package_names {
                let child = if package.is_empty() {
                    Some(other.as_str())
                } else {
                    other
                        .strip_prefix(package.as_str())
                        .and_then(|rest| rest.strip_prefix('.'))
                };
                if let Some(child) = child.filter(|c| !c.is_empty()) {
                    let first = child.split('.').next().unwrap_or(child);
                    reserved.push(escape(&snake(first)));
                }
            }
            let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
            let mut scope = Scope::with_reserved(&reserved);
            let prefix = if package.is_empty() {
                String::new()
            } else {
                format!(".{package}")
            };
            // Types first, in declaration order, so they keep their plain names.
            let mut messages = Vec::new();
            for &file_index in file_indices {
                let file = pool.files[file_index];
                let features = file_features(file);
                for (i, message) in file.message_type.iter().enumerate() {
                    messages.push((file_index, message, features, vec![4, i as i32]));
                }
                for (i, enumeration) in file.enum_type.iter().enumerate() {
                    let features = features.overlay(
                        enumeration
                            .options
                            .as_ref()
                            .and_then(|o| o.features.as_ref()),
                    );
                    let full_name = format!("{prefix}.{}", enumeration.name());
                    pool.types.insert(
                        full_name,
                        TypeInfo {
                            kind: Kind::Enum(enumeration),
                            file: file_index,
                            module: module.clone(),
                            rust_name: String::new(),
                            nested_module: String::new(),
                            features,
                            source_path: vec![5, i as i32],
                            oneof_names: Vec::new(),
                        },
                    );
                }
            }
            pool.add_scope(&prefix, &module, &mut scope, messages, file_indices)?;
        }
        Ok(pool)
    }

    /// The resolved features of `field` inside a message with `scope` features, declared in
    /// file `file`.
    pub(crate) fn field_features(
        &self,
        file: usize,
        message: &DescriptorProto,
        field: &FieldDescriptorProto,
        scope: Features,
    ) -> Features {
        let mut features = scope;
        if let Some(index) = field.oneof_index {
            let oneof = message.oneof_decl.get(index as usize);
            features = features.overlay(
                oneof
                    .and_then(|o| o.options.as_ref())
                    .and_then(|o| o.features.as_ref()),
            );
        }
        features = self.declared_field_features(file, field, features);
        if matches!(field.r#type(), Type::Message | Type::Group)
            && features.presence == Presence::Implicit
        {
            features.presence = Presence::Explicit;
        }
        features
    }

    /// `features` with the field's own `features` laid over them and, in a proto2 or proto3
    /// file, protoc's legacy inference for it.
    pub(crate) fn declared_field_features(
        &self,
        file: usize,
        field: &FieldDescriptorProto,
        features: Features,
    ) -> Features {
        let features = features.overlay(field.options.as_ref().and_then(|o| o.features.as_ref()));
        match self
            .files
            .get(file)
            .and_then(|f| protoforge::__private::features::legacy_syntax(f))
        {
            Some(proto3) => features.infer_legacy(field, proto3),
            None => features,
        }
    }

    /// Names the messages of a package scope (recursively with their nested types) and the
    /// package-level enums already inserted.
    fn add_scope(
        &mut self,
        prefix: &str,
        module: &[String],
        scope: &mut Scope,
        messages: Vec<(usize, &'a DescriptorProto, Features, Vec<i32>)>,
        package_files: &[usize],
    ) -> Result<(), Error> {
        let mut enums: Vec<String> = Vec::new();
        for &file_index in package_files {
            for enumeration in &self.files[file_index].enum_type {
                enums.push(format!("{prefix}.{}", enumeration.name()));
            }
        }
        self.add_messages(prefix, module, scope, messages, &enums)
    }

    /// Names `messages` and the already inserted `enums` of one scope, then recurses into
    /// each message's nested module.
    fn add_messages(
        &mut self,
        prefix: &str,
        module: &[String],
        scope: &mut Scope,
        messages: Vec<(usize, &'a DescriptorProto, Features, Vec<i32>)>,
        enums: &[String],
    ) -> Result<(), Error> {
        let mut inserted = Vec::new();
        for (file_index, message, scope_features, source_path) in messages {
            let full_name = format!("{prefix}.{}", message.name());
            let features =
                scope_features.overlay(message.options.as_ref().and_then(|o| o.features.as_ref()));
            if self.types.contains_key(&full_name) {
                return Err(Error::new(format!("duplicate type `{full_name}`")));
            }
            let rust_name = scope.alloc(&camel(message.name()));
            self.types.insert(
                full_name.clone(),
                TypeInfo {
                    kind: Kind::Message(message),
                    file: file_index,
                    module: module.to_vec(),
                    rust_name,
                    nested_module: String::new(),
                    features,
                    source_path,
                    oneof_names: Vec::new(),
                },
            );
            inserted.push(full_name);
        }
        for full_name in enums {
            if let Some(info) = self.types.get_mut(full_name) {
                info.rust_name = scope.alloc(&camel(short_name(full_name)));
            }
        }
        // Then the modules of messages, after all type names of the scope are taken.
        for full_name in inserted {
            let Some(info) = self.types.get(&full_name) else {
                continue;
            };
            let Kind::Message(message) = info.kind else {
                continue;
            };
            let (file_index, features, source_path) =
                (info.file, info.features, info.source_path.clone());
            let nested_module = scope.alloc(&snake(message.name()));
            let mut inner_module = module.to_vec();
            inner_module.push(nested_module.clone());
            let mut inner = Scope::default();
            // Nested enums.
            let mut order = Vec::new();
            for (i, enumeration) in message.enum_type.iter().enumerate() {
                let enum_name = format!("{full_name}.{}", enumeration.name());
                let mut path = source_path.clone();
                path.extend([4, i as i32]);
                self.types.insert(
                    enum_name.clone(),
                    TypeInfo {
                        kind: Kind::Enum(enumeration),
                        file: file_index,
                        module: inner_module.clone(),
                        rust_name: String::new(),
                        nested_module: String::new(),
                        features: features.overlay(
                            enumeration
                                .options
                                .as_ref()
                                .and_then(|o| o.features.as_ref()),
                        ),
                        source_path: path,
                        oneof_names: Vec::new(),
                    },
                );
                order.push(enum_name);
            }
            let nested: Vec<_> = message
                .nested_type
                .iter()
                .enumerate()
                .map(|(i, nested)| {
                    let mut path = source_path.clone();
                    path.extend([3, i as i32]);
                    (file_index, nested, features, path)
                })
                .collect();
            // Oneof enums share the nested module's type namespace; real oneofs only.
            let mut reserved_oneofs = Vec::new();
            self.add_messages(&full_name, &inner_module, &mut inner, nested, &order)?;
            for (index, oneof) in message.oneof_decl.iter().enumerate() {
                let synthetic = message
                    .field
                    .iter()
                    .any(|f| f.oneof_index == Some(index as i32) && f.proto3_optional());
                reserved_oneofs.push(if synthetic {
                    String::new()
                } else {
                    inner.alloc(&camel(oneof.name()))
                });
            }
            if let Some(info) = self.types.get_mut(&full_name) {
                info.nested_module = nested_module;
                info.oneof_names = reserved_oneofs;
            }
        }
        Ok(())
    }

    /// Whether the file called `name` is being generated.
    /// The index in [`Pool::files`] of the file called `name`.
    pub(crate) fn file_index(&self, name: &str) -> Option<usize> {
        self.file_indices.get(name).copied()
    }

    pub(crate) fn is_generated(&self, file: usize) -> bool {
        self.files
            .get(file)
            .is_some_and(|f| self.generated.contains(f.name()))
    }

    /// The type called `full_name` (leading dot).
    pub(crate) fn get(&self, full_name: &str) -> Result<&TypeInfo<'a>, Error> {
        self.types
            .get(full_name)
            .ok_or_else(|| Error::new(format!("unknown type `{full_name}`")))
    }

    /// The message called `full_name`.
    pub(crate) fn message(&self, full_name: &str) -> Result<&'a DescriptorProto, Error> {
        match self.get(full_name)?.kind {
            Kind::Message(message) => Ok(message),
            Kind::Enum(_) => Err(Error::new(format!(
                "`{full_name}` is an enum, not a message"
            ))),
        }
    }

    /// The map entry message of `field`, if it is a map field.
    pub(crate) fn map_entry(
        &self,
        field: &FieldDescriptorProto,
    ) -> Option<(&'a FieldDescriptorProto, &'a FieldDescriptorProto)> {
        if field.label() != Label::Repeated || field.r#type() != Type::Message {
            return None;
        }
        let entry = self.message(field.type_name()).ok()?;
        if !entry.options.as_ref().is_some_and(|o| o.map_entry()) {
            return None;
        }
        let key = entry.field.iter().find(|f| f.number() == 1)?;
        let value = entry.field.iter().find(|f| f.number() == 2)?;
        Some((key, value))
    }

    /// Whether a singular field of message type `target` inside `holder` must be boxed:
    /// `holder` is reachable from `target` through singular message fields. The field itself
    /// leads from `holder` to `target`, so that is when both are in one strongly connected
    /// component of that graph.
    pub(crate) fn needs_box(&self, holder: &str, target: &str) -> bool {
        let components = self.components.get_or_init(|| self.singular_components());
        match (components.get(holder), components.get(target)) {
            (Some(a), Some(b)) => a == b,
            _ => holder == target,
        }
    }

    /// The strongly connected components of the graph whose nodes are the messages and whose
    /// edges are their singular message fields (Tarjan's algorithm, without recursion).
    fn singular_components(&self) -> HashMap<String, usize> {
        let names: Vec<&str> = self
            .types
            .iter()
            .filter(|(_, info)| matches!(info.kind, Kind::Message(_)))
            .map(|(name, _)| name.as_str())
            .collect();
        let index_of: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, i))
            .collect();
        let edges: Vec<Vec<usize>> = names
            .iter()
            .map(|name| match self.message(name) {
                Ok(message) => message
                    .field
                    .iter()
                    .filter(|f| {
                        f.label() != Label::Repeated
                            && matches!(f.r#type(), Type::Message | Type::Group)
                    })
                    .filter_map(|f| index_of.get(f.type_name()).copied())
                    .collect(),
                Err(_) => Vec::new(),
            })
            .collect();
        const UNSEEN: usize = usize::MAX;
        let n = names.len();
        let (mut order, mut low) = (vec![UNSEEN; n], vec![0; n]);
        let mut on_stack = vec![false; n];
        let mut component = vec![0; n];
        let (mut next_order, mut next_component) = (0, 0);
        let mut stack = Vec::new();
        for root in 0..n {
            if order[root] != UNSEEN {
                continue;
            }
            // (node, index of its next edge to follow)
            let mut calls = vec![(root, 0)];
            order[root] = next_order;
            low[root] = next_order;
            next_order += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&(v, edge)) = calls.last() {
                if let Some(&w) = edges[v].get(edge) {
                    if let Some(top) = calls.last_mut() {
                        top.1 += 1;
                    }
                    if order[w] == UNSEEN {
                        order[w] = next_order;
                        low[w] = next_order;
                        next_order += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(order[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(u, _)) = calls.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == order[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component[w] = next_component;
                        if w == v {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
        names
            .iter()
            .zip(component)
            .map(|(name, c)| (name.to_string(), c))
            .collect()
    }

    /// The Rust path of type `full_name` as seen from module `from`.
    pub(crate) fn type_path(&self, from: &[String], full_name: &str) -> Result<TokenStream, Error> {
        if let Some(path) = self.extern_path(full_name)? {
            return Ok(path);
        }
        let info = self.get(full_name)?;
        let name = ident(&info.rust_name);
        let file = self.files[info.file];
        if self.config.descriptor_in_runtime
            && file.name() == "google/protobuf/descriptor.proto"
            && !self.is_generated(info.file)
        {
            let runtime = &self.runtime;
            let package_len = package_module(file.package()).len();
            let inner = info.module[package_len.min(info.module.len())..]
                .iter()
                .map(|m| ident(m));
            return Ok(quote!(#runtime::descriptor:: #(#inner::)* #name));
        }
        if !self.config.compile_well_known_types
            && file.package() == "google.protobuf"
            && file.name() != "google/protobuf/descriptor.proto"
            && file.name().starts_with("google/protobuf/")
            && !self.is_generated(info.file)
        {
            // A well-known type: the runtime's `wkt` module has it (nested types in the
            // same snake_case modules as here).
            let runtime = &self.runtime;
            let inner = info.module[2.min(info.module.len())..]
                .iter()
                .map(|m| ident(m));
            return Ok(quote!(#runtime::wkt:: #(#inner::)* #name));
        }
        let common = from
            .iter()
            .zip(&info.module)
            .take_while(|(a, b)| a == b)
            .count();
        let supers = (common..from.len()).map(|_| quote!(super::));
        let downs = info.module[common..].iter().map(|m| ident(m));
        Ok(quote!(#(#supers)* #(#downs::)* #name))
    }

    /// The `extern_path` mapping of `full_name`, if one applies (longest prefix wins).
    fn extern_path(&self, full_name: &str) -> Result<Option<TokenStream>, Error> {
        let best = self
            .config
            .extern_paths
            .iter()
            .filter(|(proto, _)| {
                full_name == proto
                    || full_name
                        .strip_prefix(proto.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
            .max_by_key(|(proto, _)| proto.len());
        let Some((proto, rust)) = best else {
            return Ok(None);
        };
        let base: TokenStream = rust
            .parse()
            .map_err(|_| Error::new(format!("extern path `{rust}` is not a Rust path")))?;
        let rest: Vec<&str> = full_name[proto.len()..]
            .split('.')
            .filter(|s| !s.is_empty())
            .collect();
        let Some((last, modules)) = rest.split_last() else {
            return Ok(Some(base));
        };
        let modules = modules.iter().map(|m| ident(&escape(&snake(m))));
        let last = ident(&escape(&camel(last)));
        Ok(Some(quote!(#base #(::#modules)* :: #last)))
    }
}

/// The last component of a dotted name.
fn short_name(full_name: &str) -> &str {
    full_name.rsplit('.').next().unwrap_or(full_name)
}

/// The module path of a package: its segments in snake_case, escaped.
pub(crate) fn package_module(package: &str) -> Vec<String> {
    package
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| escape(&snake(s)))
        .collect()
}

/// The features of a file's scope: its syntax or edition defaults plus its own features. An
/// `editions` file of an edition before proto2 (which protoc rejects) generates as 2023.
pub(crate) fn file_features(file: &FileDescriptorProto) -> Features {
    let edition = protoforge::__private::features::file_edition(file) as i32;
    let edition = if edition < Edition::Proto2 as i32 {
        Edition::Edition2023 as i32
    } else {
        edition
    };
    Features::for_edition(edition).overlay(file.options.as_ref().and_then(|o| o.features.as_ref()))
}

/// The proto2 defaults.
pub(crate) fn proto2_features() -> Features {
    Features::for_edition(Edition::Proto2 as i32)
}
