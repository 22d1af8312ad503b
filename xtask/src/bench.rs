//! `cargo xtask bench compile [--googleapis DIR] [--runs N]`: whole-process comparison of
//! protoforge, protoc and protox compiling the same files, one invocation each, printed as a
//! table of wall time, CPU time (user + system) and peak RSS per tool, the ratios to protoc,
//! and whether each tool's descriptor set equals protoc's. `cargo xtask bench grpc [ARGS]`
//! runs the gRPC echo benchmark
//! (`cargo run --release -p grpc-echo-bench --bin grpc-echo-bench -- ARGS`),
//! `cargo xtask bench codegen` the generated-code comparison of `bench_codegen.rs` (which
//! shares this file's options and its way of finding protoc), and `cargo xtask bench codec`
//! the codec comparison of `bench_codec.rs`.
//!
//! The tools: protoforge is the `protoforge` command (package `protoforge-cli`, default
//! features: what a user installs). "protoc (python)" is `python3 -m grpc_tools.protoc`,
//! the protoc that made the goldens and the reference for "output"; its row is repeated with
//! Python's start-up (protoc compiling an empty file) subtracted. "protoc (native)" is a
//! native protoc binary: `$PROTOC`, else the one `cargo xtask conformance` builds under
//! `~/.cache/protoforge/conformance/protobuf-27.2/` (or `$PROTOFORGE_CONFORMANCE_CACHE`); it gets grpc_tools' bundled `google/protobuf` files as its last
//! include path, so every protoc reads the same well-known files (a protoc older than the
//! inputs, such as 27.2 on the corpus's edition 2024 files, is shown as failing). protox is
//! the `protox-compile` binary of the non-default workspace member `benches/compile-compare`
//! (built here with `--features protox`; `$PROTOX` names another binary with the same flags);
//! it bundles its own well-known files, so its output may differ, which is reported, not
//! fatal. Ratios are against the native protoc when it compiled the set, else against
//! Python's with start-up subtracted.
//!
//! Every tool runs once untimed (warming the page cache), then `--runs` times (default 5),
//! the tools taking turns so that a change in machine load hits all of them alike. Wall and
//! CPU are the best of the runs, peak RSS (from `/usr/bin/time`) the largest.
//!
//! Without `--googleapis` the corpus files that compile together are used
//! (`-I. --include_imports --include_source_info`). With `--googleapis DIR` (an exported
//! googleapis tree; keep it outside the checkout, e.g. `~/.cache/protoforge/googleapis`), every
//! `.proto` under `DIR/google` and `DIR/grafeas` except `google/ads` is compiled with
//! `-I. --include_imports` from DIR, protobuf's own files coming from each compiler's bundled
//! includes. The command fails when protoforge's output differs from protoc's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;

/// Runs the benchmark named by `args[0]`: `compile` (the default), `codegen`, `grpc` or
/// `codec`.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("compile") => compile(root, &Options::parse(&args[1..], 5)?),
        None => compile(root, &Options::parse(&[], 5)?),
        Some("codegen") => crate::bench_codegen::run(root, &Options::parse(&args[1..], 3)?),
        Some("grpc") => grpc(root, &args[1..]),
        Some("codec") => crate::bench_codec::run(root, &args[1..]),
        Some(other) => Err(format!(
            "unknown benchmark `{other}` (try `compile`, `codegen`, `grpc` or `codec`)"
        )),
    }
}

