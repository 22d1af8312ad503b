//! `DynamicMessage` against the generated `FileDescriptorSet` type on the same bytes: decode
//! and encode of every `.src.pb` golden under `testdata/descriptors/` concatenated (one large
//! descriptor set with source info and custom options), typed by the `descriptor.proto`
//! descriptor in `tests/data/reflect_test_messages.pb`. Criterion reports MiB/s of input.
//! Also `DescriptorPool` registration: every file of every golden descriptor set added one
//! file at a time (as many generated packages registering themselves do), against the same
//! adds while another handle keeps the pool shared (so each add copies the tables, which is
//! what every add cost before adds became in place) and one add of the whole set.
//! Needs the `reflect` feature: `cargo bench -p protoforge --features reflect --bench dynamic`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protoforge::Message as _;
use protoforge::descriptor::{FileDescriptorProto, FileDescriptorSet};
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

/// Every file of every golden `.pb` set (each set in dependency order), first copy of each
/// name only.
fn golden_files() -> Vec<FileDescriptorProto> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors");
    let mut all = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "pb")
                && !path.to_string_lossy().ends_with(".src.pb")
            {
                all.push(path);
            }
        }
    }
    all.sort();
    let mut seen = std::collections::HashSet::new();
    let mut files = Vec::new();
    for path in all {
        let bytes = std::fs::read(&path).expect("read golden");
        let set = FileDescriptorSet::decode(&bytes[..]).expect("golden set");
        for file in set.file {
            if seen.insert(file.name().to_owned()) {
                files.push(file);
            }
        }
    }
    files
}

fn add_one_by_one(files: &[FileDescriptorProto], hold_handle: bool) -> DescriptorPool {
    let mut pool = DescriptorPool::new();
    for file in files {
        let held = hold_handle.then(|| pool.clone());
        // Files that clash with an earlier set's file of another name are skipped.
        let _ = pool.add_file_descriptor_proto(file.clone());
        drop(held);
    }
    pool
}

fn pool_bench(c: &mut Criterion) {
    let files = golden_files();
    let added = add_one_by_one(&files, false).files().len();
    assert_eq!(add_one_by_one(&files, true).files().len(), added);
    eprintln!("pool: {} distinct golden files, {added} added", files.len());
    let mut group = c.benchmark_group("pool");
    group.throughput(Throughput::Elements(files.len() as u64));
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(4));
    group.bench_function("add_one_by_one", |b| {
        b.iter(|| add_one_by_one(&files, false))
    });
    group.bench_function("add_one_by_one_shared", |b| {
        b.iter(|| add_one_by_one(&files, true))
    });
    group.finish();
}

criterion_group!(benches, bench, pool_bench);
criterion_main!(benches);
