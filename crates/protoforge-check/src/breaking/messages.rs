//! Rules on messages: deleted messages and oneofs, reserved and extension ranges, required
//! fields, JSON format and the descriptor accessor option.

use std::collections::{HashMap, HashSet};

use protoforge::descriptor::DescriptorProto;
use protoforge::descriptor::feature_set::JsonFormat;
use protoforge::descriptor::field_descriptor_proto::Label;

use super::features::json_name;
use super::files::pairs;
use super::model::{Msg, Side};
use super::{Out, q};

const MESSAGE_MAX: i32 = 536_870_911;
const MESSAGE_SET_MAX: i32 = 2_147_483_646;

/// Each message of the previous image that the current image also has (by full name):
/// (current, previous) indexes.
pub(crate) fn msg_pairs(out: &Out<'_, '_>) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for (pi, pm) in out.prev.msgs.iter().enumerate() {
        if out.prev.msg_by_full.get(&pm.full) != Some(&pi) {
            continue;
        }
        if let Some(&ci) = out.cur.msg_by_full.get(&pm.full) {
            v.push((ci, pi));
        }
    }
    v
}

/// Nested name to message index for the messages of one file.
pub(crate) fn file_msgs<'s>(side: &'s Side<'_>, file: usize) -> HashMap<&'s str, usize> {
    let mut m = HashMap::new();
    for (i, msg) in side.msgs.iter().enumerate() {
        if msg.file == file {
            m.entry(msg.nested.as_str()).or_insert(i);
        }
    }
    m
}

/// Nested name to message index for the messages of one package.
fn package_msgs<'s>(side: &'s Side<'_>, package: &str) -> HashMap<&'s str, usize> {
    let mut m = HashMap::new();
    for (i, msg) in side.msgs.iter().enumerate() {
        if side.files[msg.file].package() == package {
            m.entry(msg.nested.as_str()).or_insert(i);
        }
    }
    m
}

/// The closest enclosing message of a deleted element that still exists in `msgs`
/// (buf reports the deletion there; at the file when none does).
pub(crate) fn enclosing(msgs: &HashMap<&str, usize>, nested: &str) -> Option<usize> {
    let parts: Vec<&str> = nested.split('.').collect();
    (1..parts.len())
        .rev()
        .find_map(|i| msgs.get(parts[..i].join(".").as_str()).copied())
}

pub(crate) fn message_no_delete(out: &mut Out<'_, '_>) {
    for (ci, pi) in pairs(out) {
        let cur = file_msgs(out.cur, ci);
        let prev: Vec<usize> = (0..out.prev.msgs.len())
            .filter(|&i| out.prev.msgs[i].file == pi)
            .collect();
        let file = out.cur.files[ci].path().to_string();
        for p in prev {
            let pm = &out.prev.msgs[p];
            if cur.contains_key(pm.nested.as_str()) {
                continue;
            }
            let msg = format!(
                "Previously present message {} was deleted from file.",
                q(&pm.nested)
            );
            let loc = enclosing(&cur, &pm.nested).map(|m| &out.cur.msgs[m]);
            let at = loc.map(|m| (m.file, m.path.as_slice()));
            let against = Some((pm.file, pm.path.as_slice()));
            let msgfile = loc
                .map(|m| out.cur.files[m.file].path().to_string())
                .unwrap_or(file.clone());
            out.add(at, against, &msgfile, msg);
        }
    }
}

pub(crate) fn package_message_no_delete(out: &mut Out<'_, '_>) {
    let cur_pkgs: HashSet<&str> = out.cur.files.iter().map(|f| f.package()).collect();
    let mut by_pkg: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for p in 0..out.prev.msgs.len() {
        let pm = &out.prev.msgs[p];
        let pkg = out.prev.files[pm.file].package();
        if !cur_pkgs.contains(pkg) {
            continue;
        }
        let cur = by_pkg
            .entry(pkg)
            .or_insert_with(|| package_msgs(out.cur, pkg));
        if cur.contains_key(pm.nested.as_str()) {
            continue;
        }
        let msg = format!(
            "Previously present message {} was deleted from package {}.",
            q(&pm.nested),
            q(pkg)
        );
        let against = Some((pm.file, pm.path.as_slice()));
        let prev_path = out.prev.files[pm.file].path();
        if let Some(&cf) = out.cur.file_by_path.get(prev_path) {
            let loc = enclosing(cur, &pm.nested).map(|m| &out.cur.msgs[m]);
            let at = loc.map(|m| (m.file, m.path.as_slice()));
            let file = match loc {
                Some(m) => out.cur.files[m.file].path(),
                None => out.cur.files[cf].path(),
            };
            out.add(at, against, file, msg);
        } else {
            out.add(None, against, "", msg);
        }
    }
}

