//! `cargo xtask conformance`: runs protobuf's `conformance_test_runner` against our testee.
//!
//! The runner is not shipped by any Debian binary package, so this job builds it from Debian's
//! `protobuf` source package (`apt-get source`, which needs a `deb-src` entry; the job adds one
//! for the machine's release when none is configured). Only the runner's own C++ files and the
//! `.pb.cc` files that Debian's `protoc` generates for `conformance.proto` and the two
//! `test_messages_proto{2,3}.proto` files are compiled, and they are linked against Debian's
//! `libprotobuf`: about 45 s of CPU time instead of building all of protobuf.
//! The binary is cached in `$HOME/.cache/protoforge/conformance/<debian-version>/` (or under
//! `$PROTOFORGE_CONFORMANCE_CACHE`) and reused by later runs. The job then runs the runner
//! against the testee, keeps the runner's full report in `<target>/conformance/runner.log`,
//! prints the unexpected failures and the summary lines, and fails when the runner fails.

use std::fs;
use std::io::Write as _;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The source package that provides the runner's sources and `libprotobuf-dev`.
const SOURCE_PACKAGE: &str = "protobuf";

/// Debian packages the build needs; `dpkg-dev` provides `dpkg-source` for `apt-get source`.
const BUILD_PACKAGES: &[&str] = &["libprotobuf-dev", "protobuf-compiler", "g++", "dpkg-dev"];

/// The protoc that matches Debian's `libprotobuf` (another protoc on `PATH` would generate
/// code for a different runtime version).
const DEBIAN_PROTOC: &str = "/usr/bin/protoc";

/// The runner's C++ sources, relative to the source tree's `conformance/` directory.
/// Debian 3.21's cmake target forgets `conformance_test_main.cc` and
/// `text_format_conformance_suite.cc`; both are needed to link.
const RUNNER_SOURCES: &[&str] = &[
    "conformance_test_runner.cc",
    "conformance_test.cc",
    "binary_json_conformance_suite.cc",
    "text_format_conformance_suite.cc",
    "conformance_test_main.cc",
    "third_party/jsoncpp/jsoncpp.cpp",
];

/// Flags for every compilation unit. `-O0` takes a third less compile time than `-O1`, and the
/// runner's own speed hardly matters (a full run takes about a second). Debian's headers lack `stubs/stringprintf.h`, which the runner
/// includes, so the source tree's `src/` is searched after the system headers (`-idirafter`):
/// it is the same version as the installed library, whose symbols it declares.
const CXX_FLAGS: &[&str] = &["-std=c++17", "-O0", "-w"];

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

Builds (once, cached) protobuf's conformance_test_runner from Debian's protobuf source package
and runs it against a testee speaking the conformance protocol.

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
    let root = workspace_root();
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

    let output_dir = target_dir(&root).join("conformance");
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

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory for this workspace, honouring `CARGO_TARGET_DIR`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
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
    let binary = target_dir(root)
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

