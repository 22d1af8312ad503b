//! Criterion benchmark: compiling the protobuf corpus (every file of
//! `testdata/descriptors/protobuf/goldens/ok.txt` that compiles together with the ones before
//! it) in one `Compiler` call, with imports and source info, as `cargo xtask bench compile`
//! does with whole processes.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use protoforge_compile::Compiler;

fn corpus_files(root: &Path) -> Vec<String> {
    let list = std::fs::read_to_string(root.join("../goldens/ok.txt")).unwrap_or_default();
    let mut chosen: Vec<String> = Vec::new();
    for f in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        chosen.push(f.to_string());
        let ok = Compiler::new()
            .include_path(root.to_string_lossy())
            .compile(&chosen)
            .is_ok();
        if !ok {
            chosen.pop();
        }
    }
    chosen
}

fn compile_corpus(c: &mut Criterion) {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src");
    let files = corpus_files(&root);
    let compiler = Compiler::new()
        .include_path(root.to_string_lossy())
        .include_imports(true)
        .include_source_info(true);
    c.bench_function(&format!("compile {} corpus files", files.len()), |b| {
        b.iter(|| {
            compiler
                .compile(&files)
                .map(|c| c.files.file.len())
                .unwrap_or(0)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = compile_corpus
}
criterion_main!(benches);
