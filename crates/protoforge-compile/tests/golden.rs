//! End-to-end golden tests: every file of `testdata/descriptors/*/` is compiled the way the
//! goldens were made (`protoc -I<set>/src --include_imports [--include_source_info]`) and the
//! output must equal protoc's descriptor set byte for byte; every file protoc rejects must be
//! rejected with the first error at protoc's position.
//!
//! Each test goes through the whole corpus and reports every failing file with a decoded diff
//! of the first difference, then the pass counts, and fails while any file differs.

use std::path::{Path, PathBuf};

use protoforge::Message as _;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_compile::Compiler;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

/// `(set root, file)` for every line of `<set>/goldens/<list>`.
fn cases(list: &str) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for set in ["protobuf", "grpc"] {
        let dir = corpus().join(set);
        let text = std::fs::read_to_string(dir.join("goldens").join(list))
            .unwrap_or_else(|e| panic!("reading {set}/goldens/{list}: {e}"));
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push((dir.clone(), line.to_string()));
        }
    }
    out
}

/// Runs `f` over `items` on a few threads, keeping the order of the results.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Lines of the first region where `a` and `b` differ, with a little context.
fn line_diff(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let start = prefix.saturating_sub(4);
    let mut out = String::new();
    for line in &a[start..prefix] {
        out.push_str(&format!("   {line}\n"));
    }
    let (a_end, b_end) = (a.len() - suffix, b.len() - suffix);
    for line in a[prefix..a_end].iter().take(25) {
        out.push_str(&format!(" - {line}\n"));
    }
    if a_end - prefix > 25 {
        out.push_str(&format!(" - ... {} more lines\n", a_end - prefix - 25));
    }
    for line in b[prefix..b_end].iter().take(25) {
        out.push_str(&format!(" + {line}\n"));
    }
    if b_end - prefix > 25 {
        out.push_str(&format!(" + ... {} more lines\n", b_end - prefix - 25));
    }
    out
}

/// A readable explanation of how `ours` differs from protoc's `golden` (both encoded sets).
fn explain(ours: &[u8], golden: &[u8]) -> String {
    let (Ok(ours), Ok(golden)) = (
        FileDescriptorSet::decode(ours),
        FileDescriptorSet::decode(golden),
    ) else {
        return "one of the sets does not decode".to_string();
    };
    let names = |s: &FileDescriptorSet| -> Vec<String> {
        s.file
            .iter()
            .map(|f| f.name.clone().unwrap_or_default())
            .collect()
    };
    if names(&ours) != names(&golden) {
        return format!(
            "files differ: ours {:?}, protoc {:?}",
            names(&ours),
            names(&golden)
        );
    }
    for (o, g) in ours.file.iter().zip(&golden.file) {
        if o.encode_to_vec() != g.encode_to_vec() {
            let (od, gd) = (format!("{o:#?}"), format!("{g:#?}"));
            let name = g.name.as_deref().unwrap_or("");
            if od == gd {
                return format!(
                    "{name}: same fields, different bytes (field order or unknown fields)"
                );
            }
            return format!("{name} (- protoforge, + protoc):\n{}", line_diff(&od, &gd));
        }
    }
    "same files, different bytes (set-level unknown fields)".to_string()
}

/// Compiles one golden case; `None` when it matches, else what is wrong.
fn check_compile(root: &Path, file: &str, source_info: bool) -> Option<String> {
    let golden_path = root.join("goldens").join(format!(
        "{file}.{}",
        if source_info { "src.pb" } else { "pb" }
    ));
    let golden = match std::fs::read(&golden_path) {
        Ok(g) => g,
        Err(e) => return Some(format!("cannot read {}: {e}", golden_path.display())),
    };
    let compiled = Compiler::new()
        .include_path(root.join("src").to_string_lossy())
        .include_imports(true)
        .include_source_info(source_info)
        .compile(&[file]);
    match compiled {
        Err(e) => Some(format!("rejected:\n{e}")),
        Ok(c) => {
            let ours = c.files.encode_to_vec();
            (ours != golden).then(|| explain(&ours, &golden))
        }
    }
}

#[test]
fn accepted_files_match_protoc_byte_for_byte() {
    let cases = cases("ok.txt");
    let results = par_map(&cases, |(root, file)| {
        [false, true].map(|src| check_compile(root, file, src))
    });
    let mut report = String::new();
    let (mut plain_ok, mut src_ok, mut both_ok) = (0, 0, 0);
    for ((_, file), [plain, src]) in cases.iter().zip(&results) {
        plain_ok += usize::from(plain.is_none());
        src_ok += usize::from(src.is_none());
        both_ok += usize::from(plain.is_none() && src.is_none());
        if let Some(why) = plain {
            report.push_str(&format!("\n=== {file} (.pb): {why}\n"));
        } else if let Some(why) = src {
            report.push_str(&format!("\n=== {file} (.src.pb): {why}\n"));
        }
    }
    let n = cases.len();
    eprintln!("{report}");
    eprintln!(
        "golden descriptor sets: {both_ok} of {n} files identical with and without source info \
         (.pb {plain_ok}/{n}, .src.pb {src_ok}/{n})"
    );
    assert_eq!(
        both_ok, n,
        "some files differ from protoc's output (see above)"
    );
}

