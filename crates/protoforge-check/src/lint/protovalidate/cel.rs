//! The CEL rules of messages and fields, as far as they can be checked without a CEL engine.

use super::quote::go_quote;
use super::wire::Msg;

/// The checks of CEL rules that need no CEL engine: ids made of allowed characters, unique
/// ids, expressions not empty.
pub(super) fn cel_ids(
    cels: &[Msg<'_>],
    parent: &str,
    capitalized: &str,
    cel_name: &str,
    add: &mut dyn FnMut(i32, String),
) {
    let mut ids: Vec<(String, Vec<i32>)> = Vec::new();
    for (i, rule) in cels.iter().enumerate() {
        let i = i32::try_from(i).unwrap_or(i32::MAX);
        let id = rule.string(1).unwrap_or_default();
        if !id.is_empty() {
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                add(
                    i,
                    format!(
                        "{capitalized} has invalid characters for {cel_name}.id. IDs must contain only characters a-z, A-Z, 0-9, '.', '_', '-'."
                    ),
                );
            }
            match ids.iter_mut().find(|(n, _)| *n == id) {
                Some((_, v)) => v.push(i),
                None => ids.push((id, vec![i])),
            }
        }
        if rule.string(3).unwrap_or_default().trim().is_empty() {
            add(
                i,
                format!(
                    "{capitalized} has an empty {cel_name}.expression. Expressions should always be specified."
                ),
            );
        }
    }
    for (id, indexes) in ids {
        if indexes.len() > 1 {
            for i in indexes {
                add(
                    i,
                    format!(
                        "{cel_name}.id ({}) is not unique within {parent}.",
                        go_quote(&id)
                    ),
                );
            }
        }
    }
}

pub(super) fn empty_expressions(
    exprs: &[String],
    capitalized: &str,
    name: &str,
    add: &mut dyn FnMut(i32, String),
) {
    for (i, e) in exprs.iter().enumerate() {
        if e.trim().is_empty() {
            add(
                i32::try_from(i).unwrap_or(i32::MAX),
                format!(
                    "{capitalized} has an empty {name}. Expressions should always be specified."
                ),
            );
        }
    }
}
