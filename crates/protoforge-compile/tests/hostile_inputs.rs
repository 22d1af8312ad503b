//! Hostile compiler inputs from a structured generator: long import chains, deep nesting, wide
//! files and messages, long identifiers and literals. Each case is compiled in a child process
//! (this test binary run again on the ignored `hostile_child` entry), so a stack overflow or an
//! abort fails the case instead of the whole run, and the child's own peak memory (`VmHWM` of
//! `/proc/self/status`) is measured alone. Bounds are generous on purpose: they catch a crash,
//! a blowup (memory growing much faster than the input) or a hang, not a slow machine.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use protoforge_compile::Compiler;

/// The environment variable naming the case directory the child compiles.
const CASE_DIR: &str = "PROTOFORGE_HOSTILE_CASE";

/// Memory every compilation may use whatever its input (the test binary, its allocator,
/// thread stacks, the bundled files).
const BASE_MEMORY: u64 = 96 << 20;

/// How many bytes of peak memory one byte of input may cost: generous (a typical file costs
/// 20 to 40 bytes of memory per byte of source while its descriptor and symbols are built).
const MEMORY_PER_INPUT_BYTE: u64 = 120;

/// A generated compilation: files (virtual name, text) and the files to compile.
struct Case {
    name: &'static str,
    files: Vec<(String, String)>,
    inputs: Vec<String>,
    /// Whether protoc accepts it (the compilation must succeed), or the start of the message
    /// of the first error otherwise.
    expect: Expect,
}

enum Expect {
    Ok,
    Error(&'static str),
}

impl Case {
    fn input_bytes(&self) -> u64 {
        self.files.iter().map(|(_, t)| t.len() as u64).sum()
    }
}

/// `n` files, each importing the next and using its message.
fn import_chain(name: &'static str, n: usize, public: bool) -> Case {
    let kind = if public { "import public" } else { "import" };
    let files = (0..n)
        .map(|i| {
            let mut text = String::from("syntax = \"proto3\";\npackage chain;\n");
            if i + 1 < n {
                let _ = writeln!(text, "{kind} \"f{}.proto\";", i + 1);
                let _ = writeln!(text, "message M{i} {{ M{} next = 1; }}", i + 1);
            } else {
                let _ = writeln!(text, "message M{i} {{ int32 end = 1; }}");
            }
            (format!("f{i}.proto"), text)
        })
        .collect();
    Case {
        name,
        files,
        inputs: vec!["f0.proto".into()],
        expect: Expect::Ok,
    }
}

/// One file with `n` messages of `fields` fields each.
fn wide_file(name: &'static str, n: usize, fields: usize, expect: Expect) -> Case {
    let mut text = String::from("syntax = \"proto3\";\npackage wide;\n");
    for i in 0..n {
        let _ = writeln!(text, "message W{i} {{");
        // Numbers from 1 up, around the range reserved for the implementation.
        for (j, number) in (1..19_000).chain(20_000..).take(fields).enumerate() {
            let _ = writeln!(text, "  int32 f{j} = {number};");
        }
        text.push_str("}\n");
    }
    Case {
        name,
        files: vec![("wide.proto".into(), text)],
        inputs: vec!["wide.proto".into()],
        expect,
    }
}

/// Messages nested `depth` deep.
fn nested(name: &'static str, depth: usize, expect: Expect) -> Case {
    let mut text = String::from("syntax = \"proto2\";\npackage deep;\n");
    for i in 0..depth {
        let _ = write!(text, "message N{i} {{ optional int32 v = 1; ");
    }
    text.push_str(&"}".repeat(depth));
    text.push('\n');
    Case {
        name,
        files: vec![("deep.proto".into(), text)],
        inputs: vec!["deep.proto".into()],
        expect,
    }
}

/// An option value nested `depth` deep in brackets and braces.
fn deep_value(name: &'static str, depth: usize) -> Case {
    let text = format!(
        "syntax = \"proto3\";\noption (x) = {}{};\n",
        "{ a: ".repeat(depth),
        "}".repeat(depth)
    );
    Case {
        name,
        files: vec![("value.proto".into(), text)],
        inputs: vec!["value.proto".into()],
        expect: Expect::Error(""),
    }
}

/// A message and a field whose names are `len` bytes long.
fn long_identifier(name: &'static str, len: usize, expect: Expect) -> Case {
    let text = format!(
        "syntax = \"proto3\";\npackage p;\nmessage M {{\n  int32 {} = 1;\n}}\n",
        "x".repeat(len)
    );
    Case {
        name,
        files: vec![("long.proto".into(), text)],
        inputs: vec!["long.proto".into()],
        expect,
    }
}

/// A string option of `len` bytes.
fn long_literal(name: &'static str, len: usize) -> Case {
    let text = format!(
        "syntax = \"proto3\";\npackage p;\noption java_package = \"{}\";\n",
        "y".repeat(len)
    );
    Case {
        name,
        files: vec![("lit.proto".into(), text)],
        inputs: vec!["lit.proto".into()],
        expect: Expect::Ok,
    }
}

/// Every generated case.
fn cases() -> Vec<Case> {
    vec![
        import_chain("import chain of 20,000 files", 20_000, false),
        import_chain("import public chain of 2,000 files", 2_000, true),
        wide_file("20,000 messages", 20_000, 1, Expect::Ok),
        wide_file("a message with 65,535 fields", 1, 65_535, Expect::Ok),
        wide_file(
            "a message with 65,536 fields",
            1,
            65_536,
            Expect::Error("wide.proto: 65536 fields in wide.W0 exceeds the limit of 65535"),
        ),
        nested("messages nested 31 deep", 31, Expect::Ok),
        nested("messages nested 100,000 deep", 100_000, Expect::Error("")),
        deep_value("an option value nested 100,000 deep", 100_000),
        long_identifier("a 60,000-byte identifier", 60_000, Expect::Ok),
        long_identifier(
            "a 1 MB identifier",
            1 << 20,
            Expect::Error("long.proto:4:9: Name too long."),
        ),
        long_literal("a 16 MB string literal", 16 << 20),
    ]
}

/// Writes `case` into a fresh directory.
fn write_case(case: &Case, index: usize) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("protoforge-hostile-{}-{index}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create case dir");
    for (name, text) in &case.files {
        std::fs::write(dir.join(name), text).expect("write case file");
    }
    std::fs::write(dir.join("inputs"), case.inputs.join("\n")).expect("write inputs");
    dir
}

