//! The lexer: `.proto` text to the token stream the grammar reads.
//!
//! A `logos` automaton finds the raw tokens; [`lex`] then decodes literals (escapes, integer
//! bases, floats), turns identifiers that spell a keyword into keyword tokens (the grammar
//! accepts every keyword wherever an identifier may stand, so keywords stay contextual),
//! reports bad input as diagnostics with spans and keeps going. Comments and whitespace are
//! not tokens: they stay in the text between two tokens, where the comment attacher reads
//! them with protoc's rules.

use logos::Logos;
use protoforge::__private::c_format::{Dialect, Escape, read_escape};

use crate::diagnostic::Diagnostic;
use crate::scan;
use crate::span::{FileId, Span};

/// How deep `{`, `[`, `(` and `<` may nest before the lexer gives up on the rest of the file.
pub(crate) const MAX_DEPTH: usize = 100;

/// How many messages may nest inside each other; protoc refuses the next one.
pub(crate) const MAX_MESSAGE_DEPTH: usize = 31;

/// The raw token kinds the `logos` automaton recognises.
#[derive(Logos, Clone, Copy, PartialEq, Eq, Debug)]
#[logos(skip r"[ \t\r\n\x0B\x0C]+")]
enum Raw {
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex(r"0[xX][0-9A-Fa-f]+", priority = 10)]
    #[regex(r"[0-9]+", priority = 10)]
    Int,
    #[regex(r"[0-9]+\.[0-9]*([eE][+-]?[0-9]+)?", priority = 10)]
    #[regex(r"\.[0-9]+([eE][+-]?[0-9]+)?", priority = 10)]
    #[regex(r"[0-9]+[eE][+-]?[0-9]+", priority = 10)]
    Float,
    /// A number running into letters, such as `0x` or `12abc`.
    #[regex(r"[0-9][0-9A-Za-z_]*", priority = 1)]
    #[regex(r"[0-9]+\.[0-9]*[A-Za-z_][0-9A-Za-z_]*", priority = 1)]
    BadNumber,
    // A NUL byte ends a string literal, as it does in protoc (which then rejects the NUL).
    #[regex(r#""([^"\\\n\x00]|\\[^\n\x00])*""#)]
    #[regex(r#"'([^'\\\n\x00]|\\[^\n\x00])*'"#)]
    Str,
    #[regex(r#""([^"\\\n\x00]|\\[^\n\x00])*"#, priority = 1)]
    #[regex(r#"'([^'\\\n\x00]|\\[^\n\x00])*"#, priority = 1)]
    UnterminatedStr,
    #[token("//", line_comment)]
    LineComment,
    #[token("/*", block_comment)]
    BlockComment,
    #[token("/")]
    Slash,
    #[token(";")]
    Semi,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("=")]
    Eq,
    #[token(":")]
    Colon,
    #[token("-")]
    Minus,
    #[token("+")]
    Plus,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
}

/// Skips to the end of a line comment (not past the newline), and on through the comment
/// lines that follow it with only whitespace between: a run of comment lines is one token, as
/// nothing reads comment tokens. A callback rather than a regex: [`scan::find_either`] looks for
/// the newline a word at a time instead of one byte per automaton step. A NUL byte ends the
/// comment, as in protoc (the NUL itself is then an error).
fn line_comment(lex: &mut logos::Lexer<'_, Raw>) {
    let bytes = lex.remainder().as_bytes();
    let mut end = scan::find_either(bytes, b'\n', 0);
    while bytes.get(end) == Some(&b'\n') {
        let next = end
            + bytes[end..]
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C))
                .unwrap_or(bytes.len() - end);
        if bytes.get(next..next + 2) != Some(b"//") {
            break;
        }
        end = next + 2 + scan::find_either(&bytes[next + 2..], b'\n', 0);
    }
    lex.bump(end);
}

