//! Byte searches that read eight bytes at a time, for the two scans that touch most of a
//! file's bytes: skipping comment lines in the lexer and splitting lines in the line index.
//!
//! A word holding the bytes is XORed with the byte sought repeated eight times, which turns
//! each match into a zero byte; `(x - 0x01..) & !x & 0x80..` then flags zero bytes. A borrow
//! can flag a byte above a true zero byte but never below one, so the lowest flag is exact.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each zero byte of `x` (and possibly of bytes above the lowest one).
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The offset of the first byte of `bytes` that is `a` or `b`, or the length of `bytes`.
pub(crate) fn find_either(bytes: &[u8], a: u8, b: u8) -> usize {
    let (wa, wb) = (ONES * u64::from(a), ONES * u64::from(b));
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let found = zero_bytes(x ^ wa) | zero_bytes(x ^ wb);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() && bytes.len() >= 8 {
        // The last eight bytes as one word: the bytes it shares with the last chunk hold no
        // match, so its first flag is the answer.
        let x = last_word(bytes);
        let found = zero_bytes(x ^ wa) | zero_bytes(x ^ wb);
        return if found == 0 {
            bytes.len()
        } else {
            bytes.len() - 8 + (found.trailing_zeros() / 8) as usize
        };
    }
    at + rest
        .iter()
        .position(|&c| c == a || c == b)
        .unwrap_or(rest.len())
}

/// The offset of the first `byte` in `bytes`, or the length of `bytes`.
pub(crate) fn find_byte(bytes: &[u8], byte: u8) -> usize {
    let w = ONES * u64::from(byte);
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let found = zero_bytes(u64::from_le_bytes(word) ^ w);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() && bytes.len() >= 8 {
        // As in `find_either`: the last eight bytes as one word.
        let found = zero_bytes(last_word(bytes) ^ w);
        return if found == 0 {
            bytes.len()
        } else {
            bytes.len() - 8 + (found.trailing_zeros() / 8) as usize
        };
    }
    at + rest.iter().position(|&c| c == byte).unwrap_or(rest.len())
}

/// The last eight bytes of `bytes` (at least eight long) as a little-endian word.
fn last_word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[bytes.len() - 8..]);
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_find_the_first_match_only() {
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                if at < len {
                    bytes[at] = b'\n';
                    // A later match and bytes one bit away from a match do not count.
                    if at + 3 < len {
                        bytes[at + 3] = b'\t';
                    }
                    if at > 0 {
                        bytes[at - 1] = b'\n' ^ 0x80;
                    }
                    if at > 1 {
                        bytes[at - 2] = b'\t' ^ 0x01;
                    }
                }
                assert_eq!(find_byte(&bytes, b'\n'), at, "{len} {at}");
                assert_eq!(find_either(&bytes, b'\n', b'\t'), at, "{len} {at}");
                assert_eq!(find_either(&bytes, b'\t', b'\n'), at, "{len} {at}");
            }
        }
    }
}
