//! protoc's spelling of values in text: `CEscape` for bytes and strings, the escape sequences
//! of quoted strings ([`read_escape`]: protoc's tokenizer and `CUnescape`), and `SimpleDtoa`/
//! `SimpleFtoa` for floating point (`%.15g`/`%.6g`, or `%.17g`/`%.9g` when the short form does
//! not read back to the same value). One implementation for the text format printer and
//! parser, the `.proto` lexer (protoforge-parse depends on this crate, with no optional
//! feature, for it), the option values and the `default_value` strings protoforge-compile
//! reads and writes, and the byte literals protoforge-codegen emits. It lives here because the
//! runtime, at the bottom of the crate graph, needs it for the text format and may depend on
//! nothing of ours. Not a stable API.

use core::fmt::Write as _;

/// Appends `bytes` to `out` with C escapes: `\n`, `\r`, `\t`, `\"`, `\'`, `\\`, and
/// three-digit octal for every other byte outside printable ASCII.
pub fn c_escape(bytes: &[u8], out: &mut String) {
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

/// protoc's `CUnescape`, as for `bytes` default values: undoes [`c_escape`] (`\n`, `\\`,
/// `\'`, `\"`, octal, hex; an unknown escape keeps its character, a trailing backslash
/// stays).
pub fn c_unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' || i >= bytes.len() {
            out.push(b);
            continue;
        }
        let (escape, len) = read_escape(bytes, i, Dialect::CUnescape);
        i += len;
        out.push(match escape {
            Escape::Byte(b) | Escape::Unknown(b) => b,
            // `\x` alone is a zero byte (and this dialect reads no Unicode escape).
            Escape::EmptyHex | Escape::Unicode(_) | Escape::ShortUnicode(_) => 0,
        });
    }
    out
}

/// What one escape sequence of a quoted string says, as [`read_escape`] reads it. protoc's
/// tokenizer (`.proto` files, text format) and its `CUnescape` read the same forms; what an
/// incomplete or unknown escape means is each caller's to decide (an error with a position,
/// an error message, or a byte kept as it is).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Escape {
    /// One byte: a one-character escape (`\n`, `\\`, `\?`, ...), up to three octal digits
    /// (above `\377` the low eight bits, as in C), or `\x` with one or two hex digits.
    Byte(u8),
    /// `\x` with no hex digit after it.
    EmptyHex,
    /// `\u` with four or `\U` with eight hex digits: their value, not checked to be a `char`.
    Unicode(u32),
    /// `\u` or `\U` with fewer hex digits than that: the value of those there are.
    ShortUnicode(u32),
    /// A backslash before a byte that starts no escape: that byte.
    Unknown(u8),
}

/// The escape forms [`read_escape`] knows beyond the C ones (one-character, octal, `\x`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    /// protoc's tokenizer, for `.proto` string literals and the text format: `\X` as well as
    /// `\x`, and `\u`/`\U`.
    Tokenizer,
    /// protoc's `CUnescape`, for `bytes` default values: `\x` only, no Unicode escapes.
    CUnescape,
}

