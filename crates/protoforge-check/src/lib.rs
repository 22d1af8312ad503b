//! `protoforge-check`: the checks buf runs on `.proto` files, natively.
//!
//! - [`breaking`]: `buf breaking`'s findings between two images.
//! - [`format`](mod@format): `buf format`'s output, byte for byte.
//! - [`config`]: `buf.yaml` (v1 and v2).
//! - [`finding`]: what lint and breaking report.
//! - [`image`]: the compiled files lint and breaking look at.
//! - [`lint`]: `buf lint`'s rules, findings and order.
//!
//! The command-line front end (`protoforge format`) only reads files and prints; everything a
//! `build.rs` would need is here.

pub mod breaking;
pub mod config;
pub mod finding;
pub mod format;
pub mod image;
pub mod lint;
