//! Writing the descriptor set `-o` asks for: encoded in pieces, its files side by side on every
//! core ([`encode_set_in_pieces`]), and the pieces written one after another without joining
//! them ([`write_pieces`]).

use std::io::Write as _;

use protoforge::Message as _;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_compile::parallel_map;

/// `set` encoded in pieces to be written one after another, its files side by side on every
/// core: a set's encoding is its files' entries (field 1, length-delimited) one after another,
/// then its unknown fields, so the pieces joined are `set.encode_to_vec()`.
pub(crate) fn encode_set_in_pieces(set: &FileDescriptorSet) -> Vec<Vec<u8>> {
    let mut pieces = parallel_map(&set.file, |file| {
        // The key of field 1 with wire type 2 (length-delimited).
        let mut entry = vec![0x0a];
        let _ = file.encode_length_delimited(&mut entry);
        entry
    });
    let rest = FileDescriptorSet {
        file: Vec::new(),
        unknown_fields: set.unknown_fields.clone(),
    };
    pieces.push(rest.encode_to_vec());
    pieces
}

/// Writes `pieces` one after another to the file `path` (created or truncated), many pieces
/// per system call and without joining them first.
pub(crate) fn write_pieces(path: &str, pieces: &[Vec<u8>]) -> std::io::Result<()> {
    use std::io::IoSlice;
    let mut file = std::fs::File::create(path)?;
    let mut slices: Vec<IoSlice<'_>> = pieces
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| IoSlice::new(p))
        .collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match file.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use protoforge_compile::Compiler;

    use super::*;

    #[test]
    fn set_pieces_join_to_the_set_encoding() {
        let src = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/descriptors/protobuf/src"
        );
        let compiled = Compiler::new()
            .include_path(src)
            .include_imports(true)
            .compile(&[format!("{src}/google/protobuf/unittest.proto")])
            .expect("the corpus file compiles");
        let mut set = compiled.files;
        assert!(set.file.len() > 2, "unittest.proto has imports");
        set.unknown_fields
            .push(99, protoforge::UnknownValue::Varint(7));
        let joined: Vec<u8> = encode_set_in_pieces(&set).concat();
        assert_eq!(joined, set.encode_to_vec());
    }
}
