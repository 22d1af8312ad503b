//! Adding one file's symbols to the pool ([`Adder`]): its package and every element, each
//! under the full name protoc gives it and in the order protoc's `DescriptorBuilder` adds it
//! (an element after its members); names too long to store and names defined before are
//! reported in a [`NameReport`], in protoc's words.
//!
//! protoc stores names with 16-bit lengths. An element whose name does not fit is reported
//! ("Name too long.") and goes on named `unknown`, its full name too: its members are named
//! in the scope `unknown`, and a second such element anywhere in the file clashes with the
//! first ("\"unknown\" is already defined."). The values of such an enum are named at the top
//! level, since protoc takes their scope from the enum's full name less its name.

use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    ServiceDescriptorProto,
};

use super::{Entry, NameReport, Pool, SymbolConflict, SymbolKind, SymbolPath};
use crate::check::diagnostics as diag;
use crate::span_map::NameSet;
use crate::tag;

/// The longest name or full name protoc stores (its lengths are 16-bit).
const MAX_NAME_LENGTH: usize = u16::MAX as usize;

/// The name protoc gives an element whose name is too long.
const UNKNOWN: &str = "unknown";

/// Collects one file's symbols into the pool.
pub(super) struct Adder<'p> {
    pool: &'p mut Pool,
    file: u32,
    report: NameReport,
    /// protoc's full name of the scope whose members are being added: one buffer, grown and
    /// cut back while walking, so a symbol costs only its key.
    name: String,
    /// The descriptor path of the element being added, kept the same way.
    path: Vec<i32>,
    /// protoc's second table of this file's names, by the scope declaring them
    /// (`AddAliasUnderParent`): `(scope, name)`. Only kept when asked for: until an element is
    /// named `unknown`, a name is taken in a scope exactly when its full name is taken.
    aliases: Option<NameSet<(u32, Box<str>)>>,
    /// The scope whose members are being added, as a number (0 for the file), and the count
    /// of scopes numbered so far.
    scope: u32,
    scopes: u32,
}

/// How to give the scope name back after an element's members.
enum Saved {
    /// Cut the name back to this length.
    Cut(usize),
    /// Put this name back (the element was named `unknown`).
    Replaced(String),
}

/// What protoc's `AddSymbol` made of a name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Added {
    Yes,
    /// Its full name was taken: reported.
    Taken,
    /// Only its name in its scope was taken: not reported.
    TakenInScope,
}

impl<'p> Adder<'p> {
    /// An adder of the symbols of file `file` (an index into the pool's files), keeping
    /// protoc's names by scope if `aliases`.
    pub(super) fn new(pool: &'p mut Pool, file: u32, aliases: bool) -> Self {
        Adder {
            pool,
            file,
            report: NameReport::default(),
            name: String::with_capacity(128),
            path: Vec::with_capacity(16),
            aliases: aliases.then(NameSet::default),
            scope: 0,
            scopes: 0,
        }
    }

