//! Lowering: one parsed file (`ast::File`) to the `FileDescriptorProto` protoc's parser builds
//! for it, before any linking.
//!
//! Type names stay as written, every option except `default` and `json_name` becomes an
//! `UninterpretedOption`, map fields get their entry messages, groups their nested types, and
//! proto3 `optional` fields their synthetic oneofs. `source_code_info` is filled on request, with
//! locations in protoc's order (an element before its parts, parts in source order), protoc's
//! spans and comments, and options at their pre-interpretation paths `[.., OPTIONS, 999, i]`.
//! A [`SpanMap`] records the same paths for later passes. Rules protoc's parser enforces that
//! the grammar accepts (labels, field number ranges, defaults, editions keywords...) are
//! reported here, at the line and column protoc reports.
//!
//! One `Lowerer` walks the tree; its methods live beside what they lower: `file`, `messages`
//! (with oneofs and `extend`), `fields`, `ranges` (`extensions` and `reserved`), `enums`,
//! `services` and `options`, while `locations` records each element's location and span.

mod diagnostics;
mod enums;
mod fields;
mod file;
mod format;
mod locations;
mod messages;
mod options;
mod ranges;
mod services;
#[cfg(test)]
mod tests;

use protoforge::descriptor::{
    DescriptorProto, Edition, FileDescriptorProto, SourceCodeInfo, source_code_info::Location,
};
use protoforge_parse::{Diagnostic, LineIndex, Span, ast};

use crate::span_map::SpanMap;
use diagnostics as diag;

/// What lowering one file produced.
pub(crate) struct Lowered {
    /// The unlinked descriptor, with `source_code_info` filled when asked for.
    pub(crate) file: FileDescriptorProto,
    /// Descriptor path -> span, for error reporting by later passes.
    pub(crate) spans: SpanMap,
    /// Problems found, in the order protoc would report them.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Lowers `ast` (parsed from `text`) to the descriptor of the file named `name`. With
/// `keep_locations` false, `source_code_info` is left out, which saves most of lowering's work
/// and memory when the output has no source info. With `keep_spans` false, the span map stays
/// empty: later passes then find no span for anything, which is only right when they have
/// nothing to report (the compiler redoes such a compilation with spans when they do).
pub(crate) fn lower(
    name: &str,
    ast: &ast::File,
    text: &str,
    keep_locations: bool,
    keep_spans: bool,
) -> Lowered {
    // A statement ending in `;` has about five paths (a field: itself, label, type, name,
    // number), a `{` about two (a message: itself, its name). Sizing the span map from these
    // counts, not from the length of the text (much of it comments), avoids both regrowing it
    // and shrinking a table far too large at the end.
    let [semis, braces, equals] = count_bytes(text, [b';', b'{', b'=']);
    let spans_estimate = 5 * semis + 2 * braces + 8;
    // Locations also include an option's name, name parts and value (six for one option, and
    // fields often have options): with `=` (one per field, enum value and option) counted as
    // five, the estimate covers all but one file of protobuf's own tree, by half again on
    // average. Spare capacity is cheap; regrowing copies every location made so far.
    let locations_estimate = 2 * semis + 2 * braces + 5 * equals + 8;
    let mut l = Lowerer {
        text,
        // Lowering without locations never reads it.
        lines: LineIndex::new(if keep_locations { text } else { "" }),
        line: 0,
        keep_locations,
        locations: if keep_locations {
            Vec::with_capacity(locations_estimate)
        } else {
            Vec::new()
        },
        keep_spans,
        spans: SpanMap::with_capacity(if keep_spans { spans_estimate } else { 0 }),
        diagnostics: Vec::new(),
        syntax: Syntax::Proto2,
        edition: None,
    };
    let mut file = FileDescriptorProto {
        name: Some(name.to_owned()),
        ..Default::default()
    };
    l.file(ast, &mut file);
    if keep_locations {
        file.source_code_info = Some(SourceCodeInfo {
            location: std::mem::take(&mut l.locations),
            ..Default::default()
        });
    }
    l.spans.shrink_to_fit();
    Lowered {
        file,
        spans: l.spans,
        diagnostics: l.diagnostics,
    }
}

/// How many times each of `wanted` occurs in `text`, in one pass. Counting each run of 255
/// bytes in `u8`s lets the compiler compare and add sixteen bytes at a time.
fn count_bytes<const N: usize>(text: &str, wanted: [u8; N]) -> [usize; N] {
    let mut total = [0; N];
    for run in text.as_bytes().chunks(255) {
        let mut counts = [0u8; N];
        for &b in run {
            for (n, &w) in counts.iter_mut().zip(&wanted) {
                *n += u8::from(b == w);
            }
        }
        for (t, n) in total.iter_mut().zip(counts) {
            *t += usize::from(n);
        }
    }
    total
}

/// The file's syntax, which changes labels, `optional`, groups and reserved names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Syntax {
    Proto2,
    Proto3,
    Editions,
}

struct Lowerer<'a> {
    text: &'a str,
    lines: LineIndex,
    /// The line of the last location's start, where the next line lookup begins.
    line: u32,
    /// Whether `locations` is filled (only when the output has source info).
    keep_locations: bool,
    locations: Vec<Location>,
    /// Whether `spans` is filled (not needed when no later pass reports anything).
    keep_spans: bool,
    spans: SpanMap,
    diagnostics: Vec<Diagnostic>,
    syntax: Syntax,
    edition: Option<Edition>,
}

/// Where the nested types made by groups and map fields go: the enclosing message's
/// `nested_type` or, for top-level `extend` blocks, the file's `message_type`.
struct TypeSink<'v, 'p> {
    types: &'v mut Vec<DescriptorProto>,
    /// Path of the element holding the vector (the message, or `[]` for the file).
    parent: &'p [i32],
    /// The vector's field number in that element (`NESTED_TYPE` or `MESSAGE_TYPE`).
    list: i32,
}

impl TypeSink<'_, '_> {
    /// The path the next type pushed will have.
    fn next_path(&self) -> Vec<i32> {
        join(self.parent, &[self.list, idx(self.types.len())])
    }
}

/// Which statement a field comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldContext {
    Message,
    Oneof(i32),
    Extend,
}

fn join(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + more.len());
    p.extend_from_slice(path);
    p.extend_from_slice(more);
    p
}

fn idx(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

impl Lowerer<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// The source text of `span`.
    fn text(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// True for files of edition 2024 or later.
    fn edition_at_least_2024(&self) -> bool {
        self.edition
            .is_some_and(|e| (e as i32) >= (Edition::Edition2024 as i32))
    }

    /// protoc's parser rejects a scalar keyword (or `group`) where only a message type can
    /// stand: extendees and method input and output types.
    fn check_message_type(&mut self, name: &ast::TypeName) {
        if let [part] = name.parts.as_slice()
            && !name.leading_dot
            && (ast::ScalarType::from_name(&part.name).is_some() || part.name == "group")
        {
            self.error(diag::expected_message_type(name.span));
        }
    }
}
