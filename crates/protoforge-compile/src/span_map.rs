//! Maps descriptor paths (the same paths `SourceCodeInfo` uses) to source spans, so checks that
//! run on descriptors after lowering can still point at the text.

use std::collections::HashMap;

use protoforge_parse::Span;

/// Descriptor path -> span of the element (and of its parts, e.g. a field's name or number).
#[derive(Clone, Debug, Default)]
pub(crate) struct SpanMap {
    spans: HashMap<Vec<i32>, Span>,
}

impl SpanMap {
    /// Records the span of the element at `path` (the first record for a path wins, like
    /// protoc's location lookup).
    pub(crate) fn insert(&mut self, path: Vec<i32>, span: Span) {
        self.spans.entry(path).or_insert(span);
    }

    /// The span recorded for exactly `path`.
    pub(crate) fn get(&self, path: &[i32]) -> Option<Span> {
        self.spans.get(path).copied()
    }

    /// The span of `path`, or of its nearest recorded ancestor.
    pub(crate) fn nearest(&self, path: &[i32]) -> Option<Span> {
        (0..=path.len()).rev().find_map(|n| self.get(&path[..n]))
    }
}
