//! Linking: resolves every type name of a lowered file against the [`Pool`] the way protoc
//! does.
//!
//! Field types become fully qualified (`.pkg.Msg`) and named fields get their `type`
//! (message or enum); extendees and method input/output types become fully qualified. Errors
//! use protoc's wording and are reported at the name as written, in protoc's order (nested
//! messages, then fields, then extensions of each message; then file extensions; then services).

mod diagnostics;

use protoforge::descriptor::field_descriptor_proto::Type;
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};
use protoforge_parse::{Diagnostic, Span};

use crate::span_map::{NameMap, SpanMap};
use crate::symbols::{Pool, SymbolKind, join};
use crate::tag;
use diagnostics as diag;

/// Resolves every name in `file` (already added to `pool`) in place and returns the errors,
/// each with the path of the element (field, extension, method) it is about, in protoc's
/// cross-link order.
pub(crate) fn link(
    file: &mut FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
) -> Vec<(Vec<i32>, Diagnostic)> {
    let file_name = file.name.clone().unwrap_or_default();
    let package = file.package.clone().unwrap_or_default();
    let own_enums = own_enum_values(file);
    let mut linker = Linker {
        pool,
        spans,
        file_name: &file_name,
        own_enums,
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
                    Some((full, SymbolKind::Message)) => *ty = Some(full),
                    Some(_) => {
                        linker.error(&path, sub, diag::not_a_message_type(name));
                    }
                    None => {}
                }
            }
        }
    }
    linker.diagnostics
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
    /// The value names of the file's own enums (see [`own_enum_values`]).
    own_enums: Option<NameMap<String, Vec<String>>>,
    diagnostics: Vec<(Vec<i32>, Diagnostic)>,
}

/// The value names of each enum `file` defines, by full name, when a field of the file has a
/// default value (enum defaults are checked against them). The pool holds only the header of
/// the file being linked, so its own enums are read here.
fn own_enum_values(file: &FileDescriptorProto) -> Option<NameMap<String, Vec<String>>> {
    fn has_default(m: &DescriptorProto) -> bool {
        m.field
            .iter()
            .chain(&m.extension)
            .any(|f| f.default_value.is_some())
            || m.nested_type.iter().any(has_default)
    }
    fn add_enums(
        out: &mut NameMap<String, Vec<String>>,
        scope: &str,
        enums: &[EnumDescriptorProto],
        messages: &[DescriptorProto],
    ) {
        for e in enums {
            let values = e.value.iter().filter_map(|v| v.name.clone()).collect();
            out.insert(join(scope, e.name.as_deref().unwrap_or("")), values);
        }
        for m in messages {
            let scope = join(scope, m.name.as_deref().unwrap_or(""));
            add_enums(out, &scope, &m.enum_type, &m.nested_type);
        }
    }
    let any_default = file.extension.iter().any(|f| f.default_value.is_some())
        || file.message_type.iter().any(has_default);
    if !any_default {
        return None;
    }
    let mut out = NameMap::default();
    let package = file.package.as_deref().unwrap_or("");
    add_enums(&mut out, package, &file.enum_type, &file.message_type);
    Some(out)
}

