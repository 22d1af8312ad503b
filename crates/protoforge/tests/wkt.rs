//! The well-known type conversions of `protoforge::wkt` against Python `protobuf`, the
//! reference: Timestamp and Duration text forms both ways (including the values Python
//! rejects), `Any::pack` bytes, `Struct` encoding, `FieldMask` union and intersection; plus
//! the `SystemTime` and `std::time::Duration` conversions and their range checks.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration as StdDuration, SystemTime, UNIX_EPOCH};

use protoforge::wkt::{
    Any, Duration, DurationError, FieldMask, ListValue, Struct, Timestamp, TimestampError, Value,
};
use protoforge::{Message, Name};

/// Runs `tests/wkt/truth.py` on `commands` and returns its answer lines.
fn truth(commands: &[String]) -> Vec<String> {
    use std::io::Write as _;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wkt/truth.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with protobuf must be installed");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(commands.join("\n").as_bytes())
        .and_then(|()| stdin.write_all(b"\n"))
        .expect("write commands");
    drop(stdin);
    let out = child.wait_with_output().expect("python3 ran");
    assert!(out.status.success(), "truth.py failed");
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), commands.len(), "one answer per command");
    lines
}

const TIMESTAMPS: &[(i64, i32)] = &[
    (0, 0),
    (0, 1),
    (1, 500_000_000),
    (-1, 0),
    (-1, 999_999_999),
    (63_072_000, 21_000_000),
    (951_782_400, 123_456_000),
    (1_700_000_000, 123_456_789),
    (-62_135_596_800, 0),
    (253_402_300_799, 999_999_999),
    (-11_644_473_600, 0),
    (4_107_542_400, 0),
    (68_169_600, 1_000),
];

const TIMESTAMP_TEXTS: &[&str] = &[
    "1970-01-01T00:00:00Z",
    "1970-01-01T00:00:00.5Z",
    "1972-01-01T10:00:20.021Z",
    "2000-02-29T23:59:59.999999999Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "1970-01-01T00:00:00+01:00",
    "1970-01-01T00:00:00-08:30",
    "2026-11-25T18:00:00.000001Z",
    "1970-01-01T00:00:00.1234567891Z",
    "2001-02-29T00:00:00Z",
    "1970-13-01T00:00:00Z",
    "1970-01-01 00:00:00Z",
    "1970-01-01T00:00:00",
    "1970-01-01T24:00:00Z",
    "1970-01-01T00:00:60Z",
    "1970-01-01T00:00:00.Z",
    "1970-01-01t00:00:00z",
    "1970-01-01T00:00:00.000000000Z",
    "0001-01-01T00:00:00+00:01",
    "9999-12-31T23:59:59-00:01",
    "garbage",
];

const DURATIONS: &[(i64, i32)] = &[
    (0, 0),
    (1, 0),
    (1, 500_000_000),
    (-1, -500_000_000),
    (0, -1),
    (0, 1_000),
    (0, 10_000_000),
    (315_576_000_000, 999_999_999),
    (-315_576_000_000, -999_999_999),
    (123, 456_789),
];

const DURATION_TEXTS: &[&str] = &[
    "0s",
    "1s",
    "1.5s",
    "-1.5s",
    "-0.000000001s",
    "0.000001s",
    "315576000000.999999999s",
    "315576000001s",
    "-315576000000s",
    "1.1234567891s",
    "1",
    "s",
    ".5s",
    "1.s",
    "1.5ss",
    "+1s",
    "--1s",
    "-s",
    "1.s",
    "1.0000000009s",
    "0.9999999999s",
    "1.00000000049s",
    "-1.00000000051s",
    "12a.5s",
];

/// Texts Python's `FromJsonString` accepts but protobuf's C++ JSON parser (the conformance
/// reference, whose rules `FromStr` follows as the one implementation shared with
/// `protoforge::json`) rejects: a `.` without digits, more than 9 fractional digits
/// (Python rounds or truncates them), and a leading `+`.
const STRICTER_THAN_PYTHON: &[&str] = &[
    "1970-01-01T00:00:00.Z",
    "+1s",
    "1.s",
    "1.1234567891s",
    "1.0000000009s",
    "1.00000000049s",
    "-1.00000000051s",
];

/// Python's answer, except for [`STRICTER_THAN_PYTHON`], where it must differ from the
/// error we give.
fn expected_parse(text: &str, python: &str) -> String {
    if STRICTER_THAN_PYTHON.contains(&text) {
        assert_ne!(python, "error", "Python now rejects {text:?} too");
        "error".to_string()
    } else {
        python.to_string()
    }
}

