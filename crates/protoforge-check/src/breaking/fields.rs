//! Rules on fields and extensions: deletions, and changes of type, cardinality, name, JSON
//! name, default, oneof and the string and JavaScript options.

use std::collections::{BTreeMap, HashMap, HashSet};

use protoforge::descriptor::feature_set::Utf8Validation;
use protoforge::descriptor::field_descriptor_proto::Type;
use protoforge::descriptor::field_options::{CType, JsType};

use super::defaults::{can_have_default, default_of, equal};
use super::features::utf8_name;
use super::files::pairs;
use super::kinds::{
    Cardinality, cardinality, describe, describe_with_name, is_64bit, kind, kind_pretty,
    wire_group, wire_json_group,
};
use super::messages::{enclosing, file_msgs, msg_pairs, synthetic_oneof};
use super::model::{Fld, Side, Span};
use super::{Out, q};

/// Every field of the previous image paired with the current field of the same number in
/// the same message (by full name), then every extension paired by extendee and number:
/// `(current, previous, is_extension)` indexes into `fields` or `exts`.
fn field_pairs(out: &Out<'_, '_>) -> Vec<(usize, usize, bool)> {
    let mut v = Vec::new();
    for (ci, pi) in msg_pairs(out) {
        let cur: HashMap<i32, usize> = out.cur.msg_fields[ci]
            .iter()
            .map(|&f| (out.cur.fields[f].d.number.unwrap_or(0), f))
            .collect();
        for &pf in &out.prev.msg_fields[pi] {
            if let Some(&cf) = cur.get(&out.prev.fields[pf].d.number.unwrap_or(0)) {
                v.push((cf, pf, false));
            }
        }
    }
    let index = |side: &Side<'_>| -> HashMap<(String, i32), usize> {
        let mut m = HashMap::new();
        for (i, x) in side.exts.iter().enumerate() {
            m.entry((x.d.extendee().to_string(), x.d.number.unwrap_or(0)))
                .or_insert(i);
        }
        m
    };
    let cur = index(out.cur);
    for (key, pi) in index(out.prev) {
        if let Some(&ci) = cur.get(&key) {
            v.push((ci, pi, true));
        }
    }
    v
}

/// Runs `f` on each pair of fields (current, previous).
fn each_pair(out: &mut Out<'_, '_>, f: impl Fn(&mut Out<'_, '_>, &Fld<'_>, &Fld<'_>)) {
    let cur = out.cur;
    let prev = out.prev;
    for (ci, pi, ext) in field_pairs(out) {
        let (c, p) = if ext {
            (&cur.exts[ci], &prev.exts[pi])
        } else {
            (&cur.fields[ci], &prev.fields[pi])
        };
        f(out, c, p);
    }
}

fn sub(f: &Fld<'_>, extra: &[i32]) -> Vec<i32> {
    let mut p = f.path.clone();
    p.extend_from_slice(extra);
    p
}

fn file_of<'a>(side: &Side<'a>, f: &Fld<'_>) -> &'a str {
    side.files[f.file].path()
}

fn deleted(out: &mut Out<'_, '_>, by_number: bool, by_name: bool) {
    let cur = out.cur;
    let prev = out.prev;
    for (ci, pi) in msg_pairs(out) {
        let (cm, pm) = (&cur.msgs[ci], &prev.msgs[pi]);
        let numbers: HashSet<i32> = cm.d.field.iter().map(|f| f.number.unwrap_or(0)).collect();
        for &pf in &prev.msg_fields[pi] {
            let p = &prev.fields[pf];
            let number = p.d.number.unwrap_or(0);
            if numbers.contains(&number) {
                continue;
            }
            let reserved_number =
                cm.d.reserved_range
                    .iter()
                    .any(|r| number >= r.start.unwrap_or(0) && number < r.end.unwrap_or(0));
            let reserved_name = cm.d.reserved_name.iter().any(|n| n == p.d.name());
            if (by_number && reserved_number) || (by_name && reserved_name) {
                continue;
            }
            let suffix = if by_number {
                format!(" without reserving the number \"{number}\"")
            } else if by_name {
                format!(" without reserving the name {}", q(p.d.name()))
            } else {
                String::new()
            };
            let d = describe(prev, p);
            let d = format!("{}{}", d[..1].to_lowercase(), &d[1..]);
            let msg = format!("Previously present {d} was deleted{suffix}.");
            out.add(
                Some((cm.file, &cm.path)),
                Some((pm.file, &pm.path)),
                cur.files[cm.file].path(),
                msg,
            );
        }
    }
}

