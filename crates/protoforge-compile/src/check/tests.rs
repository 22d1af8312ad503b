//! Unit tests of the checks on descriptors protoc produced (the corpus goldens with source
//! info): every file protoc accepted must pass, and a golden with one field changed must fail
//! with protoc's message at the position protoc's own source info gives for the culprit.
//!
//! Spans are synthesized from `SourceCodeInfo` (offset = line * 100000 + column), so a
//! diagnostic's span decodes back to the protoc line and column of the element it points at.

use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::{
    FieldOptions, FileDescriptorProto, FileDescriptorSet,
    field_descriptor_proto::{Label, Type},
};
use protoforge_parse::{Diagnostic, FileId, Span};

use super::check;
use crate::span_map::SpanMap;
use crate::symbols::Pool;
use crate::tag;

const LINE: u32 = 100_000;

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

/// The golden set of `file` (relative to the corpus set `set`), target file last.
fn golden(set: &str, file: &str) -> Vec<FileDescriptorProto> {
    let path = corpus_root()
        .join(set)
        .join("goldens")
        .join(format!("{file}.src.pb"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    FileDescriptorSet::decode(&bytes[..])
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .file
}

/// A span map built from the file's own source info (zero-based line and column).
fn spans_of(file: &FileDescriptorProto) -> SpanMap {
    let mut spans = SpanMap::default();
    for loc in file.source_code_info.iter().flat_map(|s| s.location.iter()) {
        if let [line, col, ..] = loc.span[..] {
            let start = line as u32 * LINE + col as u32;
            spans.insert(loc.path.clone(), Span::new(FileId(0), start, start));
        }
    }
    spans
}

/// Protoc's 1-based `line:col` of the element at `path`, from source info.
fn position(file: &FileDescriptorProto, path: &[i32]) -> String {
    let loc = file
        .source_code_info
        .iter()
        .flat_map(|s| s.location.iter())
        .find(|l| l.path == path)
        .unwrap_or_else(|| panic!("no location for {path:?}"));
    format!("{}:{}", loc.span[0] + 1, loc.span[1] + 1)
}

/// `line:col: message` of a diagnostic (or `-: message` without a position).
fn render(d: &Diagnostic) -> String {
    match d.span {
        Some(s) => format!(
            "{}:{}: {}",
            s.start / LINE + 1,
            s.start % LINE + 1,
            d.message
        ),
        None => format!("-: {}", d.message),
    }
}

/// Runs the checks on the last file of `files` with the others in the pool.
fn run(files: &[FileDescriptorProto]) -> Vec<String> {
    let (target, deps) = files.split_last().expect("empty set");
    let mut pool = Pool::new();
    for f in deps {
        pool.add_file(f.clone());
    }
    let names = pool.add_file(target.clone());
    let spans = spans_of(target);
    let checked = check(target, &pool, &spans, &names, Vec::new(), false);
    checked
        .build
        .iter()
        .chain(&checked.cross_link)
        .chain(&checked.rest)
        .filter(|d| d.is_error())
        .map(render)
        .collect()
}

fn message_mut<'f>(
    file: &'f mut FileDescriptorProto,
    name: &str,
) -> (usize, &'f mut protoforge::descriptor::DescriptorProto) {
    file.message_type
        .iter_mut()
        .enumerate()
        .find(|(_, m)| m.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no message {name}"))
}

#[test]
fn every_file_protoc_accepted_passes() {
    let mut failures = Vec::new();
    let mut count = 0;
    for set in ["protobuf", "grpc"] {
        let list = std::fs::read_to_string(corpus_root().join(set).join("goldens/ok.txt"))
            .expect("ok.txt");
        for name in list.lines().filter(|l| !l.is_empty()) {
            let files = golden(set, name);
            let errors = run(&files);
            count += 1;
            if !errors.is_empty() {
                failures.push(format!("{name}:\n  {}", errors.join("\n  ")));
            }
        }
    }
    assert!(count > 150, "only {count} golden files found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn duplicate_field_number_points_at_second_number() {
    let mut files = golden("protobuf", "google/protobuf/unittest.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestAllTypes");
    m.field[1].number = m.field[0].number;
    let first = m.field[0].name.clone().unwrap();
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::FIELD,
            1,
            tag::field::NUMBER,
        ],
    );
    assert_eq!(
        run(&files),
        [format!(
            "{at}: Field number 1 has already been used in \"proto2_unittest.TestAllTypes\" by field \"{first}\". Next available field number is 2."
        )]
    );
}

#[test]
fn field_number_zero_gets_suggestions() {
    let mut files = golden("grpc", "grpc/health/v1/health.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "HealthCheckRequest");
    m.field[0].number = Some(0);
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::FIELD,
            0,
            tag::field::NUMBER,
        ],
    );
    assert_eq!(
        run(&files),
        [
            format!("{at}: Field numbers must be positive integers."),
            format!("{at}: Suggested field numbers for grpc.health.v1.HealthCheckRequest: 1"),
        ]
    );
}

