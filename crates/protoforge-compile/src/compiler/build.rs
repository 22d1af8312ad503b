//! The build driver: one compilation of the inputs, depth first from each input (imports
//! before importers, like protoc's descriptor pool), each file lowered by the [`Loader`], added
//! to the [`Pool`], linked, its options interpreted and its rules checked. A file with errors is
//! taken out of the pool again, and every file importing it gets protoc's `Import "x" was not
//! found or had errors.`. The result is the `FileDescriptorSet` protoc writes with
//! `--descriptor_set_out`: computed `json_name` on every field, `source_code_info` only on
//! request, imports (in protoc's order) only on request.
//!
//! The build stays on the calling thread, in protoc's order, so diagnostics and output never
//! depend on timing. It runs on one of two paths. On the fast path files are lowered without
//! the span maps diagnostics need, and the checks that only read the pool (protoc's rules,
//! option validation, unused imports) and the output copies are deferred until every file is
//! built (`deferred`); a build step or deferred check with anything to say makes the
//! compilation be done again on the strict path, in protoc's order with spans, so failing
//! builds report exactly what protoc reports.

mod deferred;

use std::collections::{HashMap, HashSet};

use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet, SourceCodeInfo,
};
use protoforge_parse::{Diagnostic, FileId, SourceMap};

use super::loader::{CloseOnDrop, Imports, Loaded, Loader, Outcome, worker_count};
use super::{CompileError, Compiled, Compiler};
use crate::link;
use crate::resolve::IncludePaths;
use crate::span_map::SpanMap;
use crate::symbols::{NameReport, Pool};

impl Compiler {
    /// One compilation of `inputs`. With `defer_checks` (the fast path: files lowered without
    /// spans, checks deferred), returns `None` when a build step or a deferred check has
    /// something to say (the caller then compiles again without deferring).
    pub(super) fn run(
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
}

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
        let names = if self.pool.contains_file(&name) {
            // Not expected (each name is built once); the pool keeps the first file.
            NameReport::default()
        } else {
            // The pool takes the file for its symbols and gives it back for editing: linking
            // and option interpretation change it in place, without a copy.
            let names = self.pool.add_file(file);
            match self.pool.take_file(&name) {
                Some(taken) => file = taken,
                None => return false,
            }
            names
        };
        // What linking and option interpretation report comes after the checks' build phase,
        // which reports `names` where protoc's build does; linking's errors go out with the
        // cross-link checks of the same elements.
        let link_errors = link::link(&mut file, &self.pool, &spans);
        let mut linked: Vec<Diagnostic> = Vec::new();
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
                linked.push(match span {
                    Some(s) => Diagnostic::error(s, message),
                    None => Diagnostic::file_error(name.clone(), message),
                });
            }
        }
        // Like protoc, options are only interpreted in a file without errors so far.
        let earlier_errors = diags.iter().chain(&linked).any(Diagnostic::is_error)
            || link_errors.iter().any(|(_, d)| d.is_error());
        if !earlier_errors && names.is_empty() {
            // Option interpretation reads this file's definitions from `file` itself; from the
            // pool it needs only the extension index, which linking changed.
            self.pool.reindex_extensions(&file);
            linked.extend(interpret_options(
                &mut file,
                &self.pool,
                &spans,
                &self.shared_fields,
            ));
        }
        if self.defer_checks
            && !(diags.is_empty()
                && linked.is_empty()
                && link_errors.is_empty()
                && names.is_empty())
        {
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
        let earlier_errors = diags.iter().chain(&linked).any(Diagnostic::is_error)
            || link_errors.iter().any(|(_, d)| d.is_error());
        let checked = check(
            &file,
            &self.pool,
            &spans,
            &names,
            link_errors,
            earlier_errors,
        );
        diags.extend(checked.build);
        diags.extend(checked.cross_link);
        diags.extend(linked);
        diags.extend(checked.rest);
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

/// True when `d` points into the file `id`.
fn mentions(d: &Diagnostic, id: FileId) -> bool {
    d.span.is_some_and(|s| s.file == id) || d.labels.iter().any(|l| l.span.file == id)
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
        let message = crate::check::diagnostics::import_unused(dep);
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
fn without_source_info(file: &mut FileDescriptorProto) -> FileDescriptorProto {
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

/// Checks protoc's rules (the `check` pass), reporting `names` (what adding the file's
/// symbols found) and `linked` (what linking found) where protoc does.
fn check(
    file: &FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
    names: &NameReport,
    linked: Vec<(Vec<i32>, Diagnostic)>,
    earlier_errors: bool,
) -> crate::check::Checked {
    crate::check::check(file, pool, spans, names, linked, earlier_errors)
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
                f.json_name = Some(protoforge::__private::naming::to_json_name(
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
