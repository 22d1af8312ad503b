//! The checked-in `descriptor.rs` and `plugin.rs` are exactly what
//! `xtask/bootstrap_runtime.py` generates from the bundled `proto/` files, so an edit to
//! either side without regenerating fails CI.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_descriptor_types_are_fresh() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/bootstrap_runtime.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg("--check")
        .output()
        .expect("python3 must be installed (with protobuf and grpcio-tools)");
    assert!(
        out.status.success(),
        "descriptor types are stale:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
