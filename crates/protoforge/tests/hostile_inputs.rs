//! Hostile inputs for the runtime's surfaces: `Any`s nested in `Any`s, messages nested far past
//! the recursion limit, long strings, wide repeated fields and many unknown fields followed by
//! many occurrences of a field that drops its earlier raw occurrence, through the wire decoder
//! (generated and dynamic), the text format and the JSON mapping.
//!
//! The first tests pin the exact behaviour on small inputs (against Python `protobuf`'s output
//! where there is one). The last one is a generator of deep, wide and long inputs: each case
//! runs in a child process (this test binary again) that builds its input, then measures its
//! own peak resident memory (`/proc/self/status`, with the peak reset after the input is
//! built) and the time the operation takes, and the parent checks both against generous
//! bounds relative to the input size: memory at most [`MEMORY_FACTOR`] (or the case's own
//! factor) times the input plus
//! [`MEMORY_SLACK`], time at most [`TIME_PER_BYTE`] per input byte plus [`TIME_SLACK`].
//! Quadratic behaviour (one copy of the input per level of nesting, indentation growing with
//! depth) exceeds them by far; no bound is tight enough to be flaky.
#![cfg(all(feature = "text", feature = "json"))]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use protoforge::descriptor::FileDescriptorProto;
use protoforge::json;
use protoforge::reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, Value};
use protoforge::text::{self, PrintOptions};
use protoforge::{Message, UnknownFields};

const P3: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";
const ANY_URL: &str = "type.googleapis.com/google.protobuf.Any";
const P3_URL: &str = "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3";

/// Field numbers of `TestAllTypesProto3`.
const OPTIONAL_INT32: u32 = 1;
const OPTIONAL_BYTES: u32 = 15;
const OPTIONAL_ANY: u32 = 305;
const RECURSIVE_MESSAGE: u32 = 27;
const REPEATED_INT32: u32 = 31;
const MAP_STRING_STRING: u32 = 69;

const P2: &str = "protobuf_test_messages.proto2.TestAllTypesProto2";
/// Field numbers of `TestAllTypesProto2`: strings whose UTF-8 proto2 does not verify, a
/// member of the same oneof as one of them, and a number the message does not define.
const P2_OPTIONAL_STRING: u32 = 14;
const P2_ONEOF_UINT32: u32 = 111;
const P2_ONEOF_STRING: u32 = 113;
const P2_UNKNOWN: u32 = 16;
/// Field numbers of `FileDescriptorProto` (generated code, proto2): `name`, and a number the
/// message does not define.
const FILE_NAME: u32 = 1;
const FILE_UNKNOWN: u32 = 13;

/// Peak memory a case may use by default: this many times its input, plus [`MEMORY_SLACK`].
const MEMORY_FACTOR: u64 = 12;
const MEMORY_SLACK: u64 = 32 << 20;
/// Peak memory of the cases of many small unknown fields: each 2-byte field (half of the
/// input) decodes to a 40-byte entry, in a list that may have room for twice as many.
const UNKNOWN_FIELDS_MEMORY_FACTOR: u64 = 32;
/// Time a case may take: this much per input byte, plus [`TIME_SLACK`].
const TIME_PER_BYTE: Duration = Duration::from_micros(20);
const TIME_SLACK: Duration = Duration::from_secs(10);
/// The input size of each generated case.
const CASE_SIZE: usize = 2 << 20;

fn pool() -> DescriptorPool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reflect_test_messages.pb");
    let bytes = std::fs::read(&path).expect("read test descriptors");
    DescriptorPool::decode(&bytes).expect("protoc's descriptor set builds a pool")
}

fn proto3() -> MessageDescriptor {
    pool().get_message_by_name(P3).expect("TestAllTypesProto3")
}

