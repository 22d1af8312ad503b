//! `protoforge-codegen`: Rust code generation for protobuf messages, enums and extensions.
//!
//! Input is descriptors only — a [`FileDescriptorSet`] (from the protoforge compiler, from
//! protoc's `--descriptor_set_out`, or from a plugin request), the names of the files to
//! generate and a [`Config`]. Output is formatted Rust source, one file per protobuf package
//! (`foo.bar.rs`, `_.rs` for no package) plus an optional include file declaring the module
//! tree. The generated code runs on the `protoforge` runtime. This crate never parses
//! `.proto` text and never sees the compiler's AST.
//!
//! ```
//! use protoforge::descriptor::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
//! use protoforge_codegen::{Config, generate};
//!
//! let set = FileDescriptorSet {
//!     file: vec![FileDescriptorProto {
//!         name: Some("a.proto".into()),
//!         package: Some("a".into()),
//!         message_type: vec![DescriptorProto { name: Some("Empty".into()), ..Default::default() }],
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let files = generate(&set, &["a.proto".to_string()], &Config::new()).unwrap();
//! assert_eq!(files[0].name, "a.rs");
//! assert!(files[0].content.contains("pub struct Empty"));
//! ```

mod bundle;
mod config;
mod docs;
mod enumeration;
mod extension;
mod generate;
mod getter;
mod message;
mod names;
mod oneof;
mod part;
mod plan;
mod pool;
mod service;
mod tree;
mod validate;
mod view;
mod wire;

use core::fmt;

use protoforge::descriptor::FileDescriptorSet;

pub use crate::config::Config;
pub use crate::part::Part;

/// One output file: its name (relative to the output directory) and Rust source.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GeneratedFile {
    /// The file name, e.g. `foo.bar.rs`, `_.rs` or the configured include file name.
    pub name: String,
    /// The formatted Rust source, starting with an `@generated` comment.
    pub content: String,
}

/// Why code generation failed: the descriptors are inconsistent (an unknown type, a file to
/// generate that is not in the set) or the configuration is invalid.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Error {
    message: String,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Generates Rust code for `files_to_generate` (file names as in the set), which must all be
/// in `set` together with everything they import.
///
/// Returns one file per protobuf package, in order of first appearance, followed by the
/// include file if [`Config::include_file`] is set.
pub fn generate(
    set: &FileDescriptorSet,
    files_to_generate: &[String],
    config: &Config,
) -> Result<Vec<GeneratedFile>, Error> {
    generate::run(set, files_to_generate, config)
}

/// Generates one half of the code for `files_to_generate` (see [`Part`]): the messages,
/// enums and extensions with the gRPC services turned off, or the services alone. Running
/// both halves and `include!`ing the second file of a package into the module of the first
/// gives the same items as [`generate`] with services on.
///
/// For [`Part::Services`], each file with services is generated from a copy holding only
/// its services (its types stay in the set under another name, so the services can refer
/// to them), with descriptor constants, reflection, serde and the bundled runtime left to
/// the messages half; a run over files without services returns no files.
pub fn generate_part(
    set: &FileDescriptorSet,
    files_to_generate: &[String],
    config: &Config,
    part: Part,
) -> Result<Vec<GeneratedFile>, Error> {
    part::run(set, files_to_generate, config, part)
}
