//! Lowering: one parsed file (`ast::File`) to the `FileDescriptorProto` protoc's parser builds
//! for it, before any linking.
//!
//! Type names stay as written, every option except `default` and `json_name` becomes an
//! `UninterpretedOption`, map fields get their entry messages, groups their nested types, and
//! proto3 `optional` fields their synthetic oneofs. `source_code_info` is filled on request, with
//! locations in protoc's order (an element before its parts, parts in source order), protoc's
//! spans and comments, and options at their pre-interpretation paths `[.., OPTIONS, 999, i]`.
//! A [`SpanMap`] records the same paths for later passes. Rules protoc's parser enforces that
//! the grammar accepts (labels, field number ranges, defaults, editions keywords...) are
//! reported here, at the line and column protoc reports.

mod diagnostics;
mod format;
#[cfg(test)]
mod tests;

use protoforge::c_format;
use protoforge::descriptor::{
    DescriptorProto, Edition, EnumDescriptorProto, EnumOptions, EnumValueDescriptorProto,
    EnumValueOptions, ExtensionRangeOptions, FieldDescriptorProto, FieldOptions,
    FileDescriptorProto, FileOptions, MessageOptions, MethodDescriptorProto, MethodOptions,
    OneofDescriptorProto, OneofOptions, ServiceDescriptorProto, ServiceOptions, SourceCodeInfo,
    SymbolVisibility, UninterpretedOption,
    descriptor_proto::{ExtensionRange, ReservedRange},
    enum_descriptor_proto::EnumReservedRange,
    field_descriptor_proto::{Label, Type},
    source_code_info::Location,
    uninterpreted_option::NamePart,
};
use protoforge_parse::{Diagnostic, LineIndex, Span, ast};

use crate::span_map::SpanMap;
use crate::tag;
use diagnostics as diag;

/// What lowering one file produced.
pub(crate) struct Lowered {
    /// The unlinked descriptor, with `source_code_info` filled when asked for.
    pub(crate) file: FileDescriptorProto,
    /// Descriptor path -> span, for error reporting by later passes.
    pub(crate) spans: SpanMap,
    /// Problems found, in the order protoc would report them.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Lowers `ast` (parsed from `text`) to the descriptor of the file named `name`. With
/// `keep_locations` false, `source_code_info` is left out, which saves most of lowering's work
/// and memory when the output has no source info. With `keep_spans` false, the span map stays
/// empty: later passes then find no span for anything, which is only right when they have
/// nothing to report (the compiler redoes such a compilation with spans when they do).
pub(crate) fn lower(
    name: &str,
    ast: &ast::File,
    text: &str,
    keep_locations: bool,
    keep_spans: bool,
) -> Lowered {
    // A statement ending in `;` has about five locations (a field: itself, label, type, name,
    // number), a `{` about two (a message: itself, its name). Sizing the span map from these
    // counts, not from the length of the text (much of it comments), avoids both regrowing it
    // and shrinking a table far too large at the end.
    let estimate = 5 * count_byte(text, b';') + 2 * count_byte(text, b'{') + 8;
    let mut l = Lowerer {
        text,
        // Lowering without locations never reads it.
        lines: LineIndex::new(if keep_locations { text } else { "" }),
        keep_locations,
        locations: Vec::with_capacity(if keep_locations { estimate } else { 0 }),
        keep_spans,
        spans: SpanMap::with_capacity(if keep_spans { estimate } else { 0 }),
        diagnostics: Vec::new(),
        syntax: Syntax::Proto2,
        edition: None,
    };
    let mut file = FileDescriptorProto {
        name: Some(name.to_owned()),
        ..Default::default()
    };
    l.file(ast, &mut file);
    if keep_locations {
        file.source_code_info = Some(SourceCodeInfo {
            location: std::mem::take(&mut l.locations),
            ..Default::default()
        });
    }
    l.spans.shrink_to_fit();
    Lowered {
        file,
        spans: l.spans,
        diagnostics: l.diagnostics,
    }
}

/// How many times `c` occurs in `text`. Counting each run of 255 bytes in a `u8` lets the
/// compiler compare and add sixteen bytes at a time.
fn count_byte(text: &str, c: u8) -> usize {
    text.as_bytes()
        .chunks(255)
        .map(|run| usize::from(run.iter().fold(0u8, |n, &b| n + u8::from(b == c))))
        .sum()
}

/// The file's syntax, which changes labels, `optional`, groups and reserved names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Syntax {
    Proto2,
    Proto3,
    Editions,
}

struct Lowerer<'a> {
    text: &'a str,
    lines: LineIndex,
    /// Whether `locations` is filled (only when the output has source info).
    keep_locations: bool,
    locations: Vec<Location>,
    /// Whether `spans` is filled (not needed when no later pass reports anything).
    keep_spans: bool,
    spans: SpanMap,
    diagnostics: Vec<Diagnostic>,
    syntax: Syntax,
    edition: Option<Edition>,
}

/// Where the nested types made by groups and map fields go: the enclosing message's
/// `nested_type` or, for top-level `extend` blocks, the file's `message_type`.
struct TypeSink<'v, 'p> {
    types: &'v mut Vec<DescriptorProto>,
    /// Path of the element holding the vector (the message, or `[]` for the file).
    parent: &'p [i32],
    /// The vector's field number in that element (`NESTED_TYPE` or `MESSAGE_TYPE`).
    list: i32,
}

impl TypeSink<'_, '_> {
    /// The path the next type pushed will have.
    fn next_path(&self) -> Vec<i32> {
        join(self.parent, &[self.list, idx(self.types.len())])
    }
}

/// Which statement a field comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldContext {
    Message,
    Oneof(i32),
    Extend,
}

fn join(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + more.len());
    p.extend_from_slice(path);
    p.extend_from_slice(more);
    p
}

