//! Line-by-line comparison of diagnostics in protoc's `file:line:col: message` form with the
//! stderr recorded from real protoc, and the list of intended differences a case folder's
//! README keeps. Shared by the error-corpus tests of protoforge-parse and protoforge-compile.

use std::collections::BTreeMap;

/// One diagnostic line: its file, its `line:col` when it has one, and its message.
#[derive(Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub file: &'a str,
    pub position: Option<(u32, u32)>,
    pub message: &'a str,
}

impl Line<'_> {
    fn is_warning(&self) -> bool {
        self.message.starts_with("warning:")
    }
}

/// Whether a line is protoc's logging rather than a diagnostic: abseil's "All log messages
/// before absl::InitializeLog()" banner and its `W0000 00:00:...` records.
fn is_log_line(line: &str) -> bool {
    if line.starts_with("WARNING: All log messages before absl::InitializeLog()") {
        return true;
    }
    let mut chars = line.chars();
    matches!(chars.next(), Some('I' | 'W' | 'E' | 'F'))
        && chars.by_ref().take(4).all(|c| c.is_ascii_digit())
        && chars.next() == Some(' ')
}

/// Splits `file:line:col: message` (or `file: message`) into its parts.
pub fn parse_line(line: &str) -> Line<'_> {
    let Some((file, rest)) = line.split_once(':') else {
        return Line {
            file: "",
            position: None,
            message: line,
        };
    };
    let mut parts = rest.splitn(3, ':');
    if let (Some(l), Some(c), Some(message)) = (parts.next(), parts.next(), parts.next())
        && let (Ok(l), Ok(c)) = (l.parse(), c.parse())
    {
        return Line {
            file,
            position: Some((l, c)),
            message: message.trim_start(),
        };
    }
    Line {
        file,
        position: None,
        message: rest.trim_start(),
    }
}

/// The diagnostic lines of protoc-form output, protoc's logging left out.
pub fn lines(output: &str) -> Vec<Line<'_>> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty() && !is_log_line(l))
        .map(parse_line)
        .collect()
}

/// What must agree besides the number of lines, their files, positions and severities.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(dead_code)] // Each including test uses one variant.
pub enum Wording {
    /// The messages too, byte for byte.
    Protoc,
    /// Not the messages: they are protoforge's own wording.
    Own,
}

/// How `ours` differs from `protoc`'s output, line by line; `None` when they agree.
pub fn compare(ours: &str, protoc: &str, wording: Wording) -> Option<String> {
    let (ours, theirs) = (lines(ours), lines(protoc));
    let mut problems = Vec::new();
    if ours.len() != theirs.len() {
        problems.push(format!(
            "{} lines, protoc prints {}",
            ours.len(),
            theirs.len()
        ));
    }
    for (i, (mine, protoc)) in ours.iter().zip(&theirs).enumerate() {
        let same = mine.file == protoc.file
            && mine.position == protoc.position
            && mine.is_warning() == protoc.is_warning()
            && (wording == Wording::Own || mine.message == protoc.message);
        if !same {
            problems.push(format!(
                "line {}: ours {mine:?}, protoc's {protoc:?}",
                i + 1
            ));
        }
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

/// The heading of the README section that lists intended differences.
pub const INTENDED_HEADING: &str = "## Intended differences from protoc";

/// The cases listed under [`INTENDED_HEADING`] in a README, one per line as
/// ``- `case`: reason``, with their reasons.
pub fn intended_differences(readme: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == INTENDED_HEADING;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(rest) = line.strip_prefix("- `")
            && let Some((case, reason)) = rest.split_once("`: ")
        {
            out.insert(case.to_string(), reason.trim().to_string());
        }
    }
    out
}
