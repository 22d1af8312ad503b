//! The rules on values: numeric bounds and constants (with NaN bounds of floats), string and
//! bytes lengths and formats, and Duration and Timestamp bounds.

use super::field::{Adder, Sink};
use super::quote::{go_quote, go_quote_bytes};
use super::wire::{Msg, Scalar};
use super::{BYTES, DURATION, STRING, TIMESTAMP};

/// A bound or constant of numeric rules, comparable for equality.
#[derive(PartialEq)]
enum Value {
    Number(Scalar),
    Time(i64, i64),
}

pub(super) fn numeric(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    let present = rules.present();
    let mut constant = None;
    let (mut lower, mut upper) = (None, None);
    for &n in &present {
        let Some(f) = rules.field(n) else { continue };
        let name = f.name.as_deref().unwrap_or("");
        if !matches!(name, "const" | "gt" | "gte" | "lt" | "lte") {
            continue;
        }
        let value = if kind == DURATION || kind == TIMESTAMP {
            let Some(m) = rules.message(n, a.types) else {
                continue;
            };
            let (s, ns) = (m.int(1).unwrap_or(0), m.int(2).unwrap_or(0));
            let invalid = if kind == DURATION {
                duration_error(s, ns)
            } else {
                timestamp_error(s, ns)
            };
            if let Some(e) = invalid {
                let r = a.rule(&[kind, n as i32]);
                a.add(
                    sink,
                    &[kind, n as i32],
                    format!("{field} has an invalid {r}: {e}."),
                );
                continue;
            }
            Value::Time(s, ns)
        } else {
            let Some(v) = rules.scalar(n) else { continue };
            Value::Number(v)
        };
        let slot = (value, n as i32, name.ends_with('e'));
        match name {
            "const" => constant = Some(slot),
            "gt" | "gte" => lower = Some(slot),
            _ => upper = Some(slot),
        }
    }
    if let Some((_, n, _)) = &constant
        && present.len() > 1
    {
        let (r, all) = (a.rule(&[kind, *n]), a.rule(&[kind]));
        a.add(
            sink,
            &[kind, *n],
            format!("{field} has {r}, therefore other rules in {all} are not applied and should be removed."),
        );
    }
    let (Some((lo, lo_n, lo_incl)), Some((hi, hi_n, hi_incl))) = (lower, upper) else {
        return;
    };
    if lo != hi {
        return;
    }
    let (rlo, rhi) = (a.rule(&[kind, lo_n]), a.rule(&[kind, hi_n]));
    let message = if lo_incl && hi_incl {
        format!(
            "{field} has equal {rlo} and {rhi}, use {}.const instead.",
            a.rule(&[kind])
        )
    } else {
        format!("{field} has equal {rlo} and {rhi}. All values are rejected by these checks.")
    };
    a.add_all(sink, &[&[kind, lo_n], &[kind, hi_n]], &message);
}

