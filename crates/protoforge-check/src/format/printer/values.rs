//! Option values: compact options, scalar, array and message-literal values.

use super::*;

impl P<'_, '_> {
    pub(super) fn compact_options(&mut self, opts: Option<&CompactOptions>) {
        let Some(co) = opts else {
            return;
        };
        let slots = { self.tr }.scope(co.open);
        let open_trailing = self.extract_open_trailing(co.open);
        let first_key_comment = co.entries.first().is_some_and(|e| {
            self.tr
                .token(path_first_token(&e.path))
                .is_some_and(|a| has_comment(self.t, &a.leading))
        });
        let force = !open_trailing.is_empty()
            || slots.slots.iter().any(|s| has_comment(self.t, s))
            || self.scope_has_uninlineable_leading_comments(co.open)
            || first_key_comment;
        let broken = force || co.entries.len() >= 2;
        if !broken && co.entries.len() == 1 {
            let saved = self.ctx;
            self.ctx.line_to_block = true;
            let opt = &co.entries[0];
            self.token(co.open, Gap::Space);
            self.emit_slot(slots, 0);
            self.opt_entry(opt, Gap::None, |c| c.indent_expr = true);
            self.emit_slot(slots, 1);
            self.emit_trivia(Gap::None);
            self.token(co.close, Gap::None);
            self.ctx = saved;
            return;
        }
        if !broken {
            self.token(co.open, Gap::Space);
            self.group(|p| {
                p.indent(|p| {
                    p.doc.softbreak();
                    p.emit_slot(slots, 0);
                });
                p.doc.softbreak();
            });
            self.token(co.close, Gap::None);
            return;
        }
        let saved = self.ctx;
        self.ctx.trailing_block_on_new_line = true;
        self.ctx.pair_leading_block = false;
        self.token(co.open, Gap::Space);
        let (close_comments, close_trailing) = self.extract_close_comments(co.close);
        self.indent(|p| {
            for (i, opt) in co.entries.iter().enumerate() {
                if i > 0
                    && let Some(&c) = co.commas.get(i - 1)
                {
                    p.with_ctx(
                        |c| c.trailing_block_on_new_line = false,
                        |p| p.token(c, Gap::Inline),
                    );
                }
                p.emit_slot(slots, i);
                let gap = if i > 0 && slots.has_blank_before(i) {
                    Gap::Blankline
                } else {
                    Gap::Newline
                };
                p.opt_entry(opt, gap, |c| {
                    c.indent_expr = true;
                    c.path_in_value = true;
                });
            }
            p.emit_slot(slots, co.entries.len());
            if !close_comments.is_empty() {
                p.emit_close_comments(&close_comments, slots.blank_before_close);
            }
        });
        self.emit_trivia(Gap::None);
        let text = self.t.text(co.close);
        self.emit_close_tok(co.close, text, &close_comments, &close_trailing);
        self.ctx = saved;
    }

    pub(super) fn opt_entry(&mut self, opt: &OptEntry, gap: Gap, value_ctx: impl FnOnce(&mut Ctx)) {
        self.path(&opt.path, gap);
        if let (Some(eq), Some(value)) = (opt.eq, &opt.value) {
            self.token(eq, Gap::Space);
            self.with_ctx(value_ctx, |p| p.expr(value, Gap::Space));
        }
    }

    // ---- values ----

