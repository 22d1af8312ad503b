//! `cargo xtask bench codegen [--googleapis DIR] [--runs N]`: what the generated code costs,
//! protoforge (messages and gRPC services through `protoforge-build`) against protoc +
//! prost-build + tonic-build (`tonic-prost-build` 0.14 with its default features), on the
//! same `.proto` files, as a user's `build.rs` gets them.
//!
//! Everything runs in throwaway crates written to a temporary directory outside the
//! workspace (their own `[workspace]`, default profiles, path dependencies on this checkout's
//! crates, this checkout's `Cargo.lock` as the starting lock file) and built with one shared
//! target directory, `~/.cache/protoforge/codegen-bench/target`, so dependencies are built
//! once. Two generator crates, `gen-protoforge` and `gen-prost`, call the generator from
//! their `build.rs`, which reads the input set from a spec file and times its body (the
//! generator call: compile, generate, write into `OUT_DIR`, which it empties first, so every
//! run writes as a clean build does) with `std::time::Instant`, writing the time to a report
//! file whose path changes every run (`cargo:rerun-if-env-changed`), so cargo reruns the
//! script without rebuilding it: compiling the generator is never timed. It also reports the
//! CPU time of that body (user + system of the script's process, all threads, and of the
//! children it waited for, i.e. protoc, from `/proc/self/stat`), which a loaded machine
//! disturbs less than wall time. Generation is timed
//! with the generator built as cargo builds build-script dependencies by default
//! (`build-override` opt-level 0) and, for context, with `--config
//! profile.dev.build-override.opt-level=3`. prost-build runs a native protoc: `$PROTOC`, else
//! the protoc 27.2 `cargo xtask conformance` caches (found as `bench compile` finds it), with
//! grpc_tools' bundled `google/protobuf` files as the last include path.
//!
//! The generated files (`OUT_DIR`'s `.rs` files, include file included) are counted in lines
//! and bytes, then copied into two crates holding only them, `code-protoforge` (on the
//! runtime with feature `grpc`, tonic with `codegen` and `transport`) and `code-prost`
//! (prost, prost-types, tonic, tonic-prost). Each is built once untimed (dependencies), then
//! its `lib.rs` is touched and `cargo build` (debug, then `--release`) is timed as a whole,
//! with `CARGO_INCREMENTAL=0` so the rebuild compiles the crate fully. Last, linearity: the
//! largest set (aiplatform with `--googleapis`, else OpenTelemetry) is copied 1, 2 and 4 times
//! into distinct packages (`copyN.` before each package, `copyN/` before each path) and
//! generated at build-override opt-level 0; the growth from x1 is given in CPU time.
//!
//! Input sets: protobuf's `test_messages_proto3.proto` (from `testdata/`), OpenTelemetry's
//! trace, metrics and logs protos with their collector services (vendored in
//! `benches/codegen-data/opentelemetry/`), and with `--googleapis DIR` every
//! `google/cloud/aiplatform/v1/*.proto` of that tree. Each set is generated with all the
//! files it imports but `google/protobuf/*` (the well-known types, which both runtimes ship).
//! Runs alternate between the tools, one untimed round first; times are the best of
//! `--runs` (default 3). A tool that fails on a set is reported and the rest goes on.
//!
//! Beside this driver: `templates` (the throwaway crates' sources), `text` (edits and reads of
//! generated and `.proto` text) and `table` (the result table).

mod table;
mod templates;
mod text;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use protoforge_compile::Compiler;

use crate::bench::{Options, grpc_tools_include, native_protoc, version};
use table::{Cell, Row, Unit, row, table};
use templates::{
    BUILD_RS, CODE_LIB, CODE_PROST_TOML, CODE_PROTOFORGE_TOML, EMPTY_LIB, GEN_PROST_TOML,
    GEN_PROTOFORGE_TOML, GENERATE_PROST, GENERATE_PROTOFORGE, WORKSPACE_TOML,
};
use text::{count_lines, first_error, relative_includes, rename_package};

/// The two generators compared, in table order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tool {
    Protoforge,
    Prost,
}

