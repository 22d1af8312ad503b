//! Generates the RouteGuide messages, server and client from `proto/route_guide.proto` with
//! `protoforge-build`, natively (no protoc), and writes the encoded descriptor set to
//! `OUT_DIR/route_guide_descriptor.bin` for gRPC server reflection.

fn main() -> std::io::Result<()> {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    protoforge_build::configure()
        .type_attribute(".routeguide.Point", "#[derive(Eq, Hash)]")
        // Points and rectangles are plain values: without unknown fields, a literal naming
        // every field is complete (`Point { latitude, longitude }`). The other messages keep
        // theirs, so fields a newer peer adds survive a round trip through this server.
        .drop_unknown_fields([".routeguide.Point", ".routeguide.Rectangle"])
        .file_descriptor_set_path(out.join("route_guide_descriptor.bin"))
        .compile_protos(&["proto/route_guide.proto"], &["proto"])
}