    pub(super) fn expr(&mut self, e: &Expr, gap: Gap) {
        match e {
            Expr::Literal(i) => {
                if self.t.kind(*i) == Kind::String && self.t.close_of(*i).is_some() {
                    self.compound_string(*i);
                } else {
                    self.token(*i, gap);
                }
            }
            Expr::Path(path) => self.path(path, gap),
            Expr::Prefixed(prefix, inner) => {
                self.token(*prefix, gap);
                let first = match &**inner {
                    Expr::Literal(i) => Some(*i),
                    Expr::Path(p) => Some(path_first_token(p)),
                    _ => None,
                };
                let inner_gap = match first.and_then(|f| self.tr.token(f)) {
                    Some(att) if has_comment(self.t, &att.leading) => Gap::Space,
                    _ => Gap::None,
                };
                self.expr(inner, inner_gap);
            }
            Expr::Range(start, kw, end) => {
                self.expr(start, gap);
                self.token(*kw, Gap::Space);
                self.expr(end, Gap::Space);
            }
            Expr::Array {
                open,
                close,
                elems,
                commas,
            } => self.array(*open, *close, elems, commas, gap),
            Expr::Dict {
                open,
                close,
                fields,
            } => self.dict(*open, *close, fields, gap),
        }
    }

    /// Adjacent string literals: one per line.
    pub(super) fn compound_string(&mut self, first: usize) {
        let last = self.t.close_of(first).unwrap_or(first);
        let trivia = { self.tr }.scope(first);
        let parts = self.children(first);
        let vertical = self.line_of(first) != self.line_of(last);
        let indented = self.ctx.indent_expr;
        let saved = self.ctx;
        self.ctx.line_to_block = false;
        self.ctx.trailing_block_on_new_line = !vertical;
        self.ctx.pair_leading_block = false;
        let print = |p: &mut Self| {
            p.token(first, Gap::Newline);
            for (i, &part) in parts.iter().enumerate() {
                p.emit_slot(trivia, i);
                p.token(part, Gap::Newline);
            }
            p.emit_remaining(trivia, parts.len());
            let att = p.tr.token(last);
            match att {
                Some(att) => {
                    p.pending.extend_from_slice(&att.leading);
                    p.emit_trivia(Gap::Newline);
                }
                None => p.emit_gap(Gap::Newline),
            }
            p.doc.text(p.t.text(last));
            if let Some(att) = att {
                p.ctx = saved;
                p.emit_trailing(&att.trailing);
            }
        };
        if indented {
            self.indent(print);
        } else {
            print(self);
        }
        self.ctx = saved;
    }

    pub(super) fn line_of(&self, tok: usize) -> usize {
        let at = self.t.toks[tok].start as usize;
        self.t.text[..at].bytes().filter(|&b| b == b'\n').count()
    }

    /// Restores the line-comment rule of the context outside a literal for its close token.
    pub(super) fn close_ctx(&mut self, outer_line_to_block: bool) {
        self.ctx.line_to_block = outer_line_to_block;
        if outer_line_to_block {
            self.ctx.trailing_block_on_new_line = false;
        }
    }

