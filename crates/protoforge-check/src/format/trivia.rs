//! Which comments and blank lines belong to which token, decided once before printing.
//!
//! Each scope (the file, or the inside of a fused pair) is a run of statements. Whitespace and
//! comments before a statement are split at its last blank line: what comes before goes to the
//! scope's slot for that statement (printed where the statement is), what comes after leads the
//! statement's first token. A comment on the same line after a statement trails its last token.
//! Inside literals (`[...]`, and `{...}`/`<...>` after `=`) a comma also ends a statement.

use std::collections::HashMap;

use super::tokens::{Cursor, Kind, Tokens};

/// Comments and whitespace bound to one token.
#[derive(Clone, Default, Debug)]
pub(crate) struct Attached {
    pub leading: Vec<usize>,
    pub trailing: Vec<usize>,
}

/// The free-standing comments of one scope.
#[derive(Clone, Default, Debug)]
pub(crate) struct Detached {
    /// `slots[i]` comes before statement `i`; the last slot comes before the scope's end.
    pub slots: Vec<Vec<usize>>,
    /// Whether statement `i` is preceded by a blank line.
    pub blank_before: Vec<bool>,
    /// Whether the scope's end is preceded by a blank line.
    pub blank_before_close: bool,
}

impl Detached {
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty() || (self.slots.len() == 1 && self.slots[0].is_empty())
    }

    pub fn has_blank_before(&self, i: usize) -> bool {
        self.blank_before.get(i).copied().unwrap_or(false)
    }
}

/// The key of the file scope (scopes are otherwise keyed by their open token).
pub(crate) const FILE_SCOPE: usize = usize::MAX;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Decl,
    Literal,
}

/// The trivia of a whole file.
#[derive(Default)]
pub(crate) struct Trivia {
    pub attached: HashMap<usize, Attached>,
    pub detached: HashMap<usize, Detached>,
}

impl Trivia {
    pub fn build(tokens: &Tokens<'_>) -> Trivia {
        let mut t = Trivia::default();
        let mut w = Walker {
            tokens,
            trivia: &mut t,
        };
        let mut cursor = tokens.cursor();
        w.walk_scope(&mut cursor, FILE_SCOPE, Mode::Decl);
        t
    }

    pub fn scope(&self, id: usize) -> &Detached {
        static EMPTY: Detached = Detached {
            slots: Vec::new(),
            blank_before: Vec::new(),
            blank_before_close: false,
        };
        self.detached.get(&id).unwrap_or(&EMPTY)
    }

    pub fn token(&self, id: usize) -> Option<&Attached> {
        self.attached.get(&id)
    }
}

/// True when any of `toks` is a comment.
pub(crate) fn has_comment(tokens: &Tokens<'_>, toks: &[usize]) -> bool {
    toks.iter().any(|&t| tokens.is_comment(t))
}

/// The index of the first newline in `toks`, or its length.
pub(crate) fn first_newline(tokens: &Tokens<'_>, toks: &[usize]) -> usize {
    toks.iter()
        .position(|&t| tokens.kind(t) == Kind::Newline)
        .unwrap_or(toks.len())
}

/// Splits `toks` at its last blank line: (before, from the blank line's second newline on).
pub(crate) fn split_detached(tokens: &Tokens<'_>, toks: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut last_newline: Option<usize> = None;
    for index in (0..toks.len()).rev() {
        match tokens.kind(toks[index]) {
            Kind::Newline => {
                if last_newline.is_some() {
                    break;
                }
                last_newline = Some(index);
            }
            Kind::Space => {}
            _ => last_newline = None,
        }
    }
    match last_newline {
        None => (Vec::new(), toks.to_vec()),
        Some(at) => (toks[..at].to_vec(), toks[at..].to_vec()),
    }
}

struct Walker<'t, 'a> {
    tokens: &'t Tokens<'a>,
    trivia: &'t mut Trivia,
}

impl Walker<'_, '_> {
    fn attached(&mut self, id: usize) -> &mut Attached {
        self.trivia.attached.entry(id).or_default()
    }

    fn walk_scope(&mut self, cursor: &mut Cursor, scope: usize, mode: Mode) {
        let tk = self.tokens;
        let mut pending: Vec<usize> = Vec::new();
        let mut det = Detached::default();
        let mut had_blank = false;
        while let Some(tok) = tk.next(cursor) {
            if tk.skippable(tok) {
                pending.push(tok);
                continue;
            }
            if det.slots.is_empty() && scope != FILE_SCOPE {
                let nl = first_newline(tk, &pending);
                if nl < pending.len() && has_comment(tk, &pending[..nl]) {
                    self.attached(scope).trailing = pending[..nl].to_vec();
                    pending.drain(..nl);
                }
            }
            let (d, a) = split_detached(tk, &pending);
            let mut blank = had_blank;
            if det.blank_before.is_empty() && !blank && has_comment(tk, &d) {
                blank = true;
            }
            det.slots.push(d);
            det.blank_before.push(blank);
            self.trivia.attached.insert(
                tok,
                Attached {
                    leading: a,
                    trailing: Vec::new(),
                },
            );
            pending.clear();
            had_blank = self.walk_decl(cursor, tok, mode);
        }
        if !had_blank && scope != FILE_SCOPE && !pending.is_empty() {
            let (d, a) = split_detached(tk, &pending);
            had_blank = has_comment(tk, &d) && has_comment(tk, &a);
        }
        det.slots.push(pending);
        det.blank_before_close = had_blank;
        self.trivia.detached.insert(scope, det);
    }

