//! The public entry point: the [`Compiler`] builder, what a compilation gives
//! ([`Compiled`], [`CompileError`]), and [`Compiler::compile`], which maps the input names and
//! runs the fast path, then the strict one when the fast path has something to say.
//!
//! One file a job below it:
//! - `build`: the driver that runs every pass over the import graph in protoc's order and
//!   assembles the `FileDescriptorSet`; `build/deferred` runs the fast path's deferred checks
//!   and output copies on all cores.
//! - `loader`: reading, parsing and lowering files on worker threads ahead of the build.
//! - `parallel`: [`parallel_map`], work spread over every core with results in order.

mod build;
mod loader;
mod parallel;

use protoforge::descriptor::FileDescriptorSet;
use protoforge_parse::{Diagnostic, ErrorFormat, SourceMap, render_diagnostic};

use crate::resolve::{DescriptorSets, FileResolver as _, IncludePaths};
pub use parallel::parallel_map;

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

    /// Treats every file under the disk directory `dir` as absent, whichever include path
    /// maps to it: importing one fails as if it did not exist (what a buf module's
    /// `excludes` mean for the module's own files).
    pub fn hide_path(mut self, dir: impl AsRef<str>) -> Compiler {
        self.include_paths.hide(dir.as_ref());
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

    fn has_descriptor(&self, name: &str) -> bool {
        matches!(self.descriptor_sets.open(name), Ok(Some(_)))
    }
}
