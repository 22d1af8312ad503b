//! The public entry point: the [`Compiler`] builder and the driver that runs every pass over
//! the import graph in protoc's order.
//!
//! Files are loaded depth first from each input (imports before importers, like protoc's
//! descriptor pool), each one parsed, lowered, added to the [`Pool`], linked, its options
//! interpreted and its rules checked. A file with errors is taken out of the pool again, and
//! every file importing it gets protoc's `Import "x" was not found or had errors.`. The result
//! is the `FileDescriptorSet` protoc writes with `--descriptor_set_out`: computed `json_name`
//! on every field, `source_code_info` only on request, imports (in protoc's order) only on
//! request.
//!
//! Reading, parsing and lowering run on worker threads ahead of the build (the [`Loader`]);
//! the build itself stays on the calling thread, in protoc's order, so diagnostics and output
//! never depend on timing. Syntax trees are dropped as soon as a file is lowered, and a file's
//! source text is kept only when a diagnostic points into it.
//!
//! The checks that only read the pool (protoc's rules, option validation, unused imports) and
//! the output copies (source-retention options stripped) are deferred until every file is
//! built, then run side by side on all cores ([`Build::finish_deferred`]). That is exact as
//! long as they pass: nothing later files are built from depends on them. When one fails,
//! the file should have been taken out of the pool before its importers were built, so the
//! whole compilation is done again in protoc's strict order, and failing builds report exactly
//! what protoc reports. The fast path also lowers files without the span maps diagnostics
//! need (most of lowering's work when there is no source info): a build step with anything to
//! say sends the compilation down the strict path as well.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use protoforge::Message as _;
use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet, SourceCodeInfo,
};
use protoforge_parse::{Diagnostic, FileId, SourceMap, Span, ast};

use crate::link;
use crate::resolve::{Bundled, DescriptorSets, FileContent, FileResolver, IncludePaths};
use crate::span_map::SpanMap;
use crate::symbols::Pool;

/// Builder for one compilation: where to find files and what to put in the output.
///
/// # Examples
/// ```no_run
/// use protoforge_compile::Compiler;
///
/// let compiled = Compiler::new()
///     .include_path("proto")
///     .include_imports(true)
///     .compile(&["proto/app/v1/service.proto"])
///     .map_err(|e| e.to_string())?;
/// assert!(!compiled.files.file.is_empty());
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Default)]
pub struct Compiler {
    include_paths: IncludePaths,
    descriptor_sets: DescriptorSets,
    include_imports: bool,
    include_source_info: bool,
    retain_options: bool,
    stripped_copies: bool,
}

/// The result of a successful compilation.
#[derive(Debug, Default)]
pub struct Compiled {
    /// What protoc writes with `--descriptor_set_out`.
    pub files: FileDescriptorSet,
    /// Warnings (the compilation succeeded regardless).
    pub warnings: Vec<Diagnostic>,
    /// The same files with source-retention options stripped, when asked for with
    /// [`Compiler::stripped_copies`] (empty otherwise).
    pub stripped: FileDescriptorSet,
    /// The source texts the warnings point into, to render them (the texts of files no
    /// diagnostic points into are left empty).
    pub sources: SourceMap,
}

/// Why a compilation failed: every diagnostic (errors and warnings, in protoc's order) and the
/// sources to render them.
#[derive(Debug, Default)]
pub struct CompileError {
    /// Errors and warnings in the order protoc reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// The source texts the diagnostics point into.
    pub sources: SourceMap,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ErrorFormat {
    /// protoc's default: `file:line:col: message`.
    #[default]
    Gcc,
    /// `file(line) : error in column=col: message`.
    Msvs,
    /// A rustc-like excerpt with carets, in colour when `color` is set.
    Pretty {
        /// Use ANSI colours.
        color: bool,
    },
}

/// Renders one diagnostic in `format` (one or more lines, no trailing newline for the
/// one-line forms).
pub fn render_diagnostic(d: &Diagnostic, sources: &SourceMap, format: ErrorFormat) -> String {
    match format {
        ErrorFormat::Gcc => d.render_protoc(sources),
        ErrorFormat::Msvs => d.render_msvs(sources),
        ErrorFormat::Pretty { color } => d.render_rich(sources, color),
    }
}

impl CompileError {
    /// Every diagnostic rendered in `format`, one after another.
    pub fn render(&self, format: ErrorFormat) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&render_diagnostic(d, &self.sources, format));
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }

    fn bare(message: String) -> CompileError {
        CompileError {
            diagnostics: vec![Diagnostic::bare_error(message)],
            sources: SourceMap::new(),
        }
    }
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.render(ErrorFormat::Gcc).trim_end())
    }
}

impl std::error::Error for CompileError {}

impl Compiler {
    /// A compiler with no include path (the current directory is used when none is added),
    /// no imports and no source info in the output.
    pub fn new() -> Compiler {
        Compiler::default()
    }

    /// Adds an include path (`--proto_path`): a directory, or `VIRTUAL=DISK` to map a
    /// directory to a virtual prefix. Searched in the order added.
    pub fn include_path(mut self, spec: impl AsRef<str>) -> Compiler {
        self.include_paths.add(spec.as_ref());
        self
    }

    /// Adds the files of an encoded `FileDescriptorSet` (`--descriptor_set_in`); they are used
    /// when a name is found neither on the include path nor among the bundled files.
    pub fn descriptor_set_in(mut self, encoded: &[u8]) -> Result<Compiler, CompileError> {
        self.descriptor_sets
            .add_encoded(encoded)
            .map_err(|e| CompileError::bare(format!("Unable to parse descriptor set: {e}")))?;
        Ok(self)
    }

    /// Also output every imported file, dependencies first (`--include_imports`).
    pub fn include_imports(mut self, yes: bool) -> Compiler {
        self.include_imports = yes;
        self
    }

    /// Keep `source_code_info` in the output (`--include_source_info`).
    pub fn include_source_info(mut self, yes: bool) -> Compiler {
        self.include_source_info = yes;
        self
    }

    /// Keep options with `retention = RETENTION_SOURCE` in the output (`--retain_options`).
    pub fn retain_options(mut self, yes: bool) -> Compiler {
        self.retain_options = yes;
        self
    }

