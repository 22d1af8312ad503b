//! `cargo xtask conformance`: runs protobuf's `conformance_test_runner` against our testee.
//!
//! No Debian package ships a runner, and Debian's protobuf (3.21) predates editions, so this
//! job builds the runner of protobuf 27.2, whose suites cover proto2, proto3 and editions 2023
//! in binary, JSON and text format. The source comes from crates.io: the `protobuf-src` crate
//! packs protobuf's whole source tree, conformance suite and bundled abseil included. The job
//! fetches it with `cargo vendor` into a scratch directory, configures it with cmake (Ninja when
//! installed), jsoncpp from Debian's `libjsoncpp-dev`, and builds the `conformance_test_runner`
//! target, which also builds the matching `protoc` (kept beside the runner: the compile
//! benchmark uses it as native protoc). That build takes 15 to 30 minutes on two cores; the
//! binaries are cached in `$HOME/.cache/protoforge/conformance/protobuf-27.2/` (or under
//! `$PROTOFORGE_CONFORMANCE_CACHE`) and reused by later runs. The job then runs the runner
//! against the testee (`--maximum_edition 2023`), keeps the runner's full report in
//! `<target>/conformance/runner.log`, prints the unexpected failures and the summary lines, and
//! fails when the runner fails.

use std::fs;
use std::io::Write as _;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The crates.io package that carries protobuf's source tree, and its exact version.
const SOURCE_CRATE: &str = "protobuf-src";
const SOURCE_CRATE_VERSION: &str = "=2.1.1+27.1";

/// The protobuf release inside that crate (its `version.json` says 27.2, whatever the crate's
/// version suffix says); names the cache directory.
const PROTOBUF_VERSION: &str = "27.2";

/// The newest edition the runner is asked to test.
const MAXIMUM_EDITION: &str = "2023";

/// Debian packages the build needs.
const BUILD_PACKAGES: &[&str] = &["cmake", "ninja-build", "g++", "libjsoncpp-dev"];

/// cmake settings: only what the runner needs, abseil from the source tree, jsoncpp from Debian.
const CMAKE_FLAGS: &[&str] = &[
    "-DCMAKE_BUILD_TYPE=Release",
    "-Dprotobuf_BUILD_TESTS=OFF",
    "-Dprotobuf_BUILD_CONFORMANCE=ON",
    "-Dprotobuf_BUILD_LIBUPB=OFF",
    "-Dprotobuf_INSTALL=OFF",
    "-Dprotobuf_ABSL_PROVIDER=module",
    "-Dprotobuf_JSONCPP_PROVIDER=package",
    "-DABSL_PROPAGATE_CXX_STD=ON",
    // Debian installs jsoncpp's headers one level down; the runner includes "json/json.h".
    "-DCMAKE_CXX_FLAGS=-I/usr/include/jsoncpp",
];

/// Default expected-failure list for the binary and JSON suite, relative to the workspace root.
const DEFAULT_FAILURE_LIST: &str = ".ci/conformance-failures.txt";

/// Default expected-failure list for the text-format suite, relative to the workspace root.
const DEFAULT_TEXT_FAILURE_LIST: &str = ".ci/conformance-failures-text.txt";

/// How many lines of each kind of failure detail are printed before the rest is elided.
const MAX_LINES_SHOWN: usize = 40;

/// Each printed detail line is cut to this many characters (requests can be long).
const MAX_LINE_CHARS: usize = 300;

const USAGE: &str = "\
usage: cargo xtask conformance [options] [-- runner-flags...]

Builds (once, cached) protobuf 27.2's conformance_test_runner from the protobuf-src crate's
source tree and runs it against a testee speaking the conformance protocol.

