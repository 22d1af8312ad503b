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

/// `IMPORT_USED`: the imports the compiler found unused.
pub(crate) fn import_used(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        let Some(unused) = ctx.unused.get(fi) else {
            continue;
        };
        for (i, dep) in f.fd.dependency.iter().enumerate() {
            if unused.contains(dep) {
                out.add(
                    fi,
                    f.at(&[3, index(i)]),
                    format!("Import {dep:?} is unused."),
                );
            }
        }
    }
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