    /// Also output every file with source-retention options stripped, in
    /// [`Compiled::stripped`], beside the files as `retain_options` says: what protoc hands
    /// plugins, from one compilation.
    pub fn stripped_copies(mut self, yes: bool) -> Compiler {
        self.stripped_copies = yes;
        self
    }

    /// Compiles `files` (paths as given on protoc's command line: disk paths under an
    /// include path, or virtual names).
    pub fn compile<S: AsRef<str>>(&self, files: &[S]) -> Result<Compiled, CompileError> {
        let mut include_paths = self.include_paths.clone();
        if include_paths.is_empty() {
            include_paths.add(".");
        }
        // Mapping a name asks the file system a few questions: thousands of inputs take a
        // while, so they are mapped side by side.
        let files: Vec<&str> = files.iter().map(AsRef::as_ref).collect();
        let mapped = parallel_map(&files, |f| include_paths.virtual_name(f));
        let mut inputs = Vec::with_capacity(files.len());
        for (f, mapped) in files.into_iter().zip(mapped) {
            match mapped {
                Ok(v) => inputs.push(v),
                Err(_) if self.has_descriptor(f) => inputs.push(f.to_string()),
                Err(e) => return Err(CompileError::bare(e.message(f))),
            }
        }
        // The fast path defers protoc's per-file checks until every file is built and runs them
        // side by side; it is exact for files that pass them. When one fails, the compilation
        // is redone in protoc's strict order, so diagnostics never depend on the path taken.
        match self.run(&include_paths, &inputs, true) {
            Some(result) => result,
            None => self
                .run(&include_paths, &inputs, false)
                .unwrap_or_else(|| Err(CompileError::bare("compilation failed".to_string()))),
        }
    }

    /// One compilation of `inputs`. With `defer_checks` (the fast path: files lowered without
    /// spans, checks deferred), returns `None` when a build step or a deferred check has
    /// something to say (the caller then compiles again without deferring).
    fn run(
        &self,
        include_paths: &IncludePaths,
        inputs: &[String],
        defer_checks: bool,
    ) -> Option<Result<Compiled, CompileError>> {
        // The fast path lowers without spans: nearly every file builds without a word. When
        // building one has something to say, the compilation is redone with them.
        let loader = Loader::new(self, include_paths, inputs, !defer_checks);
        let mut build = Build {
            compiler: self,
            inputs: inputs.iter().cloned().collect(),
            loader: &loader,
            texts: Vec::new(),
            pool: Pool::new(),
            state: HashMap::new(),
            stack: Vec::new(),
            on_stack: HashMap::new(),
            source_infos: HashMap::new(),
            stripped: HashMap::new(),
            diagnostics: Vec::new(),
            defer_checks,
            redo: false,
            deferred: Vec::new(),
            finished: HashMap::new(),
            strip_plans: HashMap::new(),
            shared_fields: crate::options::SharedFields::default(),
        };
        // Growing the symbol table rehashes every symbol each time it doubles; a file defines
        // 70 symbols on average (googleapis), imports included.
        build.pool.reserve_symbols(inputs.len().saturating_mul(96));
        let ok = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..worker_count())
                .map(|_| scope.spawn(|| loader.work()))
                .collect();
            // The workers stop when the build is over, even if it unwinds.
            let closer = CloseOnDrop(&loader);
            // Like protoc, stop at the first input that fails (its imports' errors included).
            let ok = inputs.iter().all(|name| build.load(name));
            drop(closer);
            for w in workers {
                if let Err(panic) = w.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            ok
        });
        if build.redo || !build.finish_deferred() {
            return None;
        }
        // Files loaded but never built (none, unless a build step stopped early) still own
        // their file ids.
        let leftovers = std::mem::take(&mut loader.lock().done);
        for (name, loaded) in leftovers {
            if let Some((id, _)) = loaded.source {
                build.texts.push((id, name, String::new()));
            }
        }
        let sources = source_map(std::mem::take(&mut build.texts));
        let has_errors = build.diagnostics.iter().any(Diagnostic::is_error);
        if !ok || has_errors {
            if !has_errors {
                // A file failed without saying why; never fail silently.
                build
                    .diagnostics
                    .push(Diagnostic::bare_error("compilation failed"));
            }
            return Some(Err(CompileError {
                diagnostics: build.diagnostics,
                sources,
            }));
        }
        let mut order = Vec::new();
        if self.include_imports {
            let mut seen = HashSet::new();
            for name in inputs {
                build.post_order(name, &mut seen, &mut order);
            }
        } else {
            let mut seen = HashSet::new();
            order.extend(inputs.iter().filter(|n| seen.insert(n.as_str())).cloned());
        }
        let mut files: HashMap<String, FileDescriptorProto> = build
            .pool
            .take_files()
            .into_iter()
            .map(|f| (f.name.clone().unwrap_or_default(), f))
            .collect();
        let mut set = FileDescriptorSet::default();
        let mut stripped = FileDescriptorSet::default();
        for name in order {
            let file = match build.finished.remove(&name) {
                Some(finished) => {
                    files.remove(&name);
                    Some(finished)
                }
                None => files.remove(&name).map(|mut file| {
                    if let Some(plan) = build.strip_plans.remove(&name) {
                        plan.apply(&mut file);
                    }
                    file
                }),
            };
            if let Some(mut file) = file {
                if self.include_source_info {
                    file.source_code_info = build.source_infos.remove(&name);
                }
                set.file.push(file);
            }
            if let Some(mut file) = build.stripped.remove(&name) {
                if !self.include_source_info {
                    file.source_code_info = None;
                }
                stripped.file.push(file);
            }
        }
        // What is left (symbol tables, files not output) is freed off the caller's path.
        drop_in_background((std::mem::take(&mut build.pool), files));
        Some(Ok(Compiled {
            files: set,
            stripped,
            warnings: build.diagnostics,
            sources,
        }))
    }

    fn has_descriptor(&self, name: &str) -> bool {
        matches!(self.descriptor_sets.open(name), Ok(Some(_)))
    }
}

/// A file's imports in order: the imported name and the import statement's span (none for
/// files from descriptor sets).
type Imports = Vec<(String, Option<Span>)>;