options:
  --testee PATH                  testee binary (default: build `protoforge-conformance` with cargo)
  --failure_list FILE            expected failures, binary/JSON suite
                                 (default: .ci/conformance-failures.txt if it exists)
  --text_format_failure_list FILE
                                 expected failures, text-format suite
                                 (default: .ci/conformance-failures-text.txt if it exists)
  --enforce_recommended          recommended tests must pass too
  --verbose                      let the runner log every request and response
  --runner PATH                  use this conformance_test_runner instead of building one
  --build-only                   build or find the cached runner, print its path, run nothing
  --rebuild                      rebuild the runner even if a cached one exists
  --timeout SECS                 kill the runner after SECS seconds (default 900)
  -h, --help                     this text

Flags may also be spelled with dashes (--failure-list). Anything after `--` is passed to the
runner before the testee path.";

/// The job's command line, parsed.
#[derive(Debug, Default, PartialEq)]
struct Options {
    testee: Option<PathBuf>,
    failure_list: Option<PathBuf>,
    text_failure_list: Option<PathBuf>,
    enforce_recommended: bool,
    verbose: bool,
    runner: Option<PathBuf>,
    build_only: bool,
    rebuild: bool,
    timeout: Option<Duration>,
    runner_args: Vec<String>,
    help: bool,
}

/// Entry point of `cargo xtask conformance`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    if options.help {
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout(), "{USAGE}");
        return Ok(());
    }
    let root = crate::root();
    let runner = match &options.runner {
        Some(path) => absolute(path)?,
        None => cached_runner(options.rebuild)?,
    };
    if options.build_only {
        println!("{}", runner.display());
        return Ok(());
    }
    let testee = match &options.testee {
        Some(path) => absolute(path)?,
        None => build_default_testee(&root)?,
    };
    let failure_list = options
        .failure_list
        .clone()
        .or_else(|| existing(root.join(DEFAULT_FAILURE_LIST)));
    let text_failure_list = options
        .text_failure_list
        .clone()
        .or_else(|| existing(root.join(DEFAULT_TEXT_FAILURE_LIST)));

    let output_dir = crate::target_dir(&root).join("conformance");
    fs::create_dir_all(&output_dir)
        .map_err(|e| format!("cannot create {}: {e}", output_dir.display()))?;
    // Leftover lists from an earlier run would be mistaken for this run's.
    for stale in [
        "failing_tests.txt",
        "succeeding_tests.txt",
        "nonexistent_tests.txt",
    ] {
        let _ = fs::remove_file(output_dir.join(stale));
    }

    let mut runner_args: Vec<String> = Vec::new();
    if let Some(list) = &failure_list {
        runner_args.push("--failure_list".into());
        runner_args.push(absolute(list)?.display().to_string());
    }
    if let Some(list) = &text_failure_list {
        runner_args.push("--text_format_failure_list".into());
        runner_args.push(absolute(list)?.display().to_string());
    }
    if options.enforce_recommended {
        runner_args.push("--enforce_recommended".into());
    }
    if options.verbose {
        runner_args.push("--verbose".into());
    }
    if options.runner.is_none() {
        runner_args.push("--maximum_edition".into());
        runner_args.push(MAXIMUM_EDITION.into());
    }
    runner_args.push("--output_dir".into());
    runner_args.push(output_dir.display().to_string());
    runner_args.extend(options.runner_args.iter().cloned());
    // The runner treats its first non-flag argument as the program; it must come last.
    runner_args.push(testee.display().to_string());

    let log_path = output_dir.join("runner.log");
    eprintln!(
        "conformance: {} {}",
        runner.display(),
        runner_args.join(" ")
    );
    let timeout = options.timeout.unwrap_or(Duration::from_secs(900));
    let started = Instant::now();
    let status = run_logged(&runner, &runner_args, &output_dir, &log_path, timeout)?;
    let elapsed = started.elapsed();
    let log =
        fs::read(&log_path).map_err(|e| format!("cannot read {}: {e}", log_path.display()))?;
    let report = Report::from_log(&String::from_utf8_lossy(&log));
    report.print();
    eprintln!(
        "conformance: full report in {} ({:.1} s)",
        log_path.display(),
        elapsed.as_secs_f64()
    );
    if !report.suites.is_empty() {
        // The plain closing line: totals over the suites that ran.
        println!(
            "conformance: {} passed, {} failed, {} skipped",
            report.total(|s| s.successes),
            report.total(|s| s.unexpected_failures),
            report.total(|s| s.skipped)
        );
    }
    match status {
        RunStatus::Exited(status) if status.success() => Ok(()),
        RunStatus::Exited(status) => Err(format!("{} (runner {status})", report.failure_reason())),
        RunStatus::TimedOut => Err(format!(
            "the runner did not finish within {} s and was killed",
            timeout.as_secs()
        )),
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            options.runner_args.extend(iter.by_ref().cloned());
            break;
        }
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let flag = flag.replace('-', "_");
        let mut value = |name: &str| -> Result<String, String> {
            match inline_value.clone().or_else(|| iter.next().cloned()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(format!("`{name}` needs a value")),
            }
        };
        match flag.as_str() {
            "__testee" => options.testee = Some(value(arg)?.into()),
            "__failure_list" => options.failure_list = Some(value(arg)?.into()),
            "__text_format_failure_list" => {
                options.text_failure_list = Some(value(arg)?.into());
            }
            "__runner" => options.runner = Some(value(arg)?.into()),
            "__timeout" => {
                let text = value(arg)?;
                let secs: u64 = text
                    .parse()
                    .map_err(|_| format!("`--timeout` needs a number of seconds, not `{text}`"))?;
                options.timeout = Some(Duration::from_secs(secs));
            }
            "__enforce_recommended" => options.enforce_recommended = true,
            "__verbose" => options.verbose = true,
            "__build_only" => options.build_only = true,
            "__rebuild" => options.rebuild = true,
            "__help" | "_h" => options.help = true,
            _ => return Err(format!("unknown argument `{arg}`\n\n{USAGE}")),
        }
        if inline_value.is_some()
            && matches!(
                flag.as_str(),
                "__enforce_recommended" | "__verbose" | "__build_only" | "__rebuild" | "__help"
            )
        {
            return Err(format!("`{arg}` takes no value"));
        }
    }
    Ok(options)
}