/// protoc's position prefix of one stderr line: `file:line:col:` or `file:`.
fn position_prefix(line: &str) -> String {
    let Some(end) = line.find(".proto").map(|i| i + ".proto".len()) else {
        return line.to_string();
    };
    let rest = &line[end..];
    let mut parts = rest.splitn(4, ':');
    let _ = parts.next();
    let (l, c) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if numeric(l) && numeric(c) {
        format!("{}:{l}:{c}:", &line[..end])
    } else {
        format!("{}:", &line[..end])
    }
}

#[test]
fn rejected_files_fail_at_protoc_position() {
    let cases = cases("fail.txt");
    let results = par_map(&cases, |(root, file)| -> Option<String> {
        let stderr_path = root.join("goldens").join(format!("{file}.protoc.stderr"));
        let expected = match std::fs::read_to_string(&stderr_path) {
            Ok(s) => s,
            Err(e) => return Some(format!("cannot read {}: {e}", stderr_path.display())),
        };
        let Some(first) = expected.lines().find(|l| !l.contains(": warning: ")) else {
            return Some("protoc's stderr has no error".to_string());
        };
        let compiled = Compiler::new()
            .include_path(root.join("src").to_string_lossy())
            .include_imports(true)
            .compile(&[file.as_str()]);
        let err = match compiled {
            Ok(_) => return Some(format!("accepted, but protoc says: {first}")),
            Err(e) => e,
        };
        let Some(ours) = err.diagnostics.iter().find(|d| d.is_error()) else {
            return Some("rejected without an error".to_string());
        };
        let ours = ours.render_protoc(&err.sources);
        (position_prefix(&ours) != position_prefix(first))
            .then(|| format!("first error differs:\n  ours:   {ours}\n  protoc: {first}"))
    });
    let mut report = String::new();
    let mut passed = 0;
    for ((_, file), r) in cases.iter().zip(&results) {
        match r {
            None => passed += 1,
            Some(why) => report.push_str(&format!("\n=== {file}: {why}\n")),
        }
    }
    eprintln!("{report}");
    eprintln!(
        "golden rejections: {passed} of {} files rejected at protoc's position",
        cases.len()
    );
    assert_eq!(
        passed,
        cases.len(),
        "some rejections differ from protoc (see above)"
    );
}

/// Files protoc rejects because an import is missing or has errors: the whole of protoc's
/// stderr (the import's own errors, `Import "x" was not found or had errors.` at the import
/// statement, and only the errors that do not follow from the failed import) must be ours,
/// byte for byte.
#[test]
fn import_failures_match_protoc_stderr_in_full() {
    let root = corpus().join("protobuf");
    let dir = "editions/golden/edition2024_transform";
    let files = [
        "edition2023.proto",
        "proto2.proto",
        "proto3.proto",
        "test_messages_proto2.proto",
        "test_messages_proto3.proto",
    ];
    let mut report = String::new();
    for file in files {
        let file = format!("{dir}/{file}");
        let stderr_path = root.join("goldens").join(format!("{file}.protoc.stderr"));
        let expected = std::fs::read_to_string(&stderr_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", stderr_path.display()));
        assert!(
            expected.contains("was not found or had errors."),
            "{file}: not an import failure"
        );
        let compiled = Compiler::new()
            .include_path(root.join("src").to_string_lossy())
            .include_imports(true)
            .compile(&[file.as_str()]);
        let ours = match compiled {
            Ok(_) => String::from("(accepted)\n"),
            Err(e) => e.render(protoforge_compile::ErrorFormat::Gcc),
        };
        if ours != expected {
            report.push_str(&format!("\n=== {file}:\n{}", line_diff(&expected, &ours)));
        }
    }
    assert!(report.is_empty(), "stderr differs from protoc's:{report}");
}

#[test]
fn position_prefixes() {
    assert_eq!(
        position_prefix("a/b.proto:12:1: Import \"x\" was not found."),
        "a/b.proto:12:1:"
    );
    assert_eq!(position_prefix("x/y.proto: File not found."), "x/y.proto:");
    assert_eq!(
        position_prefix("a.proto:3:5: \"b.proto:1:2\" is not defined."),
        "a.proto:3:5:"
    );
}