/// The state of one compilation.
struct Build<'c, 'l> {
    compiler: &'c Compiler,
    /// The files named on the command line (protoc warns about unused imports only there).
    inputs: HashSet<String>,
    /// Reads, parses and lowers files, ahead of the build on other threads.
    loader: &'l Loader<'c>,
    /// The source texts by file id (empty for files no diagnostic points into).
    texts: Vec<(FileId, String, String)>,
    pool: Pool,
    /// Files already loaded: true when built without errors.
    state: HashMap<String, bool>,
    /// Files whose imports are being loaded (protoc's pending files), importers first.
    stack: Vec<Pending>,
    /// The files on `stack`, by name, with their position there.
    on_stack: HashMap<String, usize>,
    /// The source info of finished files (their descriptors are in the pool), when wanted.
    source_infos: HashMap<String, SourceCodeInfo>,
    /// Stripped copies of finished files, when asked for.
    stripped: HashMap<String, FileDescriptorProto>,
    diagnostics: Vec<Diagnostic>,
    /// Run the checks of files that built without errors after the whole build
    /// ([`Build::finish_deferred`]) rather than before their importers are built.
    defer_checks: bool,
    /// Set when a build step on the fast path had something to say: the compilation must be
    /// redone in the strict order, with spans.
    redo: bool,
    /// Files built without errors whose checks wait, in build order.
    deferred: Vec<Deferred>,
    /// Output versions of deferred files that differ from the pool's (options stripped).
    finished: HashMap<String, FileDescriptorProto>,
    /// What stripping changes in the pool's versions of deferred files to make their output.
    strip_plans: HashMap<String, crate::options::Stripping>,
    /// Field infos option interpretation keeps from one file to the next.
    shared_fields: crate::options::SharedFields,
}

/// A lowered file waiting for its imports to be loaded.
struct Pending {
    name: String,
    file: Box<FileDescriptorProto>,
    spans: SpanMap,
    imports: Imports,
    /// Its id and source text (for source files).
    source: Option<(FileId, String)>,
    /// Where its diagnostics start in the build's list.
    first_diagnostic: usize,
    /// The next import to load: an index into its regular imports, then its option imports.
    next: usize,
    /// For each regular import loaded so far: whether it was built without errors.
    dep_ok: Vec<bool>,
    /// The option imports (indices into `option_dependency`) that failed.
    failed_option_imports: Vec<usize>,
    /// Set when it imports itself: it is then not built.
    imports_itself: bool,
}

impl Pending {
    /// Records the result of the import at `next` and moves on to the next one.
    fn record(&mut self, ok: bool) {
        let regular = self.file.dependency.len();
        if self.next < regular {
            self.dep_ok.push(ok);
        } else if !ok {
            self.failed_option_imports.push(self.next - regular);
        }
        self.next += 1;
    }
}

/// A file whose checks (protoc's validation, feature and option-target validation, unused
/// imports) were deferred, and what they need.
struct Deferred {
    name: String,
    import_spans: Imports,
    /// The files its name lookups used, for the unused-import warnings of input files.
    used: Option<HashSet<String>>,
    /// Where its diagnostics go in the build's list (after those of its build step).
    slot: usize,
    /// Its source file id (none for files from descriptor sets), to parse it again for the
    /// spans of deferred diagnostics (span maps of all files would be most of the memory) and
    /// to read its text again when one points into it.
    source: Option<FileId>,
}

impl Build<'_, '_> {
    /// Appends `name` and, before it, every file it imports (regular and option imports, in
    /// order, each once) that is in the pool and not in `seen` yet: protoc's output order with
    /// `--include_imports`. Iterative, so import chains of any length fit on the stack.
    fn post_order(&self, name: &str, seen: &mut HashSet<String>, order: &mut Vec<String>) {
        if !seen.insert(name.to_string()) {
            return;
        }
        // Each entry: a file and the index of its next import to visit.
        let mut walk: Vec<(&str, usize)> = vec![(name, 0)];
        while let Some((file, next)) = walk.last_mut() {
            let dep = self
                .pool
                .file(file)
                .and_then(|f| f.dependency.iter().chain(&f.option_dependency).nth(*next));
            match dep {
                Some(dep) => {
                    *next += 1;
                    if seen.insert(dep.clone()) {
                        walk.push((dep.as_str(), 0));
                    }
                }
                None => {
                    order.push((*file).to_string());
                    walk.pop();
                }
            }
        }
    }

    /// Loads, builds and records `name` and (first) its imports, depth first like protoc.
    /// Returns true when the file was built without errors.
    ///
    /// protoc recurses into each import; here the files whose imports are being loaded wait
    /// on [`Build::stack`] instead, so an import chain of any length needs no more call stack
    /// than a single file.
    fn load(&mut self, name: &str) -> bool {
        if let Some(&ok) = self.state.get(name) {
            return ok;
        }
        if let Some(ok) = self.open(name) {
            return ok;
        }
        loop {
            let Some(top) = self.stack.last() else {
                return false;
            };
            let regular = top.file.dependency.len();
            let next = top.next;
            let dep = if next < regular {
                top.file.dependency.get(next)
            } else {
                top.file.option_dependency.get(next - regular)
            };
            let Some(dep) = dep.cloned() else {
                // Every import is loaded: build the file and hand the result to its importer.
                let Some(pending) = self.stack.pop() else {
                    return false;
                };
                self.on_stack.remove(&pending.name);
                let ok = self.finish(pending);
                match self.stack.last_mut() {
                    Some(importer) => importer.record(ok),
                    None => return ok,
                }
                continue;
            };
            let ok = if let Some(&start) = self.on_stack.get(&dep) {
                // protoc reports a cycle at regular imports; an option import of a pending
                // file is left alone.
                if next < regular {
                    self.cycle_error(start, &dep);
                    if let Some(top) = self.stack.last_mut()
                        && top.name == dep
                    {
                        // A file importing itself is not built at all: protoc says nothing
                        // more about it.
                        top.imports_itself = true;
                    }
                    false
                } else {
                    true
                }
            } else if let Some(&ok) = self.state.get(&dep) {
                ok
            } else {
                match self.open(&dep) {
                    Some(ok) => ok,
                    // Its imports come next.
                    None => continue,
                }
            };
            if let Some(top) = self.stack.last_mut() {
                top.record(ok);
            }
        }
    }