    fn walk_fused(&mut self, open: usize, parent_saw_assign: bool) -> usize {
        let tk = self.tokens;
        let close = tk.close_of(open).unwrap_or(open);
        let mode = match tk.text(open) {
            "[" if tk.kind(open) == Kind::Punct => Mode::Literal,
            "{" | "<" if tk.kind(open) == Kind::Punct && parent_saw_assign => Mode::Literal,
            _ => Mode::Decl,
        };
        let mut children = tk.children(open);
        self.walk_scope(&mut children, open, mode);
        let det = self.trivia.detached.entry(open).or_default();
        let end = det.slots.pop().unwrap_or_default();
        let (d, a) = split_detached(tk, &end);
        det.slots.push(d);
        self.trivia.attached.insert(
            close,
            Attached {
                leading: a,
                trailing: Vec::new(),
            },
        );
        close
    }

    fn next_is_semi(&self, cursor: &Cursor) -> bool {
        let tk = self.tokens;
        let mut c = *cursor;
        while let Some(t) = tk.next(&mut c) {
            if !tk.skippable(t) {
                return tk.is_punct(t, ";");
            }
        }
        false
    }

    /// Walks one statement starting at `start`; returns whether a blank line follows it.
    fn walk_decl(&mut self, cursor: &mut Cursor, start: usize, mode: Mode) -> bool {
        let tk = self.tokens;
        let mut end_tok = start;
        let mut pending: Vec<usize> = Vec::new();
        let mut saw_assign = false;
        let mut tok = start;
        loop {
            if tok != start && tk.skippable(tok) {
                pending.push(tok);
            } else {
                if tok != start {
                    let mut leading = std::mem::take(&mut pending);
                    let nl = first_newline(tk, &leading);
                    if has_comment(tk, &leading[..nl]) && nl < leading.len() {
                        self.attached(end_tok).trailing = leading[..nl].to_vec();
                        leading.drain(..nl);
                    }
                    self.trivia.attached.insert(
                        tok,
                        Attached {
                            leading,
                            trailing: Vec::new(),
                        },
                    );
                }
                if tk.is_punct(tok, "=") {
                    saw_assign = true;
                }
                end_tok = tok;
                if tk.close_of(tok).is_some() {
                    end_tok = self.walk_fused(tok, saw_assign);
                }
                let mut boundary = tk.is_punct(tok, ";");
                if tk.is_punct(tok, "{") {
                    boundary = !saw_assign || !self.next_is_semi(cursor);
                }
                if mode == Mode::Literal && tk.is_punct(tok, ",") {
                    boundary = true;
                }
                if boundary {
                    break;
                }
            }
            match tk.next(cursor) {
                Some(t) => tok = t,
                None => break,
            }
        }

        let mut after_newline = false;
        let mut at_end = true;
        let mut has_blank = false;
        let mut trailing: Vec<usize> = Vec::new();
        while let Some(t) = tk.next(cursor) {
            let kind = tk.kind(t);
            let is_newline = kind == Kind::Newline;
            let is_space = kind == Kind::Space;
            let is_comment = kind == Kind::Comment;
            if !after_newline && !is_newline && !is_space && !is_comment {
                tk.prev(cursor);
                at_end = false;
                break;
            }
            if after_newline && !is_newline && !is_space {
                let nl = first_newline(tk, &trailing);
                let (d, a) = split_detached(tk, &trailing[nl..]);
                has_blank = !d.is_empty();
                tk.prev(cursor);
                for _ in &a {
                    tk.prev(cursor);
                }
                trailing.truncate(nl + d.len());
                at_end = false;
                break;
            }
            after_newline = after_newline || is_newline;
            trailing.push(t);
        }
        if at_end && !pending.is_empty() && trailing.is_empty() {
            let nl = first_newline(tk, &pending);
            if has_comment(tk, &pending[..nl]) {
                trailing = pending[..nl].to_vec();
            }
            let rest = &pending[nl..];
            if has_comment(tk, rest) {
                let (_, a) = split_detached(tk, rest);
                has_blank = rest.len() > a.len();
                for _ in rest {
                    tk.prev(cursor);
                }
            }
        }
        if at_end
            && !after_newline
            && !trailing.is_empty()
            && tk.is_punct(end_tok, ";")
            && trailing
                .iter()
                .any(|&t| tk.is_comment(t) && tk.text(t).starts_with("/*"))
        {
            for _ in &trailing {
                tk.prev(cursor);
            }
            trailing.clear();
        }
        if at_end && after_newline {
            let nl = first_newline(tk, &trailing);
            for _ in nl..trailing.len() {
                tk.prev(cursor);
            }
            trailing.truncate(nl);
        }
        if !trailing.is_empty() {
            self.attached(end_tok).trailing = trailing;
        }
        has_blank
    }
}