impl Linker<'_> {
    fn error(&mut self, path: &[i32], sub: i32, message: String) {
        let mut p = path.to_vec();
        p.push(sub);
        let span = self.spans.get(&p).or_else(|| self.spans.nearest(path));
        self.diagnostics
            .push((path.to_vec(), at(self.file_name, span, message)));
    }

    /// Resolves `name` and reports protoc's "not defined" errors; returns the full name (with
    /// a leading dot, as linked descriptors spell it) and kind of what it found.
    fn resolve(
        &mut self,
        scope: &str,
        name: &str,
        types_only: bool,
        path: &[i32],
        sub: i32,
    ) -> Option<(String, SymbolKind)> {
        match self.pool.resolve(self.file_name, scope, name, types_only) {
            Ok(s) => {
                let mut full = String::with_capacity(s.full_name.len() + 1);
                full.push('.');
                full.push_str(s.full_name);
                Some((full, s.kind))
            }
            Err(err) => {
                for message in diag::not_defined(name, self.file_name, &err) {
                    self.error(path, sub, message);
                }
                None
            }
        }
    }

    fn message(&mut self, m: &mut DescriptorProto, scope: &str, path: &[i32]) {
        let full = join(scope, m.name.as_deref().unwrap_or(""));
        // One path buffer for every member: `path` plus `[tag, index]`, rewritten in place.
        let mut p = Vec::with_capacity(path.len() + 2);
        p.extend_from_slice(path);
        p.extend([0, 0]);
        let last = path.len();
        for (i, n) in m.nested_type.iter_mut().enumerate() {
            p[last] = tag::message::NESTED_TYPE;
            p[last + 1] = i as i32;
            self.message(n, &full, &p);
        }
        for (i, f) in m.field.iter_mut().enumerate() {
            p[last] = tag::message::FIELD;
            p[last + 1] = i as i32;
            self.field(f, &full, &p);
        }
        for (i, f) in m.extension.iter_mut().enumerate() {
            p[last] = tag::message::EXTENSION;
            p[last + 1] = i as i32;
            self.field(f, &full, &p);
        }
    }

    /// Links one field or extension declared in `scope`.
    fn field(&mut self, f: &mut FieldDescriptorProto, scope: &str, path: &[i32]) {
        if let Some(extendee) = f.extendee.as_deref() {
            match self.resolve(scope, extendee, false, path, tag::field::EXTENDEE) {
                Some((full, SymbolKind::Message)) => f.extendee = Some(full),
                Some(_) => {
                    self.error(
                        path,
                        tag::field::EXTENDEE,
                        diag::not_a_message_type(extendee),
                    );
                }
                None => {}
            }
        }
        if let Some((ty, full)) = self.field_type(f, scope, path) {
            f.r#type = Some(ty);
            f.type_name = Some(full);
        }
    }

    /// Resolves the `type_name` of a field: its type and fully qualified name (with the leading
    /// dot), or `None` after reporting why it cannot be used.
    fn field_type(
        &mut self,
        f: &FieldDescriptorProto,
        scope: &str,
        path: &[i32],
    ) -> Option<(Type, String)> {
        let type_name = f.type_name.as_deref()?;
        let (dotted, kind) = self.resolve(scope, type_name, true, path, tag::field::TYPE_NAME)?;
        let full = &dotted[1..];
        let ty = match f.r#type {
            Some(t) => t,
            None => match kind {
                SymbolKind::Message => Type::Message,
                SymbolKind::Enum => Type::Enum,
                _ => {
                    self.error(path, tag::field::TYPE_NAME, diag::not_a_type(type_name));
                    return None;
                }
            },
        };
        match ty {
            Type::Message | Type::Group => {
                if kind != SymbolKind::Message {
                    self.error(
                        path,
                        tag::field::TYPE_NAME,
                        diag::not_a_message_type(type_name),
                    );
                    return None;
                }
                if f.default_value.is_some() {
                    self.error(path, tag::field::DEFAULT_VALUE, diag::default_on_message());
                }
            }
            Type::Enum => {
                if kind != SymbolKind::Enum {
                    self.error(
                        path,
                        tag::field::TYPE_NAME,
                        diag::not_an_enum_type(type_name),
                    );
                    return None;
                }
                if let Some(default) = f.default_value.as_deref() {
                    let own = self.own_enums.as_ref().and_then(|m| m.get(full));
                    let known = match own {
                        Some(values) => values.iter().any(|v| v == default),
                        None => self.pool.enum_type(full).is_some_and(|e| {
                            e.value.iter().any(|v| v.name.as_deref() == Some(default))
                        }),
                    };
                    if !known {
                        let msg = diag::unknown_enum_default(full, default);
                        self.error(path, tag::field::DEFAULT_VALUE, msg);
                    }
                }
            }
            _ => {
                self.error(path, tag::field::TYPE_NAME, diag::type_name_on_primitive());
                return None;
            }
        }
        Some((ty, dotted))
    }
}
