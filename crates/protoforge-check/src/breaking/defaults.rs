//! Field default values (`[default = ...]`) as FIELD_SAME_DEFAULT compares and prints them.

use protoforge::descriptor::field_descriptor_proto::Type;

use super::kinds::kind;
use super::model::{Fld, Side};

/// A parsed default value.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Bool(bool),
    Int(i128),
    F32(f32),
    F64(f64),
    Bytes(Vec<u8>),
    Str(String),
    /// An enum value: number and printed form (`Enum.VALUE`).
    Enum(i32, String),
}

impl Value {
    /// Whether this is the zero value of its type.
    pub fn is_zero(&self) -> bool {
        match self {
            Value::Bool(b) => !b,
            Value::Int(i) => *i == 0,
            Value::F32(f) => f.to_bits() == 0,
            Value::F64(f) => f.to_bits() == 0,
            Value::Bytes(b) => b.is_empty(),
            Value::Str(s) => s.is_empty(),
            Value::Enum(n, _) => *n == 0,
        }
    }

    /// How buf prints it.
    pub fn printable(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::F32(f) => go_float(f64::from(*f), format!("{f:e}")),
            Value::F64(f) => go_float(*f, format!("{f:e}")),
            Value::Bytes(b) => {
                let parts: Vec<String> = b.iter().map(|b| format!("0x{b:X}")).collect();
                format!("[{}]", parts.join(","))
            }
            Value::Str(s) => super::q(s),
            Value::Enum(_, p) => p.clone(),
        }
    }

    fn as_text(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            Value::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Int(i) => Some(*i as f64),
            Value::F32(f) => Some(f64::from(*f)),
            Value::F64(f) => Some(*f),
            Value::Enum(n, _) => Some(f64::from(*n)),
            _ => None,
        }
    }
}

/// Whether two defaults are the same value (numbers compared across types).
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.as_text(), b.as_text()) {
        return x == y;
    }
    if a.as_text().is_some() || b.as_text().is_some() {
        return false;
    }
    match (a, b) {
        (Value::F32(x), Value::F64(y)) | (Value::F64(y), Value::F32(x)) => {
            return (x.is_nan() && y.is_nan()) || *x == *y as f32;
        }
        (Value::Int(x), Value::Int(y)) => return x == y,
        _ => {}
    }
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => (x.is_nan() && y.is_nan()) || x == y,
        _ => false,
    }
}

/// Whether a field can have a default (singular, not a message).
pub(crate) fn can_have_default(side: &Side<'_>, f: &Fld<'_>) -> bool {
    use protoforge::descriptor::field_descriptor_proto::Label;
    f.d.label() != Label::Repeated
        && !side.is_map(f)
        && !matches!(kind(f), Type::Message | Type::Group)
}

/// The default of a field (its type's zero, or an enum's first value, when none is set).
pub(crate) fn default_of(side: &Side<'_>, f: &Fld<'_>) -> Value {
    let text = f.d.default_value.as_deref();
    match kind(f) {
        Type::Bool => Value::Bool(text == Some("true")),
        Type::Float => Value::F32(text.map(parse_float).unwrap_or(0.0) as f32),
        Type::Double => Value::F64(text.map(parse_float).unwrap_or(0.0)),
        Type::String => Value::Str(text.unwrap_or("").to_string()),
        Type::Bytes => Value::Bytes(text.map(unescape).unwrap_or_default()),
        Type::Enum => {
            let e = side.enum_named(f.d.type_name());
            let name = e.map(|e| e.d.name()).unwrap_or("");
            let value = match (e, text) {
                (Some(e), Some(t)) => e.d.value.iter().find(|v| v.name() == t),
                (Some(e), None) => e.d.value.first(),
                _ => None,
            };
            match value {
                Some(v) => Value::Enum(v.number.unwrap_or(0), format!("{name}.{}", v.name())),
                None => Value::Enum(0, format!("{name}.0(?)")),
            }
        }
        _ => Value::Int(text.and_then(|t| t.parse::<i128>().ok()).unwrap_or(0)),
    }
}

fn parse_float(t: &str) -> f64 {
    match t {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "-nan" => f64::NAN,
        _ => t.parse().unwrap_or(0.0),
    }
}

/// Undoes protoc's C escaping of a bytes default.
fn unescape(t: &str) -> Vec<u8> {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = b[i + 1];
        i += 2;
        match c {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'x' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && i < b.len() && b[i].is_ascii_hexdigit() {
                    v = v * 16 + (b[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            other => out.push(other),
        }
    }
    out
}

/// Go's `%v` of a float: shortest digits, exponent form below 1e-4 or from 1e6.
fn go_float(f: f64, sci: String) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // `sci` is Rust's shortest `d.ddde±x`.
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let point = exp + 1;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if point <= 0 {
        s.push_str("0.");
        s.push_str(&"0".repeat((-point) as usize));
        s.push_str(&digits);
    } else if point as usize >= digits.len() {
        s.push_str(&digits);
        s.push_str(&"0".repeat(point as usize - digits.len()));
    } else {
        s.push_str(&digits[..point as usize]);
        s.push('.');
        s.push_str(&digits[point as usize..]);
    }
    s
}
