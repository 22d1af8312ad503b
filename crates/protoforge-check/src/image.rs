//! An image: the compiled files of a module with source info, what lint and breaking check.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use protoforge::descriptor::FileDescriptorProto;
use protoforge_compile::ErrorFormat;

/// The compiled files of one module, with source info, imports included.
#[derive(Clone, Debug, Default)]
pub struct Image {
    /// Every file, each after the files it imports.
    pub files: Vec<FileDescriptorProto>,
    /// Which of `files` belong to the module and are checked (the others are only imports).
    pub is_target: Vec<bool>,
    /// For each of `files`, the imports the compiler found unused (`Import x is unused.`), by
    /// name; empty when unknown (images not made by [`Image::build`]).
    pub unused_imports: Vec<Vec<String>>,
}

impl Image {
    /// Compiles every `.proto` file under `root` (in path order, minus those under
    /// `excludes`, which are relative to `root` or absolute) with `root` as the include path,
    /// source info on and imports included. The files under `root` are the targets.
    ///
    /// Errors are the compiler's diagnostics, rendered protoc-style (`file:line:col: message`).
    pub fn build(root: &Path, excludes: &[PathBuf]) -> Result<Image, String> {
        Image::build_in_workspace(root, excludes, &[])
    }

    /// [`Image::build`] for a module of a workspace: imports are also looked up under the
    /// roots of the other modules, `others` (after `root`); their files are not targets.
    pub fn build_in_workspace(
        root: &Path,
        excludes: &[PathBuf],
        others: &[PathBuf],
    ) -> Result<Image, String> {
        Image::build_selected(root, &[], excludes, others)
    }

    /// [`Image::build_in_workspace`] for a module made of only the directories `includes`
    /// under `root` (relative to it; empty means all of `root`), minus `excludes`.
    pub fn build_selected(
        root: &Path,
        includes: &[PathBuf],
        excludes: &[PathBuf],
        others: &[PathBuf],
    ) -> Result<Image, String> {
        let names = module_files(root, includes, excludes)?;
        let root_str = root.to_string_lossy();
        let mut compiler = protoforge_compile::Compiler::new().include_path(root_str.as_ref());
        for other in others {
            compiler = compiler.include_path(other.to_string_lossy().as_ref());
        }
        // An excluded file is not in the module: importing it fails, as in buf.
        for exclude in excludes {
            compiler = compiler.hide_path(root.join(exclude).to_string_lossy());
        }
        let compiler = compiler.include_source_info(true).include_imports(true);
        let disk = |n: &String| root.join(n).to_string_lossy().into_owned();
        let compiled = match compiler.compile(&names.iter().map(disk).collect::<Vec<_>>()) {
            Ok(c) => c,
            Err(e) if names.len() < 2 => return Err(errors(&e).join("\n")),
            Err(_) => {
                // The compiler stops at the first file in error; compiling each file on its
                // own reports every file's errors, as buf does.
                let per_file = protoforge_compile::parallel_map(&names, |n| {
                    compiler.compile(&[disk(n)]).err().map(|e| errors(&e))
                });
                let mut seen = HashSet::new();
                let mut lines: Vec<String> = per_file
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|l| seen.insert(l.clone()))
                    .collect();
                lines.sort_by_key(|l| position(l));
                return Err(lines.join("\n"));
            }
        };
        let targets: HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut unused: HashMap<String, Vec<String>> = HashMap::new();
        for w in &compiled.warnings {
            let dep = w
                .message
                .strip_prefix("Import ")
                .and_then(|m| m.strip_suffix(" is unused."));
            let file = match (&w.span, &w.file_name) {
                (Some(span), _) => compiled
                    .sources
                    .try_get(span.file)
                    .map(|f| f.name().to_string()),
                (None, name) => name.clone(),
            };
            if let (Some(dep), Some(file)) = (dep, file) {
                unused.entry(file).or_default().push(dep.to_string());
            }
        }
        let files = compiled.files.file;
        let unused_imports = files
            .iter()
            .map(|f| {
                unused
                    .remove(f.name.as_deref().unwrap_or(""))
                    .unwrap_or_default()
            })
            .collect();
        let is_target = files
            .iter()
            .map(|f| targets.contains(f.name.as_deref().unwrap_or("")))
            .collect();
        Ok(Image {
            files,
            is_target,
            unused_imports,
        })
    }
}

