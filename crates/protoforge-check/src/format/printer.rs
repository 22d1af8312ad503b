//! Prints the statements of a file in buf's canonical layout, placing every comment where
//! [`super::trivia`] attached it.

use super::cst::{
    Body, CompName, CompactOptions, Decl, Expr, Field, OptEntry, Path, Rank, Type, TypeList,
};
use super::dom::Doc;
use super::tokens::{Kind, Tokens};
use super::trivia::{Detached, FILE_SCOPE, Trivia, has_comment};

/// What goes between the previous output and the next token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gap {
    None,
    Space,
    Newline,
    /// A space in a flat group, a newline otherwise.
    Softline,
    Blankline,
    /// Nothing, but comments in between are spaced.
    Inline,
    /// Nothing, but spacing around comments follows the source.
    Preserve,
    /// Like `Preserve`, without the inherited space before the first comment.
    PreserveTight,
}

/// Settings that depend on where the printer is.
#[derive(Clone, Copy, Default)]
struct Ctx {
    /// A trailing `//` comment here would swallow what follows: print it as `/* */`.
    line_to_block: bool,
    /// Compound strings are indented one level.
    indent_expr: bool,
    /// Trailing block comments go on a line of their own.
    trailing_block_on_new_line: bool,
    /// A leading block comment stays on its element's line.
    pair_leading_block: bool,
    /// The path being printed is an option value.
    path_in_value: bool,
}

struct P<'t, 'a> {
    t: &'t Tokens<'a>,
    tr: &'t Trivia,
    doc: Doc,
    pending: Vec<usize>,
    ctx: Ctx,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    File,
    Body,
}

/// Prints `decls` (the file's statements, in source order).
pub(crate) fn print_file(t: &Tokens<'_>, tr: &Trivia, decls: &[Decl]) -> String {
    let file_trivia = tr.scope(FILE_SCOPE);
    if decls.is_empty() && !file_trivia.slots.iter().any(|s| has_comment(t, s)) {
        return String::new();
    }
    let mut p = P {
        t,
        tr,
        doc: Doc::new(),
        pending: Vec::new(),
        ctx: Ctx::default(),
    };
    // Canonical order: syntax, package, imports, options, then the rest as written.
    let mut order: Vec<usize> = (0..decls.len()).collect();
    let keys: Vec<(Rank, u8, String)> = decls.iter().map(|d| p.sort_key(d)).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let sorted: Vec<&Decl> = order.iter().map(|&i| &decls[i]).collect();
    let src: Vec<isize> = order.iter().map(|&i| i as isize).collect();
    p.scope_decls(file_trivia, &sorted, &src, Scope::File);
    let mut end = Gap::None;
    if !decls.is_empty() || p.pending_has_comments() {
        end = Gap::Newline;
        if file_trivia.blank_before_close && p.pending_has_comments() {
            end = Gap::Blankline;
        }
    }
    p.emit_trivia(end);
    p.doc.render("  ")
}

impl P<'_, '_> {
    fn sort_key(&self, d: &Decl) -> (Rank, u8, String) {
        match d {
            Decl::Import { mods, path, .. } => {
                let option = mods.iter().any(|&m| self.t.text(m) == "option");
                let name = match path {
                    Expr::Literal(i) => self.t.text(*i).to_string(),
                    _ => String::new(),
                };
                (Rank::Import, u8::from(option), name)
            }
            Decl::Option { path, .. } => {
                let ext =
                    matches!(path.comps.first(), Some(c) if matches!(c.name, CompName::Ext(..)));
                let mut name = String::from(if ext { "1" } else { "0" });
                self.canonical(path, &mut name);
                (Rank::Option, 0, name)
            }
            _ => (d.rank(), 0, String::new()),
        }
    }

    fn canonical(&self, path: &Path, out: &mut String) {
        for c in &path.comps {
            if let Some(s) = c.sep {
                out.push_str(self.t.text(s));
            }
            match &c.name {
                CompName::Ident(i) => out.push_str(self.t.text(*i)),
                CompName::Ext(_, _, inner) => {
                    out.push('(');
                    self.canonical(inner, out);
                    out.push(')');
                }
            }
        }
    }

