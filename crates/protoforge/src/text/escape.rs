//! Value spelling shared by printing and parsing: unescaping of string literals (protoc's
//! `Tokenizer::ParseStringAppend`, stricter about Unicode escapes). The escape sequences
//! themselves, escaping and float formatting (protoc's `CEscape`, `SimpleDtoa`, `SimpleFtoa`)
//! live in `crate::__private::c_format`, which the compiler and the `.proto` lexer use too.

use crate::__private::c_format::{Dialect, Escape, read_escape};
pub(crate) use crate::__private::c_format::{c_escape, format_double, format_float};

/// Appends the value of one string-literal token (quotes included) to `out`.
///
/// Escapes: the C one-character escapes, up to three octal digits, `\x` with one or two hex
/// digits, `\u` with four and `\U` with eight hex digits (as UTF-8). Unlike protoc, a `\u`
/// or `\U` escape of a surrogate or of a value above U+10FFFF is an error, as the
/// conformance suite recommends.
pub(crate) fn unescape_append(token: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let Some((&quote, rest)) = token.split_first() else {
        return Ok(());
    };
    // The closing quote is missing only after a tokenizer error; take what is there.
    let body = match rest.last() {
        Some(&last) if last == quote && !ends_in_escape(rest) => &rest[..rest.len() - 1],
        _ => rest,
    };
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c != b'\\' || i + 1 >= body.len() {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let (escape, len) = read_escape(body, i, Dialect::Tokenizer);
        match escape {
            Escape::Byte(b) => out.push(b),
            Escape::EmptyHex => out.push(0),
            Escape::Unicode(code) => {
                let ch = char::from_u32(code).ok_or_else(|| {
                    if (0xd800..0xe000).contains(&code) {
                        format!("Invalid Unicode escape: surrogate code point {code:#x}.")
                    } else {
                        format!("Invalid Unicode escape: {code:#x} is above 0x10ffff.")
                    }
                })?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            Escape::ShortUnicode(_) => {
                // protoc keeps the letter itself; the tokenizer has reported the error.
                out.push(body[i]);
                i += 1;
                continue;
            }
            // Like protoc's `TranslateEscape`.
            Escape::Unknown(_) => out.push(b'?'),
        }
        i += len;
    }
    Ok(())
}

/// Whether `body` ends in an odd number of backslashes followed by its last byte, so the
/// last byte is escaped rather than a closing quote.
fn ends_in_escape(body: &[u8]) -> bool {
    let before = &body[..body.len().saturating_sub(1)];
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unescape(literal: &str) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        unescape_append(literal.as_bytes(), &mut out).map(|()| out)
    }

    #[test]
    fn escapes_like_c_escape() {
        let mut out = String::new();
        c_escape(b"a\n\r\t\"'\\\x00\x7f\xff\xe1 z", &mut out);
        assert_eq!(out, "a\\n\\r\\t\\\"\\'\\\\\\000\\177\\377\\341 z");
    }

    #[test]
    fn unescapes_every_form() {
        assert_eq!(
            unescape(r#"'\a\b\f\n\r\t\v\?\\\'\"'"#).unwrap(),
            b"\x07\x08\x0c\n\r\t\x0b?\\'\""
        );
        assert_eq!(unescape(r"'\341\210\264'").unwrap(), "\u{1234}".as_bytes());
        assert_eq!(unescape(r"'\xe1\x88\xb4'").unwrap(), "\u{1234}".as_bytes());
        assert_eq!(unescape(r"'\u1234'").unwrap(), "\u{1234}".as_bytes());
        assert_eq!(
            unescape(r"'\U00001234\U00010437'").unwrap(),
            "\u{1234}\u{10437}".as_bytes()
        );
        assert_eq!(unescape(r"'\1234'").unwrap(), b"S4");
        assert_eq!(unescape(r#""\x4""#).unwrap(), b"\x04");
        assert!(unescape(r"'\ud800'").is_err());
        assert!(unescape(r"'\U00110000'").is_err());
    }

    #[test]
    fn doubles_like_simple_dtoa() {
        for (value, text) in [
            (0.1, "0.1"),
            (1.0, "1"),
            (-0.0, "-0"),
            (1e15, "1e+15"),
            (123456789012345.0, "123456789012345"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.30000000000000004, "0.30000000000000004"),
            (1e100, "1e+100"),
            (5e-324, "4.94065645841247e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(format_double(value), text, "{value:e}");
        }
    }

    #[test]
    fn floats_like_simple_ftoa() {
        for (value, text) in [
            (0.1f32, "0.1"),
            (3.192837, "3.192837"),
            (3.4028235e38, "3.40282347e+38"),
            (1.17549e-38, "1.17549001e-38"),
            (1.1755e-38, "1.1755e-38"),
            (1e-45, "1.40129846e-45"),
            (4294967296.0, "4.2949673e+09"),
            (-0.0, "-0"),
        ] {
            assert_eq!(format_float(value), text, "{value:e}");
        }
    }
}
