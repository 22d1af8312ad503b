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

/// Open findings (`fuzz/findings/<target>-<what>.bin`, inputs a fuzzer found that break a
/// target) are bugs: each must pass its target's body once fixed, and then moves to
/// `seeds/<target>/finding-<what>.bin`, which `make_seeds.py` keeps.
#[test]
fn every_finding_passes_its_target() {
    let findings = Path::new(env!("CARGO_MANIFEST_DIR")).join("findings");
    let Ok(entries) = std::fs::read_dir(&findings) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some((_, body)) = protoforge_fuzz::TARGETS
            .iter()
            .filter(|(target, _)| name.starts_with(&format!("{target}-")))
            .max_by_key(|(target, _)| target.len())
        else {
            panic!("{}: names no target", path.display());
        };
        let data = std::fs::read(&path).expect("read a finding");
        let result = std::panic::catch_unwind(|| body(&data));
        assert!(result.is_ok(), "open finding {}", path.display());
    }
}
