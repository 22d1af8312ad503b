//! An image: the compiled files of a module with source info, what lint and breaking check.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use protoforge::descriptor::FileDescriptorProto;

use crate::finding::Finding;

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
    /// A failed compilation gives every error as a finding of rule `COMPILE`, located as buf
    /// locates it.
    pub fn build(root: &Path, excludes: &[PathBuf]) -> Result<Image, ImageError> {
        Image::build_in_workspace(root, excludes, &[])
    }

    /// [`Image::build`] for a module of a workspace: imports are also looked up under the
    /// roots of the other modules, `others` (after `root`); their files are not targets.
    pub fn build_in_workspace(
        root: &Path,
        excludes: &[PathBuf],
        others: &[PathBuf],
    ) -> Result<Image, ImageError> {
        Image::build_selected(root, &[], excludes, others)
    }

    /// [`Image::build_in_workspace`] for a module made of only the directories `includes`
    /// under `root` (relative to it; empty means all of `root`), minus `excludes`.
    pub fn build_selected(
        root: &Path,
        includes: &[PathBuf],
        excludes: &[PathBuf],
        others: &[PathBuf],
    ) -> Result<Image, ImageError> {
        let names = module_files(root, includes, excludes).map_err(ImageError::Other)?;
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
            Err(e) if names.len() < 2 => return Err(ImageError::Compile(by_position(errors(&e)))),
            Err(_) => {
                // The compiler stops at the first file in error; compiling each file on its
                // own reports every file's errors, as buf does.
                let per_file = protoforge_compile::parallel_map(&names, |n| {
                    compiler.compile(&[disk(n)]).err().map(|e| errors(&e))
                });
                let mut seen = HashSet::new();
                let list: Vec<Finding> = per_file
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|f| seen.insert(f.clone()))
                    .collect();
                return Err(ImageError::Compile(by_position(list)));
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

/// Why an image could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// The files do not compile: every error as a finding of rule `COMPILE`, its path relative
    /// to the module root, in file and position order.
    Compile(Vec<Finding>),
    /// The module could not be read (a directory that cannot be listed).
    Other(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Compile(list) => f.write_str(&crate::finding::text_lines(list)),
            ImageError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ImageError {}

/// The errors (not warnings: unused imports are lint's business) of a failed compilation as
/// findings of rule `COMPILE`, spanning what the compiler points at.
fn errors(e: &protoforge_compile::CompileError) -> Vec<Finding> {
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
    // protoc's note on C++ scoping after an enum value's name clash; buf has only the clash.
    let clashes: HashSet<_> = e
        .diagnostics
        .iter()
        .filter(|d| declared_twice(&d.message).is_some())
        .filter_map(|d| d.span)
        .collect();
    let scoping_note = |d: &&protoforge_compile::Diagnostic| {
        d.message
            .starts_with("Note that enum values use C++ scoping rules")
            && d.span.is_some_and(|s| clashes.contains(&s))
    };
    e.diagnostics
        .iter()
        .filter(|d| {
            d.is_error()
                && !not_found(d)
                && !scoping_note(d)
                // protoc's hint after a bad field number; buf has no such line.
                && !d.message.starts_with("Suggested field numbers for ")
        })
        .map(|d| {
            // buf reports a name declared twice by two elements of one kind at the first
            // (the compiler's label), and by two of different kinds where protoc does.
            let twice = declared_twice(&d.message);
            let first = twice.and(d.labels.first()).map(|l| l.span);
            let file = first
                .or(d.span)
                .and_then(|span| Some((span, e.sources.try_get(span.file)?)));
            let text = file.and_then(|(span, file)| file.text().get(span.range()));
            let message = match twice {
                Some(name) => format!("`{name}` declared multiple times"),
                None => {
                    buf_wording(&d.message, text, &missing).unwrap_or_else(|| d.message.clone())
                }
            };
            let located = file.map(|(span, file)| {
                let name = file.name().to_string();
                (name, file.line_col(span.start), file.line_col(span.end))
            });
            match located {
                Some((path, start, end)) => Finding {
                    rule: "COMPILE",
                    path,
                    start_line: start.line + 1,
                    start_column: start.col + 1,
                    end_line: end.line + 1,
                    end_column: end.col + 1,
                    message,
                },
                // Not at a position: the file it is about (if any) at its start.
                None => Finding {
                    rule: "COMPILE",
                    path: d.file_name.clone().unwrap_or_default(),
                    start_line: 1,
                    start_column: 1,
                    end_line: 1,
                    end_column: 1,
                    message,
                },
            }
        })
        .collect()
}

/// `list` in file and position order, as buf reports compile errors (the compiler reports them
/// in the order its passes find them).
fn by_position(mut list: Vec<Finding>) -> Vec<Finding> {
    list.sort_by(|a, b| {
        (&a.path, a.start_line, a.start_column).cmp(&(&b.path, b.start_line, b.start_column))
    });
    list
}

/// buf's words for a compile error protoc words differently, where buf reports it at the same
/// place (each checked against buf 1.75); `at` is the source text the error points at.
fn buf_wording(message: &str, at: Option<&str>, missing: &HashSet<&str>) -> Option<String> {
    if let Some(name) = message
        .strip_prefix("Import \"")
        .and_then(|m| m.strip_suffix("\" was not found or had errors."))
        && missing.contains(name)
    {
        return Some("imported file does not exist".to_string());
    }
    if let Some(name) = message
        .strip_prefix('"')
        .and_then(|m| m.strip_suffix("\" is not defined."))
    {
        return Some(format!("cannot find `{name}` in this scope"));
    }
    if let Some(number) = message
        .strip_prefix("Field number ")
        .and_then(|m| m.split_once(" has already been used in "))
        .map(|(n, _)| n)
    {
        return Some(format!("field number `{number}` used more than once"));
    }
    if message.contains(" uses the same enum value as ") {
        let value = at.and_then(integer)?;
        return Some(format!("enum value `{value}` used more than once"));
    }
    let words = match message {
        "Field numbers must be positive integers."
        | "Field numbers cannot be greater than 536870911."
        | "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation." => {
            "field number out of range"
        }
        "Extension ranges are not allowed in proto3." => "extension range in \"proto3\"",
        m if m.starts_with("Field name \"") && m.ends_with("\" is reserved.") => {
            "use of reserved message field name"
        }
        m if m.starts_with("The default JSON name of field ") => {
            "message fields have the same JSON name"
        }
        _ => return None,
    };
    Some(words.to_string())
}

/// The name in protoc's message for a name taken twice in one file (`"x" is already defined
/// in "a.A".`, `"A" is already defined.`).
fn declared_twice(message: &str) -> Option<&str> {
    let (name, tail) = message.strip_prefix('"')?.split_once('"')?;
    let same_file = tail == " is already defined."
        || (tail.starts_with(" is already defined in \"")
            && !tail.starts_with(" is already defined in file "));
    same_file.then_some(name)
}

/// The value of integer literal `text` as written in a `.proto` file (decimal, `0x` hex or
/// `0` octal, with an optional `-`).
fn integer(text: &str) -> Option<i128> {
    let (negative, digits) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.trim()),
    };
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i128::from_str_radix(hex, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i128::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if negative { -value } else { value })
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

#[cfg(test)]
mod tests {
    use super::integer;

    #[test]
    fn integers_read_as_protoc_reads_them() {
        assert_eq!(integer("0"), Some(0));
        assert_eq!(integer("-0"), Some(0));
        assert_eq!(integer("0x1F"), Some(31));
        assert_eq!(integer("017"), Some(15));
        assert_eq!(integer("- 12"), Some(-12));
        assert_eq!(integer("x"), None);
    }
}
