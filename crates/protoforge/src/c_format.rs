//! protoc's spelling of values in text: `CEscape` for bytes and strings, and `SimpleDtoa`/
//! `SimpleFtoa` for floating point (`%.15g`/`%.6g`, or `%.17g`/`%.9g` when the short form does
//! not read back to the same value). One implementation for the text format printer and for
//! the `default_value` strings protoforge-compile writes into descriptors. Not a stable API.

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
/// `\'`, `\"`, octal, hex).
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
        let c = bytes[i];
        i += 1;
        match c {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                let mut digits = 1;
                while digits < 3 && i < bytes.len() && (b'0'..=b'7').contains(&bytes[i]) {
                    value = value * 8 + u32::from(bytes[i] - b'0');
                    i += 1;
                    digits += 1;
                }
                out.push(value as u8);
            }
            b'x' => {
                let mut value = 0u32;
                let mut digits = 0;
                while digits < 2 && i < bytes.len() && bytes[i].is_ascii_hexdigit() {
                    value = value * 16 + (bytes[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    digits += 1;
                }
                out.push(value as u8);
            }
            other => out.push(other),
        }
    }
    out
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
    fn escapes_like_cescape() {
        assert_eq!(c_escaped(b"a\x00\"\\\xfe'\n"), "a\\000\\\"\\\\\\376\\'\\n");
    }
}
