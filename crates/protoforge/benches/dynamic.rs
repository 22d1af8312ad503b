//! `DynamicMessage` against the generated `FileDescriptorSet` type on the same bytes: decode
//! and encode of every `.src.pb` golden under `testdata/descriptors/` concatenated (one large
//! descriptor set with source info and custom options), typed by the `descriptor.proto`
//! descriptor in `tests/data/reflect_test_messages.pb`. Criterion reports MiB/s of input.
//! Needs the `reflect` feature: `cargo bench -p protoforge --features reflect --bench dynamic`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protoforge::Message as _;
use protoforge::descriptor::FileDescriptorSet;
use protoforge::reflect::{DescriptorPool, DynamicMessage};

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.to_string_lossy().ends_with(".src.pb") {
            out.push(path);
        }
    }
}

fn input() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut bytes = Vec::new();
    for file in files {
        bytes.extend(std::fs::read(file).expect("read golden"));
    }
    bytes
}

fn bench(c: &mut Criterion) {
    let bytes = input();
    let pool = DescriptorPool::decode(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reflect_test_messages.pb"),
        )
        .expect("read descriptor set"),
    )
    .expect("pool");
    let desc = pool
        .get_message_by_name("google.protobuf.FileDescriptorSet")
        .expect("FileDescriptorSet");
    let dynamic = DynamicMessage::decode(desc.clone(), &bytes).expect("dynamic decode");
    assert_eq!(
        dynamic.encode_to_vec(),
        bytes,
        "dynamic must round-trip byte for byte"
    );
    let typed = FileDescriptorSet::decode(&bytes[..]).expect("generated decode");
    eprintln!("input: {} bytes, {} files", bytes.len(), typed.file.len());

    let mut group = c.benchmark_group("dynamic");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(4));
    group.bench_function("dynamic/decode", |b| {
        b.iter(|| DynamicMessage::decode(desc.clone(), &bytes).expect("decode"))
    });
    group.bench_function("generated/decode", |b| {
        b.iter(|| FileDescriptorSet::decode(&bytes[..]).expect("decode"))
    });
    group.bench_function("dynamic/encode", |b| b.iter(|| dynamic.encode_to_vec()));
    group.bench_function("generated/encode", |b| b.iter(|| typed.encode_to_vec()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
