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

/// Writes one `Builder` method per code generation setting, each forwarding to the
/// [`Config`] setter of the same name, where the setting is documented. A test checks that
/// the list in `impl Builder` names every `Config` setter.
macro_rules! config_setters {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[doc = concat!("Sets [`Config::", stringify!($name), "`]; see there for what it does.")]
        pub fn $name(mut self, $($arg: $ty),*) -> Self {
            self.config = self.config.$name($($arg),*);
            self
        }
    )*};
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

    config_setters! {
        btree_map(paths: impl IntoIterator<Item = impl Into<String>>);
        bytes(paths: impl IntoIterator<Item = impl Into<String>>);
        shared_strings(paths: impl IntoIterator<Item = impl Into<String>>);
        unverified_strings_as_bytes(paths: impl IntoIterator<Item = impl Into<String>>);
        type_attribute(path: impl Into<String>, attribute: impl Into<String>);
        message_attribute(path: impl Into<String>, attribute: impl Into<String>);
        enum_attribute(path: impl Into<String>, attribute: impl Into<String>);
        field_attribute(path: impl Into<String>, attribute: impl Into<String>);
        extern_path(proto_path: impl Into<String>, rust_path: impl Into<String>);
        runtime_crate(path: impl Into<String>);
        include_file(name: impl Into<String>);
        disable_comments(paths: impl IntoIterator<Item = impl Into<String>>);
        module_files(enabled: bool);
        descriptor_from_runtime(enabled: bool);
        compile_well_known_types(enabled: bool);
        bundle_runtime(enabled: bool);
        build_server(enabled: bool);
        build_client(enabled: bool);
        grpc_transport_path(path: impl Into<String>);
        required_is_decode_error(enabled: bool);
        reflect(enabled: bool);
        file_descriptor_set(enabled: bool);
        serde(enabled: bool);
        views(paths: impl IntoIterator<Item = impl Into<String>>);
        drop_unknown_fields(paths: impl IntoIterator<Item = impl Into<String>>);
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

    /// The names of the `pub fn NAME(mut self, ...) -> Self` setters in a source text.
    fn setters(source: &str) -> Vec<&str> {
        source
            .split("pub fn ")
            .skip(1)
            .filter_map(|item| {
                let signature = item.split('{').next()?;
                let name = signature.split(['(', '<']).next()?;
                (signature.contains("mut self") && signature.contains("-> Self")).then_some(name)
            })
            .collect()
    }

    #[test]
    fn builder_forwards_every_config_setter() {
        let config = include_str!("../../protoforge-codegen/src/config.rs");
        let builder = include_str!("lib.rs");
        let listed: Vec<&str> = builder
            .split("config_setters! {")
            .nth(1)
            .and_then(|list| list.split('}').next())
            .expect("the config_setters! list")
            .lines()
            .filter_map(|line| line.trim().split_once('(').map(|(name, _)| name))
            .collect();
        let mut expected = setters(config);
        expected.sort_unstable();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        assert!(expected.len() >= 20, "found only {expected:?} in config.rs");
        assert_eq!(
            listed_sorted, expected,
            "Builder's config_setters! list vs Config's setters"
        );
    }

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
