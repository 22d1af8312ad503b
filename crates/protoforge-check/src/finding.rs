//! [`Finding`]: one problem a check reports, located as buf locates it; shared by `lint` and
//! `breaking`.

/// One problem found, located like buf locates it (1-based lines and columns; the end column
/// is one past the last character). Findings without a place in the file are at 1:1; breaking
/// findings with no place in the current files (a deleted file) have an empty `path`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The rule id, e.g. `FIELD_LOWER_SNAKE_CASE`.
    pub rule: &'static str,
    /// The file, relative to the module root ([`crate::lint::lint`], [`crate::breaking::check`])
    /// or to the directory linted ([`crate::lint::lint_dir`]).
    pub path: String,
    /// First line.
    pub start_line: u32,
    /// First column.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// One past the last column.
    pub end_column: u32,
    /// What is wrong, as buf words it.
    pub message: String,
}