/// `bench grpc`: the echo benchmark of `benches/grpc-echo`, with `args` passed through.
fn grpc(root: &Path, args: &[String]) -> Result<(), String> {
    let status = Command::new("cargo")
        .current_dir(root)
        .args([
            "run",
            "--release",
            "-p",
            "grpc-echo-bench",
            "--bin",
            "grpc-echo-bench",
            "--",
        ])
        .args(args)
        .status()
        .map_err(|e| format!("cargo run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("cargo run --release -p grpc-echo-bench failed".into())
    }
}

/// The options of `bench compile` and `bench codegen`.
pub(crate) struct Options {
    pub(crate) googleapis: Option<PathBuf>,
    pub(crate) runs: usize,
}

impl Options {
    /// Parses `--googleapis DIR` and `--runs N` (`runs` when not given).
    pub(crate) fn parse(args: &[String], runs: usize) -> Result<Options, String> {
        let mut options = Options {
            googleapis: None,
            runs,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--googleapis" => {
                    let dir = it.next().ok_or("--googleapis needs a directory")?;
                    options.googleapis = Some(PathBuf::from(dir));
                }
                "--runs" => {
                    let n = it.next().ok_or("--runs needs a number")?;
                    options.runs = n
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or(format!("--runs: `{n}` is not a positive number"))?;
                }
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        Ok(options)
    }
}

/// Which compiler a row measures; decides how its command line is made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Protoforge,
    ProtocPython,
    ProtocNative,
    Protox,
}

/// One compiler: how to run it and what its runs cost.
struct Tool {
    kind: Kind,
    label: String,
    program: PathBuf,
    /// Arguments before the common ones (`-m grpc_tools.protoc`).
    prefix: Vec<String>,
    /// Include paths after the common flags (native protoc's well-known files).
    extra: Vec<String>,
    out: PathBuf,
    samples: Vec<Sample>,
    output: Vec<u8>,
    /// The first error line of a tool that cannot compile the set.
    failed: Option<String>,
}

/// What one run cost.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
    peak_kib: Option<u64>,
}

/// The summary of a tool's runs: best wall, best CPU, largest peak.
#[derive(Clone, Copy)]
struct Summary {
    wall: Duration,
    cpu: Duration,
    peak_kib: Option<u64>,
}

fn summarize(samples: &[Sample]) -> Summary {
    Summary {
        wall: samples.iter().map(|s| s.wall).min().unwrap_or_default(),
        cpu: samples.iter().map(|s| s.cpu).min().unwrap_or_default(),
        peak_kib: samples.iter().filter_map(|s| s.peak_kib).max(),
    }
}

