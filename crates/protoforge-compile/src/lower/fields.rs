//! Fields, map fields and groups (also as extensions and oneof members): labels, types (with
//! edition `UNSTABLE`'s integer names), numbers, `default` and `json_name`, and the entry
//! messages of map fields.

use protoforge::__private::c_format;
use protoforge::descriptor::{
    DescriptorProto, Edition, FieldDescriptorProto, FieldOptions, MessageOptions,
    UninterpretedOption,
    field_descriptor_proto::{Label, Type},
};
use protoforge_parse::{Span, ast};

use super::options::is_plain_option;
use super::{FieldContext, Lowerer, Syntax, TypeSink, diag, format, idx, join};
use crate::tag;

impl Lowerer<'_> {
    /// A field, map field or group (also extensions and oneof members).
    pub(super) fn field(
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
