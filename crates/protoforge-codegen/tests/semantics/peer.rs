//! The peer of `tests/semantics.rs`: a small program over the code generated from
//! `tests/semantics/*.proto` and `testdata/codegen/comments.proto`, driven line by line by
//! `check.py`, which holds the expected behaviour (Python `protobuf`). Each input line is a
//! command; each answer is one line starting with `ok` or `err`.

use std::io::{BufRead, Write};

use protoforge::reflect::ReflectMessage;
use protoforge::{Extendable, Message};
use semantics::{lenient, strict};

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".to_string();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    if text == "-" {
        return Vec::new();
    }
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect()
}

fn error(e: &protoforge::DecodeError) -> String {
    let path: Vec<String> = e.path().map(|(m, f)| format!("{m}.{f}")).collect();
    format!("err {:?} {}", e.kind(), if path.is_empty() { "-".to_string() } else { path.join("/") })
}

/// Decodes and re-encodes.
fn round_trip<M: Message>(bytes: &[u8]) -> String {
    match M::decode(bytes) {
        Ok(m) => format!("ok {}", hex(&m.encode_to_vec())),
        Err(e) => error(&e),
    }
}

/// `is_initialized` and `check_initialized` of a message decoded without the check.
fn initialized<M: Message>(bytes: &[u8], is_initialized: fn(&M) -> bool) -> String {
    match M::decode(bytes) {
        Ok(m) => {
            let path = match m.check_initialized() {
                Ok(()) => "-".to_string(),
                Err(e) => e.path().map(|(m, f)| format!("{m}.{f}")).collect::<Vec<_>>().join("/"),
            };
            format!("ok {} {path}", is_initialized(&m))
        }
        Err(e) => error(&e),
    }
}

/// The descriptor and the `DynamicMessage` round trip of a message.
fn reflect<M: ReflectMessage>(bytes: &[u8]) -> String {
    let m = match M::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let desc = M::descriptor();
    let fields: Vec<String> = desc.fields().map(|f| f.name().to_string()).collect();
    let dynamic = m.to_dynamic();
    let back = match M::from_dynamic(&dynamic) {
        Ok(back) => back,
        Err(e) => return error(&e),
    };
    format!(
        "ok {} {} {} {} {}",
        desc.full_name(),
        fields.join(","),
        hex(&dynamic.encode_to_vec()),
        hex(&back.encode_to_vec()),
        back == m
    )
}

/// The serde JSON of a message, and the message parsed back from it.
fn json<M: ReflectMessage + serde::Serialize + serde::de::DeserializeOwned>(bytes: &[u8]) -> String {
    let m = match M::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let text = match serde_json::to_string(&m) {
        Ok(text) => text,
        Err(e) => return format!("err json {e}"),
    };
    match serde_json::from_str::<M>(&text) {
        Ok(back) => format!("ok {} {text}", hex(&back.encode_to_vec())),
        Err(e) => format!("err json {e}"),
    }
}

fn group(bytes: &[u8]) -> String {
    use lenient::sem::p2::{Extendee, GROUPEXT, REPGROUP, SCALAR_EXT};
    let m = match Extendee::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let (single, repeated, scalar) = match (
        m.extension(&GROUPEXT),
        m.repeated_extension(&REPGROUP),
        m.extension(&SCALAR_EXT),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error(&e),
    };
    let single = single.unwrap_or_default();
    let cs: Vec<String> = repeated.iter().map(|g| g.c().to_string()).collect();
    // Write new values through the typed API.
    let mut out = m.clone();
    let mut changed = single.clone();
    changed.a = Some(single.a() + 1);
    changed.b = Some(format!("x{}", single.b()));
    out.set_extension(&GROUPEXT, &changed);
    let more: Vec<_> = repeated
        .iter()
        .map(|g| {
            let mut g = g.clone();
            g.c = Some(g.c() + 1);
            g
        })
        .collect();
    out.set_repeated_extension(&REPGROUP, &more);
    format!(
        "ok {} {} {} {} {}",
        single.a(),
        single.b(),
        if cs.is_empty() { "-".to_string() } else { cs.join(",") },
        scalar.unwrap_or(-1),
        hex(&out.encode_to_vec())
    )
}

/// Hex of each value, comma-separated, `-` for none.
fn hex_list<T: AsRef<[u8]>>(values: &[T]) -> String {
    if values.is_empty() {
        return "-".to_string();
    }
    values.iter().map(|v| hex(v.as_ref())).collect::<Vec<_>>().join(",")
}

/// `RawStrings` (strings stored as bytes): the list, the map entries sorted, the oneof
/// string, and the `s` getter (its default when unset).
fn raw_strings(bytes: &[u8]) -> String {
    use lenient::sem::p2::{RawStrings, raw_strings::Choice};
    let m = match RawStrings::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let mut entries: Vec<String> =
        m.ms.iter().map(|(k, v)| format!("{}={}", hex(k), hex(v))).collect();
    entries.sort();
    let os = match &m.choice {
        Some(Choice::Os(text)) => hex(text),
        _ => "none".to_string(),
    };
    format!(
        "ok {} {} {os} {}",
        hex_list(&m.rs),
        if entries.is_empty() { "-".to_string() } else { entries.join(",") },
        hex(m.s())
    )
}