fn compile(root: &Path, options: &Options) -> Result<(), String> {
    let target = crate::target_dir(root);
    crate::cargo_release_build(root, &["-p", "protoforge-cli", "--bin", "protoforge"])?;
    let protoforge = target.join("release/protoforge");
    let protox = match std::env::var_os("PROTOX") {
        Some(p) => Some(PathBuf::from(p)),
        None => match crate::cargo_release_build(
            root,
            &["-p", "compile-compare", "--features", "protox"],
        ) {
            Ok(()) => Some(target.join("release/protox-compile")),
            Err(e) => {
                eprintln!("bench: protox left out: {e}");
                None
            }
        },
    };
    let (dir, files, flags) = match &options.googleapis {
        Some(dir) => (
            dir.clone(),
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
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let tmp = std::env::temp_dir().join("xtask-bench");
    std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let args_file = tmp.join("files.txt");
    std::fs::write(&args_file, files.join("\n")).map_err(|e| e.to_string())?;

    let tool = |kind, label: String, program: PathBuf, prefix: &[&str], name: &str| Tool {
        kind,
        label,
        program,
        prefix: prefix.iter().map(|s| s.to_string()).collect(),
        extra: Vec::new(),
        out: tmp.join(format!("{name}.pb")),
        samples: Vec::new(),
        output: Vec::new(),
        failed: None,
    };
    let python_version = version(Command::new("python3").args(["-m", "grpc_tools.protoc"]));
    let mut tools = vec![
        tool(
            Kind::Protoforge,
            "protoforge".into(),
            protoforge,
            &[],
            "protoforge",
        ),
        tool(
            Kind::ProtocPython,
            format!("protoc {python_version} (python)"),
            "python3".into(),
            &["-m", "grpc_tools.protoc"],
            "protoc-python",
        ),
    ];
    if let Some(native) = native_protoc() {
        let mut t = tool(
            Kind::ProtocNative,
            format!("protoc {} (native)", version(&mut Command::new(&native))),
            native,
            &[],
            "protoc-native",
        );
        if let Some(include) = grpc_tools_include() {
            t.extra.push(format!("-I{}", include.display()));
        }
        tools.push(t);
    }
    if let Some(protox) = protox {
        tools.push(tool(
            Kind::Protox,
            "protox 0.10".into(),
            protox,
            &[],
            "protox",
        ));
    }

    let command = |t: &Tool| {
        let mut c = Command::new(&t.program);
        c.current_dir(&dir)
            .args(&t.prefix)
            .args(&flags)
            .args(&t.extra)
            .arg(format!("--descriptor_set_out={}", t.out.display()));
        match t.kind {
            Kind::Protoforge | Kind::Protox => {
                c.arg(format!("@{}", args_file.display()));
            }
            Kind::ProtocPython | Kind::ProtocNative => {
                c.args(&files);
            }
        }
        c
    };
    // One untimed run each: it fills the page cache and finds a tool that cannot compile the
    // set (only protoforge and Python's protoc are required; another is shown as failing).
    for t in &mut tools {
        if let Err(e) = run_once(command(t), &tmp) {
            if matches!(t.kind, Kind::Protoforge | Kind::ProtocPython) {
                return Err(format!("{}: {e}", t.label));
            }
            eprintln!("bench: {}: {e}", t.label);
            t.failed = Some(e);
        }
    }
    for _ in 0..options.runs {
        for t in tools.iter_mut().filter(|t| t.failed.is_none()) {
            let sample = run_once(command(t), &tmp).map_err(|e| format!("{}: {e}", t.label))?;
            t.samples.push(sample);
        }
    }
    for t in tools.iter_mut().filter(|t| t.failed.is_none()) {
        t.output = std::fs::read(&t.out).map_err(|e| format!("{}: {e}", t.out.display()))?;
    }
    // Python's start-up and protoc's fixed cost: protoc compiling one empty file.
    let empty_dir = tmp.join("empty");
    std::fs::create_dir_all(&empty_dir).map_err(|e| e.to_string())?;
    std::fs::write(empty_dir.join("empty.proto"), "syntax = \"proto3\";\n")
        .map_err(|e| e.to_string())?;
    let mut startup = Vec::new();
    for _ in 0..options.runs {
        let mut c = Command::new("python3");
        c.current_dir(&empty_dir).args([
            "-m",
            "grpc_tools.protoc",
            "-I.",
            "-o",
            "/dev/null",
            "empty.proto",
        ]);
        startup.push(run_once(c, &tmp)?);
    }
    let startup = summarize(&startup);

    let reference = tools
        .iter()
        .find(|t| t.kind == Kind::ProtocPython)
        .map(|t| t.output.clone())
        .unwrap_or_default();
    // Label, summary (none for a tool that failed), output comparison.
    let mut rows: Vec<(String, Option<Summary>, String)> = Vec::new();
    for t in &tools {
        let s = summarize(&t.samples);
        let output = if let Some(e) = &t.failed {
            format!("fails: {e}")
        } else if t.kind == Kind::ProtocPython {
            "reference".to_string()
        } else {
            compare(&reference, &t.output)
        };
        rows.push((t.label.clone(), t.failed.is_none().then_some(s), output));
        if t.kind == Kind::ProtocPython {
            rows.push((
                "  (python start-up subtracted)".into(),
                Some(Summary {
                    wall: s.wall.saturating_sub(startup.wall),
                    cpu: s.cpu.saturating_sub(startup.cpu),
                    peak_kib: s
                        .peak_kib
                        .zip(startup.peak_kib)
                        .map(|(a, b)| a.saturating_sub(b)),
                }),
                String::new(),
            ));
        }
    }
    let native = rows
        .iter()
        .position(|r| r.0.ends_with("(native)") && r.1.is_some());
    let base_index = native.unwrap_or_else(|| {
        rows.iter()
            .position(|r| r.0.contains("start-up subtracted"))
            .unwrap_or(0)
    });
    let base = rows[base_index].1.unwrap_or(startup);

    let set = if options.googleapis.is_some() {
        "googleapis (google/ and grafeas/ but google/ads), -I. --include_imports"
    } else {
        "protobuf corpus, -I. --include_imports --include_source_info"
    };
    println!(
        "\n{set}: {} files, {:.1} MB of .proto, {} bytes of descriptor set from protoc",
        files.len(),
        bytes as f64 / 1e6,
        reference.len()
    );
    println!(
        "best wall and best CPU of {} runs per tool, largest peak RSS; ratios against {}",
        options.runs,
        rows[base_index].0.trim()
    );
    println!(
        "python start-up (protoc compiling an empty file): wall {:.1} ms, CPU {:.1} ms, peak {} MiB\n",
        ms(startup.wall),
        ms(startup.cpu),
        mib(startup.peak_kib)
    );
    println!(
        "| {:<31} | {:>9} | {:>9} | {:>9} | {:>6} | {:>6} | {:>6} | {:<30} |",
        "tool", "wall ms", "CPU ms", "peak MiB", "wall×", "CPU×", "peak×", "output vs protoc"
    );
    println!(
        "|{:-<33}|{:->11}|{:->11}|{:->11}|{:->8}|{:->8}|{:->8}|{:-<32}|",
        ":", ":", ":", ":", ":", ":", ":", ":"
    );
    for (label, s, output) in &rows {
        let Some(s) = s else {
            let dash = "-";
            println!(
                "| {label:<31} | {dash:>9} | {dash:>9} | {dash:>9} | {dash:>6} | {dash:>6} | {dash:>6} | {output:<30} |"
            );
            continue;
        };
        println!(
            "| {label:<31} | {:>9.1} | {:>9.1} | {:>9} | {:>6} | {:>6} | {:>6} | {output:<30} |",
            ms(s.wall),
            ms(s.cpu),
            mib(s.peak_kib),
            ratio(ms(s.wall), ms(base.wall)),
            ratio(ms(s.cpu), ms(base.cpu)),
            ratio(
                s.peak_kib.unwrap_or(0) as f64,
                base.peak_kib.unwrap_or(0) as f64
            ),
        );
    }
    match rows.iter().find(|r| r.0 == "protoforge") {
        Some((_, _, output)) if output == "identical" => Ok(()),
        Some((_, _, output)) => Err(format!("protoforge's output {output} from protoc's")),
        None => Err("protoforge did not run".into()),
    }
}

/// The native protoc: `$PROTOC`, else the protobuf 27.2 build `cargo xtask conformance` caches.
pub(crate) fn native_protoc() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROTOC") {
        return Some(PathBuf::from(p));
    }
    let cache = match std::env::var_os("PROTOFORGE_CONFORMANCE_CACHE").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/protoforge/conformance"),
    };
    Some(cache.join("protobuf-27.2/protoc")).filter(|p| p.is_file())
}

