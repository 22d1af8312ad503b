//! Source locations: each location lowering records goes into `SourceCodeInfo` (path, protoc's
//! line/column span, comments) and into the [`SpanMap`](crate::span_map::SpanMap) later passes
//! report problems with.

use protoforge::descriptor::source_code_info::Location;
use protoforge_parse::{Span, ast};

use super::{Lowerer, join};

impl Lowerer<'_> {
    /// Adds a location spanning `start.start..end.end`, records it in the span map, and returns
    /// its index (for attaching comments).
    pub(super) fn loc_between(&mut self, path: &[i32], start: Span, end: Span) -> usize {
        self.add_location(path, &[], start, end)
    }

    pub(super) fn loc(&mut self, path: &[i32], span: Span) -> usize {
        self.add_location(path, &[], span, span)
    }

    /// [`Lowerer::loc`] at `path` followed by `more`, without allocating the joined path
    /// beyond the one the location keeps (most locations are the leaves of an element: its
    /// name, number, type...).
    pub(super) fn loc_at(&mut self, path: &[i32], more: &[i32], span: Span) -> usize {
        self.add_location(path, more, span, span)
    }

    /// The location at `path` followed by `more`, spanning `start.start..end.end`.
    fn add_location(&mut self, path: &[i32], more: &[i32], start: Span, end: Span) -> usize {
        if !self.keep_locations {
            if self.keep_spans {
                self.insert_span(path, more, start.to(end));
            }
            return usize::MAX;
        }
        // Locations come in source order, each element's parts after it: a lookup from the
        // previous start's line (and for the end, from this start's line) takes a few steps
        // where a search of the whole index would take a dozen.
        let s = self.lines.line_col_near(self.text, start.start, self.line);
        let e = self
            .lines
            .line_col_near(self.text, end.end.max(start.start), s.line);
        self.line = s.line;
        let (sl, sc, el, ec) = (s.line as i32, s.col as i32, e.line as i32, e.col as i32);
        let mut span = Vec::with_capacity(4);
        span.extend([sl, sc]);
        if el != sl {
            span.push(el);
        }
        span.push(ec);
        let mut full = Vec::with_capacity(path.len() + more.len());
        full.extend_from_slice(path);
        full.extend_from_slice(more);
        if self.keep_spans {
            self.spans.insert_path(&full, start.to(end));
        }
        self.locations.push(Location {
            path: full,
            span,
            ..Default::default()
        });
        self.locations.len() - 1
    }

    /// Records `span` for `path` followed by `more`, joined on the stack when short enough.
    fn insert_span(&mut self, path: &[i32], more: &[i32], span: Span) {
        if more.is_empty() {
            self.spans.insert_path(path, span);
            return;
        }
        let mut buf = [0i32; 24];
        match buf.get_mut(..path.len() + more.len()) {
            Some(joined) => {
                let (head, tail) = joined.split_at_mut(path.len());
                head.copy_from_slice(path);
                tail.copy_from_slice(more);
                self.spans.insert_path(joined, span);
            }
            None => self.spans.insert(join(path, more), span),
        }
    }

    pub(super) fn attach(&mut self, index: usize, comments: &ast::Comments) {
        if let Some(l) = self.locations.get_mut(index) {
            l.leading_comments = comments.leading.clone().filter(|c| !c.is_empty());
            l.trailing_comments = comments.trailing.clone().filter(|c| !c.is_empty());
            l.leading_detached_comments = comments.detached.clone();
        }
    }
}
