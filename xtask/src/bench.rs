//! `cargo xtask bench compile [--googleapis DIR]`: whole-process comparison of protoforge,
//! protoc (`python3 -m grpc_tools.protoc`) and, when installed, protox, compiling the same files
//! in one invocation each, printing the best wall time and CPU time of several runs, peak
//! memory (via `/usr/bin/time` when present) and the ratios. protoforge's output must be
//! identical to protoc's, or the comparison is void.
//!
//! protoforge runs as the `compile` example of `protoforge-compile` (the library the CLI wraps,
//! with the same encoding and output), so the measurement does not depend on CLI work in
//! progress. protoc's time is also given without Python's start-up, measured as protoc
//! compiling an empty file. protox is used when `PROTOX` names its binary or `protox` is on
//! the `PATH` (`cargo install protox --features bin`).
//!
//! Without `--googleapis` the corpus files that compile together are used
//! (`-I. --include_imports --include_source_info`). With `--googleapis DIR` (an exported
//! googleapis tree; keep it outside the checkout, e.g. `~/.cache/protoforge/googleapis`), every
//! `.proto` under `DIR/google` and `DIR/grafeas` except `google/ads` is compiled with
//! `-I DIR --include_imports`, protobuf's own files coming from each compiler's bundled
//! includes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

/// Runs the comparison named by `args` (only `compile` exists).
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("compile") | None => {
            let googleapis = match args.get(1).map(String::as_str) {
                Some("--googleapis") => Some(PathBuf::from(
                    args.get(2).ok_or("--googleapis needs a directory")?,
                )),
                Some(other) => return Err(format!("unknown option `{other}`")),
                None => None,
            };
            compile(root, googleapis.as_deref())
        }
        Some(other) => Err(format!("unknown benchmark `{other}` (try `compile`)")),
    }
}

/// One compiler's invocation: program, fixed arguments before the common ones.
struct Tool {
    name: &'static str,
    program: PathBuf,
    prefix: Vec<String>,
}

fn compile(root: &Path, googleapis: Option<&Path>) -> Result<(), String> {
    let status = Command::new("cargo")
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "protoforge-compile",
            "--example",
            "compile",
        ])
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p protoforge-compile --example compile failed".into());
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let protoforge = target.join("release/examples/compile");
    let (dir, files, flags) = match googleapis {
        Some(dir) => (
            dir.to_path_buf(),
            googleapis_files(dir)?,
            vec!["-I.".to_string(), "--include_imports".to_string()],
        ),
        None => {
            let src = root.join("testdata/descriptors/protobuf/src");
            let files = compatible_files(&protoforge, root, &src)?;
            let flags = ["-I.", "--include_imports", "--include_source_info"];
            (src, files, flags.map(String::from).to_vec())
        }
    };
    let bytes: usize = files
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len() as usize)
        .sum();
    let out_dir = std::env::temp_dir();
    let args_file = out_dir.join("xtask-bench-files.txt");
    std::fs::write(&args_file, files.join("\n")).map_err(|e| e.to_string())?;
    let python = Tool {
        name: "protoc",
        program: "python3".into(),
        prefix: vec!["-m".into(), "grpc_tools.protoc".into()],
    };
    let mut tools = vec![
        Tool {
            name: "protoforge",
            program: protoforge,
            prefix: Vec::new(),
        },
        python,
    ];
    if let Some(protox) = find_protox() {
        tools.push(Tool {
            name: "protox",
            program: protox,
            prefix: Vec::new(),
        });
    }
    let mut results = Vec::new();
    for tool in &tools {
        let out = out_dir.join(format!("xtask-bench-{}.pb", tool.name));
        let make = || {
            let mut c = Command::new(&tool.program);
            c.current_dir(&dir).args(&tool.prefix).args(&flags);
            c.arg(format!("--descriptor_set_out={}", out.display()));
            if tool.name == "protoforge" {
                c.arg(format!("@{}", args_file.display()));
            } else {
                c.args(&files);
            }
            c
        };
        let m = measure(make)?;
        results.push((
            tool.name,
            m,
            std::fs::read(&out).map_err(|e| e.to_string())?,
        ));
    }
    // Python's start-up and protoc's fixed cost: protoc compiling one empty file.
    let empty_dir = out_dir.join("xtask-bench-empty");
    std::fs::create_dir_all(&empty_dir).map_err(|e| e.to_string())?;
    std::fs::write(empty_dir.join("empty.proto"), "syntax = \"proto3\";\n")
        .map_err(|e| e.to_string())?;
    let startup = measure(|| {
        let mut c = Command::new("python3");
        c.current_dir(&empty_dir).args([
            "-m",
            "grpc_tools.protoc",
            "-I.",
            "-o",
            "/dev/null",
            "empty.proto",
        ]);
        c
    })?;
    let ours = &results[0];
    let theirs = &results[1];
    if ours.2 != theirs.2 {
        return Err("protoforge's output differs from protoc's: the comparison is void".into());
    }
    println!(
        "{} files, {:.1} MB of .proto, {} bytes of descriptor set (protoforge = protoc)",
        files.len(),
        bytes as f64 / 1e6,
        ours.2.len()
    );
    for (name, m, out) in &results {
        println!(
            "{name:<11} wall {:>8.1} ms  cpu {:>8.1} ms  peak {}  ({} bytes out)",
            ms(m.wall),
            ms(m.cpu),
            mem(m.peak_kib),
            out.len()
        );
    }
    println!(
        "protoc start-up (empty file): wall {:.1} ms, cpu {:.1} ms, peak {}",
        ms(startup.wall),
        ms(startup.cpu),
        mem(startup.peak_kib)
    );
    let protoc_wall = theirs.1.wall.saturating_sub(startup.wall);
    let protoc_cpu = theirs.1.cpu.saturating_sub(startup.cpu);
    for (name, m, _) in &results {
        if *name == "protoc" {
            continue;
        }
        println!(
            "ratio {name}/protoc (start-up subtracted): wall {:.2}x  cpu {:.2}x",
            ms(m.wall) / ms(protoc_wall).max(0.001),
            ms(m.cpu) / ms(protoc_cpu).max(0.001)
        );
    }
    Ok(())
}