    /// Adds the symbols of `file` in protoc's order (package, messages, enums, services,
    /// extensions) and returns what protoc reports about their names.
    pub(super) fn add_file_symbols(mut self, file: &FileDescriptorProto) -> NameReport {
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
            self.add_service(s);
            self.path.clear();
        }
        for (i, f) in file.extension.iter().enumerate() {
            self.add_field(tag::file::EXTENSION, i, f, SymbolKind::Extension);
        }
        self.report
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
                    self.report.conflicts.push(SymbolConflict {
                        path: vec![tag::file::PACKAGE],
                        message: Some(diag::package_name_taken(prefix, other)),
                        note: None,
                        first: None,
                    });
                    // protoc stops at the first clash of a package chain.
                    return;
                }
            }
        }
    }

    /// Adds the message at `self.path`, declared in the scope `self.name`: its members (in
    /// protoc's `BuildMessage` order: oneofs, fields, enums, extensions, nested messages),
    /// then itself.
    fn add_message(&mut self, m: &DescriptorProto) {
        let name = m.name.as_deref().unwrap_or("");
        let too_long = self.too_long(name);
        let saved = self.enter(name, too_long);
        let outer = self.enter_scope();
        let depth = self.path.len();
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.path.extend([tag::message::ONEOF_DECL, i as i32]);
            let name = o.name.as_deref().unwrap_or("");
            let too_long = self.too_long(name);
            let saved = self.enter(name, too_long);
            self.add(SymbolKind::Oneof, own(name, too_long));
            self.leave(saved);
            self.path.truncate(depth);
        }
        for (i, f) in m.field.iter().enumerate() {
            self.add_field(tag::message::FIELD, i, f, SymbolKind::Field);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.path.extend([tag::message::ENUM_TYPE, i as i32]);
            self.add_enum(e);
            self.path.truncate(depth);
        }
        for (i, f) in m.extension.iter().enumerate() {
            self.add_field(tag::message::EXTENSION, i, f, SymbolKind::Extension);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.path.extend([tag::message::NESTED_TYPE, i as i32]);
            self.add_message(n);
            self.path.truncate(depth);
        }
        self.scope = outer;
        self.add(SymbolKind::Message, own(name, too_long));
        self.leave(saved);
    }

    /// Adds the field or extension `f`, element `i` of the list `list` of the element at
    /// `self.path`.
    fn add_field(&mut self, list: i32, i: usize, f: &FieldDescriptorProto, kind: SymbolKind) {
        let depth = self.path.len();
        self.path.extend([list, i as i32]);
        let name = f.name.as_deref().unwrap_or("");
        let too_long = field_names_too_long(self.name.len(), f);
        let saved = self.enter(name, too_long);
        self.add(kind, own(name, too_long));
        self.leave(saved);
        self.path.truncate(depth);
    }

    /// Adds the enum at `self.path`, declared in the scope `self.name`: its values (siblings
    /// of the enum), then itself.
    fn add_enum(&mut self, e: &EnumDescriptorProto) {
        let name = e.name.as_deref().unwrap_or("");
        let too_long = self.too_long(name);
        let enum_name = own(name, too_long);
        if too_long {
            self.report.too_long.push(self.path.clone());
        }
        // The values' scope is the enum's full name less its name: the enum's scope, or the
        // top level for an enum named `unknown`.
        let values_scope = if too_long {
            Saved::Replaced(std::mem::take(&mut self.name))
        } else {
            Saved::Cut(self.name.len())
        };
        self.scopes += 1;
        let enum_scope = self.scopes;
        // The names of this enum's values, kept once one of them clashes (without `aliases`,
        // which keep them anyway).
        let mut in_enum: Option<NameSet<&str>> = None;
        let depth = self.path.len();
        for (i, v) in e.value.iter().enumerate() {
            self.path.extend([tag::enum_::VALUE, i as i32]);
            let value = v.name.as_deref().unwrap_or("");
            let cut = self.push_name(value);
            if self.name.len() > MAX_NAME_LENGTH {
                // Reported, but the value keeps its name.
                self.report.too_long.push(self.path.clone());
            }
            let added = self.add(SymbolKind::EnumValue, value);
            self.name.truncate(cut);
            // protoc also names each value in its enum's own scope; a clash there means two
            // values of the enum share the name, which the error above already says.
            let new_in_enum = match (&mut self.aliases, &mut in_enum) {
                (Some(aliases), _) => aliases.insert((enum_scope, value.into())),
                (None, Some(names)) => names.insert(value),
                (None, None) if added != Added::Yes => {
                    let mut names: NameSet<&str> = e.value[..i]
                        .iter()
                        .map(|v| v.name.as_deref().unwrap_or(""))
                        .collect();
                    let new = names.insert(value);
                    in_enum = Some(names);
                    new
                }
                (None, None) => true,
            };
            if added != Added::Yes && new_in_enum {
                let outer = match &values_scope {
                    Saved::Replaced(scope) => scope.as_str(),
                    Saved::Cut(len) => &self.name[..*len],
                };
                let note = diag::enum_value_scoping(value, outer, enum_name);
                match added {
                    Added::Taken => {
                        if let Some(c) = self.report.conflicts.last_mut() {
                            c.note = Some(note);
                        }
                    }
                    _ => self.report.conflicts.push(SymbolConflict {
                        path: self.path.clone(),
                        message: None,
                        note: Some(note),
                        first: None,
                    }),
                }
            }
            self.path.truncate(depth);
        }
        if let Saved::Replaced(scope) = values_scope {
            self.name = scope;
        }
        let saved = self.enter_unrecorded(name, too_long);
        self.add(SymbolKind::Enum, enum_name);
        self.leave(saved);
    }

    /// Adds the service at `self.path`: its methods, then itself.
    fn add_service(&mut self, s: &ServiceDescriptorProto) {
        let name = s.name.as_deref().unwrap_or("");
        let too_long = self.too_long(name);
        let saved = self.enter(name, too_long);
        let outer = self.enter_scope();
        let depth = self.path.len();
        for (i, m) in s.method.iter().enumerate() {
            self.path.extend([tag::service::METHOD, i as i32]);
            let name = m.name.as_deref().unwrap_or("");
            let too_long = self.too_long(name);
            let saved = self.enter(name, too_long);
            self.add(SymbolKind::Method, own(name, too_long));
            self.leave(saved);
            self.path.truncate(depth);
        }
        self.scope = outer;
        self.add(SymbolKind::Service, own(name, too_long));
        self.leave(saved);
    }

    /// Whether protoc cannot store the names of an element named `name` in the scope
    /// `self.name` (its full name is the longer of the two).
    fn too_long(&self, name: &str) -> bool {
        scoped_len(self.name.len(), name.len()) > MAX_NAME_LENGTH
    }

    /// Makes the element at `self.path`, named `name`, the scope: `self.name` becomes its
    /// full name, `unknown` if its names are `too_long` (which is reported).
    fn enter(&mut self, name: &str, too_long: bool) -> Saved {
        if too_long {
            self.report.too_long.push(self.path.clone());
        }
        self.enter_unrecorded(name, too_long)
    }

    /// [`enter`](Self::enter) without reporting.
    fn enter_unrecorded(&mut self, name: &str, too_long: bool) -> Saved {
        if too_long {
            Saved::Replaced(std::mem::replace(&mut self.name, UNKNOWN.to_string()))
        } else {
            Saved::Cut(self.push_name(name))
        }
    }

    /// Gives back the scope name [`enter`](Self::enter) changed.
    fn leave(&mut self, saved: Saved) {
        match saved {
            Saved::Cut(len) => self.name.truncate(len),
            Saved::Replaced(name) => self.name = name,
        }
    }

    /// Numbers the element being entered as a scope for protoc's names by scope, makes it the
    /// current one and returns the one to go back to.
    fn enter_scope(&mut self) -> u32 {
        self.scopes += 1;
        std::mem::replace(&mut self.scope, self.scopes)
    }

    /// Appends `.name` (or `name` at top level) to the current name and returns the length to
    /// cut it back to.
    fn push_name(&mut self, name: &str) -> usize {
        let len = self.name.len();
        if len > 0 {
            self.name.push('.');
        }
        self.name.push_str(name);
        len
    }

    /// Adds the symbol `self.name` at `self.path`, named `name` in the scope `self.scope`, or
    /// reports the clash when the full name is taken.
    fn add(&mut self, kind: SymbolKind, name: &str) -> Added {
        let existing = match self.pool.symbols.entry(self.name.as_str().into()) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Entry {
                    kind,
                    file: self.file,
                    path: SymbolPath::new(&self.path),
                });
                let scope = self.scope;
                let new_in_scope = self
                    .aliases
                    .as_mut()
                    .is_none_or(|aliases| aliases.insert((scope, name.into())));
                return if new_in_scope {
                    Added::Yes
                } else {
                    Added::TakenInScope
                };
            }
            std::collections::hash_map::Entry::Occupied(found) => {
                let e = found.get();
                (e.file, (e.kind == kind).then(|| e.path.as_slice().to_vec()))
            }
        };
        let (existing, first) = existing;
        let full_name = self.name.as_str();
        let message = if existing == self.file {
            diag::already_defined(full_name)
        } else {
            let other = self.pool.files[existing as usize]
                .name
                .as_deref()
                .unwrap_or("");
            diag::already_defined_in_file(full_name, other)
        };
        self.report.conflicts.push(SymbolConflict {
            path: self.path.clone(),
            message: Some(message),
            note: None,
            first: first.filter(|_| existing == self.file),
        });
        Added::Taken
    }
}

