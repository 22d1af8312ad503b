//! `protoforge lint` against real `buf lint` (buf 1.75.0 from npm, installed by `.ci/run`):
//! standard output and exit code for each output format, a `--config`, a clean tree and a tree
//! that does not compile.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(program: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .output()
        .expect("run lint")
}

/// A fresh directory `name` holding `files`.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = protoforge_test_support::temp_dir("cli-lint", name);
    protoforge_test_support::write_files(&dir, files);
    dir
}

/// Runs both tools on `args` in `dir`; stdout and exit code must be equal.
fn same(dir: &Path, args: &[&str]) {
    let ours = run(Path::new(env!("CARGO_BIN_EXE_protoforge")), dir, args);
    let theirs = run(&protoforge_test_support::buf_path(), dir, args);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "stdout of lint {args:?}; our stderr: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of lint {args:?}"
    );
}

#[test]
fn findings_print_like_buf_in_every_format() {
    let dir = tree(
        "findings",
        &[
            (
                "d/a.proto",
                "package foo.v1;\nimport \"sub/Other.proto\";\nmessage m { optional string Baz = 1; }\n",
            ),
            ("d/sub/Other.proto", "syntax = \"proto3\";\nmessage X {}\n"),
            (
                "d/x/v1/c.proto",
                "syntax = \"proto3\";\npackage x.v1;\n// Svc.\nservice S { rpc Get(M) returns (stream M); }\nmessage M { string s = 1; }\n",
            ),
        ],
    );
    same(&dir, &["d", "--path", "d/x", "--path", "d/a.proto"]);
    same(&dir, &["d", "--exclude-path", "d/sub"]);
    for format in [
        "text",
        "json",
        "msvs",
        "junit",
        "github-actions",
        "gitlab-code-quality",
        "config-ignore-yaml",
    ] {
        same(&dir, &["d", &format!("--error-format={format}")]);
    }
    // A v2 --config describes the current directory: buf refuses a subdirectory as
    // input, and lints the current directory.
    same(&dir, &["d", "--config", "version: v2\n"]);
    let d = dir.join("d");
    same(
        &d,
        &[
            "--config",
            "version: v2\nlint:\n  use: [COMMENTS, UNARY_RPC]\n  except: [COMMENT_FIELD]\n",
        ],
    );
    same(
        &dir,
        &[
            "d",
            "--config",
            "{\"version\":\"v1\",\"lint\":{\"use\":[\"BASIC\"],\"ignore\":[\"sub\"]}}",
        ],
    );
}

#[test]
fn clean_and_broken_trees_exit_like_buf() {
    let clean = tree(
        "clean",
        &[(
            "a/v1/a.proto",
            "syntax = \"proto3\";\n\npackage a.v1;\n\nmessage Thing {\n  string name = 1;\n}\n",
        )],
    );
    same(&clean, &[]);
    // Checking some files: the others are only imports, so rules comparing files see fewer.
    let two = tree(
        "two_packages",
        &[
            (
                "a.proto",
                "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n",
            ),
            (
                "b.proto",
                "syntax = \"proto3\";\npackage b.v1;\nmessage B {}\n",
            ),
        ],
    );
    same(&two, &[]);
    same(&two, &["a.proto"]);
    same(&two, &["--path", "a.proto"]);
    same(&two, &["--exclude-path", "a.proto"]);
    let broken = tree(
        "broken",
        &[(
            "a.proto",
            "syntax = \"proto3\";\nmessage M { Foo f = 1; }\n",
        )],
    );
    let ours = run(Path::new(env!("CARGO_BIN_EXE_protoforge")), &broken, &[]);
    assert_eq!(ours.status.code(), Some(100));
    assert!(String::from_utf8_lossy(&ours.stdout).starts_with("a.proto:2:13:"));
    let bad_config = run(
        Path::new(env!("CARGO_BIN_EXE_protoforge")),
        &clean,
        &["--config", "version: v2\nlint:\n  use: [NOPE]\n"],
    );
    assert_eq!(bad_config.status.code(), Some(1));
    let unknown_key = tree(
        "unknown_key",
        &[
            ("buf.yaml", "version: v2\nlint:\n  foo: 1\n"),
            ("a.proto", "syntax = \"proto3\";\n"),
        ],
    );
    let ours = run(
        Path::new(env!("CARGO_BIN_EXE_protoforge")),
        &unknown_key,
        &[],
    );
    let theirs = run(&protoforge_test_support::buf_path(), &unknown_key, &[]);
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&bad_config.stderr),
        "Failure: \"NOPE\" is not a known rule or category ID\n"
    );
}

#[test]
fn workspaces_print_like_buf() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../protoforge-check/tests/data");
    // A module of a workspace as the input, from outside and from inside; an input inside a
    // module is an error.
    let extra = data.join("lint_extra");
    same(&extra, &["work_v2/proto"]);
    same(&extra, &["work_v2/other/bar"]);
    same(&extra.join("work_v1/proto"), &[]);
    same(&extra.join("work_v1"), &["proto/foo"]);
    for case in ["lint/v2/ignores", "lint_extra/comment_ignores_v2"] {
        let dir = data.join(case);
        for format in ["text", "config-ignore-yaml"] {
            same(&dir, &[&format!("--error-format={format}")]);
        }
    }
}

#[test]
fn a_tree_without_buf_yaml_gets_v1_defaults_like_buf() {
    // v2's STANDARD has FIELD_NOT_REQUIRED and the comment-ignore default of v2; buf checks a
    // directory without a buf.yaml as a v1 module, which has neither.
    let dir = tree(
        "no-config",
        &[(
            "foo/v1/a.proto",
            "syntax = \"proto2\";\npackage foo.v1;\n\n// buf:lint:ignore FIELD_LOWER_SNAKE_CASE\nmessage Req { required string Name = 1; }\n",
        )],
    );
    same(&dir, &[]);
    same(&dir, &["--error-format=json"]);
}

