//! Options as protoc's parser leaves them: every `option` statement and `[...]` entry becomes an
//! `UninterpretedOption` with its locations at the pre-interpretation path `[.., OPTIONS, 999, i]`.

use protoforge::descriptor::{UninterpretedOption, uninterpreted_option::NamePart};
use protoforge_parse::{Span, ast};

use super::{Lowerer, diag, format, idx, join};
use crate::tag;

impl Lowerer<'_> {
    /// `option name = value;` inside an element whose options field is at `options_path`.
    pub(super) fn option_statement(
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
    pub(super) fn option(
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
}

pub(super) fn is_plain_option(name: &ast::OptionName, wanted: &str) -> bool {
    matches!(name.parts.as_slice(), [ast::OptionNamePart::Ident(id)] if id.name == wanted)
}
