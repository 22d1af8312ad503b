//! `protoforge-parse`: `.proto` source text in, a typed syntax tree and diagnostics out.
//!
//! This crate owns the lexer, the grammar, the [`ast`], source positions ([`Span`],
//! [`SourceMap`]) and the one [`Diagnostic`] type the whole compiler reports with. It knows
//! nothing of descriptors, imports or name resolution: those belong to `protoforge-compile`.
//! Parsing never fails outright; it returns whatever tree it could build together with every
//! problem it found.

pub mod ast;
mod checks;
mod comments;
mod diagnostic;
mod lexer;
mod parser;
mod scan;
mod span;

pub use diagnostic::{Diagnostic, ErrorFormat, Label, Severity, render_diagnostic};
pub use span::{FileId, LineCol, LineIndex, SourceFile, SourceMap, Span};

/// Parses one file's text. `file` is the id the spans in the result will carry.
///
/// Returns the tree (absent only when nothing could be recovered) and every diagnostic,
/// errors and warnings, in source order.
pub fn parse_file(file: FileId, source: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    parser::parse_file(file, source, true)
}

/// [`parse_file`] without attaching comments: every [`ast::Comments`] in the tree is empty.
/// Comments only feed source info, so a compilation that writes none can skip the work of
/// splitting them out of the text; the tree and the diagnostics are otherwise the same.
pub fn parse_file_without_comments(
    file: FileId,
    source: &str,
) -> (Option<ast::File>, Vec<Diagnostic>) {
    parser::parse_file(file, source, false)
}

/// Parses `source`, named `file_name`, as a standalone file.
///
/// Returns the tree, the diagnostics and the [`SourceMap`] holding the file, so the
/// diagnostics can be rendered.
pub fn parse(file_name: &str, source: &str) -> (Option<ast::File>, Vec<Diagnostic>, SourceMap) {
    let mut map = SourceMap::new();
    let id = map.add(file_name, source);
    let (file, diags) = parse_file(id, source);
    (file, diags, map)
}