    pub(super) fn array(
        &mut self,
        open: usize,
        close: usize,
        elems: &[Expr],
        commas: &[usize],
        gap: Gap,
    ) {
        let outer = self.ctx.line_to_block;
        let saved = self.ctx;
        self.ctx.line_to_block = false;
        self.ctx.indent_expr = false;
        let slots = { self.tr }.scope(open);
        let has_comments = slots.slots.iter().any(|s| has_comment(self.t, s));
        if elems.is_empty() && !has_comments {
            self.token(open, gap);
            let inner = self.ctx;
            self.close_ctx(outer);
            self.token(close, Gap::None);
            self.ctx = inner;
            self.ctx = saved;
            return;
        }
        let nested = elems
            .iter()
            .any(|e| matches!(e, Expr::Array { .. } | Expr::Dict { .. }));
        if !has_comments && !nested && elems.len() < 2 {
            self.token(open, gap);
            self.group(|p| {
                p.indent(|p| {
                    p.doc.softbreak();
                    for (i, e) in elems.iter().enumerate() {
                        p.emit_slot(slots, i);
                        let mut g = Gap::None;
                        if i > 0 {
                            if let Some(&c) = commas.get(i - 1) {
                                p.token(c, Gap::None);
                            }
                            g = Gap::Softline;
                        }
                        p.expr(e, g);
                    }
                    p.emit_slot(slots, elems.len());
                });
                p.doc.softbreak();
            });
            self.close_ctx(outer);
            self.token(close, Gap::None);
            self.ctx = saved;
            return;
        }
        let (close_comments, close_trailing) = self.extract_close_comments(close);
        self.ctx.trailing_block_on_new_line = true;
        self.ctx.pair_leading_block = true;
        self.token(open, gap);
        self.indent(|p| {
            for (i, e) in elems.iter().enumerate() {
                if i > 0
                    && let Some(&c) = commas.get(i - 1)
                {
                    p.with_ctx(
                        |c| c.trailing_block_on_new_line = false,
                        |p| p.token(c, Gap::Inline),
                    );
                }
                p.emit_slot(slots, i);
                let g = if i > 0 && slots.has_blank_before(i) {
                    Gap::Blankline
                } else {
                    Gap::Newline
                };
                p.with_ctx(|c| c.path_in_value = true, |p| p.expr(e, g));
            }
            p.emit_slot(slots, elems.len());
            if !close_comments.is_empty() {
                p.emit_close_comments(&close_comments, slots.blank_before_close);
            }
        });
        self.close_ctx(outer);
        let text = self.t.text(close);
        self.emit_close_tok(close, text, &close_comments, &close_trailing);
        self.ctx = saved;
    }

    pub(super) fn dict(&mut self, open: usize, close: usize, fields: &[Field], gap: Gap) {
        let outer = self.ctx.line_to_block;
        let saved = self.ctx;
        self.ctx.line_to_block = false;
        self.ctx.indent_expr = false;
        let trivia = { self.tr }.scope(open);
        let has_comments = trivia.slots.iter().any(|s| has_comment(self.t, s))
            || self.scope_has_attached_comments(open);
        // A field whose value is itself a literal puts the whole literal on several lines.
        let nested = fields
            .iter()
            .any(|f| matches!(f.value, Some(Expr::Array { .. } | Expr::Dict { .. })));
        if fields.is_empty() && !has_comments {
            self.token_as(open, gap, "{");
            self.close_ctx(outer);
            self.token_as(close, Gap::None, "}");
            self.ctx = saved;
            return;
        }
        if !has_comments && !nested && fields.len() < 2 {
            self.token_as(open, gap, "{");
            self.group(|p| {
                p.indent(|p| {
                    p.doc.softbreak();
                    for (i, f) in fields.iter().enumerate() {
                        p.emit_slot(trivia, i);
                        let g = if i > 0 { Gap::Softline } else { Gap::None };
                        p.expr_field(f, g);
                        p.emit_comma_trivia(f.sep);
                    }
                    p.emit_slot(trivia, fields.len());
                });
                p.doc.softbreak();
            });
            self.close_ctx(outer);
            self.token_as(close, Gap::None, "}");
            self.ctx = saved;
            return;
        }
        let (close_comments, close_trailing) = self.extract_close_comments(close);
        self.ctx.trailing_block_on_new_line = true;
        self.ctx.pair_leading_block = false;
        let open_trailing = self.extract_open_trailing(open);
        if open_trailing.is_empty() {
            self.token_as(open, gap, "{");
        } else {
            match self.tr.token(open) {
                Some(att) => {
                    self.pending.extend_from_slice(&att.leading);
                    self.emit_trivia(gap);
                }
                None => self.emit_gap(gap),
            }
            self.doc.text("{");
        }
        self.indent(|p| {
            if !open_trailing.is_empty() {
                p.pending.extend_from_slice(&open_trailing);
                p.emit_trivia(Gap::Newline);
            }
            for (i, f) in fields.iter().enumerate() {
                p.emit_slot(trivia, i);
                let mut g = Gap::Newline;
                if i > 0 && (trivia.has_blank_before(i) || p.blank_line_between(&fields[i - 1], f))
                {
                    g = Gap::Blankline;
                }
                let rewrite = matches!(f.value, Some(Expr::Array { .. } | Expr::Dict { .. }));
                let s = p.ctx;
                if rewrite {
                    p.ctx.line_to_block = true;
                }
                p.expr_field(f, g);
                let s2 = p.ctx;
                p.ctx.trailing_block_on_new_line = false;
                if rewrite {
                    p.ctx.line_to_block = true;
                }
                p.emit_comma_trivia(f.sep);
                p.ctx = s2;
                p.ctx = s;
            }
            p.emit_slot(trivia, fields.len());
            if !close_comments.is_empty() {
                p.emit_close_comments(&close_comments, trivia.blank_before_close);
            }
        });
        self.close_ctx(outer);
        self.emit_close_tok(close, "}", &close_comments, &close_trailing);
        self.ctx = saved;
    }