pub(crate) fn field_no_delete(out: &mut Out<'_, '_>) {
    deleted(out, false, false);
}

pub(crate) fn field_no_delete_unless_name_reserved(out: &mut Out<'_, '_>) {
    deleted(out, false, true);
}

pub(crate) fn field_no_delete_unless_number_reserved(out: &mut Out<'_, '_>) {
    deleted(out, true, false);
}

fn cardinality_rule(out: &mut Out<'_, '_>, group: fn(Cardinality) -> u8) {
    each_pair(out, |out, c, p| {
        if out.cur.in_map_entry(c) && out.prev.in_map_entry(p) {
            return;
        }
        let (pc, cc) = (cardinality(out.prev, p), cardinality(out.cur, c));
        if group(pc) != group(cc) {
            let msg = format!(
                "{} changed cardinality from {} to {}.",
                describe(out.cur, c),
                q(pc.name()),
                q(cc.name())
            );
            let file = file_of(out.cur, c);
            out.add(Some((c.file, &c.path)), Some((p.file, &p.path)), file, msg);
        }
    });
}

fn same(c: Cardinality) -> u8 {
    c as u8
}

pub(crate) fn same_cardinality(out: &mut Out<'_, '_>) {
    cardinality_rule(out, same);
}

pub(crate) fn wire_compatible_cardinality(out: &mut Out<'_, '_>) {
    cardinality_rule(out, Cardinality::wire_group);
}

pub(crate) fn wire_json_compatible_cardinality(out: &mut Out<'_, '_>) {
    cardinality_rule(out, Cardinality::wire_json_group);
}

/// The path of a field's type: `type_name` for messages, enums and groups, else `type`.
fn type_path(f: &Fld<'_>) -> Vec<i32> {
    match kind(f) {
        Type::Message | Type::Enum | Type::Group => sub(f, &[6]),
        _ => sub(f, &[5]),
    }
}

fn changed_type(out: &mut Out<'_, '_>, c: &Fld<'_>, p: &Fld<'_>, extra: &str) {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" {extra}")
    };
    let msg = format!(
        "{} changed type from {} to {}.{extra}",
        describe(out.cur, c),
        q(kind_pretty(p)),
        q(kind_pretty(c))
    );
    let (cp, pp) = (type_path(c), type_path(p));
    let file = file_of(out.cur, c);
    out.add(Some((c.file, &cp)), Some((p.file, &pp)), file, msg);
}

fn changed_type_name(out: &mut Out<'_, '_>, c: &Fld<'_>, p: &Fld<'_>) {
    let trim = |s: &str| s.strip_prefix('.').unwrap_or(s).to_string();
    let msg = format!(
        "{} changed type from {} to {}.",
        describe(out.cur, c),
        q(&trim(p.d.type_name())),
        q(&trim(c.d.type_name()))
    );
    let (cp, pp) = (sub(c, &[6]), sub(p, &[6]));
    let file = file_of(out.cur, c);
    out.add(Some((c.file, &cp)), Some((p.file, &pp)), file, msg);
}

pub(crate) fn same_type(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if kind(p) != kind(c) {
            changed_type(out, c, p, "");
        } else if matches!(c.d.r#type(), Type::Enum | Type::Group | Type::Message)
            && p.d.type_name() != c.d.type_name()
        {
            changed_type_name(out, c, p);
        }
    });
}

