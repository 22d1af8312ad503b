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
        if !self.keep_locations {
            if self.keep_spans {
                self.spans.insert_path(path, start.to(end));
            }
            return usize::MAX;
        }
        let s = self.lines.line_col(self.text, start.start);
        let e = self.lines.line_col(self.text, end.end.max(start.start));
        let (sl, sc, el, ec) = (s.line as i32, s.col as i32, e.line as i32, e.col as i32);
        let mut span = Vec::with_capacity(4);
        span.extend([sl, sc]);
        if el != sl {
            span.push(el);
        }
        span.push(ec);
        if self.keep_spans {
            self.spans.insert_path(path, start.to(end));
        }
        self.locations.push(Location {
            path: path.to_vec(),
            span,
            ..Default::default()
        });
        self.locations.len() - 1
    }

    pub(super) fn loc(&mut self, path: &[i32], span: Span) -> usize {
        self.loc_between(path, span, span)
    }

    /// [`Lowerer::loc`] at `path` followed by `more`, without allocating the joined path
    /// (most locations are the leaves of an element: its name, number, type...).
    pub(super) fn loc_at(&mut self, path: &[i32], more: &[i32], span: Span) -> usize {
        if !self.keep_locations && !self.keep_spans {
            return usize::MAX;
        }
        let mut buf = [0i32; 24];
        let n = path.len() + more.len();
        match buf.get_mut(..n) {
            Some(joined) => {
                let (head, tail) = joined.split_at_mut(path.len());
                head.copy_from_slice(path);
                tail.copy_from_slice(more);
                self.loc_between(joined, span, span)
            }
            None => self.loc_between(&join(path, more), span, span),
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
