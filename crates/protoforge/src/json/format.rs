//! Text forms of the proto3 JSON mapping that need no descriptors: base64 (standard out,
//! standard or URL-safe with or without padding in), RFC 3339 timestamps and `"1.5s"`
//! durations with protoc's 0/3/6/9 fractional digit rule, field mask path case conversion,
//! and the strict number grammar used for numbers given as JSON strings.

use crate::wkt::civil::{civil_from_days, days_from_civil, days_in_month};

/// Smallest `Timestamp.seconds` the JSON mapping allows: `0001-01-01T00:00:00Z`.
pub(crate) const TIMESTAMP_MIN_SECONDS: i64 = -62_135_596_800;
/// Largest `Timestamp.seconds` the JSON mapping allows: `9999-12-31T23:59:59Z`.
pub(crate) const TIMESTAMP_MAX_SECONDS: i64 = 253_402_300_799;
/// Largest magnitude of `Duration.seconds`: 10,000 years.
pub(crate) const DURATION_MAX_SECONDS: i64 = 315_576_000_000;

const BASE64_STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `data` as standard base64 with padding.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(BASE64_STD[(n >> 18) as usize & 63] as char);
        out.push(BASE64_STD[(n >> 12) as usize & 63] as char);
        if chunk.len() > 1 {
            out.push(BASE64_STD[(n >> 6) as usize & 63] as char);
        } else {
            out.push('=');
        }
        if chunk.len() > 2 {
            out.push(BASE64_STD[n as usize & 63] as char);
        } else {
            out.push('=');
        }
    }
    out
}

fn base64_digit(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

/// Decodes standard or URL-safe base64, with or without padding.
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let unpadded = match bytes {
        [rest @ .., b'=', b'='] | [rest @ .., b'='] => {
            if !bytes.len().is_multiple_of(4) {
                return Err(format!("invalid base64 padding in `{text}`"));
            }
            rest
        }
        _ => bytes,
    };
    if unpadded.len() % 4 == 1 {
        return Err(format!("invalid base64 length in `{text}`"));
    }
    let mut out = Vec::with_capacity(unpadded.len() * 3 / 4);
    for chunk in unpadded.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let digit =
                base64_digit(c).ok_or_else(|| format!("invalid base64 character in `{text}`"))?;
            n |= digit << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Ok(out)
}

/// Writes `nanos` (0..1e9) as protoc does: nothing, or 3, 6 or 9 digits after a dot.
fn push_fraction(out: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    if nanos.is_multiple_of(1_000_000) {
        out.push_str(&format!(".{:03}", nanos / 1_000_000));
    } else if nanos.is_multiple_of(1_000) {
        out.push_str(&format!(".{:06}", nanos / 1_000));
    } else {
        out.push_str(&format!(".{nanos:09}"));
    }
}

/// Formats a `Timestamp` as RFC 3339 in UTC (`1972-01-01T10:00:20.021Z`).
pub(crate) fn format_timestamp(seconds: i64, nanos: i32) -> Result<String, String> {
    if !(TIMESTAMP_MIN_SECONDS..=TIMESTAMP_MAX_SECONDS).contains(&seconds) {
        return Err(format!("Timestamp seconds {seconds} out of range"));
    }
    if !(0..1_000_000_000).contains(&nanos) {
        return Err(format!("Timestamp nanos {nanos} out of range"));
    }
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    push_fraction(&mut out, nanos as u32);
    out.push('Z');
    Ok(out)
}

/// Reads exactly `n` ASCII digits at `*pos`.
fn digits(s: &[u8], pos: &mut usize, n: usize) -> Option<i64> {
    let part = s.get(*pos..*pos + n)?;
    let mut value = 0i64;
    for &c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(c - b'0');
    }
    *pos += n;
    Some(value)
}

fn expect(s: &[u8], pos: &mut usize, c: u8) -> Option<()> {
    if s.get(*pos) == Some(&c) {
        *pos += 1;
        Some(())
    } else {
        None
    }
}

