//! `DynamicMessage` against protoc's own bytes: every descriptor set real protoc wrote under
//! `testdata/descriptors/**/goldens/` decodes as a dynamic `google.protobuf.FileDescriptorSet`
//! (typed by the `descriptor.proto` descriptor protoc compiled into
//! `tests/data/reflect_test_messages.pb`) and re-encodes to the very same bytes, and holds
//! the same values as the generated `FileDescriptorSet` type.
#![cfg(feature = "reflect")]

use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge::reflect::{DescriptorPool, DynamicMessage, Value};

fn goldens() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "pb")
                && path.components().any(|c| c.as_os_str() == "goldens")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn pool() -> DescriptorPool {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reflect_test_messages.pb"),
    )
    .expect("read reflect_test_messages.pb");
    DescriptorPool::decode(&bytes).expect("protoc's descriptor set builds a pool")
}

#[test]
fn every_golden_round_trips_through_dynamic_message() {
    let pool = pool();
    let set_type = pool
        .get_message_by_name("google.protobuf.FileDescriptorSet")
        .expect("FileDescriptorSet in the pool");
    let files = goldens();
    assert!(
        files.len() > 100,
        "expected the protoc goldens, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("read golden");
        let msg = match DynamicMessage::decode(set_type.clone(), &bytes) {
            Ok(msg) => msg,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if msg.encoded_len() != bytes.len() {
            failures.push(format!(
                "{}: encoded_len {} != {}",
                path.display(),
                msg.encoded_len(),
                bytes.len()
            ));
        }
        if msg.encode_to_vec() != bytes {
            failures.push(format!("{}: re-encoding differs", path.display()));
        }
        // The dynamic view holds the same files as the generated type.
        let typed = FileDescriptorSet::decode(&bytes[..]).expect("generated type decodes");
        let file_field = set_type.get_field_by_name("file").expect("field file");
        let files = msg.get_field(&file_field);
        let list = files.as_list().expect("file is a list");
        if list.len() != typed.file.len() {
            failures.push(format!(
                "{}: {} files, expected {}",
                path.display(),
                list.len(),
                typed.file.len()
            ));
        }
        for (dynamic, typed) in list.iter().zip(&typed.file) {
            let name = dynamic
                .as_message()
                .and_then(|m| m.get_field_by_name("name"))
                .map(|v| v.into_owned());
            if name != Some(Value::String(typed.name().to_owned())) {
                failures.push(format!("{}: file name {name:?}", path.display()));
            }
        }
        // Decoding the goldens needs no unknown fields: options the pool does not know as
        // extensions may be unknown only inside options messages.
        if !msg.unknown_fields().is_empty() {
            failures.push(format!("{}: unknown fields at the top", path.display()));
        }
        let back: FileDescriptorSet = msg.transcode_to().expect("transcode");
        if back != typed {
            failures.push(format!("{}: transcode_to differs", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_golden_builds_a_pool_that_lists_its_types() {
    let mut failures = Vec::new();
    let mut messages = 0;
    for path in goldens() {
        let bytes = std::fs::read(&path).expect("read golden");
        let pool = match DescriptorPool::decode(&bytes) {
            Ok(pool) => pool,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let set = FileDescriptorSet::decode(&bytes[..]).expect("decode golden");
        assert_eq!(pool.files().len(), set.file.len(), "{}", path.display());
        for message in pool.all_messages() {
            messages += 1;
            assert_eq!(
                pool.get_message_by_name(message.full_name()),
                Some(message.clone()),
                "{}",
                path.display()
            );
            assert_eq!(message.descriptor_proto().name(), message.name());
            for field in message.fields() {
                assert_eq!(message.get_field(field.number()), Some(field.clone()));
                assert_eq!(field.field_descriptor_proto().name(), field.name());
                let _ = field.default_value();
                let _ = field.kind();
            }
        }
        // Re-encoding the pool gives the files back (in dependency order).
        let again =
            FileDescriptorSet::decode(&pool.encode_file_descriptor_set()[..]).expect("decode");
        let mut names: Vec<_> = again.file.iter().map(|f| f.name().to_owned()).collect();
        let mut expected: Vec<_> = set.file.iter().map(|f| f.name().to_owned()).collect();
        names.sort();
        expected.sort();
        assert_eq!(names, expected);
    }
    assert!(messages > 1000, "only {messages} messages seen");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
