//! `protoc-gen-protoforge-grpc`: protoforge's gRPC service generator as a protoc plugin (the
//! same code `protoforge --rust-grpc_out` writes): servers and clients only, one
//! `<package>.rs` per package with services, meant to be `include!`d next to the messages
//! `protoc-gen-protoforge` writes. Request, parameter and error handling are those of
//! `protoc-gen-protoforge`.

// Each binary uses only part of the shared generator module.
#[allow(dead_code)]
#[path = "../rust_gen.rs"]
mod rust_gen;

#[path = "../plugin_main.rs"]
mod plugin_main;

fn main() -> std::process::ExitCode {
    plugin_main::run("protoc-gen-protoforge-grpc", rust_gen::Part::Services)
}