fn existing(path: PathBuf) -> Option<PathBuf> {
    path.is_file().then_some(path)
}

/// The runner `execv`s the testee from its own working directory, so paths are made absolute.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds `protoforge-conformance` with cargo and returns the binary's path.
fn build_default_testee(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("conformance: cargo build -p protoforge-conformance");
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "-p", "protoforge-conformance"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run `{cargo}`: {e}"))?;
    if !status.success() {
        return Err("`cargo build -p protoforge-conformance` failed; \
                    pass `--testee PATH` to run another testee"
            .into());
    }
    let binary = crate::target_dir(root)
        .join("debug")
        .join("protoforge-conformance");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "cargo built the testee but {} does not exist",
            binary.display()
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Obtaining the runner.

/// Returns the cached runner, building it first if needed.
fn cached_runner(rebuild: bool) -> Result<PathBuf, String> {
    let dir = cache_root()?.join(format!("protobuf-{PROTOBUF_VERSION}"));
    let runner = dir.join("conformance_test_runner");
    if runner.is_file() && !rebuild {
        eprintln!("conformance: using cached runner {}", runner.display());
        return Ok(runner);
    }
    ensure_packages()?;
    build_runner(&dir)?;
    Ok(runner)
}

/// `$PROTOFORGE_CONFORMANCE_CACHE`, else `$HOME/.cache/protoforge/conformance`.
fn cache_root() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("PROTOFORGE_CONFORMANCE_CACHE").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or("neither PROTOFORGE_CONFORMANCE_CACHE nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cache/protoforge/conformance"))
}

