//! Rules on services and RPCs: deletions, streaming, request and response types and the
//! idempotency level.

use std::collections::{HashMap, HashSet};

use protoforge::descriptor::MethodDescriptorProto;
use protoforge::descriptor::method_options::IdempotencyLevel;

use super::files::pairs;
use super::{Out, q};

pub(crate) fn service_no_delete(out: &mut Out<'_, '_>) {
    let (cur, prev) = (out.cur, out.prev);
    for (ci, pi) in pairs(out) {
        let names: HashSet<&str> = cur.files[ci].fd.service.iter().map(|s| s.name()).collect();
        for ps in prev.svcs.iter().filter(|s| s.file == pi) {
            if names.contains(ps.d.name()) {
                continue;
            }
            let msg = format!(
                "Previously present service {} was deleted from file.",
                q(ps.d.name())
            );
            out.add(None, Some((ps.file, &ps.path)), cur.files[ci].path(), msg);
        }
    }
}

pub(crate) fn package_service_no_delete(out: &mut Out<'_, '_>) {
    let (cur, prev) = (out.cur, out.prev);
    let pkgs: HashSet<&str> = cur.files.iter().map(|f| f.package()).collect();
    let names: HashSet<(&str, &str)> = cur
        .svcs
        .iter()
        .map(|s| (cur.files[s.file].package(), s.d.name()))
        .collect();
    for ps in &prev.svcs {
        let pkg = prev.files[ps.file].package();
        if !pkgs.contains(pkg) || names.contains(&(pkg, ps.d.name())) {
            continue;
        }
        let msg = format!(
            "Previously present service {} was deleted from package {}.",
            q(ps.d.name()),
            q(pkg)
        );
        let file = cur
            .file_by_path
            .get(prev.files[ps.file].path())
            .map(|&f| cur.files[f].path())
            .unwrap_or("");
        out.add(None, Some((ps.file, &ps.path)), file, msg);
    }
}

/// Services of the previous image also in the current one (by full name): (current,
/// previous) indexes.
fn service_pairs(out: &Out<'_, '_>) -> Vec<(usize, usize)> {
    let full = |side: &super::model::Side<'_>, i: usize| {
        let s = &side.svcs[i];
        let pkg = side.files[s.file].package();
        if pkg.is_empty() {
            s.d.name().to_string()
        } else {
            format!("{pkg}.{}", s.d.name())
        }
    };
    let cur: HashMap<String, usize> = (0..out.cur.svcs.len())
        .map(|i| (full(out.cur, i), i))
        .collect();
    (0..out.prev.svcs.len())
        .filter_map(|pi| cur.get(&full(out.prev, pi)).map(|&ci| (ci, pi)))
        .collect()
}

pub(crate) fn rpc_no_delete(out: &mut Out<'_, '_>) {
    for (ci, pi) in service_pairs(out) {
        let (c, p) = (&out.cur.svcs[ci], &out.prev.svcs[pi]);
        let names: HashSet<&str> = c.d.method.iter().map(|m| m.name()).collect();
        let mut seen = HashSet::new();
        for m in &p.d.method {
            if names.contains(m.name()) || !seen.insert(m.name()) {
                continue;
            }
            let msg = format!(
                "Previously present RPC {} on service {} was deleted.",
                q(m.name()),
                q(c.d.name())
            );
            let file = out.cur.files[c.file].path();
            out.add(Some((c.file, &c.path)), Some((p.file, &p.path)), file, msg);
        }
    }
}

