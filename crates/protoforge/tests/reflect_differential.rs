//! Reflection against Python `protobuf` (upb), with protoc's descriptor set of the
//! conformance test messages (proto2, proto3, editions 2023 and 2024, MessageSet) in
//! `tests/data/reflect_test_messages.pb`:
//! - every field's resolved semantics (cardinality, presence, packed, group, closed enum,
//!   JSON name) match what Python's descriptors say;
//! - random messages made by Python decode dynamically to the same values, re-encode to the
//!   same bytes (when no extension is set and no map has several entries: upb writes
//!   extensions after all fields and map entries in an order of its own, where protoc's C++
//!   order interleaves extensions by number and sorts map keys), and Python parses our bytes
//!   back to the same message.
#![cfg(feature = "reflect")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge::reflect::{
    Cardinality, DescriptorPool, DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind,
    MapKey, Value,
};

const TYPES: &[&str] = &[
    "protobuf_test_messages.proto2.TestAllTypesProto2",
    "protobuf_test_messages.proto3.TestAllTypesProto3",
    "protobuf_test_messages.editions.proto2.TestAllTypesProto2",
    "protobuf_test_messages.editions.proto3.TestAllTypesProto3",
    "edition_unittest.TestAllTypes",
    "proto2_unittest.TestMessageSetContainer",
];

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn set_path() -> PathBuf {
    data("tests/data/reflect_test_messages.pb")
}

fn pool() -> DescriptorPool {
    DescriptorPool::decode(&std::fs::read(set_path()).expect("read set")).expect("pool")
}

fn python(args: &[&str]) {
    let status = Command::new("python3")
        .arg(data("tests/reflect_differential.py"))
        .args(args)
        .status()
        .expect("python3 must be installed (with protobuf)");
    assert!(status.success(), "reflect_differential.py {args:?} failed");
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protoforge-reflect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// One schema line, in the format of `reflect_differential.py schema`.
#[allow(clippy::too_many_arguments)] // One column each.
fn schema_line(
    message: &str,
    full_name: &str,
    number: u32,
    cardinality: Cardinality,
    presence: bool,
    packed: bool,
    group: bool,
    kind: &Kind,
    json_name: &str,
) -> String {
    let label = match cardinality {
        Cardinality::Repeated => "repeated",
        Cardinality::Required => "required",
        Cardinality::Optional => "optional",
    };
    let closed = match kind {
        Kind::Enum(e) if e.is_closed() => "closed",
        Kind::Enum(_) => "open",
        _ => "-",
    };
    format!(
        "{message} {full_name} {number} {label} {} {} {} {closed} {json_name}",
        if presence { "presence" } else { "-" },
        if packed { "packed" } else { "-" },
        if group { "group" } else { "-" },
    )
}

#[test]
fn field_semantics_match_python() {
    let out = tmp("schema.txt");
    python(&[
        "schema",
        set_path().to_str().expect("utf-8 path"),
        out.to_str().expect("utf-8 path"),
    ]);
    let mut expected: Vec<String> = std::fs::read_to_string(&out)
        .expect("read schema")
        .lines()
        .map(str::to_owned)
        .collect();
    let pool = pool();
    let mut ours = Vec::new();
    for message in pool.all_messages() {
        for f in message.fields() {
            ours.push(schema_line(
                message.full_name(),
                f.full_name(),
                f.number(),
                f.cardinality(),
                f.has_presence(),
                f.is_packed(),
                f.is_group(),
                &f.kind(),
                f.json_name(),
            ));
        }
        for e in pool.get_extensions_for(message.full_name()) {
            ours.push(schema_line(
                message.full_name(),
                e.full_name(),
                e.number(),
                e.cardinality(),
                e.has_presence(),
                e.is_packed(),
                e.is_group(),
                &e.kind(),
                e.json_name(),
            ));
        }
    }
    expected.sort();
    ours.sort();
    assert!(
        expected.len() > 1500,
        "only {} fields from Python",
        expected.len()
    );
    let missing: Vec<_> = expected
        .iter()
        .filter(|l| ours.binary_search(l).is_err())
        .collect();
    let extra: Vec<_> = ours
        .iter()
        .filter(|l| expected.binary_search(l).is_err())
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "Python says:\n{}\nwe say:\n{}",
        missing
            .iter()
            .take(20)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        extra
            .iter()
            .take(20)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

fn value_str(kind: &Kind, v: &Value, out: &mut String) {
    match v {
        Value::F32(x) => write!(out, "f{:08x}", x.to_bits()),
        Value::F64(x) => write!(out, "d{:016x}", x.to_bits()),
        Value::Bool(b) => write!(out, "{b}"),
        Value::I32(x) | Value::EnumNumber(x) => write!(out, "{x}"),
        Value::I64(x) => write!(out, "{x}"),
        Value::U32(x) => write!(out, "{x}"),
        Value::U64(x) => write!(out, "{x}"),
        Value::String(s) => write!(out, "x{}", hex(s.as_bytes())),
        Value::Bytes(b) => write!(out, "x{}", hex(b)),
        Value::Message(m) => {
            dump(m, out);
            Ok(())
        }
        Value::List(_) | Value::Map(_) => panic!("nested list in {kind:?}"),
    }
    .expect("write to string");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_value(k: &MapKey) -> Value {
    Value::from(k.clone())
}

fn field_str(name: &str, kind: &Kind, is_map: bool, v: &Value, out: &mut String) {
    out.push_str(name);
    out.push('=');
    match v {
        Value::List(list) => {
            for (i, x) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value_str(kind, x, out);
            }
        }
        Value::Map(map) if is_map => {
            let Kind::Message(entry) = kind else {
                panic!("map of {kind:?}")
            };
            let kk = entry.map_entry_key_field().kind();
            let vk = entry.map_entry_value_field().kind();
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (i, (k, x)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value_str(&kk, &key_value(k), out);
                out.push(':');
                value_str(&vk, x, out);
            }
        }
        x => value_str(kind, x, out),
    }
}

enum Either {
    Field(FieldDescriptor),
    Ext(ExtensionDescriptor),
}

fn dump(msg: &DynamicMessage, out: &mut String) {
    let mut items: Vec<(u32, Either, &Value)> = msg
        .fields()
        .map(|(f, v)| (f.number(), Either::Field(f), v))
        .chain(
            msg.extensions()
                .map(|(e, v)| (e.number(), Either::Ext(e), v)),
        )
        .collect();
    items.sort_by_key(|i| i.0);
    out.push('{');
    for (i, (_, item, v)) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        match item {
            Either::Field(f) => field_str(f.name(), &f.kind(), f.is_map(), v, out),
            Either::Ext(e) => field_str(&format!("[{}]", e.full_name()), &e.kind(), false, v, out),
        }
    }
    out.push('}');
}

fn read_delimited<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    let len = protoforge::encoding::decode_len(data).expect("length prefix");
    let (head, rest) = data.split_at(len);
    *data = rest;
    head
}