/// For an enum field whose enum changed: a finding unless the new enum has the old one's
/// name and every old value.
fn enum_compatible(out: &mut Out<'_, '_>, c: &Fld<'_>, p: &Fld<'_>) {
    let (Some(pe), Some(ce)) = (
        out.prev.enum_named(p.d.type_name()),
        out.cur.enum_named(c.d.type_name()),
    ) else {
        return;
    };
    if pe.d.name() != ce.d.name() {
        changed_type_name(out, c, p);
        return;
    }
    let cur: HashMap<&str, i32> =
        ce.d.value
            .iter()
            .map(|v| (v.name(), v.number.unwrap_or(0)))
            .collect();
    let subset =
        pe.d.value
            .iter()
            .all(|v| cur.get(v.name()) == Some(&v.number.unwrap_or(0)));
    if !subset {
        changed_type_name(out, c, p);
    }
}

const WIRE_RULES: &str = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";

pub(crate) fn wire_compatible_type(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        let (pk, ck) = (kind(p), kind(c));
        if wire_group(pk) != wire_group(ck) {
            match (pk, ck) {
                (Type::String, Type::Bytes) => {}
                (Type::Bytes, Type::String) => changed_type(
                    out,
                    c,
                    p,
                    &format!(
                        "{WIRE_RULES} Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible."
                    ),
                ),
                _ => changed_type(out, c, p, WIRE_RULES),
            }
            return;
        }
        match c.d.r#type() {
            Type::Enum if p.d.type_name() != c.d.type_name() => enum_compatible(out, c, p),
            Type::Group | Type::Message if p.d.type_name() != c.d.type_name() => {
                changed_type_name(out, c, p);
            }
            _ => {}
        }
    });
}

pub(crate) fn wire_json_compatible_type(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        let (pk, ck) = (kind(p), kind(c));
        if wire_json_group(pk) != wire_json_group(ck) {
            changed_type(
                out,
                c,
                p,
                "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.",
            );
            return;
        }
        match ck {
            Type::Enum if p.d.type_name() != c.d.type_name() => enum_compatible(out, c, p),
            Type::Group | Type::Message if p.d.type_name() != c.d.type_name() => {
                changed_type_name(out, c, p);
            }
            _ => {}
        }
    });
}

pub(crate) fn same_name(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        let (pn, cn) = if p.parent.is_none() {
            (p.full.as_str(), c.full.as_str())
        } else {
            (p.d.name(), c.d.name())
        };
        if pn != cn {
            let msg = format!(
                "{} changed name from {} to {}.",
                describe_with_name(out.cur, c, ""),
                q(pn),
                q(cn)
            );
            let (cp, pp) = (sub(c, &[1]), sub(p, &[1]));
            let file = file_of(out.cur, c);
            out.add(Some((c.file, &cp)), Some((p.file, &pp)), file, msg);
        }
    });
}

/// Adds a finding at an option of both fields (falling back to the fields themselves).
fn add_at_option(out: &mut Out<'_, '_>, c: &Fld<'_>, p: &Fld<'_>, extra: &[i32], msg: String) {
    let (cp, pp) = (sub(c, extra), sub(p, extra));
    let cur = out.cur.files[c.file]
        .loc(&cp)
        .or_else(|| out.cur.files[c.file].loc(&c.path));
    let prev = out.prev.files[p.file]
        .loc(&pp)
        .or_else(|| out.prev.files[p.file].loc(&p.path));
    let file = file_of(out.cur, c);
    out.add_span(
        cur.map(|s| (c.file, s)),
        prev.map(|s| (p.file, s)),
        file,
        msg,
    );
}

pub(crate) fn same_json_name(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if p.parent.is_none() {
            return;
        }
        let (pj, cj) = (p.d.json_name(), c.d.json_name());
        if pj != cj {
            let msg = format!(
                "{} changed option \"json_name\" from {} to {}.",
                describe(out.cur, c),
                q(pj),
                q(cj)
            );
            add_at_option(out, c, p, &[10], msg);
        }
    });
}

