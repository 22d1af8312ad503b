//! `protoc-gen-protoforge-grpc`: protoforge's gRPC service generator as a protoc plugin (the
//! same code `protoforge --rust-grpc_out` writes): servers and clients only, one
//! `<package>.rs` per package with services, meant to be `include!`d next to the messages
//! `protoc-gen-protoforge` writes. Request, parameter and error handling are those of
//! `protoc-gen-protoforge`.

fn main() -> std::process::ExitCode {
    protoforge_cli::plugin::run(
        "protoc-gen-protoforge-grpc",
        protoforge_codegen::Part::Services,
    )
}
