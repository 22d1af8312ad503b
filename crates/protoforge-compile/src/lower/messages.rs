//! Messages: definitions, their bodies in source order, oneofs, `extend` blocks, the nesting limit,
//! `export`/`local`, and proto3's synthetic oneofs.

use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, MessageOptions, OneofDescriptorProto, OneofOptions,
    SymbolVisibility, UninterpretedOption, descriptor_proto::ReservedRange,
};
use protoforge_parse::{Span, ast};

use super::options::is_plain_option;
use super::ranges::MAX_SENTINEL;
use super::{FieldContext, Lowerer, Syntax, TypeSink, diag, idx, join};
use crate::tag;

impl Lowerer<'_> {
    pub(super) fn message(&mut self, m: &ast::Message, path: Vec<i32>) -> DescriptorProto {
        if path.len() / 2 >= MAX_MESSAGE_NESTING {
            // protoc's parser gives up on the 32nd nested message, at its keyword.
            self.error(diag::nesting_too_deep(m.span.shrink_to_lo()));
            return DescriptorProto {
                name: Some(m.name.name.clone()),
                ..Default::default()
            };
        }
        let i = self.loc(&path, m.span);
        self.attach(i, &m.comments);
        self.loc_at(&path, &[tag::message::NAME], m.name.span);
        let mut msg = DescriptorProto {
            name: Some(m.name.name.clone()),
            ..Default::default()
        };
        self.visibility(
            m.visibility,
            m.name.span,
            path.len() > 2,
            &mut msg.visibility,
        );
        self.message_body(&m.body, &path, &mut msg);
        msg
    }

    /// Sets `export`/`local` (edition 2024 and later) or reports it where protoc's parser
    /// stumbles over it: at the keyword, except inside a proto3 or edition 2023 message, where
    /// protoc reads `export message` as a field type and name and fails at the next token.
    pub(super) fn visibility(
        &mut self,
        visibility: Option<(ast::Visibility, Span)>,
        name: Span,
        nested: bool,
        out: &mut Option<SymbolVisibility>,
    ) {
        if let Some((v, span)) = visibility {
            if self.edition_at_least_2024() {
                *out = Some(match v {
                    ast::Visibility::Export => SymbolVisibility::VisibilityExport,
                    ast::Visibility::Local => SymbolVisibility::VisibilityLocal,
                });
            } else if nested && self.syntax != Syntax::Proto2 {
                self.error(diag::visibility_before_2024(name));
            } else {
                self.error(diag::visibility_before_2024(span));
            }
        }
    }

    /// The statements of a message or group body, then protoc's post-processing of the message.
    pub(super) fn message_body(
        &mut self,
        body: &ast::MessageBody,
        path: &[i32],
        msg: &mut DescriptorProto,
    ) {
        let mut options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        // Descriptors are large: growing their lists copies them, so size the lists first.
        let (mut fields, mut nested, mut enums) = (0, 0, 0);
        for item in &body.items {
            match item {
                ast::MessageItem::Field(_) => fields += 1,
                ast::MessageItem::Oneof(o) => fields += o.items.len(),
                ast::MessageItem::Message(_) => nested += 1,
                ast::MessageItem::Enum(_) => enums += 1,
                _ => {}
            }
        }
        msg.field.reserve_exact(fields);
        msg.nested_type.reserve(nested);
        msg.enum_type.reserve_exact(enums);
        for item in &body.items {
            match item {
                ast::MessageItem::Field(f) => {
                    let fpath = join(path, &[tag::message::FIELD, idx(msg.field.len())]);
                    let mut sink = TypeSink {
                        types: &mut msg.nested_type,
                        parent: path,
                        list: tag::message::NESTED_TYPE,
                    };
                    let field = self.field(f, fpath, FieldContext::Message, None, &mut sink);
                    msg.field.push(field);
                }
                ast::MessageItem::Oneof(o) => self.oneof(o, path, msg),
                ast::MessageItem::Message(m) => {
                    let p = join(
                        path,
                        &[tag::message::NESTED_TYPE, idx(msg.nested_type.len())],
                    );
                    let nested = self.message(m, p);
                    msg.nested_type.push(nested);
                }
                ast::MessageItem::Enum(e) => {
                    let p = join(path, &[tag::message::ENUM_TYPE, idx(msg.enum_type.len())]);
                    let en = self.enum_(e, p);
                    msg.enum_type.push(en);
                }
                ast::MessageItem::Extend(x) => {
                    let mut sink = TypeSink {
                        types: &mut msg.nested_type,
                        parent: path,
                        list: tag::message::NESTED_TYPE,
                    };
                    let xpath = join(path, &[tag::message::EXTENSION]);
                    self.extend(x, &xpath, &mut msg.extension, &mut sink);
                }
                ast::MessageItem::Extensions(r) => self.extension_ranges(r, path, msg),
                ast::MessageItem::Reserved(r) => {
                    self.reserved(
                        r,
                        path,
                        tag::message::RESERVED_RANGE,
                        tag::message::RESERVED_NAME,
                        false,
                        msg.reserved_range.len(),
                        |start, end| {
                            msg.reserved_range.push(ReservedRange {
                                start: Some(start),
                                end: Some(end),
                                ..Default::default()
                            })
                        },
                        &mut msg.reserved_name,
                    );
                }
                ast::MessageItem::Option(o) => {
                    has_options = true;
                    if is_plain_option(&o.name, "map_entry") {
                        self.error(diag::explicit_map_entry(o.name.span));
                    }
                    self.option_statement(&join(path, &[tag::message::OPTIONS]), o, &mut options);
                }
                ast::MessageItem::Empty(_) => {}
            }
        }
        // `max` ends of ranges depend on `message_set_wire_format`.
        let message_set = options.iter().any(|o| {
            o.name.len() == 1
                && o.name[0].is_extension != Some(true)
                && o.name[0].name_part.as_deref() == Some("message_set_wire_format")
                && o.identifier_value.as_deref() == Some("true")
        });
        let max = if message_set { i32::MAX } else { 536_870_912 };
        for r in &mut msg.extension_range {
            if r.end == Some(MAX_SENTINEL) {
                r.end = Some(max);
            }
        }
        for r in &mut msg.reserved_range {
            if r.end == Some(MAX_SENTINEL) {
                r.end = Some(max);
            }
        }
        if has_options {
            msg.options = Some(MessageOptions {
                uninterpreted_option: options,
                ..Default::default()
            });
        }
        if self.syntax == Syntax::Proto3 {
            let first_synthetic = msg.oneof_decl.len();
            synthetic_oneofs(msg);
            // Synthetic oneofs have no locations; point their paths at their fields.
            let fields = if self.keep_spans { &msg.field[..] } else { &[] };
            for (i, f) in fields.iter().enumerate() {
                match f.oneof_index {
                    Some(o) if o as usize >= first_synthetic => {
                        let field_path = join(path, &[tag::message::FIELD, idx(i)]);
                        if let Some(span) = self.spans.get(&field_path) {
                            self.spans
                                .insert(join(path, &[tag::message::ONEOF_DECL, o]), span);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn oneof(&mut self, o: &ast::Oneof, path: &[i32], msg: &mut DescriptorProto) {
        let oneof_index = idx(msg.oneof_decl.len());
        let opath = join(path, &[tag::message::ONEOF_DECL, oneof_index]);
        let i = self.loc(&opath, o.span);
        self.attach(i, &o.comments);
        self.loc_at(&opath, &[tag::oneof::NAME], o.name.span);
        msg.oneof_decl.push(OneofDescriptorProto {
            name: Some(o.name.name.clone()),
            ..Default::default()
        });
        let mut options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        for item in &o.items {
            match item {
                ast::OneofItem::Field(f) => {
                    let fpath = join(path, &[tag::message::FIELD, idx(msg.field.len())]);
                    let mut sink = TypeSink {
                        types: &mut msg.nested_type,
                        parent: path,
                        list: tag::message::NESTED_TYPE,
                    };
                    let field =
                        self.field(f, fpath, FieldContext::Oneof(oneof_index), None, &mut sink);
                    msg.field.push(field);
                }
                ast::OneofItem::Option(opt) => {
                    has_options = true;
                    self.option_statement(&join(&opath, &[tag::oneof::OPTIONS]), opt, &mut options);
                }
                ast::OneofItem::Empty(_) => {}
            }
        }
        if has_options && let Some(decl) = msg.oneof_decl.get_mut(oneof_index as usize) {
            decl.options = Some(OneofOptions {
                uninterpreted_option: options,
                ..Default::default()
            });
        }
    }

    pub(super) fn extend(
        &mut self,
        x: &ast::Extend,
        block_path: &[i32],
        extensions: &mut Vec<FieldDescriptorProto>,
        sink: &mut TypeSink<'_, '_>,
    ) {
        let i = self.loc(block_path, x.span);
        self.attach(i, &x.comments);
        self.check_message_type(&x.extendee);
        for f in &x.fields {
            let fpath = join(block_path, &[idx(extensions.len())]);
            let field = self.field(f, fpath, FieldContext::Extend, Some(&x.extendee), sink);
            extensions.push(field);
        }
    }
}

/// How deeply protoc lets message definitions nest.
const MAX_MESSAGE_NESTING: usize = 32;

/// Adds protoc's synthetic oneofs for proto3 `optional` fields, after the real oneofs.
fn synthetic_oneofs(msg: &mut DescriptorProto) {
    let mut names: std::collections::HashSet<String> = msg
        .field
        .iter()
        .filter_map(|f| f.name.clone())
        .chain(msg.oneof_decl.iter().filter_map(|o| o.name.clone()))
        .collect();
    for field in &mut msg.field {
        if field.proto3_optional != Some(true) {
            continue;
        }
        let mut name = field.name.clone().unwrap_or_default();
        if !name.starts_with('_') {
            name.insert(0, '_');
        }
        while names.contains(&name) {
            name.insert(0, 'X');
        }
        names.insert(name.clone());
        field.oneof_index = Some(idx(msg.oneof_decl.len()));
        msg.oneof_decl.push(OneofDescriptorProto {
            name: Some(name),
            ..Default::default()
        });
    }
}
