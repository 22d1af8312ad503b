//! Decode/encode speed of protoforge-generated code, side by side with prost where prost has
//! the same types: a large descriptor set (protoforge's generated `descriptor.proto` types vs
//! `prost-types`), plus a populated `TestAllTypesProto3` (protoforge only).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protoforge::Message as _;

#[allow(missing_docs, dead_code)]
#[path = "../src/gen/mod.rs"]
#[rustfmt::skip]
mod generated;

use generated::google::protobuf::FileDescriptorSet;
use generated::protobuf_test_messages::proto3::TestAllTypesProto3;

/// The biggest golden descriptor sets, merged into one.
fn large_set() -> Vec<u8> {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/descriptors/protobuf/goldens/"
    );
    let mut out = Vec::new();
    for name in [
        "google/protobuf/unittest_enormous_descriptor.proto.src.pb",
        "google/protobuf/unittest_no_field_presence.proto.src.pb",
        "google/protobuf/unittest.proto.src.pb",
    ] {
        out.extend(std::fs::read(format!("{root}{name}")).expect("golden set"));
    }
    out
}

fn test_message() -> Vec<u8> {
    let mut message = TestAllTypesProto3 {
        optional_int32: -5,
        optional_int64: 1 << 40,
        optional_string: "conformance".repeat(4),
        optional_bytes: vec![7; 64],
        repeated_int32: (0..200).collect(),
        repeated_double: (0..100).map(f64::from).collect(),
        repeated_string: (0..50).map(|i| format!("value {i}")).collect(),
        ..Default::default()
    };
    for i in 0..50 {
        message
            .map_string_string
            .insert(format!("k{i}"), format!("v{i}"));
        message.repeated_nested_message.push(Default::default());
    }
    message.encode_to_vec()
}

fn bench(c: &mut Criterion) {
    let set = large_set();
    let mut group = c.benchmark_group("descriptor_set");
    group.throughput(Throughput::Bytes(set.len() as u64));
    group.bench_function("decode/protoforge", |b| {
        b.iter(|| FileDescriptorSet::decode(&set[..]).expect("decodes"))
    });
    group.bench_function("decode/prost", |b| {
        b.iter(|| {
            <prost_types::FileDescriptorSet as prost::Message>::decode(&set[..]).expect("decodes")
        })
    });
    let ours = FileDescriptorSet::decode(&set[..]).expect("decodes");
    let theirs =
        <prost_types::FileDescriptorSet as prost::Message>::decode(&set[..]).expect("decodes");
    group.bench_function("encode/protoforge", |b| b.iter(|| ours.encode_to_vec()));
    group.bench_function("encode/prost", |b| {
        b.iter(|| prost::Message::encode_to_vec(&theirs))
    });
    group.finish();

    let message = test_message();
    let mut group = c.benchmark_group("test_all_types_proto3");
    group.throughput(Throughput::Bytes(message.len() as u64));
    group.bench_function("decode/protoforge", |b| {
        b.iter(|| TestAllTypesProto3::decode(&message[..]).expect("decodes"))
    });
    let decoded = TestAllTypesProto3::decode(&message[..]).expect("decodes");
    group.bench_function("encode/protoforge", |b| b.iter(|| decoded.encode_to_vec()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