/// Every `.proto` of the googleapis tree `dir` (under `google/` and `grafeas/`) but
/// `google/ads`, relative to `dir`, sorted.
fn googleapis_files(dir: &Path) -> Result<Vec<String>, String> {
    fn walk(base: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), String> {
        let entries = std::fs::read_dir(base.join(rel)).map_err(|e| format!("{rel}: {e}"))?;
        for e in entries {
            let e = e.map_err(|e| e.to_string())?;
            let name = e.file_name().to_string_lossy().into_owned();
            let path = format!("{rel}/{name}");
            if path == "google/ads" {
                continue;
            }
            if e.file_type().map_err(|e| e.to_string())?.is_dir() {
                walk(base, &path, out)?;
            } else if name.ends_with(".proto") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for top in ["google", "grafeas"] {
        if dir.join(top).is_dir() {
            walk(dir, top, &mut files)?;
        }
    }
    if files.is_empty() {
        return Err(format!("no .proto files under {}", dir.display()));
    }
    files.sort();
    Ok(files)
}

/// The protox binary: `$PROTOX`, or `protox` found on the `PATH`.
fn find_protox() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROTOX") {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("protox"))
        .find(|p| p.is_file())
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

/// What one command cost.
struct Measured {
    /// Best wall time of `RUNS` runs.
    wall: Duration,
    /// User plus system time of the run with the best wall time.
    cpu: Duration,
    /// Peak RSS in KiB of one run under `/usr/bin/time`.
    peak_kib: Option<u64>,
}

/// Runs `make()` `RUNS` times, then once more under `/usr/bin/time` for the peak memory.
fn measure(make: impl Fn() -> Command) -> Result<Measured, String> {
    let mut best = (Duration::MAX, Duration::ZERO);
    for _ in 0..RUNS {
        let before = children_cpu();
        let start = Instant::now();
        let out = make().output().map_err(|e| e.to_string())?;
        let took = start.elapsed();
        let cpu = children_cpu().saturating_sub(before);
        if !out.status.success() {
            return Err(format!(
                "command failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if took < best.0 {
            best = (took, cpu);
        }
    }
    let probe = make();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%M")
        .arg(probe.get_program())
        .args(probe.get_args());
    if let Some(dir) = probe.get_current_dir() {
        timed.current_dir(dir);
    }
    let peak_kib = timed.output().ok().and_then(|o| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()?
            .trim()
            .parse()
            .ok()
    });
    Ok(Measured {
        wall: best.0,
        cpu: best.1,
        peak_kib,
    })
}

/// User plus system time of all waited-for children so far, from `/proc/self/stat` (zero
/// where that is not available).
fn children_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which is in parentheses): cutime and cstime are the
    // 14th and 15th of them (fields 16 and 17 of the line).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [13, 14]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    // The kernel's USER_HZ is 100 on every Linux platform Rust supports.
    Duration::from_millis(ticks * 10)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mem(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}