#[test]
fn timestamp_text_matches_python() {
    let mut commands: Vec<String> = TIMESTAMPS
        .iter()
        .map(|(s, n)| format!("ts_fmt {s} {n}"))
        .collect();
    commands.extend(TIMESTAMP_TEXTS.iter().map(|t| format!("ts_parse {t}")));
    let expected = truth(&commands);
    for ((seconds, nanos), want) in TIMESTAMPS.iter().zip(&expected) {
        assert_eq!(
            &Timestamp::new(*seconds, *nanos).to_string(),
            want,
            "Display of ({seconds}, {nanos})"
        );
    }
    for (text, want) in TIMESTAMP_TEXTS.iter().zip(&expected[TIMESTAMPS.len()..]) {
        let ours = match text.parse::<Timestamp>() {
            Ok(t) => format!("{} {}", t.seconds, t.nanos),
            Err(_) => "error".to_string(),
        };
        assert_eq!(ours, expected_parse(text, want), "FromStr of {text:?}");
    }
}

#[test]
fn duration_text_matches_python() {
    let mut commands: Vec<String> = DURATIONS
        .iter()
        .map(|(s, n)| format!("du_fmt {s} {n}"))
        .collect();
    commands.extend(DURATION_TEXTS.iter().map(|t| format!("du_parse {t}")));
    let expected = truth(&commands);
    for ((seconds, nanos), want) in DURATIONS.iter().zip(&expected) {
        assert_eq!(
            &Duration::new(*seconds, *nanos).to_string(),
            want,
            "Display of ({seconds}, {nanos})"
        );
    }
    for (text, want) in DURATION_TEXTS.iter().zip(&expected[DURATIONS.len()..]) {
        let ours = match text.parse::<Duration>() {
            Ok(d) => format!("{} {}", d.seconds, d.nanos),
            Err(_) => "error".to_string(),
        };
        assert_eq!(ours, expected_parse(text, want), "FromStr of {text:?}");
    }
}

#[test]
fn any_pack_matches_python() {
    let expected = truth(&["any_pack 5 250".to_string()]);
    let any = Any::pack(&Duration::new(5, 250));
    let hex: String = any
        .encode_to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, expected[0]);
    assert!(any.is::<Duration>());
    assert!(!any.is::<Timestamp>());
    assert_eq!(any.type_name(), "google.protobuf.Duration");
    assert_eq!(any.unpack::<Duration>(), Ok(Some(Duration::new(5, 250))));
    assert_eq!(any.unpack::<Timestamp>(), Ok(None));
    // Another host in the URL names the same type.
    let other_host = Any {
        type_url: "example.com/x/google.protobuf.Duration".into(),
        ..any.clone()
    };
    assert!(other_host.is::<Duration>());
    // A type name that only ends like ours is another type.
    let lookalike = Any {
        type_url: "type.googleapis.com/my.google.protobuf.Duration".into(),
        ..any.clone()
    };
    assert!(!lookalike.is::<Duration>());
    // Bad bytes are an error, not a panic.
    let broken = Any {
        value: vec![0x08, 0x80],
        ..any
    };
    assert!(broken.unpack::<Duration>().is_err());
    assert_eq!(Duration::full_name(), "google.protobuf.Duration");
    assert_eq!(
        Timestamp::type_url(),
        "type.googleapis.com/google.protobuf.Timestamp"
    );
}

#[test]
fn struct_from_rust_values_decodes_in_python() {
    let mut inner = HashMap::new();
    inner.insert("flag".to_string(), Value::from(true));
    inner.insert("nothing".to_string(), Value::null());
    let object: Struct = [
        ("number", Value::from(1.5)),
        ("text", Value::from("hi")),
        ("owned", Value::from(String::from("x"))),
        (
            "list",
            Value::from(vec![Value::from(1.0), Value::from("two")]),
        ),
        ("object", Value::from(inner)),
    ]
    .into_iter()
    .collect();
    let hex: String = object
        .encode_to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let expected = truth(&[format!("struct {hex}")]);
    assert_eq!(
        expected[0],
        r#"{"list": [1.0, "two"], "number": 1.5, "object": {"flag": true, "nothing": null}, "owned": "x", "text": "hi"}"#
    );
    let decoded = Struct::decode(&object.encode_to_vec()[..]).expect("decodes");
    assert_eq!(decoded, object);
    assert_eq!(decoded.fields["number"].as_f64(), Some(1.5));
    assert_eq!(decoded.fields["text"].as_str(), Some("hi"));
    assert!(decoded.fields["object"].as_struct().expect("object").fields["nothing"].is_null());
    let list: ListValue = [1.0, 2.0].into_iter().collect();
    assert_eq!(list.values.len(), 2);
    assert_eq!(Value::from(list.clone()).as_list(), Some(&list));
}