/// The `.proto` files of a module at `root` made of the directories `includes` (all of `root`
/// when empty) minus `excludes` (relative to `root` or absolute), as sorted `/`-separated
/// paths relative to `root`: the files lint and breaking compile and format formats.
pub fn module_files(
    root: &Path,
    includes: &[PathBuf],
    excludes: &[PathBuf],
) -> Result<Vec<String>, String> {
    let excludes: Vec<PathBuf> = excludes
        .iter()
        .map(|e| {
            if e.is_absolute() {
                e.clone()
            } else {
                root.join(e)
            }
        })
        .collect();
    let mut names = Vec::new();
    if includes.is_empty() {
        walk(root, root, &excludes, &mut names)?;
    }
    for include in includes {
        let dir = root.join(include);
        if dir.is_dir() {
            walk(root, &dir, &excludes, &mut names)?;
        }
    }
    names.sort();
    Ok(names)
}

/// Whether file or directory `name` is `p` or lies under it (`.` holds everything); both are
/// `/`-separated and relative to the same root.
pub fn under(name: &str, p: &str) -> bool {
    p == "." || name == p || name.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
}

/// Whether `name` is selected by `--path` values `paths` (all when empty) and `--exclude-path`
/// values `excludes`, all relative to the same root: what lint, breaking and format check.
pub fn selected(name: &str, paths: &[String], excludes: &[String]) -> bool {
    (paths.is_empty() || paths.iter().any(|p| under(name, p)))
        && !excludes.iter().any(|p| under(name, p))
}

/// The errors (not warnings: unused imports are lint's business) of a failed compilation,
/// one rendered line each.
fn errors(e: &protoforge_compile::CompileError) -> Vec<String> {
    // Files an import names that are nowhere: protoc reports each on its own line, buf only
    // at the import.
    let not_found =
        |d: &&protoforge_compile::Diagnostic| d.span.is_none() && d.message == "File not found.";
    let missing: HashSet<&str> = e
        .diagnostics
        .iter()
        .filter(not_found)
        .filter_map(|d| d.file_name.as_deref())
        .collect();
    e.diagnostics
        .iter()
        .filter(|d| d.is_error() && !not_found(d))
        .map(|d| {
            let rendered = protoforge_compile::render_diagnostic(d, &e.sources, ErrorFormat::Gcc);
            let rendered = rendered.trim_end();
            match buf_wording(&d.message, &missing) {
                Some(message) => rendered
                    .strip_suffix(d.message.as_str())
                    .map_or_else(|| rendered.to_string(), |at| format!("{at}{message}")),
                None => rendered.to_string(),
            }
        })
        .collect()
}

/// buf's words for a compile error protoc words differently, where they are known to differ
/// (checked against buf 1.75).
fn buf_wording(message: &str, missing: &HashSet<&str>) -> Option<String> {
    if let Some(name) = message
        .strip_prefix("Import \"")
        .and_then(|m| m.strip_suffix("\" was not found or had errors."))
        && missing.contains(name)
    {
        return Some("imported file does not exist".to_string());
    }
    let name = message
        .strip_prefix('"')
        .and_then(|m| m.strip_suffix("\" is not defined."))?;
    Some(format!("cannot find `{name}` in this scope"))
}

/// The sort key of a rendered `file:line:col: message` line: file, line, column.
fn position(line: &str) -> (String, u64, u64) {
    let mut parts = line.splitn(4, ':');
    let file = parts.next().unwrap_or("").to_string();
    let mut number = || parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let l = number();
    let c = number();
    (file, l, c)
}

/// Collects the `.proto` files under `dir` as `/`-separated paths relative to `root`.
fn walk(
    root: &Path,
    dir: &Path,
    excludes: &[PathBuf],
    out: &mut Vec<String>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        if excludes.iter().any(|e| path.starts_with(e)) {
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            walk(root, &path, excludes, out)?;
        } else if kind.is_symlink() && path.is_dir() {
            // A linked directory is followed unless it leads back above itself (a loop).
            let (Ok(target), Ok(here)) = (path.canonicalize(), dir.canonicalize()) else {
                continue;
            };
            if !here.starts_with(&target) {
                walk(root, &path, excludes, out)?;
            }
        } else if path.extension().is_some_and(|x| x == "proto")
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
