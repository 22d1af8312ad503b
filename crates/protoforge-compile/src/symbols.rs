//! The pool: every file of one compilation (dependencies first, then the file being compiled)
//! and one symbol table of fully qualified names over all of them, with protoc's relative name
//! lookup and import visibility rules.
//!
//! Symbols are stored without a leading dot. Each symbol remembers its file and its descriptor
//! path (the same path `SourceCodeInfo` uses, e.g. `[4, 0, 2, 1]` for the second field of the
//! first message), so a pass can go from a name to the descriptor and, through the file's
//! `SpanMap`, to the source text. Like protoc, enum values are siblings of their enum
//! (`pkg.FOO`, not `pkg.E.FOO`).
//!
//! This file holds the pool's files, its symbol table and the record of used files; the rest
//! is one file a job:
//! - `add`: adding a file's symbols under the names protoc gives them, with the problems protoc
//!   reports about those names.
//! - `resolve`: import visibility and protoc's relative name lookup ([`Pool::resolve`]).
//! - `extensions`: the index of every message's extensions ([`Pool::extensions_of`]).
//! - `paths`: the message, enum or field at a descriptor path.

mod add;
mod extensions;
mod paths;
mod resolve;
#[cfg(test)]
mod tests;

use protoforge::descriptor::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use crate::span_map::{NameMap, NameSet, ShortPath};
use add::Adder;
use extensions::{Extension, unindex_extensions};
pub(crate) use paths::{enum_at, field_at, message_at};

/// What a name denotes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum SymbolKind {
    /// A package (or a prefix of one: `a` and `a.b` for `package a.b.c;`).
    Package,
    /// A message (including map entries and group types).
    Message,
    /// An enum.
    Enum,
    /// An enum value (named as a sibling of its enum).
    EnumValue,
    /// A field of a message.
    Field,
    /// A oneof (including synthetic ones).
    Oneof,
    /// An extension field (declared in an `extend` block).
    Extension,
    /// A service.
    Service,
    /// A method of a service.
    Method,
}

impl SymbolKind {
    /// Messages and enums: what a field or method type may name.
    pub(crate) fn is_type(self) -> bool {
        matches!(self, SymbolKind::Message | SymbolKind::Enum)
    }

    /// Symbols that can contain other symbols (protoc's `IsAggregate`): the first part of a
    /// compound name must denote one of these.
    pub(crate) fn is_aggregate(self) -> bool {
        matches!(
            self,
            SymbolKind::Package | SymbolKind::Message | SymbolKind::Enum | SymbolKind::Service
        )
    }
}

/// A symbol found in the pool.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Symbol<'a> {
    /// What it is.
    pub(crate) kind: SymbolKind,
    /// The fully qualified name, without a leading dot.
    pub(crate) full_name: &'a str,
    /// The name of the file that defines it (for packages: the first file seen with it).
    pub(crate) file: &'a str,
    /// The descriptor path inside that file (`[2]`, the package statement, for packages).
    pub(crate) path: &'a [i32],
}

/// Why a relative name could not be resolved. Mirrors the facts protoc's "not defined" error
/// reports; both parts may be set at once (protoc then reports two errors).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(crate) struct ResolveError {
    /// A symbol of that name exists in a file the current file does not import:
    /// `(full name, defining file)`. protoc: `"X" seems to be defined in "f", which is not
    /// imported by "g".`
    pub(crate) not_imported: Option<(String, String)>,
    /// The first component of a compound name was found in an inner scope, but the rest was
    /// not: the full name protoc looked for. protoc: `"a.B" is resolved to "x.a.B", which is
    /// not defined.`
    pub(crate) resolved_to: Option<String>,
}

/// A name protoc's `AddSymbol` refuses, found while adding a file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct SymbolConflict {
    /// Descriptor path (in the added file) of the element whose name clashes.
    pub(crate) path: Vec<i32>,
    /// protoc's message, e.g. `"Foo" is already defined in "pkg".`; `None` when protoc refuses
    /// the name without one (a clash in the scope of an enum value's type only, which takes an
    /// element named `unknown` for being too long; the note follows alone).
    pub(crate) message: Option<String>,
    /// For an enum value that clashes outside its own enum: protoc's second error, on C++
    /// scoping.
    pub(crate) note: Option<String>,
    /// Descriptor path of the element that took the name first, when it is of the same kind
    /// and in the same file.
    pub(crate) first: Option<Vec<i32>>,
}

