//! Maps descriptor paths (the same paths `SourceCodeInfo` uses) to source spans, so checks that
//! run on descriptors after lowering can still point at the text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use protoforge_parse::Span;

/// Descriptor path -> span of the element (and of its parts, e.g. a field's name or number).
#[derive(Clone, Debug, Default)]
pub(crate) struct SpanMap {
    spans: HashMap<Vec<i32>, Span, BuildHasherDefault<PathHasher>>,
}

/// A fast multiplicative hasher for paths (short lists of small integers from our own
/// descriptors, so hash flooding is no concern); SipHash dominated lowering time.
#[derive(Clone, Copy, Default)]
pub(crate) struct PathHasher(u64);

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl SpanMap {
    /// An empty map with room for about `n` paths.
    pub(crate) fn with_capacity(n: usize) -> SpanMap {
        SpanMap {
            spans: HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default()),
        }
    }

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
