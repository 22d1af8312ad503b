//! Every fuzz target's body over every seed of its corpus (`fuzz/seeds/<target>/`), under plain
//! `cargo test`: the harnesses are built and run on each test run, so they cannot rot, and
//! every seed (inputs from the test data and past findings) stays a regression test.

use std::path::Path;

#[test]
fn every_target_passes_its_seeds() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for (target, body) in protoforge_fuzz::TARGETS {
        let dir = seeds.join(target);
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .collect();
        entries.sort();
        assert!(!entries.is_empty(), "no seeds for {target}");
        for path in entries {
            let data = std::fs::read(&path).expect("read a seed");
            let result = std::panic::catch_unwind(|| body(&data));
            assert!(result.is_ok(), "{target} fails on {}", path.display());
        }
    }
}

#[test]
fn every_target_has_a_binary() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("read the manifest");
    for (target, _) in protoforge_fuzz::TARGETS {
        assert!(
            manifest.contains(&format!(
                "name = \"{target}\"\npath = \"fuzz_targets/{target}.rs\""
            )),
            "no [[bin]] for {target}"
        );
    }
}
