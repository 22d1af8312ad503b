//! The formatter's token stream: every byte of the file, whitespace and comments included, so
//! the printer can decide where each comment and blank line goes.
//!
//! Whitespace is split at newlines (each `\n` is a token of its own), line comments stop before
//! their newline, and two kinds of tokens are fused: matching brackets (`()`, `[]`, `{}`, `<>`),
//! whose open token knows its close token and the other way round, and runs of adjacent string
//! literals (`"a" "b"`), fused from the first string to the last.

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// Whitespace without a newline.
    Space,
    /// One `\n`.
    Newline,
    /// A `//` comment (without its newline) or a `/* */` comment.
    Comment,
    /// An identifier or keyword.
    Ident,
    /// A number.
    Number,
    /// One string literal.
    String,
    /// One punctuation character.
    Punct,
}

/// Marks a token that is not fused.
const NONE: u32 = u32::MAX;

/// One token: its kind, its bytes and, when fused, its partner.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    partner: u32,
}

/// A tokenized file.
pub(crate) struct Tokens<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
}

impl<'a> Tokens<'a> {
    /// Splits `text` into tokens and fuses them. Fails (with a byte offset and a message) on a
    /// bracket that has no partner; the caller only formats files that parsed cleanly.
    pub fn new(text: &'a str) -> Result<Tokens<'a>, (usize, String)> {
        let toks = lex(text);
        let mut tokens = Tokens { text, toks };
        tokens.fuse_brackets()?;
        tokens.fuse_strings();
        Ok(tokens)
    }

    /// The text of token `i`.
    pub fn text(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.start as usize..t.end as usize]
    }

    pub fn kind(&self, i: usize) -> Kind {
        self.toks[i].kind
    }

    /// Whitespace or a comment.
    pub fn skippable(&self, i: usize) -> bool {
        matches!(self.kind(i), Kind::Space | Kind::Newline | Kind::Comment)
    }

    pub fn is_comment(&self, i: usize) -> bool {
        self.kind(i) == Kind::Comment
    }

    pub fn is_line_comment(&self, i: usize) -> bool {
        self.kind(i) == Kind::Comment && self.text(i).starts_with("//")
    }

    /// True for the punctuation character `c`.
    pub fn is_punct(&self, i: usize, c: &str) -> bool {
        self.kind(i) == Kind::Punct && self.text(i) == c
    }

    /// The close token of a fused open token.
    pub fn close_of(&self, i: usize) -> Option<usize> {
        let p = self.toks[i].partner;
        (p != NONE && p as usize > i).then_some(p as usize)
    }

    /// The open token of a fused close token.
    fn open_of(&self, i: usize) -> Option<usize> {
        let p = self.toks[i].partner;
        (p != NONE && (p as usize) < i).then_some(p as usize)
    }

