//! Generates the RouteGuide messages, server and client from `proto/route_guide.proto` with
//! `protoforge-build`, natively (no protoc).

fn main() -> std::io::Result<()> {
    protoforge_build::configure()
        .type_attribute(".routeguide.Point", "#[derive(Eq, Hash)]")
        .compile_protos(&["proto/route_guide.proto"], &["proto"])
}
