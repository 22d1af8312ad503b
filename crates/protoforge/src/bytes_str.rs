//! [`BytesStr`]: a `string` field's value held in a shared [`bytes::Bytes`] buffer, for
//! messages generated with `shared_strings=PATH`.

use core::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;

use ::bytes::Bytes;

/// UTF-8 text in a reference-counted [`Bytes`] buffer: cloning it copies no text, and a
/// message decoded from a `Bytes` buffer keeps its strings as slices of that buffer.
///
/// It reads as a `&str` (through `Deref`, `AsRef<str>` and `Borrow<str>`), compares, orders
/// and hashes as its text does, and is made from a `String`, a `&'static str` (without a
/// copy), or a `Bytes` that holds valid UTF-8 ([`BytesStr::try_from`]).
#[derive(Clone, Default)]
pub struct BytesStr(Bytes);

impl BytesStr {
    /// An empty string.
    pub const fn new() -> BytesStr {
        BytesStr(Bytes::new())
    }

    /// `text`, without copying it.
    pub fn from_static(text: &'static str) -> BytesStr {
        BytesStr(Bytes::from_static(text.as_bytes()))
    }

    /// The text.
    // The one unsafe block of the runtime: reading the text without checking it again on
    // every access is what makes `BytesStr` as cheap to read as a `String`.
    #[allow(unsafe_code)]
    pub fn as_str(&self) -> &str {
        // SAFETY: every constructor takes a `str` or checks that the bytes are UTF-8, and
        // `Bytes` never changes the bytes it holds.
        unsafe { core::str::from_utf8_unchecked(&self.0) }
    }

    /// The buffer holding the text.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }

    /// The buffer holding the text, without a copy.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// `bytes` as text if they are valid UTF-8, without a copy; `bytes` back if not.
    pub fn from_utf8(bytes: Bytes) -> Result<BytesStr, Bytes> {
        match core::str::from_utf8(&bytes) {
            Ok(_) => Ok(BytesStr(bytes)),
            Err(_) => Err(bytes),
        }
    }
}

impl Deref for BytesStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for BytesStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for BytesStr {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Borrow<str> for BytesStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<std::string::String> for BytesStr {
    fn from(text: std::string::String) -> BytesStr {
        BytesStr(Bytes::from(text.into_bytes()))
    }
}

impl From<&'static str> for BytesStr {
    fn from(text: &'static str) -> BytesStr {
        BytesStr::from_static(text)
    }
}

impl From<BytesStr> for Bytes {
    fn from(text: BytesStr) -> Bytes {
        text.0
    }
}

impl From<BytesStr> for std::string::String {
    fn from(text: BytesStr) -> std::string::String {
        text.as_str().to_owned()
    }
}

impl TryFrom<Bytes> for BytesStr {
    type Error = core::str::Utf8Error;

    /// `bytes` as text, without a copy, if they are valid UTF-8.
    fn try_from(bytes: Bytes) -> Result<BytesStr, core::str::Utf8Error> {
        core::str::from_utf8(&bytes)?;
        Ok(BytesStr(bytes))
    }
}

impl PartialEq for BytesStr {
    fn eq(&self, other: &BytesStr) -> bool {
        self.0 == other.0
    }
}

impl Eq for BytesStr {}

impl PartialEq<str> for BytesStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for BytesStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<std::string::String> for BytesStr {
    fn eq(&self, other: &std::string::String) -> bool {
        self.as_str() == other
    }
}

impl PartialOrd for BytesStr {
    fn partial_cmp(&self, other: &BytesStr) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BytesStr {
    fn cmp(&self, other: &BytesStr) -> core::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for BytesStr {
    /// Hashes as the `str` does, so that a map keyed by `BytesStr` is looked up with a `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for BytesStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for BytesStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::BytesStr;
    use bytes::Bytes;
    use std::collections::HashMap;

    #[test]
    fn reads_compares_and_hashes_as_its_text() {
        let a = BytesStr::from(std::string::String::from("héllo"));
        assert_eq!(a, "héllo");
        assert_eq!(&*a, "héllo");
        assert_eq!(format!("{a:?} {a}"), "\"héllo\" héllo");
        let mut map = HashMap::new();
        map.insert(a.clone(), 1);
        assert_eq!(map.get("héllo"), Some(&1));
        assert!(BytesStr::from_static("a") < BytesStr::from_static("b"));
    }

    #[test]
    fn bytes_become_text_only_when_valid_and_without_a_copy() {
        let buf = Bytes::from_static(b"text");
        let s = BytesStr::try_from(buf.clone()).expect("valid UTF-8");
        assert_eq!(s.as_bytes().as_ptr(), buf.as_ptr());
        assert!(BytesStr::try_from(Bytes::from_static(b"\xff")).is_err());
        assert_eq!(
            BytesStr::from_utf8(Bytes::from_static(b"\xc3")).unwrap_err(),
            &b"\xc3"[..]
        );
    }
}
