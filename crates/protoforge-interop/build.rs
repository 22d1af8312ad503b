//! Generates the Rust code of grpc's interop protos (`grpc/testing/{test,messages,empty}.proto`)
//! from the descriptor set real protoc made (with source info, for doc comments), into
//! `OUT_DIR/mod.rs` and one file per package; and, with protoforge-build, the rich-status
//! mirror types of `proto/rich_status.proto` into `OUT_DIR/rich/`.

use std::path::PathBuf;

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let golden =
        manifest.join("../../testdata/descriptors/grpc/goldens/grpc/testing/test.proto.src.pb");
    println!("cargo::rerun-if-changed={}", golden.display());
    let bytes =
        std::fs::read(&golden).unwrap_or_else(|e| panic!("reading {}: {e}", golden.display()));
    let set = FileDescriptorSet::decode(&bytes[..])
        .unwrap_or_else(|e| panic!("decoding {}: {e}", golden.display()));
    let files: Vec<String> = ["empty", "messages", "test"]
        .iter()
        .map(|name| format!("grpc/testing/{name}.proto"))
        .collect();
    let config = protoforge_codegen::Config::new().include_file("mod.rs");
    let generated = protoforge_codegen::generate(&set, &files, &config)
        .unwrap_or_else(|e| panic!("generating code: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for file in generated {
        std::fs::write(out.join(&file.name), file.content)
            .unwrap_or_else(|e| panic!("writing {}: {e}", file.name));
    }

    // The rich-status mirror types, compiled natively, into their own directory.
    let rich = out.join("rich");
    std::fs::create_dir_all(&rich).unwrap_or_else(|e| panic!("creating {}: {e}", rich.display()));
    protoforge_build::configure()
        .build_server(false)
        .build_client(false)
        .out_dir(&rich)
        .compile_protos(&["proto/rich_status.proto"], &["proto"])
        .unwrap_or_else(|e| panic!("compiling proto/rich_status.proto: {e}"));
}
