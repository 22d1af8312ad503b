//! Source positions: the `Copy` [`Span`] every AST node and diagnostic carries, the
//! [`SourceMap`] that owns file names and texts, and the protoc-style line/column lookup.
//!
//! Positions are byte offsets until someone asks for a line and column; then a lazily
//! built [`LineIndex`] answers the way protoc counts them: lines from zero, columns from
//! zero, and a tab advances the column to the next multiple of 8.

use std::fmt;
use std::sync::OnceLock;

use crate::scan;

/// Identifies one source file inside a [`SourceMap`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// Makes a span in `file` covering `start..end`.
    #[inline]
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        debug_assert!(start <= end);
        Span { file, start, end }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    #[inline]
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// An empty span at the start of `self`.
    #[inline]
    pub fn shrink_to_lo(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }

    /// An empty span at the end of `self`.
    #[inline]
    pub fn shrink_to_hi(self) -> Span {
        Span {
            start: self.end,
            ..self
        }
    }

    /// The byte range as a `usize` range, for slicing the source text.
    #[inline]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A zero-based line and column, counted the way protoc counts them (tab = next multiple of 8).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct LineCol {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based column, tabs expanded to multiples of 8.
    pub col: u32,
}

/// Maps byte offsets of one text to protoc line/column pairs.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    line_starts: Vec<u32>,
    /// Whether each line holds a tab (lines without one, nearly all, need no column count).
    has_tab: Vec<bool>,
}

impl LineIndex {
    /// Indexes `text`, in one pass that looks for newlines and tabs a word at a time.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut has_tab = Vec::new();
        let mut tab = false;
        let mut at = 0;
        loop {
            let i = at + scan::find_either(&bytes[at..], b'\n', b'\t');
            match bytes.get(i) {
                Some(b'\t') => tab = true,
                Some(_) => {
                    has_tab.push(tab);
                    tab = false;
                    line_starts.push((i + 1) as u32);
                }
                None => break,
            }
            at = i + 1;
        }
        has_tab.push(tab);
        LineIndex {
            line_starts,
            has_tab,
        }
    }

    /// The protoc line and column of byte `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let line = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        self.at_line(text, line, offset)
    }

    /// [`LineIndex::line_col`], found by searching from line `near` rather than over the whole
    /// index. An offset on that line costs two comparisons and one a few lines further a few
    /// more, which suits lookups in source order (the locations of a file's elements, where
    /// each element's parts follow it); an offset before `near` falls back to a binary search.
    #[inline]
    pub fn line_col_near(&self, text: &str, offset: u32, near: u32) -> LineCol {
        let starts = &self.line_starts;
        let near = (near as usize).min(starts.len() - 1);
        let on_near = starts[near] <= offset && starts.get(near + 1).is_none_or(|&n| offset < n);
        let line = if on_near {
            near
        } else {
            self.search_from(offset, near)
        };
        self.at_line(text, line, offset)
    }

    /// The line holding `offset`, which is not on line `near`: galloping forward from `near`
    /// (probing 1, 2, 4... lines ahead, then searching the last stride), or a binary search
    /// of the lines before it.
    fn search_from(&self, offset: u32, near: usize) -> usize {
        let starts = &self.line_starts;
        if starts[near] > offset {
            return starts[..near]
                .partition_point(|&s| s <= offset)
                .saturating_sub(1);
        }
        let (mut line, mut stride) = (near, 1);
        loop {
            let probe = line + stride;
            if probe >= starts.len() || starts[probe] > offset {
                let end = probe.min(starts.len());
                return line + starts[line + 1..end].partition_point(|&s| s <= offset);
            }
            line = probe;
            stride *= 2;
        }
    }

    /// The line and column of `offset`, which is on zero-based `line`.
    #[inline]
    fn at_line(&self, text: &str, line: usize, offset: u32) -> LineCol {
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let end = (offset as usize).min(text.len());
        let col = if self.has_tab.get(line).copied().unwrap_or(false) {
            tab_column(text.as_bytes().get(start as usize..end).unwrap_or(&[]))
        } else {
            (end as u32).saturating_sub(start)
        };
        LineCol {
            line: line as u32,
            col,
        }
    }

    /// The byte range of zero-based `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: u32) -> std::ops::Range<usize> {
        let start = self.line_starts[line as usize] as usize;
        let mut end = self
            .line_starts
            .get(line as usize + 1)
            .map_or(text.len(), |&e| e as usize);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }
}