/// Runs both tools on `args` in `dir`; stdout, stderr and exit code must be equal.
fn same_with_errors(dir: &Path, args: &[&str]) {
    let ours = run(Path::new(env!("CARGO_BIN_EXE_protoforge")), dir, args);
    let theirs = run(&protoforge_test_support::buf_path(), dir, args);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "stdout of lint {args:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr),
        "stderr of lint {args:?}"
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of lint {args:?}"
    );
}

#[test]
fn module_includes_select_directories_like_buf() {
    let dir = tree(
        "includes",
        &[
            (
                "proto/a/a.proto",
                "syntax = \"proto3\";\npackage a;\nmessage foo {}\n",
            ),
            (
                "proto/a/x/x.proto",
                "syntax = \"proto3\";\npackage a.x;\nmessage bar {}\n",
            ),
            (
                "proto/b/b.proto",
                "syntax = \"proto3\";\npackage b;\nmessage baz {}\n",
            ),
        ],
    );
    let module = |rest: &str| format!("version: v2\nmodules:\n  - path: proto\n{rest}");
    for rest in [
        "    includes: [proto/a]\n",
        "    includes: [./proto/a/, proto/b]\n",
        "    includes: [proto/a]\n    excludes: [proto/a/x]\n",
        // Each of buf's configuration errors.
        "    includes: [proto/a]\n    excludes: [proto/b]\n",
        "    includes: [proto/a/x]\n    excludes: [proto/a]\n",
        "    includes: [proto/a]\n    excludes: [proto/a]\n",
        "    includes: [proto]\n",
        "    includes: [other]\n",
        "    includes: [proto/a, proto/a/x]\n",
        "    includes: [proto/a, proto/a]\n",
        "    includes: [proto/a/x.proto]\n",
        "    includes: [../x]\n",
        "    includes: [proto/a]\n    excludes: [proto/a/x, proto/a/x]\n",
        // No files left.
        "    includes: [proto/zz, proto/yy]\n    excludes: [proto/zz/q]\n",
        "    excludes: [proto/a, proto/b]\n",
    ] {
        std::fs::write(dir.join("buf.yaml"), module(rest)).expect("write buf.yaml");
        same_with_errors(&dir, &[]);
    }
}

#[test]
fn compile_errors_are_worded_like_buf() {
    // A missing import, types that resolve nowhere, and a file a module excludes: buf says
    // "imported file does not exist" at the import and "cannot find" at each type, where
    // protoc words both differently and names the missing file on a line of its own.
    let missing = tree(
        "missing_import",
        &[
            ("buf.yaml", "version: v2\n"),
            (
                "a.proto",
                "syntax = \"proto3\";\npackage a.v1;\nimport \"missing/x.proto\";\n\
                 message A {\n  Nope x = 1;\n  c.D y = 2;\n}\n",
            ),
        ],
    );
    same_with_errors(&missing, &[]);
    let excluded = tree(
        "excluded_import",
        &[
            (
                "buf.yaml",
                "version: v2\nmodules:\n  - path: proto\n    excludes:\n      - proto/gen\n",
            ),
            (
                "proto/gen/b.proto",
                "syntax = \"proto3\";\npackage b;\nmessage B {}\n",
            ),
            (
                "proto/a/a.proto",
                "syntax = \"proto3\";\npackage a;\nimport \"gen/b.proto\";\nmessage A {\n  b.B x = 1;\n}\n",
            ),
        ],
    );
    same_with_errors(&excluded, &[]);
}

#[test]
fn compile_errors_are_located_and_worded_like_buf() {
    // One error kind per file (the compiler stops a file at its first failing pass, buf
    // reports every pass): each is reworded where buf reports it at the same place, and the
    // JSON form spans what the error points at.
    let file = |body: &str| format!("syntax = \"proto3\";\npackage a.v1;\n{body}\n");
    let bodies = [
        "message A {\n  int32 x = 1;\n  int32 y = 0x1;\n  int32 z = 2;\n  int32 w = 2;\n}",
        "message B {\n  int32 x = 0;\n  int32 z = 536870912;\n}",
        "message B2 {\n  int32 y = 19000;\n}",
        "enum C {\n  C_A = 0;\n  C_B = 0x0;\n  C_C = -0;\n}",
        "message D {\n  reserved \"gone\";\n  int32 gone = 1;\n}",
        "message D2 {\n  int32 foo_bar = 2;\n  int32 fooBar = 3;\n}",
        "message E {\n  extensions 100 to 200;\n}",
        "message T {\n  int32 x = 1;\n}\nmessage T {}",
        "enum U {\n  U_A = 0;\n}\nenum V {\n  U_A = 0;\n}",
        "message F {\n  map<string, Nope> m = 1;\n  repeated G.H g = 2;\n}",
    ];
    let files: Vec<(String, String)> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("a/v1/f{i}.proto"), file(b)))
        .collect();
    let mut tree_files: Vec<(&str, &str)> = vec![("buf.yaml", "version: v2\n")];
    tree_files.extend(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let dir = tree("compile_words", &tree_files);
    same_with_errors(&dir, &[]);
    same_with_errors(&dir, &["--error-format=json"]);
    // A single file takes the compiler's own path (no per-file retry): same answers.
    let one = tree(
        "compile_words_one",
        &[("buf.yaml", "version: v2\n"), ("a.proto", &file(bodies[0]))],
    );
    same_with_errors(&one, &["--error-format=json"]);
}
