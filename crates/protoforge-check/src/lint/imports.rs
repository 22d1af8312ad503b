//! Import rules: public and unused imports, package import cycles, stable packages importing
//! unstable ones.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::case::{Stability, package_version};
use super::source::index;
use super::{Ctx, Out};

/// `IMPORT_NO_PUBLIC`.
pub(crate) fn import_no_public(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for &p in &f.fd.public_dependency {
            let Some(dep) = usize::try_from(p).ok().and_then(|i| f.fd.dependency.get(i)) else {
                continue;
            };
            out.add(
                fi,
                f.at(&[3, p]),
                format!("Import {dep:?} must not be public."),
            );
        }
    }
}

/// `IMPORT_USED`. A type a file refers to credits the import that defines it, or else the
/// first import that re-exports it through `import public`; an import with public imports of
/// its own is unused when nothing credits it, any other import when the compiler found no use
/// of it (which also sees custom options). Public imports are never unused.
pub(crate) fn import_used(ctx: &Ctx<'_>, out: &mut Out) {
    let by_name: HashMap<&str, usize> = ctx
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name, i))
        .collect();
    let mut defined_in: HashMap<String, usize> = HashMap::new();
    for (i, f) in ctx.files.iter().enumerate() {
        let pkg = f.package();
        let mut add = |name: String| {
            defined_in.entry(name).or_insert(i);
        };
        for m in &f.messages {
            add(full_name(pkg, &m.path, f));
        }
        for e in &f.enums {
            add(full_name(pkg, &e.path, f));
        }
    }
    // (options message, extension number) -> the file declaring the extension.
    let mut extensions: HashMap<(&str, u32), usize> = HashMap::new();
    for (i, f) in ctx.files.iter().enumerate() {
        for field in &f.fields {
            if let (Some(extendee), Some(number)) = (field.d.extendee.as_deref(), field.d.number)
                && let Ok(number) = u32::try_from(number)
            {
                extensions
                    .entry((extendee.trim_start_matches('.'), number))
                    .or_insert(i);
            }
        }
    }
    for (fi, f) in ctx.targets() {
        let unused_by_compiler = ctx.unused.get(fi);
        // The files whose declarations this file uses: types, extendees, custom options.
        let mut refs: Vec<usize> = Vec::new();
        let mut add = |name: Option<&str>| {
            if let Some(&def) = name.and_then(|n| defined_in.get(n.trim_start_matches('.'))) {
                refs.push(def);
            }
        };
        for field in &f.fields {
            add(field.d.type_name.as_deref());
            add(field.d.extendee.as_deref());
        }
        for s in &f.fd.service {
            for m in &s.method {
                add(m.input_type.as_deref());
                add(m.output_type.as_deref());
            }
        }
        for (options, unknown) in option_sets(f) {
            for u in unknown.iter() {
                if let Some(&def) = extensions.get(&(options, u.number)) {
                    refs.push(def);
                }
            }
        }
        let deps: Vec<Option<usize>> =
            f.fd.dependency
                .iter()
                .map(|d| by_name.get(d.as_str()).copied())
                .collect();
        let closures: Vec<BTreeSet<usize>> = deps
            .iter()
            .map(|d| d.map(|d| public_closure(ctx, d)).unwrap_or_default())
            .collect();
        let mut credited = vec![false; deps.len()];
        for def in refs {
            if let Some(i) = deps.iter().position(|d| *d == Some(def)) {
                credited[i] = true;
            } else if let Some(i) = closures.iter().position(|c| c.contains(&def)) {
                credited[i] = true;
            }
        }
        for (i, dep) in f.fd.dependency.iter().enumerate() {
            if f.fd.public_dependency.contains(&index(i)) {
                // A public import is there for the importers' sake.
                continue;
            }
            let reexports = deps[i].is_some_and(|d| !ctx.files[d].fd.public_dependency.is_empty());
            let unused = if reexports {
                !credited[i]
            } else {
                unused_by_compiler.is_some_and(|u| u.contains(dep))
            };
            if unused {
                out.add(
                    fi,
                    f.at(&[3, index(i)]),
                    format!("Import {dep:?} is unused."),
                );
            }
        }
    }
}

/// The unknown fields (custom option values) of every options message in `f`, with the
/// options message's name.
fn option_sets<'a>(
    f: &super::source::FileView<'a>,
) -> Vec<(&'static str, &'a protoforge::UnknownFields)> {
    let mut out = Vec::new();
    if let Some(o) = &f.fd.options {
        out.push(("google.protobuf.FileOptions", &o.unknown_fields));
    }
    for m in &f.messages {
        if let Some(o) = &m.d.options {
            out.push(("google.protobuf.MessageOptions", &o.unknown_fields));
        }
    }
    for field in &f.fields {
        if let Some(o) = &field.d.options {
            out.push(("google.protobuf.FieldOptions", &o.unknown_fields));
        }
    }
    for o in f.oneofs.iter().filter_map(|o| o.d.options.as_ref()) {
        out.push(("google.protobuf.OneofOptions", &o.unknown_fields));
    }
    for e in &f.enums {
        if let Some(o) = &e.d.options {
            out.push(("google.protobuf.EnumOptions", &o.unknown_fields));
        }
        for o in e.d.value.iter().filter_map(|v| v.options.as_ref()) {
            out.push(("google.protobuf.EnumValueOptions", &o.unknown_fields));
        }
    }
    for s in &f.fd.service {
        if let Some(o) = &s.options {
            out.push(("google.protobuf.ServiceOptions", &o.unknown_fields));
        }
        for o in s.method.iter().filter_map(|m| m.options.as_ref()) {
            out.push(("google.protobuf.MethodOptions", &o.unknown_fields));
        }
    }
    out
}