    /// Takes the loaded file `name` from the loader. A file that failed to load is recorded
    /// and its result returned; a lowered one is pushed on [`Build::stack`] (`None`), to be
    /// built once its imports are.
    fn open(&mut self, name: &str) -> Option<bool> {
        let Loaded { source, outcome } = self.loader.take(name);
        let first_diagnostic = self.diagnostics.len();
        match outcome {
            Outcome::Failed(diagnostics) => {
                self.diagnostics.extend(diagnostics);
                self.record_done(name, source, first_diagnostic, false);
                Some(false)
            }
            Outcome::Ready {
                file,
                spans,
                imports,
                diagnostics,
            } => {
                self.diagnostics.extend(diagnostics);
                self.on_stack.insert(name.to_string(), self.stack.len());
                self.stack.push(Pending {
                    name: name.to_string(),
                    file,
                    spans,
                    imports,
                    source,
                    first_diagnostic,
                    next: 0,
                    dep_ok: Vec::new(),
                    failed_option_imports: Vec::new(),
                    imports_itself: false,
                });
                None
            }
        }
    }

    /// Builds a file whose imports are loaded and records the result.
    fn finish(&mut self, pending: Pending) -> bool {
        let Pending {
            name,
            file,
            spans,
            imports,
            source,
            first_diagnostic,
            dep_ok,
            failed_option_imports,
            imports_itself,
            ..
        } = pending;
        let ok =
            !imports_itself && self.build(*file, spans, imports, &dep_ok, &failed_option_imports);
        self.record_done(&name, source, first_diagnostic, ok);
        ok
    }

    /// Records the result of loading `name`, whose diagnostics start at `first_diagnostic`,
    /// and keeps its source text if a diagnostic points into it.
    fn record_done(
        &mut self,
        name: &str,
        source: Option<(FileId, String)>,
        first_diagnostic: usize,
        ok: bool,
    ) {
        self.state.insert(name.to_string(), ok);
        if let Some((id, text)) = source {
            // Keep the text only when a diagnostic points into it (all of them are known now:
            // later files cannot point into this one), so finished files do not hold memory.
            let mentioned = self.diagnostics[first_diagnostic..]
                .iter()
                .any(|d| mentions(d, id));
            let text = if mentioned { text } else { String::new() };
            // Deferred checks may still point into it: they parse it again if so.
            if let Some(d) = self.deferred.last_mut().filter(|d| d.name == name) {
                d.source = Some(id);
            }
            self.texts.push((id, name.to_string(), text));
        }
    }

    /// protoc's "File recursively imports itself" error, at the import that starts the cycle.
    fn cycle_error(&mut self, start: usize, dep: &str) {
        let mut chain: Vec<&str> = self.stack[start..]
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        chain.push(dep);
        let message = format!("File recursively imports itself: {}", chain.join(" -> "));
        // The import in the cycle's first file of the cycle's second file.
        let Pending {
            name: first,
            imports,
            ..
        } = &self.stack[start];
        let next = chain.get(1).copied().unwrap_or(dep);
        let span = imports
            .iter()
            .find(|(n, _)| n == next)
            .and_then(|(_, s)| *s);
        self.diagnostics.push(match span {
            Some(s) => Diagnostic::error(s, message),
            None => Diagnostic::file_error(first.clone(), message),
        });
    }

    /// Builds one file whose imports were loaded: symbols, linking, options, checks.
    fn build(
        &mut self,
        mut file: FileDescriptorProto,
        spans: SpanMap,
        import_spans: Imports,
        dep_ok: &[bool],
        failed_option_imports: &[usize],
    ) -> bool {
        let name = file.name.clone().unwrap_or_default();
        let mut diags = Vec::new();
        let at = |i: usize, message: String| match import_spans.get(i).and_then(|(_, s)| *s) {
            Some(s) => Diagnostic::error(s, message),
            None => Diagnostic::file_error(name.clone(), message),
        };
        let mut seen = HashSet::new();
        for (i, dep) in file.dependency.iter().enumerate() {
            if !seen.insert(dep.as_str()) {
                diags.push(at(i, format!("Import \"{dep}\" was listed twice.")));
            }
            if !dep_ok.get(i).copied().unwrap_or(false) {
                diags.push(at(
                    i,
                    format!("Import \"{dep}\" was not found or had errors."),
                ));
            }
        }
        // Forget lookups made for earlier files; this file's are counted from here.
        self.pool.clear_used_files();
        let conflicts = if self.pool.contains_file(&name) {
            // Not expected (each name is built once); the pool keeps the first file.
            Vec::new()
        } else {
            // The pool takes the file for its symbols and gives it back for editing: linking
            // and option interpretation change it in place, without a copy.
            let conflicts = self.pool.add_file(file);
            match self.pool.take_file(&name) {
                Some(taken) => file = taken,
                None => return false,
            }
            conflicts
        };
        diags.extend(link::conflict_diagnostics(&name, &conflicts, &spans));
        diags.extend(link::link(&mut file, &self.pool, &spans));
        // A missing option import only matters to a file with options to interpret: protoc
        // reports it after linking, at the import, and then interprets no option.
        if !failed_option_imports.is_empty() && crate::options::has_uninterpreted(&file) {
            for dep in failed_option_imports
                .iter()
                .filter_map(|&i| file.option_dependency.get(i))
            {
                let span = import_spans
                    .iter()
                    .rev()
                    .find(|(n, _)| n == dep)
                    .and_then(|(_, s)| *s);
                let message = format!("Import \"{dep}\" was not found or had errors.");
                diags.push(match span {
                    Some(s) => Diagnostic::error(s, message),
                    None => Diagnostic::file_error(name.clone(), message),
                });
            }
        }
        // Like protoc, options are only interpreted in a file without errors so far.
        if !diags.iter().any(Diagnostic::is_error) {
            // Option interpretation reads this file's definitions from `file` itself; from the
            // pool it needs only the extension index, which linking changed.
            self.pool.reindex_extensions(&file);
            diags.extend(interpret_options(
                &mut file,
                &self.pool,
                &spans,
                &self.shared_fields,
            ));
        }
        if self.defer_checks && !diags.is_empty() {
            // The fast path lowered the file without spans, so these diagnostics point nowhere:
            // stop, and let the compilation be redone in the strict order, with spans.
            self.redo = true;
            return false;
        }
        // protoc's output has a `json_name` on every field; the checks read the computed ones.
        fill_json_names(&mut file);
        if self.defer_checks {
            // The checks only read the pool, where the file is now final: they run once the
            // whole build is done (and see the same definitions they would see now).
            let info = file.source_code_info.take();
            self.pool.replace_file(file);
            if let Some(info) = info {
                self.source_infos.insert(name.clone(), info);
            }
            let used = self.inputs.contains(&name).then(|| {
                self.pool
                    .take_used_files()
                    .into_iter()
                    .map(String::from)
                    .collect()
            });
            self.deferred.push(Deferred {
                name,
                import_spans,
                used,
                slot: self.diagnostics.len(),
                source: None,
            });
            return true;
        }
        self.pool.replace_file(without_source_info(&mut file));
        let earlier_errors = diags.iter().any(Diagnostic::is_error);
        diags.extend(check(&file, &self.pool, &spans, earlier_errors));
        // protoc's deferred feature/target validation, for files without errors.
        if !diags.iter().any(Diagnostic::is_error) {
            diags.extend(crate::options::validate(&file, &self.pool, &spans));
        }
        let failed = diags.iter().any(Diagnostic::is_error);
        if !failed && self.inputs.contains(&name) {
            let used = self.pool.take_used_files();
            diags.extend(unused_imports(&file, &self.pool, &used, &import_spans));
        }
        self.diagnostics.extend(diags);
        if failed {
            self.pool.remove_last_file();
            return false;
        }
        if let Some(copy) = strip_for_output(self.compiler, &self.pool, &mut file) {
            self.stripped.insert(name.clone(), copy);
        }
        // The pool keeps the finished file (later files only read definitions and options the
        // output keeps), which is the output too: one copy of each descriptor.
        let info = file.source_code_info.take();
        self.pool.replace_file(file);
        if let Some(info) = info {
            self.source_infos.insert(name, info);
        }
        true
    }
}