fn jstype_name(f: &Fld<'_>) -> &'static str {
    match f
        .d
        .options
        .as_ref()
        .and_then(|o| o.jstype)
        .unwrap_or(JsType::JsNormal)
    {
        JsType::JsString => "JS_STRING",
        JsType::JsNumber => "JS_NUMBER",
        JsType::JsNormal => "JS_NORMAL",
    }
}

pub(crate) fn same_jstype(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if !is_64bit(p.d.r#type()) || !is_64bit(c.d.r#type()) {
            return;
        }
        let (pj, cj) = (jstype_name(p), jstype_name(c));
        if pj != cj {
            let msg = format!(
                "{} changed option \"jstype\" from {} to {}.",
                describe(out.cur, c),
                q(pj),
                q(cj)
            );
            add_at_option(out, c, p, &[8, 6], msg);
        }
    });
}

/// A field's C++ string type and whether it was spelled `STRING_PIECE`.
fn cpp_string_type(f: &Fld<'_>) -> (&'static str, bool) {
    if !f.feats.edition_2024 {
        match f.d.options.as_ref().and_then(|o| o.ctype) {
            Some(CType::Cord) => return ("CORD", false),
            Some(CType::StringPiece) => return ("STRING", true),
            Some(CType::String) => return ("STRING", false),
            None if !f.feats.editions => return ("STRING", false),
            _ => {}
        }
    }
    match f.feats.cpp_string_type {
        1 => ("VIEW", false),
        2 => ("CORD", false),
        _ => ("STRING", false),
    }
}

pub(crate) fn same_cpp_string_type(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if out.cur.in_map_entry(c) && out.prev.in_map_entry(p) {
            return;
        }
        let text = |f: &Fld<'_>| matches!(kind(f), Type::String | Type::Bytes);
        if !text(p) || !text(c) {
            return;
        }
        let (pt, ppiece) = cpp_string_type(p);
        let (ct, cpiece) = cpp_string_type(c);
        if (pt != ct || ppiece != cpiece) && !(ppiece && ct == "STRING") {
            let name = |t: &'static str, piece: bool| if piece { "STRING_PIECE" } else { t };
            let msg = format!(
                "{} changed C++ string type from {} to {}.",
                describe(out.cur, c),
                q(name(pt, ppiece)),
                q(name(ct, cpiece))
            );
            let custom = |f: &Fld<'_>| (sub(f, &[8, 21, 1000, 2]), f.path.len() + 2);
            let (cc, cl) = custom(c);
            let (pc, pl) = custom(p);
            let cur = out.cur.files[c.file]
                .loc(&sub(c, &[8, 1]))
                .or_else(|| out.cur.files[c.file].option_loc(&cc, cl))
                .or_else(|| out.cur.files[c.file].loc(&c.path));
            let prev = out.prev.files[p.file]
                .loc(&sub(p, &[8, 1]))
                .or_else(|| out.prev.files[p.file].option_loc(&pc, pl))
                .or_else(|| out.prev.files[p.file].loc(&p.path));
            let file = file_of(out.cur, c);
            out.add_span(
                cur.map(|s| (c.file, s)),
                prev.map(|s| (p.file, s)),
                file,
                msg,
            );
        }
    });
}

/// A string field's Java UTF-8 validation.
fn java_utf8(side: &Side<'_>, f: &Fld<'_>) -> Utf8Validation {
    let check = side.files[f.file]
        .fd
        .options
        .as_ref()
        .and_then(|o| o.java_string_check_utf8);
    if !f.feats.editions || check.is_some() {
        return if check == Some(true) {
            Utf8Validation::Verify
        } else {
            f.feats.utf8()
        };
    }
    if f.feats.java_utf8 == 2 {
        Utf8Validation::Verify
    } else {
        f.feats.utf8()
    }
}

