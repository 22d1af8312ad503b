//! External plugins driven by `protoforge` exactly as real protoc drives them: a small Python
//! plugin written by the test (its behaviour chosen by its parameter) is run by both with the
//! same arguments, and the files written, stderr and exit codes must be identical — for the
//! request itself (dumped byte for byte), parameters, insertion points across plugins,
//! response errors, supported features and editions checks, crashes and garbage output,
//! archives. A real third-party plugin (`mypy-protobuf`'s `protoc-gen-mypy` and
//! `protoc-gen-mypy_grpc`, found on `PATH`) must give identical output trees.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_same_tree, corpus, protoc, protoforge, read_tree, temp};

/// The test plugin. Parameter items: `file=NAME` writes NAME (with insertion points),
/// `insert=FILE@POINT` inserts into FILE (a second chunk continues the insertion),
/// `dump` writes the encoded request to `request.bin`, `error=TEXT`, `features=N`, `min=N`,
/// `max=N` set the response fields, `exit=N` exits with N, `kill` dies by SIGKILL,
/// `garbage` writes bytes that are no response, `headless` starts with a nameless chunk.
const PLUGIN: &str = r#"#!/usr/bin/env python3
import os, signal, sys
from google.protobuf.compiler import plugin_pb2 as pb

data = sys.stdin.buffer.read()
req = pb.CodeGeneratorRequest.FromString(data)
resp = pb.CodeGeneratorResponse()
resp.supported_features = 3
resp.minimum_edition = 1000
resp.maximum_edition = 1001
me = os.path.basename(sys.argv[0])
for item in [i for i in req.parameter.split(",") if i]:
    key, _, value = item.partition("=")
    if key == "file":
        f = resp.file.add()
        f.name = value
        f.content = ("// by %s, parameter %s, files %s\n"
                     "fn main() {\n"
                     "    // @@protoc_insertion_point(body)\n"
                     "\tcall(/* @@protoc_insertion_point(args) */);\n"
                     "}\n" % (me, req.parameter, ",".join(req.file_to_generate)))
    elif key == "insert":
        target, _, point = value.partition("@")
        f = resp.file.add()
        f.name = target
        f.insertion_point = point
        f.content = "first line from %s\n\nthird line" % me
        resp.file.add().content = " continued\n"
    elif key == "dump":
        f = resp.file.add()
        f.name = "request.txt"
        f.content = data.hex()
    elif key == "error":
        resp.error = value
    elif key == "features":
        resp.supported_features = int(value)
    elif key == "min":
        resp.minimum_edition = int(value)
    elif key == "max":
        resp.maximum_edition = int(value)
    elif key == "exit":
        sys.exit(int(value))
    elif key == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif key == "garbage":
        sys.stdout.buffer.write(b"\x0a\xff\xff\x01'\"\\ not a response\n")
        sys.exit(0)
    elif key == "headless":
        resp.file.add().content = "no name"
sys.stdout.buffer.write(resp.SerializeToString())
"#;

/// Writes the test plugin into `dir` and returns its path.
fn plugin(dir: &Path) -> PathBuf {
    let path = dir.join("protoc-gen-test.py");
    std::fs::write(&path, PLUGIN).expect("write plugin");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make plugin executable");
    }
    path
}