impl Build<'_, '_> {
    /// Runs the deferred checks of every file built without errors and finishes those files
    /// (computed `json_name`s, source-retention options stripped). Returns false when a check
    /// failed: the build is then not protoc's (files after the failed one were built with it
    /// in the pool) and must be redone without deferring.
    fn finish_deferred(&mut self) -> bool {
        let deferred = std::mem::take(&mut self.deferred);
        if deferred.is_empty() {
            return true;
        }
        // The pool is final and only read from here on: the files are checked side by side.
        let tasks: Vec<(Deferred, Mutex<Option<SourceCodeInfo>>)> = deferred
            .into_iter()
            .map(|d| {
                let info = self.source_infos.remove(&d.name);
                (d, Mutex::new(info))
            })
            .collect();
        self.pool.track_uses(false);
        let loader = self.loader;
        let pool = &self.pool;
        // Each thread keeps the field infos its files' option checks read (the pool no longer
        // changes); the helper threads are new, this one forgets what an earlier build kept.
        thread_local! {
            static SHARED: crate::options::SharedFields = crate::options::SharedFields::default();
        }
        SHARED.with(crate::options::SharedFields::clear);
        let results = parallel_map(&tasks, |(d, info)| {
            let info = info.lock().unwrap_or_else(PoisonError::into_inner).take();
            SHARED.with(|shared| finish_one(loader, pool, d, info, shared))
        });
        SHARED.with(crate::options::SharedFields::clear);
        self.pool.track_uses(true);
        if results.iter().any(|r| r.failed) {
            return false;
        }
        // Diagnostics go where the strict order puts them: after their file's build step.
        let mut reread = HashMap::new();
        let mut finished = Vec::with_capacity(results.len());
        for ((d, _), r) in tasks.iter().zip(results).rev() {
            if let Some(id) = d.source
                && r.diagnostics.iter().any(|x| mentions(x, id))
            {
                reread.insert(id, r.text);
            }
            let at = d.slot.min(self.diagnostics.len());
            self.diagnostics.splice(at..at, r.diagnostics);
            if let Some(plan) = r.strip {
                self.strip_plans.insert(d.name.clone(), plan);
            }
            finished.push((d.name.clone(), r.file, r.stripped, r.info));
        }
        for (id, name, text) in &mut self.texts {
            // Texts no earlier diagnostic pointed into were dropped: the text read again for
            // the spans serves, or the file is read now (e.g. for unused-import warnings).
            if text.is_empty()
                && let Some(again) = reread.remove(id)
                && let Some(t) = again.or_else(|| match self.loader.open(name) {
                    Ok(Some(FileContent::Source(t))) => Some(t),
                    _ => None,
                })
            {
                *text = t;
            }
        }
        for (name, file, stripped, info) in finished {
            if let Some(info) = info {
                self.source_infos.insert(name.clone(), info);
            }
            if let Some(stripped) = stripped {
                self.stripped.insert(name.clone(), stripped);
            }
            if let Some(file) = file {
                self.finished.insert(name, file);
            }
        }
        true
    }
}

/// What the deferred work on one file gave.
struct Finished {
    /// A deferred check failed.
    failed: bool,
    diagnostics: Vec<Diagnostic>,
    /// The output version of the file, when it differs from the pool's (options stripped).
    file: Option<FileDescriptorProto>,
    /// What stripping changes in the pool's version to make the output, when the output is
    /// made from it (and stripping changes anything).
    strip: Option<crate::options::Stripping>,
    /// The stripped copy, when asked for.
    stripped: Option<FileDescriptorProto>,
    /// The file's source info, after stripping.
    info: Option<SourceCodeInfo>,
    /// The file's text, when it was read again for the spans of its diagnostics.
    text: Option<String>,
}

