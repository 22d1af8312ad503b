//! [`SizeCache`]: the encoded lengths of a message's sub-messages, computed once per encode.
//!
//! A sub-message is written as tag, length, body, so its length must be known before its
//! body is written. Asking every sub-message for its length at the moment it is written
//! costs O(size × depth): each level recomputes the lengths of everything below it. Instead,
//! [`Message::encoded_len_with`](crate::Message::encoded_len_with) records each
//! sub-message's length here as it sums them (in pre-order: a parent's slot comes before
//! its children's), and [`Message::encode_with`](crate::Message::encode_with) reads them
//! back in the same order, so encoding is one pass to size and one pass to write.

/// Sub-message lengths in the order the encoder needs them. Made by the provided `encode*`
/// methods of [`Message`](crate::Message); generated code only passes it along.
#[derive(Debug, Default)]
pub struct SizeCache {
    lengths: Vec<u32>,
    /// Whether lengths are kept (false: a plain `encoded_len`, which needs none).
    record: bool,
    /// The next length `next_len` returns.
    read: usize,
}

impl SizeCache {
    /// A cache that keeps the lengths it is given, for an encode that follows.
    #[inline]
    pub fn new() -> Self {
        SizeCache {
            lengths: Vec::new(),
            record: true,
            read: 0,
        }
    }

    /// A cache that keeps nothing, for computing a length alone.
    #[inline]
    pub fn discard() -> Self {
        SizeCache::default()
    }

    /// Sizes a sub-message: reserves its slot, lets `len` size it (and record its own
    /// sub-messages after the slot), stores the result and returns it.
    #[inline]
    pub fn record(&mut self, len: impl FnOnce(&mut SizeCache) -> usize) -> usize {
        if !self.record {
            return len(self);
        }
        let slot = self.lengths.len();
        self.lengths.push(0);
        let value = len(self);
        // A message longer than 4 GiB cannot be encoded (protobuf caps messages at 2 GiB);
        // the length is stored truncated and the encode that follows fails its own checks.
        self.lengths[slot] = value as u32;
        value
    }

    /// The next recorded length, in the order `record` was called. A cache that recorded
    /// nothing (or ran out) answers 0, which only a caller that skipped sizing can see.
    #[inline]
    pub fn next_len(&mut self) -> usize {
        let value = self.lengths.get(self.read).copied().unwrap_or(0);
        self.read += 1;
        value as usize
    }
}
