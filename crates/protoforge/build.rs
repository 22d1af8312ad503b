//! Writes `bundle_source.rs` to `OUT_DIR` when the hidden `bundle-source` feature is on: the
//! crate's module tree, read from `src/`, with every module's source embedded. It is what
//! `__private::bundle_source` includes, so files can move or split without a list to edit.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_BUNDLE_SOURCE").is_none() {
        return;
    }
    // A directory is scanned whole: adding, moving or removing a file reruns this script.
    println!("cargo::rerun-if-changed=src");
    let src = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("src");
    let mut out = String::from(
        "/// Every module of the crate (the crate root excepted), in name order, with its child\n\
         /// modules.\n\
         pub const MODULES: &[Module] = ",
    );
    write_modules(&mut out, &src, &["lib.rs"]);
    out.push_str(";\n");
    let target =
        Path::new(&std::env::var_os("OUT_DIR").expect("set by cargo")).join("bundle_source.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}

/// One module of the tree: its name and the file holding its source.
struct Found {
    name: String,
    file: PathBuf,
    /// The directory of its child modules, if it has one.
    children: Option<PathBuf>,
}

/// The modules whose files are in `dir`: `name.rs` (with children in `name/`, if that
/// directory exists) or `name/mod.rs`, sorted by name; `skip` names the files there that are
/// not modules of their own.
fn modules_in(dir: &Path, skip: &[&str]) -> Vec<Found> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        if skip.contains(&file_name) {
            continue;
        }
        if path.is_dir() {
            let mod_rs = path.join("mod.rs");
            if mod_rs.is_file() {
                found.push(Found {
                    name: file_name.to_owned(),
                    file: mod_rs,
                    children: Some(path.clone()),
                });
            }
        } else if let Some(name) = file_name.strip_suffix(".rs") {
            let children = dir.join(name);
            found.push(Found {
                name: name.to_owned(),
                file: path.clone(),
                children: children.is_dir().then_some(children),
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// Appends `&[Module { .. }, ..]` for the modules in `dir` to `out`.
fn write_modules(out: &mut String, dir: &Path, skip: &[&str]) {
    out.push_str("&[");
    for module in modules_in(dir, skip) {
        let file = module.file.to_str().expect("UTF-8 path");
        write!(
            out,
            "Module {{ name: {:?}, source: include_str!({file:?}), children: ",
            module.name
        )
        .expect("writing to a String");
        match &module.children {
            Some(children) => write_modules(out, children, &["mod.rs"]),
            None => out.push_str("&[]"),
        }
        out.push_str(" },");
    }
    out.push(']');
}
