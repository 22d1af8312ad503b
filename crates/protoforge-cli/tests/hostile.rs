//! Hostile inputs to the command line, each run through `protoforge` and, where protoc's
//! behaviour is the truth, through real protoc (`python3 -m grpc_tools.protoc`) in the same
//! directory: malformed descriptor sets given with `--descriptor_set_in`, NUL bytes in
//! sources, names and messages over protoc's limits, and endless special files.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{protoc, protoforge, temp};
use protoforge::Message as _;
use protoforge::descriptor::descriptor_proto::ExtensionRange;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{
    DescriptorProto, Edition, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
    MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

/// Runs protoc and protoforge with `argv` in `dir` and asserts the same exit status and the
/// same stderr, byte for byte.
#[track_caller]
fn same_as_protoc(what: &str, dir: &Path, argv: &[String]) {
    let theirs = protoc(dir, argv);
    let ours = protoforge(dir, argv);
    assert_eq!(
        ours.status.success(),
        theirs.status.success(),
        "{what}: exit status differs; protoc said {}, we said {}",
        String::from_utf8_lossy(&theirs.stderr),
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr),
        "{what}: stderr differs"
    );
}

/// The first line of `out`'s stderr up to its `file:line:col:` position.
fn first_position(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().next().unwrap_or("");
    let mut parts = line.splitn(4, ':');
    let (f, l, c) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    format!("{f}:{l}:{c}")
}