/// Reads `.` and 1 to 9 digits, as nanoseconds; nothing if no dot follows.
fn fraction(s: &[u8], pos: &mut usize) -> Option<i32> {
    if s.get(*pos) != Some(&b'.') {
        return Some(0);
    }
    *pos += 1;
    let start = *pos;
    while s.get(*pos).is_some_and(u8::is_ascii_digit) {
        *pos += 1;
    }
    let len = *pos - start;
    if len == 0 || len > 9 {
        return None;
    }
    let mut nanos = 0i32;
    for i in 0..9 {
        let d = if i < len { s[start + i] - b'0' } else { 0 };
        nanos = nanos * 10 + i32::from(d);
    }
    Some(nanos)
}

/// Parses an RFC 3339 timestamp (`Z` or a `±hh:mm` offset) into `(seconds, nanos)`.
pub(crate) fn parse_timestamp(text: &str) -> Result<(i64, i32), String> {
    let bad = || format!("invalid Timestamp `{text}`");
    let s = text.as_bytes();
    let mut pos = 0;
    let parsed = (|| {
        let year = digits(s, &mut pos, 4)?;
        expect(s, &mut pos, b'-')?;
        let month = digits(s, &mut pos, 2)?;
        expect(s, &mut pos, b'-')?;
        let day = digits(s, &mut pos, 2)?;
        expect(s, &mut pos, b'T')?;
        let hour = digits(s, &mut pos, 2)?;
        expect(s, &mut pos, b':')?;
        let minute = digits(s, &mut pos, 2)?;
        expect(s, &mut pos, b':')?;
        let second = digits(s, &mut pos, 2)?;
        let nanos = fraction(s, &mut pos)?;
        let offset = match s.get(pos)? {
            b'Z' => {
                pos += 1;
                0
            }
            sign @ (b'+' | b'-') => {
                let negative = *sign == b'-';
                pos += 1;
                let oh = digits(s, &mut pos, 2)?;
                expect(s, &mut pos, b':')?;
                let om = digits(s, &mut pos, 2)?;
                if oh > 23 || om > 59 {
                    return None;
                }
                let minutes = oh * 60 + om;
                if negative { -minutes } else { minutes }
            }
            _ => return None,
        };
        if pos != s.len() {
            return None;
        }
        if year == 0
            || !(1..=12).contains(&month)
            || day < 1
            || day > i64::from(days_in_month(year, month as u32))
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let seconds = days_from_civil(year, month as u32, day as u32) * 86_400
            + hour * 3600
            + minute * 60
            + second
            - offset * 60;
        Some((seconds, nanos))
    })();
    let (seconds, nanos) = parsed.ok_or_else(bad)?;
    if !(TIMESTAMP_MIN_SECONDS..=TIMESTAMP_MAX_SECONDS).contains(&seconds) {
        return Err(format!("Timestamp `{text}` out of range"));
    }
    Ok((seconds, nanos))
}

/// Formats a `Duration` as `"1.5s"`, `"-0.010s"`.
pub(crate) fn format_duration(seconds: i64, nanos: i32) -> Result<String, String> {
    if !(-DURATION_MAX_SECONDS..=DURATION_MAX_SECONDS).contains(&seconds) {
        return Err(format!("Duration seconds {seconds} out of range"));
    }
    if nanos <= -1_000_000_000
        || nanos >= 1_000_000_000
        || (seconds > 0 && nanos < 0)
        || (seconds < 0 && nanos > 0)
    {
        return Err(format!(
            "Duration nanos {nanos} invalid for seconds {seconds}"
        ));
    }
    let mut out = String::new();
    if seconds < 0 || nanos < 0 {
        out.push('-');
    }
    out.push_str(&seconds.unsigned_abs().to_string());
    push_fraction(&mut out, nanos.unsigned_abs());
    out.push('s');
    Ok(out)
}

/// Parses `"1.5s"`, `"-0.5s"`, `"3s"` into `(seconds, nanos)` with matching signs.
pub(crate) fn parse_duration(text: &str) -> Result<(i64, i32), String> {
    let bad = || format!("invalid Duration `{text}`");
    let body = text.strip_suffix('s').ok_or_else(bad)?;
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let s = body.as_bytes();
    let mut pos = 0;
    while s.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    if pos == 0 || pos > 12 {
        return Err(bad());
    }
    let seconds: i64 = body[..pos].parse().map_err(|_| bad())?;
    let nanos = fraction(s, &mut pos).ok_or_else(bad)?;
    if pos != s.len() {
        return Err(bad());
    }
    if seconds > DURATION_MAX_SECONDS {
        return Err(format!("Duration `{text}` out of range"));
    }
    Ok(if negative {
        (-seconds, -nanos)
    } else {
        (seconds, nanos)
    })
}

