//! The bundled runtime (`Config::bundle_runtime`): `test_messages_proto3.proto` (which uses
//! the well-known types) is generated with the runtime beside it into a scratch crate with an
//! empty `[dependencies]`, built with `-D warnings`, and run; the message it encodes must be
//! byte for byte what Python `protobuf` makes of the same values, and must decode back.
//! And the code generator stays publishable: every file the library of its package (and of
//! the runtime's) embeds with `include_str!`/`include_bytes!` or names with `#[path]` is in
//! that package.

use std::path::Path;
use std::process::Command;

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::{Config, generate};

const GOLDEN: &str =
    "testdata/descriptors/protobuf/goldens/google/protobuf/test_messages_proto3.proto.pb";

const LIB: &str = r#"//! Scratch crate: generated code and the bundled runtime, nothing else.
pub mod protoforge_runtime {
    include!("protoforge_runtime.rs");
}
pub mod proto3 {
    include!("protobuf_test_messages.proto3.rs");
}
"#;

const MAIN: &str = r#"//! Encodes one message, checks it decodes back, prints the bytes in hex.
use bundle_scratch::proto3::TestAllTypesProto3;
use bundle_scratch::protoforge_runtime::Message;
use bundle_scratch::protoforge_runtime::wkt::{Any, Duration, Timestamp};

fn main() {
    let mut message = TestAllTypesProto3 {
        optional_int32: -5,
        optional_string: "hi".into(),
        repeated_int64: vec![1, -2, 3],
        optional_timestamp: Some(Timestamp::new(5, 6)),
        optional_any: Some(Any::pack(&Duration::new(1, 2))),
        ..Default::default()
    };
    message.map_string_string.insert("k".into(), "v".into());
    let bytes = message.encode_to_vec();
    let back = TestAllTypesProto3::decode(&bytes[..]).expect("decodes");
    assert_eq!(back, message);
    assert_eq!(back.optional_any.as_ref().and_then(|a| a.unpack::<Duration>().ok().flatten()), Some(Duration::new(1, 2)));
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    println!("{hex}");
}
"#;

const PYTHON: &str = r#"
import sys
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
fds = descriptor_pb2.FileDescriptorSet()
fds.ParseFromString(open(sys.argv[1], "rb").read())
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.AddSerializedFile(f.SerializeToString())
cls = message_factory.GetMessageClass(pool.FindMessageTypeByName("protobuf_test_messages.proto3.TestAllTypesProto3"))
m = cls()
m.optional_int32 = -5
m.optional_string = "hi"
m.repeated_int64.extend([1, -2, 3])
m.optional_timestamp.seconds = 5
m.optional_timestamp.nanos = 6
m.optional_any.type_url = "type.googleapis.com/google.protobuf.Duration"
m.optional_any.value = bytes.fromhex("08011002")
m.map_string_string["k"] = "v"
print(m.SerializeToString().hex())
"#;

#[test]
fn bundled_runtime_builds_without_dependencies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let golden = root.join(GOLDEN);
    let bytes = std::fs::read(&golden).expect("golden descriptor set");
    let set = FileDescriptorSet::decode(&bytes[..]).expect("decodes");
    let config = Config::from_options("bundle_runtime").expect("valid options");
    let files = generate(
        &set,
        &["google/protobuf/test_messages_proto3.proto".to_string()],
        &config,
    )
    .expect("generates");
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["protobuf_test_messages.proto3.rs", "protoforge_runtime.rs"]
    );
    let runtime = &files[1].content;
    assert!(
        runtime.contains("pub mod wkt"),
        "the WKTs are used, so bundled"
    );
    assert!(
        !runtime.contains("pub mod descriptor"),
        "descriptors are not used"
    );

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundle_scratch");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("scratch dir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"bundle-scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\n\n[workspace]\n",
    )
    .expect("write Cargo.toml");
    for file in &files {
        std::fs::write(src.join(&file.name), &file.content).expect("write generated file");
    }
    std::fs::write(src.join("lib.rs"), LIB).expect("write lib.rs");
    std::fs::write(src.join("main.rs"), MAIN).expect("write main.rs");
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .current_dir(&dir)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "scratch crate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = String::from_utf8_lossy(&out.stdout).trim().to_string();

    let python = Command::new("python3")
        .args(["-c", PYTHON])
        .arg(&golden)
        .output()
        .expect("python3 with protobuf must be installed");
    assert!(
        python.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&python.stderr)
    );
    assert_eq!(ours, String::from_utf8_lossy(&python.stdout).trim());
}