fn proto2() -> MessageDescriptor {
    pool().get_message_by_name(P2).expect("TestAllTypesProto2")
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn varint_len(v: u64) -> usize {
    let mut buf = Vec::new();
    varint(v, &mut buf);
    buf.len()
}

/// The header of a length-delimited field: tag and length.
fn ld_header(number: u32, len: usize, out: &mut Vec<u8>) {
    varint(u64::from(number << 3 | 2), out);
    varint(len as u64, out);
}

/// A length-delimited field holding `body`.
fn ld(number: u32, body: &[u8], out: &mut Vec<u8>) {
    ld_header(number, body.len(), out);
    out.extend_from_slice(body);
}

/// The encoded `Any` of `url` holding `value`.
fn any(url: &str, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ld(1, url.as_bytes(), &mut out);
    ld(2, value, &mut out);
    out
}

/// A `TestAllTypesProto3` whose `optional_any` holds `depth` `Any`s, each holding the next,
/// the last holding `innermost` (an encoded `TestAllTypesProto3`). Built in linear time: every
/// level is a header followed by the next level, so the headers are written outside in.
fn any_chain(depth: usize, innermost: &[u8]) -> Vec<u8> {
    // Sizes from the inside out: level `depth - 1` holds `innermost` under the message URL.
    let mut sizes = vec![0usize; depth + 1];
    sizes[depth] = innermost.len();
    for level in (0..depth).rev() {
        let url = if level + 1 == depth { P3_URL } else { ANY_URL };
        let url_field = 1 + varint_len(url.len() as u64) + url.len();
        sizes[level] = url_field + 1 + varint_len(sizes[level + 1] as u64) + sizes[level + 1];
    }
    let mut out = Vec::with_capacity(sizes[0] + 8);
    ld_header(OPTIONAL_ANY, sizes[0], &mut out);
    for level in 0..depth {
        let url = if level + 1 == depth { P3_URL } else { ANY_URL };
        ld(1, url.as_bytes(), &mut out);
        ld_header(2, sizes[level + 1], &mut out);
    }
    out.extend_from_slice(innermost);
    out
}

/// `optional_int32: 7`, encoded.
fn seven() -> Vec<u8> {
    vec![(OPTIONAL_INT32 << 3) as u8, 7]
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn text_print_expands_anys_up_to_the_recursion_limit() {
    let bytes = any_chain(300, &seven());
    let msg = DynamicMessage::decode(proto3(), &bytes).unwrap();
    let out = text::print(&msg);
    // `optional_any` opens level 1; Anys met at levels 1 to 99 are expanded, the one at
    // level 100 is printed as its fields, its payload escaped.
    assert_eq!(count(&out, &format!("[{ANY_URL}] {{")), 99);
    assert_eq!(count(&out, "type_url: "), 1);
    assert_eq!(count(&out, "value: \""), 1);
    assert!(!out.contains("optional_int32"));
    // The output holds 100 levels of braces: exactly what the parser accepts, and it reads
    // back as the same message.
    let back = text::parse(proto3(), &out).unwrap();
    assert_eq!(back.encode_to_vec(), bytes);
    let one_line = text::print_with(
        &msg,
        &PrintOptions {
            single_line: true,
            ..PrintOptions::new()
        },
    );
    assert_eq!(text::parse(proto3(), &one_line).unwrap(), back);

    // Within the limit, the chain is expanded all the way down.
    let msg = DynamicMessage::decode(proto3(), &any_chain(50, &seven())).unwrap();
    let out = text::print(&msg);
    assert_eq!(count(&out, &format!("[{ANY_URL}] {{")), 49);
    assert_eq!(count(&out, &format!("[{P3_URL}] {{")), 1);
    assert!(out.contains("optional_int32: 7\n"));
}

#[test]
fn text_print_of_an_unexpandable_nested_any_keeps_its_payload() {
    // Recorded from Python `protobuf`'s `text_format.MessageToString`.
    let inner = any("type.googleapis.com/no.such.Type", b"abc\x01");
    let middle = any(ANY_URL, &inner);
    let mut bytes = Vec::new();
    ld(OPTIONAL_ANY, &any(ANY_URL, &middle), &mut bytes);
    let msg = DynamicMessage::decode(proto3(), &bytes).unwrap();
    assert_eq!(
        text::print(&msg),
        "optional_any {\n  [type.googleapis.com/google.protobuf.Any] {\n    \
         [type.googleapis.com/google.protobuf.Any] {\n      \
         type_url: \"type.googleapis.com/no.such.Type\"\n      value: \"abc\\001\"\n    }\n  \
         }\n}\n"
    );
    // Printing twice gives the same text: the message itself is not changed.
    assert_eq!(text::print(&msg), text::print(&msg));
}

#[test]
fn json_any_chains_within_the_limit_round_trip_and_deeper_ones_fail() {
    let bytes = any_chain(40, &seven());
    let msg = DynamicMessage::decode(proto3(), &bytes).unwrap();
    let out = json::to_string(&msg).unwrap();
    assert_eq!(count(&out, &format!("\"@type\":\"{ANY_URL}\"")), 39);
    assert!(out.contains("\"optionalInt32\":7"));
    let back = json::from_str(proto3(), &out).unwrap();
    assert_eq!(back.encode_to_vec(), bytes);

    let msg = DynamicMessage::decode(proto3(), &any_chain(300, &seven())).unwrap();
    let err = json::to_string(&msg).unwrap_err();
    assert!(err.to_string().contains("depth"), "{err}");
}

#[test]
fn json_any_rejects_repeated_keys() {
    // Python `protobuf`'s `json_format.Parse` rejects both ("duplicate key").
    let err = json::from_str(
        proto3(),
        r#"{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Duration",
            "@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s"}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("repeated @type"), "{err}");
    let err = json::from_str(
        proto3(),
        &format!(
            r#"{{"optionalAny": {{"@type": "{P3_URL}", "optionalInt32": 1, "optionalInt32": 2}}}}"#
        ),
    )
    .unwrap_err();
    assert!(err.to_string().contains("more than once"), "{err}");
    // One of each is fine.
    let msg = json::from_str(
        proto3(),
        &format!(r#"{{"optionalAny": {{"optionalInt32": 1, "@type": "{P3_URL}"}}}}"#),
    )
    .unwrap();
    assert_eq!(
        json::to_string(&msg).unwrap(),
        format!(r#"{{"optionalAny":{{"@type":"{P3_URL}","optionalInt32":1}}}}"#)
    );
}

// ---- The generator of deep, wide and long inputs -------------------------------------------

/// One generated input and what to do with it (run in the child process).
struct Case {
    name: &'static str,
    /// Builds the input, about `size` bytes.
    build: fn(usize) -> Vec<u8>,
    /// Runs the operation on the input, panicking if it behaves wrongly.
    run: fn(&[u8]),
    /// Peak memory may be this many times the input, plus [`MEMORY_SLACK`].
    memory_factor: u64,
}

fn text_of(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("generated text is UTF-8")
}

/// Nesting that is enough to pass any limit and fill about `size` bytes at `per_level` each.
fn levels(size: usize, per_level: usize) -> usize {
    (size / per_level).max(1000)
}

/// `open` `depth` times, then `middle`, then `close` `depth` times.
fn nest(open: &str, middle: &str, close: &str, size: usize) -> Vec<u8> {
    let depth = levels(size, open.len() + close.len());
    let mut out = String::with_capacity(depth * (open.len() + close.len()) + middle.len());
    for _ in 0..depth {
        out.push_str(open);
    }
    out.push_str(middle);
    for _ in 0..depth {
        out.push_str(close);
    }
    out.into_bytes()
}

fn any_chain_of_size(size: usize) -> Vec<u8> {
    any_chain(levels(size, 2 * 4 + ANY_URL.len()), &seven())
}

fn long_bytes(size: usize) -> Vec<u8> {
    let value: Vec<u8> = (0..size).map(|i| (i * 7 % 256) as u8).collect();
    let mut out = Vec::new();
    ld(OPTIONAL_BYTES, &value, &mut out);
    out
}

fn wide(size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut packed = Vec::new();
    for i in 0..size / 8 {
        varint(i as u64 * 131, &mut packed);
    }
    ld(REPEATED_INT32, &packed, &mut out);
    let mut i = 0;
    while out.len() < size {
        let key = format!("key{i}");
        let value = format!("value {i}");
        let mut entry = Vec::new();
        ld(1, key.as_bytes(), &mut entry);
        ld(2, value.as_bytes(), &mut entry);
        ld(MAP_STRING_STRING, &entry, &mut out);
        i += 1;
    }
    out
}

/// About `4 * size` bytes: `first`, then unknown fields `unknown` (one-byte varints) for half
/// of them, then `occurrence` repeated to the end.
///
/// Decoding an occurrence of a singular `string` that proto2 does not verify, or of a member
/// of its oneof, drops an earlier occurrence kept raw in the unknown fields (`first`, not
/// UTF-8): an implementation that looks for it through every unknown field costs the number
/// of unknown fields times the number of occurrences. The input is four times the others so
/// that such a cost exceeds the time bound several times over, not just about reaches it.
fn after_unknown_fields(size: usize, first: &[u8], unknown: u32, occurrence: &[u8]) -> Vec<u8> {
    let size = 4 * size;
    let mut out = first.to_vec();
    while out.len() < size / 2 {
        varint(u64::from(unknown << 3), &mut out);
        out.push(1);
    }
    while out.len() + occurrence.len() <= size {
        out.extend_from_slice(occurrence);
    }
    out
}

/// A string field `number` holding `value`, encoded.
fn string_field(number: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ld(number, value, &mut out);
    out
}

/// Whether every unknown field is `number`: the raw occurrence written first was dropped.
fn only(unknown: &UnknownFields, number: u32) -> bool {
    !unknown.is_empty() && unknown.iter().all(|f| f.number == number)
}

/// Decodes, prints and parses back in both formats; all must agree.
fn round_trip_everywhere(bytes: &[u8]) {
    let msg = DynamicMessage::decode(proto3(), bytes).unwrap();
    let text_out = text::print(&msg);
    assert_eq!(text::parse(proto3(), &text_out).unwrap(), msg);
    let json_out = json::to_string(&msg).unwrap();
    assert_eq!(json::from_str(proto3(), &json_out).unwrap(), msg);
    assert_eq!(
        DynamicMessage::decode(proto3(), &msg.encode_to_vec()).unwrap(),
        msg
    );
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "any_chain_text_print",
            build: any_chain_of_size,
            run: |bytes| {
                let msg = DynamicMessage::decode(proto3(), bytes).unwrap();
                let out = text::print(&msg);
                assert_eq!(count(&out, &format!("[{ANY_URL}] {{")), 99);
                assert!(out.len() < 5 * bytes.len());
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "any_chain_json_print",
            build: any_chain_of_size,
            run: |bytes| {
                let msg = DynamicMessage::decode(proto3(), bytes).unwrap();
                let err = json::to_string(&msg).unwrap_err();
                assert!(err.to_string().contains("depth"), "{err}");
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "any_chain_text_parse",
            build: |size| nest(&format!("[{ANY_URL}] {{ "), "", "} ", size),
            run: |bytes| {
                let input = [b"optional_any { ", bytes, b"}"].concat();
                let err = text::parse(proto3(), &input).unwrap_err();
                assert!(err.message().contains("too deep"), "{err}");
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "any_chain_json_parse",
            build: |size| {
                nest(
                    &format!(r#"{{"@type":"{ANY_URL}","value":"#),
                    "{}",
                    "}",
                    size,
                )
            },
            run: |bytes| {
                let input = format!(r#"{{"optionalAny":{}}}"#, text_of(bytes));
                let err = json::from_str(proto3(), &input).unwrap_err().to_string();
                assert!(err.contains("depth") || err.contains("recursion"), "{err}");
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "deep_wire_decode",
            build: |size| {
                // Every level is a header followed by the next level: write them outside in.
                let depth = levels(size, 4);
                let mut sizes = vec![0usize; depth + 1];
                let tag_len = varint_len(u64::from(RECURSIVE_MESSAGE << 3 | 2));
                for level in (0..depth).rev() {
                    sizes[level] = tag_len + varint_len(sizes[level + 1] as u64) + sizes[level + 1];
                }
                let mut out = Vec::with_capacity(sizes[0]);
                for size in &sizes[1..] {
                    ld_header(RECURSIVE_MESSAGE, *size, &mut out);
                }
                out
            },
            run: |bytes| {
                let err = DynamicMessage::decode(proto3(), bytes).unwrap_err();
                assert!(err.to_string().contains("recursion"), "{err}");
                assert!(text::print_unknown(bytes).is_ok());
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "deep_text_parse",
            build: |size| nest("recursive_message { ", "", "} ", size),
            run: |bytes| {
                let err = text::parse(proto3(), bytes).unwrap_err();
                assert!(err.message().contains("too deep"), "{err}");
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "deep_json_parse",
            build: |size| nest(r#"{"recursiveMessage":"#, "{}", "}", size),
            run: |bytes| {
                assert!(json::from_str(proto3(), text_of(bytes)).is_err());
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "long_bytes",
            build: long_bytes,
            run: round_trip_everywhere,
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "long_text_string",
            build: |size| {
                let unit: &[u8] = b"ab\\n\\\"\\x41\\303\\251 ";
                let mut out = b"optional_string: \"".to_vec();
                out.extend(unit.repeat(size / unit.len()));
                out.extend_from_slice(b"\"");
                out
            },
            run: |bytes| {
                let msg = text::parse(proto3(), bytes).unwrap();
                assert_eq!(text::parse(proto3(), text::print(&msg)).unwrap(), msg);
            },
            memory_factor: MEMORY_FACTOR,
        },
        Case {
            name: "wide_fields",
            build: wide,
            run: round_trip_everywhere,
            // A `DynamicMessage` keeps each repeated scalar as a several-word `Value` and each map
            // entry in a hash map: some 15 bytes per input byte, and the case holds the
            // decoded message, its text and JSON forms and both parsed back.
            memory_factor: 48,
        },
        Case {
            name: "unverified_string_after_unknown_fields_generated",
            build: |size| {
                let invalid = string_field(FILE_NAME, b"\xff");
                let valid = string_field(FILE_NAME, b"a");
                after_unknown_fields(
                    size,
                    &invalid,
                    FILE_UNKNOWN,
                    &[&invalid[..], &valid].concat(),
                )
            },
            run: |bytes| {
                let file = FileDescriptorProto::decode(bytes).unwrap();
                assert_eq!(file.name.as_deref(), Some("a"));
                assert!(only(&file.unknown_fields, FILE_UNKNOWN));
            },
            memory_factor: UNKNOWN_FIELDS_MEMORY_FACTOR,
        },
        Case {
            name: "unverified_string_after_unknown_fields_dynamic",
            build: |size| {
                let invalid = string_field(P2_OPTIONAL_STRING, b"\xff");
                let valid = string_field(P2_OPTIONAL_STRING, b"a");
                after_unknown_fields(size, &invalid, P2_UNKNOWN, &[&invalid[..], &valid].concat())
            },
            run: |bytes| {
                let msg = DynamicMessage::decode(proto2(), bytes).unwrap();
                let value = msg.get_field_by_name("optional_string").unwrap();
                assert_eq!(*value, Value::String("a".into()));
                assert!(only(msg.unknown_fields(), P2_UNKNOWN));
            },
            memory_factor: UNKNOWN_FIELDS_MEMORY_FACTOR,
        },
        Case {
            name: "oneof_member_after_unknown_fields_dynamic",
            build: |size| {
                let invalid = string_field(P2_ONEOF_STRING, b"\xff");
                let mut member = Vec::new();
                varint(u64::from(P2_ONEOF_UINT32 << 3), &mut member);
                member.push(1);
                after_unknown_fields(size, &invalid, P2_UNKNOWN, &member)
            },
            run: |bytes| {
                let msg = DynamicMessage::decode(proto2(), bytes).unwrap();
                let value = msg.get_field_by_name("oneof_uint32").unwrap();
                assert_eq!(*value, Value::U32(1));
                assert!(only(msg.unknown_fields(), P2_UNKNOWN));
            },
            memory_factor: UNKNOWN_FIELDS_MEMORY_FACTOR,
        },
    ]
}

/// Kilobytes of `key` in `/proc/self/status`.
fn status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The child side: runs the case named by `HOSTILE_CASE`, then reports on one line.
#[test]
fn generated_case_child() {
    let Ok(name) = std::env::var("HOSTILE_CASE") else {
        return;
    };
    let case = cases()
        .into_iter()
        .find(|c| c.name == name)
        .expect("a known case");
    let input = (case.build)(CASE_SIZE);
    // Touch the descriptors once so that building the pool is not measured.
    drop(proto3());
    let before = status_kb("VmRSS:").expect("VmRSS");
    // Writing 5 resets the peak (VmHWM) to the current resident size.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let start = Instant::now();
    (case.run)(&input);
    let elapsed = start.elapsed();
    let peak = status_kb("VmHWM:").expect("VmHWM");
    println!(
        "hostile-result input={} extra_kb={} micros={}",
        input.len(),
        peak.saturating_sub(before),
        elapsed.as_micros()
    );
}

#[test]
fn generated_inputs_stay_linear() {
    if status_kb("VmHWM:").is_none() || std::fs::write("/proc/self/clear_refs", "5").is_err() {
        eprintln!("skipped: needs Linux's /proc/self/status and clear_refs");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut failures = Vec::new();
    for case in cases() {
        let output = Command::new(&exe)
            .args([
                "generated_case_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("HOSTILE_CASE", case.name)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.find("hostile-result ").map(|at| &l[at..]));
        let Some(line) = line else {
            failures.push(format!(
                "{}: child failed ({}):\n{}{}",
                case.name,
                output.status,
                stdout,
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        };
        let field = |key: &str| -> u64 {
            line.split(' ')
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or(u64::MAX)
        };
        let (input, extra, micros) = (
            field("input"),
            field("extra_kb").saturating_mul(1024),
            field("micros"),
        );
        let memory_bound = case.memory_factor * input + MEMORY_SLACK;
        let time_bound = TIME_PER_BYTE * input as u32 + TIME_SLACK;
        eprintln!(
            "{}: input {input} B, peak +{} KiB, {} ms",
            case.name,
            extra / 1024,
            micros / 1000
        );
        if extra > memory_bound {
            failures.push(format!(
                "{}: peak memory grew by {extra} B for {input} B of input (bound {memory_bound})",
                case.name
            ));
        }
        if u128::from(micros) > time_bound.as_micros() {
            failures.push(format!(
                "{}: took {micros} µs for {input} B of input (bound {time_bound:?})",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