/// The deferred work on one file: protoc's rules, option validation, unused imports (for
/// input files), then the output copies with source-retention options stripped.
fn finish_one(
    loader: &Loader<'_>,
    pool: &Pool,
    d: &Deferred,
    info: Option<SourceCodeInfo>,
    shared: &crate::options::SharedFields,
) -> Finished {
    let compiler = loader.compiler;
    let mut done = Finished {
        failed: false,
        diagnostics: Vec::new(),
        file: None,
        strip: None,
        stripped: None,
        info,
        text: None,
    };
    let Some(file) = pool.file(&d.name) else {
        return done;
    };
    // The element options are read once for validation and stripping (when they get there).
    let options = std::cell::OnceCell::new();
    let options = || {
        options.get_or_init(|| crate::options::ElementOptions::new(file, file, pool, Some(shared)))
    };
    let checks = |spans: &SpanMap| {
        let mut diags = check(file, pool, spans, false);
        if !diags.iter().any(Diagnostic::is_error) {
            diags.extend(options().validate(spans));
        }
        diags
    };
    // Nearly every file passes without a word, which needs no spans; the few with something
    // to say are parsed again for them (a missing span never hides a diagnostic).
    let mut diags = checks(&SpanMap::default());
    if diags.iter().any(Diagnostic::is_error) {
        done.failed = true;
        return done;
    }
    if !diags.is_empty()
        && let Some(id) = d.source
        && let Ok(Some(FileContent::Source(text))) = loader.open(&d.name)
    {
        if let Outcome::Ready { spans, .. } = parse_and_lower(&d.name, id, &text, false, true) {
            diags = checks(&spans);
        }
        done.text = Some(text);
    }
    if let Some(used) = &d.used {
        let used: HashSet<&str> = used.iter().map(String::as_str).collect();
        diags.extend(unused_imports(file, pool, &used, &d.import_spans));
    }
    // The diagnostics' text is read here, side by side, rather than after every file.
    if done.text.is_none()
        && !diags.is_empty()
        && d.source.is_some()
        && let Ok(Some(FileContent::Source(text))) = loader.open(&d.name)
    {
        done.text = Some(text);
    }
    done.diagnostics = diags;
    if !compiler.retain_options && !compiler.stripped_copies {
        // The common case: the output is the pool's version stripped, done once the pool is
        // no longer read (most files come out as they went in). Stripping an option also
        // drops its source locations.
        let stripping = options().plan_stripping();
        if let Some(info) = &mut done.info {
            stripping.strip_locations(info);
        }
        done.strip = (!stripping.is_empty()).then_some(stripping);
    } else {
        // Stripping is worked out on the pool's version, which is copied only when stripping
        // changes it or a stripped copy is asked for.
        let stripping = options().plan_stripping();
        let changed = (!stripping.is_empty()).then(|| {
            let mut copy = file.clone();
            stripping.apply(&mut copy);
            copy
        });
        let mut info = done.info.take();
        if compiler.retain_options {
            // The pool's version is the output; only the stripped copy is made.
            let mut copy = changed.unwrap_or_else(|| file.clone());
            copy.source_code_info = info.clone();
            if let Some(info) = &mut copy.source_code_info {
                stripping.strip_locations(info);
            }
            done.stripped = Some(copy);
        } else {
            if let Some(info) = &mut info {
                stripping.strip_locations(info);
            }
            if compiler.stripped_copies {
                let mut copy = changed.clone().unwrap_or_else(|| file.clone());
                copy.source_code_info = info.clone();
                done.stripped = Some(copy);
            }
            // Unchanged files stay `None`: the pool's version is the output.
            done.file = changed;
        }
        done.info = info;
    }
    done
}

/// `set` encoded in pieces to be written one after another, its files side by side on every
/// core: a set's encoding is its files' entries (field 1, length-delimited) one after another,
/// then its unknown fields, so the pieces joined are `set.encode_to_vec()`.
pub fn encode_set_in_pieces(set: &FileDescriptorSet) -> Vec<Vec<u8>> {
    let mut pieces = parallel_map(&set.file, |file| {
        // The key of field 1 with wire type 2 (length-delimited).
        let mut entry = vec![0x0a];
        let _ = file.encode_length_delimited(&mut entry);
        entry
    });
    let rest = FileDescriptorSet {
        file: Vec::new(),
        unknown_fields: set.unknown_fields.clone(),
    };
    pieces.push(rest.encode_to_vec());
    pieces
}

/// `f` applied to every item, on as many threads as there are cores, results in item order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return out;
            };
            out.push((i, f(item)));
        }
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// protoc's `Import x is unused.` warnings for `file`, in import order: a plain (or weak)
/// import none of whose symbols a name lookup of the file found. Like protoc, public imports
/// and imports of files that themselves have public imports are never reported.
fn unused_imports(
    file: &FileDescriptorProto,
    pool: &Pool,
    used: &HashSet<&str>,
    import_spans: &Imports,
) -> Vec<Diagnostic> {
    let name = file.name.as_deref().unwrap_or("");
    let mut out = Vec::new();
    for (i, dep) in file.dependency.iter().enumerate() {
        let public = file
            .public_dependency
            .iter()
            .any(|&p| usize::try_from(p).ok() == Some(i));
        let reexports = pool
            .file(dep)
            .is_none_or(|d| !d.public_dependency.is_empty());
        if public || reexports || used.contains(dep.as_str()) {
            continue;
        }
        let message = format!("Import {dep} is unused.");
        let span = import_spans
            .iter()
            .find(|(n, _)| n == dep)
            .and_then(|(_, s)| *s);
        out.push(match span {
            Some(s) => Diagnostic::warning(s, message),
            None => {
                let mut d = Diagnostic::file_error(name, message);
                d.severity = protoforge_parse::Severity::Warning;
                d
            }
        });
    }
    out
}

/// A copy of `file` without its `source_code_info` (most of a file's size), made without
/// copying the source info.
pub(crate) fn without_source_info(file: &mut FileDescriptorProto) -> FileDescriptorProto {
    let info = file.source_code_info.take();
    let copy = file.clone();
    file.source_code_info = info;
    copy
}

/// Interprets options (the `options` pass).
fn interpret_options(
    file: &mut FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
    shared: &crate::options::SharedFields,
) -> Vec<Diagnostic> {
    crate::options::interpret(file, pool, spans, shared)
}

/// Checks protoc's rules (the `check` pass).
fn check(
    file: &FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
    earlier_errors: bool,
) -> Vec<Diagnostic> {
    crate::check::check(file, pool, spans, earlier_errors)
}

/// Drops options with `retention = RETENTION_SOURCE` from the output, as protoc does unless
/// `--retain_options` is given.
fn strip_source_retention(file: &mut FileDescriptorProto, pool: &Pool) {
    crate::options::strip_source_retention(file, pool);
}