/// `a.proto`: package `p`, message `M` with an `int32 x = 1` field.
fn base_file(syntax: &str) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some("a.proto".into()),
        package: Some("p".into()),
        syntax: Some(syntax.into()),
        message_type: vec![DescriptorProto {
            name: Some("M".into()),
            field: vec![FieldDescriptorProto {
                name: Some("x".into()),
                number: Some(1),
                label: Some(Label::Optional),
                r#type: Some(Type::Int32),
                json_name: Some("x".into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn descriptor_set_inputs_are_validated_like_protoc() {
    type Edit = fn(&mut FileDescriptorProto);
    let cases: Vec<(&str, &str, Edit)> = vec![
        ("invalid field name", "proto3", |f| {
            f.message_type[0].field[0].name = Some("a-b".into());
        }),
        ("empty message name", "proto3", |f| {
            f.message_type[0].name = Some(String::new());
        }),
        ("empty package part", "proto3", |f| {
            f.package = Some("a..b".into());
        }),
        ("bad integer default", "proto2", |f| {
            f.message_type[0].field[0].default_value = Some("abc".into());
        }),
        ("bad bool default", "proto2", |f| {
            let field = &mut f.message_type[0].field[0];
            field.r#type = Some(Type::Bool);
            field.default_value = Some("yes".into());
        }),
        ("bad double default", "proto2", |f| {
            let field = &mut f.message_type[0].field[0];
            field.r#type = Some(Type::Double);
            field.default_value = Some("1.5x".into());
        }),
        ("bad bytes escaping", "proto2", |f| {
            let field = &mut f.message_type[0].field[0];
            field.r#type = Some(Type::Bytes);
            field.default_value = Some("\\q".into());
        }),
        ("oneof_index out of range", "proto3", |f| {
            f.message_type[0].field[0].oneof_index = Some(3);
        }),
        ("negative oneof_index", "proto3", |f| {
            f.message_type[0].oneof_decl.push(OneofDescriptorProto {
                name: Some("o".into()),
                ..Default::default()
            });
            f.message_type[0].field[0].oneof_index = Some(-1);
        }),
        ("public dependency index", "proto3", |f| {
            f.public_dependency.push(5);
        }),
        ("weak dependency index", "proto3", |f| {
            f.weak_dependency.push(5);
        }),
        ("syntax proto9", "proto9", |_| {}),
        ("edition 99999", "editions", |f| {
            f.edition = Some(Edition::Edition99999TestOnly);
        }),
        ("edition 1", "editions", |f| {
            f.edition = Some(Edition::Edition1TestOnly);
        }),
        ("package too long", "proto3", |f| {
            f.package = Some("p".repeat(512));
        }),
        ("name too long", "proto3", |f| {
            f.message_type[0].name = Some("M".repeat(70_000));
        }),
        ("empty oneof", "proto3", |f| {
            f.message_type[0].oneof_decl.push(OneofDescriptorProto {
                name: Some("o".into()),
                ..Default::default()
            });
        }),
        (
            "extension with a oneof_index, beside an empty oneof",
            "proto2",
            |f| {
                f.message_type[0].oneof_decl.push(OneofDescriptorProto {
                    name: Some("o".into()),
                    ..Default::default()
                });
                f.message_type[0].extension_range.push(ExtensionRange {
                    start: Some(10),
                    end: Some(20),
                    ..Default::default()
                });
                f.extension.push(FieldDescriptorProto {
                    name: Some("e".into()),
                    number: Some(10),
                    label: Some(Label::Optional),
                    r#type: Some(Type::Int32),
                    extendee: Some(".p.M".into()),
                    json_name: Some("e".into()),
                    oneof_index: Some(0),
                    ..Default::default()
                });
            },
        ),
        ("extension with a oneof_index", "proto2", |f| {
            f.message_type[0].extension_range.push(ExtensionRange {
                start: Some(10),
                end: Some(20),
                ..Default::default()
            });
            f.message_type[0].extension.push(FieldDescriptorProto {
                name: Some("e".into()),
                number: Some(10),
                label: Some(Label::Optional),
                r#type: Some(Type::Int32),
                extendee: Some(".p.M".into()),
                json_name: Some("e".into()),
                oneof_index: Some(0),
                ..Default::default()
            });
        }),
        ("service name too long", "proto3", |f| {
            f.service.push(ServiceDescriptorProto {
                name: Some("S".repeat(70_000)),
                ..Default::default()
            });
        }),
        ("method name too long", "proto3", |f| {
            f.service.push(ServiceDescriptorProto {
                name: Some("S".into()),
                method: vec![MethodDescriptorProto {
                    name: Some("R".repeat(70_000)),
                    input_type: Some(".p.M".into()),
                    output_type: Some(".p.M".into()),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }),
        ("oneof name too long", "proto3", |f| {
            f.message_type[0].oneof_decl.push(OneofDescriptorProto {
                name: Some("o".repeat(70_000)),
                ..Default::default()
            });
            f.message_type[0].field[0].oneof_index = Some(0);
        }),
        ("65,536 fields", "proto3", |f| {
            let template = f.message_type[0].field[0].clone();
            f.message_type[0].field = (1..=65_536)
                .map(|i| FieldDescriptorProto {
                    name: Some(format!("f{i}")),
                    number: Some(i),
                    json_name: Some(format!("f{i}")),
                    ..template.clone()
                })
                .collect();
        }),
    ];
    let dir = temp("descriptor-set-in");
    for (what, syntax, edit) in cases {
        let mut file = base_file(syntax);
        edit(&mut file);
        let set = FileDescriptorSet {
            file: vec![file],
            ..Default::default()
        };
        std::fs::write(dir.join("set.pb"), set.encode_to_vec()).expect("write set");
        same_as_protoc(
            what,
            &dir,
            &args(&["--descriptor_set_in=set.pb", "-o", "out.pb", "a.proto"]),
        );
    }
    // A file importing a broken one gets protoc's import error as well.
    let mut broken = base_file("proto3");
    broken.message_type[0].field[0].name = Some("a b".into());
    let mut importer = base_file("proto3");
    importer.name = Some("b.proto".into());
    importer.package = Some("q".into());
    importer.dependency.push("a.proto".into());
    let set = FileDescriptorSet {
        file: vec![broken, importer],
        ..Default::default()
    };
    std::fs::write(dir.join("set.pb"), set.encode_to_vec()).expect("write set");
    same_as_protoc(
        "importer of a broken file",
        &dir,
        &args(&["--descriptor_set_in=set.pb", "-o", "out.pb", "b.proto"]),
    );
}

#[test]
fn sources_over_protocs_limits_are_rejected_like_protoc() {
    let dir = temp("source-limits");
    let long_field = format!(
        "syntax = \"proto3\";\npackage p;\nmessage M {{\n  int32 {} = 1;\n}}\n",
        "x".repeat(1 << 20)
    );
    let long_message = format!(
        "syntax = \"proto3\";\npackage p;\nmessage {} {{\n  int32 x = 1;\n}}\n",
        "M".repeat(65_534)
    );
    let long_value = format!(
        "syntax = \"proto3\";\npackage p;\nenum E {{\n  {} = 0;\n}}\n",
        "V".repeat(70_000)
    );
    let mut many = String::from("syntax = \"proto3\";\npackage p;\nmessage M {\n");
    for i in 1..=65_536 {
        many.push_str(&format!("  int32 f{i} = {i};\n"));
    }
    many.push_str("}\n");
    let long_package = format!(
        "syntax = \"proto3\";\npackage {};\nmessage M {{}}\n",
        "p".repeat(512)
    );
    let long = "a".repeat(65_536);
    // Full names over the limit only through their scope: 65,531 + 1 + 6 bytes.
    let scope = "a".repeat(65_530);
    let cases = [
        ("a 512-byte package name", long_package),
        ("a 1 MB field name", long_field),
        ("a message name of 65,534 bytes", long_message),
        ("an enum value name of 70,000 bytes", long_value),
        ("a message with 65,536 fields", many),
        (
            "a service name",
            format!("syntax = \"proto3\";\nservice S{long} {{}}\n"),
        ),
        (
            "a method name",
            format!(
                "syntax = \"proto3\";\nmessage M {{}}\nservice S {{ rpc R{long}(M) returns (M); }}\n"
            ),
        ),
        (
            "a method full name through its service's",
            format!(
                "syntax = \"proto3\";\nmessage M {{}}\nservice S{scope} {{ rpc Rxxxxx(M) returns (M); }}\n"
            ),
        ),
        (
            "a service name and a method in it",
            format!(
                "syntax = \"proto3\";\nmessage M {{}}\nservice S{long} {{ rpc R(M) returns (M); }}\n"
            ),
        ),
        (
            "a oneof name",
            format!("syntax = \"proto3\";\nmessage M {{ oneof o{long} {{ int32 x = 1; }} }}\n"),
        ),
        (
            "a oneof full name through its message's",
            format!(
                "syntax = \"proto3\";\nmessage M{scope} {{ oneof oooooo {{ int32 x = 1; }} }}\n"
            ),
        ),
        (
            "an extension name",
            format!(
                "syntax = \"proto2\";\nmessage M {{ extensions 1 to 10; }}\nextend M {{ optional int32 x{long} = 1; }}\n"
            ),
        ),
        (
            "a field full name through its message's",
            format!("syntax = \"proto2\";\nmessage M{scope} {{ optional int32 fieldxx = 1; }}\n"),
        ),
    ];
    for (what, text) in cases {
        std::fs::write(dir.join("a.proto"), text).expect("write source");
        same_as_protoc(what, &dir, &args(&["-I.", "-o", "out.pb", "a.proto"]));
    }
}

#[test]
fn nul_bytes_in_literals_and_comments_are_rejected_where_protoc_rejects_them() {
    let dir = temp("nul");
    let cases = [
        (
            "string literal",
            "syntax = \"proto2\";\npackage p;\nmessage M {\n  optional string s = 1 [default = \"x\0y\"];\n}\n",
        ),
        (
            "line comment",
            "syntax = \"proto2\";\npackage p;\n// comment \0 here\nmessage M {\n  optional string s = 1;\n}\n",
        ),
        (
            "block comment",
            "syntax = \"proto2\";\npackage p;\n/* comment \0 here */\nmessage M {\n  optional string s = 1;\n}\n",
        ),
        (
            "escape",
            "syntax = \"proto2\";\npackage p;\nmessage M {\n  optional string s = 1 [default = \"x\\\0\"];\n}\n",
        ),
    ];
    for (what, text) in cases {
        std::fs::write(dir.join("n.proto"), text).expect("write source");
        let argv = args(&["-I.", "-o", "out.pb", "n.proto"]);
        let theirs = protoc(&dir, &argv);
        let ours = protoforge(&dir, &argv);
        assert!(!theirs.status.success(), "{what}: protoc accepted it");
        assert!(
            !ours.status.success(),
            "{what}: accepted; protoc said {}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        assert_eq!(
            first_position(&ours),
            first_position(&theirs),
            "{what}: first error differs; ours {}, protoc {}",
            String::from_utf8_lossy(&ours.stderr),
            String::from_utf8_lossy(&theirs.stderr)
        );
    }
}

/// Runs protoforge with `argv` in `dir`, stdin from `stdin`.
fn protoforge_with_stdin(dir: &Path, argv: &[&str], stdin: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoforge"))
        .current_dir(dir)
        .args(argv)
        .stdin(stdin)
        .output()
        .expect("run protoforge")
}

#[test]
fn endless_special_files_are_read_up_to_a_limit() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    let dir = temp("dev-zero");
    std::fs::write(
        dir.join("z.proto"),
        "syntax = \"proto3\";\nimport \"zero\";\n",
    )
    .expect("write source");
    std::fs::write(dir.join("ok.proto"), "syntax = \"proto3\";\nmessage A {}\n")
        .expect("write source");
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "import \"zero\" with -I /dev",
            &["-I.", "-I/dev", "-o", "out.pb", "z.proto"],
            "zero: Unable to read file: /dev/zero: larger than the limit of 268435456 bytes",
        ),
        (
            "--descriptor_set_in=/dev/zero",
            &[
                "-I.",
                "--descriptor_set_in=/dev/zero",
                "-o",
                "out.pb",
                "ok.proto",
            ],
            "/dev/zero: larger than the limit of 2147483647 bytes",
        ),
        (
            "--decode_raw < /dev/zero",
            &["--decode_raw"],
            "input: larger than the limit of 2147483647 bytes",
        ),
    ];
    for (what, argv, message) in cases {
        let stdin = std::fs::File::open(zero).expect("open /dev/zero");
        let out = protoforge_with_stdin(&dir, argv, Stdio::from(stdin));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: succeeded");
        assert!(
            stderr.lines().any(|l| l == message),
            "{what}: expected {message:?}, got {stderr}"
        );
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Bytes that are not UTF-8 inside string literals: protoc keeps them in the descriptor as
/// they are; protoforge reads a source as UTF-8 text and keeps descriptor strings as `String`,
/// so each invalid sequence becomes U+FFFD (a known difference, described in the README).
/// Pinned on both sides, so that neither changes unnoticed.
#[test]
fn bytes_that_are_not_utf8_in_string_literals_become_u_fffd() {
    let dir = temp("not-utf8");
    std::fs::write(
        dir.join("u.proto"),
        b"syntax = \"proto2\";\npackage p;\noption java_package = \"a\xffb\";\nmessage M {\n  \
          optional string s = 1 [default = \"x\xfey\"];\n  \
          optional bytes b = 2 [default = \"x\xfey\"];\n}\n",
    )
    .expect("write source");
    let theirs = protoc(&dir, &args(&["-I.", "-o", "protoc.pb", "u.proto"]));
    assert!(theirs.status.success(), "protoc accepts it");
    let ours = protoforge(&dir, &args(&["-I.", "-o", "ours.pb", "u.proto"]));
    assert!(ours.status.success(), "protoforge accepts it");
    let theirs = std::fs::read(dir.join("protoc.pb")).expect("protoc's output");
    let ours = std::fs::read(dir.join("ours.pb")).expect("our output");
    // protoc: the raw bytes in strings, the byte escaped in the `bytes` default.
    assert!(contains(&theirs, b"a\xffb"));
    assert!(contains(&theirs, b"x\xfey"));
    assert!(contains(&theirs, b"x\\376y"));
    // protoforge: U+FFFD (EF BF BD) for each, escaped byte by byte in the `bytes` default.
    assert!(contains(&ours, "a\u{fffd}b".as_bytes()));
    assert!(contains(&ours, "x\u{fffd}y".as_bytes()));
    assert!(contains(&ours, b"x\\357\\277\\275y"));
    assert!(!contains(&ours, b"a\xffb") && !contains(&ours, b"x\xfey"));
}
