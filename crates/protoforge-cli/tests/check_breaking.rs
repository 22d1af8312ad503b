//! `protoforge breaking` against real `buf breaking` (buf 1.75.0 from npm, installed by
//! `.ci/run`): standard output, standard error's absence, exit codes, `--error-format=json`,
//! `--config`, and `--against` as a directory, an image from `buf build -o`, and a git ref.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn protoforge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoforge"))
        .current_dir(dir)
        .arg("breaking")
        .args(args)
        .output()
        .expect("run protoforge")
}

fn buf(dir: &Path, args: &[&str]) -> Output {
    protoforge_test_support::buf(dir, args)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const BEFORE: &[(&str, &str)] = &[
    (
        "proto/shop/v1/order.proto",
        "syntax = \"proto3\";\n\npackage shop.v1;\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Order {\n  string id = 1;\n  int32 total = 2;\n  string note = 3;\n  google.protobuf.Timestamp at = 4;\n  oneof pay {\n    string card = 5;\n  }\n}\n\nenum State {\n  STATE_UNSPECIFIED = 0;\n  STATE_OPEN = 1;\n}\n\nservice Orders {\n  rpc Get(Order) returns (Order);\n  rpc List(Order) returns (stream Order);\n}\n",
    ),
    (
        "proto/shop/v1/gone.proto",
        "syntax = \"proto3\";\n\npackage shop.v1;\n\nmessage Gone {}\n",
    ),
];

const AFTER: &[(&str, &str)] = &[(
    "proto/shop/v1/order.proto",
    "syntax = \"proto3\";\n\npackage shop.v1;\n\nmessage Order {\n  string id = 1 [json_name = \"ident\"];\n  string total = 2;\n  int64 at = 4;\n  string card = 5;\n}\n\nenum State {\n  STATE_UNSPECIFIED = 0;\n}\n\nservice Orders {\n  rpc Get(stream Order) returns (Order);\n}\n",
)];

/// A git repository whose `main` has `BEFORE` and whose work tree has `AFTER`, plus the
/// previous tree as a directory and a buf image.
fn repo() -> PathBuf {
    let dir = protoforge_test_support::temp_dir("cli", "breaking");
    protoforge_test_support::write_files(&dir.join("before"), BEFORE);
    git(&dir, &["init", "-q", "-b", "main"]);
    protoforge_test_support::write_files(&dir, BEFORE);
    git(&dir, &["add", "proto"]);
    git(&dir, &["commit", "-q", "-m", "before"]);
    std::fs::remove_file(dir.join("proto/shop/v1/gone.proto")).expect("delete");
    protoforge_test_support::write_files(&dir, AFTER);
    let out = buf(&dir, &["build", "before/proto", "-o", "before.binpb"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn same(dir: &Path, args: &[&str]) -> String {
    let ours = protoforge(dir, args);
    let mut buf_args = vec!["breaking"];
    buf_args.extend_from_slice(args);
    let theirs = buf(dir, &buf_args);
    let (o, t) = (
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
    );
    assert_eq!(
        o,
        t,
        "stdout of {args:?}; stderr {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of {args:?}"
    );
    assert!(
        ours.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    o.into_owned()
}

#[test]
fn against_directory_image_and_git_ref() {
    let dir = repo();
    let text = same(&dir, &["proto", "--against", "before/proto"]);
    assert!(text.lines().count() >= 8, "{text}");
    assert!(
        text.contains("<input>:1:1:Previously present file"),
        "{text}"
    );
    same(&dir, &["proto", "--against", "before.binpb"]);
    same(
        &dir,
        &["proto", "--against", ".git#branch=main,subdir=proto"],
    );
    // Every output format, with a deleted file (no position) among the findings.
    for format in [
        "json",
        "msvs",
        "junit",
        "github-actions",
        "gitlab-code-quality",
    ] {
        same(
            &dir,
            &[
                "proto",
                "--against",
                "before/proto",
                "--error-format",
                format,
            ],
        );
    }
    let config = "version: v1\nbreaking:\n  use: [WIRE]\n";
    same(
        &dir,
        &["proto", "--against", "before/proto", "--config", config],
    );
    let without_imports = same(
        &dir,
        &["proto", "--against", "before.binpb", "--exclude-imports"],
    );
    assert!(
        !without_imports.contains("timestamp.proto"),
        "{without_imports}"
    );
    let unchanged = same(&dir, &["before/proto", "--against", "before/proto"]);
    assert!(unchanged.is_empty());
    // A git ref's files are matched against the paths as given, under its subdir: these name
    // nothing there, which buf refuses.
    for limit in [
        &["--limit-to-input-files"][..],
        &["--path", "proto/shop/v1/order.proto"],
    ] {
        let mut args = vec!["proto", "--against", ".git#branch=main,subdir=proto"];
        args.extend(limit);
        same_failure(&dir, &args);
    }
}

#[test]
fn limit_to_input_files_restricts_the_against_input_like_buf() {
    // The against input keeps only the paths of the current files: matched against a git
    // ref and an image of the same root, refused when nothing is left, as buf does.
    let dir = protoforge_test_support::temp_dir("cli", "breaking-limit");
    let a = |t: &str| {
        format!(
            "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\nmessage M {{ {t} x = 1; google.protobuf.Timestamp t = 2; }}\n"
        )
    };
    let (a32, a64) = (a("int32"), a("int64"));
    protoforge_test_support::write_files(
        &dir,
        &[
            ("buf.yaml", "version: v2\n"),
            ("p/a.proto", &a32),
            (
                "p/b.proto",
                "syntax = \"proto3\";\npackage p;\nmessage N {}\n",
            ),
        ],
    );
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "before"]);
    let out = buf(&dir, &["build", "-o", "before.binpb"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(dir.join("p/b.proto")).expect("delete");
    protoforge_test_support::write_files(
        &dir,
        &[
            ("p/a.proto", &a64),
            (
                "p/c.proto",
                "syntax = \"proto3\";\npackage p;\nmessage C {}\n",
            ),
        ],
    );
    for against in [".git#branch=main", "before.binpb"] {
        let all = same(&dir, &["--against", against]);
        assert!(all.contains("p/b.proto"), "{all}");
        let limited = same(&dir, &["--against", against, "--limit-to-input-files"]);
        assert!(
            limited.contains("p/a.proto") && !limited.contains("p/b.proto"),
            "{limited}"
        );
        for narrowed in [["--path", "p/c.proto"], ["--exclude-path", "p/a.proto"]] {
            let mut args = vec!["--against", against, "--limit-to-input-files"];
            args.extend(narrowed);
            same_failure(&dir, &args);
        }
    }
}

/// Runs both tools on `args`: exit code and standard error must be equal.
fn same_failure(dir: &Path, args: &[&str]) {
    let ours = protoforge(dir, args);
    let mut buf_args = vec!["breaking"];
    buf_args.extend_from_slice(args);
    let theirs = buf(dir, &buf_args);
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of {args:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr),
        "stderr of {args:?}"
    );
}

#[test]
fn without_buf_yaml_the_v1_rules_apply() {
    let dir = protoforge_test_support::temp_dir("cli", "breaking-v1");
    protoforge_test_support::write_files(
        &dir,
        &[
            (
                "b/x.proto",
                "syntax = \"proto2\";\npackage p;\nmessage M { extensions 10 to 20; optional int32 x = 1 [default = 3]; }\nextend M { optional int32 e = 10; }\n",
            ),
            (
                "a/x.proto",
                "syntax = \"proto2\";\npackage p;\nmessage M { extensions 10 to 20; optional int32 x = 1 [default = 4]; }\n",
            ),
        ],
    );
    // v1 has neither EXTENSION_NO_DELETE nor FIELD_SAME_DEFAULT.
    let out = same(&dir, &["a", "--against", "b"]);
    assert!(out.is_empty(), "{out}");
    let v2 = "version: v2\nbreaking:\n  use: [EXTENSION_NO_DELETE]\n";
    std::fs::write(dir.join("a/buf.yaml"), v2).expect("write buf.yaml");
    let out = same(&dir, &["a", "--against", "b"]);
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn compile_errors_on_either_side_are_findings() {
    // buf prints them as findings of type COMPILE on standard output (exit 100), located under
    // the directory given, for the current input and for the against directory alike.
    let dir = protoforge_test_support::temp_dir("cli", "breaking-compile");
    let good = "syntax = \"proto3\";\npackage p;\nmessage M { int32 x = 1; }\n";
    let bad = "syntax = \"proto3\";\npackage p;\nmessage M { int32 x = 1; q.Q y = 2; }\n";
    protoforge_test_support::write_files(
        &dir,
        &[
            ("good/buf.yaml", "version: v2\nmodules:\n  - path: m\n"),
            ("good/m/x.proto", good),
            ("bad/buf.yaml", "version: v2\nmodules:\n  - path: m\n"),
            ("bad/m/x.proto", bad),
        ],
    );
    for format in ["text", "json"] {
        let format = format!("--error-format={format}");
        let out = same(&dir, &["bad", "--against", "good", &format]);
        assert!(out.contains("bad/m/x.proto"), "{out}");
        let out = same(&dir, &["good", "--against", "bad", &format]);
        assert!(out.contains("bad/m/x.proto"), "{out}");
    }
}

#[test]
fn unknown_rule_is_a_failure_worded_as_buf_words_it() {
    let dir = protoforge_test_support::temp_dir("cli", "breaking-unknown");
    protoforge_test_support::write_files(
        &dir,
        &[
            (
                "a/x.proto",
                "syntax = \"proto3\";\npackage p;\nmessage M {}\n",
            ),
            ("a/buf.yaml", "version: v2\nbreaking:\n  use: [FOO]\n"),
            (
                "b/x.proto",
                "syntax = \"proto3\";\npackage p;\nmessage M {}\n",
            ),
        ],
    );
    let ours = protoforge(&dir, &["a", "--against", "b"]);
    let theirs = buf(&dir, &["breaking", "a", "--against", "b"]);
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr)
    );
}

#[test]
fn v2_workspace_modules_each_with_their_rules() {
    let dir = protoforge_test_support::temp_dir("cli", "breaking-workspace");
    let yaml =
        "version: v2\nmodules:\n  - path: a\n  - path: b\n    breaking:\n      use: [WIRE]\n";
    protoforge_test_support::write_files(
        &dir,
        &[
            ("before/buf.yaml", yaml),
            (
                "before/a/pa/a.proto",
                "syntax = \"proto3\";\npackage pa;\nmessage A { int32 x = 1; string y = 2; }\n",
            ),
            (
                "before/b/pb/b.proto",
                "syntax = \"proto3\";\npackage pb;\nimport \"pa/a.proto\";\nmessage B { pa.A a = 1; int64 z = 2; }\n",
            ),
            ("after/buf.yaml", yaml),
            (
                "after/a/pa/a.proto",
                "syntax = \"proto3\";\npackage pa;\nmessage A { int64 x = 1; }\n",
            ),
            (
                "after/b/pb/b.proto",
                "syntax = \"proto3\";\npackage pb;\nimport \"pa/a.proto\";\nmessage B { pa.A a = 1; string z = 2; }\n",
            ),
        ],
    );
    let text = same(&dir, &["after", "--against", "before"]);
    assert_eq!(text.lines().count(), 4, "{text}");
    same(&dir, &["after", "--against", "before", "--exclude-imports"]);
    same(
        &dir.join("after"),
        &["--against", "../before", "--error-format=json"],
    );
}

#[test]
fn deprecated_rules_warn_as_buf_does() {
    let dir = protoforge_test_support::temp_dir("cli", "breaking-deprecated");
    protoforge_test_support::write_files(
        &dir,
        &[
            (
                "a/x.proto",
                "syntax = \"proto3\";\npackage p;\nmessage M { repeated int32 x = 1; }\n",
            ),
            (
                "a/buf.yaml",
                "version: v1\nbreaking:\n  use: [FIELD_SAME_LABEL, FILE_SAME_PHP_GENERIC_SERVICES]\n",
            ),
            (
                "b/x.proto",
                "syntax = \"proto3\";\npackage p;\nmessage M { int32 x = 1; }\n",
            ),
        ],
    );
    let ours = protoforge(&dir, &["a", "--against", "b"]);
    let theirs = buf(&dir, &["breaking", "a", "--against", "b"]);
    assert_eq!(ours.stdout, theirs.stdout);
    assert_eq!(ours.status.code(), theirs.status.code());
    // buf colours `WARN` even when stderr is not a terminal; protoforge does not.
    let plain = String::from_utf8_lossy(&theirs.stderr)
        .replace("\u{1b}[33m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(String::from_utf8_lossy(&ours.stderr), plain);
}

/// Runs both tools on `args` in `dir`; stdout, stderr and exit code must be equal.
fn same_with_errors(dir: &Path, args: &[&str]) {
    let ours = protoforge(dir, args);
    let mut buf_args = vec!["breaking"];
    buf_args.extend_from_slice(args);
    let theirs = buf(dir, &buf_args);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "stdout of {args:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr),
        "stderr of {args:?}"
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of {args:?}"
    );
}

/// A v2 module `proto` under git whose `main` has fields the work tree deleted, in `a/a.proto`
/// (which imports `b/b.proto`), `a/x/x.proto`, `b/b.proto`; `a/gone.proto` is deleted; `old/`
/// holds the previous tree with its module at `old/src`. Each test passes its own `name`.
fn paths_repo(name: &str) -> PathBuf {
    let dir = protoforge_test_support::temp_dir("cli", name);
    let before: &[(&str, &str)] = &[
        ("buf.yaml", "version: v2\nmodules:\n  - path: proto\n"),
        (
            "proto/a/a.proto",
            "syntax = \"proto3\";\npackage a;\nimport \"b/b.proto\";\nmessage Foo { b.Baz f = 1; string g = 2; }\n",
        ),
        (
            "proto/a/gone.proto",
            "syntax = \"proto3\";\npackage a;\nmessage Gone {}\n",
        ),
        (
            "proto/a/x/x.proto",
            "syntax = \"proto3\";\npackage a.x;\nmessage Bar { string f = 1; }\n",
        ),
        (
            "proto/b/b.proto",
            "syntax = \"proto3\";\npackage b;\nmessage Baz { string f = 1; }\n",
        ),
    ];
    protoforge_test_support::write_files(&dir, before);
    for (name, text) in &before[1..] {
        let name = name.replacen("proto/", "old/src/", 1);
        protoforge_test_support::write_files(&dir, &[(name.as_str(), *text)]);
    }
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "buf.yaml", "proto"]);
    git(&dir, &["commit", "-q", "-m", "before"]);
    std::fs::remove_file(dir.join("proto/a/gone.proto")).expect("delete");
    protoforge_test_support::write_files(
        &dir,
        &[
            (
                "proto/a/a.proto",
                "syntax = \"proto3\";\npackage a;\nimport \"b/b.proto\";\nmessage Foo { b.Baz f = 1; }\n",
            ),
            (
                "proto/a/x/x.proto",
                "syntax = \"proto3\";\npackage a.x;\nmessage Bar {}\n",
            ),
            (
                "proto/b/b.proto",
                "syntax = \"proto3\";\npackage b;\nmessage Baz {}\n",
            ),
        ],
    );
    let out = buf(&dir, &["build", "old/src", "-o", "old.binpb"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn path_and_exclude_path_restrict_both_sides_like_buf() {
    let dir = paths_repo("breaking-paths");
    let git_ref = ".git#branch=main";
    for flags in [
        &["--path", "proto/a"][..],
        &["--path", "proto/a/x", "--path", "./proto/b/b.proto"],
        &["--path", "proto/a", "--exclude-path", "proto/a/x"],
        &["--path", "proto/a", "--exclude-imports"],
        &["--exclude-path", "proto/nope"],
        // buf's errors.
        &["--path", "proto/a/gone.proto"],
        &["--exclude-path", "proto/a", "--exclude-path", "proto/b"],
        &["--path", "."],
        &["--path", "proto"],
        &["--exclude-path", "proto"],
        &["--path", "../elsewhere"],
    ] {
        let mut args = vec!["--against", git_ref];
        args.extend_from_slice(flags);
        same_with_errors(&dir, &args);
    }
    let absolute = dir.join("proto/a").to_string_lossy().into_owned();
    same_with_errors(&dir, &["--against", git_ref, "--path", &absolute]);
    // buf compares the values with an image's file names as they are, so the first finds
    // nothing and the second excludes nothing there.
    same_with_errors(&dir, &["--against", "old.binpb", "--path", "proto/a"]);
    same_with_errors(
        &dir,
        &["--against", "old.binpb", "--exclude-path", "proto/a/x"],
    );
}

#[test]
fn against_config_describes_the_against_input_like_buf() {
    let dir = paths_repo("breaking-against-config");
    for config in [
        "version: v2\nmodules:\n  - path: old/src\n",
        "{version: v2, modules: [{path: old/src, includes: [old/src/a/x]}]}",
        "{version: v2, modules: [{path: old/src, excludes: [old/src/a/x]}]}",
        // Module paths are relative to the current directory, not to the against input.
        "{version: v2, modules: [{path: src}]}",
        "{version: v2, modules: [{path: src, includes: [src]}]}",
        "version: v9",
    ] {
        same_with_errors(&dir, &["--against", "old", "--against-config", config]);
    }
    same_with_errors(
        &dir,
        &[
            "--against",
            ".git#branch=main",
            "--against-config",
            "{version: v2, modules: [{path: proto, includes: [proto/b]}]}",
        ],
    );
    std::fs::write(
        dir.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n    includes: [proto/a, proto/b]\n    excludes: [proto/a/x]\n",
    )
    .expect("write buf.yaml");
    same_with_errors(&dir, &["--against", ".git#branch=main"]);
    std::fs::write(
        dir.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n    includes: [proto/zz]\n",
    )
    .expect("write buf.yaml");
    same_with_errors(&dir, &["--against", ".git#branch=main"]);
}