/// Whether a Debian package is installed.
fn is_installed(package: &str) -> Result<bool, String> {
    let output = Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run dpkg-query (is this Debian?): {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).ends_with(" installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs the missing build packages with apt-get (as root), running `apt-get update` first
/// only when the plain install fails.
fn ensure_packages() -> Result<(), String> {
    let mut missing = Vec::new();
    for package in BUILD_PACKAGES {
        if !is_installed(package)? {
            missing.push(*package);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let install = format!(
        "apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    if !is_root() {
        return Err(format!("missing Debian packages; run as root: {install}"));
    }
    eprintln!("conformance: {install}");
    if apt_get(
        &["install", "-y", "-q", "--no-install-recommends"],
        &missing,
    )
    .is_err()
    {
        apt_get(&["update", "-q"], &[])?;
        apt_get(
            &["install", "-y", "-q", "--no-install-recommends"],
            &missing,
        )?;
    }
    Ok(())
}

fn apt_get(args: &[&str], packages: &[&str]) -> Result<(), String> {
    run_quietly(
        Command::new("apt-get")
            .args(args)
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
        "apt-get",
    )
}

/// Runs a command, showing its output only when it fails.
fn run_quietly(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Builds the runner into `dir`, in a scratch directory beside it that is removed afterwards,
/// so a failed or concurrent build never leaves a broken cache entry.
fn build_runner(dir: &Path) -> Result<(), String> {
    let started = Instant::now();
    let parent = dir.parent().ok_or("cache directory has no parent")?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let work = parent.join(format!(
        "{}.build-{}",
        dir.file_name().and_then(|n| n.to_str()).unwrap_or("runner"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let result = build_runner_in(&work, dir);
    let _ = fs::remove_dir_all(&work);
    result?;
    eprintln!(
        "conformance: built {} in {:.0} s",
        dir.join("conformance_test_runner").display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The manifest of the scratch package whose only dependency is the source crate.
fn fetch_manifest() -> String {
    format!(
        "[package]\n\
         name = \"fetch-protobuf-source\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\n\
         [dependencies]\n\
         {SOURCE_CRATE} = \"{SOURCE_CRATE_VERSION}\"\n\n\
         [workspace]\n"
    )
}

fn build_runner_in(work: &Path, dir: &Path) -> Result<(), String> {
    // 1. The source tree, through cargo (checksummed against the crates.io index).
    let fetch = work.join("fetch");
    fs::create_dir_all(fetch.join("src")).map_err(|e| format!("cannot create fetch dir: {e}"))?;
    fs::write(fetch.join("Cargo.toml"), fetch_manifest())
        .and_then(|()| fs::write(fetch.join("src/lib.rs"), ""))
        .map_err(|e| format!("cannot write the fetch package: {e}"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let vendor = work.join("vendor");
    eprintln!("conformance: cargo vendor {SOURCE_CRATE}@{SOURCE_CRATE_VERSION}");
    run_quietly(
        Command::new(&cargo)
            .arg("vendor")
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(fetch.join("Cargo.toml"))
            .arg(&vendor)
            // The xtask's own target dir must not leak into the scratch package's build.
            .env_remove("CARGO_TARGET_DIR"),
        "cargo vendor",
    )?;
    let source = vendor.join(SOURCE_CRATE).join("protobuf");
    if !source
        .join("conformance/conformance_test_runner.cc")
        .is_file()
    {
        return Err(format!(
            "{} does not hold protobuf's conformance sources",
            source.display()
        ));
    }

    // 2. Configure and build with cmake.
    let build = work.join("build");
    let ninja = Command::new("ninja").arg("--version").output().is_ok();
    let mut configure = Command::new("cmake");
    configure.arg("-S").arg(&source).arg("-B").arg(&build);
    if ninja {
        configure.args(["-G", "Ninja"]);
    }
    configure.args(CMAKE_FLAGS);
    eprintln!("conformance: cmake {}", CMAKE_FLAGS.join(" "));
    run_quietly(&mut configure, "cmake (configure)")?;
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!(
        "conformance: building conformance_test_runner and protoc ({jobs} jobs; 15-30 minutes \
         on two cores, once)"
    );
    let compile_started = Instant::now();
    run_quietly(
        Command::new("cmake")
            .arg("--build")
            .arg(&build)
            .args(["--target", "conformance_test_runner", "--parallel"])
            .arg(jobs.to_string()),
        "cmake (build)",
    )?;
    eprintln!(
        "conformance: compiled in {:.0} s",
        compile_started.elapsed().as_secs_f64()
    );

    // 3. Into the cache: copy then rename, so an entry appears whole even if builds race.
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let info = format!(
        "built by `cargo xtask conformance`\n\
         source: crates.io {SOURCE_CRATE} {SOURCE_CRATE_VERSION} (protobuf {PROTOBUF_VERSION})\n\
         cmake: {}\n\
         binaries: conformance_test_runner, protoc\n",
        CMAKE_FLAGS.join(" ")
    );
    fs::write(dir.join("BUILD-INFO.txt"), info)
        .map_err(|e| format!("cannot write BUILD-INFO.txt: {e}"))?;
    for binary in ["protoc", "conformance_test_runner"] {
        let staged = dir.join(format!("{binary}.{}", std::process::id()));
        fs::copy(build.join(binary), &staged)
            .map_err(|e| format!("cannot copy {binary} into the cache: {e}"))?;
        fs::rename(&staged, dir.join(binary))
            .map_err(|e| format!("cannot move {binary} into the cache: {e}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Running the runner and reading its report.

enum RunStatus {
    Exited(std::process::ExitStatus),
    TimedOut,
}

/// Runs the runner with stdout and stderr going to `log`, killing it and its testee after
/// `timeout`.
fn run_logged(
    runner: &Path,
    args: &[String],
    cwd: &Path,
    log: &Path,
    timeout: Duration,
) -> Result<RunStatus, String> {
    let file =
        fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("cannot duplicate log handle: {e}"))?;
    let mut child = Command::new(runner)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        // Its own process group, so a timeout also ends the testee the runner started.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(RunStatus::Exited(status)),
            Ok(None) if Instant::now() >= deadline => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Ok(RunStatus::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for the runner: {e}")),
        }
    }
}

/// One `CONFORMANCE SUITE ...` line of the runner's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SuiteSummary {
    passed: bool,
    successes: u64,
    skipped: u64,
    expected_failures: u64,
    unexpected_failures: u64,
}

impl SuiteSummary {
    /// Parses `CONFORMANCE SUITE PASSED: 1302 successes, 715 skipped, 0 expected failures,
    /// 0 unexpected failures.`
    fn parse(line: &str) -> Option<SuiteSummary> {
        let rest = line.trim().strip_prefix("CONFORMANCE SUITE ")?;
        let (verdict, counts) = rest.split_once(':')?;
        let passed = match verdict {
            "PASSED" => true,
            "FAILED" => false,
            _ => return None,
        };
        let mut summary = SuiteSummary {
            passed,
            successes: 0,
            skipped: 0,
            expected_failures: 0,
            unexpected_failures: 0,
        };
        for part in counts.trim().trim_end_matches('.').split(',') {
            let (number, label) = part.trim().split_once(' ')?;
            let number: u64 = number.parse().ok()?;
            match label {
                "successes" => summary.successes = number,
                "skipped" => summary.skipped = number,
                "expected failures" => summary.expected_failures = number,
                "unexpected failures" => summary.unexpected_failures = number,
                _ => return None,
            }
        }
        Some(summary)
    }
}

/// What the job shows of the runner's report.
#[derive(Debug, Default)]
struct Report {
    /// Summary lines in suite order: binary/JSON first, then text format.
    suites: Vec<SuiteSummary>,
    summary_lines: Vec<String>,
    /// `ERROR, test=...` lines: failures that count.
    errors: Vec<String>,
    /// `WARNING, test=...` lines: recommended tests that failed without being enforced.
    warnings: usize,
    /// The runner's lists (failed / not in suite / unexpectedly passed), header then names.
    lists: Vec<(String, Vec<String>)>,
    /// libprotobuf `FATAL`/`ERROR` log lines, e.g. a testee that died.
    log_errors: Vec<String>,
}

impl Report {
    fn from_log(log: &str) -> Report {
        let mut report = Report::default();
        let mut in_list = false;
        for line in log.lines() {
            if let Some(summary) = SuiteSummary::parse(line) {
                report.suites.push(summary);
                report.summary_lines.push(line.trim().to_string());
                in_list = false;
            } else if line.starts_with("ERROR, test=") {
                report.errors.push(line.to_string());
                in_list = false;
            } else if line.starts_with("WARNING, test=") {
                report.warnings += 1;
                in_list = false;
            } else if line.starts_with("[libprotobuf FATAL")
                || line.starts_with("[libprotobuf ERROR")
            {
                report.log_errors.push(line.to_string());
                in_list = false;
            } else if line.starts_with("These tests ") {
                report.lists.push((line.to_string(), Vec::new()));
                in_list = true;
            } else if in_list
                && line.starts_with("  ")
                && !line.trim().is_empty()
                // The line after the header is the `update_failure_list.py` hint.
                && !line.trim().starts_with("./update_failure_list.py")
            {
                let name = line.trim().to_string();
                if let Some((_, names)) = report.lists.last_mut() {
                    names.push(name);
                }
            }
        }
        report
    }

    fn total(&self, field: impl Fn(&SuiteSummary) -> u64) -> u64 {
        self.suites.iter().map(field).sum()
    }

    fn print(&self) {
        print_limited("unexpected failures", "", &self.errors);
        for (header, names) in &self.lists {
            eprintln!("{header}");
            print_limited("tests", "  ", names);
        }
        print_limited("runner errors", "", &self.log_errors);
        if self.warnings > 0 {
            eprintln!(
                "{} recommended tests failed (warnings only; --enforce_recommended makes them errors)",
                self.warnings
            );
        }
        for line in &self.summary_lines {
            eprintln!("{line}");
        }
    }

    fn failure_reason(&self) -> String {
        match self.suites.len() {
            // A testee that exits early can make the runner die of SIGPIPE mid-suite.
            0 => "the runner stopped before finishing a suite (see the runner errors above)".into(),
            // ForkPipeRunner stops after the first failing suite, so text format never ran.
            1 => "the binary/JSON suite failed (the text-format suite runs only after it passes)"
                .into(),
            _ => "the conformance suite failed".into(),
        }
    }
}

fn print_limited(what: &str, indent: &str, lines: &[String]) {
    for line in lines.iter().take(MAX_LINES_SHOWN) {
        let cut: String = line.chars().take(MAX_LINE_CHARS).collect();
        if cut.len() < line.len() {
            eprintln!("{indent}{cut}...");
        } else {
            eprintln!("{indent}{cut}");
        }
    }
    if lines.len() > MAX_LINES_SHOWN {
        eprintln!(
            "... and {} more {what} (see runner.log)",
            lines.len() - MAX_LINES_SHOWN
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags_in_both_spellings() {
        let options = parse_args(&strings(&[
            "--testee",
            "/bin/t",
            "--failure-list=a.txt",
            "--text_format_failure_list",
            "b.txt",
            "--enforce_recommended",
            "--build-only",
            "--timeout",
            "30",
            "--",
            "--verbose",
        ]))
        .expect("valid arguments");
        assert_eq!(options.testee, Some(PathBuf::from("/bin/t")));
        assert_eq!(options.failure_list, Some(PathBuf::from("a.txt")));
        assert_eq!(options.text_failure_list, Some(PathBuf::from("b.txt")));
        assert!(options.enforce_recommended);
        assert!(options.build_only);
        assert!(!options.verbose);
        assert_eq!(options.timeout, Some(Duration::from_secs(30)));
        assert_eq!(options.runner_args, vec!["--verbose".to_string()]);
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_args(&strings(&["--testee"])).is_err());
        assert!(parse_args(&strings(&["--timeout", "soon"])).is_err());
        assert!(parse_args(&strings(&["--verbose=yes"])).is_err());
        assert!(parse_args(&strings(&["--frobnicate"])).is_err());
        assert!(parse_args(&strings(&["testee"])).is_err());
    }

    #[test]
    fn parses_summary_lines() {
        assert_eq!(
            SuiteSummary::parse(
                "CONFORMANCE SUITE PASSED: 1302 successes, 715 skipped, 0 expected failures, \
                 0 unexpected failures."
            ),
            Some(SuiteSummary {
                passed: true,
                successes: 1302,
                skipped: 715,
                expected_failures: 0,
                unexpected_failures: 0,
            })
        );
        let failed = SuiteSummary::parse(
            "CONFORMANCE SUITE FAILED: 382 successes, 0 skipped, 2 expected failures, \
             1144 unexpected failures.",
        )
        .expect("a summary line");
        assert!(!failed.passed);
        assert_eq!(failed.expected_failures, 2);
        assert_eq!(failed.unexpected_failures, 1144);
        assert_eq!(SuiteSummary::parse("CONFORMANCE TEST BEGIN ===="), None);
        assert_eq!(
            SuiteSummary::parse("CONFORMANCE SUITE PASSED: many successes."),
            None
        );
    }

    /// An excerpt of a real report from Debian 3.21.12's runner with a testee that answered
    /// `parse_error` to every request.
    const FAILED_LOG: &str = "\
[libprotobuf ERROR conformance_test_runner.cc:328] FindFailures: unexpected EOF from test program
CONFORMANCE TEST BEGIN ====================================

ERROR, test=Required.Proto3.ProtobufInput.ValidDataScalar.INT32[0].ProtobufOutput: Failed to parse input or produce output. request=protobuf_payload: \"\\010\\000\" requested_output_format: PROTOBUF message_type: \"protobuf_test_messages.proto3.TestAllTypesProto3\" test_category: BINARY_TEST, response=parse_error: \"always\"
WARNING, test=Recommended.Proto3.ProtobufInput.ValidDataRepeated.BOOL.PackedInput.DefaultOutput.ProtobufOutput: Failed to parse input or produce output. request=..., response=parse_error: \"always\"

These tests failed.  If they can't be fixed right now, you can add them to the failure list so the overall suite can succeed.  Add them to the failure list by running:
  ./update_failure_list.py failure_list.txt --add failing_tests.txt

  Required.Proto3.ProtobufInput.ValidDataScalar.INT32[0].ProtobufOutput

CONFORMANCE SUITE FAILED: 382 successes, 0 skipped, 0 expected failures, 1 unexpected failures.

";

    #[test]
    fn reads_a_failed_report() {
        let report = Report::from_log(FAILED_LOG);
        assert_eq!(report.suites.len(), 1);
        assert_eq!(report.errors.len(), 1);
        assert!(report.errors[0].contains("INT32[0].ProtobufOutput"));
        assert_eq!(report.warnings, 1);
        assert_eq!(report.log_errors.len(), 1);
        assert_eq!(report.lists.len(), 1);
        assert_eq!(
            report.lists[0].1,
            vec!["Required.Proto3.ProtobufInput.ValidDataScalar.INT32[0].ProtobufOutput"]
        );
        assert_eq!(report.total(|s| s.successes), 382);
        assert_eq!(report.total(|s| s.unexpected_failures), 1);
        assert!(
            report
                .failure_reason()
                .contains("text-format suite runs only after")
        );
    }

    #[test]
    fn sums_both_suites() {
        let log = "\
CONFORMANCE SUITE PASSED: 1302 successes, 715 skipped, 0 expected failures, 0 unexpected failures.
CONFORMANCE SUITE PASSED: 0 successes, 120 skipped, 0 expected failures, 0 unexpected failures.
";
        let report = Report::from_log(log);
        assert_eq!(report.suites.len(), 2);
        assert_eq!(report.total(|s| s.skipped), 835);
        assert_eq!(report.total(|s| s.successes), 1302);
        assert!(report.errors.is_empty() && report.lists.is_empty());
    }

    #[test]
    fn fetch_manifest_pins_the_source_crate() {
        let manifest = fetch_manifest();
        assert!(
            manifest.contains("protobuf-src = \"=2.1.1+27.1\""),
            "{manifest}"
        );
        // Its own workspace, so cargo never mistakes it for a member of ours.
        assert!(manifest.trim_end().ends_with("[workspace]"), "{manifest}");
    }
}
