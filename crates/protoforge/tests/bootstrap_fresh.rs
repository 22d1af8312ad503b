//! The checked-in `descriptor.rs`, `plugin.rs` and `wkt/generated.rs` are exactly what
//! `cargo xtask bootstrap` makes with protoforge's own compiler and code generator from the
//! bundled `proto/` files, so an edit to either side without regenerating fails CI.

use std::path::Path;

#[path = "../../../xtask/src/bootstrap_gen.rs"]
#[allow(dead_code)] // The test uses the outputs, not every item of the job's module.
mod bootstrap_gen;

#[test]
fn generated_runtime_sources_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let outputs = bootstrap_gen::generate(&root).expect("bootstrap generation succeeds");
    assert_eq!(
        outputs.len(),
        3,
        "descriptor.rs, plugin.rs and wkt/generated.rs"
    );
    let stale: Vec<&str> = outputs
        .iter()
        .filter(|o| {
            std::fs::read_to_string(root.join(&o.path)).ok().as_deref() != Some(&o.content[..])
        })
        .map(|o| o.path.as_str())
        .collect();
    // Keep what was generated, to compare by hand.
    let dump = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bootstrap");
    for output in &outputs {
        let path = dump.join(&output.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("dump dir");
        }
        std::fs::write(&path, &output.content).expect("dump file");
    }
    assert!(
        stale.is_empty(),
        "stale generated runtime files {stale:?}: run `cargo xtask bootstrap` (this run's \
         output is in {})",
        dump.display()
    );
}
