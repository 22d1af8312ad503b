//! Maps descriptor paths (the same paths `SourceCodeInfo` uses) to source spans, so checks that
//! run on descriptors after lowering can still point at the text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use protoforge_parse::Span;

/// Descriptor path -> span of the element (and of its parts, e.g. a field's name or number).
#[derive(Clone, Debug, Default)]
pub(crate) struct SpanMap {
    spans: HashMap<PathKey, Span, BuildHasherDefault<PathHasher>>,
}

/// How many path elements a key holds without a heap allocation (an option of a field of a
/// message nested twice: `[4, i, 3, j, 2, k, 8, 999, n, 2, m, 1]`).
const INLINE: usize = 12;

/// A descriptor path as a map key: short paths (nearly all) inline, longer ones boxed. A file
/// has about one path per 16 bytes of text, so a heap allocation per path was most of a
/// compilation's memory.
type PathKey = ShortPath<INLINE>;

/// A descriptor path stored inline when it has at most `N` (below 256) elements, as nearly all
/// do, and boxed otherwise, so keeping one costs no heap allocation of its own. Compares and
/// hashes as the slice it holds, so maps keyed by it are searched with a `&[i32]`.
#[derive(Clone, Debug)]
pub(crate) enum ShortPath<const N: usize> {
    Inline(u8, [i32; N]),
    Boxed(Box<[i32]>),
}

impl<const N: usize> ShortPath<N> {
    pub(crate) fn new(path: &[i32]) -> Self {
        if path.len() <= N {
            let mut items = [0; N];
            items[..path.len()].copy_from_slice(path);
            ShortPath::Inline(path.len() as u8, items)
        } else {
            ShortPath::Boxed(path.into())
        }
    }

    pub(crate) fn as_slice(&self) -> &[i32] {
        match self {
            ShortPath::Inline(len, items) => &items[..usize::from(*len)],
            ShortPath::Boxed(items) => items,
        }
    }
}

impl<const N: usize> PartialEq for ShortPath<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<const N: usize> Eq for ShortPath<N> {}

impl<const N: usize> std::hash::Hash for ShortPath<N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The same hash as the slice, so lookups by `&[i32]` find the key.
        self.as_slice().hash(state);
    }
}

impl<const N: usize> std::borrow::Borrow<[i32]> for ShortPath<N> {
    fn borrow(&self) -> &[i32] {
        self.as_slice()
    }
}

/// A fast multiplicative hasher for descriptor paths (short lists of small integers from
/// descriptors the tool built itself, so hash flooding is no concern), for maps keyed by
/// `SourceCodeInfo` paths; SipHash dominated lowering time.
#[derive(Clone, Copy, Default)]
pub struct PathHasher(u64);

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        // A slice of `i32` arrives here as one run of bytes: take it eight bytes at a time.
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
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
        // The multiply leaves the low bits depending only on the low bits of the last input;
        // the table picks buckets by the low bits, so fold the well-mixed high half into them.
        self.0 ^ (self.0 >> 32)
    }
}

/// A fast hasher for the compiler's own names (fully qualified names, file names): eight
/// bytes at a time through the same multiply-rotate step as [`PathHasher`]. The names come from
/// the files being compiled, which the user controls anyway, so hash flooding is no concern;
/// SipHash was a visible share of the symbol table's cost.
#[derive(Clone, Copy, Default)]
pub(crate) struct NameHasher(PathHasher);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    fn write_u8(&mut self, n: u8) {
        self.0.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.0.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0.write_u64(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.0.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// A `HashMap` keyed by names, hashed with [`NameHasher`].
pub(crate) type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;

/// A `HashSet` hashed with [`NameHasher`].
pub(crate) type NameSet<K> = std::collections::HashSet<K, BuildHasherDefault<NameHasher>>;

impl SpanMap {
    /// An empty map with room for about `n` paths.
    pub(crate) fn with_capacity(n: usize) -> SpanMap {
        SpanMap {
            spans: HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default()),
        }
    }

    /// Frees the room reserved but not used.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.spans.shrink_to_fit();
    }

    /// Records the span of the element at `path` (the first record for a path wins, like
    /// protoc's location lookup).
    pub(crate) fn insert(&mut self, path: Vec<i32>, span: Span) {
        self.insert_path(&path, span);
    }

    /// [`SpanMap::insert`] for a borrowed path, so callers can reuse one path buffer.
    pub(crate) fn insert_path(&mut self, path: &[i32], span: Span) {
        self.spans.entry(PathKey::new(path)).or_insert(span);
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
