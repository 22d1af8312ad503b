//! The `(buf.validate.message).oneof` rules: each names distinct fields of the message, and
//! each field in one entry only.

use protoforge::descriptor::DescriptorProto;

use super::quote::go_quote;
use super::wire::{Msg, Types};

/// The `(buf.validate.message).oneof` entries must name distinct fields of the message, each
/// in one entry only.
pub(super) fn message_oneofs(
    rules: &Msg<'_>,
    m: &DescriptorProto,
    name: &str,
    types: &Types<'_>,
    add: &mut dyn FnMut(&[i32], String),
) {
    let q = go_quote(name);
    let mut entries_of: Vec<(String, Vec<i32>)> = Vec::new();
    for (i, entry) in rules.messages(4, types).iter().enumerate() {
        let i = i32::try_from(i).unwrap_or(i32::MAX);
        let fields = entry.strings(1);
        if fields.is_empty() {
            add(
                &[4, i],
                format!(
                    "Message {q} has a (buf.validate.message).oneof entry with no fields. Each oneof entry must specify at least one field."
                ),
            );
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for (j, f) in fields.iter().enumerate() {
            let j = i32::try_from(j).unwrap_or(i32::MAX);
            let fq = go_quote(f);
            if seen.contains(&f.as_str()) {
                add(
                    &[4, i, 1, j],
                    format!(
                        "Message {q} has a (buf.validate.message).oneof entry that references field {fq} more than once. Duplicate field names are not permitted."
                    ),
                );
                continue;
            }
            seen.push(f);
            if !m.field.iter().any(|d| d.name.as_deref() == Some(f)) {
                add(
                    &[4, i, 1, j],
                    format!(
                        "Message {q} has a (buf.validate.message).oneof entry that references field {fq}, which is not defined in the message."
                    ),
                );
                continue;
            }
            match entries_of.iter_mut().find(|(n, _)| n == f) {
                Some((_, v)) => v.push(i),
                None => entries_of.push((f.clone(), vec![i])),
            }
        }
    }
    for (f, entries) in entries_of {
        if entries.len() < 2 {
            continue;
        }
        for i in entries {
            add(
                &[4, i],
                format!(
                    "Message {q} references field {} in more than one (buf.validate.message).oneof entry. A field may only appear in one oneof entry.",
                    go_quote(&f)
                ),
            );
        }
    }
}