const TOOLS: [Tool; 2] = [Tool::Protoforge, Tool::Prost];

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Protoforge => "protoforge",
            Tool::Prost => "prost",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A set of `.proto` files generated together: every file of `files` lies under `root`, the
/// one include path (the well-known types come from each tool's own copy).
#[derive(Clone)]
struct InputSet {
    name: String,
    root: PathBuf,
    files: Vec<String>,
}

/// How the build-script dependencies are optimized.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GenProfile {
    /// Cargo's default for build scripts and their dependencies.
    Default,
    /// `[profile.dev.build-override] opt-level = 3`.
    Optimized,
}

/// The throwaway workspace: its directory, target directory and report counter.
struct Bench {
    dir: PathBuf,
    target: PathBuf,
    protoc: Option<PathBuf>,
    protoc_include: Option<PathBuf>,
    runs: usize,
    /// Failures, one line each, printed below the table.
    notes: Vec<String>,
}

/// Runs `bench codegen` with the parsed options.
pub(crate) fn run(root: &Path, options: &Options) -> Result<(), String> {
    let home = std::env::var_os("HOME").ok_or("HOME is not set")?;
    let protoc = native_protoc();
    let mut bench = Bench {
        dir: std::env::temp_dir().join("protoforge-codegen-bench"),
        target: PathBuf::from(home).join(".cache/protoforge/codegen-bench/target"),
        protoc_include: grpc_tools_include(),
        protoc: protoc.clone(),
        runs: options.runs,
        notes: Vec::new(),
    };
    if protoc.is_none() {
        bench.notes.push(
            "prost: no native protoc (set PROTOC or run `cargo xtask conformance` once)".into(),
        );
    }
    bench.write_crates(root)?;

    let mut sets = vec![
        InputSet {
            name: "test_messages_proto3".into(),
            root: root.join("testdata/descriptors/protobuf/src"),
            files: vec!["google/protobuf/test_messages_proto3.proto".into()],
        },
        InputSet {
            name: "opentelemetry".into(),
            root: root.join("benches/codegen-data/opentelemetry"),
            files: ["trace", "metrics", "logs"]
                .iter()
                .map(|s| format!("opentelemetry/proto/collector/{s}/v1/{s}_service.proto"))
                .collect(),
        },
    ];
    if let Some(dir) = &options.googleapis {
        let v1 = dir.join("google/cloud/aiplatform/v1");
        let mut files: Vec<String> = std::fs::read_dir(&v1)
            .map_err(|e| format!("{}: {e}", v1.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".proto"))
            .map(|n| format!("google/cloud/aiplatform/v1/{n}"))
            .collect();
        files.sort();
        sets.push(InputSet {
            name: "aiplatform v1".into(),
            root: dir.clone(),
            files,
        });
    }
    for set in &mut sets {
        set.files = closure(set)?;
    }

    println!(
        "bench codegen: protoforge-build vs protoc {} + tonic-prost-build 0.14; best of {} runs; load average {}",
        bench
            .protoc
            .as_ref()
            .map_or("(none)".into(), |p| version(&mut Command::new(p))),
        bench.runs,
        load_average()
    );
    // Build both generators (and their dependencies) once per profile, untimed.
    for profile in [GenProfile::Default, GenProfile::Optimized] {
        let mut args = vec!["build", "-p", "gen-protoforge", "-p", "gen-prost"];
        args.extend(profile_args(profile));
        bench.cargo(&args, &[], true)?;
    }

    let mut rows = Vec::new();
    for set in &sets {
        rows.extend(bench.measure_set(set)?);
    }
    let largest = sets.last().ok_or("no input sets")?;
    rows.extend(bench.linearity(largest)?);

    println!("\n{}", table(&rows));
    for note in &bench.notes {
        println!("note: {note}");
    }
    println!("load average after: {}", load_average());
    Ok(())
}

