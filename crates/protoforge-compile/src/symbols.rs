//! The pool: every file of one compilation (dependencies first, then the file being compiled)
//! and one symbol table of fully qualified names over all of them, with protoc's relative name
//! lookup and import visibility rules.
//!
//! Symbols are stored without a leading dot. Each symbol remembers its file and its descriptor
//! path (the same path `SourceCodeInfo` uses, e.g. `[4, 0, 2, 1]` for the second field of the
//! first message), so a pass can go from a name to the descriptor and, through the file's
//! `SpanMap`, to the source text. Like protoc, enum values are siblings of their enum
//! (`pkg.FOO`, not `pkg.E.FOO`).

use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use crate::span_map::{NameMap, NameSet, ShortPath};
use crate::tag;

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

/// A name defined twice, found while adding a file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct SymbolConflict {
    /// Descriptor path (in the added file) of the element whose name clashes.
    pub(crate) path: Vec<i32>,
    /// protoc's message, e.g. `"Foo" is already defined in "pkg".`
    pub(crate) message: String,
    /// Set when the clash is between enum values of sibling enums: `(scope, enum name)`, with
    /// `""` for the global scope; protoc then reports a second error on C++ scoping.
    pub(crate) enum_value_scope: Option<(String, String)>,
}

/// An extension in the extension index: its full name and where it is, so listing a message's
/// extensions needs no symbol lookups.
#[derive(Clone, Debug)]
struct Extension {
    full_name: Box<str>,
    file: u32,
    path: SymbolPath,
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
    /// (missing ones are simply not visible). Names that clash with an earlier symbol are not
    /// added (the first definition wins, like protoc) and are returned as conflicts, in the
    /// order protoc reports them.
    ///
    /// Adding a file whose name is already in the pool replaces nothing and returns no
    /// conflicts; the caller reports duplicate files.
    pub(crate) fn add_file(&mut self, file: FileDescriptorProto) -> Vec<SymbolConflict> {
        let name = file.name.clone().unwrap_or_default();
        if self.by_name.contains_key(&name) {
            return Vec::new();
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
        let mut adder = Adder {
            pool: self,
            file: index,
            conflicts: Vec::new(),
            name: String::with_capacity(128),
            path: Vec::with_capacity(16),
        };
        adder.add_file_symbols(&file);
        let conflicts = adder.conflicts;
        self.files.push(file);
        self.index_extensions(index);
        conflicts
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

    /// Refreshes the extension index of the already added file `file` from this (linked)
    /// version of it, without storing it: what [`Pool::replace_file`] does to the index.
    pub(crate) fn reindex_extensions(&mut self, file: &FileDescriptorProto) {
        let Some(&index) = file.name.as_deref().and_then(|n| self.by_name.get(n)) else {
            return;
        };
        let Pool {
            files,
            symbols,
            extensions,
            ..
        } = self;
        unindex_extensions(extensions, &files[index as usize], index);
        index_extensions_into(extensions, symbols, index, file);
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

    /// The files `file` may use symbols from: itself, its direct imports and every file
    /// reached from those through `import public` chains (walked iteratively: a chain may be
    /// as long as the compilation).
    fn compute_visible(&self, file: u32) -> NameSet<u32> {
        let mut out = NameSet::default();
        out.insert(file);
        let mut todo: Vec<u32> = self.imports[file as usize].all.to_vec();
        while let Some(f) = todo.pop() {
            if out.insert(f) {
                todo.extend_from_slice(&self.imports[f as usize].public);
            }
        }
        out
    }

    /// The files `file` may use symbols from (see [`Pool::compute_visible`]): kept for the
    /// file added last, computed for any other.
    fn visible_from(&self, file: u32) -> std::borrow::Cow<'_, NameSet<u32>> {
        match &self.last_visible {
            Some((last, set)) if *last == file => std::borrow::Cow::Borrowed(set),
            _ => std::borrow::Cow::Owned(self.compute_visible(file)),
        }
    }

    fn index_extensions(&mut self, file: u32) {
        let Pool {
            files,
            symbols,
            extensions,
            ..
        } = self;
        index_extensions_into(extensions, symbols, file, &files[file as usize]);
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

    /// True when `from_file` may use symbols of `to_file`: the same file, a direct import, or
    /// a file reached from a direct import through `import public` chains.
    pub(crate) fn is_visible(&self, from_file: &str, to_file: &str) -> bool {
        match (self.by_name.get(from_file), self.by_name.get(to_file)) {
            (Some(&from), Some(&to)) => self.visible_from(from).contains(&to),
            _ => false,
        }
    }

    /// protoc's `FindSymbol`: the exact name, if `from` may see it. Packages are visible when
    /// `from` or any file it sees declares that package or a sub-package.
    fn find_visible(
        &self,
        from: Option<u32>,
        name: &str,
        err: &mut ResolveError,
    ) -> Option<(&str, &Entry)> {
        let (key, e) = self.symbols.get_key_value(name)?;
        let found = Some((&**key, e));
        let Some(from) = from else { return found };
        let visible = self.visible_from(from);
        if visible.contains(&e.file) {
            self.note_use_of(e.file);
            return found;
        }
        if e.kind == SymbolKind::Package
            && visible
                .iter()
                .any(|&f| in_package(self.files[f as usize].package.as_deref(), name))
        {
            return found;
        }
        err.not_imported = Some((
            name.to_string(),
            self.files[e.file as usize].name.clone().unwrap_or_default(),
        ));
        None
    }

    /// Resolves a name as written in `from_file`, exactly like protoc: a leading dot means fully
    /// qualified; otherwise the first component is looked up in `scope` (the full name of the
    /// innermost enclosing message, service or package; `""` for none), then in each enclosing
    /// scope outwards, and the first match decides (for a compound name `a.b.C`, the rest is
    /// then looked up only inside what `a` matched). With `types_only`, a match of the whole
    /// (simple) name that is not a message or enum is skipped. Symbols of files `from_file` does
    /// not see count as absent.
    pub(crate) fn resolve(
        &self,
        from_file: &str,
        scope: &str,
        name: &str,
        types_only: bool,
    ) -> Result<Symbol<'_>, ResolveError> {
        let from = self.by_name.get(from_file).copied();
        let mut err = ResolveError::default();
        if let Some(abs) = name.strip_prefix('.') {
            return match self.find_visible(from, abs, &mut err) {
                Some(e) => Ok(self.symbol(e)),
                None => Err(err),
            };
        }
        let first = name.split('.').next().unwrap_or(name);
        let compound = first.len() < name.len();
        // `scope` plus a dot: the loop below chops one component per round, as protoc does
        // starting from the element's own full name.
        let mut scope_to_try = String::with_capacity(scope.len() + name.len() + 2);
        scope_to_try.push_str(scope);
        scope_to_try.push_str(".x");
        loop {
            let Some(dot) = scope_to_try.rfind('.') else {
                return match self.find_visible(from, name, &mut err) {
                    Some(e) => Ok(self.symbol(e)),
                    None => Err(err),
                };
            };
            scope_to_try.truncate(dot);
            let old_len = scope_to_try.len();
            if old_len > 0 {
                scope_to_try.push('.');
            }
            scope_to_try.push_str(first);
            if old_len == 0 {
                // Top level: protoc's final `FindSymbol(name)` handles it.
                return match self.find_visible(from, name, &mut err) {
                    Some(e) => Ok(self.symbol(e)),
                    None => Err(err),
                };
            }
            if let Some(found) = self.find_visible(from, &scope_to_try, &mut err) {
                if compound {
                    if found.1.kind.is_aggregate() {
                        scope_to_try.push_str(&name[first.len()..]);
                        return match self.find_visible(from, &scope_to_try, &mut err) {
                            Some(e) => Ok(self.symbol(e)),
                            None => {
                                err.resolved_to = Some(scope_to_try);
                                Err(err)
                            }
                        };
                    }
                } else if !types_only || found.1.kind.is_type() {
                    return Ok(self.symbol(found));
                }
            }
            scope_to_try.truncate(old_len);
        }
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

    /// Every extension of the message `extendee_full_name` (no leading dot) in the pool whose
    /// extendee is already linked, as `(full name, descriptor)`, in the order files were added.
    pub(crate) fn extensions_of(
        &self,
        extendee_full_name: &str,
    ) -> impl Iterator<Item = (&str, &FieldDescriptorProto)> {
        self.extensions
            .get(extendee_full_name)
            .into_iter()
            .flatten()
            .filter_map(|ext| {
                let file = &self.files[ext.file as usize];
                Some((&*ext.full_name, field_at(file, ext.path.as_slice())?))
            })
    }

    fn entry(&self, full_name: &str, kind: SymbolKind) -> Option<&Entry> {
        self.symbols.get(full_name).filter(|e| e.kind == kind)
    }
}

/// Removes the file `index`'s entries from the extension index lists of the extendees its
/// version `f` extends.
fn unindex_extensions(
    extensions: &mut NameMap<String, Vec<Extension>>,
    f: &FileDescriptorProto,
    index: u32,
) {
    for_each_extension(f, |_, extendee| {
        if let Some(list) = extensions.get_mut(extendee) {
            list.retain(|ext| ext.file != index);
        }
    });
}

/// Calls `visit` with `(full name, extendee without the leading dot)` for each extension of `f`
/// whose extendee is linked (fully qualified), file extensions first, then those of each
/// message in declaration order.
fn for_each_extension<'f>(f: &'f FileDescriptorProto, mut visit: impl FnMut(&str, &'f str)) {
    fn linked(ext: &FieldDescriptorProto) -> Option<&str> {
        ext.extendee.as_deref()?.strip_prefix('.')
    }
    /// Appends `.name` (or `name` at top level) to `buf`; returns the length to cut back to.
    fn push(buf: &mut String, name: Option<&str>) -> usize {
        let len = buf.len();
        if len > 0 {
            buf.push('.');
        }
        buf.push_str(name.unwrap_or(""));
        len
    }
    fn walk<'f>(
        msgs: &'f [DescriptorProto],
        name: &mut String,
        visit: &mut impl FnMut(&str, &'f str),
    ) {
        for m in msgs {
            if m.extension.is_empty() && m.nested_type.is_empty() {
                continue;
            }
            let scope = push(name, m.name.as_deref());
            for ext in &m.extension {
                if let Some(extendee) = linked(ext) {
                    let len = push(name, ext.name.as_deref());
                    visit(name, extendee);
                    name.truncate(len);
                }
            }
            walk(&m.nested_type, name, visit);
            name.truncate(scope);
        }
    }
    let mut name = String::from(f.package.as_deref().unwrap_or(""));
    for ext in &f.extension {
        if let Some(extendee) = linked(ext) {
            let len = push(&mut name, ext.name.as_deref());
            visit(&name, extendee);
            name.truncate(len);
        }
    }
    walk(&f.message_type, &mut name, &mut visit);
}

/// Adds the extensions of `descriptor` (a version of the pool's file `file`) that the symbol
/// table says `file` defines to the extension index.
fn index_extensions_into(
    extensions: &mut NameMap<String, Vec<Extension>>,
    symbols: &NameMap<Box<str>, Entry>,
    file: u32,
    descriptor: &FileDescriptorProto,
) {
    for_each_extension(descriptor, |full, extendee| {
        let Some(e) = symbols.get(full) else { return };
        if e.file != file || e.kind != SymbolKind::Extension {
            return;
        }
        let ext = Extension {
            full_name: full.into(),
            file,
            path: e.path.clone(),
        };
        match extensions.get_mut(extendee) {
            Some(list) => list.push(ext),
            None => {
                extensions.insert(extendee.to_string(), vec![ext]);
            }
        }
    });
}

/// Collects one file's symbols into the pool.
struct Adder<'p> {
    pool: &'p mut Pool,
    file: u32,
    conflicts: Vec<SymbolConflict>,
    /// The full name of the element being added (its scope while its children are added):
    /// one buffer, grown and cut back while walking, so a symbol costs only its key.
    name: String,
    /// The descriptor path of the element being added, kept the same way.
    path: Vec<i32>,
}

impl Adder<'_> {
    fn add_file_symbols(&mut self, file: &FileDescriptorProto) {
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

/// protoc's `IsInPackage`: `package` is `name` or a sub-package of it.
fn in_package(package: Option<&str>, name: &str) -> bool {
    let Some(p) = package else { return false };
    p == name || (p.starts_with(name) && p.as_bytes().get(name.len()) == Some(&b'.'))
}

fn idx(i: i32) -> Option<usize> {
    usize::try_from(i).ok()
}

/// The message at a descriptor path (`[4, i]`, `[4, i, 3, j]`, ...).
pub(crate) fn message_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f DescriptorProto> {
    let [tag::file::MESSAGE_TYPE, first, rest @ ..] = path else {
        return None;
    };
    let mut m = file.message_type.get(idx(*first)?)?;
    let mut rest = rest;
    while let [tag::message::NESTED_TYPE, i, tail @ ..] = rest {
        m = m.nested_type.get(idx(*i)?)?;
        rest = tail;
    }
    rest.is_empty().then_some(m)
}

/// The enum at a descriptor path (`[5, i]` or `[4, i, ..., 4, j]`).
pub(crate) fn enum_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f EnumDescriptorProto> {
    match path {
        [tag::file::ENUM_TYPE, i] => file.enum_type.get(idx(*i)?),
        [parent @ .., tag::message::ENUM_TYPE, i] => {
            message_at(file, parent)?.enum_type.get(idx(*i)?)
        }
        _ => None,
    }
}

/// The field or extension at a descriptor path (`[7, i]`, `[4, i, ..., 2, j]`, `[4, i, ..., 6, j]`).
pub(crate) fn field_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f FieldDescriptorProto> {
    match path {
        [tag::file::EXTENSION, i] => file.extension.get(idx(*i)?),
        [parent @ .., tag::message::FIELD, i] => message_at(file, parent)?.field.get(idx(*i)?),
        [parent @ .., tag::message::EXTENSION, i] => {
            message_at(file, parent)?.extension.get(idx(*i)?)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protoforge::descriptor::EnumValueDescriptorProto;

    fn msg(name: &str, nested: Vec<DescriptorProto>) -> DescriptorProto {
        DescriptorProto {
            name: Some(name.into()),
            nested_type: nested,
            ..Default::default()
        }
    }

    fn file(
        name: &str,
        package: &str,
        deps: &[&str],
        messages: Vec<DescriptorProto>,
    ) -> FileDescriptorProto {
        FileDescriptorProto {
            name: Some(name.into()),
            package: (!package.is_empty()).then(|| package.into()),
            dependency: deps.iter().map(|d| d.to_string()).collect(),
            message_type: messages,
            ..Default::default()
        }
    }

    #[test]
    fn resolves_innermost_scope_first() {
        let mut pool = Pool::new();
        let f = file(
            "a.proto",
            "pkg",
            &[],
            vec![msg("Foo", vec![msg("Bar", vec![])]), msg("Bar", vec![])],
        );
        assert!(pool.add_file(f).is_empty());
        let s = pool
            .resolve("a.proto", "pkg.Foo", "Bar", true)
            .expect("found");
        assert_eq!(s.full_name, "pkg.Foo.Bar");
        assert_eq!(s.path, &[4, 0, 3, 0]);
        let s = pool.resolve("a.proto", "pkg", "Bar", true).expect("found");
        assert_eq!(s.full_name, "pkg.Bar");
        let s = pool
            .resolve("a.proto", "pkg.Foo", ".pkg.Bar", true)
            .expect("found");
        assert_eq!(s.full_name, "pkg.Bar");
        let s = pool
            .resolve("a.proto", "pkg.Foo", "pkg.Foo.Bar", true)
            .expect("found");
        assert_eq!(s.full_name, "pkg.Foo.Bar");
        assert_eq!(
            pool.message("pkg.Foo.Bar").and_then(|m| m.name.as_deref()),
            Some("Bar")
        );
    }

    #[test]
    fn first_component_decides() {
        // protoc's own example: `Bar.Baz` inside `Foo` finds `Foo.Bar` and stops there.
        let mut pool = Pool::new();
        let f = file(
            "a.proto",
            "",
            &[],
            vec![
                msg("Bar", vec![msg("Baz", vec![])]),
                msg("Foo", vec![msg("Bar", vec![])]),
            ],
        );
        assert!(pool.add_file(f).is_empty());
        let err = pool
            .resolve("a.proto", "Foo", "Bar.Baz", true)
            .expect_err("shadowed");
        assert_eq!(err.resolved_to.as_deref(), Some("Foo.Bar.Baz"));
        assert!(pool.resolve("a.proto", "", "Bar.Baz", true).is_ok());
    }

    #[test]
    fn types_only_skips_fields() {
        let mut m = msg("M", vec![]);
        m.field.push(FieldDescriptorProto {
            name: Some("T".into()),
            ..Default::default()
        });
        let mut pool = Pool::new();
        assert!(
            pool.add_file(file("a.proto", "p", &[], vec![m, msg("T", vec![])]))
                .is_empty()
        );
        assert_eq!(
            pool.resolve("a.proto", "p.M", "T", true)
                .map(|s| s.full_name),
            Ok("p.T")
        );
        assert_eq!(
            pool.resolve("a.proto", "p.M", "T", false)
                .map(|s| s.full_name),
            Ok("p.M.T")
        );
    }

    #[test]
    fn visibility_follows_public_imports_only() {
        let mut pool = Pool::new();
        pool.add_file(file("c.proto", "c", &[], vec![msg("C", vec![])]));
        let mut b = file("b.proto", "b", &["c.proto"], vec![msg("B", vec![])]);
        b.public_dependency.push(0);
        pool.add_file(b);
        pool.add_file(file("x.proto", "x", &[], vec![msg("X", vec![])]));
        pool.add_file(file("a.proto", "a", &["b.proto"], vec![]));
        assert!(pool.is_visible("a.proto", "c.proto"));
        assert!(pool.is_visible("a.proto", "b.proto"));
        assert!(!pool.is_visible("a.proto", "x.proto"));
        assert!(pool.resolve("a.proto", "a", "c.C", true).is_ok());
        let err = pool
            .resolve("a.proto", "a", "x.X", true)
            .expect_err("not imported");
        assert_eq!(
            err.not_imported,
            Some(("x.X".to_string(), "x.proto".to_string()))
        );
    }

    #[test]
    fn duplicates_and_enum_value_scoping() {
        let e = |name: &str, values: &[&str]| EnumDescriptorProto {
            name: Some(name.into()),
            value: values
                .iter()
                .map(|v| EnumValueDescriptorProto {
                    name: Some(v.to_string()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let mut f = file(
            "a.proto",
            "p",
            &[],
            vec![msg("M", vec![]), msg("M", vec![])],
        );
        f.enum_type = vec![e("E1", &["A"]), e("E2", &["A"])];
        let mut pool = Pool::new();
        let conflicts = pool.add_file(f);
        assert_eq!(conflicts.len(), 2, "{conflicts:?}");
        assert_eq!(conflicts[0].message, "\"M\" is already defined in \"p\".");
        assert_eq!(conflicts[0].path, vec![4, 1]);
        assert_eq!(conflicts[1].message, "\"A\" is already defined in \"p\".");
        assert_eq!(
            conflicts[1].enum_value_scope,
            Some(("p".into(), "E2".into()))
        );
        assert_eq!(
            pool.lookup("p.A").map(|s| s.kind),
            Some(SymbolKind::EnumValue)
        );
        assert!(pool.lookup("p.E1.A").is_none());
        let conflicts = pool.add_file(file("b.proto", "p.M", &[], vec![]));
        assert_eq!(
            conflicts[0].message,
            "\"p.M\" is already defined (as something other than a package) in file \"a.proto\"."
        );
    }
}
