//! The one diagnostic type of the whole compiler, and its two renderers.
//!
//! A [`Diagnostic`] is plain data: a severity, a message, an optional primary span, up to
//! three secondary labels, notes and a help line. It renders in protoc's
//! `file:line:col: message` form ([`Diagnostic::render_protoc`]) and in a rustc-like form
//! with a source excerpt ([`Diagnostic::render_rich`]), and in protoc's MSVS form
//! ([`Diagnostic::render_msvs`]); [`render_diagnostic`] picks one by [`ErrorFormat`].
//! Positions are formatted only here.

use std::fmt::Write as _;

use crate::span::{SourceMap, Span};

/// How bad a diagnostic is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted, but something is probably wrong (protoc prints `warning:`).
    Warning,
}

/// A secondary location with a short message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there, lowercase, no trailing period.
    pub message: String,
}

/// A problem found in the input, with where it is and how to fix it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The headline.
    pub message: String,
    /// The smallest span that shows the problem, if the problem has a location.
    pub span: Option<Span>,
    /// For problems that belong to a file but to no position in it (protoc's
    /// `foo.proto: File not found.`): the file's name. Ignored when `span` is set.
    pub file_name: Option<String>,
    /// Secondary locations (at most three).
    pub labels: Vec<Label>,
    /// Extra facts, each one sentence.
    pub notes: Vec<String>,
    /// How to fix it, if we know.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            file_name: None,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// An error about a whole file, with no position (`name: message`).
    pub fn file_error(file_name: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span: None,
            file_name: Some(file_name.into()),
            ..Diagnostic::error(Span::default(), message)
        }
    }

    /// An error with no location at all.
    pub fn bare_error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span: None,
            ..Diagnostic::error(Span::default(), message)
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The one-line protoc form: `file:line:col: message` (1-based line and column, tabs
    /// counted as protoc counts them), `warning: ` before warnings' messages.
    pub fn render_protoc(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let prefix = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        match (self.span, &self.file_name) {
            (Some(span), _) => match sources.try_get(span.file) {
                Some(file) => {
                    let lc = file.line_col(span.start);
                    let _ = write!(
                        out,
                        "{}:{}:{}: {prefix}{}",
                        file.name(),
                        lc.line + 1,
                        lc.col + 1,
                        self.message
                    );
                }
                None => {
                    let _ = write!(out, "{prefix}{}", self.message);
                }
            },
            (None, Some(name)) => {
                let _ = write!(out, "{name}: {prefix}{}", self.message);
            }
            (None, None) => {
                let _ = write!(out, "{prefix}{}", self.message);
            }
        }
        out
    }

    /// The MSVS form protoc prints with `--error_format=msvs`: `file(line) : error in column=col: message`.
    pub fn render_msvs(&self, sources: &SourceMap) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match (self.span, &self.file_name) {
            (Some(span), _) if sources.try_get(span.file).is_some() => {
                let file = sources.get(span.file);
                let lc = file.line_col(span.start);
                format!(
                    "{}({}) : {kind} in column={}: {}",
                    file.name(),
                    lc.line + 1,
                    lc.col + 1,
                    self.message
                )
            }
            (_, Some(name)) => format!("{name}: {kind}: {}", self.message),
            _ => format!("{kind}: {}", self.message),
        }
    }

    /// A rustc-like multi-line form with the source line, a caret underline, labels, notes and
    /// help. With `color`, ANSI colours are used.
    pub fn render_rich(&self, sources: &SourceMap, color: bool) -> String {
        let (red, yellow, blue, bold, reset) = if color {
            ("\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "", "")
        };
        let (kind, kind_color) = match self.severity {
            Severity::Error => ("error", red),
            Severity::Warning => ("warning", yellow),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{bold}{kind_color}{kind}{reset}{bold}: {}{reset}",
            self.message
        );
        let mut spans: Vec<(Span, Option<&str>, bool)> = Vec::new();
        if let Some(span) = self.span {
            spans.push((span, None, true));
        } else if let Some(name) = &self.file_name {
            let _ = writeln!(out, "  {blue}-->{reset} {name}");
        }
        for label in &self.labels {
            spans.push((label.span, Some(label.message.as_str()), false));
        }
        for (i, (span, label, primary)) in spans.iter().enumerate() {
            let Some(file) = sources.try_get(span.file) else {
                continue;
            };
            let text = file.text();
            let lc = file.line_col(span.start);
            let line_no = (lc.line + 1).to_string();
            let gutter = " ".repeat(line_no.len());
            if i == 0 || !*primary {
                let _ = writeln!(
                    out,
                    "{gutter}{blue}-->{reset} {}:{}:{}",
                    file.name(),
                    lc.line + 1,
                    lc.col + 1
                );
            }
            let range = file.line_index().line_range(text, lc.line);
            let line_text = &text[range.clone()];
            // Underline from the span start to its end on the same line (at least one caret).
            let start_in_line = (span.start as usize).saturating_sub(range.start);
            let end_in_line = ((span.end as usize).min(range.end)).saturating_sub(range.start);
            let width = end_in_line.saturating_sub(start_in_line).max(1);
            let pad: String = line_text
                .bytes()
                .take(start_in_line)
                .map(|b| if b == b'\t' { '\t' } else { ' ' })
                .collect();
            let (mark, mark_color) = if *primary {
                ('^', kind_color)
            } else {
                ('-', blue)
            };
            let _ = writeln!(out, "{gutter} {blue}|{reset}");
            let _ = writeln!(out, "{blue}{line_no} |{reset} {line_text}");
            let _ = write!(
                out,
                "{gutter} {blue}|{reset} {pad}{mark_color}{}",
                mark.to_string().repeat(width)
            );
            if let Some(label) = label {
                let _ = write!(out, " {label}");
            }
            let _ = writeln!(out, "{reset}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "  {bold}= note{reset}: {note}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {bold}= help{reset}: {help}");
        }
        out
    }
}

/// How diagnostics are printed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ErrorFormat {
    /// protoc's default: `file:line:col: message`.
    #[default]
    Gcc,
    /// `file(line) : error in column=col: message`.
    Msvs,
    /// A rustc-like excerpt with carets, in colour when `color` is set.
    Pretty {
        /// Use ANSI colours.
        color: bool,
    },
}

