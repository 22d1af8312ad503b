//! Interpretation checked against protoc 35.1: `tests/options_data/custom.proto` compiled
//! with `--retain_options` (interpretation only), without it (plus stripping), and with
//! `--include_source_info` (rewritten option paths). The input is protoc's own linked
//! descriptor with its options replaced by the `UninterpretedOption`s protoc's parser makes
//! of the source text.

use protoforge::Message;
use protoforge::descriptor::{
    FieldOptions, FileDescriptorProto, FileDescriptorSet, FileOptions, SourceCodeInfo,
    UninterpretedOption, source_code_info, uninterpreted_option::NamePart,
};

use super::walk::OptionsRead;
use super::{SharedFields, interpret, strip_source_retention};
use crate::builtin;
use crate::span_map::SpanMap;
use crate::symbols::Pool;

static RETAIN: &[u8] = include_bytes!("../../tests/options_data/custom.retain.pb");
static STRIPPED: &[u8] = include_bytes!("../../tests/options_data/custom.pb");
static SOURCE_INFO: &[u8] = include_bytes!("../../tests/options_data/custom.src.pb");

enum V {
    Ident(&'static str),
    Pos(u64),
    Neg(i64),
    Double(f64),
    Str(&'static [u8]),
    Agg(&'static str),
}

fn opt(name: &str, value: V) -> UninterpretedOption {
    let mut o = UninterpretedOption::default();
    let mut rest = name;
    while !rest.is_empty() {
        let (part, ext) = if let Some(r) = rest.strip_prefix('(') {
            let end = r.find(')').expect("closing paren");
            let part = &r[..end];
            rest = &r[end + 1..];
            (part, true)
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let part = &rest[..end];
            rest = &rest[end..];
            (part, false)
        };
        rest = rest.strip_prefix('.').unwrap_or(rest);
        o.name.push(NamePart {
            name_part: Some(part.to_string()),
            is_extension: Some(ext),
            ..Default::default()
        });
    }
    match value {
        V::Ident(s) => o.identifier_value = Some(s.to_string()),
        V::Pos(v) => o.positive_int_value = Some(v),
        V::Neg(v) => o.negative_int_value = Some(v),
        V::Double(v) => o.double_value = Some(v),
        V::Str(s) => o.string_value = Some(s.to_vec()),
        V::Agg(s) => o.aggregate_value = Some(s.to_string()),
    }
    o
}

fn file_options() -> Vec<UninterpretedOption> {
    vec![
        opt("java_package", V::Str(b"x.y")),
        opt("(i32)", V::Neg(-5)),
        opt("(sub).a", V::Pos(1)),
        opt("optimize_for", V::Ident("CODE_SIZE")),
        opt("(s64)", V::Neg(-7)),
        opt("(sub).s", V::Str(b"hi")),
        opt("(rep)", V::Pos(1)),
        opt("(f32)", V::Pos(9)),
        opt("(rep)", V::Pos(2)),
        opt("(d)", V::Double(1.5)),
        opt("(fl)", V::Double(f64::NEG_INFINITY)),
        opt("(b)", V::Ident("true")),
        opt("(color)", V::Ident("GREEN")),
        opt("(str)", V::Str(b"a\x01")),
        opt("(by)", V::Str(b"\xff")),
        opt(
            "(rsub)",
            V::Agg("a : 1 s : \"x\" r : [ 1 , 2 ] sub { a : 2 [ t . sub_ext ] : 5 } G { x : 3 }"),
        ),
        opt("(rsub)", V::Agg("a : 2")),
        opt("(sub).sub.a", V::Pos(7)),
        opt("(u64)", V::Pos(u64::MAX)),
        opt("(grp).y", V::Pos(4)),
        opt("(src_only)", V::Pos(1)),
        opt("java_multiple_files", V::Ident("true")),
    ]
}

fn golden(bytes: &[u8]) -> FileDescriptorProto {
    golden_file(bytes, "custom.proto")
}

fn golden_file(bytes: &[u8], name: &str) -> FileDescriptorProto {
    let set = FileDescriptorSet::decode(bytes).expect("golden decodes");
    set.file
        .into_iter()
        .find(|f| f.name.as_deref() == Some(name))
        .expect("file in golden")
}

fn field_options(options: Vec<UninterpretedOption>) -> Option<FieldOptions> {
    Some(FieldOptions {
        uninterpreted_option: options,
        ..Default::default()
    })
}

static EDITIONS_RETAIN: &[u8] = include_bytes!("../../tests/options_data/editions.retain.pb");
static EDITIONS_STRIPPED: &[u8] = include_bytes!("../../tests/options_data/editions.pb");

/// `editions.proto`: features (with `pb.cpp` feature extensions set in two options, which
/// protoc merges) and a repeated custom option that is packed in edition 2023.
#[test]
fn editions_features_match_protoc() {
    let set = FileDescriptorSet::decode(EDITIONS_RETAIN).expect("golden decodes");
    let mut pool = Pool::new();
    let mut file = FileDescriptorProto::default();
    for f in set.file {
        if f.name.as_deref() == Some("editions.proto") {
            file = f;
        } else {
            pool.add_file(f);
        }
    }
    file.options = Some(FileOptions {
        uninterpreted_option: vec![
            opt("features.field_presence", V::Ident("IMPLICIT")),
            opt("features.(pb.cpp).legacy_closed_enum", V::Ident("true")),
            opt("features.enum_type", V::Ident("CLOSED")),
            opt("features.(pb.cpp).string_type", V::Ident("VIEW")),
            opt("java_package", V::Str(b"z")),
            opt("(packed_opt)", V::Pos(1)),
            opt("features.utf8_validation", V::Ident("NONE")),
            opt("(packed_opt)", V::Pos(2)),
        ],
        ..Default::default()
    });
    let m = &mut file.message_type[0];
    m.field[0].options = field_options(vec![opt("features.field_presence", V::Ident("EXPLICIT"))]);
    m.field[1].options = field_options(vec![opt(
        "features",
        V::Agg("repeated_field_encoding : EXPANDED"),
    )]);
    m.field[2].options = field_options(vec![
        opt("features.message_encoding", V::Ident("DELIMITED")),
        opt("features.field_presence", V::Ident("EXPLICIT")),
    ]);
    pool.add_file(file.clone());
    let diagnostics = interpret(
        &mut file,
        &pool,
        &SpanMap::default(),
        &SharedFields::default(),
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        file.encode_to_vec(),
        golden_file(EDITIONS_RETAIN, "editions.proto").encode_to_vec()
    );
    // The build strips after putting the interpreted file back into the pool.
    pool.replace_file(file.clone());
    strip_source_retention(&mut file, &pool);
    assert_eq!(
        file.options.encode(),
        golden_file(EDITIONS_STRIPPED, "editions.proto")
            .options
            .encode()
    );
    assert_eq!(
        file.encode_to_vec(),
        golden_file(EDITIONS_STRIPPED, "editions.proto").encode_to_vec()
    );
}

/// protoc's linked descriptor of custom.proto with uninterpreted options, and a pool with it.
fn input() -> (FileDescriptorProto, Pool) {
    let mut file = golden(RETAIN);
    file.options = Some(FileOptions {
        uninterpreted_option: file_options(),
        ..Default::default()
    });
    let m = file
        .message_type
        .iter_mut()
        .find(|m| m.name.as_deref() == Some("M"))
        .expect("M");
    m.field[0].options = Some(FieldOptions {
        uninterpreted_option: vec![
            opt("(fopt)", V::Pos(3)),
            opt("deprecated", V::Ident("true")),
        ],
        ..Default::default()
    });
    m.field[1].options = Some(FieldOptions {
        uninterpreted_option: vec![opt("(t.fopt)", V::Neg(-1))],
        ..Default::default()
    });
    let mut pool = Pool::new();
    pool.add_file(builtin::file().expect("builtin").clone());
    pool.add_file(file.clone());
    (file, pool)
}

#[test]
fn custom_options_match_protoc_with_retain_options() {
    let (mut file, pool) = input();
    let diagnostics = interpret(
        &mut file,
        &pool,
        &SpanMap::default(),
        &SharedFields::default(),
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let expected = golden(RETAIN);
    assert_eq!(file.options.encode(), expected.options.encode());
    assert_eq!(file.message_type, expected.message_type);
    assert_eq!(file.encode_to_vec(), expected.encode_to_vec());
}

#[test]
fn stripping_merges_and_sorts_like_protoc() {
    let (mut file, mut pool) = input();
    interpret(
        &mut file,
        &pool,
        &SpanMap::default(),
        &SharedFields::default(),
    );
    // The build strips after putting the interpreted file back into the pool.
    pool.replace_file(file.clone());
    strip_source_retention(&mut file, &pool);
    let expected = golden(STRIPPED);
    assert_eq!(file.options.encode(), expected.options.encode());
    assert_eq!(file.encode_to_vec(), expected.encode_to_vec());
}

#[test]
fn source_code_info_paths_are_rewritten_like_protoc() {
    let (mut file, mut pool) = input();
    // The parser's locations for the file options: the statement, then the option at
    // `[8, 999, i]` with its name parts and value below it.
    let mut locations = Vec::new();
    for i in 0..file_options().len() as i32 {
        for path in [
            vec![8],
            vec![8, 999, i],
            vec![8, 999, i, 2],
            vec![8, 999, i, 2, 0],
            vec![8, 999, i, 2, 0, 1],
            vec![8, 999, i, 3],
        ] {
            locations.push(source_code_info::Location {
                path,
                ..Default::default()
            });
        }
    }
    file.source_code_info = Some(SourceCodeInfo {
        location: locations,
        ..Default::default()
    });
    interpret(
        &mut file,
        &pool,
        &SpanMap::default(),
        &SharedFields::default(),
    );
    // The build strips after putting the interpreted file back into the pool.
    pool.replace_file(file.clone());
    strip_source_retention(&mut file, &pool);
    let ours: Vec<Vec<i32>> = file
        .source_code_info
        .unwrap()
        .location
        .into_iter()
        .map(|l| l.path)
        .collect();
    let expected: Vec<Vec<i32>> = golden(SOURCE_INFO)
        .source_code_info
        .unwrap()
        .location
        .into_iter()
        .map(|l| l.path)
        .filter(|p| p.first() == Some(&8))
        .collect();
    assert_eq!(ours, expected);
}
