//! `protoforge-check`: the checks buf runs on `.proto` files, natively.
//!
//! - [`breaking`]: `buf breaking`'s findings between two images.
//! - [`format`]: `buf format`'s output, byte for byte.
//! - [`config`]: `buf.yaml` (v1 and v2).
//! - [`image`]: the compiled files lint and breaking look at.
//!
//! The command-line front end (`protoforge format`) only reads files and prints; everything a
//! `build.rs` would need is here.

pub mod breaking;
pub mod config;
pub mod format;
pub mod image;
