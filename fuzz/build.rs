//! Generates protobuf's conformance test messages (`test_messages_proto3.proto`,
//! `test_messages_proto2.proto` and their editions forms, from the golden descriptor sets in
//! `testdata/`) with zero-copy views on (`Config::views(["."])`) into `OUT_DIR`, for the
//! `decode_view` target and the view tests, so the generated views are always today's. Also
//! compiles `testdata/codegen/views.proto` and `views_open.proto` (every element documented) through
//! `protoforge_build::Builder::views`, for a module that denies all warnings, missing docs and
//! clippy's default lints.

use std::path::Path;

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::{Config, generate};

fn main() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/descriptors/protobuf/goldens");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let codegen = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/codegen");
    protoforge_build::configure()
        .views(["."])
        .out_dir(&out)
        .compile_protos(
            &[
                codegen.join("views.proto"),
                codegen.join("views_open.proto"),
            ],
            &[&codegen],
        )
        .expect("compile views.proto and views_open.proto");
    for name in [
        "google/protobuf/test_messages_proto3.proto.pb",
        "google/protobuf/test_messages_proto2.proto.pb",
        "editions/golden/test_messages_proto2_editions.proto.pb",
        "editions/golden/test_messages_proto3_editions.proto.pb",
    ] {
        let path = root.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let set = FileDescriptorSet::decode(&bytes[..]).expect("a golden descriptor set");
        // The well-known types they import come from `protoforge::wkt`.
        let names: Vec<String> = set
            .file
            .iter()
            .map(|f| f.name().to_string())
            .filter(|name| name.contains("test_messages"))
            .collect();
        let files = generate(&set, &names, &Config::new().views(["."])).expect("generate");
        for file in files {
            std::fs::write(Path::new(&out).join(&file.name), &file.content).expect("write");
        }
    }
}
