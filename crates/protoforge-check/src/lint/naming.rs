//! Naming rules: the case of each kind of name, and required prefixes and suffixes.

use super::case::{
    is_lower_snake_case, is_upper_snake_case, to_lower_snake_case, to_pascal_case,
    to_upper_snake_case,
};
use super::{Ctx, Out};

/// `ENUM_PASCAL_CASE`.
pub(crate) fn enum_pascal_case(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for e in &f.enums {
            let name = e.d.name.as_deref().unwrap_or("");
            let expected = to_pascal_case(name);
            if name != expected {
                out.add(
                    fi,
                    f.name_at(&e.path),
                    format!("Enum name {name:?} should be PascalCase, such as {expected:?}."),
                );
            }
        }
    }
}

/// `ENUM_VALUE_UPPER_SNAKE_CASE`, `ENUM_VALUE_PREFIX` and `ENUM_ZERO_VALUE_SUFFIX`.
pub(crate) fn enum_values(ctx: &Ctx<'_>, out: &mut Out, rule: &str) {
    let suffix = &ctx.config.enum_zero_value_suffix;
    for (fi, f) in ctx.targets() {
        for e in &f.enums {
            let enum_name = e.d.name.as_deref().unwrap_or("");
            let prefix = format!("{}_", to_upper_snake_case(enum_name));
            for (i, v) in e.d.value.iter().enumerate() {
                let name = v.name.as_deref().unwrap_or("");
                let path = super::source::child(&e.path, 2, i);
                match rule {
                    "ENUM_VALUE_UPPER_SNAKE_CASE" => {
                        if !is_upper_snake_case(name) {
                            let expected = to_upper_snake_case(name);
                            out.add(
                                fi,
                                f.name_at(&path),
                                format!(
                                    "Enum value name {name:?} should be UPPER_SNAKE_CASE, such as {expected:?}."
                                ),
                            );
                        }
                    }
                    "ENUM_VALUE_PREFIX" => {
                        if !name.starts_with(&prefix) {
                            out.add(
                                fi,
                                f.name_at(&path),
                                format!(
                                    "Enum value name {name:?} should be prefixed with {prefix:?}."
                                ),
                            );
                        }
                    }
                    _ => {
                        if v.number.unwrap_or(0) == 0 && !name.ends_with(suffix.as_str()) {
                            out.add(
                                fi,
                                f.name_at(&path),
                                format!(
                                    "Enum zero value name {name:?} should be suffixed with {suffix:?}."
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// `FIELD_LOWER_SNAKE_CASE`.
pub(crate) fn field_lower_snake_case(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for field in &f.fields {
            if field.parent.is_some_and(|m| f.messages[m].is_map_entry()) {
                continue;
            }
            let name = field.d.name.as_deref().unwrap_or("");
            if !is_lower_snake_case(name) {
                let expected = to_lower_snake_case(name);
                out.add(
                    fi,
                    f.name_at(&field.path),
                    format!(
                        "Field name {name:?} should be lower_snake_case, such as {expected:?}."
                    ),
                );
            }
        }
    }
}

/// `FIELD_NO_DESCRIPTOR` (v1beta1).
pub(crate) fn field_no_descriptor(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for field in &f.fields {
            let name = field.d.name.as_deref().unwrap_or("");
            if name.trim_matches('_').to_lowercase() == "descriptor" {
                out.add(
                    fi,
                    f.name_at(&field.path),
                    format!(
                        "Field name {name:?} cannot be any capitalization of \"descriptor\" with any number of prefix or suffix underscores."
                    ),
                );
            }
        }
    }
}

/// `FILE_LOWER_SNAKE_CASE`.
pub(crate) fn file_lower_snake_case(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        let base = f.name.rsplit('/').next().unwrap_or(f.name);
        let ext = match base.rfind('.') {
            Some(i) => &base[i..],
            None => "",
        };
        let stem = &base[..base.len() - ext.len()];
        let expected = to_lower_snake_case(stem);
        if stem != expected {
            out.add(
                fi,
                None,
                format!(
                    "Filename {base:?} should be lower_snake_case{ext}, such as \"{expected}{ext}\"."
                ),
            );
        }
    }
}

/// `MESSAGE_PASCAL_CASE`.
pub(crate) fn message_pascal_case(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for m in &f.messages {
            if m.is_map_entry() {
                continue;
            }
            let name = m.d.name.as_deref().unwrap_or("");
            let expected = to_pascal_case(name);
            if name != expected {
                out.add(
                    fi,
                    f.name_at(&m.path),
                    format!("Message name {name:?} should be PascalCase, such as {expected:?}."),
                );
            }
        }
    }
}

/// `ONEOF_LOWER_SNAKE_CASE`.
pub(crate) fn oneof_lower_snake_case(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for o in &f.oneofs {
            let name = o.d.name.as_deref().unwrap_or("");
            if is_lower_snake_case(name) {
                continue;
            }
            let expected = to_lower_snake_case(name);
            let members: Vec<_> = f.messages[o.parent]
                .d
                .field
                .iter()
                .filter(|fd| fd.oneof_index == Some(o.index))
                .collect();
            if members.len() == 1 && members[0].proto3_optional.unwrap_or(false) {
                continue;
            }
            out.add(
                fi,
                f.name_at(&o.path),
                format!("Oneof name {name:?} should be lower_snake_case, such as {expected:?}."),
            );
        }
    }
}

/// `PACKAGE_LOWER_SNAKE_CASE`.
pub(crate) fn package_lower_snake_case(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        let pkg = f.package();
        if pkg.is_empty() {
            continue;
        }
        let expected: Vec<String> = pkg.split('.').map(to_lower_snake_case).collect();
        let expected = expected.join(".");
        if pkg != expected {
            out.add(
                fi,
                f.at(&[2]),
                format!("Package name {pkg:?} should be lower_snake.case, such as {expected:?}."),
            );
        }
    }
}

/// `RPC_PASCAL_CASE`, `SERVICE_PASCAL_CASE` and `SERVICE_SUFFIX`.
pub(crate) fn services(ctx: &Ctx<'_>, out: &mut Out, rule: &str) {
    for (fi, f) in ctx.targets() {
        for (si, s) in f.fd.service.iter().enumerate() {
            let spath = vec![6, super::source::index(si)];
            let name = s.name.as_deref().unwrap_or("");
            match rule {
                "SERVICE_PASCAL_CASE" => {
                    let expected = to_pascal_case(name);
                    if name != expected {
                        out.add(
                            fi,
                            f.name_at(&spath),
                            format!(
                                "Service name {name:?} should be PascalCase, such as {expected:?}."
                            ),
                        );
                    }
                }
                "SERVICE_SUFFIX" => {
                    let suffix = &ctx.config.service_suffix;
                    if !name.ends_with(suffix.as_str()) {
                        out.add(
                            fi,
                            f.name_at(&spath),
                            format!("Service name {name:?} should be suffixed with {suffix:?}."),
                        );
                    }
                }
                _ => {
                    for (mi, m) in s.method.iter().enumerate() {
                        let mname = m.name.as_deref().unwrap_or("");
                        let expected = to_pascal_case(mname);
                        if mname != expected {
                            out.add(
                                fi,
                                f.name_at(&super::source::child(&spath, 2, mi)),
                                format!(
                                    "RPC name {mname:?} should be PascalCase, such as {expected:?}."
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}
