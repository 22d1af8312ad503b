//! Linking: resolves every type name of a lowered file against the [`Pool`] the way protoc
//! does, and turns the pool's symbol conflicts into diagnostics.
//!
//! Field types become fully qualified (`.pkg.Msg`) and named fields get their `type`
//! (message or enum); extendees and method input/output types become fully qualified. Errors
//! use protoc's wording and are reported at the name as written, in protoc's order (nested
//! messages, then fields, then extensions of each message; then file extensions; then services).

use protoforge::descriptor::field_descriptor_proto::Type;
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
use protoforge_parse::{Diagnostic, Span};

use crate::span_map::SpanMap;
use crate::symbols::{Pool, ResolveError, SymbolConflict, SymbolKind, join};
use crate::tag;

/// Resolves every name in `file` (already added to `pool`) in place and returns the errors.
pub(crate) fn link(
    file: &mut FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    let file_name = file.name.clone().unwrap_or_default();
    let package = file.package.clone().unwrap_or_default();
    let mut linker = Linker {
        pool,
        spans,
        file_name: &file_name,
        diagnostics: Vec::new(),
    };
    for (i, m) in file.message_type.iter_mut().enumerate() {
        linker.message(m, &package, &[tag::file::MESSAGE_TYPE, i as i32]);
    }
    for (i, f) in file.extension.iter_mut().enumerate() {
        linker.field(f, &package, &[tag::file::EXTENSION, i as i32]);
    }
    for (i, s) in file.service.iter_mut().enumerate() {
        let scope = join(&package, s.name.as_deref().unwrap_or(""));
        for (j, m) in s.method.iter_mut().enumerate() {
            let path = [tag::file::SERVICE, i as i32, tag::service::METHOD, j as i32];
            for (ty, sub) in [
                (&mut m.input_type, tag::method::INPUT_TYPE),
                (&mut m.output_type, tag::method::OUTPUT_TYPE),
            ] {
                let Some(name) = ty.as_deref() else { continue };
                match linker.resolve(&scope, name, false, &path, sub) {
                    Some((full, SymbolKind::Message)) => *ty = Some(format!(".{full}")),
                    Some(_) => {
                        let msg = format!("\"{name}\" is not a message type.");
                        linker.error(&path, sub, msg);
                    }
                    None => {}
                }
            }
        }
    }
    linker.diagnostics
}

/// Diagnostics for names defined twice (from [`Pool::add_file`]).
pub(crate) fn conflict_diagnostics(
    file_name: &str,
    conflicts: &[SymbolConflict],
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in conflicts {
        let mut name_path = c.path.clone();
        if name_path != [tag::file::PACKAGE] {
            name_path.push(tag::field::NAME);
        }
        let span = spans.get(&name_path).or_else(|| spans.nearest(&c.path));
        out.push(at(file_name, span, c.message.clone()));
        if let Some((scope, enum_name)) = &c.enum_value_scope {
            // The quoted name is the value's full name or, within one file, its own name.
            let quoted = c.message.split('"').nth(1).unwrap_or("");
            let value = quoted.rsplit('.').next().unwrap_or(quoted);
            let scope = if scope.is_empty() {
                "the global scope".to_string()
            } else {
                format!("\"{scope}\"")
            };
            out.push(at(
                file_name,
                span,
                format!(
                    "Note that enum values use C++ scoping rules, meaning that enum values are \
                     siblings of their type, not children of it.  Therefore, \"{value}\" must be \
                     unique within {scope}, not just within \"{enum_name}\"."
                ),
            ));
        }
    }
    out
}

fn at(file_name: &str, span: Option<Span>, message: String) -> Diagnostic {
    match span {
        Some(s) => Diagnostic::error(s, message),
        None => Diagnostic::file_error(file_name, message),
    }
}

