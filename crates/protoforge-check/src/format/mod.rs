//! `.proto` formatting with the output of `buf format` (buf 1.75): canonical statement order
//! (syntax, package, sorted imports, sorted file options, the rest as written), two-space
//! indentation, one statement per line, multi-entry option lists and message literals broken
//! one entry per line, and every comment and blank line kept where buf keeps it.
//!
//! A file that does not parse is refused with protoc-style diagnostics; nothing is printed
//! for it.

mod cst;
mod dom;
mod printer;
mod tokens;
mod trivia;

use protoforge_parse::{Diagnostic, FileId, SourceMap, Span};

/// Why a file could not be formatted: its diagnostics, rendered as `file:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// One line per error, in source order.
    pub messages: Vec<String>,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messages.join("\n"))
    }
}

impl std::error::Error for FormatError {}

/// Formats the text of one file, named `file_name` in error messages.
pub fn format_source(file_name: &str, text: &str) -> Result<String, FormatError> {
    // Only the verdict matters here: parse without splitting out comments.
    let mut map = SourceMap::new();
    let id = map.add(file_name, text);
    let (_, diags) = protoforge_parse::parse_file_without_comments(id, text);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render_protoc(&map))
        .collect();
    if !errors.is_empty() {
        return Err(FormatError { messages: errors });
    }
    let fail = |offset: usize, message: &str| {
        let file = map_error(&map, id, offset, message);
        FormatError {
            messages: vec![file],
        }
    };
    let tokens = tokens::Tokens::new(text).map_err(|(at, m)| fail(at, &m))?;
    let decls = cst::parse(&tokens).map_err(|at| fail(at, "cannot format this construct"))?;
    let trivia = trivia::Trivia::build(&tokens);
    Ok(printer::print_file(&tokens, &trivia, &decls))
}

/// Renders `message` at byte `offset` of file `id`.
fn map_error(map: &SourceMap, id: FileId, offset: usize, message: &str) -> String {
    let span = Span::new(id, offset as u32, offset as u32);
    Diagnostic::error(span, message).render_protoc(map)
}