pub(crate) fn same_java_utf8_validation(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if kind(p) != Type::String || kind(c) != Type::String {
            return;
        }
        let (pv, cv) = (java_utf8(out.prev, p), java_utf8(out.cur, c));
        if pv != cv {
            let msg = format!(
                "{} changed Java string UTF8 validation from {} to {}.",
                describe(out.cur, c),
                q(utf8_name(pv)),
                q(utf8_name(cv))
            );
            let file_opt = [8, 27];
            let custom = |f: &Fld<'_>| (sub(f, &[8, 21, 1001, 2]), f.path.len() + 2);
            let (cc, cl) = custom(c);
            let (pc, pl) = custom(p);
            let cur = out.cur.files[c.file]
                .loc(&file_opt)
                .or_else(|| out.cur.files[c.file].option_loc(&cc, cl))
                .or_else(|| out.cur.files[c.file].loc(&c.path));
            let prev = out.prev.files[p.file]
                .loc(&file_opt)
                .or_else(|| out.prev.files[p.file].option_loc(&pc, pl))
                .or_else(|| out.prev.files[p.file].loc(&p.path));
            let file = file_of(out.cur, c);
            out.add_span(
                cur.map(|s| (c.file, s)),
                prev.map(|s| (p.file, s)),
                file,
                msg,
            );
        }
    });
}

pub(crate) fn same_utf8_validation(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if kind(p) != Type::String || kind(c) != Type::String {
            return;
        }
        if p.feats.utf8() != c.feats.utf8() {
            let msg = format!(
                "{} changed UTF8 validation from {} to {}.",
                describe(out.cur, c),
                utf8_name(p.feats.utf8()),
                utf8_name(c.feats.utf8())
            );
            let (cp, pp) = (sub(c, &[8, 21, 4]), sub(p, &[8, 21, 4]));
            let cur = out.cur_option(c.file, &cp, c.path.len() + 2, &c.path);
            let prev = out.prev_option(p.file, &pp, p.path.len() + 2, &p.path);
            let file = file_of(out.cur, c);
            out.add_span(cur, prev, file, msg);
        }
    });
}

pub(crate) fn same_default(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if !can_have_default(out.prev, p) || !can_have_default(out.cur, c) {
            return;
        }
        let (pd, cd) = (default_of(out.prev, p), default_of(out.cur, c));
        if pd.is_zero() && cd.is_zero() {
            return;
        }
        if !equal(&pd, &cd) {
            let msg = format!(
                "{} changed default value from {} to {}.",
                describe(out.cur, c),
                pd.printable(),
                cd.printable()
            );
            let (cp, pp) = (sub(c, &[7]), sub(p, &[7]));
            let cur = match out.cur.files[c.file].loc(&cp) {
                Some(span) => Some(with_keyword(out, c.file, span)),
                None => out.cur.files[c.file].loc(&c.path),
            };
            let prev = out.prev.files[p.file]
                .loc(&pp)
                .or_else(|| out.prev.files[p.file].loc(&p.path));
            let file = file_of(out.cur, c);
            out.add_span(
                cur.map(|s| (c.file, s)),
                prev.map(|s| (p.file, s)),
                file,
                msg,
            );
        }
    });
}

/// A default value's span widened to start at the `default` keyword before it on the same
/// line, when the current file's text is at hand.
fn with_keyword(out: &Out<'_, '_>, file: usize, span: Span) -> Span {
    let Some(root) = out.cur_root else {
        return span;
    };
    let Ok(text) = std::fs::read_to_string(root.join(out.cur.files[file].path())) else {
        return span;
    };
    let Some(line) = usize::try_from(span[0])
        .ok()
        .and_then(|l| text.lines().nth(l))
    else {
        return span;
    };
    let Some(head) = usize::try_from(span[1]).ok().and_then(|c| line.get(..c)) else {
        return span;
    };
    let head = head.trim_end();
    let Some(head) = head.strip_suffix('=') else {
        return span;
    };
    let head = head.trim_end();
    match head.strip_suffix("default") {
        Some(before) if !before.ends_with(|c: char| c.is_alphanumeric() || c == '_') => {
            let mut s = span;
            s[1] = i32::try_from(before.len()).unwrap_or(s[1]);
            s
        }
        _ => span,
    }
}

