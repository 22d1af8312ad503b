//! Small cases compiled by protoforge and, live, by real protoc (`python3 -m grpc_tools.protoc`)
//! in the same temporary directory, compared exactly: the `Import x is unused.` warnings (text
//! and position; protoc prints one file's warnings in an order that follows memory addresses,
//! so lines are compared as sorted lists) and descriptor sets of aggregate option values with
//! `#` comments (byte for byte).

use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge_compile::{Compiler, ErrorFormat, render_diagnostic};

/// A fresh directory holding `files`.
fn write_case(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "protoforge-against-protoc-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// protoc's stderr lines and output for `inputs` compiled in `dir`.
fn protoc(dir: &Path, inputs: &[&str]) -> (bool, Vec<String>, Vec<u8>) {
    let mut args = vec!["-I.", "--include_imports"];
    args.extend_from_slice(inputs);
    protoforge_test_support::protoc_descriptor_set(dir, &args)
}

/// protoforge's diagnostics (protoc form) and output for `inputs` compiled in `dir`.
fn ours(dir: &Path, inputs: &[&str]) -> (bool, Vec<String>, Vec<u8>) {
    let compiler = Compiler::new()
        .include_path(dir.to_string_lossy())
        .include_imports(true);
    let paths: Vec<String> = inputs
        .iter()
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect();
    match compiler.compile(&paths) {
        Ok(c) => {
            let lines = c
                .warnings
                .iter()
                .map(|w| render_diagnostic(w, &c.sources, ErrorFormat::Gcc))
                .collect();
            (true, lines, c.files.encode_to_vec())
        }
        Err(e) => {
            let lines = e
                .render(ErrorFormat::Gcc)
                .lines()
                .map(String::from)
                .collect();
            (false, lines, Vec::new())
        }
    }
}

#[track_caller]
fn check_same_stderr(name: &str, files: &[(&str, &str)], inputs: &[&str], expect_lines: usize) {
    let dir = write_case(name, files);
    let (p_ok, mut p_lines, p_out) = protoc(&dir, inputs);
    let (o_ok, mut o_lines, o_out) = ours(&dir, inputs);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        p_ok, o_ok,
        "{name}: success differs: protoc {p_lines:?}, ours {o_lines:?}"
    );
    assert_eq!(
        p_lines.len(),
        expect_lines,
        "{name}: protoc said {p_lines:?}"
    );
    p_lines.sort();
    o_lines.sort();
    assert_eq!(o_lines, p_lines, "{name}");
    assert!(o_out == p_out, "{name}: descriptor sets differ");
}

const A: &str = "syntax = \"proto3\";\npackage a;\nmessage A {}\n";
const INNER: &str = "syntax = \"proto3\";\npackage inner;\nmessage I {}\n";
const PUB: &str =
    "syntax = \"proto3\";\npackage pub;\nimport public \"inner.proto\";\nmessage P {}\n";
const OPT: &str = "syntax = \"proto2\";\npackage opt;\nimport \"google/protobuf/descriptor.proto\";\n\
    extend google.protobuf.MessageOptions { optional int32 mo = 50000; }\n";

#[test]
fn unused_plain_weak_and_bundled_imports_warn_at_the_import() {
    let b = "syntax = \"proto3\";\npackage b;\nimport \"a.proto\";\n\
        import public \"google/protobuf/timestamp.proto\";\n\
        import \"google/protobuf/empty.proto\";\nimport weak \"c.proto\";\nmessage B {}\n";
    let c = "syntax = \"proto3\";\n/* x */ import \"a.proto\";\nmessage C {}\n";
    check_same_stderr(
        "plain",
        &[("a.proto", A), ("b.proto", b), ("c.proto", c)],
        &["b.proto"],
        3,
    );
    // Imported files not named on the command line are not reported; named ones are, even
    // when built as a dependency first.
    check_same_stderr(
        "named",
        &[("a.proto", A), ("b.proto", b), ("c.proto", c)],
        &["b.proto", "c.proto"],
        4,
    );
}

#[test]
fn imports_used_by_types_options_or_extendees_do_not_warn() {
    let files = [
        ("a.proto", A),
        ("inner.proto", INNER),
        ("pub.proto", PUB),
        ("opt.proto", OPT),
        (
            "ext.proto",
            "syntax = \"proto2\";\npackage ext;\nmessage E { extensions 100 to 200; }\n",
        ),
        (
            "u.proto",
            "syntax = \"proto2\";\npackage u;\nimport \"inner.proto\";\nimport \"opt.proto\";\n\
             import \"ext.proto\";\nimport \"pub.proto\";\nimport \"a.proto\";\n\
             extend ext.E { optional int32 z = 100; }\n\
             message U { option (opt.mo) = 3; optional inner.I i = 1; }\n\
             service S { rpc M(inner.I) returns (inner.I); }\n",
        ),
    ];
    // Only `a.proto` is unused; `pub.proto` has public imports, which protoc never reports.
    check_same_stderr("used", &files, &["u.proto"], 1);
}

#[test]
fn no_unused_import_warnings_for_a_file_with_errors() {
    let files = [
        ("a.proto", A),
        (
            "e.proto",
            "syntax = \"proto3\";\nimport \"a.proto\";\nmessage E { foo.Bar x = 1; }\n",
        ),
    ];
    check_same_stderr("errors", &files, &["e.proto"], 1);
}