/// Strips source-retention options (and their source locations) from `file` unless options are
/// retained, and returns a stripped copy of it when the compiler is asked for one.
fn strip_for_output(
    compiler: &Compiler,
    pool: &Pool,
    file: &mut FileDescriptorProto,
) -> Option<FileDescriptorProto> {
    if compiler.retain_options {
        return compiler.stripped_copies.then(|| {
            let mut copy = file.clone();
            strip_source_retention(&mut copy, pool);
            copy
        });
    }
    strip_source_retention(file, pool);
    compiler.stripped_copies.then(|| file.clone())
}

/// A file read and lowered, ready to be built once its imports are.
struct Loaded {
    /// The file's id and source text, for source files.
    source: Option<(FileId, String)>,
    outcome: Outcome,
}

/// What reading and lowering one file gave.
enum Outcome {
    /// It could not be read, parsed or lowered; the diagnostics say why.
    Failed(Vec<Diagnostic>),
    /// Lowered (or taken from a descriptor set).
    Ready {
        file: Box<FileDescriptorProto>,
        spans: SpanMap,
        imports: Imports,
        diagnostics: Vec<Diagnostic>,
    },
}

impl Loaded {
    fn failed(diagnostics: Vec<Diagnostic>) -> Loaded {
        Loaded {
            source: None,
            outcome: Outcome::Failed(diagnostics),
        }
    }

    /// The files this one imports (nothing for a failed file).
    fn imports(&self) -> impl Iterator<Item = &String> {
        let file = match &self.outcome {
            Outcome::Ready { file, .. } => Some(file),
            Outcome::Failed(_) => None,
        };
        file.into_iter()
            .flat_map(|f| f.dependency.iter().chain(&f.option_dependency))
    }
}

/// True when `d` points into the file `id`.
fn mentions(d: &Diagnostic, id: FileId) -> bool {
    d.span.is_some_and(|s| s.file == id) || d.labels.iter().any(|l| l.span.file == id)
}

/// How many loaded files the workers may hold ahead of the build before they wait for it.
const AHEAD: usize = 64;

/// Reads, parses and lowers files for the build: worker threads take names from a queue (the
/// build's inputs first, each loaded file's imports pushed to the front, so the queue runs in
/// nearly the depth-first order the build asks for files) and keep at most [`AHEAD`] results
/// waiting. The build takes each file when it needs it, loading it itself when no worker has
/// started it, and loading the next queued files while a worker has it in hand, so results
/// never depend on timing and no core waits while there is a file to load.
struct Loader<'c> {
    compiler: &'c Compiler,
    include_paths: &'c IncludePaths,
    /// Whether lowering records spans for the diagnostics of later passes.
    keep_spans: bool,
    queue: Mutex<Queue>,
    /// Signalled whenever `queue` changes.
    changed: Condvar,
}

/// Closes the loader when dropped.
struct CloseOnDrop<'l, 'c>(&'l Loader<'c>);

impl Drop for CloseOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The loader's shared state.
#[derive(Default)]
struct Queue {
    /// Names to load, next first.
    todo: VecDeque<String>,
    /// Every name ever queued or taken.
    seen: HashSet<String>,
    /// Names a worker is loading.
    busy: HashSet<String>,
    /// Queued names the build loaded itself: workers skip them (cheaper than finding them in
    /// `todo`).
    taken: HashSet<String>,
    /// Loaded files the build has not taken yet.
    done: HashMap<String, Loaded>,
    /// The next source file id.
    next_id: u32,
    /// Set when the build is over: the workers stop.
    closed: bool,
    /// Set while the workers wait for the build to take files.
    paused: bool,
    /// How many workers wait on the condition variable.
    idle_workers: usize,
    /// Set while the build waits for a worker to finish a file.
    build_waiting: bool,
}

impl Queue {
    /// Queues the imports of `loaded` not seen yet, in import order, ahead of everything else.
    fn push_imports(&mut self, loaded: &Loaded) {
        let new: Vec<&String> = loaded
            .imports()
            .filter(|d| !self.seen.contains(d.as_str()))
            .collect();
        for dep in new.into_iter().rev() {
            if self.seen.insert(dep.clone()) {
                self.todo.push_front(dep.clone());
            }
        }
    }
}

