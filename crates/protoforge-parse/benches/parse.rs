//! Criterion benchmark: parse every `.proto` file of the test corpus (about 1 MB of real
//! protobuf and grpc definitions) and report throughput in bytes per second.

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn protos(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            protos(&p, out);
        } else if p.extension().is_some_and(|e| e == "proto") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors");
    let mut files = Vec::new();
    for set in ["protobuf", "grpc"] {
        protos(&root.join(set).join("src"), &mut files);
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn bench_parse(c: &mut Criterion) {
    let texts = corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("corpus", |b| {
        b.iter(|| {
            let mut items = 0usize;
            for t in &texts {
                let (tree, _diags) = protoforge_parse::parse_file(protoforge_parse::FileId(0), t);
                items += tree.map_or(0, |f| f.items.len());
            }
            std::hint::black_box(items)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
