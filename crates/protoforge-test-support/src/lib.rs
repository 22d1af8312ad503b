//! Test helpers shared by protoforge's crates: where the reference tools are and how to run
//! them. Only `[dev-dependencies]` use this crate.
//!
//! - [`protoc`]: real protoc 35.1, as `python3 -m grpc_tools.protoc` (pip `grpcio-tools`).
//! - [`buf`]: real buf 1.75.0 (npm `@bufbuild/buf`, installed by `.ci/run`).
//! - [`temp_dir`]: a fresh directory per test process and name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Real protoc run in `cwd` with `args` (stdin closed).
pub fn protoc<S: AsRef<std::ffi::OsStr>>(cwd: &Path, args: &[S]) -> Output {
    Command::new("python3")
        .current_dir(cwd)
        .args(["-m", "grpc_tools.protoc"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run python3 -m grpc_tools.protoc (pip install grpcio-tools)")
}

/// The buf binary: `$PROTOFORGE_BUF`, or the npm install under `~/.cache/protoforge/npm` (the
/// platform package's native binary, which skips the node launcher).
pub fn buf_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PROTOFORGE_BUF") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME").expect("HOME is set");
    let scope = Path::new(&home).join(".cache/protoforge/npm/node_modules/@bufbuild");
    if let Ok(entries) = std::fs::read_dir(&scope) {
        for e in entries.flatten() {
            let native = e.path().join("bin/buf");
            if e.file_name().to_string_lossy().starts_with("buf-") && native.exists() {
                return native;
            }
        }
    }
    let p = scope.join("buf/bin/buf");
    assert!(
        p.exists(),
        "buf not found at {} (run `npm install --prefix ~/.cache/protoforge/npm \\
         @bufbuild/buf@1.75.0` or set PROTOFORGE_BUF)",
        p.display()
    );
    p
}

/// Real buf run in `cwd` with `args` (stdin closed; buf's cache kept inside the test's
/// temporary area so runs do not share state).
pub fn buf<S: AsRef<std::ffi::OsStr>>(cwd: &Path, args: &[S]) -> Output {
    Command::new(buf_path())
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run buf")
}

/// A fresh, empty directory `name` under this test process's temporary area
/// (`$TMPDIR/protoforge-<crate>-<pid>/<name>`).
pub fn temp_dir(krate: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("protoforge-{krate}-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Writes `files` (path relative to `dir`, text) under `dir`, creating directories.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, text).expect("write file");
    }
}
