//! insta snapshots of the Rust generated for each `testdata/codegen/*.proto`. The
//! descriptors come from real protoc (`python3 -m grpc_tools.protoc`) until the native
//! compiler can produce them. A case's header comment may hold an `// options: k=v,...` line,
//! parsed as `--rust_opt` is (`Config::from_options`).

use std::path::Path;

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::{Config, generate};

/// Compiles `path` with real protoc into a descriptor set with source info.
fn protoc(path: &Path) -> FileDescriptorSet {
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let (ok, stderr, bytes) = protoforge_test_support::protoc_descriptor_set(
        dir,
        &[
            "--include_imports".to_string(),
            "--include_source_info".to_string(),
            format!("-I{}", dir.display()),
            name.to_string(),
        ],
    );
    assert!(ok, "protoc rejected {}: {stderr:?}", path.display());
    FileDescriptorSet::decode(&bytes[..]).unwrap()
}

#[track_caller]
fn check_codegen(path: &Path) -> String {
    let set = protoc(path);
    let name = path.file_name().unwrap().to_str().unwrap().to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let options = text
        .lines()
        .take_while(|line| line.starts_with("//"))
        .find_map(|line| line.strip_prefix("// options:"))
        .unwrap_or_default();
    let config = Config::from_options(options.trim()).unwrap();
    let files = generate(&set, &[name], &config).unwrap();
    let mut out = String::new();
    for file in files {
        assert!(file.content.starts_with("// @generated"));
        assert!(!file.content.contains("internal error"));
        out.push_str(&format!("==> {} <==\n{}", file.name, file.content));
    }
    out
}

#[test]
fn snapshots() {
    insta::glob!("../../../testdata/codegen", "*.proto", |path| {
        insta::assert_snapshot!(check_codegen(path));
    });
}
