//! `protoforge-check`: the checks buf runs on `.proto` files, natively.
//!
//! - [`format`]: `buf format`'s output, byte for byte.
//!
//! The command-line front end (`protoforge format`) only reads files and prints; everything a
//! `build.rs` would need is here.

pub mod format;
