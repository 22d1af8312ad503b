//! Bad input never panics the lint: malformed `buf.yaml` texts are errors, images without
//! source info or with odd shapes still lint.

use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    MethodDescriptorProto, ServiceDescriptorProto,
};
use protoforge_check::config::{BufConfig, LintConfig};
use protoforge_check::image::Image;
use protoforge_check::lint::{LintError, lint, lint_dir, rule_ids};

#[test]
fn malformed_configs_are_errors() {
    let texts = [
        "",
        "version: v2\nlint: 3\n",
        "version: [v2]\n",
        "version: v2\nmodules: {}\n",
        "version: v2\nmodules:\n  - path: ../x\n",
        "version: v2\nmodules:\n  - path: a\n    excludes: [b]\n",
        "version: v2\nlint:\n  ignore_only: [1, 2]\n",
        "version: v1\nbuild:\n  roots: [a]\n",
        "version: v1\nlint:\n  disallow_comment_ignores: true\n",
        "version: v2\nlint:\n  allow_comment_ignores: true\n",
        "\u{0}\u{1}binary",
        "version: v2\nlint:\n  use: &a [*a]\n",
        "- - - -",
        "version: v2\nlint:\n  ignore: [/abs]\n",
    ];
    for text in texts {
        assert!(BufConfig::parse(text).is_err(), "accepted {text:?}");
    }
}

#[test]
fn unknown_rules_are_config_errors() {
    let config = LintConfig {
        use_: vec!["NOT_A_RULE".to_string()],
        ..LintConfig::default()
    };
    let err = lint(&Image::default(), &config, "v2").expect_err("unknown rule");
    assert_eq!(err, "\"NOT_A_RULE\" is not a known rule or category ID");
    // v2-only rules are unknown to v1beta1.
    let config = LintConfig {
        use_: vec!["IMPORT_USED".to_string()],
        ..LintConfig::default()
    };
    assert!(lint(&Image::default(), &config, "v1beta1").is_err());
    assert!(rule_ids("v2").contains(&"STABLE_PACKAGE_NO_IMPORT_UNSTABLE"));
    assert!(rule_ids("v1beta1").contains(&"FIELD_NO_DESCRIPTOR"));
}

/// A file with no source info, unnamed declarations and dangling references.
fn odd_file() -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some("Weird-Name.proto".to_string()),
        package: Some("a.B.v0".to_string()),
        dependency: vec!["missing.proto".to_string()],
        public_dependency: vec![0, 7, -1],
        message_type: vec![DescriptorProto {
            name: None,
            field: vec![FieldDescriptorProto {
                oneof_index: Some(9),
                ..FieldDescriptorProto::default()
            }],
            ..DescriptorProto::default()
        }],
        enum_type: vec![EnumDescriptorProto::default()],
        service: vec![ServiceDescriptorProto {
            name: Some("s".to_string()),
            method: vec![
                MethodDescriptorProto::default(),
                MethodDescriptorProto::default(),
            ],
            ..ServiceDescriptorProto::default()
        }],
        ..FileDescriptorProto::default()
    }
}

#[test]
fn odd_images_lint_without_panicking() {
    let image = Image {
        files: vec![odd_file(), odd_file()],
        is_target: vec![true],
        unused_imports: Vec::new(),
    };
    for version in ["v1beta1", "v1", "v2"] {
        let config = LintConfig {
            use_: rule_ids(version).iter().map(|s| s.to_string()).collect(),
            ..LintConfig::default()
        };
        let report = lint(&image, &config, version).expect("lint runs");
        assert!(!report.findings.is_empty());
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.start_line == 1 && f.start_column == 1)
        );
    }
}

#[test]
fn directories_that_cannot_be_linted_are_errors() {
    let dir = protoforge_test_support::temp_dir("check-lint-robust", "dirs");
    // No .proto files.
    assert!(matches!(lint_dir(&dir, None), Err(LintError::Other(_))));
    // A bad buf.yaml.
    protoforge_test_support::write_files(&dir, &[("buf.yaml", "version: v9\n")]);
    assert!(matches!(lint_dir(&dir, None), Err(LintError::Config(_))));
    // A file that does not compile.
    protoforge_test_support::write_files(
        &dir,
        &[
            ("buf.yaml", "version: v2\n"),
            (
                "a.proto",
                "syntax = \"proto3\";\nmessage M { Missing m = 1; }\n",
            ),
        ],
    );
    match lint_dir(&dir, None) {
        Err(LintError::Compile(list)) => {
            assert_eq!(list[0].path, "a.proto");
            assert_eq!((list[0].start_line, list[0].start_column), (2, 13));
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang_the_build() {
    let dir = protoforge_test_support::temp_dir("check-lint-robust", "loop");
    protoforge_test_support::write_files(
        &dir,
        &[(
            "a/v1/a.proto",
            "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n",
        )],
    );
    std::os::unix::fs::symlink(&dir, dir.join("a/v1/back")).expect("symlink");
    let image = Image::build(&dir, &[]).expect("builds");
    assert_eq!(image.is_target.iter().filter(|&&t| t).count(), 1);
}

#[test]
fn every_broken_file_is_reported() {
    let dir = protoforge_test_support::temp_dir("check-lint-robust", "broken");
    protoforge_test_support::write_files(
        &dir,
        &[
            (
                "a.proto",
                "syntax = \"proto3\";\nmessage M { Foo f = 1; }\n",
            ),
            (
                "b.proto",
                "syntax = \"proto3\";\nmessage N { Bar f = 1; }\n",
            ),
            ("c.proto", "syntax = \"proto3\";\nmessage Fine {}\n"),
        ],
    );
    match lint_dir(&dir, None) {
        Err(LintError::Compile(list)) => {
            let files: Vec<&str> = list.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(files, ["a.proto", "b.proto"]);
        }
        other => panic!("expected compile errors, got {other:?}"),
    }
}
