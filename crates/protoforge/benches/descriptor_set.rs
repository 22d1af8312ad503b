//! Decode and encode a large `FileDescriptorSet` with protoforge and, side by side, with
//! `prost-types` on the same bytes. The input is every `.src.pb` golden under
//! `testdata/descriptors/` concatenated (a concatenation of descriptor sets is itself one
//! set), about 5.8 MB of descriptors with source info and custom options. Set
//! `PROTOFORGE_BENCH_SET=<file>` to measure another descriptor set instead (for example one
//! that protoc made from all of googleapis).

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost::Message as _;
use protoforge::Message as _;

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
    if let Some(path) = std::env::var_os("PROTOFORGE_BENCH_SET") {
        return std::fs::read(path).expect("read PROTOFORGE_BENCH_SET");
    }
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
    let ours = protoforge::descriptor::FileDescriptorSet::decode(&bytes[..]).expect("protoforge");
    assert_eq!(
        ours.encode_to_vec(),
        bytes,
        "protoforge must round-trip byte for byte"
    );
    let theirs = prost_types::FileDescriptorSet::decode(&bytes[..]).expect("prost-types");
    let kept = theirs.encode_to_vec().len();
    eprintln!(
        "input: {} bytes, {} files; prost-types re-encodes {} bytes ({:.2}% lost), protoforge {} (0% lost)",
        bytes.len(),
        ours.file.len(),
        kept,
        100.0 * (bytes.len() - kept) as f64 / bytes.len() as f64,
        bytes.len()
    );

    let mut group = c.benchmark_group("descriptor_set");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(4));
    group.bench_function("protoforge/decode", |b| {
        b.iter(|| protoforge::descriptor::FileDescriptorSet::decode(&bytes[..]).expect("decode"))
    });
    group.bench_function("prost-types/decode", |b| {
        b.iter(|| prost_types::FileDescriptorSet::decode(&bytes[..]).expect("decode"))
    });
    group.bench_function("protoforge/encode", |b| b.iter(|| ours.encode_to_vec()));
    group.bench_function("prost-types/encode", |b| b.iter(|| theirs.encode_to_vec()));
    group.bench_function("protoforge/encoded_len", |b| b.iter(|| ours.encoded_len()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