/// Returns the cached runner for the installed `libprotobuf-dev`, building it first if needed.
fn cached_runner(rebuild: bool) -> Result<PathBuf, String> {
    ensure_packages()?;
    let version = installed_version("libprotobuf-dev")?
        .ok_or("libprotobuf-dev is still not installed after apt-get install")?;
    let dir = cache_root()?.join(version_dir_name(&version));
    let runner = dir.join("conformance_test_runner");
    if runner.is_file() && !rebuild {
        eprintln!("conformance: using cached runner {}", runner.display());
        return Ok(runner);
    }
    build_runner(&version, &dir)?;
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

/// A Debian version as a directory name: an epoch's `:` becomes `_`.
fn version_dir_name(version: &str) -> String {
    version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '~') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The installed version of a Debian package, or `None` when it is not installed.
fn installed_version(package: &str) -> Result<Option<String>, String> {
    let output = Command::new("dpkg-query")
        .args(["-W", "-f=${Status}\t${Version}", package])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run dpkg-query (is this Debian?): {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(match text.split_once('\t') {
        Some((status, version)) if status.ends_with(" installed") && !version.is_empty() => {
            Some(version.to_string())
        }
        _ => None,
    })
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
        if installed_version(package)?.is_none() {
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

/// Whether apt's configuration text has a `deb-src` entry, in either the one-line format
/// (`deb-src URI suite ...`) or the deb822 format (`Types: deb deb-src`).
fn has_deb_src(config: &str) -> bool {
    config.lines().any(|line| {
        let line = line.trim();
        if line.starts_with('#') {
            return false;
        }
        if line.starts_with("deb-src ") || line.starts_with("deb-src\t") {
            return true;
        }
        line.strip_prefix("Types:")
            .is_some_and(|types| types.split_whitespace().any(|t| t == "deb-src"))
    })
}

/// `VERSION_CODENAME` from `/etc/os-release` text.
fn os_codename(os_release: &str) -> Option<String> {
    os_release.lines().find_map(|line| {
        let value = line.strip_prefix("VERSION_CODENAME=")?;
        let value = value.trim().trim_matches('"');
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// The text of every apt source list on this machine.
fn apt_sources_text() -> String {
    let mut text = fs::read_to_string("/etc/apt/sources.list").unwrap_or_default();
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".list") || name.ends_with(".sources") {
                text.push('\n');
                text.push_str(&fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    text
}

/// The deb822 source entry added when the machine has no `deb-src` line.
fn deb_src_entry(codename: &str) -> String {
    format!(
        "# Added by `cargo xtask conformance` so that `apt-get source {SOURCE_PACKAGE}` works.\n\
         Types: deb-src\n\
         URIs: http://deb.debian.org/debian\n\
         Suites: {codename} {codename}-updates\n\
         Components: main\n\
         Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\
         \n\
         Types: deb-src\n\
         URIs: http://deb.debian.org/debian-security\n\
         Suites: {codename}-security\n\
         Components: main\n\
         Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
    )
}

/// Makes `apt-get source protobuf=<version>` possible, adding a `deb-src` entry if needed.
fn ensure_deb_src() -> Result<(), String> {
    if has_deb_src(&apt_sources_text()) {
        return Ok(());
    }
    let os_release = fs::read_to_string("/etc/os-release").unwrap_or_default();
    let codename = os_codename(&os_release)
        .ok_or("no deb-src entry in apt's sources and no VERSION_CODENAME in /etc/os-release")?;
    let path = "/etc/apt/sources.list.d/protoforge-deb-src.sources";
    if !is_root() {
        return Err(format!(
            "apt has no deb-src entry; as root, write this to {path} and run apt-get update:\n{}",
            deb_src_entry(&codename)
        ));
    }
    eprintln!("conformance: adding {path} for {codename}, then apt-get update");
    fs::write(path, deb_src_entry(&codename)).map_err(|e| format!("cannot write {path}: {e}"))?;
    apt_get(&["update", "-q"], &[])
}

/// Builds the runner for Debian `version` into `dir`, in a scratch directory beside it that
/// is removed afterwards, so a failed or concurrent build never leaves a broken cache entry.
fn build_runner(version: &str, dir: &Path) -> Result<(), String> {
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
    let result = build_runner_in(version, &work, dir);
    let _ = fs::remove_dir_all(&work);
    result?;
    eprintln!(
        "conformance: built {} in {:.1} s",
        dir.join("conformance_test_runner").display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn build_runner_in(version: &str, work: &Path, dir: &Path) -> Result<(), String> {
    ensure_deb_src()?;
    let spec = format!("{SOURCE_PACKAGE}={version}");
    eprintln!("conformance: apt-get source {spec}");
    let fetched = run_quietly(
        Command::new("apt-get")
            .args(["source", "-q", &spec])
            .current_dir(work),
        "apt-get source",
    );
    if fetched.is_err() {
        // The package lists may predate the deb-src entry or the installed version.
        apt_get(&["update", "-q"], &[])?;
        run_quietly(
            Command::new("apt-get")
                .args(["source", "-q", &spec])
                .current_dir(work),
            "apt-get source",
        )?;
    }
    let tree = fs::read_dir(work)
        .map_err(|e| format!("cannot list {}: {e}", work.display()))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.is_dir()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{SOURCE_PACKAGE}-")))
        })
        .ok_or("apt-get source did not unpack a protobuf-* directory")?;
    let conformance = tree.join("conformance");
    let src = tree.join("src");

    // Generate the C++ for the runner's protos with Debian's protoc, which matches libprotobuf.
    let protoc_version = Command::new(DEBIAN_PROTOC)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {DEBIAN_PROTOC}: {e}"))?;
    eprintln!(
        "conformance: generating C++ with {DEBIAN_PROTOC} ({})",
        String::from_utf8_lossy(&protoc_version.stdout).trim()
    );
    let generated = work.join("gen");
    fs::create_dir_all(&generated).map_err(|e| format!("cannot create gen dir: {e}"))?;
    run_quietly(
        Command::new(DEBIAN_PROTOC)
            .arg(format!("-I{}", conformance.display()))
            .arg(format!("-I{}", src.display()))
            .arg(format!("--cpp_out={}", generated.display()))
            .arg(conformance.join("conformance.proto"))
            .arg(src.join("google/protobuf/test_messages_proto2.proto"))
            .arg(src.join("google/protobuf/test_messages_proto3.proto")),
        "protoc",
    )?;

    let mut units: Vec<PathBuf> = RUNNER_SOURCES.iter().map(|s| conformance.join(s)).collect();
    units.push(generated.join("conformance.pb.cc"));
    units.push(generated.join("google/protobuf/test_messages_proto2.pb.cc"));
    units.push(generated.join("google/protobuf/test_messages_proto3.pb.cc"));
    let include_args = [
        // Keeps the scratch directory out of the runner's log messages.
        format!("-ffile-prefix-map={}/=", work.display()),
        format!("-I{}", generated.display()),
        format!("-I{}", conformance.display()),
        "-idirafter".to_string(),
        src.display().to_string(),
    ];
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!(
        "conformance: compiling {} files with g++ ({jobs} at a time)",
        units.len()
    );
    let compile_started = Instant::now();
    let objects = compile_all(&units, work, &include_args, jobs)?;
    eprintln!(
        "conformance: compiled in {:.1} s",
        compile_started.elapsed().as_secs_f64()
    );

    let linked = work.join("conformance_test_runner");
    run_quietly(
        Command::new("g++")
            .arg("-o")
            .arg(&linked)
            .args(&objects)
            .args(["-lprotobuf", "-pthread"]),
        "g++ (link)",
    )?;

    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let info = format!(
        "conformance_test_runner built by `cargo xtask conformance`\n\
         source: Debian source package {SOURCE_PACKAGE}={version}\n\
         protoc: {}\n\
         compiled: {}\n\
         flags: {} {}\n\
         linked: -lprotobuf -pthread (Debian libprotobuf-dev {version})\n",
        String::from_utf8_lossy(&protoc_version.stdout).trim(),
        units
            .iter()
            .filter_map(|u| u.file_name().and_then(|n| n.to_str()))
            .collect::<Vec<_>>()
            .join(" "),
        CXX_FLAGS.join(" "),
        "-I<gen> -I<conformance> -idirafter <src>",
    );
    fs::write(dir.join("BUILD-INFO.txt"), info)
        .map_err(|e| format!("cannot write BUILD-INFO.txt: {e}"))?;
    // Copy then rename, so the cache entry appears whole even if another build races us.
    let staged = dir.join(format!("conformance_test_runner.{}", std::process::id()));
    fs::copy(&linked, &staged).map_err(|e| format!("cannot copy the runner: {e}"))?;
    fs::rename(&staged, dir.join("conformance_test_runner"))
        .map_err(|e| format!("cannot move the runner into the cache: {e}"))
}

/// Compiles every unit to an object in `work`, with `jobs` compilers running at a time. Units
/// are taken largest first so that the slowest one does not start last.
fn compile_all(
    units: &[PathBuf],
    work: &Path,
    include_args: &[String],
    jobs: usize,
) -> Result<Vec<PathBuf>, String> {
    let object_of = |unit: &Path| {
        let name = unit.file_name().and_then(|n| n.to_str()).unwrap_or("unit");
        work.join(format!("{name}.o"))
    };
    let mut queue: Vec<&PathBuf> = units.iter().collect();
    // Popped from the end, so the largest file goes last in the vector.
    queue.sort_by_key(|unit| fs::metadata(unit).map_or(0, |m| m.len()));
    let queue = Mutex::new(queue);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some(unit) = next else { break };
                    let result = Command::new("g++")
                        .args(CXX_FLAGS)
                        .args(include_args)
                        .arg("-c")
                        .arg(unit)
                        .arg("-o")
                        .arg(object_of(unit))
                        .output();
                    let failure = match result {
                        Ok(output) if output.status.success() => continue,
                        Ok(output) => format!(
                            "g++ failed on {}:\n{}",
                            unit.display(),
                            String::from_utf8_lossy(&output.stderr)
                        ),
                        Err(e) => format!("cannot run g++: {e}"),
                    };
                    if let Ok(mut list) = failures.lock() {
                        list.push(failure);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_default();
    if failures.is_empty() {
        Ok(units.iter().map(|u| object_of(u)).collect())
    } else {
        Err(failures.join("\n"))
    }
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
    fn detects_deb_src_entries() {
        assert!(has_deb_src(
            "deb http://deb.debian.org/debian bookworm main\n\
             deb-src http://deb.debian.org/debian bookworm main\n"
        ));
        assert!(has_deb_src("Types: deb deb-src\nURIs: http://x\n"));
        assert!(!has_deb_src(
            "Types: deb\nURIs: http://x\n# deb-src http://y bookworm main\n"
        ));
        assert!(!has_deb_src(
            "deb http://deb.debian.org/debian bookworm main\n"
        ));
        // The entry this job writes must itself be recognised.
        assert!(has_deb_src(&deb_src_entry("bookworm")));
    }

    #[test]
    fn reads_codename_and_names_cache_dirs() {
        let os_release =
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\n";
        assert_eq!(os_codename(os_release), Some("bookworm".to_string()));
        assert_eq!(os_codename("ID=debian\nVERSION_CODENAME=\n"), None);
        assert_eq!(version_dir_name("3.21.12-3+deb12u1"), "3.21.12-3+deb12u1");
        assert_eq!(version_dir_name("1:3.21.12-3"), "1_3.21.12-3");
    }
}
