//! Semantics of generated code checked against Python `protobuf` and protoc: the protos in
//! `tests/semantics/` (plus `testdata/codegen/comments.proto`) are compiled by real protoc,
//! generated twice into a scratch crate (`strict`: `required_is_error`, `reflect`, `serde`,
//! verified strings as `BytesStr`; `lenient`: the defaults) with the peer program `tests/semantics/peer.rs`, and
//! `tests/semantics/check.py` drives the peer with messages Python made and compares every
//! answer with what Python does: proto2 and editions `utf8_validation = NONE` strings that
//! are not UTF-8 round-trip, proto3 ones fail; missing required fields; closed-enum map
//! values; group-typed and MessageSet extensions; descriptors and `DynamicMessage`; serde;
//! strings stored as bytes (`unverified_strings_as_bytes`) keep every value in order;
//! string extensions follow their own UTF-8 rules; `is_initialized` checks extensions.
//! The same crate is documented with `RUSTDOCFLAGS=-Dwarnings` and must hold no doctest.

use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::{Config, generate};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_root() -> PathBuf {
    manifest_dir().join("../..")
}

/// Compiles `files` (in `dir`) with real protoc into a descriptor set with source info.
fn protoc(dir: &Path, files: &[&str]) -> FileDescriptorSet {
    let mut args = vec![
        "--include_imports".to_string(),
        "--include_source_info".to_string(),
        format!("-I{}", dir.display()),
    ];
    args.extend(files.iter().map(|f| f.to_string()));
    let (ok, stderr, bytes) = protoforge_test_support::protoc_descriptor_set(dir, &args);
    assert!(ok, "protoc rejected {files:?}: {stderr:?}");
    FileDescriptorSet::decode(&bytes[..]).unwrap()
}

/// Runs `command`, failing the test with its output if it fails; returns stdout and stderr.
#[track_caller]
fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{what} failed:\n{}",
        text.lines().take(120).collect::<Vec<_>>().join("\n")
    );
    text
}

fn cargo(krate: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", krate.join("target"))
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS");
    command
}

/// The strings stored as bytes (`Config::unverified_strings_as_bytes`).
const RAW: [&str; 3] = [
    ".sem.p2.RawStrings",
    ".sem.p2.raw_str_ext",
    "raw_rep_str_ext",
];

#[test]
fn generated_code_behaves_like_protobuf() {
    let fixtures = manifest_dir().join("tests/semantics");
    let mut set = protoc(&fixtures, &["sem2.proto", "sem3.proto", "sem_ed.proto"]);
    let comments = protoc(
        &workspace_root().join("testdata/codegen"),
        &["comments.proto"],
    );
    set.file.extend(comments.file);
    let names: Vec<String> = set.file.iter().map(|f| f.name().to_string()).collect();

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let krate = target.join("codegen-semantics");
    let src = krate.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(src.join("bin")).unwrap();
    let configs = [
        (
            "strict",
            Config::new()
                .unverified_strings_as_bytes(RAW)
                .include_file("mod.rs")
                .required_is_decode_error(true)
                .reflect(true)
                .serde(true)
                .shared_strings(["."]),
        ),
        (
            "lenient",
            Config::new()
                .unverified_strings_as_bytes(RAW)
                .include_file("mod.rs"),
        ),
    ];
    let mut lib = String::from("//! Code generated from the semantics fixtures.\n\n");
    for (name, config) in &configs {
        let files = generate(&set, &names, config).unwrap();
        let dir = src.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for file in &files {
            std::fs::write(dir.join(&file.name), &file.content).unwrap();
        }
        if *name == "strict" {
            let p2 = files.iter().find(|f| f.name == "sem.p2.rs").unwrap();
            assert!(p2.content.contains("pub const FILE_DESCRIPTOR_SET: &[u8]"));
            assert!(
                p2.content
                    .contains("const REQUIRED_IS_DECODE_ERROR: bool = true;")
            );
            // Unverified string extensions, and strings stored as bytes.
            let compact: String = p2.content.split_whitespace().collect();
            for item in [
                "pubconstSTR_EXT:::protoforge::Extension<Extendee,::protoforge::encoding::codec::UnverifiedString",
                "pubconstRAW_STR_EXT:::protoforge::Extension<Extendee,::protoforge::encoding::codec::Bytes",
                "pubrs:::std::vec::Vec<::std::vec::Vec<u8>>",
            ] {
                assert!(compact.contains(item), "{item}");
            }
        }
        lib.push_str(&format!(
            "/// The `{name}` generation.\npub mod {name} {{\n    include!(\"{name}/mod.rs\");\n}}\n"
        ));
    }
    // `file_descriptor_set` alone: the constant, nothing that needs the reflect feature.
    let only_set = generate(&set, &names, &Config::new().file_descriptor_set(true)).unwrap();
    let p2 = only_set.iter().find(|f| f.name == "sem.p2.rs").unwrap();
    assert!(p2.content.contains("pub const FILE_DESCRIPTOR_SET: &[u8]"));
    assert!(!p2.content.contains("reflect"));

    std::fs::write(src.join("lib.rs"), lib).unwrap();
    std::fs::copy(fixtures.join("peer.rs"), src.join("bin/peer.rs")).unwrap();
    let runtime = workspace_root()
        .join("crates/protoforge")
        .canonicalize()
        .unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"semantics\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nprotoforge = {{ path = {:?}, features = [\"json\"] }}\n\
             serde = \"1\"\nserde_json = \"1\"\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    let _ = std::fs::copy(
        workspace_root().join("Cargo.lock"),
        krate.join("Cargo.lock"),
    );

    // Warning-free, documented without warnings, no doctest compiled.
    run(
        cargo(&krate)
            .args(["build", "--quiet", "--offline", "--message-format=short"])
            .env("RUSTFLAGS", "-Dwarnings"),
        "cargo build of the generated code",
    );
    run(
        cargo(&krate)
            .args(["doc", "--quiet", "--offline", "--no-deps", "--lib"])
            .env("RUSTDOCFLAGS", "-Dwarnings"),
        "cargo doc -D warnings of the generated code",
    );
    let doctests = run(
        cargo(&krate).args(["test", "--offline", "--doc"]),
        "cargo test --doc of the generated code",
    );
    assert!(
        doctests.contains("running 0 tests"),
        "generated docs hold doctests:\n{doctests}"
    );

    let peer = krate.join("target/debug/peer");
    let report = run(
        Command::new("python3")
            .arg(fixtures.join("check.py"))
            .arg(&peer),
        "check.py",
    );
    assert!(report.contains("checks passed"), "{report}");
    println!("{}", report.trim());
}