#[test]
fn field_in_reserved_range_points_at_range() {
    let mut files = golden("protobuf", "google/protobuf/unittest.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestReservedFields");
    assert!(m.field.is_empty(), "TestReservedFields changed upstream");
    // `reserved 2, 15, 9 to 11;`: the third range is 9 to 11.
    m.field.push(protoforge::descriptor::FieldDescriptorProto {
        name: Some("x".into()),
        number: Some(10),
        label: Some(Label::Optional),
        r#type: Some(Type::Int32),
        ..Default::default()
    });
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::RESERVED_RANGE,
            2,
        ],
    );
    assert_eq!(
        run(&files),
        [
            format!("{at}: Field \"x\" uses reserved number 10."),
            format!("{at}: Suggested field numbers for proto2_unittest.TestReservedFields: 1"),
        ]
    );
}

#[test]
fn extension_outside_extendee_ranges() {
    let mut files = golden("protobuf", "google/protobuf/unittest.proto");
    let target = files.last_mut().unwrap();
    let (ei, ext) = target
        .extension
        .iter_mut()
        .enumerate()
        .find(|(_, e)| e.extendee.as_deref() == Some(".proto2_unittest.TestFieldOrderings"))
        .expect("an extension of TestFieldOrderings");
    // TestFieldOrderings declares `extensions 2 to 10; extensions 12 to 100;`.
    ext.number = Some(11);
    let target = files.last().unwrap();
    let at = position(
        target,
        &[tag::file::EXTENSION, ei as i32, tag::field::NUMBER],
    );
    assert_eq!(
        run(&files),
        [format!(
            "{at}: \"proto2_unittest.TestFieldOrderings\" does not declare 11 as an extension number."
        )]
    );
}

#[test]
fn proto3_json_name_conflict() {
    let mut files = golden("protobuf", "google/protobuf/unittest_proto3.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestAllTypes");
    // `optional_int32` -> JSON `optionalInt32`; rename field 1 to collide with it.
    assert_eq!(m.field[0].name.as_deref(), Some("optional_int32"));
    m.field[1].name = Some("optionalInt32".into());
    m.field[1].json_name = Some("optionalInt32".into());
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::FIELD,
            1,
            tag::field::NAME,
        ],
    );
    assert_eq!(
        run(&files),
        [format!(
            "{at}: The default JSON name of field \"optionalInt32\" (\"optionalInt32\") conflicts with the default JSON name of field \"optional_int32\"."
        )]
    );
}

#[test]
fn proto3_packed_string_and_required() {
    let mut files = golden("protobuf", "google/protobuf/unittest_proto3.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestAllTypes");
    let (si, s) = m
        .field
        .iter_mut()
        .enumerate()
        .find(|(_, f)| f.name.as_deref() == Some("repeated_string"))
        .expect("repeated_string");
    s.options = Some(FieldOptions {
        packed: Some(true),
        ..Default::default()
    });
    m.field[0].label = Some(Label::Required);
    let target = files.last().unwrap();
    let base = [tag::file::MESSAGE_TYPE, mi as i32, tag::message::FIELD];
    let required_at = position(target, &[base[0], base[1], base[2], 0, tag::field::TYPE]);
    let packed_at = position(
        target,
        &[base[0], base[1], base[2], si as i32, tag::field::TYPE],
    );
    assert_eq!(
        run(&files),
        [
            format!("{required_at}: Required fields are not allowed in proto3."),
            format!(
                "{packed_at}: [packed = true] can only be specified for repeated primitive fields."
            ),
        ]
    );
}

#[test]
fn proto3_enum_must_start_at_zero_and_aliases_need_allow_alias() {
    let mut files = golden("protobuf", "google/protobuf/unittest_proto3.proto");
    let target = files.last_mut().unwrap();
    let (ei, e) = target
        .enum_type
        .iter_mut()
        .enumerate()
        .find(|(_, e)| e.name.as_deref() == Some("ForeignEnum"))
        .expect("ForeignEnum");
    let first = e.value[0].name.clone().unwrap();
    e.value[0].number = Some(7);
    e.value[2].number = Some(7);
    let dup = e.value[2].name.clone().unwrap();
    let target = files.last().unwrap();
    let base = [tag::file::ENUM_TYPE, ei as i32, tag::enum_::VALUE];
    let first_at = position(
        target,
        &[base[0], base[1], base[2], 0, tag::enum_value::NUMBER],
    );
    let dup_at = position(
        target,
        &[base[0], base[1], base[2], 2, tag::enum_value::NUMBER],
    );
    let errors = run(&files);
    assert_eq!(
        errors,
        [
            format!("{first_at}: The first enum value must be zero for open enums."),
            format!(
                "{dup_at}: \"proto3_unittest.{dup}\" uses the same enum value as \"proto3_unittest.{first}\". If this is intended, set 'option allow_alias = true;' to the enum definition. The next available enum value is 8."
            ),
        ],
    );
}

