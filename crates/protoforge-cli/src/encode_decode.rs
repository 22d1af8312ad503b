//! `--encode=TYPE`, `--decode=TYPE` and `--decode_raw`: text format to binary and back on
//! stdin/stdout, with protoc's outputs and error texts. The conversions themselves are
//! `protoforge::text`; this module adds protoc's framing: `Type not defined: X`, parse
//! errors as `input:LINE:COL: message` followed by `Failed to parse input.`, and the warning
//! about missing required fields (printed to stderr, not fatal).

use std::io::{Read, Write};

use protoforge::descriptor::FileDescriptorSet;
use protoforge::reflect::{Cardinality, DescriptorPool, DynamicMessage, Value};

/// Which conversion to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Text format of the named message type on stdin, binary on stdout.
    Encode(String),
    /// Binary of the named message type on stdin, text format on stdout.
    Decode(String),
    /// Binary of any message on stdin, its fields by number on stdout.
    DecodeRaw,
}

const FAILED_TO_PARSE: &str = "Failed to parse input.";

/// Reads stdin, writes stdout like protoc; pool = descriptors of the compiled files (+imports).
///
/// An `Err` holds protoc's complete stderr text (possibly several lines); warnings that do
/// not fail the run (missing required fields, deprecated fields in text input) are written to
/// stderr directly, as protoc does.
pub fn run(
    mode: &Mode,
    pool_set: &FileDescriptorSet,
    input: &mut dyn Read,
    output: &mut dyn Write,
) -> Result<(), String> {
    let bytes = protoforge_compile::resolve::read_limited(
        input,
        protoforge_compile::resolve::MAX_MESSAGE_SIZE,
    )
    .map_err(|e| format!("input: {e}"))?;
    let out = match mode {
        Mode::DecodeRaw => protoforge::text::print_unknown(&bytes)
            .map_err(|_| FAILED_TO_PARSE.to_owned())?
            .into_bytes(),
        Mode::Encode(type_name) | Mode::Decode(type_name) => {
            let pool = DescriptorPool::from_file_descriptor_set(pool_set.clone())
                .map_err(|e| e.to_string())?;
            let desc = pool
                .get_message_by_name(type_name)
                .ok_or_else(|| format!("Type not defined: {type_name}"))?;
            let msg = if matches!(mode, Mode::Encode(_)) {
                parse_text(desc, &bytes)?
            } else {
                DynamicMessage::decode(desc, &bytes).map_err(|_| FAILED_TO_PARSE.to_owned())?
            };
            if !msg.is_initialized() {
                let mut missing = Vec::new();
                find_missing_required(&msg, "", &mut missing);
                eprintln!(
                    "warning:  Input message is missing required fields:  {}",
                    missing.join(", ")
                );
            }
            if matches!(mode, Mode::Encode(_)) {
                msg.encode_to_vec()
            } else {
                protoforge::text::print_with(&msg, &protoforge::text::PrintOptions::default())
                    .into_bytes()
            }
        }
    };
    output
        .write_all(&out)
        .and_then(|()| output.flush())
        .map_err(|_| "output: I/O error.".to_owned())
}

/// Parses text-format input, reporting problems as protoc's `ErrorPrinter` does. The input
/// is bytes, as protoc reads it: string literals may hold any bytes (for `bytes` fields), and
/// protoc quotes offending input bytes in its messages as they are, so diagnostics are
/// written to stderr here, byte for byte, and the `Err` is empty.
fn parse_text(
    desc: protoforge::reflect::MessageDescriptor,
    bytes: &[u8],
) -> Result<DynamicMessage, String> {
    let mut stderr = std::io::stderr().lock();
    let mut report = |diagnostic: &protoforge::text::Diagnostic| {
        let mut line = b"input:".to_vec();
        line.extend(diagnostic.to_bytes());
        line.push(b'\n');
        let _ = stderr.write_all(&line);
    };
    match protoforge::text::parse_with_warnings(desc, bytes) {
        Ok((msg, warnings)) => {
            warnings.iter().for_each(&mut report);
            Ok(msg)
        }
        Err(error) => {
            error.diagnostics().iter().for_each(&mut report);
            let _ = writeln!(stderr, "{FAILED_TO_PARSE}");
            let _ = stderr.flush();
            Err(String::new())
        }
    }
}

/// protoc's `FindInitializationErrors`: the paths of unset required fields, this message's
/// first (in declaration order), then those inside set message fields (in number order).
fn find_missing_required(msg: &DynamicMessage, prefix: &str, out: &mut Vec<String>) {
    let desc = msg.descriptor();
    for field in desc.fields() {
        if field.cardinality() == Cardinality::Required && !msg.has_field(&field) {
            out.push(format!("{prefix}{}", field.name()));
        }
    }
    let mut subs: Vec<(u32, String, &Value)> = msg
        .fields()
        .map(|(f, v)| (f.number(), f.name().to_owned(), v))
        .chain(
            msg.extensions()
                .map(|(e, v)| (e.number(), format!("({})", e.full_name()), v)),
        )
        .collect();
    subs.sort_by_key(|(number, _, _)| *number);
    for (_, name, value) in subs {
        match value {
            Value::Message(sub) => find_missing_required(sub, &format!("{prefix}{name}."), out),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Message(sub) = item {
                        find_missing_required(sub, &format!("{prefix}{name}[{i}]."), out);
                    }
                }
            }
            Value::Map(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (i, (_, item)) in entries.into_iter().enumerate() {
                    if let Value::Message(sub) = item {
                        find_missing_required(sub, &format!("{prefix}{name}[{i}].value."), out);
                    }
                }
            }
            _ => {}
        }
    }
}