#[test]
fn field_mask_union_and_intersection_match_python() {
    let cases = [
        ("a,b.c", "a.x,b"),
        ("foo.bar,baz", "foo,qux"),
        ("a.b.c,a.b.d", "a.b"),
        ("x", "y"),
        ("a,a,b", ""),
    ];
    let mut commands = Vec::new();
    for (a, b) in cases {
        commands.push(format!("fm_union {a} {b}"));
        commands.push(format!("fm_intersect {a} {b}"));
    }
    let expected = truth(&commands);
    let mask = |s: &str| FieldMask::new(s.split(',').filter(|p| !p.is_empty()));
    for (i, (a, b)) in cases.iter().enumerate() {
        assert_eq!(
            mask(a).union(&mask(b)).paths.join(","),
            expected[2 * i],
            "union of {a} and {b}"
        );
        assert_eq!(
            mask(a).intersection(&mask(b)).paths.join(","),
            expected[2 * i + 1],
            "intersection of {a} and {b}"
        );
    }
}

#[test]
fn system_time_conversions() {
    let t = Timestamp::try_from(UNIX_EPOCH + StdDuration::new(1_700_000_000, 5)).unwrap();
    assert_eq!((t.seconds, t.nanos), (1_700_000_000, 5));
    let back = SystemTime::try_from(t).unwrap();
    assert_eq!(back, UNIX_EPOCH + StdDuration::new(1_700_000_000, 5));
    // Before the epoch the nanos still count forwards.
    let t = Timestamp::try_from(UNIX_EPOCH - StdDuration::new(1, 250_000_000)).unwrap();
    assert_eq!((t.seconds, t.nanos), (-2, 750_000_000));
    assert_eq!(
        SystemTime::try_from(t).unwrap(),
        UNIX_EPOCH - StdDuration::new(1, 250_000_000)
    );
    // Unnormalised input is normalised before converting.
    let t = Timestamp::new(10, -1);
    assert_eq!(
        SystemTime::try_from(t).unwrap(),
        UNIX_EPOCH + StdDuration::new(9, 999_999_999)
    );
    // The range is 0001-01-01 to 9999-12-31, both ways.
    let too_late = UNIX_EPOCH + StdDuration::from_secs(253_402_300_800);
    assert_eq!(
        Timestamp::try_from(too_late),
        Err(TimestampError::OutOfRange)
    );
    assert_eq!(
        SystemTime::try_from(Timestamp::new(Timestamp::MAX_SECONDS + 1, 0)),
        Err(TimestampError::OutOfRange)
    );
    assert_eq!(
        SystemTime::try_from(Timestamp::new(i64::MIN, i32::MIN)),
        Err(TimestampError::OutOfRange)
    );
    let first = Timestamp::from_date_time(1, 1, 1, 0, 0, 0, 0).unwrap();
    assert_eq!(first.seconds, Timestamp::MIN_SECONDS);
    assert_eq!(first.to_string(), "0001-01-01T00:00:00Z");
    let now = Timestamp::now();
    assert!(now.is_valid() && now.seconds > 1_700_000_000);
}

#[test]
fn std_duration_conversions() {
    let d = Duration::try_from(StdDuration::new(3, 7)).unwrap();
    assert_eq!((d.seconds, d.nanos), (3, 7));
    assert_eq!(StdDuration::try_from(d), Ok(StdDuration::new(3, 7)));
    assert_eq!(
        StdDuration::try_from(Duration::new(-1, -500_000_000)),
        Err(DurationError::Negative(StdDuration::new(1, 500_000_000)))
    );
    assert_eq!(
        StdDuration::try_from(Duration::new(0, -1)),
        Err(DurationError::Negative(StdDuration::new(0, 1)))
    );
    // Mixed signs are normalised first: 2s - 0.5s.
    assert_eq!(
        StdDuration::try_from(Duration::new(2, -500_000_000)),
        Ok(StdDuration::new(1, 500_000_000))
    );
    assert_eq!(
        Duration::try_from(StdDuration::from_secs(315_576_000_001)),
        Err(DurationError::OutOfRange)
    );
    assert_eq!(
        StdDuration::try_from(Duration::new(i64::MAX, i32::MAX)),
        Err(DurationError::OutOfRange)
    );
    let mut d = Duration::new(-1, 1_500_000_000);
    d.normalize();
    assert_eq!((d.seconds, d.nanos), (0, 500_000_000));
}

#[test]
fn wrappers_convert_both_ways() {
    use protoforge::wkt::{BytesValue, Int64Value, StringValue};
    assert_eq!(i64::from(Int64Value::from(-3)), -3);
    assert_eq!(StringValue::from("x").value, "x");
    assert_eq!(Vec::<u8>::from(BytesValue::from(vec![1, 2])), [1, 2]);
}
