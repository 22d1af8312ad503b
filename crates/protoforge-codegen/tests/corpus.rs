//! Generates Rust for every file of every golden descriptor set made by real protoc
//! (`testdata/descriptors/*/goldens/**/*.src.pb`) into one scratch crate under the target
//! directory and runs `cargo clippy` (or `cargo check`) on it with warnings denied: all
//! generated code must compile warning-free. Sets that define the same names differently
//! (e.g. transformed copies of one file) go into separate module trees of that crate.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge::Message;
use protoforge::descriptor::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
use protoforge_codegen::{Config, generate};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn goldens() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with(".src.pb") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for set in ["protobuf", "grpc"] {
        walk(
            &workspace_root()
                .join("testdata/descriptors")
                .join(set)
                .join("goldens"),
            &mut out,
        );
    }
    out.sort();
    out
}

/// Every fully qualified type and extension name a file defines.
fn symbols(file: &FileDescriptorProto) -> Vec<String> {
    fn message(prefix: &str, m: &DescriptorProto, out: &mut Vec<String>) {
        let name = format!("{prefix}.{}", m.name());
        for nested in &m.nested_type {
            message(&name, nested, out);
        }
        for e in &m.enum_type {
            out.push(format!("{name}.{}", e.name()));
        }
        for e in &m.extension {
            out.push(format!("{name}.{}", e.name()));
        }
        out.push(name);
    }
    let prefix = if file.package().is_empty() {
        String::new()
    } else {
        format!(".{}", file.package())
    };
    let mut out = Vec::new();
    for m in &file.message_type {
        message(&prefix, m, &mut out);
    }
    for e in &file.enum_type {
        out.push(format!("{prefix}.{}", e.name()));
    }
    for e in &file.extension {
        out.push(format!("{prefix}.{}", e.name()));
    }
    out
}

/// The snapshot inputs of `testdata/codegen/`, compiled by real protoc, so the names and
/// collisions they exercise are also compile-checked.
fn snapshot_inputs() -> FileDescriptorSet {
    let dir = workspace_root().join("testdata/codegen");
    let mut protos: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".proto"))
        .collect();
    protos.sort();
    let mut args = vec![
        "--include_imports".to_string(),
        "--include_source_info".to_string(),
        format!("-I{}", dir.display()),
    ];
    args.extend(protos);
    let (ok, stderr, bytes) = protoforge_test_support::protoc_descriptor_set(&dir, &args);
    assert!(ok, "protoc rejected testdata/codegen: {stderr:?}");
    FileDescriptorSet::decode(&bytes[..]).unwrap()
}

#[derive(Default)]
struct Group {
    files: BTreeMap<String, FileDescriptorProto>,
    order: Vec<String>,
    symbols: HashMap<String, String>,
}

impl Group {
    /// Adds the files of `set` if none conflicts with what the group holds.
    fn try_add(&mut self, set: &FileDescriptorSet) -> bool {
        for file in &set.file {
            if let Some(existing) = self.files.get(file.name()) {
                if existing != file {
                    return false;
                }
                continue;
            }
            for symbol in symbols(file) {
                if self
                    .symbols
                    .get(&symbol)
                    .is_some_and(|owner| owner != file.name())
                {
                    return false;
                }
            }
        }
        for file in &set.file {
            if self.files.contains_key(file.name()) {
                continue;
            }
            for symbol in symbols(file) {
                self.symbols.insert(symbol, file.name().to_string());
            }
            self.order.push(file.name().to_string());
            self.files.insert(file.name().to_string(), file.clone());
        }
        true
    }
}

#[test]
fn whole_corpus_compiles_warning_free() {
    let goldens = goldens();
    assert!(
        goldens.len() > 150,
        "expected the whole corpus, found {} sets",
        goldens.len()
    );
    let mut sets: Vec<(String, FileDescriptorSet)> = goldens
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).unwrap();
            (
                path.display().to_string(),
                FileDescriptorSet::decode(&bytes[..]).unwrap(),
            )
        })
        .collect();
    sets.push(("testdata/codegen".into(), snapshot_inputs()));
    let mut groups: Vec<Group> = Vec::new();
    for (path, set) in &sets {
        let set = set.clone();
        if !groups.iter_mut().any(|g| g.try_add(&set)) {
            let mut group = Group::default();
            assert!(group.try_add(&set), "{path} conflicts with itself");
            groups.push(group);
        }
    }

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let krate = target.join("codegen-corpus");
    let src = krate.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    let mut lib = String::from("//! Generated code of the whole corpus.\n\n");
    let mut generated_files = 0;
    let mut service_modules = 0;
    for (index, group) in groups.iter().enumerate() {
        let set = FileDescriptorSet {
            file: group
                .order
                .iter()
                .map(|name| group.files[name].clone())
                .collect(),
            ..Default::default()
        };
        // Services too: the scratch crate depends on tonic like a real user of them would.
        let config = Config::new()
            .include_file("mod.rs")
            .bytes([".protobuf_unittest"])
            .shared_strings(["."])
            .build_server(true)
            .build_client(true);
        let files =
            generate(&set, &group.order, &config).unwrap_or_else(|e| panic!("group {index}: {e}"));
        let dir = src.join(format!("group_{index}"));
        std::fs::create_dir_all(&dir).unwrap();
        for file in &files {
            assert!(
                file.content.starts_with("// @generated"),
                "{} lacks the header",
                file.name
            );
            std::fs::write(dir.join(&file.name), &file.content).unwrap();
        }
        generated_files += files.len();
        service_modules += files
            .iter()
            .map(|f| f.content.matches("_server {").count())
            .sum::<usize>();
        lib.push_str(&format!(
            "pub mod group_{index} {{\n    include!(\"group_{index}/mod.rs\");\n}}\n"
        ));
    }
    assert!(
        generated_files > 50,
        "only {generated_files} files generated"
    );
    // grpc's corpus alone defines dozens of services (test, health, reflection, channelz...).
    assert!(
        service_modules > 20,
        "only {service_modules} service server modules generated"
    );
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let runtime = workspace_root()
        .join("crates/protoforge")
        .canonicalize()
        .unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"codegen-corpus\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nprotoforge = {{ path = {:?}, features = [\"grpc\"] }}\n\
             tonic = {{ version = \"0.14\", default-features = false, \
             features = [\"codegen\", \"transport\"] }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    let _ = std::fs::copy(
        workspace_root().join("Cargo.lock"),
        krate.join("Cargo.lock"),
    );

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let has_clippy = Command::new(&cargo)
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut command = Command::new(&cargo);
    command.arg(if has_clippy { "clippy" } else { "check" });
    command
        .args(["--quiet", "--offline", "--message-format=short"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", krate.join("target"))
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "generated corpus code does not compile cleanly ({} groups):\n{}",
        groups.len(),
        stderr.lines().take(80).collect::<Vec<_>>().join("\n")
    );
}
