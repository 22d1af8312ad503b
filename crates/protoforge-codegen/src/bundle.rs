//! The bundled runtime ([`Config::bundle_runtime`](crate::Config::bundle_runtime)): one more
//! output file, `protoforge_runtime.rs`, holding the runtime's source so generated code
//! compiles with no dependency at all.
//!
//! The runtime's own files come from the runtime crate (`protoforge::__private::bundle_source`,
//! behind its hidden `bundle-source` feature, so this package stays publishable) as its module
//! tree, and are rewritten as inline modules of one file: `crate::` paths and `::bytes::` paths
//! point at the configured runtime path instead, doc comments and unit tests are dropped (so a user
//! crate runs no doc-tests of ours), and a minimal `bytes` module (`Buf` for `&[u8]`, `BufMut` for
//! `Vec<u8>`, a `Bytes` byte vector) stands in for the `bytes` crate. Every module carries outer
//! `#[allow]`s, so the file works both with `include!` and as a module file. The well-known types
//! and the descriptor types are included only when the generated code refers to them.

// The runtime crate exposes its own sources (its hidden `bundle-source` feature), so this
// package refers to no file outside itself.
use protoforge::__private::bundle_source::{self, CORE, LIB, Module};

use crate::{Error, GeneratedFile};

/// The name of the bundled runtime file.
pub(crate) const FILE_NAME: &str = "protoforge_runtime.rs";

/// The runtime path generated code uses when the runtime is bundled and no other path is
/// configured.
pub(crate) const DEFAULT_PATH: &str = "crate::protoforge_runtime";

/// The lints a user crate may deny that vendored, partly unused code trips.
const ALLOW: &str = "#[allow(dead_code, unused_imports, unused_macros, missing_docs, \
                     unreachable_pub, deprecated, clippy::all)]";

/// The stand-in for the `bytes` crate: exactly what the runtime uses of it.
const BYTES_SHIM: &str = r#"
pub trait Buf {
    fn remaining(&self) -> usize;
    fn chunk(&self) -> &[u8];
    fn advance(&mut self, count: usize);
    fn has_remaining(&self) -> bool {
        self.remaining() > 0
    }
    fn copy_to_slice(&mut self, dst: &mut [u8]) {
        let mut done = 0;
        while done < dst.len() {
            let chunk = self.chunk();
            let n = chunk.len().min(dst.len() - done);
            assert!(n > 0, "buffer too short");
            dst[done..done + n].copy_from_slice(&chunk[..n]);
            self.advance(n);
            done += n;
        }
    }
    fn get_u8(&mut self) -> u8 {
        let mut byte = [0u8; 1];
        self.copy_to_slice(&mut byte);
        byte[0]
    }
    fn get_u32_le(&mut self) -> u32 {
        let mut bytes = [0u8; 4];
        self.copy_to_slice(&mut bytes);
        u32::from_le_bytes(bytes)
    }
    fn get_u64_le(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.copy_to_slice(&mut bytes);
        u64::from_le_bytes(bytes)
    }
    fn get_i32_le(&mut self) -> i32 {
        self.get_u32_le() as i32
    }
    fn get_i64_le(&mut self) -> i64 {
        self.get_u64_le() as i64
    }
    fn get_f32_le(&mut self) -> f32 {
        f32::from_bits(self.get_u32_le())
    }
    fn get_f64_le(&mut self) -> f64 {
        f64::from_bits(self.get_u64_le())
    }
    fn copy_to_bytes(&mut self, len: usize) -> Bytes {
        let mut bytes = vec![0u8; len];
        self.copy_to_slice(&mut bytes);
        Bytes(bytes)
    }
}

impl Buf for &[u8] {
    fn remaining(&self) -> usize {
        self.len()
    }
    fn chunk(&self) -> &[u8] {
        self
    }
    fn advance(&mut self, count: usize) {
        *self = &self[count..];
    }
}

impl<T: Buf + ?Sized> Buf for &mut T {
    fn remaining(&self) -> usize {
        (**self).remaining()
    }
    fn chunk(&self) -> &[u8] {
        (**self).chunk()
    }
    fn advance(&mut self, count: usize) {
        (**self).advance(count)
    }
}

pub trait BufMut {
    fn remaining_mut(&self) -> usize;
    fn put_slice(&mut self, src: &[u8]);
    fn put_u8(&mut self, value: u8) {
        self.put_slice(&[value]);
    }
    fn put_u32_le(&mut self, value: u32) {
        self.put_slice(&value.to_le_bytes());
    }
    fn put_u64_le(&mut self, value: u64) {
        self.put_slice(&value.to_le_bytes());
    }
    fn put_i32_le(&mut self, value: i32) {
        self.put_slice(&value.to_le_bytes());
    }
    fn put_i64_le(&mut self, value: i64) {
        self.put_slice(&value.to_le_bytes());
    }
    fn put_f32_le(&mut self, value: f32) {
        self.put_slice(&value.to_le_bytes());
    }
    fn put_f64_le(&mut self, value: f64) {
        self.put_slice(&value.to_le_bytes());
    }
}

