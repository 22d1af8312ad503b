//! The generated code in `src/generated/` must be what protoforge-codegen makes today from the
//! golden descriptor sets of `conformance.proto` and the test message files (the well-known
//! types they use are the runtime's `protoforge::wkt`). Run with `UPDATE_EXPECT=1` to
//! rewrite it.

use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::{Config, generate};

/// The golden sets (made by real protoc with `--include_imports`) the testee is built from.
const SETS: &[&str] = &[
    "conformance/conformance.proto.pb",
    "conformance/test_protos/test_messages_edition2023.proto.pb",
    "conformance/test_protos/test_messages_edition_unstable.proto.pb",
    "google/protobuf/test_messages_proto2.proto.pb",
    "google/protobuf/test_messages_proto3.proto.pb",
    "editions/golden/test_messages_proto2_editions.proto.pb",
    "editions/golden/test_messages_proto3_editions.proto.pb",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn generated_code_is_fresh() {
    let mut set = FileDescriptorSet::default();
    for name in SETS {
        let path = root()
            .join("testdata/descriptors/protobuf/goldens")
            .join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for file in FileDescriptorSet::decode(&bytes[..]).unwrap().file {
            if !set.file.iter().any(|f| f.name() == file.name()) {
                set.file.push(file);
            }
        }
    }
    // The well-known types they import come from `protoforge::wkt`, not from `src/generated`.
    let names: Vec<String> = set
        .file
        .iter()
        .map(|f| f.name().to_string())
        .filter(|name| !name.starts_with("google/protobuf/") || name.contains("test_messages"))
        .collect();
    let files = generate(
        &set,
        &names,
        &Config::new().include_file("mod.rs").module_files(true),
    )
    .unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut stale = Vec::new();
    for file in &files {
        let path = dir.join(&file.name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.content.as_str()) {
            if update {
                std::fs::write(&path, &file.content).unwrap();
            } else {
                stale.push(file.name.clone());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: rerun with UPDATE_EXPECT=1"
    );
}
