//! Statements: declarations in their canonical order, bodies, types and paths.

use super::*;

impl P<'_, '_> {
    pub(super) fn scope_decls(
        &mut self,
        trivia: &Detached,
        decls: &[&Decl],
        src: &[isize],
        scope: Scope,
    ) {
        let mut last: isize = -1;
        for (i, decl) in decls.iter().enumerate() {
            let s = src[i];
            if s >= 0 {
                for k in (last + 1)..=s {
                    self.emit_slot(trivia, k as usize);
                }
                if s > last {
                    last = s;
                }
            }
            let gap = self.decl_gap(decls, trivia, i, s, scope);
            self.decl(decl, gap);
        }
        self.emit_remaining(trivia, (last + 1) as usize);
    }

    pub(super) fn decl_gap(
        &self,
        decls: &[&Decl],
        trivia: &Detached,
        i: usize,
        src: isize,
        scope: Scope,
    ) -> Gap {
        if i == 0 {
            return match scope {
                Scope::File => Gap::None,
                Scope::Body => Gap::Newline,
            };
        }
        let blank = src >= 0 && trivia.has_blank_before(src as usize);
        if scope == Scope::File {
            let prev = decls[i - 1].rank();
            let curr = decls[i].rank();
            if prev != curr && matches!(curr, Rank::Import | Rank::Option) {
                return Gap::Blankline;
            }
            if prev == Rank::Syntax && curr != Rank::Package {
                return Gap::Blankline;
            }
            if matches!(curr, Rank::Import | Rank::Option) {
                return Gap::Newline;
            }
        }
        if blank { Gap::Blankline } else { Gap::Newline }
    }

    pub(super) fn decl(&mut self, decl: &Decl, gap: Gap) {
        match decl {
            Decl::Empty(semi) => {
                // The `;` goes; its comments stay, before the next statement.
                if let Some(att) = self.tr.token(*semi) {
                    self.pending.extend_from_slice(&att.leading);
                    self.pending.extend_from_slice(&att.trailing);
                }
            }
            Decl::Syntax {
                kw,
                eq,
                value,
                opts,
                semi,
            } => {
                self.token(*kw, gap);
                self.token(*eq, Gap::Space);
                self.expr(value, Gap::Space);
                self.compact_options(opts.as_ref());
                self.token(*semi, Gap::Inline);
            }
            Decl::Package {
                kw,
                path,
                opts,
                semi,
            } => {
                self.token(*kw, gap);
                self.path(path, Gap::Space);
                self.compact_options(opts.as_ref());
                self.token(*semi, Gap::Inline);
            }
            Decl::Import {
                kw,
                mods,
                path,
                opts,
                semi,
            } => {
                self.token(*kw, gap);
                for &m in mods {
                    self.token(m, Gap::Space);
                }
                self.expr(path, Gap::Space);
                self.compact_options(opts.as_ref());
                self.token(*semi, Gap::Inline);
            }
            Decl::Option {
                kw,
                path,
                eq,
                value,
                semi,
            } => {
                self.token(*kw, gap);
                self.path(path, Gap::Space);
                self.token(*eq, Gap::Space);
                self.with_ctx(
                    |c| {
                        c.line_to_block = true;
                        c.indent_expr = true;
                    },
                    |p| p.expr(value, Gap::Space),
                );
                self.token(*semi, Gap::Inline);
            }
            Decl::Def {
                prefixes,
                kw,
                name,
                body,
            } => {
                let mut gap = gap;
                for &p in prefixes {
                    self.token(p, gap);
                    gap = Gap::Space;
                }
                self.token(*kw, gap);
                self.path(name, Gap::Space);
                self.body(body);
            }
            Decl::Group {
                prefixes,
                kw,
                name,
                eq,
                tag,
                opts,
                body,
            } => {
                let mut gap = gap;
                for &p in prefixes {
                    self.token(p, gap);
                    gap = Gap::Space;
                }
                self.token(*kw, gap);
                self.path(name, Gap::Space);
                if let (Some(eq), Some(tag)) = (eq, tag) {
                    self.token(*eq, Gap::Space);
                    self.expr(tag, Gap::Space);
                }
                self.compact_options(opts.as_ref());
                self.body(body);
            }
            Decl::Field {
                ty,
                name,
                eq,
                tag,
                opts,
                semi,
            } => {
                self.ty(ty, gap);
                self.path(name, Gap::Space);
                if let (Some(eq), Some(tag)) = (eq, tag) {
                    self.token(*eq, Gap::Space);
                    self.expr(tag, Gap::Space);
                }
                self.compact_options(opts.as_ref());
                self.token(*semi, Gap::Inline);
            }
            Decl::EnumValue {
                name,
                eq,
                tag,
                opts,
                semi,
            } => {
                self.path(name, gap);
                if let (Some(eq), Some(tag)) = (eq, tag) {
                    self.token(*eq, Gap::Space);
                    self.expr(tag, Gap::Space);
                }
                self.compact_options(opts.as_ref());
                self.token(*semi, Gap::Inline);
            }
            Decl::Method {
                kw,
                name,
                inputs,
                returns,
                outputs,
                body,
                semi,
            } => {
                self.token(*kw, gap);
                self.path(name, Gap::Space);
                self.type_list(inputs, Gap::Preserve);
                self.token(*returns, Gap::Space);
                self.type_list(outputs, Gap::Space);
                match (body, semi) {
                    (Some(b), _) => self.body(b),
                    (None, Some(s)) => self.token(*s, Gap::Inline),
                    (None, None) => {}
                }
            }
            Decl::Range {
                kw,
                ranges,
                commas,
                opts,
                semi,
            } => {
                self.token(*kw, gap);
                for (i, r) in ranges.iter().enumerate() {
                    if i > 0
                        && let Some(&c) = commas.get(i - 1)
                    {
                        self.token(c, Gap::Inline);
                    }
                    self.expr(r, Gap::Space);
                }
                self.compact_options(opts.as_ref());
                self.token(*semi, Gap::Inline);
            }
        }
    }