/// Runs protoc and protoforge with the same arguments (`{OUT}` in an argument is replaced
/// by a fresh output directory for each) in corpus `corpus_name`, and asserts identical
/// stderr, exit code and output tree. Returns the output tree and stderr.
#[track_caller]
fn same_as_protoc(case: &str, corpus_name: &str, args: &[&str]) -> (Vec<String>, String) {
    let src = corpus().join(corpus_name).join("src");
    let base = temp(case);
    let script = plugin(&base);
    let run = |who: &str| {
        let out = base.join(who);
        std::fs::create_dir_all(&out).expect("create out dir");
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                a.replace("{OUT}", &out.display().to_string())
                    .replace("{PLUGIN}", &script.display().to_string())
            })
            .collect();
        let output = if who == "protoc" {
            protoc(&src, &args)
        } else {
            protoforge(&src, &args)
        };
        (out, output)
    };
    let (theirs_dir, theirs) = run("protoc");
    let (ours_dir, ours) = run("ours");
    // Paths of the output directories differ only in the last component.
    let theirs_err = String::from_utf8_lossy(&theirs.stderr).replace(
        &theirs_dir.display().to_string(),
        &ours_dir.display().to_string(),
    );
    let ours_err = String::from_utf8_lossy(&ours.stderr).into_owned();
    assert_eq!(ours_err, theirs_err, "{case}: stderr differs");
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "{case}: exit codes differ"
    );
    let tree = read_tree(&ours_dir);
    assert_same_tree(&tree, &read_tree(&theirs_dir), case);
    (tree.keys().cloned().collect(), ours_err)
}

const T: &str = "--plugin=protoc-gen-t={PLUGIN}";
const U: &str = "--plugin=protoc-gen-u={PLUGIN}";

#[test]
fn request_is_byte_identical() {
    // Imports, source info, json names, source-retention options (kept in
    // source_file_descriptors only), editions and several files to generate.
    let (files, _) = same_as_protoc(
        "request-protobuf",
        "protobuf",
        &[
            "-I.",
            T,
            "--t_out=dump:{OUT}",
            "google/protobuf/unittest_retention.proto",
            "google/protobuf/unittest_lite_edition_2024.proto",
            "editions/golden/edition2024_transform/noop.proto",
            "editions/codegen_tests/proto3_optional.proto",
        ],
    );
    assert_eq!(files, ["request.txt"]);
    same_as_protoc(
        "request-grpc",
        "grpc",
        &[
            "-I.",
            T,
            "--t_out=dump,a=1:{OUT}",
            "--t_opt=b=2",
            "--t_opt",
            "c",
            "grpc/health/v1/health.proto",
            "grpc/examples/helloworld.proto",
        ],
    );
}

#[test]
fn parameters_and_insertion_points_across_plugins() {
    let (files, stderr) = same_as_protoc(
        "insert",
        "grpc",
        &[
            "-I.",
            T,
            U,
            "--t_out=file=a.rs,file=sub/dir/b.rs:{OUT}",
            "--t_opt=x=1",
            "--u_out=insert=a.rs@body,insert=a.rs@args,insert=sub/dir/b.rs@body:{OUT}",
            "--u_opt=insert=a.rs@body",
            "grpc/health/v1/health.proto",
        ],
    );
    assert_eq!(files, ["a.rs", "sub/dir/b.rs"]);
    assert_eq!(stderr, "");
}

#[test]
fn response_errors_and_bad_insertions() {
    for (case, out) in [
        ("error", "--t_out=file=a.rs,error=it broke:{OUT}"),
        ("twice", "--t_out=file=a.rs,file=a.rs:{OUT}"),
        ("no-file", "--t_out=insert=missing.rs@body:{OUT}"),
        ("no-point", "--t_out=file=a.rs,insert=a.rs@nowhere:{OUT}"),
        ("headless", "--t_out=headless:{OUT}"),
        ("exit", "--t_out=exit=3:{OUT}"),
        ("kill", "--t_out=kill:{OUT}"),
        ("garbage", "--t_out=garbage:{OUT}"),
    ] {
        let (files, stderr) = same_as_protoc(
            case,
            "grpc",
            &["-I.", T, out, "grpc/health/v1/health.proto"],
        );
        assert!(files.is_empty(), "{case}: files written despite the error");
        assert!(!stderr.is_empty(), "{case}: no error printed");
    }
}