/// The problems with the names of one file that protoc reports while building its
/// descriptors: names too long to store, and names already taken. The checks report each one
/// where protoc's build does ([`NameReport::too_long`], [`NameReport::conflict`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct NameReport {
    /// Paths of the elements whose names are too long, sorted.
    too_long: Vec<Vec<i32>>,
    /// Sorted by path (an element's symbol is added once, so there is one per path).
    conflicts: Vec<SymbolConflict>,
}

impl NameReport {
    /// True when there is nothing to report.
    pub(crate) fn is_empty(&self) -> bool {
        self.too_long.is_empty() && self.conflicts.is_empty()
    }

    /// True when some name is too long for protoc.
    pub(crate) fn any_too_long(&self) -> bool {
        !self.too_long.is_empty()
    }

    /// Whether the name of the element at `path` is too long for protoc (which then goes on
    /// with the element named `unknown`).
    pub(crate) fn too_long(&self, path: &[i32]) -> bool {
        !self.too_long.is_empty()
            && self
                .too_long
                .binary_search_by(|p| p.as_slice().cmp(path))
                .is_ok()
    }

    /// The clash of the name of the element at `path`, if any.
    pub(crate) fn conflict(&self, path: &[i32]) -> Option<&SymbolConflict> {
        if self.conflicts.is_empty() {
            return None;
        }
        let at = self
            .conflicts
            .binary_search_by(|c| c.path.as_slice().cmp(path))
            .ok()?;
        Some(&self.conflicts[at])
    }

    /// Every clash, by path.
    #[cfg(test)]
    pub(crate) fn conflicts(&self) -> &[SymbolConflict] {
        &self.conflicts
    }

    /// Sorts the problems for the lookups.
    fn finish(mut self) -> NameReport {
        self.too_long.sort_unstable();
        self.conflicts.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }
}

/// A symbol table entry; its full name is the key it is stored under.
#[derive(Clone, Debug)]
struct Entry {
    kind: SymbolKind,
    file: u32,
    path: SymbolPath,
}

/// How many path elements a [`SymbolPath`] holds without a heap allocation (an element of a
/// message nested three deep: `[4, i, 3, j, 3, k, 2, l]`).
const INLINE_PATH: usize = 8;

/// A symbol's descriptor path: short paths (nearly all) inline, longer ones boxed, so adding a
/// symbol costs one allocation (its name) instead of two.
type SymbolPath = ShortPath<INLINE_PATH>;

/// The imports of one file of a [`Pool`], as indices of pool files.
#[derive(Debug, Default)]
struct FileImports {
    /// Its imports (plain, public and weak) that are in the pool.
    all: Box<[u32]>,
    /// Its public imports that are in the pool.
    public: Box<[u32]>,
}

/// Every file of one compilation and the symbol table over them.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    files: Vec<FileDescriptorProto>,
    by_name: NameMap<String, u32>,
    symbols: NameMap<Box<str>, Entry>,
    /// For each file: its direct imports and its public imports found in the pool when it was
    /// added, as indices into `files`. The files a file may use symbols from (itself, its
    /// direct imports and their `import public` chains) follow from these; they are only
    /// materialized for the file added last ([`Pool::last_visible`]), which is the one being
    /// linked: storing them for every file would cost memory quadratic in an `import public`
    /// chain (each file of the chain sees all the files after it).
    imports: Vec<FileImports>,
    /// The files the file added last may use symbols from (index of that file, set).
    last_visible: Option<(u32, NameSet<u32>)>,
    /// Extendee full name (no dot) -> its extensions, in pool order.
    extensions: NameMap<String, Vec<Extension>>,
    /// The files in which name lookups found a symbol (protoc's record of used imports, for
    /// its "Import x is unused." warning), since the last [`Pool::take_used_files`]; not
    /// while `untracked` (set while threads share the pool).
    used: std::sync::Mutex<Vec<u32>>,
    /// Set when lookups are not to be recorded in `used`.
    untracked: std::sync::atomic::AtomicBool,
}