/// Runs `f` on each pair of methods (current, previous) with their source paths and
/// service name.
fn each_method(
    out: &mut Out<'_, '_>,
    f: impl Fn(
        &mut Out<'_, '_>,
        (&MethodDescriptorProto, &[i32], usize),
        (&MethodDescriptorProto, &[i32], usize),
        &str,
    ),
) {
    let (cur, prev) = (out.cur, out.prev);
    for (ci, pi) in service_pairs(out) {
        let (c, p) = (&cur.svcs[ci], &prev.svcs[pi]);
        let index: HashMap<&str, usize> =
            c.d.method
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name(), i))
                .collect();
        for (j, pm) in p.d.method.iter().enumerate() {
            let Some(&i) = index.get(pm.name()) else {
                continue;
            };
            let mut cp = c.path.clone();
            cp.extend([2, i as i32]);
            let mut pp = p.path.clone();
            pp.extend([2, j as i32]);
            f(
                out,
                (&c.d.method[i], &cp, c.file),
                (pm, &pp, p.file),
                c.d.name(),
            );
        }
    }
}

fn streaming(out: &mut Out<'_, '_>, side: &str, get: fn(&MethodDescriptorProto) -> bool) {
    each_method(out, |out, (cm, cp, cf), (pm, pp, pf), svc| {
        if get(pm) != get(cm) {
            let (from, to) = if get(cm) {
                ("unary", "streaming")
            } else {
                ("streaming", "unary")
            };
            let msg = format!(
                "RPC {} on service {} changed from {side} {from} to {side} {to}.",
                q(cm.name()),
                q(svc)
            );
            let file = out.cur.files[cf].path();
            out.add(Some((cf, cp)), Some((pf, pp)), file, msg);
        }
    });
}

pub(crate) fn same_client_streaming(out: &mut Out<'_, '_>) {
    streaming(out, "client", |m| m.client_streaming.unwrap_or(false));
}

pub(crate) fn same_server_streaming(out: &mut Out<'_, '_>) {
    streaming(out, "server", |m| m.server_streaming.unwrap_or(false));
}

fn type_change(
    out: &mut Out<'_, '_>,
    what: &str,
    field: i32,
    get: fn(&MethodDescriptorProto) -> &str,
) {
    each_method(out, |out, (cm, cp, cf), (pm, pp, pf), svc| {
        let (pt, ct) = (get(pm), get(cm));
        let (pt, ct) = (
            pt.strip_prefix('.').unwrap_or(pt),
            ct.strip_prefix('.').unwrap_or(ct),
        );
        if pt != ct {
            let msg = format!(
                "RPC {} on service {} changed {what} type from {} to {}.",
                q(cm.name()),
                q(svc),
                q(pt),
                q(ct)
            );
            let mut cpath = cp.to_vec();
            cpath.push(field);
            let mut ppath = pp.to_vec();
            ppath.push(field);
            let file = out.cur.files[cf].path();
            out.add(Some((cf, &cpath)), Some((pf, &ppath)), file, msg);
        }
    });
}

pub(crate) fn same_request_type(out: &mut Out<'_, '_>) {
    type_change(out, "request", 2, MethodDescriptorProto::input_type);
}

pub(crate) fn same_response_type(out: &mut Out<'_, '_>) {
    type_change(out, "response", 3, MethodDescriptorProto::output_type);
}

fn idempotency(m: &MethodDescriptorProto) -> &'static str {
    match m.options.as_ref().and_then(|o| o.idempotency_level) {
        Some(IdempotencyLevel::NoSideEffects) => "NO_SIDE_EFFECTS",
        Some(IdempotencyLevel::Idempotent) => "IDEMPOTENT",
        _ => "IDEMPOTENCY_UNKNOWN",
    }
}

pub(crate) fn same_idempotency_level(out: &mut Out<'_, '_>) {
    each_method(out, |out, (cm, cp, cf), (pm, pp, pf), svc| {
        let (pl, cl) = (idempotency(pm), idempotency(cm));
        if pl != cl {
            let msg = format!(
                "RPC {} on service {} changed option \"idempotency_level\" from {} to {}.",
                q(cm.name()),
                q(svc),
                q(pl),
                q(cl)
            );
            let mut cpath = cp.to_vec();
            cpath.extend([4, 34]);
            let mut ppath = pp.to_vec();
            ppath.extend([4, 34]);
            let file = out.cur.files[cf].path();
            out.add(Some((cf, &cpath)), Some((pf, &ppath)), file, msg);
        }
    });
}
