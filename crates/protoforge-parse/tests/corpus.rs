//! Every `.proto` file of the test corpus (real files from protobuf and grpc) must parse
//! with no diagnostics, including the files protoc rejects later, while linking.

use std::path::{Path, PathBuf};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

/// All `.proto` files under `dir`, sorted.
fn protos(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            protos(&p, out);
        } else if p.extension().is_some_and(|e| e == "proto") {
            out.push(p);
        }
    }
}

#[test]
fn every_corpus_file_parses_cleanly() {
    let mut files = Vec::new();
    for set in ["protobuf", "grpc"] {
        protos(&corpus_root().join(set).join("src"), &mut files);
    }
    assert!(files.len() > 200, "corpus not found: {} files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let name = path.display().to_string();
        let (tree, diags, map) = protoforge_parse::parse(&name, &text);
        if tree.is_none() || !diags.is_empty() {
            for d in &diags {
                failures.push(d.render_protoc(&map));
            }
            if tree.is_none() {
                failures.push(format!("{name}: no tree"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