    fn pending_has_comments(&self) -> bool {
        has_comment(self.t, &self.pending)
    }

    fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx), body: impl FnOnce(&mut Self) -> R) -> R {
        let saved = self.ctx;
        f(&mut self.ctx);
        let r = body(self);
        self.ctx = saved;
        r
    }

    fn indent(&mut self, body: impl FnOnce(&mut Self)) {
        self.doc.open_indent();
        body(self);
        self.doc.close();
    }

    fn group(&mut self, body: impl FnOnce(&mut Self)) {
        self.doc.open_group();
        body(self);
        self.doc.close();
    }

    // ---- tokens and trivia ----

    fn token(&mut self, tok: usize, gap: Gap) {
        let text = self.t.text(tok);
        self.token_as(tok, gap, text);
    }

    fn token_as(&mut self, tok: usize, gap: Gap, text: &str) {
        let att = self.tr.token(tok);
        if let Some(att) = att {
            self.pending.extend_from_slice(&att.leading);
        }
        if !text.is_empty() {
            if att.is_some() {
                self.emit_trivia(gap);
            } else {
                self.emit_gap(gap);
            }
            self.doc.text(text);
        }
        if let Some(att) = att {
            self.emit_trailing(&att.trailing);
        }
    }

    fn emit_trailing(&mut self, trailing: &[usize]) {
        for &t in trailing {
            if !self.t.is_comment(t) {
                continue;
            }
            let is_line = self.t.is_line_comment(t);
            if !is_line && self.ctx.trailing_block_on_new_line {
                self.doc.newline();
            } else {
                self.doc.space();
            }
            if self.ctx.line_to_block && is_line {
                self.emit_line_as_block(t);
            } else {
                self.emit_comment(t);
                if is_line {
                    // Nothing may follow a `//` comment on its line.
                    self.doc.newline();
                }
            }
        }
    }

    /// A `//` comment as `/* ... */`, for places where a line comment would swallow code.
    fn emit_line_as_block(&mut self, t: usize) {
        let text = self.t.text(t).trim_end_matches([' ', '\t']);
        let body = text.strip_prefix("//").unwrap_or(text).replace("*/", "* /");
        self.doc.text(format!("/*{body} */"));
    }

    fn emit_comma_trivia(&mut self, comma: Option<usize>) {
        if let Some(c) = comma
            && let Some(att) = self.tr.token(c)
        {
            self.emit_trailing(&att.trailing);
        }
    }

    fn emit_slot(&mut self, trivia: &Detached, i: usize) {
        if let Some(slot) = trivia.slots.get(i) {
            self.pending.extend_from_slice(slot);
        }
    }

    fn emit_remaining(&mut self, trivia: &Detached, from: usize) {
        for i in from..trivia.slots.len() {
            self.emit_slot(trivia, i);
        }
    }

    fn emit_gap(&mut self, gap: Gap) {
        match gap {
            Gap::Space => self.doc.space(),
            Gap::Newline => self.doc.newline(),
            Gap::Softline => self.doc.softline(),
            Gap::Blankline => self.doc.blankline(),
            Gap::None | Gap::Inline | Gap::Preserve | Gap::PreserveTight => {}
        }
    }

    /// Prints the pending comments, then `gap`.
    fn emit_trivia(&mut self, gap: Gap) {
        let after = match gap {
            Gap::Space => Gap::Space,
            Gap::Preserve | Gap::PreserveTight | Gap::Inline => Gap::None,
            _ => Gap::Softline,
        };
        let first = if gap == Gap::Inline { Gap::Space } else { gap };
        let inherit = |base: Gap, has_space: bool| {
            if matches!(gap, Gap::Preserve | Gap::PreserveTight) && has_space {
                Gap::Space
            } else {
                base
            }
        };
        let mut has_comment = false;
        let mut prev_is_line = false;
        let mut newline_run = 0usize;
        let mut has_non_newline_space = false;
        let mut pre_comment_newline = false;
        let pending = std::mem::take(&mut self.pending);
        for &tok in &pending {
            match self.t.kind(tok) {
                Kind::Newline => {
                    newline_run += 1;
                    if !has_comment {
                        pre_comment_newline = true;
                    }
                    continue;
                }
                Kind::Space => {
                    has_non_newline_space = true;
                    continue;
                }
                Kind::Comment => {}
                _ => continue,
            }
            let mut fg = inherit(first, has_non_newline_space);
            let ag = inherit(after, has_non_newline_space);
            if gap == Gap::PreserveTight && !has_comment {
                fg = first;
            }
            // Code follows on the same line: a `//` comment would swallow it.
            let inline = matches!(after, Gap::Space | Gap::None);
            if !has_comment {
                self.emit_gap(fg);
            } else if inline && newline_run < 2 {
                self.emit_gap(Gap::Space);
            } else {
                self.emit_gap(comment_gap(ag, prev_is_line, newline_run));
            }
            has_non_newline_space = false;
            newline_run = 0;
            prev_is_line = self.t.is_line_comment(tok);
            if inline && prev_is_line {
                self.emit_line_as_block(tok);
                prev_is_line = false;
            } else {
                self.emit_comment(tok);
            }
            has_comment = true;
        }
        if has_comment {
            if gap == Gap::Newline
                && !prev_is_line
                && newline_run == 0
                && pre_comment_newline
                && self.ctx.pair_leading_block
            {
                self.emit_gap(Gap::Space);
                return;
            }
            let mut fin = comment_gap(
                inherit(after, has_non_newline_space),
                prev_is_line,
                newline_run,
            );
            if gap == Gap::Newline && !prev_is_line && newline_run >= 1 && fin == Gap::Space {
                fin = Gap::Newline;
            }
            self.emit_gap(fin);
            return;
        }
        self.emit_gap(gap);
    }

    fn emit_comment(&mut self, tok: usize) {
        let text = self.t.text(tok).trim_end_matches([' ', '\t']);
        if text.starts_with("/*") {
            self.emit_block_comment(text);
        } else {
            self.doc.text(text);
        }
    }

    /// A block comment over several lines, re-indented: a shared decoration character (`*`)
    /// is kept one space in; otherwise the lines keep their relative indentation, three in.
    fn emit_block_comment(&mut self, text: &str) {
        let lines: Vec<&str> = text.split('\n').collect();
        if lines.len() <= 1 {
            self.doc.text(text);
            return;
        }
        let last = lines[lines.len() - 1].trim_start_matches([' ', '\t']);
        let standalone_close = last.trim_end_matches([' ', '\t']) == "*/";
        let mut min_indent: Option<usize> = None;
        let mut prefix: Option<u8> = None;
        let mut prefix_set = false;
        for line in &lines[1..] {
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed == "*/" {
                continue;
            }
            let indent = visual_indent(line);
            min_indent = Some(min_indent.map_or(indent, |m| m.min(indent)));
            let ch = trimmed.as_bytes()[0];
            if is_comment_prefix(ch) {
                if !prefix_set {
                    prefix = Some(ch);
                    prefix_set = true;
                } else if prefix != Some(ch) {
                    prefix = None;
                }
            } else {
                prefix = None;
            }
        }
        let min_indent = min_indent.unwrap_or(0);
        self.doc.text(lines[0].trim_end_matches([' ', '\t']));
        let end = if standalone_close {
            lines.len() - 1
        } else {
            lines.len()
        };
        let mut pending_newlines = 0;
        for line in &lines[1..end] {
            pending_newlines += 1;
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() {
                continue;
            }
            let content = if prefix.is_some() {
                format!(" {}", trimmed.trim_end_matches([' ', '\t']))
            } else {
                let l = unindent(line, min_indent);
                let l = l.trim_end_matches([' ', '\t']);
                if l.is_empty() {
                    continue;
                }
                format!("   {l}")
            };
            self.doc.text("\n".repeat(pending_newlines));
            self.doc.text(content);
            pending_newlines = 0;
        }
        if standalone_close {
            pending_newlines += 1;
            self.doc.text("\n".repeat(pending_newlines));
            self.doc
                .text(if prefix == Some(b'*') { " */" } else { "*/" });
        }
    }

    fn extract_close_comments(&self, close: usize) -> (Vec<usize>, Vec<usize>) {
        match self.tr.token(close) {
            Some(att) if has_comment(self.t, &att.leading) => {
                (att.leading.clone(), att.trailing.clone())
            }
            _ => (Vec::new(), Vec::new()),
        }
    }

    fn extract_open_trailing(&self, open: usize) -> Vec<usize> {
        match self.tr.token(open) {
            Some(att) if has_comment(self.t, &att.trailing) => att.trailing.clone(),
            _ => Vec::new(),
        }
    }

    fn emit_close_tok(&mut self, close: usize, text: &str, comments: &[usize], trailing: &[usize]) {
        if comments.is_empty() {
            self.token_as(close, Gap::Newline, text);
        } else {
            self.emit_gap(Gap::Newline);
            self.doc.text(text);
            self.emit_trailing(trailing);
        }
    }

    fn emit_close_comments(&mut self, comments: &[usize], blank_before_close: bool) {
        let pending = std::mem::take(&mut self.pending);
        for &t in &pending {
            if self.t.is_comment(t) {
                self.emit_gap(Gap::Newline);
                self.emit_comment(t);
            }
        }
        let mut gap = if blank_before_close {
            Gap::Blankline
        } else {
            Gap::Newline
        };
        let mut newline_run = 0;
        for &t in comments {
            match self.t.kind(t) {
                Kind::Newline => {
                    newline_run += 1;
                    continue;
                }
                Kind::Comment => {}
                _ => continue,
            }
            if newline_run >= 2 {
                gap = Gap::Blankline;
            }
            newline_run = 0;
            self.emit_gap(gap);
            self.emit_comment(t);
            gap = Gap::Newline;
        }
    }

    /// The non-trivia tokens directly inside fused `open`.
    fn children(&self, open: usize) -> Vec<usize> {
        let mut c = self.t.children(open);
        let mut out = Vec::new();
        while let Some(i) = self.t.next(&mut c) {
            if !self.t.skippable(i) {
                out.push(i);
            }
        }
        out
    }

    fn scope_has_attached_comments(&self, open: usize) -> bool {
        let t = self.t;
        if let Some(att) = self.tr.token(open)
            && has_comment(t, &att.trailing)
        {
            return true;
        }
        if let Some(close) = t.close_of(open)
            && let Some(att) = self.tr.token(close)
            && has_comment(t, &att.leading)
        {
            return true;
        }
        self.children(open).into_iter().any(|i| {
            self.tr
                .token(i)
                .is_some_and(|a| has_comment(t, &a.leading) || has_comment(t, &a.trailing))
        })
    }

    fn scope_has_uninlineable_leading_comments(&self, open: usize) -> bool {
        self.children(open).into_iter().any(|i| {
            let Some(att) = self.tr.token(i) else {
                return false;
            };
            let mut saw_newline = false;
            for &t in &att.leading {
                match self.t.kind(t) {
                    Kind::Newline => saw_newline = true,
                    Kind::Comment if self.t.is_line_comment(t) || saw_newline => return true,
                    _ => {}
                }
            }
            false
        })
    }

    // ---- statements ----

    fn scope_decls(&mut self, trivia: &Detached, decls: &[&Decl], src: &[isize], scope: Scope) {
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

    fn decl_gap(
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

    fn decl(&mut self, decl: &Decl, gap: Gap) {
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

    fn body(&mut self, body: &Body) {
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

    fn type_list(&mut self, list: &TypeList, open_gap: Gap) {
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

    fn ty(&mut self, ty: &Type, gap: Gap) {
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

    fn path(&mut self, path: &Path, gap: Gap) {
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

    fn compact_options(&mut self, opts: Option<&CompactOptions>) {
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

    fn opt_entry(&mut self, opt: &OptEntry, gap: Gap, value_ctx: impl FnOnce(&mut Ctx)) {
        self.path(&opt.path, gap);
        if let (Some(eq), Some(value)) = (opt.eq, &opt.value) {
            self.token(eq, Gap::Space);
            self.with_ctx(value_ctx, |p| p.expr(value, Gap::Space));
        }
    }

    // ---- values ----

    fn expr(&mut self, e: &Expr, gap: Gap) {
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
    fn compound_string(&mut self, first: usize) {
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

    fn line_of(&self, tok: usize) -> usize {
        let at = self.t.toks[tok].start as usize;
        self.t.text[..at].bytes().filter(|&b| b == b'\n').count()
    }

    /// Restores the line-comment rule of the context outside a literal for its close token.
    fn close_ctx(&mut self, outer_line_to_block: bool) {
        self.ctx.line_to_block = outer_line_to_block;
        if outer_line_to_block {
            self.ctx.trailing_block_on_new_line = false;
        }
    }

    fn array(&mut self, open: usize, close: usize, elems: &[Expr], commas: &[usize], gap: Gap) {
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

    fn dict(&mut self, open: usize, close: usize, fields: &[Field], gap: Gap) {
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

    fn expr_field(&mut self, f: &Field, gap: Gap) {
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
    fn blank_line_between(&self, prev: &Field, curr: &Field) -> bool {
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

fn comment_gap(context: Gap, is_line: bool, blank_run: usize) -> Gap {
    if blank_run >= 2 {
        Gap::Blankline
    } else if is_line {
        Gap::Newline
    } else {
        context
    }
}

fn ends_with_inline_block_comment(t: &Tokens<'_>, toks: &[usize]) -> bool {
    let mut in_block = false;
    for &tok in toks {
        match t.kind(tok) {
            Kind::Comment => in_block = !t.is_line_comment(tok),
            Kind::Newline => in_block = false,
            _ => {}
        }
    }
    in_block
}

fn path_first_token(path: &Path) -> usize {
    match path.comps.first() {
        Some(c) => match (c.sep, &c.name) {
            (Some(s), _) => s,
            (None, CompName::Ident(i)) => *i,
            (None, CompName::Ext(open, _, _)) => *open,
        },
        None => 0,
    }
}

fn path_last_token(path: &Path) -> usize {
    match path.comps.last().map(|c| &c.name) {
        Some(CompName::Ident(i)) => *i,
        Some(CompName::Ext(_, close, _)) => *close,
        None => 0,
    }
}

fn expr_first_token(e: &Expr) -> usize {
    match e {
        Expr::Literal(i) | Expr::Prefixed(i, _) => *i,
        Expr::Path(p) => path_first_token(p),
        Expr::Range(s, _, _) => expr_first_token(s),
        Expr::Array { open, .. } | Expr::Dict { open, .. } => *open,
    }
}

fn expr_last_token(t: &Tokens<'_>, e: &Expr) -> usize {
    match e {
        Expr::Literal(i) => t.close_of(*i).unwrap_or(*i),
        Expr::Path(p) => path_last_token(p),
        Expr::Prefixed(_, inner) => expr_last_token(t, inner),
        Expr::Range(_, _, end) => expr_last_token(t, end),
        Expr::Array { close, .. } | Expr::Dict { close, .. } => *close,
    }
}

fn field_last_token(t: &Tokens<'_>, f: &Field) -> usize {
    match (&f.value, f.colon) {
        (Some(v), _) => expr_last_token(t, v),
        (None, Some(c)) => c,
        (None, None) => expr_last_token(t, &f.key),
    }
}

fn is_comment_prefix(ch: u8) -> bool {
    (b'!'..=b'~').contains(&ch) && !ch.is_ascii_alphanumeric()
}

fn visual_indent(line: &str) -> usize {
    let mut indent = 0;
    for c in line.chars() {
        match c {
            ' ' => indent += 1,
            '\t' => indent += 8 - indent % 8,
            _ => return indent,
        }
    }
    indent
}

fn unindent(line: &str, n: usize) -> String {
    let mut pos = 0;
    for (i, c) in line.char_indices() {
        if pos == n {
            return line[i..].to_string();
        }
        if pos > n {
            return format!("{}{}", " ".repeat(pos - n), &line[i..]);
        }
        match c {
            ' ' => pos += 1,
            '\t' => pos += 8 - pos % 8,
            _ => return line[i..].to_string(),
        }
    }
    String::new()
}