/// Skips to the end of a block comment; `false` (an unterminated comment) ends the token at
/// the end of the text, or at a NUL byte, which ends the text for protoc's tokenizer.
fn block_comment(lex: &mut logos::Lexer<'_, Raw>) -> bool {
    let rest = lex.remainder();
    let nul = scan::find_either(rest.as_bytes(), 0, 0);
    match rest[..nul].find("*/") {
        Some(i) => {
            lex.bump(i + 2);
            true
        }
        None => {
            lex.bump(nul);
            false
        }
    }
}

/// A token as the grammar sees it.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Tok<'a> {
    /// An identifier that is not a keyword.
    Ident(&'a str),
    /// An integer that fits in `u64`.
    Int(u64),
    /// An integer too large for `u64`, as a float.
    BigInt(f64),
    /// A float literal.
    Float(f64),
    /// One string literal, decoded. Boxed, which keeps the token at 24 bytes: the parser's
    /// stack entries, which must hold a token and its error records, grow with it.
    Str(Box<[u8]>),
    Syntax,
    Edition,
    Package,
    Import,
    Public,
    Weak,
    Option,
    Message,
    Enum,
    Service,
    Extend,
    Rpc,
    Returns,
    Stream,
    Oneof,
    Map,
    Group,
    Optional,
    Required,
    Repeated,
    Extensions,
    Reserved,
    To,
    Max,
    Export,
    Local,
    Semi,
    Comma,
    Dot,
    Eq,
    Colon,
    Minus,
    Plus,
    Slash,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Lt,
    Gt,
}

impl Tok<'_> {
    /// True for identifiers and keywords.
    fn is_word(&self) -> bool {
        !matches!(
            self,
            Tok::Int(_)
                | Tok::BigInt(_)
                | Tok::Float(_)
                | Tok::Str(_)
                | Tok::Semi
                | Tok::Comma
                | Tok::Dot
                | Tok::Eq
                | Tok::Colon
                | Tok::Minus
                | Tok::Plus
                | Tok::Slash
                | Tok::LBrace
                | Tok::RBrace
                | Tok::LBracket
                | Tok::RBracket
                | Tok::LParen
                | Tok::RParen
                | Tok::Lt
                | Tok::Gt
        )
    }

    /// The keyword token for `text`, if `text` is a keyword. Length and first letter (and in a
    /// few cases one more letter) pick the only candidate, so a word costs one comparison.
    fn keyword(text: &str) -> Option<Tok<'static>> {
        let b = text.as_bytes();
        let (word, tok) = match (b.len(), *b.first()?) {
            (2, b't') => ("to", Tok::To),
            (3, b'r') => ("rpc", Tok::Rpc),
            (3, b'm') if b[2] == b'p' => ("map", Tok::Map),
            (3, b'm') => ("max", Tok::Max),
            (4, b'w') => ("weak", Tok::Weak),
            (4, b'e') => ("enum", Tok::Enum),
            (5, b'o') => ("oneof", Tok::Oneof),
            (5, b'g') => ("group", Tok::Group),
            (5, b'l') => ("local", Tok::Local),
            (6, b's') if b[1] == b'y' => ("syntax", Tok::Syntax),
            (6, b's') => ("stream", Tok::Stream),
            (6, b'i') => ("import", Tok::Import),
            (6, b'p') => ("public", Tok::Public),
            (6, b'o') => ("option", Tok::Option),
            (6, b'e') if b[2] == b't' => ("extend", Tok::Extend),
            (6, b'e') => ("export", Tok::Export),
            (7, b'e') => ("edition", Tok::Edition),
            (7, b'p') => ("package", Tok::Package),
            (7, b'm') => ("message", Tok::Message),
            (7, b's') => ("service", Tok::Service),
            (7, b'r') => ("returns", Tok::Returns),
            (8, b'o') => ("optional", Tok::Optional),
            (8, b'r') if b[2] == b'q' => ("required", Tok::Required),
            (8, b'r') if b[2] == b'p' => ("repeated", Tok::Repeated),
            (8, b'r') => ("reserved", Tok::Reserved),
            (10, b'e') => ("extensions", Tok::Extensions),
            _ => return None,
        };
        (text == word).then_some(tok)
    }
}

