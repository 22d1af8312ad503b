//! `protoc-gen-protoforge`: protoforge's Rust message generator as a protoc plugin (the same
//! code `protoforge --rust_out` writes). It reads a `CodeGeneratorRequest` on stdin, parses
//! the request's parameter with `Config::from_options` (the keys of `--rust_opt`), generates
//! from `source_file_descriptors` (falling back to `proto_file`) and writes a
//! `CodeGeneratorResponse` on stdout. Every failure (unreadable request, bad parameter,
//! inconsistent descriptors) becomes the response's `error` and the process exits 0, as
//! protoc expects of a plugin; only an unreadable stdin or unwritable stdout exits non-zero.

// Each binary uses only part of the shared generator module.
#[allow(dead_code)]
#[path = "../rust_gen.rs"]
mod rust_gen;

#[path = "../plugin_main.rs"]
mod plugin_main;

fn main() -> std::process::ExitCode {
    plugin_main::run("protoc-gen-protoforge", rust_gen::Part::Messages)
}
