//! `extensions` and `reserved` statements: number ranges with protoc's bounds (exclusive ends in
//! messages, inclusive in enums, `max` resolved once the message's options are known) and
//! reserved names.

use protoforge::descriptor::{
    DescriptorProto, ExtensionRangeOptions, descriptor_proto::ExtensionRange,
};
use protoforge_parse::{Span, ast};

use super::{Lowerer, Syntax, diag, idx, join};
use crate::tag;

impl Lowerer<'_> {
    pub(super) fn extension_ranges(
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

    pub(super) fn reserved(
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
}

/// Which statement a number range comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum RangeKind {
    /// `extensions` in a message: exclusive end, `max` resolved later, `2147483647` rejected.
    Extensions,
    /// `reserved` in a message: exclusive end, `max` resolved later.
    Reserved,
    /// `reserved` in an enum: inclusive end, negative numbers allowed.
    EnumReserved,
}

/// The end protoc stores for `to max` until the message's options are known.
pub(super) const MAX_SENTINEL: i32 = -1;

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