fn opt_path(m: &Msg<'_>, extra: &[i32]) -> Vec<i32> {
    let mut p = m.path.clone();
    p.extend_from_slice(extra);
    p
}

pub(crate) fn no_remove_standard_descriptor_accessor(out: &mut Out<'_, '_>) {
    let get = |d: &DescriptorProto| {
        d.options
            .as_ref()
            .and_then(|o| o.no_standard_descriptor_accessor)
            .unwrap_or(false)
    };
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&out.cur.msgs[ci], &out.prev.msgs[pi]);
        if !get(pm.d) && get(cm.d) {
            let (cp, pp) = (opt_path(cm, &[7, 2]), opt_path(pm, &[7, 2]));
            let file = out.cur.files[cm.file].path();
            let msg = "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to \"true\".".to_string();
            out.add(Some((cm.file, &cp)), Some((pm.file, &pp)), file, msg);
        }
    }
}

pub(crate) fn same_json_format(out: &mut Out<'_, '_>) {
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&out.cur.msgs[ci], &out.prev.msgs[pi]);
        if pm.feats.json() == JsonFormat::Allow && cm.feats.json() != JsonFormat::Allow {
            let (cf, pf) = (opt_path(cm, &[7, 12, 6]), opt_path(pm, &[7, 12, 6]));
            let cur = out.cur_option(cm.file, &cf, cm.path.len() + 2, &cm.path);
            let prev = out.prev_option(pm.file, &pf, pm.path.len() + 2, &pm.path);
            let file = out.cur.files[cm.file].path();
            let msg = format!(
                "Message {} JSON format support changed from {} to {}.",
                q(cm.d.name()),
                json_name(pm.feats.json()),
                json_name(cm.feats.json())
            );
            out.add_span(cur, prev, file, msg);
        }
    }
}

pub(crate) fn same_required_fields(out: &mut Out<'_, '_>) {
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&out.cur.msgs[ci], &out.prev.msgs[pi]);
        let req = |d: &DescriptorProto| -> HashMap<i32, usize> {
            d.field
                .iter()
                .enumerate()
                .filter(|(_, f)| f.label() == Label::Required)
                .map(|(i, f)| (f.number.unwrap_or(0), i))
                .collect()
        };
        let (c, p) = (req(cm.d), req(pm.d));
        let file = out.cur.files[cm.file].path();
        for n in p.keys() {
            if !c.contains_key(n) {
                let msg = format!(
                    "Message {} had required field \"{n}\" deleted. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.",
                    q(pm.d.name())
                );
                out.add(
                    Some((cm.file, &cm.path)),
                    Some((pm.file, &pm.path)),
                    file,
                    msg,
                );
            }
        }
        for (n, i) in &c {
            if !p.contains_key(n) {
                let msg = format!(
                    "Message {} had required field \"{n}\" added. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.",
                    q(cm.d.name())
                );
                let fp = opt_path(cm, &[2, *i as i32]);
                out.add(Some((cm.file, &fp)), None, file, msg);
            }
        }
    }
}

/// Whether oneof `index` of `d` only exists for a proto3 `optional` field.
pub(crate) fn synthetic_oneof(d: &DescriptorProto, index: i32) -> bool {
    let members: Vec<_> = d
        .field
        .iter()
        .filter(|f| f.oneof_index == Some(index))
        .collect();
    !members.is_empty() && members.iter().all(|f| f.proto3_optional == Some(true))
}

pub(crate) fn oneof_no_delete(out: &mut Out<'_, '_>) {
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&out.cur.msgs[ci], &out.prev.msgs[pi]);
        let cur: HashSet<&str> = cm.d.oneof_decl.iter().map(|o| o.name()).collect();
        for (i, o) in pm.d.oneof_decl.iter().enumerate() {
            if cur.contains(o.name()) || synthetic_oneof(pm.d, i as i32) {
                continue;
            }
            let msg = format!(
                "Previously present oneof {} on message {} was deleted.",
                q(o.name()),
                q(cm.d.name())
            );
            let file = out.cur.files[cm.file].path();
            out.add(
                Some((cm.file, &cm.path)),
                Some((pm.file, &pm.path)),
                file,
                msg,
            );
        }
    }
}

fn message_max(d: &DescriptorProto) -> i32 {
    if d.options
        .as_ref()
        .and_then(|o| o.message_set_wire_format)
        .unwrap_or(false)
    {
        MESSAGE_SET_MAX
    } else {
        MESSAGE_MAX
    }
}