    pub(super) fn body(&mut self, body: &Body) {
        let saved = self.ctx;
        self.ctx.line_to_block = false;
        let trivia = { self.tr }.scope(body.open);
        self.token(body.open, Gap::Space);
        let (close_comments, close_trailing) = self.extract_close_comments(body.close);
        let has_content =
            !body.decls.is_empty() || !trivia.is_empty() || !close_comments.is_empty();
        if !has_content {
            self.token(body.close, Gap::None);
            self.ctx = saved;
            return;
        }
        let decls: Vec<&Decl> = body.decls.iter().collect();
        let src: Vec<isize> = (0..decls.len() as isize).collect();
        self.indent(|p| {
            p.scope_decls(trivia, &decls, &src, Scope::Body);
            if !close_comments.is_empty() || p.pending_has_comments() {
                p.emit_close_comments(&close_comments, trivia.blank_before_close);
            }
        });
        let text = self.t.text(body.close);
        self.emit_close_tok(body.close, text, &close_comments, &close_trailing);
        self.ctx = saved;
    }

    pub(super) fn type_list(&mut self, list: &TypeList, open_gap: Gap) {
        let trivia = { self.tr }.scope(list.open);
        self.group(|p| {
            p.token(list.open, open_gap);
            p.indent(|p| {
                p.doc.softbreak();
                let mut gap = Gap::Preserve;
                for (i, item) in list.items.iter().enumerate() {
                    p.emit_slot(trivia, i);
                    if i > 0 {
                        if let Some(&c) = list.commas.get(i - 1) {
                            p.token(c, Gap::Inline);
                        }
                        gap = Gap::Softline;
                    }
                    p.ty(item, gap);
                }
                p.emit_remaining(trivia, list.items.len());
                p.doc.softbreak();
            });
            p.token(list.close, Gap::Preserve);
        });
    }

    pub(super) fn ty(&mut self, ty: &Type, gap: Gap) {
        match ty {
            Type::Path(path) => self.path(path, gap),
            Type::Prefixed(prefix, inner) => {
                self.token(*prefix, gap);
                self.ty(inner, Gap::Space);
            }
            Type::Generic(path, open, close, args, commas) => {
                self.path(path, gap);
                let trivia = { self.tr }.scope(*open);
                self.token(*open, Gap::Preserve);
                for (i, arg) in args.iter().enumerate() {
                    self.emit_slot(trivia, i);
                    let mut g = Gap::Preserve;
                    if i > 0 {
                        if let Some(&c) = commas.get(i - 1) {
                            self.token(c, Gap::Inline);
                        }
                        g = Gap::Space;
                    }
                    self.ty(arg, g);
                }
                self.emit_remaining(trivia, args.len());
                self.token(*close, Gap::Preserve);
            }
        }
    }

    pub(super) fn path(&mut self, path: &Path, gap: Gap) {
        let saved = self.ctx;
        if self.ctx.path_in_value {
            self.ctx.line_to_block = true;
            self.ctx.path_in_value = false;
        } else {
            self.ctx.line_to_block = true;
            self.ctx.trailing_block_on_new_line = false;
        }
        let mut first = true;
        for comp in &path.comps {
            let mut sep_gap = Gap::Preserve;
            if first && comp.sep.is_some() {
                sep_gap = gap;
            }
            if let Some(s) = comp.sep {
                self.token(s, sep_gap);
            }
            let mut comp_gap = Gap::Preserve;
            if first && comp.sep.is_none() {
                comp_gap = gap;
            }
            first = false;
            match &comp.name {
                CompName::Ident(i) => self.token(*i, comp_gap),
                CompName::Ext(open, close, inner) => {
                    let trivia = { self.tr }.scope(*open);
                    self.token(*open, comp_gap);
                    self.emit_slot(trivia, 0);
                    self.path(inner, Gap::PreserveTight);
                    self.emit_slot(trivia, 1);
                    self.token(*close, Gap::Preserve);
                }
            }
        }
        self.ctx = saved;
    }
}
