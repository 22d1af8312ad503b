//! The text-format tokenizer: splits input into identifiers, integers, floats, strings,
//! symbols and (inside `[...]` type names) URL characters, the way protoc's `io::Tokenizer`
//! does in text-format mode (`#` comments, `f` suffix after floats allowed, a space required
//! between a number and a following identifier). Problems are recorded as errors with
//! 0-based line and column (tabs advance to the next multiple of 8, other bytes count one)
//! and tokenizing goes on, exactly as protoc does, so the parser sees the same tokens.

/// What kind of token this is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TokenKind {
    /// No token read yet.
    Start,
    /// End of input; the text is empty.
    End,
    /// A letter or `_` followed by letters, digits and `_`.
    Identifier,
    /// Decimal, `0x` hexadecimal or `0` octal digits, without sign.
    Integer,
    /// Digits with a decimal point, exponent or `f` suffix, without sign.
    Float,
    /// A quoted string, quotes and escapes included.
    String,
    /// Any other single byte.
    Symbol,
    /// A run of characters allowed in a type URL (only while URL mode is on).
    UrlChars,
}

/// One token: its kind, its bytes in the input and where it starts and ends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// 0-based line of the first byte.
    pub line: usize,
    /// 0-based column of the first byte.
    pub column: usize,
    /// 0-based column just past the last byte.
    pub end_column: usize,
}

/// A problem found while tokenizing or parsing, at a 0-based position. The message is
/// bytes because protoc quotes input tokens in it as they are, valid UTF-8 or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: Vec<u8>,
    pub warning: bool,
}

const TAB_WIDTH: usize = 8;