/// Reads the escape sequence whose first byte after the backslash is `text[at]`: what it
/// says and how many bytes it takes from `at` on (at least one). `at` must be in bounds.
pub fn read_escape(text: &[u8], at: usize, dialect: Dialect) -> (Escape, usize) {
    let c = text[at];
    let tokenizer = dialect == Dialect::Tokenizer;
    // Up to `max` hex digits from `from`: their value and count.
    let hex_run = |from: usize, max: usize| -> (u32, usize) {
        let mut value = 0u32;
        let mut n = 0;
        while n < max {
            match text.get(from + n).and_then(|b| (*b as char).to_digit(16)) {
                Some(d) => {
                    value = value * 16 + d;
                    n += 1;
                }
                None => break,
            }
        }
        (value, n)
    };
    match c {
        b'a' => (Escape::Byte(0x07), 1),
        b'b' => (Escape::Byte(0x08), 1),
        b'f' => (Escape::Byte(0x0c), 1),
        b'n' => (Escape::Byte(b'\n'), 1),
        b'r' => (Escape::Byte(b'\r'), 1),
        b't' => (Escape::Byte(b'\t'), 1),
        b'v' => (Escape::Byte(0x0b), 1),
        b'\\' | b'\'' | b'"' | b'?' => (Escape::Byte(c), 1),
        b'0'..=b'7' => {
            let mut value = u32::from(c - b'0');
            let mut n = 1;
            while n < 3 {
                match text.get(at + n) {
                    Some(&d @ b'0'..=b'7') => {
                        value = value * 8 + u32::from(d - b'0');
                        n += 1;
                    }
                    _ => break,
                }
            }
            (Escape::Byte((value & 0xff) as u8), n)
        }
        b'x' | b'X' if c == b'x' || tokenizer => match hex_run(at + 1, 2) {
            (_, 0) => (Escape::EmptyHex, 1),
            (value, n) => (Escape::Byte(value as u8), 1 + n),
        },
        b'u' | b'U' if tokenizer => {
            let want = if c == b'u' { 4 } else { 8 };
            let (value, n) = hex_run(at + 1, want);
            if n == want {
                (Escape::Unicode(value), 1 + n)
            } else {
                (Escape::ShortUnicode(value), 1 + n)
            }
        }
        _ => (Escape::Unknown(c), 1),
    }
}

/// [`c_escape`] into a new string.
pub fn c_escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    c_escape(bytes, &mut out);
    out
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
pub fn format_double(value: f64) -> String {
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
pub fn format_float(value: f32) -> String {
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

    #[test]
    fn dtoa_matches_protoc_forms() {
        // Expected strings are what protoc 35.1 writes for these defaults.
        assert_eq!(format_double(1.5), "1.5");
        assert_eq!(format_double(1e10), "10000000000");
        assert_eq!(format_double(1e15), "1e+15");
        assert_eq!(format_double(1e-5), "1e-05");
        assert_eq!(format_double(0.0001), "0.0001");
        assert_eq!(format_double(0.1), "0.1");
        assert_eq!(format_double(1.0 / 3.0), "0.33333333333333331");
        assert_eq!(format_double(f64::INFINITY), "inf");
        assert_eq!(format_double(f64::NAN), "nan");
        assert_eq!(format_double(0.0), "0");
        assert_eq!(
            format_double(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(
            format_double(18446744073709551616.0),
            "1.8446744073709552e+19"
        );
        assert_eq!(format_float(16.0), "16");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(f32::NEG_INFINITY), "-inf");
        // A subnormal float takes the long form (protoc 35.1 writes this for
        // `[default = 1e-40]` on a `float` field).
        assert_eq!(format_float(1e-40), "9.9999461e-41");
    }

    #[test]
    fn unescapes_like_cunescape() {
        // No `\X` and no Unicode escapes; `\x` alone is a zero byte; unknown escapes and a
        // trailing backslash keep their characters.
        assert_eq!(
            c_unescape(r"\X41\u00e9\x\q\101\777\"),
            b"X41u00e9\0qA\xff\\"
        );
        assert_eq!(
            read_escape(b"U0001F600", 0, Dialect::Tokenizer),
            (Escape::Unicode(0x1F600), 9)
        );
        assert_eq!(
            read_escape(b"u12", 0, Dialect::Tokenizer),
            (Escape::ShortUnicode(0x12), 3)
        );
        assert_eq!(
            read_escape(b"Xg", 0, Dialect::Tokenizer),
            (Escape::EmptyHex, 1)
        );
    }

    #[test]
    fn escapes_like_cescape() {
        assert_eq!(c_escaped(b"a\x00\"\\\xfe'\n"), "a\\000\\\"\\\\\\376\\'\\n");
    }
}
