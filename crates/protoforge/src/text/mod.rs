//! Protobuf text format: printing and parsing messages the way protoc does.
//!
//! This module owns the text format for [`DynamicMessage`]s: [`print()`] writes what protoc's
//! `TextFormat::Printer` writes (and `protoc --decode` prints), [`parse`] and [`merge`] read
//! what protoc's `TextFormat::Parser` reads, with protoc's error texts and positions, and
//! [`print_unknown`] is `protoc --decode_raw`. It is built on [`crate::reflect`] only and must
//! not know about `.proto` source or JSON.
//!
//! What the format covers: field names, `[ext.name]` extensions, group fields by their type
//! name, maps as repeated `key`/`value` entries sorted by key, enums by name (or number when
//! the value is unknown), `[type.googleapis.com/pkg.T] { ... }` expansion of
//! `google.protobuf.Any`, and unknown fields by number. The parser also takes `#` comments,
//! `{}` or `<>` around messages with an optional `:` before them, `[a, b]` lists, `;` or `,`
//! after a field, adjacent string literals (concatenated), octal, hex and `\u` escapes,
//! `inf`/`nan`/`1f`/`.5` floats, hex, octal and negative integers. Messages nested deeper than
//! 100 levels are an error (an expanded `Any` counts as a level). Bad input is an error, never
//! a panic. The printer expands an `Any` only at nesting depths below 100 and prints deeper
//! ones as their `type_url` and `value` fields (protoc expands without limit), so output and
//! memory stay linear in the input however deeply `Any`s nest.
//!
//! Three deliberate differences from protoc, all required by the conformance suite: a
//! `string` field must hold valid UTF-8 (protoc accepts any bytes), `\u`/`\U` escapes of
//! surrogates or values above U+10FFFF are errors, and nesting is limited to 100 levels
//! (protoc's default is unlimited). Missing required fields are not an error (protoc's
//! `AllowPartialMessage`), matching [`DynamicMessage::decode`].
//!
//! ```
//! use protoforge::Message;
//! use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
//! use protoforge::descriptor::{FileDescriptorSet, field_descriptor_proto::{Label, Type}};
//! use protoforge::reflect::DescriptorPool;
//!
//! let field = FieldDescriptorProto {
//!     name: Some("name".into()),
//!     number: Some(1),
//!     label: Some(Label::Optional),
//!     r#type: Some(Type::String),
//!     ..Default::default()
//! };
//! let message = DescriptorProto {
//!     name: Some("Person".into()),
//!     field: vec![field],
//!     ..Default::default()
//! };
//! let file = FileDescriptorProto {
//!     name: Some("person.proto".into()),
//!     message_type: vec![message],
//!     ..Default::default()
//! };
//! let set = FileDescriptorSet { file: vec![file], ..Default::default() };
//! let pool = DescriptorPool::decode(&set.encode_to_vec()).unwrap();
//! let person = pool.get_message_by_name("Person").unwrap();
//!
//! let msg = protoforge::text::parse(person, "name: 'Ada' # a comment").unwrap();
//! assert_eq!(protoforge::text::print(&msg), "name: \"Ada\"\n");
//!
//! let err = protoforge::text::parse(msg.descriptor(), "age: 36").unwrap_err();
//! assert_eq!(err.to_string(), "1:4: Message type \"Person\" has no field named \"age\".");
//! ```

mod escape;
mod field;
mod parse;
mod print;
mod tokenizer;

use core::fmt;

use crate::reflect::{DynamicMessage, MessageDescriptor};

/// How [`print_with`] lays out a message.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// Everything on one line, fields separated by single spaces (like protoc's
    /// `ShortDebugString`); otherwise one field per line, nested messages indented by two
    /// spaces.
    pub single_line: bool,
    /// Leave out unknown fields (protoc's `SetHideUnknownFields`).
    pub skip_unknown_fields: bool,
    /// Print a `google.protobuf.Any` whose type is in the pool as
    /// `[type.googleapis.com/pkg.T] { ... }` instead of its `type_url` and `value` fields.
    /// [`PrintOptions::new`] turns this on; `Default` leaves it off, like protoc's `Printer`.
    /// An `Any` met at a nesting depth of 100 or more is printed as its fields regardless.
    pub expand_any: bool,
}

impl PrintOptions {
    /// Multi-line output, unknown fields printed, `Any` expanded (protoc's `DebugString`).
    pub fn new() -> Self {
        PrintOptions {
            single_line: false,
            skip_unknown_fields: false,
            expand_any: true,
        }
    }
}

/// Prints `msg` in text format with [`PrintOptions::new`]: protoc's `DebugString`.
pub fn print(msg: &DynamicMessage) -> String {
    print_with(msg, &PrintOptions::new())
}

