//! Hostile descriptor sets through the code generator (as a plugin request or
//! `--descriptor_set_in` would bring them): nothing may recurse along an input-sized chain.

use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
    field_descriptor_proto::{Label, Type},
};
use protoforge_codegen::{Config, generate};

/// Files in the import chain: far more than the old recursive walk could follow in the
/// stack below.
const CHAIN: usize = 100_000;

/// The stack of the thread that generates: 256 KiB.
const STACK: usize = 256 << 10;

/// `f0.proto` .. `f{n-1}.proto` in one package, each importing the next and holding one
/// message with an `int32` field.
fn import_chain(n: usize) -> FileDescriptorSet {
    let file = (0..n)
        .map(|i| FileDescriptorProto {
            name: Some(format!("f{i}.proto")),
            package: Some("chain".into()),
            dependency: if i + 1 < n {
                vec![format!("f{}.proto", i + 1)]
            } else {
                Vec::new()
            },
            message_type: vec![DescriptorProto {
                name: Some(format!("M{i}")),
                field: vec![FieldDescriptorProto {
                    name: Some("x".into()),
                    number: Some(1),
                    label: Some(Label::Optional),
                    r#type: Some(Type::Int32),
                    json_name: Some("x".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            syntax: Some("proto3".into()),
            ..Default::default()
        })
        .collect();
    FileDescriptorSet {
        file,
        ..Default::default()
    }
}

#[test]
fn a_long_import_chain_is_generated_with_a_small_stack() {
    let set = import_chain(CHAIN);
    let generated = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let names = ["f0.proto".to_string()];
            generate(&set, &names, &Config::new()).map(|files| files.len())
        })
        .expect("spawn the generating thread")
        .join()
        .expect("generation does not overflow the stack");
    assert!(
        generated.expect("the chain generates") >= 1,
        "one file at least"
    );
}

#[test]
fn an_import_cycle_in_a_descriptor_set_is_walked_once() {
    // f0 imports f1, which imports f0 back: the embedded descriptor set holds each once.
    let mut set = import_chain(2);
    set.file[1].dependency.push("f0.proto".into());
    let names = ["f0.proto".to_string()];
    let files = generate(&set, &names, &Config::new()).expect("generates");
    assert!(!files.is_empty());
}
