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

use std::collections::{HashMap, HashSet};

use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
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
}

/// The result of a successful compilation.
#[derive(Debug, Default)]
pub struct Compiled {
    /// What protoc writes with `--descriptor_set_out`.
    pub files: FileDescriptorSet,
    /// Warnings (the compilation succeeded regardless).
    pub warnings: Vec<Diagnostic>,
    /// The source texts, to render the warnings.
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

    /// Compiles `files` (paths as given on protoc's command line: disk paths under an
    /// include path, or virtual names).
    pub fn compile<S: AsRef<str>>(&self, files: &[S]) -> Result<Compiled, CompileError> {
        let mut include_paths = self.include_paths.clone();
        if include_paths.is_empty() {
            include_paths.add(".");
        }
        let mut inputs = Vec::new();
        for f in files {
            let f = f.as_ref();
            match include_paths.virtual_name(f) {
                Ok(v) => inputs.push(v),
                Err(_) if self.has_descriptor(f) => inputs.push(f.to_string()),
                Err(e) => return Err(CompileError::bare(e.message(f))),
            }
        }
        let mut build = Build {
            compiler: self,
            inputs: inputs.iter().cloned().collect(),
            include_paths: &include_paths,
            sources: SourceMap::new(),
            pool: Pool::new(),
            state: HashMap::new(),
            stack: Vec::new(),
            outputs: HashMap::new(),
            prefetched: HashMap::new(),
            diagnostics: Vec::new(),
        };
        build.prefetch(&inputs);
        let mut ok = true;
        for name in &inputs {
            ok &= build.load(name);
        }
        let has_errors = build.diagnostics.iter().any(Diagnostic::is_error);
        if !ok || has_errors {
            if !has_errors {
                // A file failed without saying why; never fail silently.
                build
                    .diagnostics
                    .push(Diagnostic::bare_error("compilation failed"));
            }
            return Err(CompileError {
                diagnostics: build.diagnostics,
                sources: build.sources,
            });
        }
        let mut order = Vec::new();
        if self.include_imports {
            let mut seen = HashSet::new();
            for name in &inputs {
                build.post_order(name, &mut seen, &mut order);
            }
        } else {
            let mut seen = HashSet::new();
            order.extend(inputs.iter().filter(|n| seen.insert(n.as_str())).cloned());
        }
        let mut set = FileDescriptorSet::default();
        for name in order {
            if let Some(mut file) = build.outputs.remove(&name) {
                if !self.include_source_info {
                    file.source_code_info = None;
                }
                set.file.push(file);
            }
        }
        Ok(Compiled {
            files: set,
            warnings: build.diagnostics,
            sources: build.sources,
        })
    }

    fn has_descriptor(&self, name: &str) -> bool {
        matches!(self.descriptor_sets.open(name), Ok(Some(_)))
    }
}

/// A file's imports in order: the imported name and the import statement's span (none for
/// files from descriptor sets).
type Imports = Vec<(String, Option<Span>)>;

/// The state of one compilation.
struct Build<'c> {
    compiler: &'c Compiler,
    /// The files named on the command line (protoc warns about unused imports only there).
    inputs: HashSet<String>,
    include_paths: &'c IncludePaths,
    sources: SourceMap,
    pool: Pool,
    /// Files already loaded: true when built without errors.
    state: HashMap<String, bool>,
    /// Files being loaded (protoc's pending files), with their imports and the imports' spans.
    stack: Vec<(String, Imports)>,
    /// Files read ahead of the build by [`Build::prefetch`].
    prefetched: HashMap<String, Loaded>,
    /// Finished descriptors by name.
    outputs: HashMap<String, FileDescriptorProto>,
    diagnostics: Vec<Diagnostic>,
}