/// Prints `msg` in text format as `options` say. `PrintOptions::default()` gives exactly the
/// output of protoc's `TextFormat::Print`, which is what `protoc --decode` writes.
pub fn print_with(msg: &DynamicMessage, options: &PrintOptions) -> String {
    print::print_message_to_string(msg, options)
}

/// Parses `input` as a text-format message of type `desc`.
///
/// The input is text (`&str`) or raw bytes (`&[u8]`): like protoc, the parser works on
/// bytes, so string literals may hold bytes that are not UTF-8 (fine for `bytes` fields; a
/// `string` field must still get valid UTF-8). A non-repeated field (or a second member of
/// a oneof) given twice is an error, as in protoc's `TextFormat::Parse`.
pub fn parse(
    desc: MessageDescriptor,
    input: impl AsRef<[u8]>,
) -> Result<DynamicMessage, ParseError> {
    parse_with_warnings(desc, input).map(|(msg, _)| msg)
}

/// Like [`parse`], and also returns the warnings protoc would report on success (such as
/// the use of a deprecated field), each with its position.
pub fn parse_with_warnings(
    desc: MessageDescriptor,
    input: impl AsRef<[u8]>,
) -> Result<(DynamicMessage, Vec<Diagnostic>), ParseError> {
    let mut msg = DynamicMessage::new(desc);
    let warnings = parse::parse_into(&mut msg, input.as_ref(), true)?;
    Ok((msg, warnings))
}

/// Parses `input` as text format into `msg`, keeping what is there: a non-repeated field
/// given again overwrites the earlier value (protoc's `TextFormat::Merge`).
pub fn merge(msg: &mut DynamicMessage, input: impl AsRef<[u8]>) -> Result<(), ParseError> {
    parse::parse_into(msg, input.as_ref(), false).map(|_| ())
}

/// Prints the fields of an encoded message by number, like `protoc --decode_raw`: varints
/// in decimal, fixed-width values in hex, length-delimited values as nested messages when
/// they decode as one, else as escaped strings; groups as nested messages.
pub fn print_unknown(bytes: &[u8]) -> Result<String, crate::DecodeError> {
    print::print_raw(bytes)
}

/// One error or warning found while parsing text format, at a 1-based line and column
/// (protoc counts a tab as advancing to the next multiple of 8 columns and every other byte
/// as one column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// protoc's wording (input bytes it quotes that are not UTF-8 replaced by U+FFFD; see
    /// [`message_bytes`](Diagnostic::message_bytes)).
    pub message: String,
    /// A warning (protoc prints `warning: ` before it) rather than an error.
    pub is_warning: bool,
    raw_message: Vec<u8>,
}

impl Diagnostic {
    /// The message exactly as protoc writes it: input tokens it quotes (such as the `X` of
    /// `Expected identifier, got: X`) are the input's bytes, UTF-8 or not.
    pub fn message_bytes(&self) -> &[u8] {
        &self.raw_message
    }

    /// The whole line protoc prints for this diagnostic after its file name: `LINE:COL: `,
    /// `warning: ` for warnings, then [`message_bytes`](Diagnostic::message_bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let warning = if self.is_warning { "warning: " } else { "" };
        let mut out = format!("{}:{}: {warning}", self.line, self.column).into_bytes();
        out.extend_from_slice(&self.raw_message);
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_warning {
            write!(
                f,
                "{}:{}: warning: {}",
                self.line, self.column, self.message
            )
        } else {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        }
    }
}

/// Why text-format input could not be parsed: the first error, plus everything protoc
/// would have reported along the way (tokenizer errors do not stop parsing, so there can be
/// several).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    first: usize,
    diagnostics: Vec<Diagnostic>,
}

impl ParseError {
    fn new(diagnostics: Vec<Diagnostic>) -> Self {
        let first = diagnostics.iter().position(|d| !d.is_warning).unwrap_or(0);
        ParseError { first, diagnostics }
    }

    fn first(&self) -> Option<&Diagnostic> {
        self.diagnostics.get(self.first)
    }

    /// 1-based line of the first error.
    pub fn line(&self) -> usize {
        self.first().map_or(1, |d| d.line)
    }

    /// 1-based column of the first error.
    pub fn column(&self) -> usize {
        self.first().map_or(1, |d| d.column)
    }

    /// The first error's message, in protoc's words.
    pub fn message(&self) -> &str {
        self.first().map_or("parse error", |d| d.message.as_str())
    }

    /// Every error and warning, in the order protoc reports them.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line(), self.column(), self.message())
    }
}

impl std::error::Error for ParseError {}