/// The name of the (non-synthetic) oneof a field is in.
fn oneof_of<'a>(side: &Side<'a>, f: &Fld<'a>) -> Option<&'a str> {
    let m = side.msgs[f.parent?].d;
    let i = f.d.oneof_index?;
    if synthetic_oneof(m, i) {
        return None;
    }
    m.oneof_decl.get(usize::try_from(i).ok()?).map(|o| o.name())
}

pub(crate) fn same_oneof(out: &mut Out<'_, '_>) {
    each_pair(out, |out, c, p| {
        if p.parent.is_none() {
            return;
        }
        let (po, co) = (oneof_of(out.prev, p), oneof_of(out.cur, c));
        let msg = match (po, co) {
            (None, None) => return,
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => format!(
                "{}q moved from oneof {} to oneof {}.",
                describe(out.cur, c),
                q(a),
                q(b)
            ),
            (Some(_), None) => format!(
                "{} moved from inside to outside a oneof.",
                describe(out.cur, c)
            ),
            (None, Some(_)) => format!(
                "{} moved from outside to inside a oneof.",
                describe(out.cur, c)
            ),
        };
        let file = file_of(out.cur, c);
        out.add(Some((c.file, &c.path)), Some((p.file, &p.path)), file, msg);
    });
}

/// Nested name to extension index for the extensions of one file.
fn file_exts<'s>(side: &'s Side<'_>, file: usize) -> BTreeMap<&'s str, usize> {
    let mut m = BTreeMap::new();
    for (i, x) in side.exts.iter().enumerate() {
        if x.file == file {
            m.entry(x.nested.as_str()).or_insert(i);
        }
    }
    m
}

pub(crate) fn extension_no_delete(out: &mut Out<'_, '_>) {
    let (cur, prev) = (out.cur, out.prev);
    for (ci, pi) in pairs(out) {
        let cur_exts = file_exts(cur, ci);
        let msgs = file_msgs(cur, ci);
        for (nested, &px) in &file_exts(prev, pi) {
            if cur_exts.contains_key(nested) {
                continue;
            }
            let px = &prev.exts[px];
            let at = enclosing(&msgs, nested).map(|m| &cur.msgs[m]);
            let msg = format!(
                "Previously present extension {} was deleted from file.",
                q(nested)
            );
            out.add(
                at.map(|m| (m.file, m.path.as_slice())),
                Some((px.file, &px.path)),
                cur.files[ci].path(),
                msg,
            );
        }
    }
}

pub(crate) fn package_extension_no_delete(out: &mut Out<'_, '_>) {
    let (cur, prev) = (out.cur, out.prev);
    let cur_pkgs: HashSet<&str> = cur.files.iter().map(|f| f.package()).collect();
    let cur_names: HashSet<(&str, &str)> = cur
        .exts
        .iter()
        .map(|x| (cur.files[x.file].package(), x.nested.as_str()))
        .collect();
    for px in &prev.exts {
        let pkg = prev.files[px.file].package();
        if !cur_pkgs.contains(pkg) || cur_names.contains(&(pkg, px.nested.as_str())) {
            continue;
        }
        let msg = format!(
            "Previously present extension {} was deleted from package {}.",
            q(&px.nested),
            q(pkg)
        );
        match cur.file_by_path.get(prev.files[px.file].path()) {
            Some(&cf) => {
                let msgs = file_msgs(cur, cf);
                let at = enclosing(&msgs, &px.nested).map(|m| &cur.msgs[m]);
                out.add(
                    at.map(|m| (m.file, m.path.as_slice())),
                    Some((px.file, &px.path)),
                    cur.files[cf].path(),
                    msg,
                );
            }
            None => out.add(None, Some((px.file, &px.path)), "", msg),
        }
    }
}