impl Build<'_> {
    /// Whether lowered files keep their `source_code_info` (only when it is output).
    fn keep_source_info(&self) -> bool {
        self.compiler.include_source_info
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

    fn post_order(&self, name: &str, seen: &mut HashSet<String>, order: &mut Vec<String>) {
        if !seen.insert(name.to_string()) {
            return;
        }
        if let Some(f) = self.outputs.get(name) {
            for dep in f.dependency.iter().chain(&f.option_dependency) {
                self.post_order(dep, seen, order);
            }
        }
        order.push(name.to_string());
    }

    /// Loads, builds and records `name` and (first) its imports. Returns true when the file
    /// was built without errors.
    fn load(&mut self, name: &str) -> bool {
        if let Some(&ok) = self.state.get(name) {
            return ok;
        }
        let loaded = match self.prefetched.remove(name) {
            Some(l) => l,
            None => self.read(name),
        };
        let (file, spans, import_spans) = match loaded {
            Loaded::Failed(diagnostics) => {
                self.diagnostics.extend(diagnostics);
                self.state.insert(name.to_string(), false);
                return false;
            }
            Loaded::Ready {
                file,
                spans,
                imports,
                diagnostics,
            } => {
                self.diagnostics.extend(diagnostics);
                (*file, spans, imports)
            }
        };
        // Dependencies first, detecting cycles like protoc's pending-file list.
        self.stack.push((name.to_string(), import_spans.clone()));
        let mut dep_ok = Vec::with_capacity(file.dependency.len());
        for dep in &file.dependency {
            if let Some(k) = self.stack.iter().position(|(n, _)| n == dep) {
                self.cycle_error(k, dep);
                dep_ok.push(false);
            } else {
                dep_ok.push(self.load(dep));
            }
        }
        // `import option` files are loaded too (their extensions are usable in options).
        for dep in &file.option_dependency {
            if !self.stack.iter().any(|(n, _)| n == dep) {
                self.load(dep);
            }
        }
        self.stack.pop();
        let ok = self.build(file, spans, &import_spans, &dep_ok);
        self.state.insert(name.to_string(), ok);
        ok
    }

    /// Opens `name`; source files are added to the source map but not parsed yet.
    fn open_for_parse(&mut self, name: &str) -> Result<FileId, Loaded> {
        match self.open(name) {
            Ok(Some(FileContent::Source(text))) => Ok(self.sources.add(name, text)),
            Ok(Some(FileContent::Descriptor(file))) => {
                let imports = file.dependency.iter().map(|d| (d.clone(), None)).collect();
                Err(Loaded::Ready {
                    file,
                    spans: SpanMap::default(),
                    imports,
                    diagnostics: Vec::new(),
                })
            }
            Ok(None) => Err(Loaded::Failed(vec![Diagnostic::file_error(
                name,
                "File not found.",
            )])),
            Err(message) => Err(Loaded::Failed(vec![Diagnostic::file_error(name, message)])),
        }
    }

    /// Opens, parses and lowers one file.
    fn read(&mut self, name: &str) -> Loaded {
        match self.open_for_parse(name) {
            Ok(id) => parse_and_lower(name, id, &self.sources, self.keep_source_info()),
            Err(loaded) => loaded,
        }
    }

    /// Opens, parses and lowers `roots` and everything they import, ahead of the build, in
    /// waves (the files of one wave in parallel). The build then takes files from here in
    /// protoc's order, so the result does not depend on the parallelism.
    fn prefetch(&mut self, roots: &[String]) {
        let mut seen: HashSet<String> = HashSet::new();
        let mut wave: Vec<String> = roots
            .iter()
            .filter(|r| seen.insert(r.to_string()))
            .cloned()
            .collect();
        while !wave.is_empty() {
            let mut jobs = Vec::new();
            for name in wave {
                match self.open_for_parse(&name) {
                    Ok(id) => jobs.push((name, id)),
                    Err(loaded) => {
                        self.prefetched.insert(name, loaded);
                    }
                }
            }
            let sources = &self.sources;
            let keep = self.keep_source_info();
            let results = par_map(&jobs, |(name, id)| {
                parse_and_lower(name, *id, sources, keep)
            });
            let mut next = Vec::new();
            for ((name, _), loaded) in jobs.into_iter().zip(results) {
                if let Loaded::Ready { file, .. } = &loaded {
                    for dep in file.dependency.iter().chain(&file.option_dependency) {
                        if seen.insert(dep.clone()) {
                            next.push(dep.clone());
                        }
                    }
                }
                self.prefetched.insert(name, loaded);
            }
            wave = next;
        }
    }

    /// protoc's "File recursively imports itself" error, at the import that starts the cycle.
    fn cycle_error(&mut self, start: usize, dep: &str) {
        let mut chain: Vec<&str> = self.stack[start..]
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        chain.push(dep);
        let message = format!("File recursively imports itself: {}", chain.join(" -> "));
        // The import in the cycle's first file of the cycle's second file.
        let (first, imports) = &self.stack[start];
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
        import_spans: &Imports,
        dep_ok: &[bool],
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
        self.pool.take_used_files();
        // The pool keeps its own copy of the file, without the source info it never reads.
        let conflicts = self.pool.add_file(without_source_info(&mut file));
        diags.extend(link::conflict_diagnostics(&name, &conflicts, &spans));
        diags.extend(link::link(&mut file, &self.pool, &spans));
        self.pool.replace_file(without_source_info(&mut file));
        // Like protoc, options are only interpreted in a file without errors so far.
        if !diags.iter().any(Diagnostic::is_error) {
            diags.extend(interpret_options(&mut file, &self.pool, &spans));
            self.pool.replace_file(without_source_info(&mut file));
        }
        let earlier_errors = diags.iter().any(Diagnostic::is_error);
        diags.extend(check(&file, &self.pool, &spans, earlier_errors));
        // protoc's deferred feature/target validation, for files without errors.
        if !diags.iter().any(Diagnostic::is_error) {
            diags.extend(crate::options::validate(&mut file, &self.pool, &spans));
        }
        let failed = diags.iter().any(Diagnostic::is_error);
        if !failed && self.inputs.contains(&name) {
            let used = self.pool.take_used_files();
            diags.extend(unused_imports(&file, &self.pool, &used, import_spans));
        }
        self.diagnostics.extend(diags);
        if failed {
            self.pool.remove_last_file();
            return false;
        }
        if !self.compiler.retain_options {
            strip_source_retention(&mut file, &self.pool);
        }
        fill_json_names(&mut file);
        self.outputs.insert(name, file);
        true
    }
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
) -> Vec<Diagnostic> {
    crate::options::interpret(file, pool, spans)
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

/// A file read and lowered, ready to be built once its imports are.
enum Loaded {
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

/// Parses and lowers the source file `id` of `sources`, named `name`; drops the source info
/// unless `keep_source_info`.
fn parse_and_lower(name: &str, id: FileId, sources: &SourceMap, keep_source_info: bool) -> Loaded {
    let source = sources.get(id);
    let (tree, mut diagnostics) = protoforge_parse::parse_file(id, source.text());
    let parse_failed = tree.is_none() || diagnostics.iter().any(Diagnostic::is_error);
    let Some(tree) = tree.filter(|_| !parse_failed) else {
        return Loaded::Failed(diagnostics);
    };
    let mut lowered = crate::lower::lower(name, &tree, source);
    if !keep_source_info {
        lowered.file.source_code_info = None;
    }
    let lower_failed = lowered.diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(lowered.diagnostics);
    if lower_failed {
        return Loaded::Failed(diagnostics);
    }
    let imports = tree
        .items
        .iter()
        .filter_map(|item| match item {
            ast::FileItem::Import(i) => Some((i.path.to_string_lossy(), Some(i.span))),
            _ => None,
        })
        .collect();
    Loaded::Ready {
        file: Box::new(lowered.file),
        spans: lowered.spans,
        imports,
        diagnostics,
    }
}

/// Runs `f` over `items` on up to four threads, keeping the order of the results.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    if threads <= 1 || items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Sets the computed `json_name` of every field and extension that has none.
fn fill_json_names(file: &mut FileDescriptorProto) {
    fn fields(list: &mut [FieldDescriptorProto]) {
        for f in list {
            if f.json_name.is_none() {
                f.json_name = Some(to_json_name(f.name.as_deref().unwrap_or("")));
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

/// protoc's `ToJsonName`: drops underscores and upper-cases the letter after each.
pub(crate) fn to_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_like_protoc() {
        assert_eq!(to_json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(to_json_name("_foo"), "Foo");
        assert_eq!(to_json_name("foo__bar_"), "fooBar");
        assert_eq!(to_json_name("FooBar"), "FooBar");
        assert_eq!(to_json_name("foo_1bar"), "foo1bar");
    }
}
