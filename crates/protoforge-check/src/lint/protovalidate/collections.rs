//! The `repeated` and `map` rules: item counts, `unique` on item types that allow it, and
//! the rules of the items, keys and values, checked as fields of their own.

use protoforge::descriptor::field_descriptor_proto::Type;

use super::field::{Adder, FieldInfo, Sink, WRAPPERS, check_rules};
use super::wire::Msg;
use super::{MAP, REPEATED, REQUIRED};

pub(super) fn repeated_rules(
    a: &Adder<'_, '_>,
    rules: &Msg<'_>,
    fd: &FieldInfo<'_>,
    sink: &mut Sink<'_>,
) {
    let field = a.field();
    if !fd.is_list() {
        let r = a.rule(&[REPEATED]);
        a.add(
            sink,
            &[REPEATED],
            format!("{field} is not repeated but has {r} rules."),
        );
        return;
    }
    if rules.flag(3)
        && let Some(m) = fd.message_name()
        && !WRAPPERS.contains(&m)
    {
        let r = a.rule(&[REPEATED, 3]);
        a.add(
            sink,
            &[REPEATED, 3],
            format!("{field} is of type {} but has {r} set to true, which is only allowed for scalar types and wrapper types.", a.pretty),
        );
    }
    if let (Some(min), Some(max)) = (rules.uint(1), rules.uint(2))
        && min > max
    {
        let (rmin, rmax) = (a.rule(&[REPEATED, 1]), a.rule(&[REPEATED, 2]));
        a.add(
            sink,
            &[REPEATED, 1],
            format!("{field} has value {min} for {rmin}, which must be lower than value {max} for {rmax}."),
        );
        a.add(
            sink,
            &[REPEATED, 2],
            format!("{field} has value {max} for {rmax}, which must be higher than value {min} for {rmin}."),
        );
    }
    let items = a.with_base(&a.path(&[REPEATED, 4]));
    if let Some(item_rules) = rules.message(4, a.types) {
        if item_rules.flag(REQUIRED as u32) {
            let r = items.rule(&[REQUIRED]);
            items.add(
                sink,
                &[REQUIRED],
                format!("{field} has {r} on repeated item rules, which is unenforceable. The {r} constraint cannot be applied to individual items in a repeated field."),
            );
        }
        check_rules(&items, &item_rules, fd, false, sink);
    }
}

pub(super) fn map_rules(
    a: &Adder<'_, '_>,
    rules: &Msg<'_>,
    fd: &FieldInfo<'_>,
    sink: &mut Sink<'_>,
) {
    let field = a.field();
    let Some(entry) = fd.map_entry else {
        let r = a.rule(&[MAP]);
        a.add(sink, &[MAP], format!("{field} is not a map but has {r}."));
        return;
    };
    if let (Some(min), Some(max)) = (rules.uint(1), rules.uint(2))
        && min > max
    {
        let (rmin, rmax) = (a.rule(&[MAP, 1]), a.rule(&[MAP, 2]));
        a.add(
            sink,
            &[MAP, 1],
            format!("{field} has value {min} for {rmin}, which must be lower than value {max} for {rmax}."),
        );
        a.add(
            sink,
            &[MAP, 2],
            format!("{field} has value {max} for {rmax}, which must be higher than value {min} for {rmin}."),
        );
    }
    for (number, what, entry_field) in [(4, "key", 0), (5, "value", 1)] {
        let sub = a.with_base(&a.path(&[MAP, number]));
        let Some(sub_rules) = rules.message(number as u32, a.types) else {
            continue;
        };
        if sub_rules.flag(REQUIRED as u32) {
            let r = sub.rule(&[REQUIRED]);
            sub.add(
                sink,
                &[REQUIRED],
                format!("{field} has {r} on map {what} rules, which is unenforceable. The {r} constraint cannot be applied to map {what}s."),
            );
        }
        let Some(d) = entry.field.get(entry_field) else {
            continue;
        };
        let info = FieldInfo {
            d,
            is_extension: false,
            oneof: None,
            has_presence: matches!(d.r#type, Some(Type::Message | Type::Group)),
            map_entry: None,
        };
        check_rules(&sub, &sub_rules, &info, false, sink);
    }
}