pub(crate) fn reserved_message_no_delete(out: &mut Out<'_, '_>) {
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&out.cur.msgs[ci], &out.prev.msgs[pi]);
        let r = |d: &DescriptorProto| -> Vec<(i32, i32)> {
            d.reserved_range
                .iter()
                .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0) - 1))
                .collect()
        };
        let file = out.cur.files[cm.file].path();
        let kind = ("reserved", "message", cm.d.name());
        let (pmax, cmax) = (message_max(pm.d), message_max(cm.d));
        for msg in tag_ranges(kind, &r(pm.d), &r(cm.d), pmax, cmax) {
            out.add(
                Some((cm.file, &cm.path)),
                Some((pm.file, &pm.path)),
                file,
                msg,
            );
        }
        let cur: HashSet<&String> = cm.d.reserved_name.iter().collect();
        let mut seen = HashSet::new();
        for n in &pm.d.reserved_name {
            if !cur.contains(n) && seen.insert(n) {
                let msg = format!(
                    "Previously present reserved name {} on message {} was deleted.",
                    q(n),
                    q(cm.d.name())
                );
                out.add(
                    Some((cm.file, &cm.path)),
                    Some((pm.file, &pm.path)),
                    file,
                    msg,
                );
            }
        }
    }
}

pub(crate) fn extension_message_no_delete(out: &mut Out<'_, '_>) {
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&out.cur.msgs[ci], &out.prev.msgs[pi]);
        let r = |d: &DescriptorProto| -> Vec<(i32, i32)> {
            d.extension_range
                .iter()
                .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0) - 1))
                .collect()
        };
        let file = out.cur.files[cm.file].path();
        let kind = ("extension", "message", cm.d.name());
        let (pmax, cmax) = (message_max(pm.d), message_max(cm.d));
        for msg in tag_ranges(kind, &r(pm.d), &r(cm.d), pmax, cmax) {
            out.add(
                Some((cm.file, &cm.path)),
                Some((pm.file, &pm.path)),
                file,
                msg,
            );
        }
    }
}

/// The messages for ranges of `previous` (inclusive) not covered by `current`:
/// `(range kind, element kind, element name)`, and the largest value of each side.
pub(crate) fn tag_ranges(
    kind: (&str, &str, &str),
    previous: &[(i32, i32)],
    current: &[(i32, i32)],
    prev_max: i32,
    cur_max: i32,
) -> Vec<String> {
    let mut out = Vec::new();
    if previous.is_empty() {
        return out;
    }
    let collapsed = collapse(current);
    for &(start, end) in previous {
        let missing = find_missing(start, end, &collapsed);
        if missing.is_empty() {
            continue;
        }
        let prev_str = if start == end {
            format!("[{start}]")
        } else if end == prev_max {
            format!("[{start},max]")
        } else {
            format!("[{start},{end}]")
        };
        let removed: Vec<String> = missing
            .iter()
            .map(|&(s, e)| {
                if s == e {
                    format!("[{s}]")
                } else if e == cur_max {
                    format!("[{s},max]")
                } else {
                    format!("[{s},{e}]")
                }
            })
            .collect();
        out.push(format!(
            "Previously present {} range {} on {} {} is missing values: {} were removed.",
            kind.0,
            q(&prev_str),
            kind.1,
            q(kind.2),
            removed.join(", ")
        ));
    }
    out
}

fn collapse(ranges: &[(i32, i32)]) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = ranges
        .iter()
        .map(|&(s, e)| (i64::from(s), i64::from(e)))
        .collect();
    v.sort();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (s, e) in v {
        if let Some(last) = out.last_mut()
            && s <= last.1 + 1
        {
            last.1 = last.1.max(e);
            continue;
        }
        out.push((s, e));
    }
    out
}

fn find_missing(start: i32, end: i32, collapsed: &[(i64, i64)]) -> Vec<(i32, i32)> {
    let (mut start, end) = (i64::from(start), i64::from(end));
    let mut index = collapsed.partition_point(|r| r.1 < start);
    if index >= collapsed.len() || collapsed[index].0 > end {
        return vec![(start as i32, end as i32)];
    }
    let mut missing = Vec::new();
    let (mut es, mut ee) = collapsed[index];
    loop {
        if start < es {
            if end < es {
                missing.push((start, end));
            } else {
                missing.push((start, es - 1));
            }
        }
        start = ee + 1;
        index += 1;
        if index >= collapsed.len() || ee >= end {
            break;
        }
        (es, ee) = collapsed[index];
    }
    if end > ee {
        missing.push((ee + 1, end));
    }
    missing
        .into_iter()
        .map(|(s, e)| (s as i32, e as i32))
        .collect()
}