/// The files `cargo package --list` puts in `package` (paths relative to its manifest).
fn packaged_files(package: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--offline",
            "--allow-dirty",
            "-p",
            package,
        ])
        .current_dir(&root)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo package --list -p {package} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The file paths `source` (the text of the file at `file`, relative to its package) refers
/// to through `include_str!`, `include_bytes!` and `#[path]` attributes that start a line
/// (not those inside generated-code templates), resolved relative to its directory and
/// normalised (`..` applied).
fn referenced_files(file: &str, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("#[path = \"")
            && let Some(end) = rest.find('"')
        {
            found.push(rest[..end].to_string());
        }
    }
    for opener in ["include_str!(\"", "include_bytes!(\""] {
        let mut rest = source;
        while let Some(at) = rest.find(opener) {
            rest = &rest[at + opener.len()..];
            let Some(end) = rest.find('"') else { break };
            found.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    let dir: Vec<&str> = file.split('/').collect();
    let dir = &dir[..dir.len() - 1];
    found
        .iter()
        .map(|relative| {
            let mut parts: Vec<&str> = dir.to_vec();
            for part in relative.split('/') {
                match part {
                    "." => {}
                    ".." => {
                        // Leaving the package root shows as a leading `..`.
                        if parts.last().is_none_or(|p| *p == "..") {
                            parts.push("..");
                        } else {
                            parts.pop();
                        }
                    }
                    other => parts.push(other),
                }
            }
            parts.join("/")
        })
        .collect()
}

#[test]
fn referenced_files_resolve_within_their_package() {
    assert_eq!(
        referenced_files(
            "src/a/b.rs",
            "x include_str!(\"../c.rs\")\n  #[path = \"d.rs\"]\nquote!(#[path = \".\"])"
        ),
        ["src/a/d.rs", "src/c.rs"]
    );
    assert_eq!(
        referenced_files("src/lib.rs", "include_bytes!(\"../../x/y.rs\")"),
        ["../x/y.rs"]
    );
}

#[test]
fn packages_contain_every_file_they_embed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (package, dir, at_least) in [
        // Codegen embeds nothing (no `#[path]` modules, no `include_*!`); checked all the same.
        ("protoforge-codegen", "protoforge-codegen", 0),
        // The runtime's `bundle_source` embeds `src/lib.rs` by name; the rest of its module
        // tree comes from the list its `build.rs` writes from `src/`, which is packaged.
        ("protoforge", "protoforge", 1),
    ] {
        let files = packaged_files(package);
        assert!(
            files.iter().any(|f| f == "src/lib.rs"),
            "{package}: {files:?}"
        );
        let mut checked = 0;
        // What a build of the published crate compiles (its tests may reach outside).
        let built = |f: &&String| f.ends_with(".rs") && (f.starts_with("src/") || *f == "build.rs");
        for file in files.iter().filter(built) {
            let source = std::fs::read_to_string(root.join(dir).join(file))
                .unwrap_or_else(|e| panic!("{package}/{file}: {e}"));
            for target in referenced_files(file, &source) {
                assert!(
                    files.contains(&target),
                    "{package}/{file} embeds `{target}`, which is not in the package"
                );
                checked += 1;
            }
        }
        assert!(
            checked >= at_least,
            "{package}: only {checked} embedded files found"
        );
    }
}
