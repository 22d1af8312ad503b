//! `protoforge-build`: compiles `.proto` files from a `build.rs` and writes the generated Rust
//! into `OUT_DIR`, with no protoc needed.
//!
//! Owns the build-script surface only: a [`Builder`] wrapping
//! [`protoforge_codegen::Config`] (one configuration surface, shared with `--rust_opt` and
//! the protoc plugin), the `cargo:rerun-if-changed` lines for every `.proto` file read
//! (imports included), readable compile errors in the build output, and the optional
//! descriptor set file for reflection. Compiling is `protoforge-compile`'s job and generating
//! is `protoforge-codegen`'s; this crate never parses `.proto` text itself.
//!
//! Output: one `<package>.rs` per protobuf package (`_.rs` without a package), to bring in
//! with `include!(concat!(env!("OUT_DIR"), "/my.pkg.rs"))`, plus the include file if one is
//! configured.
//!
//! ```no_run
//! // build.rs
//! fn main() -> std::io::Result<()> {
//!     protoforge_build::configure()
//!         .btree_map(["."])
//!         .compile_protos(&["proto/route_guide.proto"], &["proto"])
//! }
//! ```

use std::io;
use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::Config;
use protoforge_compile::resolve::IncludePaths;
use protoforge_compile::{Compiler, ErrorFormat, render_diagnostic};

/// Starts a [`Builder`] with the default configuration.
///
/// # Examples
///
/// ```no_run
/// protoforge_build::configure()
///     .build_server(false)
///     .compile_protos(&["proto/app.proto"], &["proto"])?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn configure() -> Builder {
    Builder::default()
}

/// Compiles `protos` found under `includes` with the default configuration into `OUT_DIR`.
///
/// # Examples
///
/// ```no_run
/// protoforge_build::compile_protos(&["proto/app.proto"], &["proto"])?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn compile_protos(
    protos: &[impl AsRef<Path>],
    includes: &[impl AsRef<Path>],
) -> io::Result<()> {
    configure().compile_protos(protos, includes)
}

/// The settings of one build-script compilation: code generation options
/// ([`protoforge_codegen::Config`]) plus where outputs go.
#[derive(Clone, Debug)]
pub struct Builder {
    config: Config,
    out_dir: Option<PathBuf>,
    descriptor_set_path: Option<PathBuf>,
    include_imports: bool,
    emit_rerun: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            config: Config::new(),
            out_dir: None,
            descriptor_set_path: None,
            include_imports: true,
            emit_rerun: true,
        }
    }
}

impl Builder {
    /// Replaces the whole code generation configuration, e.g. one parsed with
    /// [`Config::from_options`].
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::from_options("btree_map=.").unwrap();
    /// let builder = protoforge_build::configure().config(config);
    /// # let _ = builder;
    /// ```
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Map fields matching any of `paths` become `BTreeMap` (see
    /// [`Config`] for path syntax).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().btree_map(["."]);
    /// # let _ = builder;
    /// ```
    pub fn btree_map<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config = self.config.btree_map(paths);
        self
    }

