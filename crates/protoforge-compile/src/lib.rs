//! `protoforge-compile`: parsed `.proto` files in, a `FileDescriptorSet` identical to protoc's out.
//!
//! Owns file resolution, the symbol table, name resolution, validation, option interpretation
//! and `SourceCodeInfo`. Never generates code and never touches text other than through
//! `protoforge-parse`.
//!
//! Pipeline per file, in import order (each step a module):
//! 1. [`resolve`]: find the file on the include path (or in the bundled `google/protobuf`
//!    sources, or in `--descriptor_set_in` sets) and parse it.
//! 2. `lower`: AST -> `FileDescriptorProto` exactly as protoc's parser emits it: type names as
//!    written (unresolved), options as `uninterpreted_option`, plus `SourceCodeInfo` and a
//!    [`SpanMap`](span_map::SpanMap) from descriptor paths to spans.
//! 3. `link`: resolve type names against the symbol table (`symbols`), check visibility and
//!    every structural rule protoc checks.
//! 4. `options`: interpret options (builtin and custom) and features, rewrite the option paths
//!    in `SourceCodeInfo`, validate editions features.
//! 5. `compiler`: drive the above and assemble the `FileDescriptorSet`.

mod builtin;
mod check;
mod compiler;
mod features;
mod link;
mod lower;
mod options;
pub mod resolve;
mod span_map;
mod symbols;
mod tag;
mod wire;

pub use compiler::{CompileError, Compiled, Compiler, parallel_map};
pub use protoforge_parse::{Diagnostic, ErrorFormat, Severity, SourceMap, render_diagnostic};
pub use span_map::PathHasher;