fn idx(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

impl Lowerer<'_> {
    // ----------------------------------------------------------------------------------------
    // Locations.

    /// Adds a location spanning `start.start..end.end`, records it in the span map, and returns
    /// its index (for attaching comments).
    fn loc_between(&mut self, path: &[i32], start: Span, end: Span) -> usize {
        if !self.keep_locations {
            if self.keep_spans {
                self.spans.insert_path(path, start.to(end));
            }
            return usize::MAX;
        }
        let s = self.lines.line_col(self.text, start.start);
        let e = self.lines.line_col(self.text, end.end.max(start.start));
        let (sl, sc, el, ec) = (s.line as i32, s.col as i32, e.line as i32, e.col as i32);
        let mut span = Vec::with_capacity(4);
        span.extend([sl, sc]);
        if el != sl {
            span.push(el);
        }
        span.push(ec);
        if self.keep_spans {
            self.spans.insert_path(path, start.to(end));
        }
        self.locations.push(Location {
            path: path.to_vec(),
            span,
            ..Default::default()
        });
        self.locations.len() - 1
    }

    fn loc(&mut self, path: &[i32], span: Span) -> usize {
        self.loc_between(path, span, span)
    }

    /// [`Lowerer::loc`] at `path` followed by `more`, without allocating the joined path
    /// (most locations are the leaves of an element: its name, number, type...).
    fn loc_at(&mut self, path: &[i32], more: &[i32], span: Span) -> usize {
        if !self.keep_locations && !self.keep_spans {
            return usize::MAX;
        }
        let mut buf = [0i32; 24];
        let n = path.len() + more.len();
        match buf.get_mut(..n) {
            Some(joined) => {
                let (head, tail) = joined.split_at_mut(path.len());
                head.copy_from_slice(path);
                tail.copy_from_slice(more);
                self.loc_between(joined, span, span)
            }
            None => self.loc_between(&join(path, more), span, span),
        }
    }

    fn attach(&mut self, index: usize, comments: &ast::Comments) {
        if let Some(l) = self.locations.get_mut(index) {
            l.leading_comments = comments.leading.clone().filter(|c| !c.is_empty());
            l.trailing_comments = comments.trailing.clone().filter(|c| !c.is_empty());
            l.leading_detached_comments = comments.detached.clone();
        }
    }

    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// The source text of `span`.
    fn text(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    // ----------------------------------------------------------------------------------------
    // File.

    fn file(&mut self, ast: &ast::File, file: &mut FileDescriptorProto) {
        // The whole-file location runs from the first token to the end of the last one.
        let mut first: Option<Span> = ast.syntax.as_ref().map(|s| s.span);
        let mut last: Option<Span> = first;
        for item in &ast.items {
            let s = file_item_span(item);
            if first.is_none() {
                first = Some(s);
            }
            last = Some(s);
        }
        match (first, last) {
            (Some(f), Some(l)) => {
                self.loc_between(&[], f, l);
            }
            _ => {
                // No token at all: protoc starts at the end of the text and ends at 0:0.
                let end = self.lines.line_col(self.text, ast.span.end);
                let (line, col) = (end.line as i32, end.col as i32);
                let mut span = vec![line, col];
                if line != 0 {
                    span.push(0);
                }
                span.push(0);
                self.locations.push(Location {
                    span,
                    ..Default::default()
                });
            }
        }

        if let Some(decl) = &ast.syntax {
            self.syntax_decl(decl, file);
        }

        let mut file_options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        let mut package_seen = false;
        for item in &ast.items {
            match item {
                ast::FileItem::Package(p) => {
                    if package_seen {
                        self.error(diag::multiple_packages(p.span));
                    }
                    package_seen = true;
                    file.package = Some(p.name.to_dotted());
                    let i = self.loc(&[tag::file::PACKAGE], p.span);
                    self.attach(i, &p.comments);
                }
                ast::FileItem::Import(imp) => self.import(imp, file),
                ast::FileItem::Option(o) => {
                    has_options = true;
                    self.option_statement(&[tag::file::OPTIONS], o, &mut file_options);
                }
                ast::FileItem::Message(m) => {
                    let path = vec![tag::file::MESSAGE_TYPE, idx(file.message_type.len())];
                    let msg = self.message(m, path);
                    file.message_type.push(msg);
                }
                ast::FileItem::Enum(e) => {
                    let path = vec![tag::file::ENUM_TYPE, idx(file.enum_type.len())];
                    let en = self.enum_(e, path);
                    file.enum_type.push(en);
                }
                ast::FileItem::Service(s) => {
                    let path = vec![tag::file::SERVICE, idx(file.service.len())];
                    let sv = self.service(s, path);
                    file.service.push(sv);
                }
                ast::FileItem::Extend(x) => {
                    let mut sink = TypeSink {
                        types: &mut file.message_type,
                        parent: &[],
                        list: tag::file::MESSAGE_TYPE,
                    };
                    self.extend(x, &[tag::file::EXTENSION], &mut file.extension, &mut sink);
                }
                ast::FileItem::Empty(_) => {}
            }
        }
        if has_options {
            file.options = Some(FileOptions {
                uninterpreted_option: file_options,
                ..Default::default()
            });
        }
    }

    fn syntax_decl(&mut self, decl: &ast::SyntaxDecl, file: &mut FileDescriptorProto) {
        // protoc records both `syntax` and `edition` statements at the `syntax` path.
        let i = self.loc(&[tag::file::SYNTAX], decl.span);
        self.attach(i, &decl.comments);
        let value = decl.value.to_string_lossy();
        match decl.kind {
            ast::SyntaxKind::Syntax => match value.as_str() {
                // protoc leaves `syntax` unset for proto2 in the descriptors it writes.
                "proto2" => self.syntax = Syntax::Proto2,
                "proto3" => {
                    self.syntax = Syntax::Proto3;
                    file.syntax = Some(value);
                }
                _ => self.error(diag::unknown_syntax(decl.value.span, &value)),
            },
            ast::SyntaxKind::Edition => {
                let edition = Edition::from_str_name(&format!("EDITION_{value}"))
                    .filter(|e| !matches!(e, Edition::Proto2 | Edition::Proto3 | Edition::Unknown));
                match edition {
                    Some(e) => {
                        self.syntax = Syntax::Editions;
                        self.edition = Some(e);
                        file.syntax = Some("editions".to_owned());
                        file.edition = Some(e);
                    }
                    None => self.error(diag::unknown_edition(decl.value.span, &value)),
                }
            }
        }
    }

    /// True for files of edition 2024 or later.
    fn edition_at_least_2024(&self) -> bool {
        self.edition
            .is_some_and(|e| (e as i32) >= (Edition::Edition2024 as i32))
    }

    fn import(&mut self, imp: &ast::Import, file: &mut FileDescriptorProto) {
        let path_value = imp.path.to_string_lossy();
        if imp.kind == ast::ImportKind::Option {
            if !self.edition_at_least_2024() {
                self.error(diag::option_import_before_2024(
                    imp.kind_span.unwrap_or(imp.span),
                ));
            }
            let path = [
                tag::file::OPTION_DEPENDENCY,
                idx(file.option_dependency.len()),
            ];
            let i = self.loc(&path, imp.span);
            self.attach(i, &imp.comments);
            file.option_dependency.push(path_value);
            return;
        }
        let i = self.loc(
            &[tag::file::DEPENDENCY, idx(file.dependency.len())],
            imp.span,
        );
        if !file.option_dependency.is_empty() {
            let at = imp.kind_span.unwrap_or(imp.path.span);
            self.error(diag::import_after_option_import(at));
        }
        let index = idx(file.dependency.len());
        match (imp.kind, imp.kind_span) {
            (ast::ImportKind::Public, Some(k)) => {
                self.loc(
                    &[
                        tag::file::PUBLIC_DEPENDENCY,
                        idx(file.public_dependency.len()),
                    ],
                    k,
                );
                file.public_dependency.push(index);
            }
            (ast::ImportKind::Weak, Some(k)) => {
                if self.edition_at_least_2024() {
                    self.error(diag::weak_import_in_2024(k));
                }
                self.loc(
                    &[tag::file::WEAK_DEPENDENCY, idx(file.weak_dependency.len())],
                    k,
                );
                file.weak_dependency.push(index);
            }
            _ => {}
        }
        file.dependency.push(path_value);
        self.attach(i, &imp.comments);
    }

    /// protoc's parser rejects a scalar keyword (or `group`) where only a message type can
    /// stand: extendees and method input and output types.
    fn check_message_type(&mut self, name: &ast::TypeName) {
        if let [part] = name.parts.as_slice()
            && !name.leading_dot
            && (ast::ScalarType::from_name(&part.name).is_some() || part.name == "group")
        {
            self.error(diag::expected_message_type(name.span));
        }
    }

    // ----------------------------------------------------------------------------------------
    // Options.

    /// `option name = value;` inside an element whose options field is at `options_path`.
    fn option_statement(
        &mut self,
        options_path: &[i32],
        o: &ast::OptionDecl,
        out: &mut Vec<UninterpretedOption>,
    ) {
        self.loc(options_path, o.span);
        let i = self.option(options_path, &o.name, &o.value, o.span, out);
        self.attach(i, &o.comments);
    }

    /// One option (statement or `[...]` entry): adds its `UninterpretedOption` and locations
    /// and returns the index of the `[.., 999, i]` location.
    fn option(
        &mut self,
        options_path: &[i32],
        name: &ast::OptionName,
        value: &ast::Value,
        span: Span,
        out: &mut Vec<UninterpretedOption>,
    ) -> usize {
        let base = join(options_path, &[tag::UNINTERPRETED_OPTION, idx(out.len())]);
        let loc_index = self.loc(&base, span);
        self.loc_at(&base, &[2], name.span);
        let mut uo = UninterpretedOption::default();
        for (j, part) in name.parts.iter().enumerate() {
            self.loc_at(&base, &[2, idx(j)], part.span());
            match part {
                ast::OptionNamePart::Ident(id) => {
                    self.loc_at(&base, &[2, idx(j), 1], id.span);
                    uo.name.push(NamePart {
                        name_part: Some(id.name.clone()),
                        is_extension: Some(false),
                        ..Default::default()
                    });
                }
                ast::OptionNamePart::Extension { name, .. } => {
                    self.loc_at(&base, &[2, idx(j), 1], name.span);
                    uo.name.push(NamePart {
                        name_part: Some(name.to_dotted()),
                        is_extension: Some(true),
                        ..Default::default()
                    });
                }
            }
        }
        let value_field = match &value.kind {
            ast::ValueKind::Ident { negative, name } => {
                if *negative {
                    // The parser rejects any other negated word, and a file with parse
                    // errors is not lowered.
                    match name.as_str() {
                        "inf" => uo.double_value = Some(f64::NEG_INFINITY),
                        "nan" => uo.double_value = Some(f64::NAN),
                        _ => {}
                    }
                } else {
                    uo.identifier_value = Some(name.clone());
                }
                3
            }
            ast::ValueKind::Int { negative, value: v } => {
                if !*negative {
                    uo.positive_int_value = Some(*v);
                    4
                } else if *v <= 1u64 << 63 {
                    uo.negative_int_value = Some(0i64.wrapping_sub(*v as i64));
                    5
                } else {
                    uo.double_value = Some(-(*v as f64));
                    6
                }
            }
            ast::ValueKind::Float { negative, value: v } => {
                uo.double_value = Some(if *negative { -*v } else { *v });
                6
            }
            ast::ValueKind::String(bytes) => {
                if self.text(value.span).starts_with('-') {
                    self.error(diag::negative_string(value.span));
                }
                uo.string_value = Some(bytes.clone());
                7
            }
            ast::ValueKind::Aggregate(lit) => {
                let inner = if lit.span.end > lit.span.start + 1 {
                    Span::new(lit.span.file, lit.span.start + 1, lit.span.end - 1)
                } else {
                    lit.span
                };
                uo.aggregate_value = Some(format::aggregate_text(self.text(inner)));
                8
            }
        };
        self.loc_at(&base, &[value_field], value.span);
        out.push(uo);
        loc_index
    }

    // ----------------------------------------------------------------------------------------
    // Messages.

    fn message(&mut self, m: &ast::Message, path: Vec<i32>) -> DescriptorProto {
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
    fn visibility(
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
    fn message_body(&mut self, body: &ast::MessageBody, path: &[i32], msg: &mut DescriptorProto) {
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

    fn extend(
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

    /// A field, map field or group (also extensions and oneof members).
    fn field(
        &mut self,
        f: &ast::Field,
        path: Vec<i32>,
        ctx: FieldContext,
        extendee: Option<&ast::TypeName>,
        sink: &mut TypeSink<'_, '_>,
    ) -> FieldDescriptorProto {
        let mut field = FieldDescriptorProto::default();
        let field_loc = self.loc(&path, f.span);
        if let Some(x) = extendee {
            self.loc_at(&path, &[tag::field::EXTENDEE], x.span);
            field.extendee = Some(x.to_dotted());
        }
        if let FieldContext::Oneof(index) = ctx {
            field.oneof_index = Some(index);
            field.label = Some(Label::Optional);
        }

        // Label.
        let is_map = matches!(f.kind, ast::FieldKind::Map { .. });
        if let Some((label, span)) = f.label {
            if matches!(ctx, FieldContext::Oneof(_)) {
                self.error(diag::label_in_oneof(span));
            } else {
                if self.syntax == Syntax::Editions {
                    match label {
                        ast::Label::Optional => self.error(diag::optional_in_editions(span)),
                        ast::Label::Required => self.error(diag::required_in_editions(span)),
                        ast::Label::Repeated => {}
                    }
                }
                if !is_map {
                    self.loc_at(&path, &[tag::field::LABEL], span);
                }
                field.label = Some(match label {
                    ast::Label::Optional => Label::Optional,
                    ast::Label::Required => Label::Required,
                    ast::Label::Repeated => Label::Repeated,
                });
                if label == ast::Label::Optional && self.syntax == Syntax::Proto3 {
                    field.proto3_optional = Some(true);
                }
            }
        }

        // Type.
        let mut map_types: Option<(&ast::TypeRef, &ast::TypeRef)> = None;
        match &f.kind {
            ast::FieldKind::Normal { ty } => {
                self.default_label(&mut field, ty.span());
                match self.field_type(ty) {
                    Ok(t) => {
                        self.loc_at(&path, &[tag::field::TYPE], ty.span());
                        field.r#type = t;
                    }
                    Err(name) => {
                        self.loc_at(&path, &[tag::field::TYPE_NAME], ty.span());
                        field.type_name = Some(name);
                    }
                }
                if field.label == Some(Label::Required) && self.syntax == Syntax::Proto3 {
                    self.error(diag::required_in_proto3(ty.span()));
                }
            }
            ast::FieldKind::Group { keyword_span, .. } => {
                self.default_label(&mut field, *keyword_span);
                if self.syntax == Syntax::Editions {
                    self.error(diag::group_in_editions(*keyword_span));
                } else if self.syntax == Syntax::Proto3 {
                    self.error(diag::group_in_proto3(*keyword_span));
                }
                self.loc_at(&path, &[tag::field::TYPE], *keyword_span);
                field.r#type = Some(Type::Group);
            }
            ast::FieldKind::Map {
                key,
                value,
                span,
                angle_span,
            } => {
                // protoc reports these at the `<` after `map`.
                let at = *angle_span;
                if matches!(ctx, FieldContext::Oneof(_)) {
                    self.error(diag::map_in_oneof(at));
                } else if f.label.is_some() {
                    self.error(diag::label_on_map(at));
                } else if ctx == FieldContext::Extend {
                    self.error(diag::map_extension(at));
                }
                field.label = Some(Label::Repeated);
                self.loc_at(&path, &[tag::field::TYPE_NAME], *span);
                map_types = Some((key, value));
            }
        }

        // Name and number.
        self.loc_at(&path, &[tag::field::NAME], f.name.span);
        field.name = Some(f.name.name.clone());
        self.loc_at(&path, &[tag::field::NUMBER], f.number.span);
        field.number = Some(self.field_number(f.number));

        // Options, with `default` and `json_name` taken out.
        if let Some(opts) = &f.options {
            self.field_options(opts, &path, ctx, &mut field);
        }

        match &f.kind {
            ast::FieldKind::Group { body, .. } => {
                let group_path = sink.next_path();
                let gi = self.loc(&group_path, f.span);
                self.attach(gi, &f.comments);
                self.loc_at(&group_path, &[tag::message::NAME], f.name.span);
                self.loc_at(&path, &[tag::field::TYPE_NAME], f.name.span);
                if !f.name.name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    self.error(diag::group_name_lowercase(f.name.span));
                }
                field.name = Some(f.name.name.to_ascii_lowercase());
                field.type_name = Some(f.name.name.clone());
                let mut group = DescriptorProto {
                    name: Some(f.name.name.clone()),
                    ..Default::default()
                };
                // The group's body goes below its own path; nested types it creates go into it.
                self.message_body(body, &group_path, &mut group);
                sink.types.push(group);
            }
            _ => self.attach(field_loc, &f.comments),
        }

        if let Some((key, value)) = map_types {
            let entry = self.map_entry(&mut field, key, value);
            // The entry has no locations, but later passes report problems with it (a bad key
            // type, say) at the map field: record spans for its paths.
            if self.keep_spans {
                self.map_entry_spans(&sink.next_path(), f, [key, value]);
            }
            sink.types.push(entry);
        }
        field
    }

    /// Spans for the paths of a map field's entry message, all pointing into the field.
    fn map_entry_spans(&mut self, entry_path: &[i32], f: &ast::Field, types: [&ast::TypeRef; 2]) {
        self.spans.insert_path(entry_path, f.span);
        self.spans
            .insert(join(entry_path, &[tag::message::NAME]), f.name.span);
        for (i, ty) in types.into_iter().enumerate() {
            let fp = join(entry_path, &[tag::message::FIELD, idx(i)]);
            self.spans.insert_path(&fp, ty.span());
            self.spans.insert(join(&fp, &[tag::field::TYPE]), ty.span());
            self.spans
                .insert(join(&fp, &[tag::field::TYPE_NAME]), ty.span());
        }
    }

    /// The scalar type of `ty` (`None` after an error), or the type name as written.
    ///
    /// Edition `UNSTABLE` uses fixed-width encodings for the plain integer keywords, names the
    /// varint encodings `varint32`, `zigzag64`..., and rejects the old fixed-width keywords.
    fn field_type(&mut self, ty: &ast::TypeRef) -> Result<Option<Type>, String> {
        let unstable = self.edition == Some(Edition::Unstable);
        match ty {
            ast::TypeRef::Scalar(s, span) => {
                if !unstable {
                    return Ok(Some(scalar_type(*s)));
                }
                Ok(Some(match s {
                    ast::ScalarType::Uint64 => Type::Fixed64,
                    ast::ScalarType::Uint32 => Type::Fixed32,
                    ast::ScalarType::Int32 => Type::Sfixed32,
                    ast::ScalarType::Int64 => Type::Sfixed64,
                    ast::ScalarType::Fixed32
                    | ast::ScalarType::Fixed64
                    | ast::ScalarType::Sfixed32
                    | ast::ScalarType::Sfixed64
                    | ast::ScalarType::Sint32
                    | ast::ScalarType::Sint64 => {
                        self.error(diag::obsolete_unstable_type(*span, s.name()));
                        return Ok(None);
                    }
                    other => scalar_type(*other),
                }))
            }
            ast::TypeRef::Named(n) => {
                if unstable && !n.leading_dot && n.parts.len() == 1 {
                    let t = match n.parts[0].name.as_str() {
                        "varint32" => Some(Type::Int32),
                        "varint64" => Some(Type::Int64),
                        "uvarint32" => Some(Type::Uint32),
                        "uvarint64" => Some(Type::Uint64),
                        "zigzag32" => Some(Type::Sint32),
                        "zigzag64" => Some(Type::Sint64),
                        _ => None,
                    };
                    if t.is_some() {
                        return Ok(t);
                    }
                }
                Err(n.to_dotted())
            }
        }
    }

    /// Sets the label protoc assumes when none was written (an error in proto2).
    fn default_label(&mut self, field: &mut FieldDescriptorProto, type_span: Span) {
        if field.label.is_none() {
            if self.syntax == Syntax::Proto2 {
                self.error(diag::missing_label(type_span));
            }
            field.label = Some(Label::Optional);
        }
    }

    fn field_number(&mut self, n: ast::IntLit) -> i32 {
        if n.negative {
            self.error(diag::expected_field_number(n.span));
            return 0;
        }
        match i32::try_from(n.value) {
            Ok(v) => v,
            Err(_) => {
                self.error(diag::integer_out_of_range(n.span));
                // protoc keeps the low bits of the value it could not fit.
                n.value as i32
            }
        }
    }

    fn field_options(
        &mut self,
        opts: &ast::CompactOptions,
        path: &[i32],
        ctx: FieldContext,
        field: &mut FieldDescriptorProto,
    ) {
        let opath = join(path, &[tag::field::OPTIONS]);
        self.loc(&opath, opts.span);
        let mut out: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        for o in &opts.options {
            if is_plain_option(&o.name, "default") {
                if field.default_value.is_some() {
                    self.error(diag::duplicate_default(o.name.span));
                }
                self.loc_at(path, &[tag::field::DEFAULT_VALUE], o.value.span);
                field.default_value = self.default_value(field, &o.value);
            } else if is_plain_option(&o.name, "json_name") {
                if field.json_name.is_some() {
                    self.error(diag::duplicate_json_name(o.name.span));
                }
                if ctx == FieldContext::Extend {
                    self.error(diag::json_name_on_extension(o.name.span));
                }
                let jpath = join(path, &[tag::field::JSON_NAME]);
                self.loc_between(&jpath, o.name.span, o.value.span);
                self.loc(&jpath, o.value.span);
                field.json_name = match &o.value.kind {
                    ast::ValueKind::String(s) => Some(String::from_utf8_lossy(s).into_owned()),
                    _ => {
                        self.error(diag::bad_default(o.value.span, "a string"));
                        None
                    }
                };
            } else {
                has_options = true;
                self.option(&opath, &o.name, &o.value, o.span, &mut out);
            }
        }
        if has_options {
            field.options = Some(FieldOptions {
                uninterpreted_option: out,
                ..Default::default()
            });
        }
    }

    /// The `default_value` string for `value`, in the form protoc's descriptors carry.
    fn default_value(
        &mut self,
        field: &FieldDescriptorProto,
        value: &ast::Value,
    ) -> Option<String> {
        if field.label == Some(Label::Repeated) {
            self.error(diag::default_on_repeated(value.span));
        }
        let Some(ty) = field.r#type else {
            // A named type (enum or message): protoc keeps the token as written.
            return Some(self.text(value.span).to_owned());
        };
        let text = self.text(value.span).to_owned();
        let is_float_literal = |t: &str| {
            let t = t.trim_start_matches('-').trim_start();
            !t.starts_with("0x") && !t.starts_with("0X") && t.contains(['.', 'e', 'E'])
        };
        match ty {
            Type::Int32
            | Type::Int64
            | Type::Sint32
            | Type::Sint64
            | Type::Sfixed32
            | Type::Sfixed64 => {
                let max: u64 = if matches!(ty, Type::Int32 | Type::Sint32 | Type::Sfixed32) {
                    i32::MAX as u64
                } else {
                    i64::MAX as u64
                };
                match value.kind {
                    ast::ValueKind::Int { negative, value: v } => {
                        let limit = if negative { max + 1 } else { max };
                        if v > limit {
                            self.error(diag::integer_out_of_range(value.unsigned_span));
                            return Some("0".to_owned());
                        }
                        Some(if negative && v > 0 {
                            format!("-{v}")
                        } else {
                            v.to_string()
                        })
                    }
                    ast::ValueKind::Float { .. } if !is_float_literal(&text) => {
                        self.error(diag::integer_out_of_range(value.unsigned_span));
                        Some("0".to_owned())
                    }
                    _ => {
                        self.error(diag::bad_default(value.unsigned_span, "an integer"));
                        None
                    }
                }
            }
            Type::Uint32 | Type::Uint64 | Type::Fixed32 | Type::Fixed64 => {
                let max: u64 = if matches!(ty, Type::Uint32 | Type::Fixed32) {
                    u32::MAX as u64
                } else {
                    u64::MAX
                };
                match value.kind {
                    ast::ValueKind::Int { negative, value: v } => {
                        if negative {
                            self.error(diag::negative_unsigned_default(value.unsigned_span));
                        }
                        if v > max {
                            self.error(diag::integer_out_of_range(value.unsigned_span));
                            return Some("0".to_owned());
                        }
                        Some(v.to_string())
                    }
                    ast::ValueKind::Float { .. } if !is_float_literal(&text) => {
                        self.error(diag::integer_out_of_range(value.unsigned_span));
                        Some("0".to_owned())
                    }
                    _ => {
                        self.error(diag::bad_default(value.unsigned_span, "an integer"));
                        None
                    }
                }
            }
            Type::Float | Type::Double => {
                let v = match &value.kind {
                    ast::ValueKind::Int { negative, value: v } => {
                        let v = *v as f64;
                        if *negative { -v } else { v }
                    }
                    ast::ValueKind::Float { negative, value: v } => {
                        if *negative {
                            -*v
                        } else {
                            *v
                        }
                    }
                    ast::ValueKind::Ident { negative, name } if name == "inf" || name == "nan" => {
                        let v = if name == "inf" {
                            f64::INFINITY
                        } else {
                            f64::NAN
                        };
                        if *negative { -v } else { v }
                    }
                    _ => {
                        self.error(diag::bad_default(value.unsigned_span, "a number"));
                        return None;
                    }
                };
                Some(if ty == Type::Float {
                    c_format::format_float(v as f32)
                } else {
                    c_format::format_double(v)
                })
            }
            Type::Bool => match &value.kind {
                ast::ValueKind::Ident {
                    negative: false,
                    name,
                } if name == "true" || name == "false" => Some(name.clone()),
                _ => {
                    self.error(diag::bad_default(value.span, "`true` or `false`"));
                    None
                }
            },
            Type::String => match &value.kind {
                ast::ValueKind::String(s) => Some(String::from_utf8_lossy(s).into_owned()),
                _ => {
                    self.error(diag::bad_default(value.span, "a string"));
                    None
                }
            },
            Type::Bytes => match &value.kind {
                ast::ValueKind::String(s) => Some(c_format::c_escaped(s)),
                _ => {
                    self.error(diag::bad_default(value.span, "a string"));
                    None
                }
            },
            Type::Enum => Some(text),
            Type::Message | Type::Group => {
                self.error(diag::default_on_message(value.span));
                None
            }
        }
    }

    /// Builds the entry message of a map field and points the field at it.
    fn map_entry(
        &mut self,
        field: &mut FieldDescriptorProto,
        key: &ast::TypeRef,
        value: &ast::TypeRef,
    ) -> DescriptorProto {
        let entry_name = format::map_entry_name(field.name.as_deref().unwrap_or(""));
        field.type_name = Some(entry_name.clone());
        let make = |name: &str, number: i32, ty: Result<Option<Type>, String>| {
            let mut f = FieldDescriptorProto {
                name: Some(name.to_owned()),
                number: Some(number),
                label: Some(Label::Optional),
                ..Default::default()
            };
            match ty {
                Ok(t) => f.r#type = t,
                Err(n) => f.type_name = Some(n),
            }
            f
        };
        let key_type = self.field_type(key);
        let value_type = self.field_type(value);
        let mut key_field = make("key", 1, key_type);
        let mut value_field = make("value", 2, value_type);
        // protoc copies `features` (and the legacy `enforce_utf8` for strings) to the entry.
        if let Some(opts) = &field.options {
            for o in &opts.uninterpreted_option {
                let Some(first) = o.name.first() else {
                    continue;
                };
                if first.is_extension == Some(true) {
                    continue;
                }
                let copy_to = |f: &mut FieldDescriptorProto| {
                    f.options
                        .get_or_insert_with(Default::default)
                        .uninterpreted_option
                        .push(o.clone())
                };
                if o.name.len() == 1 && first.name_part.as_deref() == Some("enforce_utf8") {
                    if key_field.r#type == Some(Type::String) {
                        copy_to(&mut key_field);
                    }
                    if value_field.r#type == Some(Type::String) {
                        copy_to(&mut value_field);
                    }
                }
                if first.name_part.as_deref() == Some("features") {
                    copy_to(&mut key_field);
                    copy_to(&mut value_field);
                }
            }
        }
        DescriptorProto {
            name: Some(entry_name),
            field: vec![key_field, value_field],
            options: Some(MessageOptions {
                map_entry: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn extension_ranges(
        &mut self,
        r: &ast::ExtensionRange,
        path: &[i32],
        msg: &mut DescriptorProto,
    ) {
        let rpath = join(path, &[tag::message::EXTENSION_RANGE]);
        let block = self.loc(&rpath, r.span);
        let first = msg.extension_range.len();
        for range in &r.ranges {
            let ipath = join(&rpath, &[idx(msg.extension_range.len())]);
            let (start, end) = self.range(range, &ipath, RangeKind::Extensions);
            msg.extension_range.push(ExtensionRange {
                start: Some(start),
                end: Some(end),
                ..Default::default()
            });
        }
        if let Some(opts) = &r.options {
            // protoc parses the options once and copies them, and their locations, to every
            // range of the statement.
            for i in first..msg.extension_range.len() {
                let opath = join(&rpath, &[idx(i), tag::extension_range::OPTIONS]);
                self.loc(&opath, opts.span);
                let mut out = Vec::new();
                let reported = self.diagnostics.len();
                for o in &opts.options {
                    self.option(&opath, &o.name, &o.value, o.span, &mut out);
                }
                if i > first {
                    // The copies repeat the first range's problems; report them once.
                    self.diagnostics.truncate(reported);
                }
                if let Some(er) = msg.extension_range.get_mut(i) {
                    er.options = Some(ExtensionRangeOptions {
                        uninterpreted_option: out,
                        ..Default::default()
                    });
                }
            }
        }
        self.attach(block, &r.comments);
    }

    /// One `N`, `N to M` or `N to max` range with its locations; returns the stored start and
    /// end (exclusive for messages, inclusive for enums; `max` as the sentinel for messages).
    fn range(&mut self, range: &ast::Range, path: &[i32], kind: RangeKind) -> (i32, i32) {
        let is_enum = kind == RangeKind::EnumReserved;
        self.loc(path, range.span);
        self.loc_at(path, &[1], range.start.span);
        // The token after the first number: `to`, or what follows the range.
        let after_start = range.to_span.unwrap_or(range.next_token);
        let start = self.range_number(range.start, after_start, kind);
        let end = match range.end {
            None => {
                self.loc_at(path, &[2], range.start.span);
                start
            }
            Some(ast::RangeEnd::Int(n)) => {
                self.loc_at(path, &[2], n.span);
                self.range_number(n, range.next_token, kind)
            }
            Some(ast::RangeEnd::Max(span)) => {
                self.loc_at(path, &[2], span);
                if is_enum { i32::MAX } else { MAX_SENTINEL - 1 }
            }
        };
        if is_enum {
            (start, end)
        } else {
            (start, end.wrapping_add(1))
        }
    }

    /// The value of one number of a range; `next_token` is where the token after it starts.
    fn range_number(&mut self, n: ast::IntLit, next_token: Span, kind: RangeKind) -> i32 {
        let is_enum = kind == RangeKind::EnumReserved;
        if n.negative && !is_enum {
            self.error(diag::expected_field_number(n.span));
            return 0;
        }
        let limit = if n.negative {
            1u64 << 31
        } else {
            i32::MAX as u64
        };
        if n.value > limit {
            self.error(diag::integer_out_of_range(n.unsigned_span));
            return 0;
        }
        if kind == RangeKind::Extensions && n.value == i32::MAX as u64 {
            // protoc reports this at the token after the number.
            self.error(diag::field_number_out_of_bounds(next_token));
        }
        if n.negative {
            (n.value as i64).wrapping_neg() as i32
        } else {
            n.value as i32
        }
    }

    fn reserved(
        &mut self,
        r: &ast::Reserved,
        path: &[i32],
        range_field: i32,
        name_field: i32,
        is_enum: bool,
        first_range: usize,
        mut push_range: impl FnMut(i32, i32),
        names: &mut Vec<String>,
    ) {
        match &r.kind {
            ast::ReservedKind::Ranges(ranges) => {
                let rpath = join(path, &[range_field]);
                let block = self.loc(&rpath, r.span);
                for (count, range) in (first_range..).zip(ranges) {
                    let ipath = join(&rpath, &[idx(count)]);
                    let kind = if is_enum {
                        RangeKind::EnumReserved
                    } else {
                        RangeKind::Reserved
                    };
                    let (start, end) = self.range(range, &ipath, kind);
                    push_range(start, end);
                }
                self.attach(block, &r.comments);
            }
            ast::ReservedKind::Names(list) => {
                let npath = join(path, &[name_field]);
                let block = self.loc(&npath, r.span);
                for n in list {
                    if let Some(first) = list.first()
                        && std::ptr::eq(n, first)
                    {
                        if self.syntax == Syntax::Editions && !n.is_ident {
                            self.error(diag::reserved_string_in_editions(n.span));
                        } else if self.syntax != Syntax::Editions && n.is_ident {
                            self.error(diag::reserved_ident_before_editions(n.span));
                        }
                    }
                    if !n.is_ident && !is_identifier(&n.name) {
                        self.error(diag::reserved_name_not_identifier(n.span, &n.name));
                    }
                    self.loc_at(&npath, &[idx(names.len())], n.span);
                    names.push(n.name.clone());
                }
                self.attach(block, &r.comments);
            }
        }
    }

    // ----------------------------------------------------------------------------------------
    // Enums.

    fn enum_(&mut self, e: &ast::Enum, path: Vec<i32>) -> EnumDescriptorProto {
        let i = self.loc(&path, e.span);
        self.attach(i, &e.comments);
        self.loc_at(&path, &[tag::enum_::NAME], e.name.span);
        let mut en = EnumDescriptorProto {
            name: Some(e.name.name.clone()),
            ..Default::default()
        };
        self.visibility(
            e.visibility,
            e.name.span,
            path.len() > 2,
            &mut en.visibility,
        );
        let mut options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        en.value.reserve_exact(e.items.len());
        for item in &e.items {
            match item {
                ast::EnumItem::Value(v) => {
                    let vpath = join(&path, &[tag::enum_::VALUE, idx(en.value.len())]);
                    let value = self.enum_value(v, vpath);
                    en.value.push(value);
                }
                ast::EnumItem::Option(o) => {
                    has_options = true;
                    self.option_statement(&join(&path, &[tag::enum_::OPTIONS]), o, &mut options);
                }
                ast::EnumItem::Reserved(r) => {
                    let mut ranges = Vec::new();
                    self.reserved(
                        r,
                        &path,
                        tag::enum_::RESERVED_RANGE,
                        tag::enum_::RESERVED_NAME,
                        true,
                        en.reserved_range.len(),
                        |start, end| ranges.push((start, end)),
                        &mut en.reserved_name,
                    );
                    for (start, end) in ranges {
                        en.reserved_range.push(EnumReservedRange {
                            start: Some(start),
                            end: Some(end),
                            ..Default::default()
                        });
                    }
                }
                ast::EnumItem::Empty(_) => {}
            }
        }
        self.check_allow_alias(e, &options, &en);
        if has_options {
            en.options = Some(EnumOptions {
                uninterpreted_option: options,
                ..Default::default()
            });
        }
        en
    }

    /// protoc's parser rejects `allow_alias = false` and an `allow_alias = true` no value uses;
    /// it reports both at the token after the enum's closing brace.
    fn check_allow_alias(
        &mut self,
        e: &ast::Enum,
        options: &[UninterpretedOption],
        en: &EnumDescriptorProto,
    ) {
        let Some(opt) = options.iter().find(|o| {
            o.name.len() == 1
                && o.name[0].is_extension != Some(true)
                && o.name[0].name_part.as_deref() == Some("allow_alias")
        }) else {
            return;
        };
        let name = en.name.as_deref().unwrap_or("");
        let at = e.next_token;
        if opt.identifier_value.as_deref() != Some("true") {
            self.error(diag::alias_false(at, name));
            return;
        }
        let mut seen = std::collections::HashSet::new();
        let has_duplicates = en.value.iter().any(|v| !seen.insert(v.number));
        if !has_duplicates {
            self.error(diag::alias_unused(at, name));
        }
    }

    fn enum_value(&mut self, v: &ast::EnumValue, path: Vec<i32>) -> EnumValueDescriptorProto {
        let i = self.loc(&path, v.span);
        self.loc_at(&path, &[tag::enum_value::NAME], v.name.span);
        self.loc_at(&path, &[tag::enum_value::NUMBER], v.number.span);
        let n = v.number;
        let limit = if n.negative {
            1u64 << 31
        } else {
            i32::MAX as u64
        };
        let number = if n.value > limit {
            self.error(diag::integer_out_of_range(n.unsigned_span));
            0
        } else if n.negative {
            (n.value as i64).wrapping_neg() as i32
        } else {
            n.value as i32
        };
        let mut value = EnumValueDescriptorProto {
            name: Some(v.name.name.clone()),
            number: Some(number),
            ..Default::default()
        };
        if let Some(opts) = &v.options {
            let opath = join(&path, &[tag::enum_value::OPTIONS]);
            self.loc(&opath, opts.span);
            let mut out = Vec::new();
            for o in &opts.options {
                self.option(&opath, &o.name, &o.value, o.span, &mut out);
            }
            if !out.is_empty() {
                value.options = Some(EnumValueOptions {
                    uninterpreted_option: out,
                    ..Default::default()
                });
            }
        }
        self.attach(i, &v.comments);
        value
    }

    // ----------------------------------------------------------------------------------------
    // Services.

    fn service(&mut self, s: &ast::Service, path: Vec<i32>) -> ServiceDescriptorProto {
        let i = self.loc(&path, s.span);
        self.attach(i, &s.comments);
        self.loc_at(&path, &[tag::service::NAME], s.name.span);
        let mut sv = ServiceDescriptorProto {
            name: Some(s.name.name.clone()),
            ..Default::default()
        };
        let mut options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        for item in &s.items {
            match item {
                ast::ServiceItem::Method(m) => {
                    let mpath = join(&path, &[tag::service::METHOD, idx(sv.method.len())]);
                    let method = self.method(m, mpath);
                    sv.method.push(method);
                }
                ast::ServiceItem::Option(o) => {
                    has_options = true;
                    self.option_statement(&join(&path, &[tag::service::OPTIONS]), o, &mut options);
                }
                ast::ServiceItem::Empty(_) => {}
            }
        }
        if has_options {
            sv.options = Some(ServiceOptions {
                uninterpreted_option: options,
                ..Default::default()
            });
        }
        sv
    }

    fn method(&mut self, m: &ast::Method, path: Vec<i32>) -> MethodDescriptorProto {
        let i = self.loc(&path, m.span);
        self.attach(i, &m.comments);
        self.loc_at(&path, &[tag::method::NAME], m.name.span);
        let mut method = MethodDescriptorProto {
            name: Some(m.name.name.clone()),
            input_type: Some(m.input.ty.to_dotted()),
            output_type: Some(m.output.ty.to_dotted()),
            ..Default::default()
        };
        self.check_message_type(&m.input.ty);
        self.check_message_type(&m.output.ty);
        if let Some(s) = m.input.stream {
            self.loc_at(&path, &[tag::method::CLIENT_STREAMING], s);
            method.client_streaming = Some(true);
        }
        self.loc_at(&path, &[tag::method::INPUT_TYPE], m.input.ty.span);
        if let Some(s) = m.output.stream {
            self.loc_at(&path, &[tag::method::SERVER_STREAMING], s);
            method.server_streaming = Some(true);
        }
        self.loc_at(&path, &[tag::method::OUTPUT_TYPE], m.output.ty.span);
        // A method with a `{ ... }` body has an options message even when the body is empty.
        if !m.options.is_empty() || self.text(m.span).ends_with('}') {
            let mut out = Vec::new();
            let opath = join(&path, &[tag::method::OPTIONS]);
            for o in &m.options {
                self.option_statement(&opath, o, &mut out);
            }
            method.options = Some(MethodOptions {
                uninterpreted_option: out,
                ..Default::default()
            });
        }
        method
    }
}

/// Which statement a number range comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeKind {
    /// `extensions` in a message: exclusive end, `max` resolved later, `2147483647` rejected.
    Extensions,
    /// `reserved` in a message: exclusive end, `max` resolved later.
    Reserved,
    /// `reserved` in an enum: inclusive end, negative numbers allowed.
    EnumReserved,
}

/// How deeply protoc lets message definitions nest.
const MAX_MESSAGE_NESTING: usize = 32;

/// The end protoc stores for `to max` until the message's options are known.
const MAX_SENTINEL: i32 = -1;

fn file_item_span(item: &ast::FileItem) -> Span {
    match item {
        ast::FileItem::Package(p) => p.span,
        ast::FileItem::Import(i) => i.span,
        ast::FileItem::Option(o) => o.span,
        ast::FileItem::Message(m) => m.span,
        ast::FileItem::Enum(e) => e.span,
        ast::FileItem::Service(s) => s.span,
        ast::FileItem::Extend(x) => x.span,
        ast::FileItem::Empty(s) => *s,
    }
}

fn is_plain_option(name: &ast::OptionName, wanted: &str) -> bool {
    matches!(name.parts.as_slice(), [ast::OptionNamePart::Ident(id)] if id.name == wanted)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn scalar_type(s: ast::ScalarType) -> Type {
    match s {
        ast::ScalarType::Double => Type::Double,
        ast::ScalarType::Float => Type::Float,
        ast::ScalarType::Int64 => Type::Int64,
        ast::ScalarType::Uint64 => Type::Uint64,
        ast::ScalarType::Int32 => Type::Int32,
        ast::ScalarType::Fixed64 => Type::Fixed64,
        ast::ScalarType::Fixed32 => Type::Fixed32,
        ast::ScalarType::Bool => Type::Bool,
        ast::ScalarType::String => Type::String,
        ast::ScalarType::Bytes => Type::Bytes,
        ast::ScalarType::Uint32 => Type::Uint32,
        ast::ScalarType::Sfixed32 => Type::Sfixed32,
        ast::ScalarType::Sfixed64 => Type::Sfixed64,
        ast::ScalarType::Sint32 => Type::Sint32,
        ast::ScalarType::Sint64 => Type::Sint64,
    }
}

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
