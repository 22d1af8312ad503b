//! Enums: values with their numbers, options, reserved ranges and names, and protoc's parser-level
//! `allow_alias` checks.

use protoforge::descriptor::{
    EnumDescriptorProto, EnumOptions, EnumValueDescriptorProto, EnumValueOptions,
    UninterpretedOption, enum_descriptor_proto::EnumReservedRange,
};
use protoforge_parse::ast;

use super::{Lowerer, diag, idx, join};
use crate::tag;

impl Lowerer<'_> {
    pub(super) fn enum_(&mut self, e: &ast::Enum, path: Vec<i32>) -> EnumDescriptorProto {
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
}