/// grpc_tools' directory of bundled `.proto` files (`google/protobuf/*.proto`).
pub(crate) fn grpc_tools_include() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), '_proto'))",
        ])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    dir.join("google/protobuf/descriptor.proto")
        .is_file()
        .then_some(dir)
}

/// The version a protoc prints for `--version` (`libprotoc 27.1` → `27.1`), or `?`.
pub(crate) fn version(command: &mut Command) -> String {
    command
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            text.split_whitespace().last().map(String::from)
        })
        .unwrap_or_else(|| "?".into())
}

/// How `output` compares with protoc's `reference`: `identical`, or how it differs, file by
/// file when both decode.
fn compare(reference: &[u8], output: &[u8]) -> String {
    if reference == output {
        return "identical".into();
    }
    let (Ok(theirs), Ok(ours)) = (
        FileDescriptorSet::decode(reference),
        FileDescriptorSet::decode(output),
    ) else {
        return "differs (does not decode)".into();
    };
    let mut differing = Vec::new();
    let mut missing = 0;
    for file in &theirs.file {
        match ours.file.iter().find(|f| f.name() == file.name()) {
            Some(f) if f.encode_to_vec() == file.encode_to_vec() => {}
            Some(_) => differing.push(file.name()),
            None => missing += 1,
        }
    }
    let extra = ours
        .file
        .iter()
        .filter(|f| !theirs.file.iter().any(|t| t.name() == f.name()))
        .count();
    let mut text = match differing.first() {
        Some(first) => format!("differs: {} files, e.g. {first}", differing.len()),
        None => "differs: file order".into(),
    };
    if missing + extra > 0 {
        text.push_str(&format!("; {missing} missing, {extra} extra"));
    }
    text
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

/// Runs `command` once under `/usr/bin/time` (for CPU and peak RSS) when that exists, else
/// directly (CPU from this process's children totals, no peak).
fn run_once(command: Command, tmp: &Path) -> Result<Sample, String> {
    let report = tmp.join("time.txt");
    let timed = Path::new("/usr/bin/time").is_file();
    let mut c = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%U %S %M")
            .arg("-o")
            .arg(&report)
            .arg(command.get_program())
            .args(command.get_args());
        if let Some(dir) = command.get_current_dir() {
            c.current_dir(dir);
        }
        c
    } else {
        command
    };
    let before = children_cpu();
    let start = Instant::now();
    let out = c.output().map_err(|e| e.to_string())?;
    let wall = start.elapsed();
    if !out.status.success() {
        // The first line that is not a warning, which is the first error for every tool here.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| !l.contains("warning:") && !l.trim().is_empty())
            .unwrap_or("no message");
        return Err(format!("exit {}: {first}", out.status.code().unwrap_or(-1)));
    }
    if !timed {
        return Ok(Sample {
            wall,
            cpu: children_cpu().saturating_sub(before),
            peak_kib: None,
        });
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let fields: Vec<&str> = text
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let secs = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    let cpu = secs(0).zip(secs(1)).map(|(u, s)| u + s).unwrap_or(0.0);
    Ok(Sample {
        wall,
        cpu: Duration::from_secs_f64(cpu),
        peak_kib: fields.get(2).and_then(|f| f.parse().ok()),
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

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// `value / base` as `0.42`, or `-` when there is no base.
fn ratio(value: f64, base: f64) -> String {
    if base > 0.0 {
        format!("{:.2}", value / base)
    } else {
        "-".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// protoc's own descriptor set for `unittest.proto` and its two imports.
    fn golden(suffix: &str) -> Vec<u8> {
        let path = root_dir().join(format!(
            "testdata/descriptors/protobuf/goldens/google/protobuf/unittest.proto{suffix}"
        ));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn root_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn compare_names_what_differs() {
        let plain = golden(".pb");
        assert_eq!(compare(&plain, &plain), "identical");
        // The same files with source info: every file differs, none is missing.
        assert_eq!(
            compare(&plain, &golden(".src.pb")),
            "differs: 3 files, e.g. google/protobuf/unittest_import_public.proto"
        );
        let Ok(mut set) = FileDescriptorSet::decode(plain.as_slice()) else {
            panic!("protoc's golden does not decode");
        };
        set.file.reverse();
        assert_eq!(compare(&plain, &set.encode_to_vec()), "differs: file order");
        set.file.pop();
        assert_eq!(
            compare(&plain, &set.encode_to_vec()),
            "differs: file order; 1 missing, 0 extra"
        );
        assert_eq!(compare(&plain, b"\xff"), "differs (does not decode)");
    }

    #[test]
    fn options_parse_and_reject() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = Options::parse(&args(&["--googleapis", "/g", "--runs", "7"]), 5);
        assert_eq!(
            o.map(|o| (o.googleapis, o.runs)),
            Ok((Some(PathBuf::from("/g")), 7))
        );
        assert_eq!(Options::parse(&[], 5).map(|o| o.runs), Ok(5));
        assert!(Options::parse(&args(&["--runs", "0"]), 5).is_err());
        assert!(Options::parse(&args(&["--googleapis"]), 5).is_err());
        assert!(Options::parse(&args(&["--fast"]), 5).is_err());
    }
}