#[test]
fn map_key_must_not_be_float() {
    let mut files = golden("protobuf", "google/protobuf/map_unittest.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestMap");
    let entry = m
        .nested_type
        .iter_mut()
        .find(|n| n.name.as_deref() == Some("MapInt32Int32Entry"))
        .expect("MapInt32Int32Entry");
    entry.field[0].r#type = Some(Type::Float);
    let fi = m
        .field
        .iter()
        .position(|f| f.name.as_deref() == Some("map_int32_int32"))
        .unwrap();
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::FIELD,
            fi as i32,
            tag::field::TYPE_NAME,
        ],
    );
    assert_eq!(
        run(&files),
        [format!(
            "{at}: Key in map fields cannot be float/double, bytes or message types."
        )]
    );
}

#[test]
fn implementation_reserved_numbers_are_rejected_last() {
    let mut files = golden("grpc", "grpc/health/v1/health.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "HealthCheckRequest");
    m.field[0].number = Some(19_500);
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::FIELD,
            0,
            tag::field::NUMBER,
        ],
    );
    assert_eq!(
        run(&files),
        [format!(
            "{at}: Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation."
        )]
    );
}

#[test]
fn proto3_optional_outside_a_synthetic_oneof() {
    let mut files = golden("protobuf", "google/protobuf/unittest_proto3_optional.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestProto3Optional");
    let f = m
        .field
        .iter_mut()
        .find(|f| f.proto3_optional == Some(true))
        .expect("a proto3 optional field");
    let oneof = f.oneof_index.take().expect("in a synthetic oneof");
    let target = files.last().unwrap();
    // A synthetic oneof has no source location; we point at the enclosing message (protoc
    // prints no position at all).
    let no_location = target
        .source_code_info
        .iter()
        .flat_map(|s| s.location.iter())
        .all(|l| {
            l.path[..]
                != [
                    tag::file::MESSAGE_TYPE,
                    mi as i32,
                    tag::message::ONEOF_DECL,
                    oneof,
                ]
        });
    assert!(no_location);
    let oneof_at = position(target, &[tag::file::MESSAGE_TYPE, mi as i32]);
    let errors = run(&files);
    // The emptied synthetic oneof is reported first, then the field (protoc has no position
    // for that one either).
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        errors[0],
        format!("{oneof_at}: Oneof must have at least one field.")
    );
    assert_eq!(
        errors[1],
        "-: Fields with proto3_optional set must be a member of a one-field oneof"
    );
}

#[test]
fn proto3_optional_only_in_proto3() {
    let mut files = golden("protobuf", "google/protobuf/unittest.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestAllTypes");
    m.field[0].proto3_optional = Some(true);
    let name = m.field[0].name.clone().unwrap();
    let target = files.last().unwrap();
    let at = position(
        target,
        &[
            tag::file::MESSAGE_TYPE,
            mi as i32,
            tag::message::FIELD,
            0,
            tag::field::TYPE,
        ],
    );
    let errors = run(&files);
    assert_eq!(
        errors[0],
        format!(
            "{at}: The [proto3_optional=true] option may only be set on proto3fields, not proto2_unittest.TestAllTypes.{name}"
        )
    );
    assert_eq!(
        errors[1],
        "-: Fields with proto3_optional set must be a member of a one-field oneof"
    );
}

#[test]
fn reserved_name_too_long_points_at_the_message() {
    let mut files = golden("grpc", "grpc/health/v1/health.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "HealthCheckRequest");
    m.reserved_name.push("r".repeat(65_536));
    m.reserved_name.push("r".repeat(65_535));
    let target = files.last().unwrap();
    let at = position(
        target,
        &[tag::file::MESSAGE_TYPE, mi as i32, tag::message::NAME],
    );
    assert_eq!(run(&files), [format!("{at}: Reserved name too long.")]);
}

#[test]
fn a_field_named_unknown_for_its_length_is_named_so_in_later_errors() {
    let mut files = golden("protobuf", "google/protobuf/unittest.proto");
    let target = files.last_mut().unwrap();
    let (mi, m) = message_mut(target, "TestAllTypes");
    // With its camel-case and JSON forms, over the 65,535 bytes protoc stores (the JSON name
    // computed, as in a file from source).
    m.field[0].name = Some("Long".repeat(4_100));
    m.field[0].json_name = None;
    m.field[1].number = m.field[0].number;
    let target = files.last().unwrap();
    let field = |i: i32, part: i32| {
        position(
            target,
            &[
                tag::file::MESSAGE_TYPE,
                mi as i32,
                tag::message::FIELD,
                i,
                part,
            ],
        )
    };
    assert_eq!(
        run(&files),
        [
            format!("{}: Name too long.", field(0, tag::field::NAME)),
            format!(
                "{}: Field number 1 has already been used in \"proto2_unittest.TestAllTypes\" by field \"unknown\". Next available field number is 2.",
                field(1, tag::field::NUMBER)
            ),
        ]
    );
}