fn is_letter(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_alphanumeric(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_octal(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}

/// Whitespace as C's `isspace` in the "C" locale.
fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn is_unprintable(c: u8) -> bool {
    (1..b' ').contains(&c)
}

fn is_escape(c: u8) -> bool {
    b"abfnrtv\\?'\"".contains(&c)
}

fn is_url_char(c: u8) -> bool {
    is_alphanumeric(c) || b"-.~!$&()*+,;=%/".contains(&c)
}

/// Whether `text` is one identifier as the tokenizer reads it.
pub(crate) fn is_identifier(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty() && is_letter(bytes[0]) && bytes[1..].iter().all(|&c| is_alphanumeric(c))
}

/// The tokenizer over one input string. `current()` is the token under the cursor;
/// `next()` moves on.
pub(crate) struct Tokenizer<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
    column: usize,
    current: Token,
    previous: Token,
    /// When on, the next tokens are runs of URL characters (for `[type/url]`).
    pub report_url_chars: bool,
    /// Problems found so far (the parser adds its own here too).
    pub problems: Vec<Problem>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer positioned before the first token (call `next()` to read it).
    pub fn new(input: &'a [u8]) -> Self {
        let start = Token {
            kind: TokenKind::Start,
            start: 0,
            end: 0,
            line: 0,
            column: 0,
            end_column: 0,
        };
        Tokenizer {
            input,
            pos: 0,
            line: 0,
            column: 0,
            current: start,
            previous: start,
            report_url_chars: false,
            problems: Vec::new(),
        }
    }

    /// The token under the cursor.
    pub fn current(&self) -> &Token {
        &self.current
    }

    /// The bytes of `token`.
    pub fn bytes(&self, token: &Token) -> &'a [u8] {
        &self.input[token.start..token.end]
    }

    /// The text of `token`; bytes that are not UTF-8 on their own (a lone non-ASCII
    /// symbol byte) are replaced, which only matters for error messages.
    pub fn text(&self, token: &Token) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.bytes(token))
    }

    /// Whether the current token's text is exactly `text`.
    pub fn looking_at(&self, text: &str) -> bool {
        self.bytes(&self.current) == text.as_bytes()
    }

    /// Records an error at a 0-based position.
    pub fn error_at(&mut self, line: usize, column: usize, message: impl Into<Vec<u8>>) {
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
            warning: false,
        });
    }

    /// Records a warning at a 0-based position.
    pub fn warning_at(&mut self, line: usize, column: usize, message: impl Into<Vec<u8>>) {
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
            warning: true,
        });
    }

    fn error_here(&mut self, message: &str) {
        self.error_at(self.line, self.column, message);
    }

    fn cur(&self) -> u8 {
        self.input.get(self.pos).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn advance(&mut self) {
        let Some(&c) = self.input.get(self.pos) else {
            return;
        };
        match c {
            b'\n' => {
                self.line += 1;
                self.column = 0;
            }
            b'\t' => self.column += TAB_WIDTH - self.column % TAB_WIDTH,
            _ => self.column += 1,
        }
        self.pos += 1;
    }

    fn try_consume(&mut self, c: u8) -> bool {
        if !self.at_end() && self.cur() == c {
            self.advance();
            true
        } else {
            false
        }
    }

    fn try_consume_one(&mut self, class: fn(u8) -> bool) -> bool {
        if !self.at_end() && class(self.cur()) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn consume_zero_or_more(&mut self, class: fn(u8) -> bool) {
        while self.try_consume_one(class) {}
    }

    fn consume_one_or_more(&mut self, class: fn(u8) -> bool, error: &str) {
        if !self.try_consume_one(class) {
            self.error_here(error);
        } else {
            self.consume_zero_or_more(class);
        }
    }

    /// Moves to the next token; returns false at the end of input.
    pub fn next(&mut self) -> bool {
        self.previous = self.current;
        loop {
            // Whitespace and comments are skipped.
            self.consume_zero_or_more(is_whitespace);
            if self.at_end() {
                break;
            }
            if self.try_consume(b'#') {
                while !self.at_end() && self.cur() != 0 && self.cur() != b'\n' {
                    self.advance();
                }
                self.try_consume(b'\n');
                continue;
            }
            let c = self.cur();
            if is_unprintable(c) || c == 0 {
                self.error_here("Invalid control characters encountered in text.");
                self.advance();
                while !self.at_end() && (is_unprintable(self.cur()) || self.cur() == 0) {
                    self.advance();
                }
                continue;
            }
            let start = self.pos;
            let (line, column) = (self.line, self.column);
            let kind = self.read_token();
            self.current = Token {
                kind,
                start,
                end: self.pos,
                line,
                column,
                end_column: self.column,
            };
            return true;
        }
        self.current = Token {
            kind: TokenKind::End,
            start: self.input.len(),
            end: self.input.len(),
            line: self.line,
            column: self.column,
            end_column: self.column,
        };
        false
    }

    fn read_token(&mut self) -> TokenKind {
        if self.report_url_chars {
            if self.try_consume_one(is_url_char) {
                self.consume_zero_or_more(is_url_char);
                return TokenKind::UrlChars;
            }
            self.consume_symbol();
            return TokenKind::Symbol;
        }
        if self.try_consume_one(is_letter) {
            self.consume_zero_or_more(is_alphanumeric);
            TokenKind::Identifier
        } else if self.try_consume(b'0') {
            self.consume_number(true, false)
        } else if self.try_consume(b'.') {
            if self.try_consume_one(|c| c.is_ascii_digit()) {
                let prev = self.previous;
                if prev.kind == TokenKind::Identifier
                    && prev.line == self.line
                    && prev.end_column + 2 == self.column
                {
                    self.error_at(
                        self.line,
                        self.column - 2,
                        "Need space between identifier and decimal point.",
                    );
                }
                self.consume_number(false, true)
            } else {
                TokenKind::Symbol
            }
        } else if self.try_consume_one(|c| c.is_ascii_digit()) {
            self.consume_number(false, false)
        } else if self.try_consume(b'"') {
            self.consume_string(b'"');
            TokenKind::String
        } else if self.try_consume(b'\'') {
            self.consume_string(b'\'');
            TokenKind::String
        } else {
            self.consume_symbol();
            TokenKind::Symbol
        }
    }

    fn consume_symbol(&mut self) {
        let c = self.cur();
        if c & 0x80 != 0 {
            self.error_here(&format!("Interpreting non ascii codepoint {c}."));
        }
        self.advance();
    }

    fn consume_string(&mut self, delimiter: u8) {
        loop {
            if self.at_end() || self.cur() == 0 {
                self.error_here("Unexpected end of string.");
                return;
            }
            match self.cur() {
                b'\n' => {
                    self.error_here("Multiline strings are not allowed. Did you miss a \"?.");
                    return;
                }
                b'\\' => {
                    self.advance();
                    if self.try_consume_one(is_escape) || self.try_consume_one(is_octal) {
                        // A one-character or octal escape; further octal digits are
                        // ordinary characters to the tokenizer.
                    } else if self.try_consume(b'x') || self.try_consume(b'X') {
                        if !self.try_consume_one(|c| c.is_ascii_hexdigit()) {
                            self.error_here("Expected hex digits for escape sequence.");
                        }
                    } else if self.try_consume(b'u') {
                        if !(0..4).all(|_| self.try_consume_one(|c| c.is_ascii_hexdigit())) {
                            self.error_here("Expected four hex digits for \\u escape sequence.");
                        }
                    } else if self.try_consume(b'U') {
                        let ok = self.try_consume(b'0')
                            && self.try_consume(b'0')
                            && (self.try_consume(b'0') || self.try_consume(b'1'))
                            && (0..5).all(|_| self.try_consume_one(|c| c.is_ascii_hexdigit()));
                        if !ok {
                            self.error_here(
                                "Expected eight hex digits up to 10ffff for \\U escape sequence",
                            );
                        }
                    } else {
                        self.error_here("Invalid escape sequence in string literal.");
                    }
                }
                c if c == delimiter => {
                    self.advance();
                    return;
                }
                _ => self.advance(),
            }
        }
    }

    fn consume_number(&mut self, started_with_zero: bool, started_with_dot: bool) -> TokenKind {
        let mut is_float = false;
        if started_with_zero && (self.try_consume(b'x') || self.try_consume(b'X')) {
            self.consume_one_or_more(
                |c| c.is_ascii_hexdigit(),
                "\"0x\" must be followed by hex digits.",
            );
        } else if started_with_zero && self.cur().is_ascii_digit() && !self.at_end() {
            self.consume_zero_or_more(is_octal);
            if !self.at_end() && self.cur().is_ascii_digit() {
                self.error_here("Numbers starting with leading zero must be in octal.");
                self.consume_zero_or_more(|c| c.is_ascii_digit());
            }
        } else {
            if started_with_dot {
                is_float = true;
                self.consume_zero_or_more(|c| c.is_ascii_digit());
            } else {
                self.consume_zero_or_more(|c| c.is_ascii_digit());
                if self.try_consume(b'.') {
                    is_float = true;
                    self.consume_zero_or_more(|c| c.is_ascii_digit());
                }
            }
            if self.try_consume(b'e') || self.try_consume(b'E') {
                is_float = true;
                let _ = self.try_consume(b'-') || self.try_consume(b'+');
                self.consume_one_or_more(
                    |c| c.is_ascii_digit(),
                    "\"e\" must be followed by exponent.",
                );
            }
            if self.try_consume(b'f') || self.try_consume(b'F') {
                is_float = true;
            }
        }
        if !self.at_end() && is_letter(self.cur()) {
            self.error_here("Need space between number and identifier.");
        } else if !self.at_end() && self.cur() == b'.' {
            if is_float {
                self.error_here("Already saw decimal point or exponent; can't have another one.");
            } else {
                self.error_here("Hex and octal numbers must be integers.");
            }
        }
        if is_float {
            TokenKind::Float
        } else {
            TokenKind::Integer
        }
    }
}

/// Parses the text of an integer token (decimal, `0x` hex or `0` octal) if it is at most
/// `max`.
pub(crate) fn parse_integer(text: &[u8], max: u64) -> Option<u64> {
    let (digits, base) = if text.len() >= 2 && text[0] == b'0' && (text[1] | 0x20) == b'x' {
        (&text[2..], 16)
    } else if text.first() == Some(&b'0') {
        (text, 8)
    } else {
        (text, 10)
    };
    let mut value: u64 = 0;
    for &c in digits {
        let digit = (c as char).to_digit(36)?;
        if digit >= base {
            return None;
        }
        value = value
            .checked_mul(u64::from(base))?
            .checked_add(u64::from(digit))?;
    }
    (value <= max).then_some(value)
}

/// Parses the text of a float (or decimal integer) token: an optional `f`/`F` suffix and a
/// dangling exponent marker (`1e`, which the tokenizer reports but still returns) are
/// ignored; overflow gives infinity.
pub(crate) fn parse_float(text: &[u8]) -> f64 {
    let mut end = text.len();
    if end > 0 && (text[end - 1] | 0x20) == b'f' {
        end -= 1;
    }
    let mut body = &text[..end];
    // Drop a dangling "e", "e+" or "e-".
    while let Some(&last) = body.last() {
        if last == b'+' || last == b'-' || (last | 0x20) == b'e' {
            body = &body[..body.len() - 1];
        } else {
            break;
        }
    }
    let text = core::str::from_utf8(body).unwrap_or("0");
    let text = if text.is_empty() || text == "." {
        "0"
    } else {
        text
    };
    text.parse::<f64>().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<(TokenKind, String)> {
        let mut t = Tokenizer::new(input.as_bytes());
        let mut out = Vec::new();
        while t.next() {
            let tok = *t.current();
            out.push((tok.kind, t.text(&tok).into_owned()));
        }
        out
    }

    #[test]
    fn tokens_of_a_field() {
        use TokenKind::*;
        assert_eq!(
            kinds("a: -1.5e3f # c\n b: 'x\\'y' 0x1F 017 .5"),
            vec![
                (Identifier, "a".into()),
                (Symbol, ":".into()),
                (Symbol, "-".into()),
                (Float, "1.5e3f".into()),
                (Identifier, "b".into()),
                (Symbol, ":".into()),
                (String, "'x\\'y'".into()),
                (Integer, "0x1F".into()),
                (Integer, "017".into()),
                (Float, ".5".into()),
            ]
        );
    }

    #[test]
    fn columns_follow_tabs() {
        let mut t = Tokenizer::new(b"\tab\n  c");
        t.next();
        assert_eq!((t.current().line, t.current().column), (0, 8));
        t.next();
        assert_eq!((t.current().line, t.current().column), (1, 2));
    }

    #[test]
    fn errors_do_not_stop_tokenizing() {
        let mut t = Tokenizer::new(b"1a 'x\\q'");
        while t.next() {}
        let messages: Vec<_> = t
            .problems
            .iter()
            .map(|p| (p.column, String::from_utf8_lossy(&p.message).into_owned()))
            .collect();
        assert_eq!(
            messages,
            vec![
                (1, "Need space between number and identifier.".to_owned()),
                (6, "Invalid escape sequence in string literal.".to_owned()),
            ]
        );
    }

    #[test]
    fn integers_in_three_bases() {
        assert_eq!(parse_integer(b"0x7FFFFFFF", u64::MAX), Some(0x7fff_ffff));
        assert_eq!(parse_integer(b"017777777777", u64::MAX), Some(0x7fff_ffff));
        assert_eq!(
            parse_integer(b"18446744073709551615", u64::MAX),
            Some(u64::MAX)
        );
        assert_eq!(parse_integer(b"18446744073709551616", u64::MAX), None);
        assert_eq!(parse_integer(b"0x10000000000000000", u64::MAX), None);
        assert_eq!(parse_integer(b"2147483648", 2147483647), None);
        assert_eq!(parse_integer(b"09", u64::MAX), None);
        assert_eq!(parse_integer(b"0", 1), Some(0));
    }

    #[test]
    fn floats_with_suffixes_and_huge_exponents() {
        assert_eq!(parse_float(b"1.5f"), 1.5);
        assert_eq!(parse_float(b".123e2"), 12.3);
        assert_eq!(parse_float(b"1e"), 1.0);
        assert_eq!(parse_float(b"1e18446744073709551616"), f64::INFINITY);
        assert_eq!(parse_float(b"1e-18446744073709551616"), 0.0);
        assert_eq!(parse_float(b"1e9999"), f64::INFINITY);
    }
}
