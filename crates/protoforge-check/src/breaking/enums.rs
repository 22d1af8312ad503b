//! Rules on enums and enum values: deletions, renames, reserved ranges and names, open or
//! closed, JSON format.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use protoforge::descriptor::EnumDescriptorProto;
use protoforge::descriptor::feature_set::{EnumType, JsonFormat};

use super::features::json_name;
use super::files::pairs;
use super::messages::{enclosing, file_msgs, tag_ranges};
use super::model::Enm;
use super::{Out, q};

const ENUM_MAX: i32 = 2_147_483_647;

/// Each enum of the previous image that the current image also has (by full name).
fn enum_pairs(out: &Out<'_, '_>) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for (pi, pe) in out.prev.enums.iter().enumerate() {
        if out.prev.enum_by_full.get(&pe.full) != Some(&pi) {
            continue;
        }
        if let Some(&ci) = out.cur.enum_by_full.get(&pe.full) {
            v.push((ci, pi));
        }
    }
    v
}

pub(crate) fn enum_no_delete(out: &mut Out<'_, '_>) {
    let (cur, prev) = (out.cur, out.prev);
    for (ci, pi) in pairs(out) {
        let names: HashSet<&str> = cur
            .enums
            .iter()
            .filter(|e| e.file == ci)
            .map(|e| e.nested.as_str())
            .collect();
        let msgs = file_msgs(cur, ci);
        for pe in prev.enums.iter().filter(|e| e.file == pi) {
            if names.contains(pe.nested.as_str()) {
                continue;
            }
            let at = enclosing(&msgs, &pe.nested).map(|m| &cur.msgs[m]);
            let msg = format!(
                "Previously present enum {} was deleted from file.",
                q(&pe.nested)
            );
            out.add(
                at.map(|m| (m.file, m.path.as_slice())),
                Some((pe.file, &pe.path)),
                cur.files[ci].path(),
                msg,
            );
        }
    }
}

pub(crate) fn package_enum_no_delete(out: &mut Out<'_, '_>) {
    let (cur, prev) = (out.cur, out.prev);
    let pkgs: HashSet<&str> = cur.files.iter().map(|f| f.package()).collect();
    let names: HashSet<(&str, &str)> = cur
        .enums
        .iter()
        .map(|e| (cur.files[e.file].package(), e.nested.as_str()))
        .collect();
    for pe in &prev.enums {
        let pkg = prev.files[pe.file].package();
        if !pkgs.contains(pkg) || names.contains(&(pkg, pe.nested.as_str())) {
            continue;
        }
        let msg = format!(
            "Previously present enum {} was deleted from package {}.",
            q(&pe.nested),
            q(pkg)
        );
        match cur.file_by_path.get(prev.files[pe.file].path()) {
            Some(&cf) => {
                let msgs = file_msgs(cur, cf);
                let at = enclosing(&msgs, &pe.nested).map(|m| &cur.msgs[m]);
                out.add(
                    at.map(|m| (m.file, m.path.as_slice())),
                    Some((pe.file, &pe.path)),
                    cur.files[cf].path(),
                    msg,
                );
            }
            None => out.add(None, Some((pe.file, &pe.path)), "", msg),
        }
    }
}

fn sub(e: &Enm<'_>, extra: &[i32]) -> Vec<i32> {
    let mut p = e.path.clone();
    p.extend_from_slice(extra);
    p
}

/// Adds a finding at a feature of both enums (falling back to the enums).
fn at_feature(out: &mut Out<'_, '_>, c: &Enm<'_>, p: &Enm<'_>, feature: i32, msg: String) {
    let (cp, pp) = (sub(c, &[3, 7, feature]), sub(p, &[3, 7, feature]));
    let cur = out.cur_option(c.file, &cp, c.path.len() + 2, &c.path);
    let prev = out.prev_option(p.file, &pp, p.path.len() + 2, &p.path);
    let file = out.cur.files[c.file].path();
    out.add_span(cur, prev, file, msg);
}

pub(crate) fn same_type(out: &mut Out<'_, '_>) {
    for (ci, pi) in enum_pairs(out) {
        let (c, p) = (&out.cur.enums[ci], &out.prev.enums[pi]);
        let (pc, cc) = (
            p.feats.enum_type() == EnumType::Closed,
            c.feats.enum_type() == EnumType::Closed,
        );
        if pc != cc {
            let (from, to) = if cc {
                ("open", "closed")
            } else {
                ("closed", "open")
            };
            let msg = format!("Enum {} changed from {from} to {to}.", q(c.d.name()));
            at_feature(out, c, p, 2, msg);
        }
    }
}

pub(crate) fn same_json_format(out: &mut Out<'_, '_>) {
    for (ci, pi) in enum_pairs(out) {
        let (c, p) = (&out.cur.enums[ci], &out.prev.enums[pi]);
        if p.feats.json() == JsonFormat::Allow && c.feats.json() != JsonFormat::Allow {
            let msg = format!(
                "Enum {} JSON format support changed from {} to {}.",
                q(c.d.name()),
                json_name(p.feats.json()),
                json_name(c.feats.json())
            );
            at_feature(out, c, p, 6, msg);
        }
    }
}