impl Bench {
    /// Size, generation and build rows of one input set.
    fn measure_set(&mut self, set: &InputSet) -> Result<Vec<Row>, String> {
        eprintln!("bench codegen: {} ({} files)", set.name, set.files.len());
        let input = format!("{} ({})", set.name, file_count(set.files.len()));
        let spec = self.write_spec(set, &slug(&set.name))?;
        let mut rows = Vec::new();
        let mut failed = [false; 2];
        let mut out_dirs: [Option<PathBuf>; 2] = [None, None];
        for profile in [GenProfile::Default, GenProfile::Optimized] {
            let results = self.generate(&set.name, &spec, profile, failed);
            for tool in TOOLS {
                match &results[tool.index()] {
                    Some(Ok(t)) if profile == GenProfile::Default => {
                        out_dirs[tool.index()] = Some(t.out.clone());
                    }
                    Some(Err(_)) => failed[tool.index()] = true,
                    _ => {}
                }
            }
            let level = match profile {
                GenProfile::Default => 0,
                GenProfile::Optimized => 3,
            };
            let [wall, cpu] = time_cells(&results);
            rows.push(row(&input, &gen_metric("", level), Unit::Seconds, wall));
            rows.push(row(&input, &gen_metric(" CPU", level), Unit::Seconds, cpu));
        }

        // Sizes, and the generated files copied into the code crates.
        let mut lines = [Cell::Missing("-"), Cell::Missing("-")];
        let mut bytes = lines.clone();
        let mut copied = [false; 2];
        for tool in TOOLS {
            let Some(out) = &out_dirs[tool.index()] else {
                continue;
            };
            match self.copy_generated(tool, out) {
                Ok(size) => {
                    lines[tool.index()] = Cell::Value(size.lines as f64);
                    bytes[tool.index()] = Cell::Value(size.bytes as f64);
                    copied[tool.index()] = true;
                }
                Err(e) => self
                    .notes
                    .push(format!("{}: {}: {e}", set.name, tool.name())),
            }
        }
        rows.insert(0, row(&input, "generated bytes", Unit::Count, bytes));
        rows.insert(0, row(&input, "generated lines", Unit::Count, lines));

        for release in [false, true] {
            let cells = self.build_code(&set.name, release, copied);
            let metric = if release {
                "crate build, release"
            } else {
                "crate build, debug"
            };
            rows.push(row(&input, metric, Unit::Seconds, cells));
        }
        eprintln!("{}", table(&rows));
        Ok(rows)
    }

    /// Generation time of `set` copied 1, 2 and 4 times into distinct packages.
    fn linearity(&mut self, set: &InputSet) -> Result<Vec<Row>, String> {
        let mut rows = Vec::new();
        let mut failed = [false; 2];
        let mut first: [Option<f64>; 2] = [None, None];
        for copies in [1, 2, 4] {
            let copied = self.copy_set(set, copies)?;
            eprintln!(
                "bench codegen: {} x{copies} ({} files)",
                set.name,
                copied.files.len()
            );
            let spec = self.write_spec(&copied, &format!("{}-x{copies}", slug(&set.name)))?;
            let results = self.generate(&copied.name, &spec, GenProfile::Default, failed);
            for tool in TOOLS {
                if matches!(results[tool.index()], Some(Err(_))) {
                    failed[tool.index()] = true;
                }
            }
            let [wall, cpu] = time_cells(&results);
            let growth = TOOLS.map(|t| match (&cpu[t.index()], first[t.index()]) {
                (Cell::Value(v), Some(one)) if one > 0.0 => Cell::Value(v / one),
                (Cell::Value(v), None) => {
                    first[t.index()] = Some(*v);
                    Cell::Value(1.0)
                }
                _ => Cell::Missing("-"),
            });
            let input = format!(
                "{} x{copies} ({})",
                set.name,
                file_count(copied.files.len())
            );
            rows.push(row(&input, &gen_metric("", 0), Unit::Seconds, wall));
            rows.push(row(&input, &gen_metric(" CPU", 0), Unit::Seconds, cpu));
            rows.push(row(&input, "generation CPU / x1's", Unit::Factor, growth));
            eprintln!("{}", table(&rows[rows.len() - 3..]));
        }
        Ok(rows)
    }

