//! Zero-copy view decoding against owned decoding, on a string-heavy message: a
//! `TestAllTypesProto3` holding 1,000 repeated strings, a 4 KiB string, 200 map entries of
//! strings and 100 byte strings (about 60 KB). `view` decodes (and checks) the whole input;
//! `view+walk` also reads every string of the view, for a fair comparison with the owned
//! message, whose strings are ready to use.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use protoforge::Message;
use protoforge_fuzz::views::proto3::{TestAllTypesProto3, TestAllTypesProto3View};

fn string_heavy() -> Vec<u8> {
    TestAllTypesProto3 {
        optional_string: "x".repeat(4096),
        repeated_string: (0..1000)
            .map(|i| format!("a moderately long string, number {i:05}"))
            .collect(),
        map_string_string: (0..200)
            .map(|i| (format!("key-{i}"), format!("value number {i} of the map")))
            .collect(),
        repeated_bytes: (0..100).map(|i| vec![i as u8; 64]).collect(),
        ..Default::default()
    }
    .encode_to_vec()
}

fn bench(c: &mut Criterion) {
    let bytes = string_heavy();
    let mut group = c.benchmark_group("string_heavy");
    group.throughput(criterion::Throughput::Bytes(bytes.len() as u64));
    group.bench_function("owned", |b| {
        b.iter(|| TestAllTypesProto3::decode(black_box(&bytes[..])).unwrap())
    });
    group.bench_function("view", |b| {
        b.iter(|| TestAllTypesProto3View::decode(black_box(&bytes[..])).unwrap())
    });
    group.bench_function("view+walk", |b| {
        b.iter(|| {
            let view = TestAllTypesProto3View::decode(black_box(&bytes[..])).unwrap();
            let mut total = view.optional_string.len();
            total += view.repeated_string.iter().map(str::len).sum::<usize>();
            total += view
                .map_string_string
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>();
            total += view.repeated_bytes.iter().map(<[u8]>::len).sum::<usize>();
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
