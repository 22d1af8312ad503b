//! Text formats protoc's parser produces while lowering: `default_value` strings for floating
//! point and bytes fields (`SimpleDtoa`, `CEscape`), the text of aggregate option values with
//! comments blanked out, and the names of synthesized map entry messages.

/// Formats `value` the way protoc's `SimpleDtoa` does: the shortest of `%.15g` and `%.17g` that
/// reads back as the same number; `inf`, `-inf` and `nan` for the special values.
pub(crate) fn simple_dtoa(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let short = format_g(value, 15);
    if short.parse::<f64>().ok() == Some(value) {
        short
    } else {
        format_g(value, 17)
    }
}

/// Formats a `float` field's default the way protoc's `SimpleFtoa` does: the shortest of
/// `%.6g` and `%.9g` that reads back as the same `f32`.
pub(crate) fn simple_ftoa(value: f32) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let short = format_g(f64::from(value), 6);
    if short.parse::<f32>().ok() == Some(value) {
        short
    } else {
        format_g(f64::from(value), 9)
    }
}

/// C's `%.<precision>g` for a finite value.
fn format_g(value: f64, precision: usize) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // The exponent after rounding to `precision` significant digits decides the style.
    let sci = format!("{:.*e}", precision - 1, value);
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m.to_owned(), e.parse::<i32>().unwrap_or(0)),
        None => (sci.clone(), 0),
    };
    if exp < -4 || exp >= precision as i32 {
        let mantissa = strip_zeros(&mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (precision as i32 - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{value:.decimals$}"))
    }
}

/// Removes trailing zeros after a decimal point, and the point itself when nothing follows.
fn strip_zeros(s: &str) -> String {
    if !s.contains('.') {
        return s.to_owned();
    }
    let t = s.trim_end_matches('0');
    t.trim_end_matches('.').to_owned()
}

/// Escapes bytes the way protoc's `CEscape` does for `bytes` default values.
pub(crate) fn c_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// The name protoc gives the entry message of map field `field_name`: camel case plus `Entry`.
pub(crate) fn map_entry_name(field_name: &str) -> String {
    let mut out = String::with_capacity(field_name.len() + 5);
    let mut cap_next = true;
    for c in field_name.chars() {
        if c == '_' {
            cap_next = true;
        } else if cap_next {
            out.push(c.to_ascii_uppercase());
            cap_next = false;
        } else {
            out.push(c);
        }
    }
    out.push_str("Entry");
    out
}

/// The `aggregate_value` protoc stores for a `{ ... }` option value: the text between the
/// braces as written, except that comments are removed. A line comment disappears (its newline
/// stays), a block comment becomes as many newlines as it spans plus spaces up to the column
/// where it ends, which is how protoc re-pads the tokens it copies. A `#` ends the text: protoc
/// reads everything after it as one comment.
pub(crate) fn aggregate_text(inner: &str) -> String {
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'#' => {
                // protoc's text format parser sees `#` start a comment that runs to the end of
                // the value (its copy of the value does not end the comment at the newline).
                out.push_str(&inner[copied..i]);
                return out;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                out.push_str(&inner[copied..i]);
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                copied = i;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.push_str(&inner[copied..i]);
                let start = i;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                let comment = &inner[start..i];
                let newlines = comment.matches('\n').count();
                if newlines == 0 {
                    out.extend(std::iter::repeat_n(' ', comment.chars().count()));
                } else {
                    out.extend(std::iter::repeat_n('\n', newlines));
                    let last_line = comment.rsplit('\n').next().unwrap_or("");
                    out.extend(std::iter::repeat_n(' ', last_line.chars().count()));
                }
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&inner[copied.min(inner.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtoa_matches_protoc_forms() {
        // Expected strings are what protoc 35.1 writes for these defaults.
        assert_eq!(simple_dtoa(1.5), "1.5");
        assert_eq!(simple_dtoa(1e10), "10000000000");
        assert_eq!(simple_dtoa(1e15), "1e+15");
        assert_eq!(simple_dtoa(1e-5), "1e-05");
        assert_eq!(simple_dtoa(0.0001), "0.0001");
        assert_eq!(simple_dtoa(0.1), "0.1");
        assert_eq!(simple_dtoa(1.0 / 3.0), "0.33333333333333331");
        assert_eq!(simple_dtoa(f64::INFINITY), "inf");
        assert_eq!(simple_dtoa(f64::NAN), "nan");
        assert_eq!(simple_dtoa(0.0), "0");
        assert_eq!(
            simple_dtoa(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(
            simple_dtoa(18446744073709551616.0),
            "1.8446744073709552e+19"
        );
        assert_eq!(simple_ftoa(16.0), "16");
        assert_eq!(simple_ftoa(0.1), "0.1");
        assert_eq!(simple_ftoa(f32::NEG_INFINITY), "-inf");
    }

    #[test]
    fn escapes_like_cescape() {
        assert_eq!(c_escape(b"a\x00\"\\\xfe'\n"), "a\\000\\\"\\\\\\376\\'\\n");
    }

    #[test]
    fn map_entry_names() {
        assert_eq!(map_entry_name("foo_bar_baz"), "FooBarBazEntry");
        assert_eq!(map_entry_name("_x1y"), "X1yEntry");
        assert_eq!(map_entry_name("map_int32_int32"), "MapInt32Int32Entry");
    }

    #[test]
    fn aggregate_comments_are_blanked() {
        assert_eq!(aggregate_text(" a: 1 // c\n b: 2 "), " a: 1 \n b: 2 ");
        assert_eq!(aggregate_text(" a: /* x */ 1 "), " a:         1 ");
        assert_eq!(
            aggregate_text(" a: \"//\" /* x\n */ 1"),
            " a: \"//\" \n    1"
        );
    }
}