/// Converts a field mask path from `snake_case` to `lowerCamelCase`, refusing paths that
/// would not convert back (upper-case letters, `_` not followed by a lower-case letter).
pub(crate) fn field_mask_path_to_json(path: &str) -> Result<String, String> {
    let mut out = String::with_capacity(path.len());
    let mut upper_next = false;
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            return Err(format!(
                "field mask path `{path}` has an upper-case letter and cannot map to JSON"
            ));
        }
        if upper_next {
            if !c.is_ascii_lowercase() {
                return Err(format!("field mask path `{path}` cannot map to JSON"));
            }
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else if c == '_' {
            upper_next = true;
        } else {
            out.push(c);
        }
    }
    if upper_next {
        return Err(format!("field mask path `{path}` ends with `_`"));
    }
    Ok(out)
}

/// Converts a JSON field mask path from `lowerCamelCase` to `snake_case`.
pub(crate) fn field_mask_path_from_json(path: &str) -> Result<String, String> {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c == '_' {
            return Err(format!("field mask path `{path}` must be lowerCamelCase"));
        }
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Whether `s` follows JSON's number grammar exactly (no `+`, no leading zeros, no spaces).
pub(crate) fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// An integer read from a JSON number or numeric string, before range checks.
pub(crate) enum Integer {
    /// An exact integer.
    Exact(i128),
    /// Written with a fraction or exponent; integral values are accepted.
    Float(f64),
}

/// Reads an integer from a JSON string holding a number (`"12"`, `"-3"`, `"1e3"`).
pub(crate) fn parse_integer_str(s: &str) -> Result<Integer, String> {
    if !is_json_number(s) {
        return Err(format!("`{s}` is not a number"));
    }
    if s.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
        // Up to 39 digits fit an i128; anything longer is out of every range anyway.
        return s
            .parse::<i128>()
            .map(Integer::Exact)
            .map_err(|_| format!("integer `{s}` out of range"));
    }
    s.parse::<f64>()
        .map(Integer::Float)
        .map_err(|_| format!("`{s}` is not a number"))
}

/// Converts a float that must be integral into an `i128`.
pub(crate) fn integral(value: f64) -> Result<i128, String> {
    if !value.is_finite() || value.fract() != 0.0 {
        return Err(format!("{value} is not an integer"));
    }
    // Anything beyond ±2^100 is out of every protobuf integer range.
    if value.abs() > 1e30 {
        return Err(format!("{value} out of range"));
    }
    Ok(value as i128)
}