#[test]
fn a_file_failing_its_checks_fails_its_importers_and_stops_the_compilation() {
    // `bad.proto` builds and links but breaks a rule checked afterwards; `user.proto` imports
    // it, so it must not be built against it; protoc stops at the first failing input, so
    // `later.proto`'s own error is not reported when it comes after `user.proto`.
    let files = [
        (
            "bad.proto",
            "syntax = \"proto3\";\npackage bad;\nmessage Bad {\n  int32 x = 1;\n  int32 y = 1;\n}\n",
        ),
        (
            "user.proto",
            "syntax = \"proto3\";\npackage user;\nimport \"bad.proto\";\nimport \"ok.proto\";\n\
             message U {\n  bad.Bad b = 1;\n}\n",
        ),
        (
            "ok.proto",
            "syntax = \"proto3\";\npackage ok;\nimport \"google/protobuf/empty.proto\";\n\
             message O {}\n",
        ),
        (
            "later.proto",
            "syntax = \"proto3\";\npackage later;\nimport \"ok.proto\";\n\
             message L { ok.O o = 1; }\nmessage L { }\n",
        ),
    ];
    check_same_stderr(
        "deferred",
        &files,
        &["ok.proto", "user.proto", "later.proto"],
        4,
    );
    check_same_stderr(
        "deferred-later-first",
        &files,
        &["ok.proto", "later.proto", "user.proto"],
        2,
    );
}

#[test]
fn hash_comments_run_to_the_end_of_an_aggregate_value() {
    let header = "syntax = \"proto2\";\nimport \"google/protobuf/descriptor.proto\";\n\
        message M { optional int32 a = 1; repeated string s = 2; }\n\
        extend google.protobuf.FileOptions { optional M m = 50000; }\n\
        extend google.protobuf.FieldOptions { optional M f = 50000; }\n";
    let cases = [
        "option (m) = {\n  # a hash comment\n  a: 1  # trailing\n  s: \"x\"\n};\n",
        "option (m) = { a: 1 s: \"y\" # x\n  s: \"x\" };\n",
        "option (m) = { s: \"# not a comment\" /* # */ a: 2 // #\n };\n\
         message X { optional int32 x = 1 [(f) = { a: 3 # c\n s: \"z\" }]; }\n",
    ];
    for (i, body) in cases.iter().enumerate() {
        let text = format!("{header}{body}");
        check_same_stderr(&format!("hash{i}"), &[("h.proto", &text)], &["h.proto"], 0);
    }
}

/// `default_value` strings of float and double fields, subnormal floats included (protoc's
/// `SimpleFtoa` takes the long form for them), byte for byte like protoc.
#[test]
fn float_and_double_defaults_are_spelled_like_protoc() {
    let text = "syntax = \"proto2\";\nmessage M {\n\
        optional float a = 1 [default = 1e-40];\n\
        optional float b = 2 [default = 3.4e38];\n\
        optional float c = 3 [default = 0.1];\n\
        optional float d = 4 [default = -1.17549435e-38];\n\
        optional double e = 5 [default = 4.9e-324];\n\
        optional double f = 6 [default = 0.1];\n\
        optional float g = 7 [default = inf];\n\
        optional double h = 8 [default = -nan];\n}\n";
    check_same_stderr("floats", &[("f.proto", text)], &["f.proto"], 0);
}

#[test]
fn custom_feature_extensions_match_protoc() {
    let f1 = "edition = \"2023\";\npackage f1;\nimport \"google/protobuf/descriptor.proto\";\n\
        message MyFeatures {\n  enum E { E_UNKNOWN = 0; A = 1; B = 2; }\n\
        E e = 1 [retention = RETENTION_RUNTIME, targets = TARGET_TYPE_FIELD,\n\
        targets = TARGET_TYPE_FILE, feature_support.edition_introduced = EDITION_2023,\n\
        edition_defaults = { edition: EDITION_LEGACY, value: \"A\" }];\n}\n\
        extend google.protobuf.FeatureSet { MyFeatures my = 9995; }\n";
    let f2 = "edition = \"2023\";\npackage f2;\nimport \"google/protobuf/descriptor.proto\";\n\
        message MyFeatures { int32 n = 1 [targets = TARGET_TYPE_FIELD]; }\n\
        extend google.protobuf.FeatureSet { MyFeatures my = 9995; }\n";
    let defs = [("f1.proto", f1), ("f2.proto", f2)];
    let case = |name: &str, text: &str, lines: usize| {
        let mut files = defs.to_vec();
        files.push(("u.proto", text));
        check_same_stderr(name, &files, &["u.proto"], lines);
    };
    // Used where its `targets` allow: accepted, resolved into the descriptors like protoc.
    case(
        "feature-ok",
        "edition = \"2023\";\npackage u;\nimport \"f1.proto\";\noption features.(f1.my).e = B;\n\
         message M { int32 x = 1 [features.(f1.my).e = A]; }\n",
        0,
    );
    // Set on an element its `targets` exclude: protoc's file-level error.
    case(
        "feature-target",
        "edition = \"2023\";\nimport \"f1.proto\";\nmessage M { option features.(f1.my).e = B; }\n",
        1,
    );
    case(
        "feature-target-file",
        "edition = \"2023\";\nimport \"f2.proto\";\noption features.(f2.my).n = 3;\n",
        1,
    );
    // A bundled feature extension (pb.java): deprecation warning and target error.
    case(
        "feature-java",
        "edition = \"2023\";\nimport \"google/protobuf/java_features.proto\";\n\
         enum E { option features.(pb.java).legacy_closed_enum = true; A = 0; }\n",
        2,
    );
    // pb.cpp on a field it does not apply to is accepted by protoc, and by us.
    case(
        "feature-cpp",
        "edition = \"2023\";\nimport \"google/protobuf/cpp_features.proto\";\n\
         message M { string s = 1 [features.(pb.cpp).string_type = VIEW];\n\
         int32 i = 2 [features.(pb.cpp).string_type = VIEW]; }\n",
        0,
    );
}