/// The full name of the message or enum at `path` in `f`.
fn full_name(pkg: &str, path: &[i32], f: &super::source::FileView<'_>) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut msg: Option<&protoforge::descriptor::DescriptorProto> = None;
    for pair in path.chunks(2) {
        let &[tag, idx] = pair else { break };
        let idx = usize::try_from(idx).unwrap_or(usize::MAX);
        let name = match (msg, tag) {
            (None, 4) => {
                msg = f.fd.message_type.get(idx);
                msg.and_then(|m| m.name.as_deref())
            }
            (Some(m), 3) => {
                msg = m.nested_type.get(idx);
                msg.and_then(|m| m.name.as_deref())
            }
            (None, 5) => f.fd.enum_type.get(idx).and_then(|e| e.name.as_deref()),
            (Some(m), 4) => m.enum_type.get(idx).and_then(|e| e.name.as_deref()),
            _ => None,
        };
        names.extend(name);
    }
    let nested = names.join(".");
    if pkg.is_empty() {
        nested
    } else {
        format!("{pkg}.{nested}")
    }
}

/// File `i` and the files it re-exports through `import public`, transitively.
fn public_closure(ctx: &Ctx<'_>, i: usize) -> BTreeSet<usize> {
    let mut seen = BTreeSet::from([i]);
    let mut stack = vec![i];
    while let Some(f) = stack.pop() {
        let fd = ctx.files[f].fd;
        for &p in &fd.public_dependency {
            let Some(dep) = usize::try_from(p).ok().and_then(|p| fd.dependency.get(p)) else {
                continue;
            };
            if let Some(j) = ctx.files.iter().position(|x| x.name == dep.as_str())
                && seen.insert(j)
            {
                stack.push(j);
            }
        }
    }
    seen
}

/// One import: the importing file (index into the image) and the import's index.
type ImportRef = (usize, usize);

/// `PACKAGE_NO_IMPORT_CYCLE`: over every file of the image, reported on the module's files.
pub(crate) fn package_no_import_cycle(ctx: &Ctx<'_>, out: &mut Out) {
    let by_name: HashMap<&str, usize> = ctx
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name, i))
        .collect();
    // package -> directly imported package -> the imports that do it.
    let mut graph: BTreeMap<&str, BTreeMap<&str, Vec<ImportRef>>> = BTreeMap::new();
    for (fi, f) in ctx.files.iter().enumerate() {
        let pkg = f.package();
        let edges = graph.entry(pkg).or_default();
        for (di, dep) in f.fd.dependency.iter().enumerate() {
            if let Some(&target) = by_name.get(dep.as_str()) {
                let imported = ctx.files[target].package();
                if imported != pkg {
                    edges.entry(imported).or_default().push((fi, di));
                }
            }
        }
    }
    for (&pkg, edges) in &graph {
        if pkg.is_empty() {
            continue;
        }
        for (&imported, imports) in edges {
            if imported.is_empty() {
                continue;
            }
            let mut used = BTreeSet::from([pkg]);
            let Some(cycle) = find_cycle(imported, &graph, &mut used, vec![pkg]) else {
                continue;
            };
            let text = cycle.join(" -> ");
            for &(fi, di) in imports {
                if !ctx.is_target(fi) {
                    continue;
                }
                let f = &ctx.files[fi];
                out.add(
                    fi,
                    f.at(&[3, index(di)]),
                    format!("Package import cycle: {text}"),
                );
            }
        }
    }
}

/// A depth-first search for a path from `pkg` back to the first package of `list`.
fn find_cycle<'a>(
    pkg: &'a str,
    graph: &BTreeMap<&'a str, BTreeMap<&'a str, Vec<ImportRef>>>,
    used: &mut BTreeSet<&'a str>,
    mut list: Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    list.push(pkg);
    if used.contains(pkg) {
        return (list.first() == list.last()).then_some(list);
    }
    used.insert(pkg);
    if let Some(edges) = graph.get(pkg) {
        for &next in edges.keys() {
            if next.is_empty() {
                continue;
            }
            if let Some(cycle) = find_cycle(next, graph, used, list.clone()) {
                return Some(cycle);
            }
        }
    }
    used.remove(pkg);
    None
}

/// `STABLE_PACKAGE_NO_IMPORT_UNSTABLE`.
pub(crate) fn stable_package_no_import_unstable(ctx: &Ctx<'_>, out: &mut Out) {
    let targets: HashMap<&str, usize> = ctx.targets().map(|(i, f)| (f.name, i)).collect();
    for (fi, f) in ctx.targets() {
        if package_version(f.package()) != Some(Stability::Stable) {
            continue;
        }
        for (di, dep) in f.fd.dependency.iter().enumerate() {
            let Some(&ti) = targets.get(dep.as_str()) else {
                continue;
            };
            let imported = ctx.files[ti].package();
            match package_version(imported) {
                Some(s) if s != Stability::Stable => out.add(
                    fi,
                    f.at(&[3, index(di)]),
                    format!(
                        "This file is in stable package {:?}, so it should not depend on {dep:?} from unstable package {imported:?}.",
                        f.package()
                    ),
                ),
                _ => {}
            }
        }
    }
}