/// Reads a floating-point value from a JSON string: a number or `NaN`/`Infinity`/`-Infinity`.
pub(crate) fn parse_float_str(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        _ if is_json_number(s) => {
            let value: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
            if value.is_finite() {
                Ok(value)
            } else {
                Err(format!("`{s}` out of range"))
            }
        }
        _ => Err(format!("`{s}` is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_accepts_both_alphabets() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"\x01\x02"), "AQI=");
        assert_eq!(base64_encode(b"\x00\x01\x02"), "AAEC");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_decode("AQI=").unwrap(), b"\x01\x02");
        assert_eq!(base64_decode("AQI").unwrap(), b"\x01\x02");
        assert_eq!(base64_decode("-_").unwrap(), b"\xfb");
        assert_eq!(base64_decode("+/8=").unwrap(), b"\xfb\xff");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert!(base64_decode("Z").is_err());
        assert!(base64_decode("Zg=").is_err());
        assert!(base64_decode("Z!==").is_err());
        for len in 0..20u8 {
            let data: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(base64_decode(&base64_encode(&data)).unwrap(), data);
        }
    }

    #[test]
    fn timestamps_follow_rfc3339_and_protoc_digits() {
        assert_eq!(format_timestamp(0, 0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_timestamp(0, 10_000_000).unwrap(),
            "1970-01-01T00:00:00.010Z"
        );
        assert_eq!(
            format_timestamp(0, 10_000).unwrap(),
            "1970-01-01T00:00:00.000010Z"
        );
        assert_eq!(
            format_timestamp(0, 10).unwrap(),
            "1970-01-01T00:00:00.000000010Z"
        );
        assert_eq!(
            format_timestamp(TIMESTAMP_MIN_SECONDS, 0).unwrap(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            format_timestamp(TIMESTAMP_MAX_SECONDS, 999_999_999).unwrap(),
            "9999-12-31T23:59:59.999999999Z"
        );
        assert!(format_timestamp(TIMESTAMP_MAX_SECONDS + 1, 0).is_err());
        assert!(format_timestamp(0, -1).is_err());
        assert_eq!(
            parse_timestamp("1993-02-10T00:00:00.000Z").unwrap(),
            (729_302_400, 0)
        );
        assert_eq!(
            parse_timestamp("1970-01-01T08:00:01+08:00").unwrap(),
            (1, 0)
        );
        assert_eq!(
            parse_timestamp("1969-12-31T16:00:01-08:00").unwrap(),
            (1, 0)
        );
        assert_eq!(
            parse_timestamp("9999-12-31T23:59:59.999999999Z").unwrap(),
            (TIMESTAMP_MAX_SECONDS, 999_999_999)
        );
        for bad in [
            "0000-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "0001-01-01T00:00:00",
            "0001-01-01 00:00:00Z",
            "0001-01-01T00:00:00z",
            "0001-01-01t00:00:00Z",
            "1970-02-30T00:00:00Z",
            "1970-01-01T00:00:00.Z",
            "1970-01-01T00:00:00.1234567890Z",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_keep_signs_and_digits() {
        assert_eq!(format_duration(1, 500_000_000).unwrap(), "1.500s");
        assert_eq!(format_duration(-1, -500_000_000).unwrap(), "-1.500s");
        assert_eq!(format_duration(0, -10_000).unwrap(), "-0.000010s");
        assert_eq!(format_duration(1, 0).unwrap(), "1s");
        assert!(format_duration(1, -1).is_err());
        assert!(format_duration(DURATION_MAX_SECONDS + 1, 0).is_err());
        assert_eq!(parse_duration("1.5s").unwrap(), (1, 500_000_000));
        assert_eq!(parse_duration("-0.5s").unwrap(), (0, -500_000_000));
        assert_eq!(
            parse_duration("-315576000000.999999999s").unwrap(),
            (-DURATION_MAX_SECONDS, -999_999_999)
        );
        for bad in [
            "1",
            "s",
            "1.s",
            "+1s",
            "315576000001.000000000s",
            "1.5 s",
            "--1s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn field_mask_paths_convert_both_ways() {
        assert_eq!(
            field_mask_path_to_json("foo.bar_baz").unwrap(),
            "foo.barBaz"
        );
        assert!(field_mask_path_to_json("fooBar").is_err());
        assert!(field_mask_path_to_json("foo_3_bar").is_err());
        assert!(field_mask_path_to_json("foo__bar").is_err());
        assert_eq!(
            field_mask_path_from_json("foo.barBaz").unwrap(),
            "foo.bar_baz"
        );
        assert!(field_mask_path_from_json("bar_bar").is_err());
    }

    #[test]
    fn number_strings_follow_json_grammar() {
        for good in ["0", "-1", "1.5", "1e5", "1E+5", "-0.0e-1"] {
            assert!(is_json_number(good), "{good}");
        }
        for bad in [
            "", "+1", "01", "-01", " 1", "1 ", "1.", ".5", "1e", "3x3", "0x10",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
        assert!(matches!(
            parse_integer_str("2147483647"),
            Ok(Integer::Exact(2_147_483_647))
        ));
        assert!(matches!(parse_integer_str("1e3"), Ok(Integer::Float(v)) if v == 1000.0));
        assert_eq!(integral(1e5).unwrap(), 100_000);
        assert!(integral(0.5).is_err());
        assert!(parse_float_str("NaN").unwrap().is_nan());
        assert!(parse_float_str("1e400").is_err());
        assert!(parse_float_str("nan").is_err());
    }
}