/// Number to the sorted names of the values with that number.
fn by_number(d: &EnumDescriptorProto) -> BTreeMap<i32, BTreeSet<&str>> {
    let mut m: BTreeMap<i32, BTreeSet<&str>> = BTreeMap::new();
    for v in &d.value {
        m.entry(v.number.unwrap_or(0)).or_default().insert(v.name());
    }
    m
}

fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(q).collect::<Vec<_>>().join(", ")
}

fn value_deleted(out: &mut Out<'_, '_>, number_reserved: bool, by_name: bool) {
    for (ci, pi) in enum_pairs(out) {
        let (c, p) = (&out.cur.enums[ci], &out.prev.enums[pi]);
        let cur = by_number(c.d);
        for (number, names) in by_number(p.d) {
            if cur.contains_key(&number) {
                continue;
            }
            let allowed = if number_reserved {
                c.d.reserved_range
                    .iter()
                    .any(|r| number >= r.start.unwrap_or(0) && number <= r.end.unwrap_or(0))
            } else if by_name {
                names
                    .iter()
                    .all(|n| c.d.reserved_name.iter().any(|r| r == n))
            } else {
                false
            };
            if allowed {
                continue;
            }
            let suffix = if number_reserved {
                format!(" without reserving the number \"{number}\"")
            } else if by_name {
                let s = if names.len() > 1 { "s" } else { "" };
                format!(
                    " without reserving the name{s} {}",
                    quoted_list(names.iter().copied())
                )
            } else {
                String::new()
            };
            let msg = format!(
                "Previously present enum value \"{number}\" on enum {} was deleted{suffix}.",
                q(c.d.name())
            );
            let file = out.prev.files[p.file].path();
            out.add(Some((c.file, &c.path)), Some((p.file, &p.path)), file, msg);
        }
    }
}

pub(crate) fn value_no_delete(out: &mut Out<'_, '_>) {
    value_deleted(out, false, false);
}

pub(crate) fn value_no_delete_unless_name_reserved(out: &mut Out<'_, '_>) {
    value_deleted(out, false, true);
}

pub(crate) fn value_no_delete_unless_number_reserved(out: &mut Out<'_, '_>) {
    value_deleted(out, true, false);
}

/// Value name to index.
fn value_index(d: &EnumDescriptorProto) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for (i, v) in d.value.iter().enumerate() {
        m.insert(v.name(), i);
    }
    m
}

pub(crate) fn value_same_name(out: &mut Out<'_, '_>) {
    for (ci, pi) in enum_pairs(out) {
        let (c, p) = (&out.cur.enums[ci], &out.prev.enums[pi]);
        let cur = by_number(c.d);
        let prev = by_number(p.d);
        let (ci_names, pi_names) = (value_index(c.d), value_index(p.d));
        for (number, pnames) in &prev {
            let Some(cnames) = cur.get(number) else {
                continue;
            };
            if pnames.iter().all(|n| cnames.contains(n)) {
                continue;
            }
            let s = if pnames.len() > 1 && cnames.len() > 1 {
                "s"
            } else {
                ""
            };
            let msg = format!(
                "Enum value \"{number}\" on enum {} changed name{s} from {} to {}.",
                q(c.d.name()),
                quoted_list(pnames.iter().copied()),
                quoted_list(cnames.iter().copied())
            );
            for name in cnames {
                let vi = ci_names[name];
                let cp = sub(c, &[2, vi as i32, 2]);
                let pp = pi_names.get(name).map(|&i| sub(p, &[2, i as i32, 2]));
                let file = out.cur.files[c.file].path();
                out.add(
                    Some((c.file, &cp)),
                    pp.as_deref().map(|pp| (p.file, pp)),
                    file,
                    msg.clone(),
                );
            }
        }
    }
}

pub(crate) fn reserved_enum_no_delete(out: &mut Out<'_, '_>) {
    for (ci, pi) in enum_pairs(out) {
        let (c, p) = (&out.cur.enums[ci], &out.prev.enums[pi]);
        let r = |d: &EnumDescriptorProto| -> Vec<(i32, i32)> {
            d.reserved_range
                .iter()
                .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0)))
                .collect()
        };
        let file = out.cur.files[c.file].path();
        let kind = ("reserved", "enum", c.d.name());
        for msg in tag_ranges(kind, &r(p.d), &r(c.d), ENUM_MAX, ENUM_MAX) {
            out.add(Some((c.file, &c.path)), Some((p.file, &p.path)), file, msg);
        }
        let names: HashSet<&String> = c.d.reserved_name.iter().collect();
        let mut seen = HashSet::new();
        for n in &p.d.reserved_name {
            if !names.contains(n) && seen.insert(n) {
                let msg = format!(
                    "Previously present reserved name {} on enum {} was deleted.",
                    q(n),
                    q(c.d.name())
                );
                out.add(Some((c.file, &c.path)), Some((p.file, &p.path)), file, msg);
            }
        }
    }
}