#[test]
fn features_and_editions_are_checked() {
    for (case, file, out) in [
        (
            "proto3-optional",
            "editions/codegen_tests/proto3_optional.proto",
            "--t_out=features=0,file=a.rs:{OUT}",
        ),
        (
            "no-editions",
            "editions/golden/edition2023_transform/noop.proto",
            "--t_out=features=1:{OUT}",
        ),
        (
            "too-old",
            "editions/golden/edition2023_transform/noop.proto",
            "--t_out=min=1001:{OUT}",
        ),
        (
            "too-new",
            "editions/golden/edition2024_transform/noop.proto",
            "--t_out=max=1000,error=and an error:{OUT}",
        ),
        (
            "fine",
            "editions/golden/edition2024_transform/noop.proto",
            "--t_out=file=ok.rs:{OUT}",
        ),
    ] {
        let (files, stderr) = same_as_protoc(case, "protobuf", &["-I.", T, out, file]);
        if case == "fine" {
            assert_eq!(files, ["ok.rs"]);
        } else {
            assert!(stderr.contains(file), "{case}: {stderr}");
        }
    }
}

#[test]
fn plugin_lookup_flags_and_output_locations() {
    let file = "grpc/health/v1/health.proto";
    for (case, args) in [
        ("not-on-path", vec!["-I.", "--nosuchplugin_out={OUT}", file]),
        (
            "bad-path",
            vec![
                "-I.",
                "--plugin=protoc-gen-t=/no/such/plugin",
                "--t_out={OUT}",
                file,
            ],
        ),
        (
            "unknown-opt",
            vec!["-I.", T, "--t_out={OUT}", "--zz_opt=1", file],
        ),
        (
            "opt-of-registered",
            vec!["-I.", T, U, "--t_out=file=a.rs:{OUT}", "--u_opt=1", file],
        ),
        (
            "missing-dir",
            vec!["-I.", T, "--t_out=file=a.rs:{OUT}/no/such/dir", file],
        ),
        (
            "zip",
            vec![
                "-I.",
                T,
                "--t_out=file=a.rs,file=b/c.rs:{OUT}/out.zip",
                file,
            ],
        ),
        (
            "jar",
            vec!["-I.", T, "--t_out=file=a.rs:{OUT}/out.jar", file],
        ),
        ("missing-value", vec!["-I.", T, file, "--t_out"]),
        ("empty-location", vec!["-I.", T, "--t_out=file=a.rs:", file]),
        // Nothing is written unless every directive succeeds.
        (
            "second-fails",
            vec![
                "-I.",
                T,
                U,
                "--t_out=file=a.rs:{OUT}",
                "--u_out=error=late:{OUT}/x",
                file,
            ],
        ),
    ] {
        same_as_protoc(case, "grpc", &args);
    }
}

/// `mypy-protobuf`'s plugins (pip `mypy-protobuf`, in `.ci/requirements.txt`), found on PATH
/// by both compilers.
#[test]
fn third_party_plugin_gives_identical_trees() {
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| dir.join("protoc-gen-mypy").exists())
    });
    assert!(
        found,
        "protoc-gen-mypy is not on PATH: pip install -r .ci/requirements.txt"
    );
    let (files, _) = same_as_protoc(
        "mypy-grpc",
        "grpc",
        &[
            "-I.",
            "--mypy_out={OUT}",
            "--mypy_grpc_out={OUT}",
            "--mypy_opt=readable_stubs",
            "grpc/health/v1/health.proto",
            "grpc/examples/helloworld.proto",
            "grpc/testing/messages.proto",
            "grpc/testing/test.proto",
            "grpc/reflection/v1/reflection.proto",
        ],
    );
    assert!(files.len() >= 8, "{files:?}");
    let (files, _) = same_as_protoc(
        "mypy-protobuf",
        "protobuf",
        &[
            "-I.",
            "--mypy_out={OUT}",
            "conformance/conformance.proto",
            "google/protobuf/unittest.proto",
            "google/protobuf/unittest_proto3_optional.proto",
            "editions/golden/test_messages_proto3_editions.proto",
        ],
    );
    assert!(files.len() >= 4, "{files:?}");
}
