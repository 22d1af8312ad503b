//! `protoforge format` against real `buf format` (buf 1.75.0 from npm, installed by `.ci/run`):
//! standard output, `--diff`, `--write`, `--exit-code` and syntax errors, on a small tree.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn buf() -> PathBuf {
    protoforge_test_support::buf_path()
}

fn protoforge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoforge"))
        .current_dir(dir)
        .arg("format")
        .args(args)
        .output()
        .expect("run protoforge")
}

fn run_buf(dir: &Path, args: &[&str]) -> Output {
    Command::new(buf())
        .current_dir(dir)
        .arg("format")
        .args(args)
        .output()
        .expect("run buf")
}

/// A fresh tree: one formatted file, two that are not.
fn tree(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("protoforge-cli-format-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("d/sub")).expect("mkdir");
    let files = [
        (
            "d/a.proto",
            "syntax = \"proto3\";\npackage a;\nmessage M {\n    string k = 1; // key\n\n\n  bytes v = 2;\n}\n",
        ),
        (
            "d/sub/b.proto",
            "syntax=\"proto3\";\nimport \"z.proto\";\nimport \"a.proto\";\noption java_package = \"x\";\nmessage N {}\n",
        ),
        ("d/c.proto", "syntax = \"proto3\";\n\nmessage C {}\n"),
    ];
    for (path, text) in files {
        std::fs::write(dir.join(path), text).expect("write");
    }
    dir
}

/// buf's diff headers carry timestamps; ours do not.
fn strip_timestamps(diff: &[u8]) -> String {
    String::from_utf8_lossy(diff)
        .lines()
        .map(|l| {
            if l.starts_with("--- ") || l.starts_with("+++ ") {
                l.split('\t').next().unwrap_or(l)
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn stdout_and_diff_match_buf() {
    let dir = tree("stdout");
    let ours = protoforge(&dir, &["d"]);
    let theirs = run_buf(&dir, &["d"]);
    assert!(ours.status.success() && theirs.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout)
    );

    for file in ["d/a.proto", "d/sub/b.proto"] {
        let ours = protoforge(&dir, &["-d", file]);
        let theirs = run_buf(&dir, &["-d", file]);
        assert_eq!(
            strip_timestamps(&ours.stdout),
            strip_timestamps(&theirs.stdout),
            "{file}"
        );
    }
}

#[test]
fn exit_code_and_write_match_buf() {
    let dir = tree("write");
    for file in ["d/a.proto", "d/c.proto"] {
        let ours = protoforge(&dir, &["--exit-code", file]);
        let theirs = run_buf(&dir, &["--exit-code", file]);
        assert_eq!(ours.status.code(), theirs.status.code(), "{file}");
    }
    assert_eq!(
        protoforge(&dir, &["--exit-code", "d/a.proto"])
            .status
            .code(),
        Some(100)
    );

    let buf_dir = tree("write-buf");
    let ours = protoforge(&dir, &["-w", "d"]);
    let theirs = run_buf(&buf_dir, &["-w", "d"]);
    assert!(ours.status.success() && theirs.status.success());
    assert!(ours.stdout.is_empty());
    for file in ["d/a.proto", "d/sub/b.proto", "d/c.proto"] {
        assert_eq!(
            std::fs::read_to_string(dir.join(file)).expect("ours"),
            std::fs::read_to_string(buf_dir.join(file)).expect("buf's"),
            "{file}"
        );
    }
    // Formatted now: nothing changes, exit code 0.
    let again = protoforge(&dir, &["--exit-code", "-d", "d"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
}

#[test]
fn a_file_that_does_not_parse_is_an_error_and_nothing_is_written() {
    let dir = tree("error");
    let bad = "syntax = \"proto3\";\nmessage {\n}\n";
    std::fs::write(dir.join("d/bad.proto"), bad).expect("write");
    let before = std::fs::read_to_string(dir.join("d/a.proto")).expect("read");
    let out = protoforge(&dir, &["-w", "d"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("d/bad.proto:2:9: "), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.join("d/a.proto")).expect("read"),
        before
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("d/bad.proto")).expect("read"),
        bad
    );
}

/// Which files a workspace's `buf.yaml` (modules, includes, excludes) and `--config`,
/// `--path` and `--exclude-path` select, and buf's error for each misuse: stdout (diff
/// timestamps aside), stderr and exit code equal to buf's, run in a read-only fixture tree.
#[test]
fn buf_yaml_and_path_flags_select_files_like_buf() {
    let data =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../protoforge-check/tests/data/format_config");
    // (directory to run in, arguments).
    let cases: &[(&str, &[&str])] = &[
        // v2 modules in yaml order, `excludes` and `includes` honoured, files outside every
        // module left out.
        ("v2", &[]),
        ("v2", &["-d"]),
        ("v2", &["--exit-code"]),
        (".", &["v2"]),
        ("v2", &["lib"]),
        ("v2/lib", &[]),
        ("v2", &["--config", "version: v2"]),
        // --path and --exclude-path, as seen from the current directory.
        ("v2", &["--path", "lib/in/i.proto", "--path", "proto/a"]),
        ("v2", &["--exclude-path", "lib/in"]),
        ("v2", &["-d", "--exclude-path", "proto/a"]),
        (".", &["v2", "--path", "v2/proto/a"]),
        // Selected but excluded by the configuration: nothing, successfully.
        ("v2", &["--path", "proto/skip"]),
        ("v2", &["--path", "lib/out"]),
        // Errors.
        ("v2", &["--path", "loose.proto"]),
        ("v2", &["--path", "nope"]),
        ("v2", &["--path", "../v1"]),
        (".", &["v2", "--path", "proto/a"]),
        ("v2", &["--path", "/"]),
        ("v2", &["--path", "proto"]),
        ("v2", &["--exclude-path", "proto"]),
        ("v2", &["--path", "."]),
        ("v2", &["--exclude-path", "."]),
        (
            "v2",
            &[
                "--exclude-path",
                "proto/skip",
                "--path",
                "proto/skip/s.proto",
            ],
        ),
        ("v2", &["lib/in"]),
        ("v2", &["nope"]),
        ("v2", &["lib/nope.proto"]),
        ("v2", &["--config", "nope.yaml"]),
        ("v2/proto/a", &[]),
        ("v2", &["--path", "proto/a", "lib/in/i.proto"]),
        ("v2", &["--exclude-path", "proto/a", "lib/in/i.proto"]),
        // v1: `build.excludes`; a directory inside the module is an input only from within.
        ("v1", &[]),
        ("v1", &["--path", "skip"]),
        ("v1", &["--exclude-path", "a"]),
        ("v1", &["a"]),
        ("v1/a", &[]),
        ("v1/skip", &[]),
        (".", &["v1/a"]),
    ];
    for (dir, args) in cases {
        let dir = data.join(dir);
        let ours = protoforge(&dir, args);
        let theirs = run_buf(&dir, args);
        let what = format!("format {args:?} in {}", dir.display());
        assert_eq!(
            strip_timestamps(&ours.stdout),
            strip_timestamps(&theirs.stdout),
            "stdout of {what}"
        );
        assert_eq!(
            String::from_utf8_lossy(&ours.stderr),
            String::from_utf8_lossy(&theirs.stderr),
            "stderr of {what}"
        );
        assert_eq!(
            ours.status.code(),
            theirs.status.code(),
            "exit code of {what}"
        );
    }
}

/// Every file under `dir`, by path relative to it, with its contents.
fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                let text = std::fs::read_to_string(&path).expect("read output");
                out.push((rel.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    out.sort();
    out
}

/// `-o` (a directory, a `.proto` file, with `-d`) writes what buf writes; `--stdin-filepath`
/// prints what buf prints (with `-d` and `--exit-code`), and both refuse the flags buf
/// refuses with buf's last line of error and exit code.
#[test]
fn output_and_stdin_filepath_match_buf() {
    let dir = tree("output");
    let out_of = |tool: &str| dir.join(format!("out-{tool}"));
    for args in [
        &["d", "-o", "{out}"][..],
        &["d/sub/b.proto", "-o", "{out}"],
        &["d", "-o", "{out}/all.proto"],
        &["d", "-d", "-o", "{out}/x"],
        &["d", "--exit-code", "-o", "{out}"],
    ] {
        let mut results = Vec::new();
        for tool in ["buf", "protoforge"] {
            let out = out_of(tool);
            let _ = std::fs::remove_dir_all(&out);
            let args: Vec<String> = args
                .iter()
                .map(|a| a.replace("{out}", &out.to_string_lossy()))
                .collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = if tool == "buf" {
                run_buf(&dir, &args)
            } else {
                protoforge(&dir, &args)
            };
            results.push((
                strip_timestamps(&run.stdout),
                run.status.code(),
                files_under(&out),
            ));
        }
        assert!(!results[0].2.is_empty(), "buf wrote nothing for {args:?}");
        assert_eq!(results[1], results[0], "format {args:?}: ours, then buf's");
    }

    let source = std::fs::read(dir.join("d/sub/b.proto")).expect("read");
    let with_stdin = |tool: &str, args: &[&str]| -> Output {
        use std::io::Write;
        let program = if tool == "buf" {
            buf()
        } else {
            PathBuf::from(env!("CARGO_BIN_EXE_protoforge"))
        };
        let mut child = Command::new(program)
            .current_dir(&dir)
            .arg("format")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // A refused invocation may exit before reading its input: a broken pipe is fine.
        let _ = child.stdin.take().expect("stdin").write_all(&source);
        child.wait_with_output().expect("wait")
    };
    let last_line = |o: &Output| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .to_string()
    };
    for args in [
        &["--stdin-filepath", "x/y.proto"][..],
        &["--stdin-filepath", "x/y.proto", "-d"],
        &["--stdin-filepath", "x/y.proto", "--exit-code"],
        &["--stdin-filepath", "x/y.proto", "d"],
        &["--stdin-filepath", "x/y.proto", "-w"],
        &["--stdin-filepath", "x/y.proto", "-o", "o"],
        &["--stdin-filepath", "x/y.proto", "--path", "d"],
        &["--stdin-filepath", "x/y.proto", "--exclude-path", "d"],
        &[
            "--stdin-filepath",
            "x/y.proto",
            "--config",
            "{\"version\":\"v2\"}",
        ],
        &["--stdin-filepath", "y.txt"],
        &["d", "-w", "-o", "o"],
    ] {
        let ours = with_stdin("protoforge", args);
        let theirs = with_stdin("buf", args);
        assert_eq!(
            strip_timestamps(&ours.stdout),
            strip_timestamps(&theirs.stdout),
            "stdout of format {args:?}"
        );
        assert_eq!(ours.status.code(), theirs.status.code(), "exit of {args:?}");
        assert_eq!(last_line(&ours), last_line(&theirs), "error of {args:?}");
    }
}
