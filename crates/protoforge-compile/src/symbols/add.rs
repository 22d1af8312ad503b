//! Adding one file's symbols to the pool ([`Adder`]): its package and every element, in
//! protoc's order, each under its full name and descriptor path; a name defined before is not
//! added but reported as a [`SymbolConflict`] with protoc's message.

use protoforge::descriptor::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::{Entry, Pool, SymbolConflict, SymbolKind, SymbolPath};
use crate::tag;

/// Collects one file's symbols into the pool.
pub(super) struct Adder<'p> {
    pub(super) pool: &'p mut Pool,
    pub(super) file: u32,
    pub(super) conflicts: Vec<SymbolConflict>,
    /// The full name of the element being added (its scope while its children are added):
    /// one buffer, grown and cut back while walking, so a symbol costs only its key.
    pub(super) name: String,
    /// The descriptor path of the element being added, kept the same way.
    pub(super) path: Vec<i32>,
}

impl Adder<'_> {
    pub(super) fn add_file_symbols(&mut self, file: &FileDescriptorProto) {
        self.pool.symbols.reserve(count_symbols(file));
        let package = file.package.as_deref().unwrap_or("");
        if !package.is_empty() {
            self.add_package(package);
        }
        self.name.push_str(package);
        for (i, m) in file.message_type.iter().enumerate() {
            self.path.extend([tag::file::MESSAGE_TYPE, i as i32]);
            self.add_message(m);
            self.path.clear();
        }
        for (i, e) in file.enum_type.iter().enumerate() {
            self.path.extend([tag::file::ENUM_TYPE, i as i32]);
            self.add_enum(e);
            self.path.clear();
        }
        for (i, s) in file.service.iter().enumerate() {
            self.path.extend([tag::file::SERVICE, i as i32]);
            let scope = self.push_name(s.name.as_deref());
            self.add(SymbolKind::Service);
            for (j, m) in s.method.iter().enumerate() {
                self.path.extend([tag::service::METHOD, j as i32]);
                let service = self.push_name(m.name.as_deref());
                self.add(SymbolKind::Method);
                self.name.truncate(service);
                self.path.truncate(2);
            }
            self.name.truncate(scope);
            self.path.clear();
        }
        for (i, f) in file.extension.iter().enumerate() {
            self.path.extend([tag::file::EXTENSION, i as i32]);
            let scope = self.push_name(f.name.as_deref());
            self.add(SymbolKind::Extension);
            self.name.truncate(scope);
            self.path.clear();
        }
    }

    /// Appends `.name` (or `name` at top level) to the current name and returns the length to
    /// cut it back to.
    fn push_name(&mut self, name: Option<&str>) -> usize {
        let len = self.name.len();
        if len > 0 {
            self.name.push('.');
        }
        self.name.push_str(name.unwrap_or(""));
        len
    }

    fn add_package(&mut self, package: &str) {
        // Every prefix is a package too: `a`, `a.b`, `a.b.c`.
        let mut end = 0;
        for (i, part) in package.split('.').enumerate() {
            end += part.len() + usize::from(i > 0);
            let prefix = &package[..end];
            match self.pool.symbols.get(prefix) {
                None => {
                    self.pool.symbols.insert(
                        prefix.into(),
                        Entry {
                            kind: SymbolKind::Package,
                            file: self.file,
                            path: SymbolPath::new(&[tag::file::PACKAGE]),
                        },
                    );
                }
                Some(e) if e.kind == SymbolKind::Package => {}
                Some(e) => {
                    let other = self.pool.files[e.file as usize]
                        .name
                        .as_deref()
                        .unwrap_or("");
                    self.conflicts.push(SymbolConflict {
                        path: vec![tag::file::PACKAGE],
                        message: format!(
                            "\"{prefix}\" is already defined (as something other than a package) in file \"{other}\"."
                        ),
                        enum_value_scope: None,
                    });
                    // protoc stops at the first clash of a package chain.
                    return;
                }
            }
        }
    }

    /// Adds the message at `self.path`, declared in the scope `self.name`, and its contents.
    fn add_message(&mut self, m: &DescriptorProto) {
        let scope = self.push_name(m.name.as_deref());
        self.add(SymbolKind::Message);
        let depth = self.path.len();
        // protoc's BuildMessage order: oneofs, fields, enums, extensions, nested messages.
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.add_member(
                tag::message::ONEOF_DECL,
                i,
                o.name.as_deref(),
                SymbolKind::Oneof,
            );
        }
        for (i, f) in m.field.iter().enumerate() {
            self.add_member(tag::message::FIELD, i, f.name.as_deref(), SymbolKind::Field);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.path.extend([tag::message::ENUM_TYPE, i as i32]);
            self.add_enum(e);
            self.path.truncate(depth);
        }
        for (i, f) in m.extension.iter().enumerate() {
            let name = f.name.as_deref();
            self.add_member(tag::message::EXTENSION, i, name, SymbolKind::Extension);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.path.extend([tag::message::NESTED_TYPE, i as i32]);
            self.add_message(n);
            self.path.truncate(depth);
        }
        self.name.truncate(scope);
    }

    /// Adds the member `name` at `[.., tag, i]` of the element named `self.name`.
    fn add_member(&mut self, tag: i32, i: usize, name: Option<&str>, kind: SymbolKind) {
        let depth = self.path.len();
        self.path.extend([tag, i as i32]);
        let scope = self.push_name(name);
        self.add(kind);
        self.name.truncate(scope);
        self.path.truncate(depth);
    }

    /// Adds the enum at `self.path`, declared in the scope `self.name`, and its values.
    fn add_enum(&mut self, e: &EnumDescriptorProto) {
        let enum_name = e.name.as_deref().unwrap_or("");
        let scope = self.push_name(Some(enum_name));
        self.add(SymbolKind::Enum);
        self.name.truncate(scope);
        let depth = self.path.len();
        for (i, v) in e.value.iter().enumerate() {
            self.path.extend([tag::enum_::VALUE, i as i32]);
            let value_name = v.name.as_deref().unwrap_or("");
            let before = self.conflicts.len();
            self.push_name(Some(value_name));
            self.add(SymbolKind::EnumValue);
            self.name.truncate(scope);
            self.path.truncate(depth);
            if self.conflicts.len() > before {
                // protoc adds a note about C++ scoping when the clash is not inside the enum.
                let clash_in_same_enum = e
                    .value
                    .iter()
                    .take(i)
                    .any(|o| o.name.as_deref() == Some(value_name));
                if !clash_in_same_enum && let Some(c) = self.conflicts.last_mut() {
                    c.enum_value_scope = Some((self.name.clone(), enum_name.to_string()));
                }
            }
        }
    }

    /// Adds the symbol `self.name` at `self.path`, or records a conflict when the name is taken.
    fn add(&mut self, kind: SymbolKind) {
        let existing = match self.pool.symbols.entry(self.name.as_str().into()) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Entry {
                    kind,
                    file: self.file,
                    path: SymbolPath::new(&self.path),
                });
                return;
            }
            std::collections::hash_map::Entry::Occupied(found) => found.get().file,
        };
        let full_name = self.name.as_str();
        let message = if existing == self.file {
            match full_name.rfind('.') {
                None => format!("\"{full_name}\" is already defined."),
                Some(dot) => format!(
                    "\"{}\" is already defined in \"{}\".",
                    &full_name[dot + 1..],
                    &full_name[..dot]
                ),
            }
        } else {
            let other = self.pool.files[existing as usize]
                .name
                .as_deref()
                .unwrap_or("");
            format!("\"{full_name}\" is already defined in file \"{other}\".")
        };
        self.conflicts.push(SymbolConflict {
            path: self.path.clone(),
            message,
            enum_value_scope: None,
        });
    }
}

/// How many symbols `file` defines at most (package prefixes included), to size the table once
/// per file instead of growing it symbol by symbol.
fn count_symbols(file: &FileDescriptorProto) -> usize {
    fn enums(list: &[EnumDescriptorProto]) -> usize {
        list.iter().map(|e| 1 + e.value.len()).sum()
    }
    fn messages(list: &[DescriptorProto]) -> usize {
        list.iter()
            .map(|m| {
                1 + m.oneof_decl.len()
                    + m.field.len()
                    + m.extension.len()
                    + enums(&m.enum_type)
                    + messages(&m.nested_type)
            })
            .sum()
    }
    let package = file.package.as_deref().map_or(0, |p| p.split('.').count());
    let services: usize = file.service.iter().map(|s| 1 + s.method.len()).sum();
    package
        + messages(&file.message_type)
        + enums(&file.enum_type)
        + services
        + file.extension.len()
}
