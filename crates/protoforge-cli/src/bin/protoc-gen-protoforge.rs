//! `protoc-gen-protoforge`: protoforge's Rust message generator as a protoc plugin (the same
//! code `protoforge --rust_out` writes). It reads a `CodeGeneratorRequest` on stdin, parses
//! the request's parameter with `Config::from_options` (the keys of `--rust_opt`), generates
//! from `source_file_descriptors` (falling back to `proto_file`) and writes a
//! `CodeGeneratorResponse` on stdout. Every failure (unreadable request, bad parameter,
//! inconsistent descriptors) becomes the response's `error` and the process exits 0, as
//! protoc expects of a plugin; only an unreadable stdin or unwritable stdout exits non-zero.

fn main() -> std::process::ExitCode {
    protoforge_cli::plugin::run("protoc-gen-protoforge", protoforge_codegen::Part::Messages)
}
