//! Value spelling shared by printing and parsing: C-style escaping of string and bytes
//! values (protoc's `CEscape`), unescaping of string literals (protoc's
//! `Tokenizer::ParseStringAppend`, stricter about Unicode escapes), and float formatting
//! (protoc's `SimpleDtoa`/`SimpleFtoa`: `%.15g`/`%.6g`, or `%.17g`/`%.9g` when the short form
//! does not read back to the same value).

use core::fmt::Write as _;

/// Appends `bytes` to `out` with C escapes: `\n`, `\r`, `\t`, `\"`, `\'`, `\\`, and
/// three-digit octal for every other byte outside printable ASCII.
pub(crate) fn c_escape(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
}

fn hex_value(c: u8) -> u32 {
    (c as char).to_digit(16).unwrap_or(0)
}

fn is_octal(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}

/// Reads `len` hex digits at `text[at..]`, if they are all there.
fn read_hex(text: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = text.get(at..at + len)?;
    digits
        .iter()
        .all(u8::is_ascii_hexdigit)
        .then(|| digits.iter().fold(0, |acc, &c| (acc << 4) | hex_value(c)))
}

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
        let e = body[i];
        if is_octal(e) {
            let mut code = u32::from(e - b'0');
            i += 1;
            for _ in 0..2 {
                match body.get(i) {
                    Some(&d) if is_octal(d) => {
                        code = code * 8 + u32::from(d - b'0');
                        i += 1;
                    }
                    _ => break,
                }
            }
            // Like C, values above 0o377 keep their low eight bits.
            out.push((code & 0xff) as u8);
        } else if e == b'x' || e == b'X' {
            let mut code = 0;
            i += 1;
            for _ in 0..2 {
                match body.get(i) {
                    Some(d) if d.is_ascii_hexdigit() => {
                        code = code * 16 + hex_value(*d);
                        i += 1;
                    }
                    _ => break,
                }
            }
            out.push(code as u8);
        } else if e == b'u' || e == b'U' {
            let len = if e == b'u' { 4 } else { 8 };
            match read_hex(body, i + 1, len) {
                Some(code) => {
                    i += 1 + len;
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
                None => {
                    // protoc keeps the letter itself; the tokenizer has reported the error.
                    out.push(e);
                    i += 1;
                }
            }
        } else {
            out.push(match e {
                b'a' => 0x07,
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 0x0b,
                b'\\' | b'?' | b'\'' | b'"' => e,
                _ => b'?',
            });
            i += 1;
        }
    }
    Ok(())
}

/// Whether `body` ends in an odd number of backslashes followed by its last byte, so the
/// last byte is escaped rather than a closing quote.
fn ends_in_escape(body: &[u8]) -> bool {
    let before = &body[..body.len().saturating_sub(1)];
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// `printf("%.*g", precision, value)` for a finite value, as C's "C" locale prints it.
fn format_g(value: f64, precision: usize) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Scientific form with `precision` significant digits, correctly rounded.
    let sci = format!("{:.*e}", precision - 1, value);
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if exponent < -4 || exponent >= precision as i32 {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        let rest = rest.trim_end_matches('0');
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exponent < 0 { '-' } else { '+' },
            exponent.unsigned_abs()
        );
    } else if exponent < 0 {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(digits.trim_end_matches('0'));
    } else {
        let point = exponent as usize + 1;
        let (int_part, frac_part) = digits.split_at(point.min(digits.len()));
        out.push_str(int_part);
        let frac_part = frac_part.trim_end_matches('0');
        if !frac_part.is_empty() {
            out.push('.');
            out.push_str(frac_part);
        }
    }
    out
}

/// protoc's `SimpleDtoa`: `inf`, `-inf`, `nan`, else `%.15g` if it reads back exactly, else
/// `%.17g`.
pub(crate) fn format_double(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let short = format_g(value, 15);
    if short.parse::<f64>() == Ok(value) {
        short
    } else {
        format_g(value, 17)
    }
}

/// protoc's `SimpleFtoa`: `inf`, `-inf`, `nan`, else `%.6g` if it reads back exactly as a
/// float, else `%.9g`. A subnormal float always takes the long form, because C's `strtof`
/// reports underflow for it and protoc then falls back.
pub(crate) fn format_float(value: f32) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let short = format_g(f64::from(value), 6);
    if value.is_subnormal() || short.parse::<f32>() != Ok(value) {
        format_g(f64::from(value), 9)
    } else {
        short
    }
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
