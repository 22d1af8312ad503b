//! `cargo xtask bootstrap-runtime [--check]`: regenerates (or checks) the runtime's
//! `descriptor.rs` and `plugin.rs` with `xtask/bootstrap_runtime.py`, the stop-gap
//! generator used until protoforge's own code generator can bootstrap them.

use std::path::Path;
use std::process::Command;

/// Runs the generator script; `args` may be `--check`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let status = Command::new("python3")
        .arg(root.join("xtask/bootstrap_runtime.py"))
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run python3: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("generator failed ({status})"))
    }
}
