//! Criterion benchmark of the compiler's stages on real inputs, the in-process companion of
//! `cargo xtask bench compile` (which times whole processes against protoc and protox).
//!
//! Group `corpus`: the protobuf corpus, every file of
//! `testdata/descriptors/protobuf/goldens/ok.txt` that compiles together with the ones before
//! it, with `--include_imports --include_source_info`. Group `googleapis` runs the same
//! stages on every `.proto` under `google/` and `grafeas/` but `google/ads` of the googleapis
//! tree named by `$PROTOFORGE_BENCH_GOOGLEAPIS` (left out when unset: one compile takes
//! seconds), with `--include_imports` only, like the xtask. The stages:
//! - `parse`: `protoforge_parse::parse_file` over the text of every input file, already in
//!   memory, on one thread (imports not included: they are parsed by the `compile` stage);
//! - `compile`: `Compiler::compile`, the whole pipeline from disk (resolve, parallel parse,
//!   lower, link, options, checks); its time minus `parse` bounds lowering plus linking;
//! - `compile_no_source_info` (corpus only): the same without `SourceCodeInfo`;
//! - `encode`: encoding the resulting `FileDescriptorSet` to bytes, as `-o` writes it.
//!
//! Setup checks that the compiler accepts the set and the output is not empty, so a broken
//! compiler stops the bench (exit code 1) instead of timing an error path.

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protoforge::Message;
use protoforge_compile::Compiler;
use protoforge_parse::SourceMap;

/// One benchmark input: an include root, the files (relative to it) and the flags.
struct Input {
    name: &'static str,
    root: PathBuf,
    files: Vec<String>,
    source_info: bool,
}

/// The corpus files that compile together (the corpus repeats messages across files, which
/// cannot share one invocation), in `ok.txt` order.
fn corpus() -> Input {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src");
    let list = std::fs::read_to_string(root.join("../goldens/ok.txt"))
        .unwrap_or_else(|e| fail(&format!("corpus list: {e}")));
    let mut files: Vec<String> = Vec::new();
    for f in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        files.push(f.to_string());
        let ok = Compiler::new()
            .include_path(root.to_string_lossy())
            .compile(&files)
            .is_ok();
        if !ok {
            files.pop();
        }
    }
    Input {
        name: "corpus",
        root,
        files,
        source_info: true,
    }
}

/// The googleapis set, when `$PROTOFORGE_BENCH_GOOGLEAPIS` names a tree.
fn googleapis() -> Option<Input> {
    let root = PathBuf::from(std::env::var_os("PROTOFORGE_BENCH_GOOGLEAPIS")?);
    fn walk(base: &Path, rel: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(base.join(rel)) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = format!("{rel}/{name}");
            if path == "google/ads" {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(base, &path, out);
            } else if name.ends_with(".proto") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root, "google", &mut files);
    walk(&root, "grafeas", &mut files);
    files.sort();
    Some(Input {
        name: "googleapis",
        root,
        files,
        source_info: false,
    })
}

/// Reports a setup failure and ends the bench.
fn fail(message: &str) -> ! {
    eprintln!("bench compile: {message}");
    std::process::exit(1)
}

fn compiler(input: &Input, source_info: bool) -> Compiler {
    Compiler::new()
        .include_path(input.root.to_string_lossy())
        .include_imports(true)
        .include_source_info(source_info)
}

fn stages(c: &mut Criterion, input: &Input) {
    let texts: Vec<(String, String)> = input
        .files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(input.root.join(f))
                .unwrap_or_else(|e| fail(&format!("{f}: {e}")));
            (f.clone(), text)
        })
        .collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let mut sources = SourceMap::new();
    let ids: Vec<_> = texts.iter().map(|(n, t)| sources.add(n, t)).collect();

    let full = compiler(input, input.source_info);
    let compiled = full
        .compile(&input.files)
        .unwrap_or_else(|e| fail(&format!("{} does not compile:\n{e}", input.name)));
    let encoded = compiled.files.encode_to_vec();
    if compiled.files.file.len() < input.files.len() || encoded.is_empty() {
        fail(&format!(
            "{}: {} files in, {} out",
            input.name,
            input.files.len(),
            compiled.files.file.len()
        ));
    }
    eprintln!(
        "{}: {} files, {:.1} MB of .proto, {} files and {} bytes out",
        input.name,
        input.files.len(),
        bytes as f64 / 1e6,
        compiled.files.file.len(),
        encoded.len()
    );

    let mut group = c.benchmark_group(input.name);
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            ids.iter()
                .zip(&texts)
                .map(|(&id, (_, text))| protoforge_parse::parse_file(id, text).1.len())
                .sum::<usize>()
        })
    });
    group.bench_function("compile", |b| {
        b.iter(|| {
            full.compile(&input.files)
                .map(|c| c.files.file.len())
                .unwrap_or(0)
        })
    });
    if input.source_info {
        let without = compiler(input, false);
        group.bench_function("compile_no_source_info", |b| {
            b.iter(|| {
                without
                    .compile(&input.files)
                    .map(|c| c.files.file.len())
                    .unwrap_or(0)
            })
        });
    }
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    group.bench_function("encode", |b| {
        b.iter(|| compiled.files.encode_to_vec().len())
    });
    group.finish();
}

fn compile_stages(c: &mut Criterion) {
    stages(c, &corpus());
    if let Some(input) = googleapis() {
        stages(c, &input);
    }
}

criterion_group!(benches, compile_stages);
criterion_main!(benches);
