//! Every descriptor set that real protoc wrote under `testdata/descriptors/**/goldens/`
//! decodes into `protoforge::descriptor::FileDescriptorSet` and re-encodes to the very same
//! bytes, custom options and source info included.

use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;

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

#[test]
fn every_golden_round_trips_byte_identical() {
    let files = goldens();
    assert!(
        files.len() > 100,
        "expected the protoc goldens, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut with_unknown = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("read golden");
        let set = match FileDescriptorSet::decode(&bytes[..]) {
            Ok(set) => set,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        assert!(!set.file.is_empty(), "{}: no files decoded", path.display());
        if set.encoded_len() != bytes.len() {
            failures.push(format!(
                "{}: encoded_len {} != {}",
                path.display(),
                set.encoded_len(),
                bytes.len()
            ));
        }
        if set.encode_to_vec() != bytes {
            failures.push(format!("{}: re-encoding differs", path.display()));
        }
        if has_unknown(&set) {
            with_unknown += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The corpus has custom options (kept as unknown/extension fields), so a decoder that
    // dropped them would fail above; check that some were actually exercised.
    assert!(with_unknown > 0, "no golden exercised unknown fields");
}

fn has_unknown(set: &FileDescriptorSet) -> bool {
    set.file.iter().any(|f| {
        f.options
            .as_ref()
            .is_some_and(|o| !o.unknown_fields.is_empty())
            || f.message_type.iter().any(|m| {
                m.options
                    .as_ref()
                    .is_some_and(|o| !o.unknown_fields.is_empty())
                    || m.field.iter().any(|fl| {
                        fl.options
                            .as_ref()
                            .is_some_and(|o| !o.unknown_fields.is_empty())
                    })
            })
    })
}

#[test]
fn issue_example_works_from_outside_the_crate() {
    let path = goldens()
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("a golden");
    let bytes = std::fs::read(&path).expect("read golden");
    let set = protoforge::descriptor::FileDescriptorSet::decode(&bytes[..])
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(set.encode_to_vec(), bytes);
}