/// The protoc column after `bytes`, the start of a line holding a tab: every byte counts one
/// column, except that a tab advances to the next multiple of 8.
fn tab_column(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |col, &b| {
        if b == b'\t' {
            col + 8 - col % 8
        } else {
            col + 1
        }
    })
}

/// How far into a file [`SourceFile::line_col`] reads instead of building the file's index.
const PREFIX_LOOKUP: usize = 8 * 1024;

/// One file known to a [`SourceMap`].
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    index: OnceLock<LineIndex>,
}

impl SourceFile {
    /// The file's name as diagnostics print it (protoc's virtual path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line index, built on first use.
    pub fn line_index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The protoc line/column of a byte offset. Before the line index is built, an offset near
    /// the top of the file (a warning about an import, say) is looked up in an index of only
    /// the text before it, which gives the same answer without reading the whole file.
    pub fn line_col(&self, offset: u32) -> LineCol {
        if self.index.get().is_none()
            && offset as usize <= PREFIX_LOOKUP
            && let Some(before) = self.text.get(..offset as usize)
        {
            return LineIndex::new(before).line_col(before, offset);
        }
        self.line_index().line_col(&self.text, offset)
    }
}

/// Owns the names and texts of every file in one compilation, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
            index: OnceLock::new(),
        });
        id
    }

    /// The file with id `id`.
    ///
    /// # Panics
    /// If `id` did not come from this map.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file with id `id`, or `None` when the id is not from this map.
    pub fn try_get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_before_and_after_the_index_agree() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(["a\tb\n", "\n", "xyz\r\n", "\t\tq\n", "long line of text\n"][i % 5]);
        }
        let index = LineIndex::new(&text);
        let mut map = SourceMap::new();
        let id = map.add("f", text.as_str());
        // Counted the plain way: newlines before the offset, then the line's bytes.
        let plain = |offset: usize| {
            let before = &text.as_bytes()[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u32;
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let col = before[start..]
                .iter()
                .fold(0, |c, &b| if b == b'\t' { c + 8 - c % 8 } else { c + 1 });
            LineCol { line, col }
        };
        let mut near = 0;
        for offset in (0..text.len() as u32 + 1).step_by(11) {
            let want = plain(offset as usize);
            assert_eq!(index.line_col(&text, offset), want, "{offset}");
            assert_eq!(map.get(id).line_col(offset), want, "{offset}");
            // From the previous lookup's line, from the first and the last line, and from a
            // line past the end of the index.
            for from in [near, 0, want.line.saturating_sub(3), 1999, u32::MAX] {
                assert_eq!(
                    index.line_col_near(&text, offset, from),
                    want,
                    "{offset} {from}"
                );
            }
            near = want.line;
        }
    }

    #[test]
    fn tabs_advance_to_multiples_of_eight() {
        let text = "a\tb\n\t\tc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 0, col: 0 });
        assert_eq!(idx.line_col(text, 2), LineCol { line: 0, col: 8 });
        assert_eq!(idx.line_col(text, 6), LineCol { line: 1, col: 16 });
    }

    #[test]
    fn offset_at_line_start() {
        let text = "ab\ncd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, col: 0 });
        assert_eq!(idx.line_col(text, 6), LineCol { line: 2, col: 0 });
        assert_eq!(idx.line_range(text, 1), 3..5);
    }
}
