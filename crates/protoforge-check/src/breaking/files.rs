//! Rules on files and packages: deleted files and packages, and changed syntax, package and
//! file options.

use std::collections::{BTreeMap, BTreeSet};

use protoforge::descriptor::file_options::OptimizeMode;
use protoforge::descriptor::{FileDescriptorProto, FileOptions};

use super::model::FileIx;
use super::{Out, q};

/// Each file of the previous image that the current image also has: (current, previous).
pub(crate) fn pairs(out: &Out<'_, '_>) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for (pi, pf) in out.prev.files.iter().enumerate() {
        if out.prev.file_by_path.get(pf.path()) != Some(&pi) {
            continue;
        }
        if let Some(&ci) = out.cur.file_by_path.get(pf.path()) {
            v.push((ci, pi));
        }
    }
    v
}

pub(crate) fn file_no_delete(out: &mut Out<'_, '_>) {
    let mut gone = BTreeSet::new();
    for (pi, pf) in out.prev.files.iter().enumerate() {
        if !out.cur.file_by_path.contains_key(pf.path()) {
            gone.insert((pf.path(), pi));
        }
    }
    for (path, pi) in gone {
        out.push(
            None,
            Some(pi),
            format!("Previously present file {} was deleted.", q(path)),
        );
    }
}

pub(crate) fn package_no_delete(out: &mut Out<'_, '_>) {
    let cur: BTreeSet<&str> = out.cur.files.iter().map(FileIx::package).collect();
    let mut prev: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for (pi, pf) in out.prev.files.iter().enumerate() {
        prev.entry(pf.package()).or_default().push((pf.path(), pi));
    }
    for (pkg, mut files) in prev {
        if cur.contains(pkg) {
            continue;
        }
        files.sort();
        let pi = files.first().map(|f| f.1);
        out.push(
            None,
            pi,
            format!("Previously present package {} was deleted.", q(pkg)),
        );
    }
}

fn same_value(
    out: &mut Out<'_, '_>,
    name: &str,
    get: impl Fn(&FileDescriptorProto) -> String,
    path: &[i32],
) {
    for (ci, pi) in pairs(out) {
        let c = out.cur.files[ci].fd;
        let p = out.prev.files[pi].fd;
        let (pv, cv) = (get(p), get(c));
        if pv != cv {
            let file = c.name().to_string();
            out.add(
                Some((ci, path)),
                Some((pi, path)),
                &file,
                format!("File {name} changed from {} to {}.", q(&pv), q(&cv)),
            );
        }
    }
}

fn opt_str(fd: &FileDescriptorProto, f: impl Fn(&FileOptions) -> Option<&String>) -> String {
    fd.options.as_ref().and_then(f).cloned().unwrap_or_default()
}

fn opt_bool(
    fd: &FileDescriptorProto,
    f: impl Fn(&FileOptions) -> Option<bool>,
    def: bool,
) -> String {
    fd.options.as_ref().and_then(f).unwrap_or(def).to_string()
}

pub(crate) fn same_package(out: &mut Out<'_, '_>) {
    same_value(
        out,
        "package",
        |f| f.package.clone().unwrap_or_default(),
        &[2],
    );
}

pub(crate) fn same_syntax(out: &mut Out<'_, '_>) {
    same_value(
        out,
        "syntax",
        |f| match f.syntax.as_deref() {
            Some("proto3") => "proto3".to_string(),
            Some("editions") => "editions".to_string(),
            _ => "proto2".to_string(),
        },
        &[12],
    );
}

macro_rules! str_option {
    ($fn:ident, $field:ident, $num:literal) => {
        pub(crate) fn $fn(out: &mut Out<'_, '_>) {
            same_value(
                out,
                concat!("option \"", stringify!($field), "\""),
                |f| opt_str(f, |o| o.$field.as_ref()),
                &[8, $num],
            );
        }
    };
}

macro_rules! bool_option {
    ($fn:ident, $field:ident, $num:literal, $def:literal) => {
        pub(crate) fn $fn(out: &mut Out<'_, '_>) {
            same_value(
                out,
                concat!("option \"", stringify!($field), "\""),
                |f| opt_bool(f, |o| o.$field, $def),
                &[8, $num],
            );
        }
    };
}

str_option!(same_csharp_namespace, csharp_namespace, 37);
str_option!(same_go_package, go_package, 11);
str_option!(same_java_outer_classname, java_outer_classname, 8);
str_option!(same_java_package, java_package, 1);
str_option!(same_objc_class_prefix, objc_class_prefix, 36);
str_option!(same_php_class_prefix, php_class_prefix, 40);
str_option!(same_php_metadata_namespace, php_metadata_namespace, 44);
str_option!(same_php_namespace, php_namespace, 41);
str_option!(same_ruby_package, ruby_package, 45);
str_option!(same_swift_prefix, swift_prefix, 39);
bool_option!(same_cc_enable_arenas, cc_enable_arenas, 31, true);
bool_option!(same_cc_generic_services, cc_generic_services, 16, false);
bool_option!(same_java_generic_services, java_generic_services, 17, false);
bool_option!(same_java_multiple_files, java_multiple_files, 10, false);
bool_option!(same_py_generic_services, py_generic_services, 18, false);

pub(crate) fn same_optimize_for(out: &mut Out<'_, '_>) {
    same_value(
        out,
        "option \"optimize_for\"",
        |f| {
            match f
                .options
                .as_ref()
                .and_then(|o| o.optimize_for)
                .unwrap_or(OptimizeMode::Speed)
            {
                OptimizeMode::CodeSize => "CODE_SIZE",
                OptimizeMode::LiteRuntime => "LITE_RUNTIME",
                _ => "SPEED",
            }
            .to_string()
        },
        &[8, 9],
    );
}