struct Linker<'a> {
    pool: &'a Pool,
    spans: &'a SpanMap,
    file_name: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Linker<'_> {
    fn error(&mut self, path: &[i32], sub: i32, message: String) {
        let mut p = path.to_vec();
        p.push(sub);
        let span = self.spans.get(&p).or_else(|| self.spans.nearest(path));
        self.diagnostics.push(at(self.file_name, span, message));
    }

    /// Resolves `name` and reports protoc's "not defined" errors; returns the full name and
    /// kind of what it found.
    fn resolve(
        &mut self,
        scope: &str,
        name: &str,
        types_only: bool,
        path: &[i32],
        sub: i32,
    ) -> Option<(String, SymbolKind)> {
        match self.pool.resolve(self.file_name, scope, name, types_only) {
            Ok(s) => Some((s.full_name.to_string(), s.kind)),
            Err(err) => {
                for message in not_defined_messages(name, self.file_name, &err) {
                    self.error(path, sub, message);
                }
                None
            }
        }
    }

    fn message(&mut self, m: &mut DescriptorProto, scope: &str, path: &[i32]) {
        let full = join(scope, m.name.as_deref().unwrap_or(""));
        for (i, n) in m.nested_type.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::message::NESTED_TYPE, i as i32]);
            self.message(n, &full, &p);
        }
        for (i, f) in m.field.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::message::FIELD, i as i32]);
            self.field(f, &full, &p);
        }
        for (i, f) in m.extension.iter_mut().enumerate() {
            let mut p = path.to_vec();
            p.extend([tag::message::EXTENSION, i as i32]);
            self.field(f, &full, &p);
        }
    }

    /// Links one field or extension declared in `scope`.
    fn field(&mut self, f: &mut FieldDescriptorProto, scope: &str, path: &[i32]) {
        if let Some(extendee) = f.extendee.clone() {
            match self.resolve(scope, &extendee, false, path, tag::field::EXTENDEE) {
                Some((full, SymbolKind::Message)) => f.extendee = Some(format!(".{full}")),
                Some(_) => {
                    let msg = format!("\"{extendee}\" is not a message type.");
                    self.error(path, tag::field::EXTENDEE, msg);
                }
                None => {}
            }
        }
        let Some(type_name) = f.type_name.clone() else {
            return;
        };
        let Some((full, kind)) = self.resolve(scope, &type_name, true, path, tag::field::TYPE_NAME)
        else {
            return;
        };
        let ty = match f.r#type {
            Some(t) => t,
            None => match kind {
                SymbolKind::Message => Type::Message,
                SymbolKind::Enum => Type::Enum,
                _ => {
                    let msg = format!("\"{type_name}\" is not a type.");
                    self.error(path, tag::field::TYPE_NAME, msg);
                    return;
                }
            },
        };
        match ty {
            Type::Message | Type::Group => {
                if kind != SymbolKind::Message {
                    let msg = format!("\"{type_name}\" is not a message type.");
                    self.error(path, tag::field::TYPE_NAME, msg);
                    return;
                }
                if f.default_value.is_some() {
                    let msg = "Messages can't have default values.".to_string();
                    self.error(path, tag::field::DEFAULT_VALUE, msg);
                }
            }
            Type::Enum => {
                if kind != SymbolKind::Enum {
                    let msg = format!("\"{type_name}\" is not an enum type.");
                    self.error(path, tag::field::TYPE_NAME, msg);
                    return;
                }
                if let Some(default) = f.default_value.as_deref() {
                    let known = self.pool.enum_type(&full).is_some_and(|e| {
                        e.value.iter().any(|v| v.name.as_deref() == Some(default))
                    });
                    if !known {
                        let msg = format!("Enum type \"{full}\" has no value named \"{default}\".");
                        self.error(path, tag::field::DEFAULT_VALUE, msg);
                    }
                }
            }
            _ => {
                let msg = "Field with primitive type has type_name.".to_string();
                self.error(path, tag::field::TYPE_NAME, msg);
                return;
            }
        }
        f.r#type = Some(ty);
        f.type_name = Some(format!(".{full}"));
    }
}

/// protoc's messages for a name that did not resolve (one or two of them).
pub(crate) fn not_defined_messages(name: &str, file_name: &str, err: &ResolveError) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((found, other)) = &err.not_imported {
        out.push(format!(
            "\"{found}\" seems to be defined in \"{other}\", which is not imported by \
             \"{file_name}\".  To use it here, please add the necessary import."
        ));
    }
    if let Some(resolved) = &err.resolved_to {
        out.push(format!(
            "\"{name}\" is resolved to \"{resolved}\", which is not defined. The innermost scope \
             is searched first in name resolution. Consider using a leading '.'(i.e., \".{name}\") \
             to start from the outermost scope."
        ));
    }
    if out.is_empty() {
        out.push(format!("\"{name}\" is not defined."));
    }
    out
}