/// The string extensions of `Extendee`: unverified (`String`, a value that is not UTF-8
/// reads as absent) and selected by `unverified_strings_as_bytes` (bytes); then the message
/// with new values written through the typed API.
fn string_extensions(bytes: &[u8]) -> String {
    use lenient::sem::p2::{Extendee, RAW_REP_STR_EXT, RAW_STR_EXT, REP_STR_EXT, STR_EXT};
    let m = match Extendee::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let (single, list, raw, raw_list) = match (
        m.extension(&STR_EXT),
        m.repeated_extension(&REP_STR_EXT),
        m.extension(&RAW_STR_EXT),
        m.repeated_extension(&RAW_REP_STR_EXT),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return error(&e),
    };
    let mut out = m.clone();
    out.set_extension(&STR_EXT, &"é".to_string());
    out.set_repeated_extension(&RAW_REP_STR_EXT, &[vec![0xff], b"ok".to_vec()]);
    format!(
        "ok {} {} {} {} {} {}",
        single.map_or("absent".to_string(), |s| hex(s.as_bytes())),
        hex_list(&list),
        raw.map_or("absent".to_string(), |s| hex(&s)),
        hex_list(&raw_list),
        m.has_extension(&STR_EXT),
        hex(&out.encode_to_vec())
    )
}

/// The extensions of the editions `Holder`, declared in its scope: a verified string, an
/// unverified one, and a packed list (written as `[1, 2, 3]` after reading).
fn editions_extensions(bytes: &[u8]) -> String {
    use lenient::sem::ed::{Holder, holder::{PACKED_EXT, UNVERIFIED_EXT, VERIFIED_EXT}};
    let m = match Holder::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let show = |value: Result<Option<String>, protoforge::DecodeError>| match value {
        Ok(Some(text)) => hex(text.as_bytes()),
        Ok(None) => "absent".to_string(),
        Err(e) => format!("{:?}", e.kind()),
    };
    let packed = match m.repeated_extension(&PACKED_EXT) {
        Ok(values) => values.iter().map(i32::to_string).collect::<Vec<_>>().join(","),
        Err(e) => return error(&e),
    };
    let mut made = Holder::default();
    made.set_repeated_extension(&PACKED_EXT, &[1, 2, 3]);
    format!(
        "ok {} {} {} {}",
        show(m.extension(&VERIFIED_EXT)),
        show(m.extension(&UNVERIFIED_EXT)),
        if packed.is_empty() { "-".to_string() } else { packed },
        hex(&made.encode_to_vec())
    )
}

fn message_set(bytes: &[u8]) -> String {
    use lenient::sem::p2::{OtherItem, Set, SetItem, other_item::OTHER, set_item::ITEM};
    let m = match Set::decode(bytes) {
        Ok(m) => m,
        Err(e) => return error(&e),
    };
    let (item, other) = match (m.extension(&ITEM), m.extension(&OTHER)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return error(&e),
    };
    let item: SetItem = item.unwrap_or_default();
    let other: OtherItem = other.unwrap_or_default();
    let values: Vec<String> = other.values.iter().map(i32::to_string).collect();
    let mut made = Set::default();
    made.set_extension(
        &ITEM,
        &SetItem {
            v: Some(item.v() * 2),
            text: item.text.clone(),
            ..Default::default()
        },
    );
    format!(
        "ok {} {} {} {} {}",
        item.v(),
        if item.text().is_empty() { "-" } else { item.text() },
        if values.is_empty() { "-".to_string() } else { values.join(",") },
        hex(&m.encode_to_vec()),
        hex(&made.encode_to_vec())
    )
}

macro_rules! by_type {
    ($mode:ident, $ty:expr, $f:ident $(, $arg:expr)*) => {
        match $ty {
            "sem.p2.Strings" => $f::<$mode::sem::p2::Strings>($($arg),*),
            "sem.p2.Req" => $f::<$mode::sem::p2::Req>($($arg),*),
            "sem.p2.Extendee" => $f::<$mode::sem::p2::Extendee>($($arg),*),
            "sem.p2.RawStrings" => $f::<$mode::sem::p2::RawStrings>($($arg),*),
            "sem.p3.Strings" => $f::<$mode::sem::p3::Strings>($($arg),*),
            "sem.ed.Strings" => $f::<$mode::sem::ed::Strings>($($arg),*),
            other => format!("err unknown-type {other}"),
        }
    };
}

fn answer(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    match words.as_slice() {
        ["rt", "strict", ty, data] => by_type!(strict, *ty, round_trip, &unhex(data)),
        ["rt", "lenient", ty, data] => by_type!(lenient, *ty, round_trip, &unhex(data)),
        ["init", "sem.p2.Req", data] => {
            initialized::<lenient::sem::p2::Req>(&unhex(data), lenient::sem::p2::Req::is_initialized)
        }
        ["init", "sem.p2.Extendee", data] => initialized::<lenient::sem::p2::Extendee>(
            &unhex(data),
            lenient::sem::p2::Extendee::is_initialized,
        ),
        ["raw", data] => raw_strings(&unhex(data)),
        ["strext", data] => string_extensions(&unhex(data)),
        ["edext", data] => editions_extensions(&unhex(data)),
        ["reflect", ty, data] => by_type!(strict, *ty, reflect, &unhex(data)),
        ["json", ty, data] => by_type!(strict, *ty, json, &unhex(data)),
        ["group", data] => group(&unhex(data)),
        ["mset", data] => message_set(&unhex(data)),
        _ => format!("err bad-command {line}"),
    }
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let _ = writeln!(stdout, "{}", answer(line.trim()));
        let _ = stdout.flush();
    }
}
