//! `cargo xtask bootstrap [--check]`: regenerates (or checks) the runtime's generated sources
//! — `descriptor.rs`, `plugin.rs` and the well-known types in `wkt/generated.rs` — with
//! protoforge's own compiler and code generator (see `bootstrap_gen.rs` for what is made and
//! how).

use std::path::{Path, PathBuf};

use crate::bootstrap_gen;

/// Writes every generated runtime file, or with `--check` reports the stale ones; with
/// `--out-dir DIR` the files are written under `DIR` instead (to inspect them).
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let (check, out_dir) = match args {
        [] => (false, root.to_path_buf()),
        [flag] if flag == "--check" => (true, root.to_path_buf()),
        [flag, dir] if flag == "--out-dir" => (false, PathBuf::from(dir)),
        _ => return Err("usage: cargo xtask bootstrap [--check | --out-dir DIR]".into()),
    };
    let outputs = bootstrap_gen::generate(root)?;
    let mut stale = Vec::new();
    for output in &outputs {
        let path = out_dir.join(&output.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(output.content.as_str()) {
            continue;
        }
        if check {
            stale.push(output.path.clone());
        } else {
            std::fs::write(&path, &output.content)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("wrote {}", output.path);
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "stale generated files (run `cargo xtask bootstrap`): {}",
            stale.join(", ")
        ))
    }
}