    /// A cursor over the whole file's top level.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            start: 0,
            pos: 0,
            end: self.toks.len(),
        }
    }

    /// A cursor over the tokens between fused `open` and its close token.
    pub fn children(&self, open: usize) -> Cursor {
        let close = self.close_of(open).unwrap_or(open);
        Cursor {
            start: open + 1,
            pos: open + 1,
            end: close.max(open + 1),
        }
    }

    /// The next token at the cursor's level (a fused pair counts as its open token).
    pub fn next(&self, c: &mut Cursor) -> Option<usize> {
        if c.pos >= c.end {
            return None;
        }
        let i = c.pos;
        c.pos = match self.close_of(i) {
            Some(close) => close + 1,
            None => i + 1,
        };
        Some(i)
    }

    /// Steps the cursor back over one token at its level.
    pub fn prev(&self, c: &mut Cursor) {
        if c.pos <= c.start {
            return;
        }
        let j = c.pos - 1;
        c.pos = self.open_of(j).unwrap_or(j);
    }

    fn fuse_brackets(&mut self) -> Result<(), (usize, String)> {
        let mut opens: Vec<usize> = Vec::new();
        for i in 0..self.toks.len() {
            if self.toks[i].kind != Kind::Punct {
                continue;
            }
            let c = self.text(i);
            let want = match c {
                "(" | "[" | "{" | "<" => {
                    opens.push(i);
                    continue;
                }
                ")" => "(",
                "]" => "[",
                "}" => "{",
                ">" => "<",
                _ => continue,
            };
            match opens.pop() {
                Some(o) if self.text(o) == want => {
                    self.toks[o].partner = i as u32;
                    self.toks[i].partner = o as u32;
                }
                _ => {
                    return Err((
                        self.toks[i].start as usize,
                        format!("encountered unmatched `{c}` delimiter"),
                    ));
                }
            }
        }
        if let Some(&o) = opens.last() {
            return Err((
                self.toks[o].start as usize,
                format!("encountered unmatched `{}` delimiter", self.text(o)),
            ));
        }
        Ok(())
    }

    fn fuse_strings(&mut self) {
        let mut first: Option<usize> = None;
        let mut last = 0;
        let n = self.toks.len();
        for i in 0..=n {
            let kind = if i < n { Some(self.toks[i].kind) } else { None };
            match kind {
                Some(Kind::Space | Kind::Newline | Kind::Comment) => {}
                Some(Kind::String) => {
                    if first.is_none() {
                        first = Some(i);
                    }
                    last = i;
                }
                _ => {
                    if let Some(f) = first.take()
                        && f != last
                    {
                        self.toks[f].partner = last as u32;
                        self.toks[last].partner = f as u32;
                    }
                }
            }
        }
    }
}

/// A position among the tokens of one level (the file, or the inside of a fused pair).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor {
    start: usize,
    pos: usize,
    end: usize,
}

/// Whitespace by the Unicode `Pattern_White_Space` property.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0B}'
            | '\u{0C}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn lex(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut toks = Vec::with_capacity(text.len() / 3);
    let mut push = |kind, start: usize, end: usize| {
        toks.push(Tok {
            kind,
            start: start as u32,
            end: end as u32,
            partner: NONE,
        })
    };
    let mut i = 0;
    // A UTF-8 byte-order mark is not part of the file's text.
    if text.starts_with('\u{FEFF}') {
        i = 3;
    }
    while i < bytes.len() {
        let c = text[i..].chars().next().unwrap_or('\0');
        if is_space(c) {
            let start = i;
            while let Some(c) = text[i..].chars().next().filter(|&c| is_space(c)) {
                if c == '\n' {
                    break;
                }
                i += c.len_utf8();
            }
            if i > start {
                push(Kind::Space, start, i);
            }
            if i < bytes.len() && bytes[i] == b'\n' {
                push(Kind::Newline, i, i + 1);
                i += 1;
            }
            continue;
        }
        let start = i;
        if text[i..].starts_with("//") {
            let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            push(Kind::Comment, start, end);
            i = end;
            continue;
        }
        if text[i..].starts_with("/*") {
            let end = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2);
            push(Kind::Comment, start, end);
            i = end;
            continue;
        }
        if c == '"' || c == '\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != c as u8 && bytes[i] != b'\n' {
                if bytes[i] == b'\\' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
            if i < bytes.len() && bytes[i] == c as u8 {
                i += 1;
            }
            push(Kind::String, start, i);
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len() {
                let b = bytes[i];
                let exponent_sign = (b == b'+' || b == b'-')
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && !text[start..].starts_with("0x")
                    && !text[start..].starts_with("0X");
                if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            push(Kind::Number, start, i);
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while let Some(c) = text[i..]
                .chars()
                .next()
                .filter(|&c| c.is_alphanumeric() || c == '_')
            {
                i += c.len_utf8();
            }
            push(Kind::Ident, start, i);
            continue;
        }
        i += c.len_utf8();
        push(Kind::Punct, start, i);
    }
    toks
}