/// Renders one diagnostic in `format` (one or more lines, no trailing newline for the
/// one-line forms).
pub fn render_diagnostic(d: &Diagnostic, sources: &SourceMap, format: ErrorFormat) -> String {
    match format {
        ErrorFormat::Gcc => d.render_protoc(sources),
        ErrorFormat::Msvs => d.render_msvs(sources),
        ErrorFormat::Pretty { color } => d.render_rich(sources, color),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn protoc_form_counts_tabs() {
        let mut map = SourceMap::new();
        let f = map.add("a.proto", "syntax = \"proto3\";\n\tmessage {}\n");
        // Real protoc 35.1 reports this very input as `tabt.proto:2:17: Expected message name.`
        let d = Diagnostic::error(Span::new(f, 28, 29), "expected message name");
        assert_eq!(d.render_protoc(&map), "a.proto:2:17: expected message name");
        assert_eq!(
            d.render_msvs(&map),
            "a.proto(2) : error in column=17: expected message name"
        );
    }

    #[test]
    fn file_level_and_warning_forms() {
        let map = SourceMap::new();
        let d = Diagnostic::file_error("x.proto", "File not found.");
        assert_eq!(d.render_protoc(&map), "x.proto: File not found.");
        let mut map = SourceMap::new();
        let f = map.add("b.proto", "import \"x.proto\";\n");
        let w = Diagnostic::warning(Span::new(f, 0, 17), "Import x.proto is unused.");
        assert_eq!(
            w.render_protoc(&map),
            "b.proto:1:1: warning: Import x.proto is unused."
        );
        assert_eq!(FileId(0), f);
    }

    #[test]
    fn rich_form_shows_excerpt_and_caret() {
        let mut map = SourceMap::new();
        let f = map.add("c.proto", "message Foo {\n  int32 x = 0;\n}\n");
        let d = Diagnostic::error(Span::new(f, 26, 27), "field numbers must be positive")
            .with_help("use a number from 1 to 536870911");
        let text = d.render_rich(&map, false);
        assert!(text.contains("--> c.proto:2:13"), "{text}");
        assert!(text.contains("2 |   int32 x = 0;"), "{text}");
        assert!(text.contains("            ^"), "{text}");
        assert!(text.contains("= help: use a number"), "{text}");
    }
}