    /// `bytes` fields matching any of `paths` become `bytes::Bytes`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().bytes([".my.pkg.Blob.data"]);
    /// # let _ = builder;
    /// ```
    pub fn bytes<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config = self.config.bytes(paths);
        self
    }

    /// Adds `attribute` to every message, enum and oneof enum matching `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().type_attribute(".", "#[derive(Hash)]");
    /// # let _ = builder;
    /// ```
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.config = self.config.type_attribute(path, attribute);
        self
    }

    /// Adds `attribute` to every message struct matching `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().message_attribute(".", "#[must_use]");
    /// # let _ = builder;
    /// ```
    pub fn message_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.config = self.config.message_attribute(path, attribute);
        self
    }

    /// Adds `attribute` to every enum matching `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().enum_attribute(".", "#[non_exhaustive]");
    /// # let _ = builder;
    /// ```
    pub fn enum_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.config = self.config.enum_attribute(path, attribute);
        self
    }

    /// Adds `attribute` to every field or oneof variant matching `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().field_attribute("Point.latitude", "#[doc(hidden)]");
    /// # let _ = builder;
    /// ```
    pub fn field_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.config = self.config.field_attribute(path, attribute);
        self
    }

    /// Uses the Rust path `rust_path` for the protobuf package or type `proto_path` instead
    /// of generating it.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().extern_path(".common", "::common_types");
    /// # let _ = builder;
    /// ```
    pub fn extern_path(
        mut self,
        proto_path: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Self {
        self.config = self.config.extern_path(proto_path, rust_path);
        self
    }

    /// Whether to generate gRPC servers (default on).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().build_server(false);
    /// # let _ = builder;
    /// ```
    pub fn build_server(mut self, enabled: bool) -> Self {
        self.config = self.config.build_server(enabled);
        self
    }

    /// Whether to generate gRPC clients (default on).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().build_client(false);
    /// # let _ = builder;
    /// ```
    pub fn build_client(mut self, enabled: bool) -> Self {
        self.config = self.config.build_client(enabled);
        self
    }

    /// The path of the runtime crate in generated code (default `::protoforge`), e.g. a
    /// re-export from your own crate.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().runtime_crate("crate::rt");
    /// # let _ = builder;
    /// ```
    pub fn runtime_crate(mut self, path: impl Into<String>) -> Self {
        self.config = self.config.runtime_crate(path);
        self
    }

    /// Also writes `name`, declaring the module tree of every package, to bring everything
    /// in with one `include!`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().include_file("protos.rs");
    /// # let _ = builder;
    /// ```
    pub fn include_file(mut self, name: impl Into<String>) -> Self {
        self.config = self.config.include_file(name);
        self
    }

    /// No rustdoc from `.proto` comments for elements matching any of `paths`.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().disable_comments(["."]);
    /// # let _ = builder;
    /// ```
    pub fn disable_comments<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config = self.config.disable_comments(paths);
        self
    }

    /// Writes package files meant for `mod` declarations (the include file, then named
    /// `mod.rs`, declares them with `#[path]`) instead of `include!` targets.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().include_file("mod.rs").module_files(true);
    /// # let _ = builder;
    /// ```
    pub fn module_files(mut self, enabled: bool) -> Self {
        self.config = self.config.module_files(enabled);
        self
    }

    /// Whether `google/protobuf/descriptor.proto` types that are not generated come from the
    /// runtime's `descriptor` module (default on).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().descriptor_from_runtime(false);
    /// # let _ = builder;
    /// ```
    pub fn descriptor_from_runtime(mut self, enabled: bool) -> Self {
        self.config = self.config.descriptor_from_runtime(enabled);
        self
    }

    /// Whether well-known types that are not generated are expected elsewhere in the same
    /// generated tree instead of coming from the runtime's `wkt` module (default off).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().compile_well_known_types(true);
    /// # let _ = builder;
    /// ```
    pub fn compile_well_known_types(mut self, enabled: bool) -> Self {
        self.config = self.config.compile_well_known_types(enabled);
        self
    }

    /// The path of the tonic crate in generated services (default `::tonic`).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().grpc_transport_path("::my_tonic");
    /// # let _ = builder;
    /// ```
    pub fn grpc_transport_path(mut self, path: impl Into<String>) -> Self {
        self.config = self.config.grpc_transport_path(path);
        self
    }

    /// Whether a missing `required` field makes decoding fail (default off).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().required_is_decode_error(true);
    /// # let _ = builder;
    /// ```
    pub fn required_is_decode_error(mut self, enabled: bool) -> Self {
        self.config = self.config.required_is_decode_error(enabled);
        self
    }

    /// Generates reflection support (`ReflectMessage` and a `FILE_DESCRIPTOR_SET` constant
    /// per package; needs the runtime's `reflect` feature).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().reflect(true);
    /// # let _ = builder;
    /// ```
    pub fn reflect(mut self, enabled: bool) -> Self {
        self.config = self.config.reflect(enabled);
        self
    }

    /// Generates only the `FILE_DESCRIPTOR_SET` constant per package (no runtime feature
    /// needed).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().file_descriptor_set(true);
    /// # let _ = builder;
    /// ```
    pub fn file_descriptor_set(mut self, enabled: bool) -> Self {
        self.config = self.config.file_descriptor_set(enabled);
        self
    }

    /// Implements serde's traits through the proto3 JSON mapping (implies `reflect`; needs
    /// the runtime's `json` feature).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().serde(true);
    /// # let _ = builder;
    /// ```
    pub fn serde(mut self, enabled: bool) -> Self {
        self.config = self.config.serde(enabled);
        self
    }

    /// Also writes `protoforge_runtime.rs`, the runtime's source, so the generated code needs
    /// no runtime dependency (see `Config::bundle_runtime`).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().bundle_runtime(true);
    /// # let _ = builder;
    /// ```
    pub fn bundle_runtime(mut self, enabled: bool) -> Self {
        self.config = self.config.bundle_runtime(enabled);
        self
    }

    /// Where to write the generated files (default: the `OUT_DIR` cargo sets).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().out_dir("src/generated");
    /// # let _ = builder;
    /// ```
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Also writes the encoded `FileDescriptorSet` (with source info) to `path`, e.g. for
    /// gRPC reflection.
    ///
    /// # Examples
    ///
    /// ```
    /// let out = std::env::var("OUT_DIR").unwrap_or_default();
    /// let builder = protoforge_build::configure()
    ///     .file_descriptor_set_path(std::path::Path::new(&out).join("descriptors.bin"));
    /// # let _ = builder;
    /// ```
    pub fn file_descriptor_set_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.descriptor_set_path = Some(path.into());
        self
    }

    /// Whether the descriptor set file also holds every imported file (default on).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().include_imports(false);
    /// # let _ = builder;
    /// ```
    pub fn include_imports(mut self, enabled: bool) -> Self {
        self.include_imports = enabled;
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default on; turn off outside build
    /// scripts).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = protoforge_build::configure().emit_rerun_if_changed(false);
    /// # let _ = builder;
    /// ```
    pub fn emit_rerun_if_changed(mut self, enabled: bool) -> Self {
        self.emit_rerun = enabled;
        self
    }

    /// Compiles `protos` (disk paths under one of `includes`, as on protoc's command line),
    /// generates Rust and writes it. Compile errors are printed to stderr in protoc's form
    /// and as annotated snippets, and returned as an error.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// protoforge_build::configure()
    ///     .include_file("protos.rs")
    ///     .compile_protos(&["proto/a.proto", "proto/b.proto"], &["proto"])?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn compile_protos(
        &self,
        protos: &[impl AsRef<Path>],
        includes: &[impl AsRef<Path>],
    ) -> io::Result<()> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    io::Error::other(
                        "OUT_DIR is not set: run from a build script or call `out_dir`",
                    )
                })?,
        };
        let path_text = |p: &Path| p.to_string_lossy().into_owned();
        let inputs: Vec<String> = protos.iter().map(|p| path_text(p.as_ref())).collect();
        let mut compiler = Compiler::new()
            .include_imports(true)
            .include_source_info(true);
        let mut include_paths = IncludePaths::new();
        for include in includes {
            compiler = compiler.include_path(path_text(include.as_ref()));
            include_paths.add(&path_text(include.as_ref()));
        }
        let compiled = match compiler.compile(&inputs) {
            Ok(compiled) => compiled,
            Err(error) => {
                if self.emit_rerun {
                    // The files named on the command line are watched so a fix rebuilds.
                    for input in &inputs {
                        println!("cargo:rerun-if-changed={input}");
                    }
                }
                let protoc_form = error.render(ErrorFormat::Gcc);
                eprintln!("{protoc_form}");
                eprintln!("{}", error.render(ErrorFormat::Pretty { color: false }));
                return Err(io::Error::other(BuildError(format!(
                    "protoforge: compiling .proto files failed:\n{}",
                    protoc_form.trim_end()
                ))));
            }
        };
        if self.emit_rerun {
            for disk in files_read(&compiled.files, &include_paths) {
                println!("cargo:rerun-if-changed={}", disk.display());
            }
            // Warnings show in cargo's output only as `cargo:warning` lines.
            for warning in &compiled.warnings {
                let text = render_diagnostic(warning, &compiled.sources, ErrorFormat::Gcc);
                for line in text.lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
        let generate: Vec<String> = inputs
            .iter()
            .filter_map(|input| include_paths.virtual_name(input).ok())
            .collect();
        let files = protoforge_codegen::generate(&compiled.files, &generate, &self.config)
            .map_err(|e| {
                io::Error::other(BuildError(format!(
                    "protoforge: code generation failed: {e}"
                )))
            })?;
        std::fs::create_dir_all(&out_dir)?;
        for file in files {
            write_if_changed(&out_dir.join(&file.name), file.content.as_bytes())?;
        }
        if let Some(path) = &self.descriptor_set_path {
            let mut set = FileDescriptorSet {
                file: compiled.files.file,
                ..Default::default()
            };
            if !self.include_imports {
                set.file.retain(|f| generate.iter().any(|g| g == f.name()));
            }
            write_if_changed(path, &set.encode_to_vec())?;
        }
        Ok(())
    }
}

