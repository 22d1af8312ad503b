//! Helpers shared by the command-line tests: the corpus, temporary directories, output trees,
//! and running real protoc (`python3 -m grpc_tools.protoc`) and `protoforge` side by side.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The corpus root, `testdata/descriptors`.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

/// A fresh, empty temporary directory named `name` for this test process.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("protoforge-cli-gen-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Every file under `dir`, by path relative to `dir`, with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).expect("under root");
                let bytes = std::fs::read(&path).expect("read output");
                out.insert(name.to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Real protoc with `args`, run in `cwd`.
pub fn protoc(cwd: &Path, args: &[String]) -> Output {
    protoforge_test_support::protoc(cwd, args)
}

/// Our `protoforge` with `args`, run in `cwd`.
pub fn protoforge(cwd: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoforge"))
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run protoforge")
}

/// Asserts that two trees hold the same files with the same bytes, naming the first
/// difference.
#[track_caller]
pub fn assert_same_tree(
    ours: &BTreeMap<String, Vec<u8>>,
    theirs: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "{what}: file names differ"
    );
    for (name, bytes) in theirs {
        assert!(
            ours[name] == *bytes,
            "{what}: {name} differs\n--- ours\n{}\n--- protoc\n{}",
            String::from_utf8_lossy(&ours[name]),
            String::from_utf8_lossy(bytes)
        );
    }
}
