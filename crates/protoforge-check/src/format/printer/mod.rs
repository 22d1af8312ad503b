//! Prints the statements of a file in buf's canonical layout, placing every comment where
//! [`super::trivia`] attached it.

mod comments;
mod decls;
mod values;

use super::cst::{
    Body, CompName, CompactOptions, Decl, Expr, Field, OptEntry, Path, Rank, Type, TypeList,
};
use super::dom::Doc;
use super::tokens::{Kind, Tokens};
use super::trivia::{Detached, FILE_SCOPE, Trivia, has_comment};
use comments::ends_with_inline_block_comment;

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
}