impl Pool {
    /// An empty pool.
    pub(crate) fn new() -> Pool {
        Pool::default()
    }

    /// All files, in the order they were added (dependencies before dependents).
    pub(crate) fn files(&self) -> &[FileDescriptorProto] {
        &self.files
    }

    /// Takes every file out of the pool (which then holds only its symbol tables).
    pub(crate) fn take_files(&mut self) -> Vec<FileDescriptorProto> {
        self.by_name.clear();
        std::mem::take(&mut self.files)
    }

    /// The file named `name` (its virtual path, e.g. `google/protobuf/any.proto`).
    pub(crate) fn file(&self, name: &str) -> Option<&FileDescriptorProto> {
        self.by_name.get(name).map(|&i| &self.files[i as usize])
    }

    /// Makes room for `additional` more symbols at once (the table otherwise grows, rehashing
    /// every name, each time it doubles): for a caller that knows how much is coming.
    pub(crate) fn reserve_symbols(&mut self, additional: usize) {
        self.symbols.reserve(additional);
    }

    /// True when a file named `name` was added.
    pub(crate) fn contains_file(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Adds a file and every symbol it defines. Its imports should already be in the pool
    /// (missing ones are simply not visible). Names are those protoc gives: an element whose
    /// name is too long is named `unknown`, as in protoc, which goes on with it. Names that
    /// clash with an earlier symbol are not added (the first definition wins, like protoc);
    /// they and the names too long are returned.
    ///
    /// Adding a file whose name is already in the pool replaces nothing and returns no
    /// problems; the caller reports duplicate files.
    pub(crate) fn add_file(&mut self, file: FileDescriptorProto) -> NameReport {
        let name = file.name.clone().unwrap_or_default();
        if self.by_name.contains_key(&name) {
            return NameReport::default();
        }
        let index = self.files.len() as u32;
        let imports = FileImports {
            all: file
                .dependency
                .iter()
                .filter_map(|dep| self.by_name.get(dep.as_str()).copied())
                .collect(),
            public: file
                .public_dependency
                .iter()
                .filter_map(|&p| file.dependency.get(usize::try_from(p).ok()?))
                .filter_map(|dep| self.by_name.get(dep.as_str()).copied())
                .collect(),
        };
        self.imports.push(imports);
        self.last_visible = Some((index, self.compute_visible(index)));
        self.by_name.insert(name, index);
        let mut report = Adder::new(self, index, false).add_file_symbols(&file);
        if !report.too_long.is_empty() {
            // Once an element is named `unknown`, protoc's table of names by scope no longer
            // follows from full names: add the file again, keeping that table too.
            self.symbols.retain(|_, e| e.file != index);
            report = Adder::new(self, index, true).add_file_symbols(&file);
        }
        self.files.push(file);
        self.index_extensions(index);
        report.finish()
    }

    /// Takes the stored version of the file `name` out for editing (linking, option
    /// interpretation), leaving its header (name, package, imports, syntax) in its place, so
    /// symbols still name their file and visibility still works; its symbols stay, its
    /// extensions leave the extension index until [`Pool::reindex_extensions`] or
    /// [`Pool::replace_file`]. Lookups that read definitions must not ask for this file's
    /// until it is put back with [`Pool::replace_file`].
    pub(crate) fn take_file(&mut self, name: &str) -> Option<FileDescriptorProto> {
        let &index = self.by_name.get(name)?;
        let stored = &self.files[index as usize];
        unindex_extensions(&mut self.extensions, stored, index);
        let header = FileDescriptorProto {
            name: stored.name.clone(),
            package: stored.package.clone(),
            dependency: stored.dependency.clone(),
            public_dependency: stored.public_dependency.clone(),
            weak_dependency: stored.weak_dependency.clone(),
            option_dependency: stored.option_dependency.clone(),
            syntax: stored.syntax.clone(),
            edition: stored.edition,
            ..FileDescriptorProto::default()
        };
        Some(std::mem::replace(&mut self.files[index as usize], header))
    }

    /// Replaces the stored copy of an already added file (same name, same elements) by a
    /// newer version of it, e.g. after linking or option interpretation. The symbol table is
    /// kept; the extension index is refreshed (extendees are only known after linking).
    pub(crate) fn replace_file(&mut self, file: FileDescriptorProto) {
        let Some(&index) = file.name.as_deref().and_then(|n| self.by_name.get(n)) else {
            return;
        };
        // Only the lists this file added to can hold its extensions: those of the old version
        // or, after `reindex_extensions`, of the new one.
        let old = std::mem::replace(&mut self.files[index as usize], file);
        unindex_extensions(&mut self.extensions, &old, index);
        unindex_extensions(&mut self.extensions, &self.files[index as usize], index);
        self.index_extensions(index);
    }

    /// Removes the file added last and all its symbols (protoc drops a file with errors from
    /// its pool, so files importing it do not see its names).
    pub(crate) fn remove_last_file(&mut self) {
        let Some(file) = self.files.pop() else { return };
        let index = self.files.len() as u32;
        self.imports.pop();
        self.last_visible = None;
        if let Some(name) = &file.name {
            self.by_name.remove(name);
        }
        self.symbols.retain(|_, e| e.file != index);
        // Every indexed extension is a symbol of the file it names (see `index_extensions_into`).
        for list in self.extensions.values_mut() {
            list.retain(|ext| ext.file != index);
        }
    }

    fn symbol<'a>(&'a self, (full_name, e): (&'a str, &'a Entry)) -> Symbol<'a> {
        Symbol {
            kind: e.kind,
            full_name,
            file: self.files[e.file as usize].name.as_deref().unwrap_or(""),
            path: e.path.as_slice(),
        }
    }

    /// The symbol with exactly this fully qualified name (no leading dot), ignoring visibility.
    pub(crate) fn lookup(&self, full_name: &str) -> Option<Symbol<'_>> {
        self.symbols
            .get_key_value(full_name)
            .map(|(k, e)| self.symbol((k, e)))
    }

    /// The name of the file defining `full_name` (no leading dot).
    pub(crate) fn file_of(&self, full_name: &str) -> Option<&str> {
        self.lookup(full_name).map(|s| s.file)
    }

    /// Records that a name lookup found a symbol of the file `file_name` (lookups through
    /// [`Pool::resolve`] record their finds themselves).
    pub(crate) fn note_use(&self, file_name: &str) {
        if let Some(&i) = self.by_name.get(file_name) {
            self.note_use_of(i);
        }
    }

    fn note_use_of(&self, file: u32) {
        if !self.untracked.load(std::sync::atomic::Ordering::Relaxed) {
            let mut used = self
                .used
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Lookups in a row mostly find symbols of the same file.
            if used.last() != Some(&file) {
                used.push(file);
            }
        }
    }

    /// Forgets the files lookups found symbols in so far.
    pub(crate) fn clear_used_files(&self) {
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// Turns the record of used files on (the default) or off.
    pub(crate) fn track_uses(&self, on: bool) {
        self.untracked
            .store(!on, std::sync::atomic::Ordering::Relaxed);
    }

    /// The names of the files in which lookups found symbols since the last call.
    pub(crate) fn take_used_files(&self) -> std::collections::HashSet<&str> {
        let mut used = std::mem::take(
            &mut *self
                .used
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        used.sort_unstable();
        used.dedup();
        used.into_iter()
            .filter_map(|i| self.files.get(i as usize)?.name.as_deref())
            .collect()
    }

    /// The message named `full_name` (no leading dot).
    pub(crate) fn message(&self, full_name: &str) -> Option<&DescriptorProto> {
        let e = self.entry(full_name, SymbolKind::Message)?;
        message_at(&self.files[e.file as usize], e.path.as_slice())
    }

    /// The enum named `full_name` (no leading dot).
    pub(crate) fn enum_type(&self, full_name: &str) -> Option<&EnumDescriptorProto> {
        let e = self.entry(full_name, SymbolKind::Enum)?;
        enum_at(&self.files[e.file as usize], e.path.as_slice())
    }

    fn entry(&self, full_name: &str, kind: SymbolKind) -> Option<&Entry> {
        self.symbols.get(full_name).filter(|e| e.kind == kind)
    }
}

/// `scope.name`, or `name` at top level.
pub(crate) fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        let mut s = String::with_capacity(scope.len() + 1 + name.len());
        s.push_str(scope);
        s.push('.');
        s.push_str(name);
        s
    }
}