    /// Runs both generators on the set described by `spec`: one untimed round, then `runs`
    /// timed ones, alternating. Gives per tool the best time and its `OUT_DIR`, the first
    /// error, or nothing for a tool in `skip`.
    fn generate(
        &mut self,
        name: &str,
        spec: &Path,
        profile: GenProfile,
        skip: [bool; 2],
    ) -> [Option<Result<GenTime, String>>; 2] {
        let mut results: [Option<Result<GenTime, String>>; 2] = [None, None];
        for round in 0..=self.runs {
            for tool in TOOLS {
                let i = tool.index();
                if skip[i] || matches!(results[i], Some(Err(_))) {
                    continue;
                }
                match self.generate_once(tool, spec, profile) {
                    Ok(t) if round > 0 => {
                        let best = match &results[i] {
                            Some(Ok(b)) => GenTime {
                                wall: b.wall.min(t.wall),
                                cpu: b.cpu.min(t.cpu),
                                out: t.out,
                            },
                            _ => t,
                        };
                        results[i] = Some(Ok(best));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        self.notes
                            .push(format!("{name}: {} generation fails: {e}", tool.name()));
                        results[i] = Some(Err(e));
                    }
                }
            }
        }
        results
    }

    /// One rerun of a generator's build script: its reported times and `OUT_DIR`.
    fn generate_once(
        &self,
        tool: Tool,
        spec: &Path,
        profile: GenProfile,
    ) -> Result<GenTime, String> {
        if tool == Tool::Prost && self.protoc.is_none() {
            return Err("no native protoc".into());
        }
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let report = self
            .dir
            .join(format!("reports/{}-{nonce}.txt", tool.name()));
        let package = format!("gen-{}", tool.name());
        let mut args = vec!["build", "-p", &package];
        args.extend(profile_args(profile));
        let spec_text = spec.to_string_lossy();
        let report_text = report.to_string_lossy();
        self.cargo(
            &args,
            &[
                ("CODEGEN_BENCH_SPEC", &spec_text),
                ("CODEGEN_BENCH_REPORT", &report_text),
            ],
            false,
        )?;
        let text = std::fs::read_to_string(&report)
            .map_err(|e| format!("no report from the build script ({e})"))?;
        let _ = std::fs::remove_file(&report);
        parse_report(&text).ok_or_else(|| format!("malformed report `{}`", text.trim_end()))
    }

    /// Times `cargo build [--release]` of both code crates after touching their `lib.rs`;
    /// `ready` says which hold generated code.
    fn build_code(&mut self, name: &str, release: bool, ready: [bool; 2]) -> [Cell; 2] {
        let mut best: [Option<Result<Duration, String>>; 2] = [None, None];
        for round in 0..=self.runs {
            for tool in TOOLS {
                let i = tool.index();
                if !ready[i] || matches!(best[i], Some(Err(_))) {
                    continue;
                }
                let package = format!("code-{}", tool.name());
                let mut args = vec!["build", "-p", &package];
                if release {
                    args.push("--release");
                }
                let lib = self.dir.join(format!("{package}/src/lib.rs"));
                let touched = std::fs::File::options()
                    .write(true)
                    .open(&lib)
                    .and_then(|f| f.set_modified(SystemTime::now()))
                    .map_err(|e| format!("{}: {e}", lib.display()));
                // The untimed first round also builds the dependencies; show its progress.
                let start = Instant::now();
                let result = touched.and_then(|()| self.cargo(&args, &[], round == 0));
                let elapsed = start.elapsed();
                match result {
                    Ok(()) if round > 0 => {
                        let b = match &best[i] {
                            Some(Ok(b)) => (*b).min(elapsed),
                            _ => elapsed,
                        };
                        best[i] = Some(Ok(b));
                    }
                    Ok(()) => {}
                    Err(e) => {
                        let mode = if release { "release" } else { "debug" };
                        self.notes.push(format!(
                            "{name}: {} generated code fails to build ({mode}): {e}",
                            tool.name()
                        ));
                        best[i] = Some(Err(e));
                    }
                }
            }
        }
        best.map(|b| match b {
            Some(Ok(d)) => Cell::Value(d.as_secs_f64()),
            Some(Err(_)) => Cell::Missing("fails"),
            None => Cell::Missing("-"),
        })
    }