/// A build failure whose `Debug` form is its plain text, so the `Error: ...` line cargo
/// prints when `main` returns it keeps its line breaks instead of escaping them.
struct BuildError(String);

impl std::fmt::Debug for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n{}\n", self.0)
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

/// The disk files behind every file of `set` (compiled with imports), found through the
/// include paths; bundled `google/protobuf` files have none.
fn files_read(set: &FileDescriptorSet, include_paths: &IncludePaths) -> Vec<PathBuf> {
    set.file
        .iter()
        .filter_map(|file| include_paths.disk_file(file.name()))
        .collect()
}

/// Writes `content` to `path` unless it already holds exactly that, so unchanged outputs
/// keep their modification time and dependants are not rebuilt.
fn write_if_changed(path: &Path, content: &[u8]) -> io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_watched_and_bundled_files_are_not() {
        let dir =
            std::env::temp_dir().join(format!("protoforge-build-rerun-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(
            dir.join("a.proto"),
            "syntax = \"proto3\";\nimport \"sub/b.proto\";\nimport \"google/protobuf/empty.proto\";\nmessage A { B b = 1; }\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("sub/b.proto"),
            "syntax = \"proto3\";\nmessage B {}\n",
        )
        .unwrap();
        let root = dir.to_string_lossy().into_owned();
        let compiled = Compiler::new()
            .include_path(&root)
            .include_imports(true)
            .compile(&[dir.join("a.proto").to_string_lossy()])
            .unwrap();
        let mut include_paths = IncludePaths::new();
        include_paths.add(&root);
        let mut read = files_read(&compiled.files, &include_paths);
        read.sort();
        assert_eq!(read, [dir.join("a.proto"), dir.join("sub/b.proto")]);
        assert_eq!(
            compiled.files.file.len(),
            3,
            "empty.proto is compiled but not watched"
        );
    }
}