pub(super) fn nans(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    let is_nan = |s: &Scalar| matches!(s, Scalar::Float(f) if f.is_nan());
    for n in rules.present() {
        let Some(f) = rules.field(n) else { continue };
        let name = f.name.as_deref().unwrap_or("");
        let r = a.rule(&[kind, n as i32]);
        match name {
            "const" | "lt" | "lte" | "gt" | "gte"
                if rules.scalar(n).is_some_and(|s| is_nan(&s)) =>
            {
                a.add(
                    sink,
                    &[kind, n as i32],
                    format!("{field} has {r} set to NaN. Comparisons with NaN are always false, so this rule can never be satisfied."),
                );
            }
            "in" | "not_in" => {
                let effect = if name == "in" {
                    "can never match"
                } else {
                    "has no effect"
                };
                for (i, v) in rules.scalars(n).iter().enumerate() {
                    if is_nan(v) {
                        a.add(
                            sink,
                            &[kind, n as i32, i32::try_from(i).unwrap_or(i32::MAX)],
                            format!("{field} has NaN in {r}. Comparisons with NaN are always false, so this entry {effect}."),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// `const` makes the other rules of its kind pointless.
pub(super) fn only_const(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let present = rules.present();
    let Some(n) = rules.field_named("const").and_then(|f| f.number) else {
        return;
    };
    if present.len() > 1 && present.contains(&(n as u32)) {
        let (r, all) = (a.rule(&[kind, n]), a.rule(&[kind]));
        a.add(
            sink,
            &[kind, n],
            format!(
                "{} has {r}, therefore other rules in {all} are not applied and should be removed.",
                a.field()
            ),
        );
    }
}

/// `len` with `min_len`/`max_len`, and `min_len` above or equal to `max_len`.
fn lengths(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, names: [&str; 3], sink: &mut Sink<'_>) {
    let field = a.field();
    let get = |name: &str| {
        let n = rules.field_named(name)?.number?;
        rules
            .has(n as u32)
            .then(|| (n, rules.uint(n as u32).unwrap_or(0)))
    };
    let (len, min, max) = (get(names[0]), get(names[1]), get(names[2]));
    if let Some((ln, _)) = len {
        for (n, _) in [min, max].into_iter().flatten() {
            let (rl, r) = (a.rule(&[kind, ln]), a.rule(&[kind, n]));
            a.add(
                sink,
                &[kind, n],
                format!("{field} has {rl} and therefore, {r} is redundant and should be removed."),
            );
        }
    }
    let (Some((min_n, min)), Some((max_n, max))) = (min, max) else {
        return;
    };
    let (rmin, rmax) = (a.rule(&[kind, min_n]), a.rule(&[kind, max_n]));
    if min > max {
        a.add(
            sink,
            &[kind, min_n],
            format!("{field} has value {min} for {rmin}, which must be lower than value {max} for {rmax}."),
        );
        a.add(
            sink,
            &[kind, max_n],
            format!("{field} has value {max} for {rmax}, which must be higher than value {min} for {rmin}."),
        );
    } else if min == max {
        a.add_all(
            sink,
            &[&[kind, min_n], &[kind, max_n]],
            &format!(
                "{field} has equal {rmin} and {}, use {}.{} instead.",
                names[2],
                a.rule(&[kind]),
                names[0]
            ),
        );
    }
}

pub(super) fn string_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    only_const(a, STRING, rules, sink);
    lengths(a, STRING, rules, ["len", "min_len", "max_len"], sink);
    lengths(
        a,
        STRING,
        rules,
        ["len_bytes", "min_bytes", "max_bytes"],
        sink,
    );
    let get = |n: u32| rules.has(n).then(|| rules.uint(n).unwrap_or(0));
    let (min_len, max_len, min_bytes, max_bytes) = (get(2), get(3), get(4), get(5));
    let r = |n: i32| a.rule(&[STRING, n]);
    if let (Some(min_len), Some(max_bytes)) = (min_len, max_bytes)
        && max_bytes < min_len
    {
        let tail = format!(
            "A string with {min_len} UTF-8 characters has at least {min_len} bytes, which is higher than {max_bytes} bytes."
        );
        a.add(
            sink,
            &[STRING, 2],
            format!("{field} has value {min_len} for {}, which must be lower than value {max_bytes} for {}. {tail}", r(2), r(5)),
        );
        a.add(
            sink,
            &[STRING, 5],
            format!("{field} has value {max_bytes} for {}, which must be higher than value {min_len} for {}. {tail}", r(5), r(2)),
        );
    }
    if let (Some(max_len), Some(min_bytes)) = (max_len, min_bytes)
        && max_len.saturating_mul(4) < min_bytes
    {
        let tail = format!(
            "A string with {max_len} UTF-8 characters has at most {} bytes.",
            max_len * 4
        );
        a.add(
            sink,
            &[STRING, 4],
            format!(
                "{field} has value {min_bytes} for {} but {max_len} for {}. {tail}",
                r(4),
                r(3)
            ),
        );
        a.add(
            sink,
            &[STRING, 3],
            format!(
                "{field} has value {max_len} for {} but {min_bytes} for {}. {tail}",
                r(3),
                r(4)
            ),
        );
    }
    let not_contains = rules.has(23).then(|| rules.string(23).unwrap_or_default());
    for n in [7, 8, 9] {
        if !rules.has(n as u32) {
            continue;
        }
        let s = rules.string(n as u32).unwrap_or_default();
        let chars = s.chars().count() as u64;
        if let Some(max) = max_len.filter(|&m| chars > m) {
            a.add(
                sink,
                &[STRING, n],
                format!("{field} has a {} of length {chars}, exceeding its max_len ({max}). It is impossible for a string to contain {} while having less than or equal to {chars} UTF-8 characters.", r(n), go_quote(&s)),
            );
        }
        let bytes = s.len() as u64;
        if let Some(max) = max_bytes.filter(|&m| bytes > m) {
            a.add(
                sink,
                &[STRING, n],
                format!("{field} has a {} of {bytes} bytes, exceeding its max_bytes ({max}). It is impossible for a string to contain {} while having less than or equal to {bytes} bytes.", r(n), go_quote(&s)),
            );
        }
        if let Some(nc) = &not_contains
            && s.contains(nc.as_str())
        {
            let (q, qn) = (go_quote(&s), go_quote(nc));
            a.add(
                sink,
                &[STRING, n],
                format!("{field} has a {} ({q}) containing its not_contains ({qn}). It is impossible for a string to contain {q} without containing {qn}.", r(n)),
            );
        }
    }
    let well_known = well_known_regex(rules);
    if rules.has(25) && !rules.flag(25) && !well_known {
        let (s, w) = (r(25), r(24));
        a.add(
            sink,
            &[STRING, 25],
            format!(
                "{field} has {s} without {w}. {s} only applies to {w} and is invalid without it."
            ),
        );
    }
}

/// Whether `well_known_regex` (field 24) is set to something other than unspecified.
fn well_known_regex(rules: &Msg<'_>) -> bool {
    rules.has(24) && matches!(rules.scalar(24), Some(Scalar::Int(i)) if i != 0)
}

pub(super) fn bytes_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    only_const(a, BYTES, rules, sink);
    lengths(a, BYTES, rules, ["len", "min_len", "max_len"], sink);
    let Some(max) = rules.has(3).then(|| rules.uint(3).unwrap_or(0)) else {
        return;
    };
    for n in [5, 6, 7] {
        let b = rules.bytes(n as u32).unwrap_or_default();
        if b.len() as u64 > max {
            a.add(
                sink,
                &[BYTES, n],
                format!(
                    "{} has a {} of {} bytes, exceeding its max_len ({max}). It is impossible to contain {} while having less than or equal to {max} bytes.",
                    a.field(),
                    a.rule(&[BYTES, n]),
                    b.len(),
                    go_quote_bytes(b)
                ),
            );
        }
    }
}

pub(super) fn timestamp_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    numeric(a, TIMESTAMP, rules, sink);
    if rules.flag(7) && rules.flag(8) {
        let (gt, lt) = (a.rule(&[TIMESTAMP, 8]), a.rule(&[TIMESTAMP, 7]));
        a.add_all(
            sink,
            &[&[TIMESTAMP, 8], &[TIMESTAMP, 7]],
            &format!("{field} has both {gt} and {lt}. A timestamp cannot be both before and after validation time."),
        );
    }
    if let Some(within) = rules.message(9, a.types) {
        let (s, ns) = (within.int(1).unwrap_or(0), within.int(2).unwrap_or(0));
        let r = a.rule(&[TIMESTAMP, 9]);
        if let Some(e) = duration_error(s, ns) {
            a.add(
                sink,
                &[TIMESTAMP, 9],
                format!("{field} has an invalid {r}: {e}."),
            );
        } else if s <= 0 && ns <= 0 {
            a.add(
                sink,
                &[TIMESTAMP, 9],
                format!(
                    "{field} must have a positive {r} ({}).",
                    seconds_nanos(s, ns)
                ),
            );
        }
    }
}

/// A Duration or Timestamp as Go's protobuf prints it: `seconds:1 nanos:2`, zero fields left
/// out.
fn seconds_nanos(s: i64, ns: i64) -> String {
    let mut parts = Vec::new();
    if s != 0 {
        parts.push(format!("seconds:{s}"));
    }
    if ns != 0 {
        parts.push(format!("nanos:{ns}"));
    }
    parts.join(" ")
}

fn duration_error(s: i64, ns: i64) -> Option<String> {
    let d = seconds_nanos(s, ns);
    if ns <= -1_000_000_000 || ns >= 1_000_000_000 {
        return Some(format!(
            "duration ({d}) must have nanos in the range 0 to 999999999"
        ));
    }
    if (s > 0 && ns < 0) || (s < 0 && ns > 0) {
        return Some(format!(
            "duration ({d}) has seconds and nanos with different signs"
        ));
    }
    // Go's time.Duration (int64 nanoseconds) bounds what buf accepts.
    let total = i128::from(s) * 1_000_000_000 + i128::from(ns);
    let max = 9_223_372_036_854_775_428_i128;
    if total > max || total < -max {
        return Some(format!(
            "duration ({d}) must be in the range seconds:-9223372036 nanos:-854775428 to seconds:9223372036 nanos:854775428"
        ));
    }
    None
}

fn timestamp_error(s: i64, ns: i64) -> Option<String> {
    let t = seconds_nanos(s, ns);
    if s < -62_135_596_800 {
        return Some(format!("proto:\u{a0}timestamp ({t}) before 0001-01-01"));
    }
    if s >= 253_402_300_800 {
        return Some(format!("proto:\u{a0}timestamp ({t}) after 9999-12-31"));
    }
    if !(0..1_000_000_000).contains(&ns) {
        return Some(format!(
            "proto:\u{a0}timestamp ({t}) has out-of-range nanos"
        ));
    }
    None
}