/// The result of lexing one file.
pub(crate) struct Lexed<'a> {
    /// Tokens with byte offsets, in order.
    pub tokens: Vec<(u32, Tok<'a>, u32)>,
    /// Set when nesting went past [`MAX_DEPTH`] and the rest of the text was dropped.
    pub truncated: bool,
    /// Each `#` character: the index of the token after it and its byte offset.
    pub hashes: Vec<(usize, usize)>,
}

/// Splits `text` into tokens, reporting lexical errors into `diags`.
pub(crate) fn lex<'a>(file: FileId, text: &'a str, diags: &mut Vec<Diagnostic>) -> Lexed<'a> {
    // Real files have about one token per eight bytes; growing the vector costs more than a
    // slightly generous first guess.
    let mut tokens: Vec<(u32, Tok<'a>, u32)> = Vec::with_capacity(text.len() / 8 + 16);
    let mut depth = 0usize;
    // For every open `{`: whether it opened a message body.
    let mut braces: Vec<bool> = Vec::new();
    let mut message_depth = 0usize;
    let mut truncated = false;
    let mut hashes = Vec::new();
    let mut lexer = Raw::lexer(text);
    // Like protoc, ignore a UTF-8 byte order mark at the very start.
    if text.starts_with('\u{feff}') {
        lexer.bump('\u{feff}'.len_utf8());
    }
    let span_of = |r: std::ops::Range<usize>| Span::new(file, r.start as u32, r.end as u32);
    while let Some(raw) = lexer.next() {
        let range = lexer.span();
        let slice = lexer.slice();
        let (start, end) = (range.start, range.end);
        let tok = match raw {
            Err(()) => {
                if slice.starts_with("/*") {
                    diags.push(
                        Diagnostic::error(span_of(end..end), "unterminated block comment")
                            .with_label(span_of(start..start + 2), "comment starts here"),
                    );
                } else if slice == "#" {
                    // Judged once the tokens around it are known (see `hash_comments`).
                    hashes.push((tokens.len(), start));
                } else {
                    let ch = text[start..].chars().next().unwrap_or('?');
                    let len = ch.len_utf8();
                    diags.push(Diagnostic::error(
                        span_of(start..start + len),
                        format!("unexpected character `{}`", ch.escape_debug()),
                    ));
                }
                continue;
            }
            Ok(Raw::LineComment | Raw::BlockComment) => continue,
            Ok(Raw::Ident) => Tok::keyword(slice).unwrap_or(Tok::Ident(slice)),
            Ok(Raw::Int) => match parse_int(slice) {
                Ok(v) => Tok::Int(v),
                Err(IntError::Overflow(f)) => Tok::BigInt(f),
                Err(IntError::BadOctal) => {
                    let bad = slice.find(['8', '9']).unwrap_or(0);
                    diags.push(Diagnostic::error(
                        span_of(start + bad..start + bad + 1),
                        "numbers starting with a leading zero must be in octal",
                    ));
                    Tok::Int(0)
                }
            },
            Ok(Raw::Float) => Tok::Float(slice.parse::<f64>().unwrap_or(0.0)),
            Ok(Raw::BadNumber) => {
                if slice == "0x" || slice == "0X" {
                    diags.push(Diagnostic::error(
                        span_of(end..end),
                        "`0x` must be followed by hex digits",
                    ));
                } else {
                    let letter = slice
                        .find(|c: char| c.is_ascii_alphabetic() || c == '_')
                        .unwrap_or(0);
                    diags.push(
                        Diagnostic::error(
                            span_of(start + letter..end),
                            format!("need space between number and identifier in `{slice}`"),
                        )
                        .with_help("separate the number from the word after it"),
                    );
                }
                Tok::Int(0)
            }
            Ok(Raw::Str) => Tok::Str(unescape(file, start, slice, diags).into_boxed_slice()),
            Ok(Raw::UnterminatedStr) => {
                // A backslash before a NUL byte is still read as part of the string (the
                // string then ends at the NUL, like protoc's).
                let end = if text.as_bytes()[end..].starts_with(b"\\\0") {
                    lexer.bump(1);
                    end + 1
                } else {
                    end
                };
                diags.push(
                    Diagnostic::error(span_of(end..end), "unterminated string literal")
                        .with_label(span_of(start..start + 1), "string starts here")
                        .with_help("string literals cannot span lines; close it with a quote"),
                );
                let mut body = slice.to_string();
                body.push(slice.as_bytes()[0] as char);
                Tok::Str(unescape(file, start, &body, &mut Vec::new()).into_boxed_slice())
            }
            Ok(Raw::Slash) => Tok::Slash,
            Ok(Raw::Semi) => Tok::Semi,
            Ok(Raw::Comma) => Tok::Comma,
            Ok(Raw::Dot) => Tok::Dot,
            Ok(Raw::Eq) => Tok::Eq,
            Ok(Raw::Colon) => Tok::Colon,
            Ok(Raw::Minus) => Tok::Minus,
            Ok(Raw::Plus) => Tok::Plus,
            Ok(Raw::LBrace) => Tok::LBrace,
            Ok(Raw::RBrace) => Tok::RBrace,
            Ok(Raw::LBracket) => Tok::LBracket,
            Ok(Raw::RBracket) => Tok::RBracket,
            Ok(Raw::LParen) => Tok::LParen,
            Ok(Raw::RParen) => Tok::RParen,
            Ok(Raw::Lt) => Tok::Lt,
            Ok(Raw::Gt) => Tok::Gt,
        };
        match tok {
            Tok::LBrace => {
                let n = tokens.len();
                let opens_message =
                    n >= 2 && tokens[n - 2].1 == Tok::Message && tokens[n - 1].1.is_word();
                if opens_message {
                    message_depth += 1;
                    if message_depth > MAX_MESSAGE_DEPTH {
                        let (ks, _, ke) = tokens[n - 2];
                        diags.push(
                            Diagnostic::error(
                                Span::new(file, ks, ke),
                                format!(
                                    "messages nest too deeply (more than {MAX_MESSAGE_DEPTH} levels)"
                                ),
                            )
                            .with_help("protoc rejects deeper nesting too"),
                        );
                        truncated = true;
                        break;
                    }
                }
                braces.push(opens_message);
            }
            Tok::RBrace => {
                let closes_message = braces.pop() == Some(true);
                message_depth -= usize::from(closes_message);
            }
            _ => {}
        }
        match tok {
            Tok::LBrace | Tok::LBracket | Tok::LParen | Tok::Lt => {
                depth += 1;
                if depth > MAX_DEPTH {
                    diags.push(Diagnostic::error(
                        span_of(range),
                        format!("nesting is too deep (more than {MAX_DEPTH} levels)"),
                    ));
                    truncated = true;
                    break;
                }
            }
            Tok::RBrace | Tok::RBracket | Tok::RParen | Tok::Gt => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        tokens.push((start as u32, tok, end as u32));
    }
    Lexed {
        tokens,
        truncated,
        hashes,
    }
}

/// Decides what each `#` found by [`lex`] means, the way protoc treats it. protoc hands an
/// aggregate option value (`= { ... }`) to its text format parser as the value's tokens joined
/// by spaces, where `#` starts a comment running to the end of that text: everything after a
/// `#` up to the value's closing `}` is ignored (and if the `#` stood inside a nested message,
/// that message is left unclosed, an error at the value's `{`). Elsewhere `#` is an error.
///
/// Returns, for each token, whether the grammar should see it; the `}` closing each level the
/// comment cut short is kept, so the value still parses.
pub(crate) fn hash_comments(
    file: FileId,
    tokens: &[(u32, Tok<'_>, u32)],
    hashes: &[(usize, usize)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<bool> {
    let mut keep = vec![true; tokens.len()];
    if hashes.is_empty() {
        return keep;
    }
    let mut next_hash = hashes.iter().peekable();
    // Nesting depth inside the current aggregate value (0: not in one), the offset of its
    // `{`, and, while skipping, the depth whose closing `}` is kept next.
    let mut depth = 0usize;
    let mut open = 0usize;
    let mut skip_to: Option<usize> = None;
    let mut last_kept: Option<usize> = None;
    // One round past the last token, for a `#` at the very end; `keep` and `tokens` are both
    // indexed by `i`.
    #[allow(clippy::needless_range_loop)]
    for i in 0..=tokens.len() {
        while let Some(&&(at, offset)) = next_hash.peek() {
            if at != i {
                break;
            }
            next_hash.next();
            if depth == 0 {
                diags.push(Diagnostic::error(
                    Span::new(file, offset as u32, offset as u32 + 1),
                    "unexpected character `#`",
                ));
            } else if skip_to.is_none() {
                if depth > 1 {
                    diags.push(
                        Diagnostic::error(
                            Span::new(file, open as u32, open as u32 + 1),
                            "a `#` comment in a nested message runs to the end of this \
                             option value, leaving the nested message unclosed",
                        )
                        .with_label(
                            Span::new(file, offset as u32, offset as u32 + 1),
                            "comment starts here",
                        ),
                    );
                }
                skip_to = Some(depth);
            }
        }
        let Some((start, tok, _)) = tokens.get(i) else {
            break;
        };
        match tok {
            Tok::LBrace if depth > 0 => {
                depth += 1;
                keep[i] = skip_to.is_none();
            }
            Tok::LBrace => {
                let after_eq = last_kept.is_some_and(|k| tokens[k].1 == Tok::Eq);
                if after_eq {
                    depth = 1;
                    open = *start as usize;
                }
            }
            Tok::RBrace if depth > 0 => {
                if let Some(level) = skip_to {
                    keep[i] = depth == level;
                    if depth == level {
                        skip_to = (level > 1).then_some(level - 1);
                    }
                }
                depth -= 1;
            }
            _ => keep[i] = skip_to.is_none(),
        }
        if keep[i] {
            last_kept = Some(i);
        }
    }
    keep
}

/// Why an integer literal did not decode to a `u64`.
#[derive(Debug, PartialEq)]
pub(crate) enum IntError {
    /// Too large; the value as a float.
    Overflow(f64),
    /// A leading zero followed by an `8` or `9`.
    BadOctal,
}

/// Decodes a decimal, `0x` hex or `0` octal integer literal.
pub(crate) fn parse_int(text: &str) -> Result<u64, IntError> {
    let bytes = text.as_bytes();
    // Most literals are short decimal numbers (field numbers); up to 19 digits cannot overflow.
    if !bytes.is_empty()
        && bytes.len() <= 19
        && (bytes[0] != b'0' || bytes.len() == 1)
        && bytes.iter().all(u8::is_ascii_digit)
    {
        return Ok(bytes.iter().fold(0u64, |v, d| v * 10 + u64::from(d - b'0')));
    }
    let (digits, radix) = if let Some(h) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        (h, 16)
    } else if text.len() > 1 && text.starts_with('0') {
        if text.bytes().any(|b| b == b'8' || b == b'9') {
            return Err(IntError::BadOctal);
        }
        (&text[1..], 8)
    } else {
        (text, 10)
    };
    match u64::from_str_radix(digits, radix) {
        Ok(v) => Ok(v),
        Err(_) => {
            let mut f = 0f64;
            for c in digits.chars() {
                f = f * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0));
            }
            if radix == 10 {
                f = digits.parse::<f64>().unwrap_or(f);
            }
            Err(IntError::Overflow(f))
        }
    }
}

/// Decodes one quoted string literal (quotes included in `lit`), which starts at byte `at`.
pub(crate) fn unescape(file: FileId, at: usize, lit: &str, diags: &mut Vec<Diagnostic>) -> Vec<u8> {
    let bytes = lit.as_bytes();
    let inner = &bytes[1..bytes.len().saturating_sub(1).max(1)];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    let err_at = |diags: &mut Vec<Diagnostic>, from: usize, to: usize, msg: &str| {
        let s = (at + 1 + from) as u32;
        let e = (at + 1 + to.min(inner.len())) as u32;
        diags.push(Diagnostic::error(Span::new(file, s, e), msg));
    };
    while i < inner.len() {
        // Copy the run up to the next backslash in one go (most literals have none).
        let run = scan::find_byte(&inner[i..], b'\\');
        out.extend_from_slice(&inner[i..i + run]);
        i += run;
        if i == inner.len() {
            break;
        }
        let Some(&c) = inner.get(i + 1) else {
            err_at(
                diags,
                i + 1,
                i + 1,
                "invalid escape sequence in string literal",
            );
            break;
        };
        let (escape, len) = read_escape(inner, i + 1, Dialect::Tokenizer);
        let mut end = i + 1 + len;
        match escape {
            Escape::Byte(v) => out.push(v),
            Escape::EmptyHex => {
                err_at(diags, i + 2, i + 2, "expected hex digits after `\\x`");
                out.push(0);
            }
            Escape::Unicode(mut v) if v <= 0x10FFFF => {
                // A high surrogate followed by an escaped low surrogate is one code point.
                if (0xD800..0xDC00).contains(&v)
                    && inner.get(end) == Some(&b'\\')
                    && inner.get(end + 1) == Some(&b'u')
                    && let (Escape::Unicode(lo), 5) =
                        read_escape(inner, end + 1, Dialect::Tokenizer)
                    && (0xDC00..0xE000).contains(&lo)
                {
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                    end += 6;
                }
                push_code_point(&mut out, v);
            }
            Escape::Unicode(_) | Escape::ShortUnicode(_) => {
                let msg = if c == b'u' {
                    "expected four hex digits for `\\u` escape sequence"
                } else {
                    "expected eight hex digits up to 10ffff for `\\U` escape sequence"
                };
                err_at(diags, end, end, msg);
            }
            Escape::Unknown(c) => {
                err_at(
                    diags,
                    i + 1,
                    i + 2,
                    &format!(
                        "invalid escape sequence `\\{}` in string literal",
                        c as char
                    ),
                );
                out.push(c);
            }
        }
        i = end;
    }
    out
}

/// Appends `v` encoded as UTF-8 (lone surrogates get the same three-byte form protoc gives them).
fn push_code_point(out: &mut Vec<u8>, v: u32) {
    if v < 0x80 {
        out.push(v as u8);
    } else if v < 0x800 {
        out.push(0xC0 | (v >> 6) as u8);
        out.push(0x80 | (v & 0x3F) as u8);
    } else if v < 0x10000 {
        out.push(0xE0 | (v >> 12) as u8);
        out.push(0x80 | ((v >> 6) & 0x3F) as u8);
        out.push(0x80 | (v & 0x3F) as u8);
    } else {
        out.push(0xF0 | (v >> 18) as u8);
        out.push(0x80 | ((v >> 12) & 0x3F) as u8);
        out.push(0x80 | ((v >> 6) & 0x3F) as u8);
        out.push(0x80 | (v & 0x3F) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> (Vec<Tok<'_>>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let lexed = lex(FileId(0), text, &mut diags);
        (lexed.tokens.into_iter().map(|t| t.1).collect(), diags)
    }

    fn string(lit: &str) -> (Vec<u8>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let v = unescape(FileId(0), 0, lit, &mut diags);
        (v, diags)
    }

    #[test]
    fn simple_escapes() {
        let (v, d) = string(r#""\a\b\f\n\r\t\v\\\'\"\?""#);
        assert!(d.is_empty());
        assert_eq!(v, vec![7, 8, 12, 10, 13, 9, 11, b'\\', b'\'', b'"', b'?']);
    }

    #[test]
    fn octal_and_hex_escapes() {
        assert_eq!(
            string(r#""\0\12\101\1011""#).0,
            vec![0, 10, b'A', b'A', b'1']
        );
        // Three octal digits may exceed a byte; protoc keeps the low eight bits.
        assert_eq!(string(r#""\777""#).0, vec![0xFF]);
        assert_eq!(
            string(r#""\x4\x41\x414\XfF""#).0,
            vec![4, b'A', b'A', b'4', 0xFF]
        );
        let (_, d) = string(r#""\xg""#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.map(|s| s.start), Some(3));
    }

    #[test]
    fn unicode_escapes() {
        assert_eq!(string(r#""\u00e9""#).0, "é".as_bytes());
        assert_eq!(string(r#""\U0001F600""#).0, "😀".as_bytes());
        // A surrogate pair written as two `\u` escapes is one code point.
        assert_eq!(string(r#""\ud83d\ude00""#).0, "😀".as_bytes());
        // A lone surrogate keeps its three-byte form.
        assert_eq!(string(r#""\ud800""#).0, vec![0xED, 0xA0, 0x80]);
        assert_eq!(string(r#""\u12""#).1.len(), 1);
        assert_eq!(string(r#""\U00110000""#).1.len(), 1);
    }

    #[test]
    fn unknown_escape_is_an_error() {
        let (_, d) = string(r#""a\qb""#);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`\\q`"), "{}", d[0].message);
    }

    #[test]
    fn single_quoted_strings() {
        let (t, d) = toks(r#"'it''s' "a'b""#);
        assert!(d.is_empty());
        assert_eq!(
            t,
            vec![
                Tok::Str(b"it".to_vec().into()),
                Tok::Str(b"s".to_vec().into()),
                Tok::Str(b"a'b".to_vec().into())
            ]
        );
    }

    #[test]
    fn integer_forms() {
        let (t, d) = toks("0 42 0x1F 0X1f 017 18446744073709551615");
        assert!(d.is_empty());
        assert_eq!(
            t,
            vec![
                Tok::Int(0),
                Tok::Int(42),
                Tok::Int(31),
                Tok::Int(31),
                Tok::Int(15),
                Tok::Int(u64::MAX)
            ]
        );
        assert_eq!(
            parse_int("18446744073709551616"),
            Err(IntError::Overflow(18446744073709551616.0))
        );
        assert_eq!(
            parse_int("0x10000000000000000"),
            Err(IntError::Overflow(18446744073709551616.0))
        );
        assert_eq!(parse_int("09"), Err(IntError::BadOctal));
    }

    #[test]
    fn float_forms() {
        let (t, d) = toks("1. .5 1e5 1.5E-3 2e+2 0.0 inf nan");
        assert!(d.is_empty());
        assert_eq!(
            t,
            vec![
                Tok::Float(1.0),
                Tok::Float(0.5),
                Tok::Float(1e5),
                Tok::Float(1.5e-3),
                Tok::Float(200.0),
                Tok::Float(0.0),
                Tok::Ident("inf"),
                Tok::Ident("nan")
            ]
        );
    }

    #[test]
    fn keywords_and_symbols() {
        let (t, _) = toks("message Foo{max to;}=.<>/");
        assert_eq!(
            t,
            vec![
                Tok::Message,
                Tok::Ident("Foo"),
                Tok::LBrace,
                Tok::Max,
                Tok::To,
                Tok::Semi,
                Tok::RBrace,
                Tok::Eq,
                Tok::Dot,
                Tok::Lt,
                Tok::Gt,
                Tok::Slash
            ]
        );
    }

    #[test]
    fn every_keyword_and_only_keywords() {
        let words = [
            "syntax",
            "edition",
            "package",
            "import",
            "public",
            "weak",
            "option",
            "message",
            "enum",
            "service",
            "extend",
            "rpc",
            "returns",
            "stream",
            "oneof",
            "map",
            "group",
            "optional",
            "required",
            "repeated",
            "extensions",
            "reserved",
            "to",
            "max",
            "export",
            "local",
        ];
        for w in words {
            let tok = Tok::keyword(w);
            assert!(tok.as_ref().is_some_and(Tok::is_word), "{w}");
            assert_eq!(crate::parser::token_text(&tok.unwrap_or(Tok::Semi)), w);
        }
        for w in [
            "",
            "t",
            "tx",
            "mat",
            "mapx",
            "rpd",
            "sytax",
            "strean",
            "extent",
            "exports",
            "requires",
            "repeater",
            "reservex",
            "extensionz",
            "Message",
            "_enum",
        ] {
            assert_eq!(Tok::keyword(w), None, "{w}");
        }
    }

    #[test]
    fn comments_are_skipped() {
        let (t, d) = toks("a // x\n/* y\n z */ b /**/ c");
        assert!(d.is_empty());
        assert_eq!(t, vec![Tok::Ident("a"), Tok::Ident("b"), Tok::Ident("c")]);
    }

    #[test]
    fn line_comments_end_at_the_newline_or_the_end_of_the_text() {
        let (t, d) = toks("a//b/c\nd// é at the end");
        assert!(d.is_empty());
        assert_eq!(t, vec![Tok::Ident("a"), Tok::Ident("d")]);
        let (t, _) = toks("x / y //");
        assert_eq!(t, vec![Tok::Ident("x"), Tok::Slash, Tok::Ident("y")]);
    }

    #[test]
    fn runs_of_comment_lines_are_skipped_whole() {
        let (t, d) = toks("a // x\n  // y\n\t//\n// z\nb // c\n\n  /* d */ // e");
        assert!(d.is_empty());
        assert_eq!(t, vec![Tok::Ident("a"), Tok::Ident("b")]);
        let (t, _) = toks("a //\n/ b");
        assert_eq!(t, vec![Tok::Ident("a"), Tok::Slash, Tok::Ident("b")]);
    }

    #[test]
    fn bad_input_is_reported_and_lexing_goes_on() {
        let (t, d) = toks("a @ b");
        assert_eq!(t, vec![Tok::Ident("a"), Tok::Ident("b")]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.map(|s| (s.start, s.end)), Some((2, 3)));

        let (t, d) = toks("x \"abc\ny");
        assert_eq!(
            t,
            vec![
                Tok::Ident("x"),
                Tok::Str(b"abc".to_vec().into()),
                Tok::Ident("y")
            ]
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "unterminated string literal");
        assert_eq!(d[0].span.map(|s| s.start), Some(6));

        let (t, d) = toks("x /* never closed");
        assert_eq!(t, vec![Tok::Ident("x")]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "unterminated block comment");
        assert_eq!(d[0].span.map(|s| s.start), Some(17));

        let (_, d) = toks("1abc 0x 08");
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let (t, d) = toks("\u{feff}syntax");
        assert!(d.is_empty());
        assert_eq!(t, vec![Tok::Syntax]);
    }

    #[test]
    fn deep_nesting_stops_the_lexer() {
        let text = "{".repeat(MAX_DEPTH + 5);
        let mut diags = Vec::new();
        let lexed = lex(FileId(0), &text, &mut diags);
        assert!(lexed.truncated);
        assert_eq!(lexed.tokens.len(), MAX_DEPTH);
        assert_eq!(diags.len(), 1);
    }
}
