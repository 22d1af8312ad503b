//! The checks protoc makes while parsing that a context-free grammar does not express:
//! the `syntax` value, labels (required in proto2, forbidden in oneofs and on map fields),
//! map fields in oneofs, group names and the form of reserved names. Positions follow
//! protoc's reports.

use crate::ast::*;
use crate::diagnostic::Diagnostic;

/// Reports every problem of these kinds in `file`.
pub(crate) fn check(file: &File, diags: &mut Vec<Diagnostic>) {
    let mut proto2 = true;
    let mut editions = false;
    if let Some(s) = &file.syntax {
        editions = s.kind == SyntaxKind::Edition;
        if s.kind == SyntaxKind::Syntax {
            let v = s.value.to_string_lossy();
            if v != "proto2" && v != "proto3" {
                diags.push(
                    Diagnostic::error(
                        s.value.span,
                        format!("unrecognized syntax identifier \"{v}\""),
                    )
                    .with_help("use \"proto2\" or \"proto3\", or an `edition` statement"),
                );
            }
            proto2 = v == "proto2";
        } else {
            proto2 = false;
        }
    }
    let cx = Cx { proto2, editions };
    for item in &file.items {
        match item {
            FileItem::Message(m) => cx.body(&m.body, diags),
            FileItem::Enum(e) => cx.enumeration(e, diags),
            FileItem::Extend(e) => {
                for f in &e.fields {
                    cx.field(f, false, diags);
                }
            }
            _ => {}
        }
    }
}

/// What the checks need to know about the file.
struct Cx {
    /// Fields need labels.
    proto2: bool,
    /// Reserved names are identifiers rather than strings.
    editions: bool,
}

impl Cx {
    fn body(&self, body: &MessageBody, diags: &mut Vec<Diagnostic>) {
        for item in &body.items {
            match item {
                MessageItem::Field(f) => self.field(f, false, diags),
                MessageItem::Oneof(o) => {
                    for it in &o.items {
                        if let OneofItem::Field(f) = it {
                            self.field(f, true, diags);
                        }
                    }
                }
                MessageItem::Message(m) => self.body(&m.body, diags),
                MessageItem::Enum(e) => self.enumeration(e, diags),
                MessageItem::Reserved(r) => self.reserved(r, diags),
                MessageItem::Extend(e) => {
                    for f in &e.fields {
                        self.field(f, false, diags);
                    }
                }
                _ => {}
            }
        }
    }

    fn enumeration(&self, e: &Enum, diags: &mut Vec<Diagnostic>) {
        for it in &e.items {
            if let EnumItem::Reserved(r) = it {
                self.reserved(r, diags);
            }
        }
    }

    fn reserved(&self, r: &Reserved, diags: &mut Vec<Diagnostic>) {
        let ReservedKind::Names(names) = &r.kind else {
            return;
        };
        for n in names {
            if n.is_ident && !self.editions {
                diags.push(
                    Diagnostic::error(n.span, "reserved names must be string literals").with_help(
                        format!("write `\"{}\"`; only editions accept bare names", n.name),
                    ),
                );
            } else if !n.is_ident && self.editions {
                diags.push(
                    Diagnostic::error(n.span, "reserved names must be identifiers in editions")
                        .with_help(format!("write `{}` without quotes", n.name)),
                );
            }
        }
    }

    fn field(&self, f: &Field, in_oneof: bool, diags: &mut Vec<Diagnostic>) {
        match &f.kind {
            FieldKind::Map { angle_span, .. } => {
                // protoc reports map problems at the `<` after `map`.
                let angle = *angle_span;
                if in_oneof {
                    diags.push(Diagnostic::error(
                        angle,
                        "map fields are not allowed in oneofs",
                    ));
                } else if let Some((_, label)) = f.label {
                    diags.push(
                        Diagnostic::error(angle, "map fields cannot have labels")
                            .with_label(label, "remove this label"),
                    );
                }
            }
            FieldKind::Group { body, .. } => {
                if !f.name.name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    diags.push(Diagnostic::error(
                        f.name.span,
                        "group names must start with a capital letter",
                    ));
                }
                self.body(body, diags);
            }
            FieldKind::Normal { .. } => {}
        }
        if in_oneof {
            if let Some((_, label)) = f.label {
                diags.push(Diagnostic::error(
                    label,
                    "fields in oneofs must not have labels",
                ));
            }
        } else if self.proto2 && f.label.is_none() && !matches!(f.kind, FieldKind::Map { .. }) {
            diags.push(
                Diagnostic::error(
                    f.span.shrink_to_lo(),
                    "expected `required`, `optional` or `repeated`",
                )
                .with_help("proto2 fields outside oneofs need a label"),
            );
        }
    }
}