    /// Copies the `.rs` files of `out` into the tool's code crate (`src/gen/`), making the
    /// include file's `include!`s relative; gives their total size.
    fn copy_generated(&self, tool: Tool, out: &Path) -> Result<Size, String> {
        let gen_dir = self.dir.join(format!("code-{}/src/gen", tool.name()));
        let _ = std::fs::remove_dir_all(&gen_dir);
        std::fs::create_dir_all(&gen_dir).map_err(|e| format!("{}: {e}", gen_dir.display()))?;
        let mut size = Size::default();
        let entries = std::fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path())
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            size.lines += count_lines(&text);
            size.bytes += text.len() as u64;
            std::fs::write(gen_dir.join(&name), relative_includes(&text))
                .map_err(|e| format!("{name}: {e}"))?;
        }
        if size.bytes == 0 {
            return Err(format!("no generated files in {}", out.display()));
        }
        Ok(size)
    }

    /// Writes the spec file a generator's build script reads: `include DIR` and `proto FILE`
    /// lines, and for prost `protoc PATH` and the extra include of the well-known files.
    fn write_spec(&self, set: &InputSet, name: &str) -> Result<PathBuf, String> {
        let mut text = format!("include {}\n", set.root.display());
        if let Some(include) = &self.protoc_include {
            text.push_str(&format!("protoc_include {}\n", include.display()));
        }
        if let Some(protoc) = &self.protoc {
            text.push_str(&format!("protoc {}\n", protoc.display()));
        }
        for file in &set.files {
            text.push_str(&format!("proto {}\n", set.root.join(file).display()));
        }
        let path = self.dir.join(format!("specs/{name}.txt"));
        write_if_changed(&path, &text)?;
        Ok(path)
    }

    /// `set` copied `copies` times under `copyN/` into packages `copyN.*`.
    fn copy_set(&self, set: &InputSet, copies: usize) -> Result<InputSet, String> {
        let root = self
            .dir
            .join(format!("linear/{}-x{copies}", slug(&set.name)));
        let _ = std::fs::remove_dir_all(&root);
        let mut files = Vec::new();
        for n in 1..=copies {
            for file in &set.files {
                let src = set.root.join(file);
                let text =
                    std::fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
                let name = format!("copy{n}/{file}");
                let dest = root.join(&name);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                std::fs::write(&dest, rename_package(&text, n, &set.files))
                    .map_err(|e| format!("{}: {e}", dest.display()))?;
                files.push(name);
            }
        }
        Ok(InputSet {
            name: format!("{} x{copies}", set.name),
            root,
            files,
        })
    }

    /// Writes the throwaway workspace: two generator crates and two code crates.
    fn write_crates(&self, root: &Path) -> Result<(), String> {
        let crates = root.join("crates");
        let path = |name: &str| crates.join(name).display().to_string();
        let files = [
            ("Cargo.toml", WORKSPACE_TOML.to_string()),
            (
                "gen-protoforge/Cargo.toml",
                GEN_PROTOFORGE_TOML.replace("@BUILD@", &path("protoforge-build")),
            ),
            (
                "gen-protoforge/build.rs",
                BUILD_RS.replace("@GENERATE@", GENERATE_PROTOFORGE),
            ),
            ("gen-protoforge/src/lib.rs", EMPTY_LIB.to_string()),
            ("gen-prost/Cargo.toml", GEN_PROST_TOML.to_string()),
            (
                "gen-prost/build.rs",
                BUILD_RS.replace("@GENERATE@", GENERATE_PROST),
            ),
            ("gen-prost/src/lib.rs", EMPTY_LIB.to_string()),
            (
                "code-protoforge/Cargo.toml",
                CODE_PROTOFORGE_TOML.replace("@RUNTIME@", &path("protoforge")),
            ),
            ("code-protoforge/src/lib.rs", CODE_LIB.to_string()),
            ("code-prost/Cargo.toml", CODE_PROST_TOML.to_string()),
            ("code-prost/src/lib.rs", CODE_LIB.to_string()),
        ];
        for (name, text) in files {
            write_if_changed(&self.dir.join(name), &text)?;
        }
        for dir in ["code-protoforge/src/gen", "code-prost/src/gen", "reports"] {
            std::fs::create_dir_all(self.dir.join(dir)).map_err(|e| e.to_string())?;
        }
        for tool in TOOLS {
            // An empty include file until the first generation, so the workspace loads.
            let include = self
                .dir
                .join(format!("code-{}/src/gen/_includes.rs", tool.name()));
            if !include.exists() {
                std::fs::write(&include, "").map_err(|e| e.to_string())?;
            }
        }
        // Start from this checkout's lock file, so the same tonic and prost are used.
        let lock = self.dir.join("Cargo.lock");
        if !lock.exists() {
            std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Runs cargo in the throwaway workspace with `env`; its output is shown when `show`,
    /// else kept for the error.
    fn cargo(&self, args: &[&str], env: &[(&str, &str)], show: bool) -> Result<(), String> {
        let mut c = Command::new("cargo");
        c.current_dir(&self.dir)
            .args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .envs(env.iter().copied());
        let failed = || format!("cargo {} failed", args.join(" "));
        if show {
            let status = c.status().map_err(|e| format!("cargo: {e}"))?;
            return if status.success() {
                Ok(())
            } else {
                Err(failed())
            };
        }
        let out = c
            .arg("--quiet")
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        Err(first_error(&String::from_utf8_lossy(&out.stderr)).unwrap_or_else(failed))
    }
}

/// What one generator run cost: wall and CPU time (its process and the processes it
/// waited for, i.e. protoc), and where it wrote.
struct GenTime {
    wall: Duration,
    cpu: Duration,
    out: PathBuf,
}

/// Reads a build script's report: `WALL CPU OUT_DIR` (seconds, seconds, path).
fn parse_report(text: &str) -> Option<GenTime> {
    let mut parts = text.trim_end().splitn(3, ' ');
    let mut secs = || {
        parts
            .next()?
            .parse::<f64>()
            .ok()
            .map(Duration::from_secs_f64)
    };
    let (wall, cpu) = (secs()?, secs()?);
    let out = PathBuf::from(parts.next().filter(|p| !p.is_empty())?);
    Some(GenTime { wall, cpu, out })
}

/// The wall and CPU cells of both tools' generation results.
fn time_cells(results: &[Option<Result<GenTime, String>>; 2]) -> [[Cell; 2]; 2] {
    let cell = |r: &Option<Result<GenTime, String>>, cpu: bool| match r {
        Some(Ok(t)) => Cell::Value(if cpu { t.cpu } else { t.wall }.as_secs_f64()),
        Some(Err(_)) => Cell::Missing("fails"),
        None => Cell::Missing("-"),
    };
    [false, true].map(|cpu| [cell(&results[0], cpu), cell(&results[1], cpu)])
}

/// `generation[ CPU], build deps opt-level N`.
fn gen_metric(what: &str, level: u8) -> String {
    format!("generation{what}, build deps opt-level {level}")
}

/// Total lines and bytes of generated files.
#[derive(Default, Clone, Copy)]
struct Size {
    lines: u64,
    bytes: u64,
}

fn profile_args(profile: GenProfile) -> Vec<&'static str> {
    match profile {
        GenProfile::Default => Vec::new(),
        GenProfile::Optimized => vec!["--config", "profile.dev.build-override.opt-level=3"],
    }
}

/// `set.files` and the files they import but the well-known types, sorted.
fn closure(set: &InputSet) -> Result<Vec<String>, String> {
    let compiled = Compiler::new()
        .include_path(set.root.to_string_lossy())
        .include_imports(true)
        .compile(&set.files)
        .map_err(|e| format!("{}: {e}", set.name))?;
    let mut files: Vec<String> = compiled
        .files
        .file
        .iter()
        .map(|f| f.name().to_string())
        .filter(|n| !n.starts_with("google/protobuf/") || set.files.contains(n))
        .collect();
    files.sort();
    Ok(files)
}

/// `1 file`, `8 files`.
fn file_count(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

fn slug(name: &str) -> String {
    name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_parse_and_reject() {
        let t = parse_report("1.5 2.25 /t/out dir\n");
        assert_eq!(
            t.map(|t| (t.wall.as_secs_f64(), t.cpu.as_secs_f64(), t.out)),
            Some((1.5, 2.25, PathBuf::from("/t/out dir")))
        );
        assert!(parse_report("1.5 /t/out").is_none());
        assert!(parse_report("1.5 2").is_none());
    }
}
