//! Text forms of the proto3 JSON mapping that need no descriptors: base64 (standard out,
//! standard or URL-safe with or without padding in), RFC 3339 timestamps and `"1.5s"`
//! durations (through `wkt::Timestamp` and `wkt::Duration`, whose `Display`/`FromStr` are
//! the one implementation of those forms), field mask path case conversion, and the strict
//! number grammar used for numbers given as JSON strings.

use crate::wkt::{Duration, Timestamp};

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

/// Formats a `Timestamp` as RFC 3339 in UTC (`1972-01-01T10:00:20.021Z`); out-of-range
/// seconds or nanos are an error.
pub(crate) fn format_timestamp(seconds: i64, nanos: i32) -> Result<String, String> {
    let timestamp = Timestamp::new(seconds, nanos);
    if !timestamp.is_valid() {
        return Err(format!(
            "Timestamp ({seconds} s, {nanos} ns) out of range (0001-01-01 to 9999-12-31)"
        ));
    }
    Ok(timestamp.to_string())
}

/// Parses an RFC 3339 timestamp (`Z` or a `±hh:mm` offset) into `(seconds, nanos)`.
pub(crate) fn parse_timestamp(text: &str) -> Result<(i64, i32), String> {
    let timestamp: Timestamp = text
        .parse()
        .map_err(|e| format!("invalid Timestamp `{text}`: {e}"))?;
    Ok((timestamp.seconds, timestamp.nanos))
}

/// Formats a `Duration` as `"1.5s"`, `"-0.010s"`; out-of-range values and mixed signs are
/// an error.
pub(crate) fn format_duration(seconds: i64, nanos: i32) -> Result<String, String> {
    let duration = Duration::new(seconds, nanos);
    if !duration.is_valid() {
        return Err(format!(
            "Duration ({seconds} s, {nanos} ns) out of range or of mixed signs"
        ));
    }
    Ok(duration.to_string())
}

/// Parses `"1.5s"`, `"-0.5s"`, `"3s"` into `(seconds, nanos)` with matching signs.
pub(crate) fn parse_duration(text: &str) -> Result<(i64, i32), String> {
    let duration: Duration = text
        .parse()
        .map_err(|e| format!("invalid Duration `{text}`: {e}"))?;
    Ok((duration.seconds, duration.nanos))
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
            format_timestamp(Timestamp::MIN_SECONDS, 0).unwrap(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            format_timestamp(Timestamp::MAX_SECONDS, 999_999_999).unwrap(),
            "9999-12-31T23:59:59.999999999Z"
        );
        assert!(format_timestamp(Timestamp::MAX_SECONDS + 1, 0).is_err());
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
            (Timestamp::MAX_SECONDS, 999_999_999)
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
        assert!(format_duration(Duration::MAX_SECONDS + 1, 0).is_err());
        assert_eq!(parse_duration("1.5s").unwrap(), (1, 500_000_000));
        assert_eq!(parse_duration("-0.5s").unwrap(), (0, -500_000_000));
        assert_eq!(
            parse_duration("-315576000000.999999999s").unwrap(),
            (-Duration::MAX_SECONDS, -999_999_999)
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
