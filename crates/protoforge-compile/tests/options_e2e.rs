//! Option interpretation end to end, on the corpus files with the hardest options (custom
//! options of every kind, aggregates, features and feature extensions, source retention,
//! `import option`): compiled with `--retain_options` (interpretation only, compared with
//! `tests/options_data/retain/*.pb`, made by protoc 35.1 with
//! `protoc -I. --include_imports --retain_options`) and without it (compared with the corpus
//! goldens). On a mismatch the first element whose options differ is named, with both
//! encodings.

use std::path::{Path, PathBuf};

use protoforge::Message as _;
use protoforge::descriptor::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
use protoforge_compile::Compiler;

fn corpus_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every options message of a file, with a readable location, in a fixed order.
fn options_of(file: &FileDescriptorProto) -> Vec<(String, Vec<u8>)> {
    fn message(m: &DescriptorProto, scope: &str, out: &mut Vec<(String, Vec<u8>)>) {
        let name = format!("{scope}.{}", m.name.as_deref().unwrap_or(""));
        out.push((
            name.clone(),
            m.options
                .as_ref()
                .map(|o| o.encode_to_vec())
                .unwrap_or_default(),
        ));
        for f in m.field.iter().chain(&m.extension) {
            let n = format!("{name}.{}", f.name.as_deref().unwrap_or(""));
            out.push((
                n,
                f.options
                    .as_ref()
                    .map(|o| o.encode_to_vec())
                    .unwrap_or_default(),
            ));
        }
        for (i, r) in m.extension_range.iter().enumerate() {
            let n = format!("{name}.<extension range {i}>");
            out.push((
                n,
                r.options
                    .as_ref()
                    .map(|o| o.encode_to_vec())
                    .unwrap_or_default(),
            ));
        }
        for o in &m.oneof_decl {
            let n = format!("{name}.{}", o.name.as_deref().unwrap_or(""));
            out.push((
                n,
                o.options
                    .as_ref()
                    .map(|o| o.encode_to_vec())
                    .unwrap_or_default(),
            ));
        }
        for e in &m.enum_type {
            let n = format!("{name}.{}", e.name.as_deref().unwrap_or(""));
            out.push((
                n.clone(),
                e.options
                    .as_ref()
                    .map(|o| o.encode_to_vec())
                    .unwrap_or_default(),
            ));
            for v in &e.value {
                let vn = format!("{n}.{}", v.name.as_deref().unwrap_or(""));
                out.push((
                    vn,
                    v.options
                        .as_ref()
                        .map(|o| o.encode_to_vec())
                        .unwrap_or_default(),
                ));
            }
        }
        for n in &m.nested_type {
            message(n, &name, out);
        }
    }
    let mut out = vec![(
        "<file>".to_string(),
        file.options
            .as_ref()
            .map(|o| o.encode_to_vec())
            .unwrap_or_default(),
    )];
    let scope = file.package.clone().unwrap_or_default();
    for m in &file.message_type {
        message(m, &scope, &mut out);
    }
    for e in &file.enum_type {
        let n = format!("{scope}.{}", e.name.as_deref().unwrap_or(""));
        out.push((
            n.clone(),
            e.options
                .as_ref()
                .map(|o| o.encode_to_vec())
                .unwrap_or_default(),
        ));
        for v in &e.value {
            let vn = format!("{n}.{}", v.name.as_deref().unwrap_or(""));
            out.push((
                vn,
                v.options
                    .as_ref()
                    .map(|o| o.encode_to_vec())
                    .unwrap_or_default(),
            ));
        }
    }
    for s in &file.service {
        let n = format!("{scope}.{}", s.name.as_deref().unwrap_or(""));
        out.push((
            n.clone(),
            s.options
                .as_ref()
                .map(|o| o.encode_to_vec())
                .unwrap_or_default(),
        ));
        for m in &s.method {
            let mn = format!("{n}.{}", m.name.as_deref().unwrap_or(""));
            out.push((
                mn,
                m.options
                    .as_ref()
                    .map(|o| o.encode_to_vec())
                    .unwrap_or_default(),
            ));
        }
    }
    for x in &file.extension {
        let n = format!("{scope}.{}", x.name.as_deref().unwrap_or(""));
        out.push((
            n,
            x.options
                .as_ref()
                .map(|o| o.encode_to_vec())
                .unwrap_or_default(),
        ));
    }
    out
}

/// `None` when `ours` equals `golden`, else the first difference.
fn first_difference(ours: &FileDescriptorSet, golden: &FileDescriptorSet) -> Option<String> {
    let names = |s: &FileDescriptorSet| -> Vec<String> {
        s.file
            .iter()
            .map(|f| f.name.clone().unwrap_or_default())
            .collect()
    };
    if names(ours) != names(golden) {
        return Some(format!(
            "files differ: ours {:?}, protoc {:?}",
            names(ours),
            names(golden)
        ));
    }
    for (o, g) in ours.file.iter().zip(&golden.file) {
        if o.encode_to_vec() == g.encode_to_vec() {
            continue;
        }
        let file = g.name.as_deref().unwrap_or("");
        for ((name, ob), (_, gb)) in options_of(o).iter().zip(options_of(g).iter()) {
            if ob != gb {
                return Some(format!(
                    "{file}: options of {name} differ\n  ours:   {}\n  protoc: {}",
                    hex(ob),
                    hex(gb)
                ));
            }
        }
        return Some(format!("{file}: differs outside options"));
    }
    None
}

#[track_caller]
fn check_options(file: &str, retain: bool, golden: &[u8]) {
    let compiled = Compiler::new()
        .include_path(corpus_src().to_string_lossy())
        .include_imports(true)
        .retain_options(retain)
        .compile(&[file]);
    let compiled = match compiled {
        Ok(c) => c,
        Err(e) => panic!("{file} rejected:\n{e}"),
    };
    let golden = FileDescriptorSet::decode(golden).expect("golden decodes");
    if let Some(diff) = first_difference(&compiled.files, &golden) {
        panic!("{file} (retain_options = {retain}): {diff}");
    }
}

macro_rules! option_cases {
    ($($test:ident: $file:literal, $name:literal;)*) => {$(
        #[test]
        fn $test() {
            check_options(
                concat!("google/protobuf/", $file),
                true,
                include_bytes!(concat!("options_data/retain/", $name, ".pb")),
            );
            check_options(
                concat!("google/protobuf/", $file),
                false,
                include_bytes!(concat!(
                    "../../../testdata/descriptors/protobuf/goldens/google/protobuf/",
                    $file,
                    ".pb"
                )),
            );
        }
    )*};
}

option_cases! {
    custom_options: "unittest_custom_options.proto", "unittest_custom_options";
    features: "unittest_features.proto", "unittest_features";
    custom_features: "unittest_custom_features.proto", "unittest_custom_features";
    descriptor_proto: "descriptor.proto", "descriptor";
    edition_unittest: "edition_unittest.proto", "edition_unittest";
    import_option: "unittest_import_option.proto", "unittest_import_option";
    retention: "unittest_retention.proto", "unittest_retention";
}