    pub(super) fn expr_field(&mut self, f: &Field, gap: Gap) {
        self.expr(&f.key, gap);
        if let Some(colon) = f.colon {
            let mut g = Gap::Inline;
            if let Some(att) = self.tr.token(colon)
                && ends_with_inline_block_comment(self.t, &att.leading)
            {
                g = Gap::Space;
            }
            self.token(colon, g);
        } else if f.value.is_some() {
            self.doc.text(":");
        }
        if let Some(v) = &f.value {
            self.with_ctx(
                |c| {
                    c.indent_expr = true;
                    c.path_in_value = true;
                },
                |p| p.expr(v, Gap::Space),
            );
        }
    }

    /// Whether the source has a blank line between two fields of a message literal.
    pub(super) fn blank_line_between(&self, prev: &Field, curr: &Field) -> bool {
        let end = self.t.toks[field_last_token(self.t, prev)].end as usize;
        let start = self.t.toks[expr_first_token(&curr.key)].start as usize;
        if end >= start {
            return false;
        }
        let mut after_newline = false;
        for b in self.t.text[end..start].bytes() {
            match b {
                b'\n' => {
                    if after_newline {
                        return true;
                    }
                    after_newline = true;
                }
                b' ' | b'\t' => {}
                _ => after_newline = false,
            }
        }
        false
    }
}

pub(super) fn path_first_token(path: &Path) -> usize {
    match path.comps.first() {
        Some(c) => match (c.sep, &c.name) {
            (Some(s), _) => s,
            (None, CompName::Ident(i)) => *i,
            (None, CompName::Ext(open, _, _)) => *open,
        },
        None => 0,
    }
}

pub(super) fn path_last_token(path: &Path) -> usize {
    match path.comps.last().map(|c| &c.name) {
        Some(CompName::Ident(i)) => *i,
        Some(CompName::Ext(_, close, _)) => *close,
        None => 0,
    }
}

pub(super) fn expr_first_token(e: &Expr) -> usize {
    match e {
        Expr::Literal(i) | Expr::Prefixed(i, _) => *i,
        Expr::Path(p) => path_first_token(p),
        Expr::Range(s, _, _) => expr_first_token(s),
        Expr::Array { open, .. } | Expr::Dict { open, .. } => *open,
    }
}

pub(super) fn expr_last_token(t: &Tokens<'_>, e: &Expr) -> usize {
    match e {
        Expr::Literal(i) => t.close_of(*i).unwrap_or(*i),
        Expr::Path(p) => path_last_token(p),
        Expr::Prefixed(_, inner) => expr_last_token(t, inner),
        Expr::Range(_, _, end) => expr_last_token(t, end),
        Expr::Array { close, .. } | Expr::Dict { close, .. } => *close,
    }
}

pub(super) fn field_last_token(t: &Tokens<'_>, f: &Field) -> usize {
    match (&f.value, f.colon) {
        (Some(v), _) => expr_last_token(t, v),
        (None, Some(c)) => c,
        (None, None) => expr_last_token(t, &f.key),
    }
}
