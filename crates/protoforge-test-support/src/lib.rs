//! Test helpers shared by protoforge's crates: where the reference tools are and how to run
//! them. Only `[dev-dependencies]` use this crate.
//!
//! - [`protoc`]: real protoc 35.1, as `python3 -m grpc_tools.protoc` (pip `grpcio-tools`);
//!   [`protoc_with_input`] feeds it standard input, [`protoc_descriptor_set`] returns the
//!   descriptor set it writes, [`protoc_command`] is the bare command.
//! - [`buf`]: real buf 1.75.0 (npm `@bufbuild/buf`, installed by `.ci/run`).
//! - [`temp_dir`]: a fresh directory per test process and name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A command for real protoc run in `cwd`, for a caller that adds its own arguments and
/// pipes.
pub fn protoc_command(cwd: &Path) -> Command {
    let mut command = Command::new("python3");
    command.current_dir(cwd).args(["-m", "grpc_tools.protoc"]);
    command
}

/// Real protoc run in `cwd` with `args` (stdin closed).
pub fn protoc<S: AsRef<std::ffi::OsStr>>(cwd: &Path, args: &[S]) -> Output {
    protoc_command(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run python3 -m grpc_tools.protoc (pip install grpcio-tools)")
}

/// Real protoc run in `cwd` with `args`, `input` written to its standard input (from another
/// thread, so a large output cannot block it).
pub fn protoc_with_input<S: AsRef<std::ffi::OsStr>>(
    cwd: &Path,
    args: &[S],
    input: &[u8],
) -> Output {
    let mut child = protoc_command(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3 -m grpc_tools.protoc (pip install grpcio-tools)");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        use std::io::Write as _;
        // protoc may exit without reading everything; that is its answer, not a test failure.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait for protoc");
    let _ = writer.join();
    output
}

/// Real protoc run in `cwd` with `args` and `--descriptor_set_out` to a temporary file:
/// whether it succeeded, its stderr lines, and the descriptor set it wrote (empty if none).
pub fn protoc_descriptor_set<S: AsRef<std::ffi::OsStr>>(
    cwd: &Path,
    args: &[S],
) -> (bool, Vec<String>, Vec<u8>) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let out = std::env::temp_dir().join(format!(
        "protoforge-protoc-{}-{}.pb",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let run = protoc_command(cwd)
        .args(args)
        .arg(format!("--descriptor_set_out={}", out.display()))
        .stdin(Stdio::null())
        .output()
        .expect("run python3 -m grpc_tools.protoc (pip install grpcio-tools)");
    let lines = String::from_utf8_lossy(&run.stderr)
        .lines()
        .map(String::from)
        .collect();
    let bytes = std::fs::read(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    (run.status.success(), lines, bytes)
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