/// The name protoc gives an element named `name`: `unknown` if its names are too long.
fn own(name: &str, too_long: bool) -> &str {
    if too_long { UNKNOWN } else { name }
}

/// The length of the full name of an element named with `name` bytes in a scope whose full
/// name is `scope` bytes long (none when 0).
fn scoped_len(scope: usize, name: usize) -> usize {
    scope + usize::from(scope > 0) + name
}

/// True when protoc cannot store the names of field `f`, declared in a scope whose full name
/// is `scope` bytes long: its name, full name, lower-case, camel-case and JSON names are laid
/// out in one buffer addressed with 16-bit offsets. A name all in lower case shares one copy
/// for all of them; a snake-case one adds its camel-case form; any other, or a field with a
/// `json_name`, adds all three.
fn field_names_too_long(scope: usize, f: &FieldDescriptorProto) -> bool {
    let name = f.name.as_deref().unwrap_or("");
    let full = scoped_len(scope, name.len());
    // Every layout fits in this many bytes (the JSON name is at most as long as the name).
    let json_len = f.json_name.as_deref().map_or(0, str::len);
    if full + 3 * name.len() + json_len + 4 <= MAX_NAME_LENGTH {
        return false;
    }
    let camel = protoforge::__private::naming::to_json_name(name).len();
    let lower_start = name.bytes().next().is_none_or(|b| b.is_ascii_lowercase());
    let has_upper = name.bytes().any(|b| b.is_ascii_uppercase());
    let last = match &f.json_name {
        None if lower_start && !has_upper && !name.contains('_') => name.len() + 1,
        None if lower_start && !has_upper => full + camel + 2,
        json => {
            let json = json.as_deref().map_or(camel, str::len);
            full + 1 + (name.len() + 1) + (camel + 1) + (json + 1)
        }
    };
    full > MAX_NAME_LENGTH || last > MAX_NAME_LENGTH
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
