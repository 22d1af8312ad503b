//! File layout rules: packages, directories, syntax and the per-package file options.

use std::collections::{BTreeMap, BTreeSet};

use super::case::package_version;
use super::source::FileView;
use super::{Ctx, Out};

/// The directory of a module-relative path (`.` at the root).
pub(crate) fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => ".",
    }
}

/// `DIRECTORY_SAME_PACKAGE`.
pub(crate) fn directory_same_package(ctx: &Ctx<'_>, out: &mut Out) {
    let mut by_dir: BTreeMap<&str, Vec<(usize, &FileView<'_>)>> = BTreeMap::new();
    for (fi, f) in ctx.targets() {
        by_dir.entry(dir_of(f.name)).or_default().push((fi, f));
    }
    for (dir, files) in by_dir {
        let mut pkgs: BTreeSet<&str> = files.iter().map(|(_, f)| f.package()).collect();
        if pkgs.len() < 2 {
            continue;
        }
        let prefix = if pkgs.remove("") {
            let joined = pkgs.iter().copied().collect::<Vec<_>>().join(",");
            if pkgs.len() > 1 {
                format!("Multiple packages {joined:?} and file with no package")
            } else {
                format!("Package {joined:?} and file with no package")
            }
        } else {
            let joined = pkgs.iter().copied().collect::<Vec<_>>().join(",");
            format!("Multiple packages {joined:?}")
        };
        for (fi, f) in files {
            out.add(
                fi,
                f.at(&[2]),
                format!("{prefix} detected within directory {dir:?}."),
            );
        }
    }
}

/// `PACKAGE_DEFINED`.
pub(crate) fn package_defined(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        if f.package().is_empty() {
            out.add(fi, None, "Files must have a package defined.".to_string());
        }
    }
}

/// `PACKAGE_DIRECTORY_MATCH`.
pub(crate) fn package_directory_match(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        let pkg = f.package();
        if pkg.is_empty() {
            continue;
        }
        let expected = pkg.replace('.', "/");
        let dir = dir_of(f.name);
        if dir != expected {
            out.add(
                fi,
                f.at(&[2]),
                format!(
                    "Files with package {pkg:?} must be within a directory \"{expected}\" relative to root but were in directory \"{dir}\"."
                ),
            );
        }
    }
}

/// `PACKAGE_SAME_DIRECTORY`.
pub(crate) fn package_same_directory(ctx: &Ctx<'_>, out: &mut Out) {
    for (pkg, files) in by_package(ctx) {
        let dirs: BTreeSet<&str> = files.iter().map(|(_, f)| dir_of(f.name)).collect();
        if dirs.len() < 2 {
            continue;
        }
        let joined = dirs.into_iter().collect::<Vec<_>>().join(",");
        for (fi, f) in files {
            out.add(
                fi,
                f.at(&[2]),
                format!("Multiple directories {joined:?} contain files with package {pkg:?}."),
            );
        }
    }
}

/// The target files grouped by package (files without one under `""`).
fn by_package<'c, 'a>(ctx: &'c Ctx<'a>) -> BTreeMap<&'a str, Vec<(usize, &'c FileView<'a>)>> {
    let mut by_pkg: BTreeMap<&'a str, Vec<(usize, &'c FileView<'a>)>> = BTreeMap::new();
    for (fi, f) in ctx.targets() {
        by_pkg.entry(f.package()).or_default().push((fi, f));
    }
    by_pkg
}

/// The `PACKAGE_SAME_*` rules: every file of a package sets a file option to the same value.
pub(crate) fn package_same_option(ctx: &Ctx<'_>, out: &mut Out, rule: &str) {
    let (option, number): (&str, i32) = match rule {
        "PACKAGE_SAME_CSHARP_NAMESPACE" => ("csharp_namespace", 37),
        "PACKAGE_SAME_GO_PACKAGE" => ("go_package", 11),
        "PACKAGE_SAME_JAVA_MULTIPLE_FILES" => ("java_multiple_files", 10),
        "PACKAGE_SAME_JAVA_PACKAGE" => ("java_package", 1),
        "PACKAGE_SAME_PHP_NAMESPACE" => ("php_namespace", 41),
        "PACKAGE_SAME_RUBY_PACKAGE" => ("ruby_package", 45),
        _ => ("swift_prefix", 39),
    };
    let value = |f: &FileView<'_>| -> String {
        let Some(o) = f.fd.options.as_ref() else {
            return String::new();
        };
        let v = match number {
            37 => o.csharp_namespace.clone(),
            11 => o.go_package.clone(),
            10 => o.java_multiple_files.map(|b| b.to_string()),
            1 => o.java_package.clone(),
            41 => o.php_namespace.clone(),
            45 => o.ruby_package.clone(),
            _ => o.swift_prefix.clone(),
        };
        v.unwrap_or_default()
    };
    for (pkg, files) in by_package(ctx) {
        let mut values: BTreeSet<String> = files.iter().map(|(_, f)| value(f)).collect();
        if values.len() < 2 {
            continue;
        }
        let none = values.remove("");
        let joined = values.into_iter().collect::<Vec<_>>().join(",");
        let message = if none {
            format!(
                "Files in package {pkg:?} have both values {joined:?} and no value for option {option:?} and all values must be equal."
            )
        } else {
            format!(
                "Files in package {pkg:?} have multiple values {joined:?} for option {option:?} and all values must be equal."
            )
        };
        for (fi, f) in files {
            out.add(fi, f.at(&[8, number]), message.clone());
        }
    }
}

/// `PACKAGE_VERSION_SUFFIX`.
pub(crate) fn package_version_suffix(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        let pkg = f.package();
        if !pkg.is_empty() && package_version(pkg).is_none() {
            out.add(
                fi,
                f.at(&[2]),
                format!(
                    "Package name {pkg:?} should be suffixed with a correctly formed version, such as \"{pkg}.v1\"."
                ),
            );
        }
    }
}

/// `SYNTAX_SPECIFIED`.
pub(crate) fn syntax_specified(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        if !f.syntax_specified() {
            out.add(
                fi,
                None,
                "Files must have a syntax explicitly specified. If no syntax is specified, the file defaults to \"proto2\".".to_string(),
            );
        }
    }
}
