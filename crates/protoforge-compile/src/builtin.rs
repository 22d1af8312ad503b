//! The `descriptor.proto` compiled into protoforge, as protoc has its own compiled in: the
//! schema of the `*Options` messages and of `FeatureSet` when the file being compiled does not
//! import `descriptor.proto`, and the source of the editions feature defaults.
//!
//! It is protoc 35.1's own descriptor set for `google/protobuf/descriptor.proto` (a copy of the
//! test corpus golden, kept in the crate's `data/` so the crate packages on its own; a test
//! checks the two stay equal), decoded once on first use.

use std::sync::OnceLock;

use protoforge::Message;
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FileDescriptorProto, FileDescriptorSet,
};

static DESCRIPTOR_SET: &[u8] = include_bytes!("../data/descriptor.proto.pb");

/// The built-in `google/protobuf/descriptor.proto`.
pub(crate) fn file() -> Option<&'static FileDescriptorProto> {
    static FILE: OnceLock<Option<FileDescriptorProto>> = OnceLock::new();
    FILE.get_or_init(|| {
        let set = FileDescriptorSet::decode(DESCRIPTOR_SET).ok()?;
        set.file
            .into_iter()
            .find(|f| f.name.as_deref() == Some("google/protobuf/descriptor.proto"))
    })
    .as_ref()
}

/// The message `full_name` (no leading dot) of the built-in `descriptor.proto`.
pub(crate) fn message(full_name: &str) -> Option<&'static DescriptorProto> {
    message_in(file()?, full_name)
}

/// The enum `full_name` (no leading dot) of the built-in `descriptor.proto`.
pub(crate) fn enum_type(full_name: &str) -> Option<&'static EnumDescriptorProto> {
    let file = file()?;
    let rel = strip_package(file, full_name)?;
    match rel.rsplit_once('.') {
        None => file
            .enum_type
            .iter()
            .find(|e| e.name.as_deref() == Some(rel)),
        Some((parent, name)) => message_rel(file, parent)?
            .enum_type
            .iter()
            .find(|e| e.name.as_deref() == Some(name)),
    }
}

fn strip_package<'n>(file: &FileDescriptorProto, full_name: &'n str) -> Option<&'n str> {
    match file.package.as_deref() {
        Some(p) if !p.is_empty() => full_name.strip_prefix(p)?.strip_prefix('.'),
        _ => Some(full_name),
    }
}

/// The message `full_name` (no leading dot) of `file`, found by walking nested types.
pub(crate) fn message_in<'f>(
    file: &'f FileDescriptorProto,
    full_name: &str,
) -> Option<&'f DescriptorProto> {
    message_rel(file, strip_package(file, full_name)?)
}

fn message_rel<'f>(file: &'f FileDescriptorProto, rel: &str) -> Option<&'f DescriptorProto> {
    let mut parts = rel.split('.');
    let first = parts.next()?;
    let mut msg = file
        .message_type
        .iter()
        .find(|m| m.name.as_deref() == Some(first))?;
    for part in parts {
        msg = msg
            .nested_type
            .iter()
            .find(|m| m.name.as_deref() == Some(part))?;
    }
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_options_messages_and_nested_types() {
        assert!(message("google.protobuf.FileOptions").is_some());
        assert!(message("google.protobuf.FieldOptions.EditionDefault").is_some());
        assert!(enum_type("google.protobuf.Edition").is_some());
        assert!(enum_type("google.protobuf.FeatureSet.FieldPresence").is_some());
        assert!(message("google.protobuf.Nope").is_none());
    }

    #[test]
    fn embedded_copy_equals_the_corpus_golden() {
        let golden = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/descriptors/protobuf/goldens/google/protobuf/descriptor.proto.pb"
        ))
        .expect("corpus golden");
        assert!(
            golden == DESCRIPTOR_SET,
            "data/descriptor.proto.pb differs from the corpus golden: copy it again"
        );
    }
}
