//! `protoforge-compile`: parsed `.proto` files in, a `FileDescriptorSet` identical to protoc's out.
//!
//! Owns file resolution, the symbol table, name resolution, validation, option interpretation
//! and `SourceCodeInfo`. Never generates code and never touches text other than through
//! `protoforge-parse`.
//!
//! Pipeline per file, in import order (each step a module; `compiler` drives them):
//! 1. [`resolve`]: find the file on the include path (or in the bundled `google/protobuf`
//!    sources, or in `--descriptor_set_in` sets); `compiler`'s loader reads and parses it on a
//!    worker thread.
//! 2. `lower`: AST -> `FileDescriptorProto` exactly as protoc's parser emits it: type names as
//!    written (unresolved), options as `uninterpreted_option`, plus `SourceCodeInfo` and a
//!    [`SpanMap`](span_map::SpanMap) from descriptor paths to spans.
//! 3. `symbols`: the file's names join the pool's symbol table (names already taken and
//!    names too long are noted for `check`).
//! 4. `link`: resolve type names against the symbol table with protoc's relative lookup and
//!    import visibility.
//! 5. `options`: interpret options (builtin and custom) and editions `features`, rewrite the
//!    option paths in `SourceCodeInfo`.
//! 6. `check`: every structural rule protoc enforces (numbers, ranges, names, oneofs,
//!    proto3 and editions rules, extension declarations); then `options` validates the
//!    interpreted options and features, and `compiler` warns about unused imports.
//! 7. `compiler`: strip source-retention options for the output and assemble the
//!    `FileDescriptorSet`.
//!
//! Beside the pipeline: `features` (resolved editions features at any element), `builtin`
//! (the `descriptor.proto` compiled in), `tag` (descriptor field numbers for paths), `wire`
//! (the wire records options are built from).

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
