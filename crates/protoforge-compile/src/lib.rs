//! `protoforge-compile`: parsed `.proto` files in, a `FileDescriptorSet` identical to protoc's out.
//!
//! Owns file resolution, the symbol table, name resolution, validation, option interpretation
//! and `SourceCodeInfo`. Never generates code and never touches text other than through
//! `protoforge-parse`.