impl<'c> Loader<'c> {
    fn new(
        compiler: &'c Compiler,
        include_paths: &'c IncludePaths,
        inputs: &[String],
        keep_spans: bool,
    ) -> Self {
        let mut queue = Queue::default();
        for name in inputs {
            if queue.seen.insert(name.clone()) {
                queue.todo.push_back(name.clone());
            }
        }
        Loader {
            compiler,
            include_paths,
            keep_spans,
            queue: Mutex::new(queue),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'q>(&self, guard: MutexGuard<'q, Queue>) -> MutexGuard<'q, Queue> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A worker thread: loads queued files until [`Loader::close`].
    fn work(&self) {
        let mut q = self.lock();
        loop {
            if q.closed {
                return;
            }
            // Once [`AHEAD`] files wait, pause until the build has taken half of them, so the
            // threads do not wake each other for every file.
            if q.done.len() >= AHEAD {
                q.paused = true;
            } else if q.done.len() <= AHEAD / 2 {
                q.paused = false;
            }
            let next = if q.paused { None } else { q.todo.pop_front() };
            let Some(name) = next else {
                q.idle_workers += 1;
                q = self.wait(q);
                q.idle_workers -= 1;
                continue;
            };
            q = self.load_queued(q, name);
            if q.build_waiting {
                self.changed.notify_all();
            }
        }
    }

    /// Loads `name`, just taken from the queue, outside the lock and leaves the result for the
    /// build (unless the build loaded it itself meanwhile); returns the lock again.
    fn load_queued<'q>(
        &'q self,
        mut q: MutexGuard<'q, Queue>,
        name: String,
    ) -> MutexGuard<'q, Queue> {
        if q.taken.remove(&name) {
            return q;
        }
        q.busy.insert(name.clone());
        drop(q);
        let loaded = self.load_one(&name);
        let mut q = self.lock();
        q.busy.remove(&name);
        q.push_imports(&loaded);
        q.done.insert(name, loaded);
        q
    }

    /// Stops the workers.
    fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// The loaded file `name`, taken from the workers' results or loaded here.
    fn take(&self, name: &str) -> Loaded {
        let mut q = self.lock();
        loop {
            if let Some(loaded) = q.done.remove(name) {
                // A paused worker can go on once half of the files ahead were taken.
                if q.idle_workers > 0 && q.done.len() <= AHEAD / 2 {
                    self.changed.notify_all();
                }
                return loaded;
            }
            if !q.busy.contains(name) {
                break;
            }
            // A worker has it in hand (a large file takes a while): load the next queued file
            // meanwhile rather than wait.
            if let Some(other) = q.todo.pop_front() {
                q = self.load_queued(q, other);
                continue;
            }
            q.build_waiting = true;
            q = self.wait(q);
            q.build_waiting = false;
        }
        // No worker has started it: load it here rather than wait.
        if !q.seen.insert(name.to_string()) {
            q.taken.insert(name.to_string());
        }
        drop(q);
        let loaded = self.load_one(name);
        let mut q = self.lock();
        q.push_imports(&loaded);
        if q.idle_workers > 0 {
            self.changed.notify_all();
        }
        loaded
    }

    fn open(&self, name: &str) -> Result<Option<FileContent>, String> {
        if let Some(c) = self.include_paths.open(name)? {
            return Ok(Some(c));
        }
        if let Some(c) = Bundled.open(name)? {
            return Ok(Some(c));
        }
        self.compiler.descriptor_sets.open(name)
    }

    /// Opens, parses and lowers one file.
    fn load_one(&self, name: &str) -> Loaded {
        match self.open(name) {
            Ok(Some(FileContent::Source(text))) => {
                let id = {
                    let mut q = self.lock();
                    q.next_id += 1;
                    FileId(q.next_id - 1)
                };
                let outcome = parse_and_lower(
                    name,
                    id,
                    &text,
                    self.compiler.include_source_info,
                    self.keep_spans,
                );
                Loaded {
                    source: Some((id, text)),
                    outcome,
                }
            }
            Ok(Some(FileContent::Descriptor(file))) => {
                // protoc builds a file from a descriptor set only if it passes the checks its
                // parser makes on a source file.
                let errors = crate::check::descriptor_input(&file);
                if !errors.is_empty() {
                    return Loaded::failed(errors);
                }
                let imports = file.dependency.iter().map(|d| (d.clone(), None)).collect();
                Loaded {
                    source: None,
                    outcome: Outcome::Ready {
                        file,
                        spans: SpanMap::default(),
                        imports,
                        diagnostics: Vec::new(),
                    },
                }
            }
            Ok(None) => Loaded::failed(vec![Diagnostic::file_error(name, "File not found.")]),
            Err(message) => Loaded::failed(vec![Diagnostic::file_error(name, message)]),
        }
    }
}

/// Parses and lowers the source `text` of the file `id`, named `name`; builds its source info
/// only when `keep_source_info`. The syntax tree is dropped here.
fn parse_and_lower(
    name: &str,
    id: FileId,
    text: &str,
    keep_source_info: bool,
    keep_spans: bool,
) -> Outcome {
    // Comments only feed source info.
    let (tree, mut diagnostics) = if keep_source_info {
        protoforge_parse::parse_file(id, text)
    } else {
        protoforge_parse::parse_file_without_comments(id, text)
    };
    let parse_failed = tree.is_none() || diagnostics.iter().any(Diagnostic::is_error);
    let Some(tree) = tree.filter(|_| !parse_failed) else {
        return Outcome::Failed(diagnostics);
    };
    let lowered = crate::lower::lower(name, &tree, text, keep_source_info, keep_spans);
    let lower_failed = lowered.diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(lowered.diagnostics);
    if lower_failed {
        return Outcome::Failed(diagnostics);
    }
    let imports = tree
        .items
        .iter()
        .filter_map(|item| match item {
            ast::FileItem::Import(i) => Some((i.path.to_string_lossy(), Some(i.span))),
            _ => None,
        })
        .collect();
    Outcome::Ready {
        file: Box::new(lowered.file),
        spans: lowered.spans,
        imports,
        diagnostics,
    }
}

/// How many worker threads load files beside the build: one fewer than the cores (the build
/// runs on the calling thread), at most three.
fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .saturating_sub(1)
        .min(3)
}

/// Puts the texts into a source map at their file ids (handed out as files were opened; an id
/// without a text, which should not happen, gets an empty placeholder).
fn source_map(mut texts: Vec<(FileId, String, String)>) -> SourceMap {
    texts.sort_by_key(|(id, _, _)| id.0);
    let mut sources = SourceMap::new();
    for (id, name, text) in texts {
        while (sources.len() as u64) < u64::from(id.0) {
            sources.add("", "");
        }
        sources.add(name, text);
    }
    sources
}

/// Drops `value` on a short-lived thread, so the caller does not wait for many small frees.
fn drop_in_background<T: Send + 'static>(value: T) {
    // When no thread can be started, the value is dropped here with the failed spawn's closure.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Sets the computed `json_name` of every field and extension that has none.
fn fill_json_names(file: &mut FileDescriptorProto) {
    fn fields(list: &mut [FieldDescriptorProto]) {
        for f in list {
            if f.json_name.is_none() {
                f.json_name = Some(protoforge::naming::to_json_name(
                    f.name.as_deref().unwrap_or(""),
                ));
            }
        }
    }
    fn message(m: &mut DescriptorProto) {
        fields(&mut m.field);
        fields(&mut m.extension);
        for n in &mut m.nested_type {
            message(n);
        }
    }
    for m in &mut file.message_type {
        message(m);
    }
    fields(&mut file.extension);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_pieces_join_to_the_set_encoding() {
        let src = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/descriptors/protobuf/src"
        );
        let compiled = Compiler::new()
            .include_path(src)
            .include_imports(true)
            .compile(&[format!("{src}/google/protobuf/unittest.proto")])
            .expect("the corpus file compiles");
        let mut set = compiled.files;
        assert!(set.file.len() > 2, "unittest.proto has imports");
        set.unknown_fields
            .push(99, protoforge::UnknownValue::Varint(7));
        let joined: Vec<u8> = encode_set_in_pieces(&set).concat();
        assert_eq!(joined, set.encode_to_vec());
    }
}
