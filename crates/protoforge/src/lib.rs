//! `protoforge`: the runtime that protoforge-generated code runs on.
//!
//! Owns the wire format, the `Message` trait, decode errors, unknown fields, extensions and
//! the descriptor types. Depends on `bytes` only. It must not know about `.proto` text,
//! the compiler or code generation.