/// The child: compiles the case in `$PROTOFORGE_HOSTILE_CASE` and prints its outcome, time and
/// peak memory. Run only by [`generated_inputs_stay_within_bounds`].
#[test]
#[ignore = "run by generated_inputs_stay_within_bounds in a child process"]
fn hostile_child() {
    let Some(dir) = std::env::var_os(CASE_DIR) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let inputs = std::fs::read_to_string(dir.join("inputs")).expect("inputs");
    let inputs: Vec<&str> = inputs.lines().collect();
    let start = Instant::now();
    let outcome = match Compiler::new()
        .include_path(dir.to_string_lossy())
        .compile(&inputs)
    {
        Ok(_) => "ok".to_string(),
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("").to_string();
            // Diagnostics may quote a long name: keep the report short.
            let cut = first
                .char_indices()
                .nth(200)
                .map_or(first.len(), |(i, _)| i);
            format!("error {}", &first[..cut])
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    println!("HOSTILE-RESULT\t{outcome}\t{seconds:.3}\t{peak_kb}");
}

/// Runs the child on `dir`: its outcome line, seconds and peak memory in bytes.
fn run_child(dir: &Path) -> Result<(String, f64, u64), String> {
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "hostile_child", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CASE_DIR, dir)
        .output()
        .map_err(|e| format!("cannot run the child: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("HOSTILE-RESULT\t").map(|(_, r)| r))
        .ok_or_else(|| {
            format!(
                "the child died ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        })?;
    let mut parts = line.split('\t');
    let outcome = parts.next().unwrap_or("").to_string();
    let seconds = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let peak_kb: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((outcome, seconds, peak_kb * 1024))
}

#[test]
fn generated_inputs_stay_within_bounds() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("no /proc/self/status: peak memory cannot be measured here");
        return;
    }
    let mut failures = String::new();
    for (index, case) in cases().into_iter().enumerate() {
        let dir = write_case(&case, index);
        let input = case.input_bytes();
        let result = run_child(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let (outcome, seconds, peak) = match result {
            Ok(r) => r,
            Err(why) => {
                let _ = writeln!(failures, "{}: {why}", case.name);
                continue;
            }
        };
        eprintln!(
            "{:<40} {:>9} input bytes  {:>7.2} s  {:>6} MiB peak  {outcome}",
            case.name,
            input,
            seconds,
            peak >> 20
        );
        match case.expect {
            Expect::Ok if outcome != "ok" => {
                let _ = writeln!(failures, "{}: expected success, got {outcome}", case.name);
            }
            Expect::Error(start)
                if !outcome
                    .strip_prefix("error ")
                    .is_some_and(|m| m.starts_with(start)) =>
            {
                let _ = writeln!(
                    failures,
                    "{}: expected an error starting {start:?}, got {outcome}",
                    case.name
                );
            }
            _ => {}
        }
        let bound = BASE_MEMORY + MEMORY_PER_INPUT_BYTE * input;
        if peak > bound {
            let _ = writeln!(
                failures,
                "{}: peak memory {} MiB over the bound of {} MiB for {input} input bytes",
                case.name,
                peak >> 20,
                bound >> 20
            );
        }
        // Not a speed test: only a hang or a quadratic blowup takes this long.
        if seconds > 120.0 {
            let _ = writeln!(failures, "{}: took {seconds:.1} s", case.name);
        }
    }
    assert!(failures.is_empty(), "hostile inputs:\n{failures}");
}
