//! `cargo xtask bench compile`: whole-process comparison of `protoforge` and protoc
//! (`python3 -m grpc_tools.protoc`) compiling the same corpus files in one invocation
//! (`-I. --include_imports --include_source_info`), printing the best wall time of several
//! runs, peak memory (via `/usr/bin/time` when present) and the ratio. Both outputs must be
//! identical, or the comparison is void.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

/// Runs the comparison named by `args` (only `compile` exists).
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("compile") | None => compile(root),
        Some(other) => Err(format!("unknown benchmark `{other}` (try `compile`)")),
    }
}

fn compile(root: &Path) -> Result<(), String> {
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["build", "--release", "-p", "protoforge-cli"])
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p protoforge-cli failed".into());
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let protoforge = target.join("release/protoforge");
    let src = root.join("testdata/descriptors/protobuf/src");
    let files = compatible_files(&protoforge, root, &src)?;
    let out_dir = std::env::temp_dir();
    let ours_out = out_dir.join("xtask-bench-protoforge.pb");
    let theirs_out = out_dir.join("xtask-bench-protoc.pb");
    let common = |out: &Path| {
        let mut v = vec![
            "-I.".to_string(),
            "--include_imports".into(),
            "--include_source_info".into(),
            format!("--descriptor_set_out={}", out.display()),
        ];
        v.extend(files.iter().cloned());
        v
    };
    let ours = |_: ()| {
        let mut c = Command::new(&protoforge);
        c.current_dir(&src).args(common(&ours_out));
        c
    };
    let theirs = |_: ()| {
        let mut c = Command::new("python3");
        c.current_dir(&src)
            .args(["-m", "grpc_tools.protoc"])
            .args(common(&theirs_out));
        c
    };
    let python_startup = |_: ()| {
        let mut c = Command::new("python3");
        c.args(["-c", "import grpc_tools.protoc"]);
        c
    };
    let (ours_t, ours_mem) = measure(ours)?;
    let (theirs_t, theirs_mem) = measure(theirs)?;
    let (startup_t, _) = measure(python_startup)?;
    let a = std::fs::read(&ours_out).map_err(|e| e.to_string())?;
    let b = std::fs::read(&theirs_out).map_err(|e| e.to_string())?;
    if a != b {
        return Err("outputs differ: the comparison is void".into());
    }
    let protoc_only = theirs_t.saturating_sub(startup_t);
    println!(
        "{} files, {} bytes of descriptor set (identical outputs)",
        files.len(),
        a.len()
    );
    println!("protoforge: {:>8.1} ms  peak {}", ms(ours_t), mem(ours_mem));
    println!(
        "protoc:     {:>8.1} ms  peak {}  (incl. python start-up {:.1} ms)",
        ms(theirs_t),
        mem(theirs_mem),
        ms(startup_t)
    );
    println!(
        "ratio protoforge/protoc: {:.2}x (vs protoc without python start-up: {:.2}x)",
        ms(ours_t) / ms(theirs_t).max(0.001),
        ms(ours_t) / ms(protoc_only).max(0.001)
    );
    Ok(())
}

/// The corpus files that compile together (the corpus has copies of the same messages in
/// several files, which cannot be compiled in one invocation), in `ok.txt` order.
fn compatible_files(protoforge: &Path, root: &Path, src: &Path) -> Result<Vec<String>, String> {
    let list = std::fs::read_to_string(root.join("testdata/descriptors/protobuf/goldens/ok.txt"))
        .map_err(|e| e.to_string())?;
    let mut chosen: Vec<String> = Vec::new();
    for f in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let ok = Command::new(protoforge)
            .current_dir(src)
            .args(["-I.", "--include_imports", "-o", "/dev/null"])
            .args(&chosen)
            .arg(f)
            .output()
            .map_err(|e| e.to_string())?
            .status
            .success();
        if ok {
            chosen.push(f.to_string());
        }
    }
    Ok(chosen)
}

/// Best wall time of `RUNS` runs, and the peak RSS in KiB of one run under `/usr/bin/time`.
fn measure(make: impl Fn(()) -> Command) -> Result<(Duration, Option<u64>), String> {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = make(()).output().map_err(|e| e.to_string())?;
        let took = start.elapsed();
        if !out.status.success() {
            return Err(format!(
                "command failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        best = best.min(took);
    }
    let probe = make(());
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%M")
        .arg(probe.get_program())
        .args(probe.get_args());
    if let Some(dir) = probe.get_current_dir() {
        timed.current_dir(dir);
    }
    let peak = timed.output().ok().and_then(|o| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()?
            .trim()
            .parse()
            .ok()
    });
    Ok((best, peak))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mem(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}
