//! `COMMENT_*`: declarations need a leading comment that says something.

use protoforge::descriptor::field_descriptor_proto::Type;

use super::source::{FileView, child, index};
use super::{Ctx, Out};

/// Whether `comment` has a non-empty line that is not a `buf:lint:ignore` directive.
fn meaningful(comment: &str) -> bool {
    comment.split('\n').any(|line| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with(super::IGNORE_PREFIX)
    })
}

fn check(f: &FileView<'_>, fi: usize, out: &mut Out, path: &[i32], kind: &str, name: &str) {
    let Some(loc) = f.location(path) else {
        return;
    };
    if !meaningful(loc.leading_comments.as_deref().unwrap_or("")) {
        out.add(
            fi,
            Some(path.to_vec()),
            format!("{kind} {name:?} should have a non-empty comment for documentation."),
        );
    }
}

/// The `COMMENT_*` rule `rule`.
pub(crate) fn comments(ctx: &Ctx<'_>, out: &mut Out, rule: &str) {
    for (fi, f) in ctx.targets() {
        match rule {
            "COMMENT_ENUM" => {
                for e in &f.enums {
                    check(
                        f,
                        fi,
                        out,
                        &e.path,
                        "Enum",
                        e.d.name.as_deref().unwrap_or(""),
                    );
                }
            }
            "COMMENT_ENUM_VALUE" => {
                for e in &f.enums {
                    for (i, v) in e.d.value.iter().enumerate() {
                        let path = child(&e.path, 2, i);
                        check(
                            f,
                            fi,
                            out,
                            &path,
                            "Enum value",
                            v.name.as_deref().unwrap_or(""),
                        );
                    }
                }
            }
            "COMMENT_FIELD" => {
                for field in &f.fields {
                    if field.parent.is_some_and(|m| f.messages[m].is_map_entry())
                        || field.d.r#type == Some(Type::Group)
                    {
                        continue;
                    }
                    let name = field.d.name.as_deref().unwrap_or("");
                    check(f, fi, out, &field.path, "Field", name);
                }
            }
            "COMMENT_MESSAGE" => {
                for m in &f.messages {
                    if !m.is_map_entry() {
                        check(
                            f,
                            fi,
                            out,
                            &m.path,
                            "Message",
                            m.d.name.as_deref().unwrap_or(""),
                        );
                    }
                }
            }
            "COMMENT_ONEOF" => {
                for o in &f.oneofs {
                    let members: Vec<_> = f.messages[o.parent]
                        .d
                        .field
                        .iter()
                        .filter(|fd| fd.oneof_index == Some(o.index))
                        .collect();
                    let synthetic =
                        members.len() == 1 && members[0].proto3_optional.unwrap_or(false);
                    if !synthetic {
                        check(
                            f,
                            fi,
                            out,
                            &o.path,
                            "Oneof",
                            o.d.name.as_deref().unwrap_or(""),
                        );
                    }
                }
            }
            "COMMENT_SERVICE" => {
                for (si, s) in f.fd.service.iter().enumerate() {
                    let path = [6, index(si)];
                    check(
                        f,
                        fi,
                        out,
                        &path,
                        "Service",
                        s.name.as_deref().unwrap_or(""),
                    );
                }
            }
            _ => {
                for (si, s) in f.fd.service.iter().enumerate() {
                    for (mi, m) in s.method.iter().enumerate() {
                        let path = child(&[6, index(si)], 2, mi);
                        check(f, fi, out, &path, "RPC", m.name.as_deref().unwrap_or(""));
                    }
                }
            }
        }
    }
}