impl BufMut for Vec<u8> {
    fn remaining_mut(&self) -> usize {
        isize::MAX as usize - self.len()
    }
    fn put_slice(&mut self, src: &[u8]) {
        self.extend_from_slice(src);
    }
}

impl<T: BufMut + ?Sized> BufMut for &mut T {
    fn remaining_mut(&self) -> usize {
        (**self).remaining_mut()
    }
    fn put_slice(&mut self, src: &[u8]) {
        (**self).put_slice(src)
    }
}

#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Bytes(pub Vec<u8>);

impl core::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Bytes {
    pub const fn new() -> Bytes {
        Bytes(Vec::new())
    }
    pub fn from_static(bytes: &'static [u8]) -> Bytes {
        Bytes(bytes.to_vec())
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Bytes {
        Bytes(bytes)
    }
}
"#;

/// The bundled runtime file for generated code that refers to the runtime as `runtime` and
/// whose files are `generated`.
pub(crate) fn runtime_file(
    runtime: &str,
    generated: &[GeneratedFile],
) -> Result<GeneratedFile, Error> {
    let uses = |module: &str| {
        let needle = format!("{runtime}::{module}::");
        let compact: String = needle.split_whitespace().collect();
        generated
            .iter()
            .any(|f| f.content.contains(&needle) || f.content.contains(&compact))
    };
    let mut out = String::from(
        "// @generated by protoforge-codegen: the protoforge runtime, bundled so the generated\n\
         // code needs no dependency. Do not edit by hand.\n",
    );
    out.push_str(&format!("{ALLOW}\npub mod bytes {{{BYTES_SHIM}}}\n"));
    let optional = ["wkt", "descriptor"].into_iter().filter(|name| uses(name));
    for name in CORE.iter().copied().chain(optional) {
        let source = bundle_source::module(name).ok_or_else(|| {
            Error::new(format!(
                "internal error: the runtime has no module `{name}` to bundle"
            ))
        })?;
        out.push_str(&module(source, runtime)?);
    }
    // The crate root's re-exports (`pub use crate::error::{...}` and the like).
    for line in LIB.lines() {
        let line = line.trim();
        if line.starts_with("pub use crate::") {
            out.push_str(&format!(
                "#[allow(unused_imports)]\n{}\n",
                rewrite(line, runtime)
            ));
        }
    }
    Ok(GeneratedFile {
        name: FILE_NAME.to_string(),
        content: out,
    })
}

/// `pub mod name { body }` for `source` with the allow attributes, its text rewritten, and its
/// `mod child;` declarations replaced by its children, inlined the same way.
fn module(source: &Module, runtime: &str) -> Result<String, Error> {
    let name = source.name;
    let mut inner = String::new();
    for line in rewrite(source.source, runtime).lines() {
        let trimmed = line.trim();
        // A child module declaration with any visibility: `mod x;`, `pub mod x;`,
        // `pub(crate) mod x;`.
        let declared = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|vis| trimmed.strip_prefix(vis))
            .unwrap_or(trimmed)
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'));
        match declared {
            Some(child) => {
                let child = source
                    .children
                    .iter()
                    .find(|c| c.name == child)
                    .ok_or_else(|| {
                        Error::new(format!(
                            "internal error: bundled module `{name}::{child}` has no source"
                        ))
                    })?;
                inner.push_str(&module(child, runtime)?);
            }
            None => {
                inner.push_str(line);
                inner.push('\n');
            }
        }
    }
    Ok(format!("{ALLOW}\npub mod {name} {{\n{inner}}}\n"))
}

/// One runtime source made fit for bundling: doc comments, `#[rustfmt::skip]` and a trailing
/// `#[cfg(test)]` module removed, `crate::` and `::bytes::` paths pointed at `runtime`.
fn rewrite(source: &str, runtime: &str) -> String {
    let mut kept = String::with_capacity(source.len());
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("///") || trimmed.starts_with("//!") || trimmed == "#[rustfmt::skip]"
        {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    replace_paths(&kept, runtime)
}

/// Replaces `crate::` and `::bytes::` where they start a path (not after an identifier
/// character, `:` or `$`) with `runtime::` and `runtime::bytes::`.
fn replace_paths(text: &str, runtime: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let at_path_start =
            !previous.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == ':' || p == '$');
        if at_path_start && rest.starts_with("crate::") {
            out.push_str(runtime);
            out.push_str("::");
            rest = &rest["crate::".len()..];
            previous = Some(':');
            continue;
        }
        if at_path_start && rest.starts_with("::bytes::") {
            out.push_str(runtime);
            out.push_str("::bytes::");
            rest = &rest["::bytes::".len()..];
            previous = Some(':');
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        previous = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::replace_paths;

    #[test]
    fn paths_are_rewritten_only_at_path_starts() {
        assert_eq!(
            replace_paths(
                "use crate::a; pub(crate) fn f(b: &mut impl ::bytes::Buf) -> crate::bytes::X {}",
                "crate::rt"
            ),
            "use crate::rt::a; pub(crate) fn f(b: &mut impl crate::rt::bytes::Buf) -> crate::rt::bytes::X {}"
        );
        assert_eq!(
            replace_paths("$crate::x my_crate::y", "::r"),
            "$crate::x my_crate::y"
        );
    }
}
