//! `cargo xtask goldens`: regenerates `testdata/descriptors/<set>/goldens/` with real protoc
//! (`python3 -m grpc_tools.protoc`, the version pinned in the corpus README): for every
//! `.proto` under `<set>/src`, `<f>.pb` and `<f>.src.pb` when protoc accepts it (listed in
//! `ok.txt`), `<f>.protoc.stderr` when it rejects it (listed in `fail.txt`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Regenerates the goldens of every set (or of the sets named in `args`).
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let base = root.join("testdata/descriptors");
    let sets: Vec<String> = if args.is_empty() {
        vec!["protobuf".into(), "grpc".into()]
    } else {
        args.to_vec()
    };
    for set in sets {
        let src = base.join(&set).join("src");
        let goldens = base.join(&set).join("goldens");
        let mut files = Vec::new();
        collect(&src, &src, &mut files)?;
        files.sort();
        let (mut ok, mut fail) = (String::new(), String::new());
        for file in &files {
            let out = goldens.join(format!("{file}.pb"));
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            let plain = protoc(&src, file, &out, false)?;
            if plain.status.success() {
                let with_info = protoc(&src, file, &goldens.join(format!("{file}.src.pb")), true)?;
                if !with_info.status.success() {
                    return Err(format!(
                        "{file}: protoc failed only with --include_source_info"
                    ));
                }
                let _ = std::fs::remove_file(goldens.join(format!("{file}.protoc.stderr")));
                ok.push_str(file);
                ok.push('\n');
            } else {
                let _ = std::fs::remove_file(&out);
                let _ = std::fs::remove_file(goldens.join(format!("{file}.src.pb")));
                std::fs::write(goldens.join(format!("{file}.protoc.stderr")), &plain.stderr)
                    .map_err(|e| e.to_string())?;
                fail.push_str(file);
                fail.push('\n');
            }
        }
        std::fs::write(goldens.join("ok.txt"), ok).map_err(|e| e.to_string())?;
        std::fs::write(goldens.join("fail.txt"), fail).map_err(|e| e.to_string())?;
        println!("{set}: {} files regenerated", files.len());
    }
    Ok(())
}

fn protoc(
    src: &Path,
    file: &str,
    out: &Path,
    source_info: bool,
) -> Result<std::process::Output, String> {
    let mut cmd = Command::new("python3");
    cmd.current_dir(src)
        .args(["-m", "grpc_tools.protoc", "-I.", "--include_imports"]);
    if source_info {
        cmd.arg("--include_source_info");
    }
    cmd.arg(format!("--descriptor_set_out={}", out.display()))
        .arg(file)
        .output()
        .map_err(|e| format!("running python3 -m grpc_tools.protoc: {e}"))
}

/// Every `.proto` below `dir`, as a path relative to `root` with `/` separators.
fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path: PathBuf = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto")
            && let Ok(rel) = path.strip_prefix(root)
        {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}