#[test]
fn random_messages_agree_with_python() {
    let generated = tmp("gen.bin");
    let ours_path = tmp("rust.bin");
    let set = set_path();
    let mut args = vec![
        "gen",
        set.to_str().expect("utf-8 path"),
        generated.to_str().expect("utf-8 path"),
        "200",
        "7",
    ];
    args.extend_from_slice(TYPES);
    python(&args);
    let pool = pool();
    let data = std::fs::read(&generated).expect("read gen.bin");
    let mut rest = &data[..];
    let mut ours = Vec::new();
    let (mut compared_bytes, mut n, mut with_extensions) = (0, 0, 0);
    while !rest.is_empty() {
        let name = std::str::from_utf8(read_delimited(&mut rest)).expect("utf-8 name");
        let bytes = read_delimited(&mut rest);
        let expected_dump = std::str::from_utf8(read_delimited(&mut rest)).expect("utf-8 dump");
        let has_ext = read_delimited(&mut rest) == b"1";
        let desc = pool.get_message_by_name(name).expect("message type");
        let msg = DynamicMessage::decode(desc, bytes)
            .unwrap_or_else(|e| panic!("message {n} ({name}): {e}"));
        let mut our_dump = String::new();
        dump(&msg, &mut our_dump);
        assert_eq!(
            our_dump, expected_dump,
            "message {n} ({name}) decodes to other values"
        );
        assert!(
            msg.unknown_fields().is_empty(),
            "message {n}: unknown fields"
        );
        let encoded = msg.encode_to_vec();
        assert_eq!(encoded.len(), msg.encoded_len());
        if has_ext {
            with_extensions += 1;
        } else {
            let at = encoded.iter().zip(bytes).position(|(a, b)| a != b);
            assert!(
                encoded == bytes,
                "message {n} ({name}) re-encodes differently at {at:?}: ours {:?}, Python's {:?}",
                &encoded
                    [at.unwrap_or(0).saturating_sub(8)..encoded.len().min(at.unwrap_or(0) + 16)],
                &bytes[at.unwrap_or(0).saturating_sub(8)..bytes.len().min(at.unwrap_or(0) + 16)],
            );
            compared_bytes += 1;
        }
        protoforge::encoding::encode_varint(encoded.len() as u64, &mut ours);
        ours.extend_from_slice(&encoded);
        n += 1;
    }
    assert_eq!(n, 200);
    assert!(
        compared_bytes > 60 && with_extensions > 20,
        "{compared_bytes} / {with_extensions}"
    );
    std::fs::write(&ours_path, &ours).expect("write rust.bin");
    python(&[
        "check",
        set.to_str().expect("utf-8 path"),
        generated.to_str().expect("utf-8 path"),
        ours_path.to_str().expect("utf-8 path"),
    ]);
}
