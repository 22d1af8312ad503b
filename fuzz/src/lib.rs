//! The bodies of protoforge's fuzz targets, one function per target.
//!
//! Each function takes the fuzzer's bytes and panics only when a property is broken: a panic
//! inside protoforge on bad input, a round trip that changes a message, or dynamic and
//! generated code disagreeing. The binaries in `fuzz_targets/` (built by `cargo fuzz` with the
//! `libfuzzer` feature) are one-line wrappers; `tests/seeds.rs` runs every function over every
//! seed in `seeds/` under plain `cargo test`, so the harnesses are compiled and exercised on
//! every test run without a sanitizer build.

use std::path::PathBuf;
use std::sync::OnceLock;

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge::reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};

/// A target's body.
pub type Body = fn(&[u8]);

/// Every target: its name (the binary's and the seed directory's) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("parse", parse),
    ("decode_descriptor_set", decode_descriptor_set),
    ("compile", compile),
    ("descriptor_set_in", descriptor_set_in),
    ("text", text),
    ("json", json),
    ("dynamic", dynamic),
    ("plugin", plugin),
    ("grpc_frames", grpc_frames),
    ("decode_view", decode_view),
];

/// `.proto` text through the parser: no panic, every diagnostic renders in both forms.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (_tree, diags, map) = protoforge_parse::parse("fuzz.proto", &text);
    for d in &diags {
        let _ = d.render_protoc(&map);
        let _ = d.render_rich(&map, false);
    }
}

/// Bytes decoded as a `FileDescriptorSet`: what decodes re-encodes to bytes that decode to
/// the same value, with an exact `encoded_len`.
pub fn decode_descriptor_set(data: &[u8]) {
    if let Ok(set) = FileDescriptorSet::decode(data) {
        let bytes = set.encode_to_vec();
        assert_eq!(bytes.len(), set.encoded_len());
        let again = FileDescriptorSet::decode(&bytes[..]).expect("re-encoded bytes decode");
        assert_eq!(again, set);
    }
}

/// Most files one compile input is split into.
const MAX_FILES: usize = 8;

/// A private directory for [`compile`]'s files, emptied before each input.
fn scratch_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("protoforge-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    })
}

/// The whole compiler on a set of files: the input, split at NUL bytes, is files `f0.proto`,
/// `f1.proto`, ... (at most [`MAX_FILES`]) in one include directory, so imports between them,
/// of the bundled well-known types, options and extensions all reach the linker. All files
/// are compiled together; what compiles must build a runtime pool and generate Rust code.
pub fn compile(data: &[u8]) {
    let dir = scratch_dir();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let mut names = Vec::new();
    for (i, body) in data.split(|&b| b == 0).take(MAX_FILES).enumerate() {
        let name = format!("f{i}.proto");
        std::fs::write(dir.join(&name), body).expect("write a scratch file");
        names.push(name);
    }
    let compiled = protoforge_compile::Compiler::new()
        .include_path(dir.to_string_lossy())
        .include_imports(true)
        .include_source_info(true)
        .compile(&names);
    match compiled {
        Ok(compiled) => {
            for w in &compiled.warnings {
                let _ = w.render_protoc(&compiled.sources);
            }
            let encoded = compiled.files.encode_to_vec();
            if let Err(e) = DescriptorPool::decode(&encoded) {
                panic!("compiled files do not build a pool: {e}");
            }
            let config = protoforge_codegen::Config::new();
            if let Err(e) = protoforge_codegen::generate(&compiled.files, &names, &config) {
                panic!("compiled files do not generate: {e}");
            }
        }
        Err(e) => {
            let _ = e.render(protoforge_compile::ErrorFormat::Gcc);
            let _ = e.render(protoforge_compile::ErrorFormat::Pretty { color: false });
        }
    }
}

/// Bytes as `--descriptor_set_in`: every file named in the set is compiled from it.
pub fn descriptor_set_in(data: &[u8]) {
    let Ok(compiler) = protoforge_compile::Compiler::new().descriptor_set_in(data) else {
        return;
    };
    let Ok(set) = FileDescriptorSet::decode(data) else {
        return;
    };
    let names: Vec<&str> = set.file.iter().map(|f| f.name()).take(64).collect();
    if names.is_empty() {
        return;
    }
    if let Ok(compiled) = compiler.include_imports(true).compile(&names) {
        let _ = DescriptorPool::decode(&compiled.files.encode_to_vec());
    }
}

/// The conformance test messages, `descriptor.proto` and the well-known types.
fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(include_bytes!(
            "../../crates/protoforge/tests/data/reflect_test_messages.pb"
        ))
        .expect("the test descriptors build a pool")
    })
}

/// The message types the format targets pick from with the input's first byte.
const FORMAT_TYPES: &[&str] = &[
    "protobuf_test_messages.proto3.TestAllTypesProto3",
    "protobuf_test_messages.proto2.TestAllTypesProto2",
    "google.protobuf.Any",
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.Timestamp",
    "google.protobuf.FileDescriptorSet",
];

/// The type the first byte picks and the rest of the input.
fn pick(data: &[u8]) -> Option<(MessageDescriptor, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let name = FORMAT_TYPES[usize::from(first) % FORMAT_TYPES.len()];
    Some((pool().get_message_by_name(name)?, rest))
}

/// Whether two messages are the same, comparing encodings (so NaN equals itself).
fn same(a: &DynamicMessage, b: &DynamicMessage) -> bool {
    a.encode_to_vec() == b.encode_to_vec() || a == b
}

/// Text format: what parses prints (both layouts) to text that parses back to the same
/// message; printing raw fields (`--decode_raw`) never panics.
pub fn text(data: &[u8]) {
    let _ = protoforge::text::print_unknown(data);
    let Some((desc, input)) = pick(data) else {
        return;
    };
    if let Ok(msg) = DynamicMessage::decode(desc.clone(), input) {
        let _ = protoforge::text::print(&msg);
    }
    let Ok(msg) = protoforge::text::parse(desc.clone(), input) else {
        return;
    };
    for options in [
        protoforge::text::PrintOptions::new(),
        protoforge::text::PrintOptions {
            single_line: true,
            ..protoforge::text::PrintOptions::new()
        },
    ] {
        let printed = protoforge::text::print_with(&msg, &options);
        let back = protoforge::text::parse(desc.clone(), &printed)
            .unwrap_or_else(|e| panic!("printed text does not parse: {e}\n{printed}"));
        assert!(
            same(&msg, &back),
            "text round trip changed the message:\n{printed}"
        );
    }
}

/// JSON: what parses and prints parses back to the same message.
pub fn json(data: &[u8]) {
    let Some((desc, input)) = pick(data) else {
        return;
    };
    if let Ok(msg) = DynamicMessage::decode(desc.clone(), input) {
        let _ = protoforge::json::to_string(&msg);
    }
    let Ok(input) = std::str::from_utf8(input) else {
        return;
    };
    let Ok(msg) = protoforge::json::from_str(desc.clone(), input) else {
        return;
    };
    let Ok(printed) = protoforge::json::to_string(&msg) else {
        return;
    };
    let back = protoforge::json::from_str(desc, &printed)
        .unwrap_or_else(|e| panic!("printed JSON does not parse: {e}\n{printed}"));
    assert!(
        same(&msg, &back),
        "JSON round trip changed the message:\n{printed}"
    );
}

/// Decodes with generated code (`T`) and with a `DynamicMessage` of `name`: both succeed or
/// both fail, and they encode the same bytes. For a type that reaches a map, whose entries
/// either side may write in another order, the bytes have the same length and decode to the
/// same message; for an input with extensions, which either side may also write in another
/// order or with repeated occurrences merged, they decode to the same message.
fn differential<T: Message + Default>(name: &str, data: &[u8], reaches_map: bool) {
    let Some(desc) = pool().get_message_by_name(name) else {
        panic!("{name} is not in the pool");
    };
    let generated = T::decode(data);
    let dynamic = DynamicMessage::decode(desc.clone(), data);
    match (&generated, &dynamic) {
        (Ok(generated), Ok(dynamic)) => {
            let bytes = dynamic.encode_to_vec();
            assert_eq!(bytes.len(), dynamic.encoded_len());
            let generated_bytes = generated.encode_to_vec();
            // Map entries may come in either order, and so may extensions: generated code
            // keeps them among the unknown fields as read (each occurrence of a singular
            // message extension on its own), `DynamicMessage` writes the ones it knows by
            // number before the unknown fields (as protobuf's C++ does), occurrences merged.
            let extensions = has_extension_field(&desc, data);
            if reaches_map || extensions {
                if !extensions {
                    assert_eq!(generated_bytes.len(), bytes.len());
                }
                let decoded = DynamicMessage::decode(desc.clone(), &generated_bytes[..])
                    .expect("generated bytes decode");
                assert!(
                    same(dynamic, &decoded),
                    "generated and dynamic {name} encode differently"
                );
            } else {
                assert_eq!(
                    generated_bytes, bytes,
                    "generated and dynamic {name} encode differently"
                );
            }
            let again = DynamicMessage::decode(desc, &bytes).expect("re-encoded bytes decode");
            assert!(same(dynamic, &again));
        }
        (Err(_), Err(_)) => {}
        // Generated code keeps extensions as unknown fields, decoded when read; the dynamic
        // message decodes the extensions its pool knows at once, so a malformed one fails
        // only there.
        (Ok(_), Err(_)) if has_extension_field(&desc, data) => {}
        (generated, dynamic) => panic!(
            "generated and dynamic {name} disagree: generated {:?}, dynamic {:?}",
            generated.as_ref().err(),
            dynamic.as_ref().err()
        ),
    }
}

/// `DynamicMessage` decode and encode, against the runtime's generated code for the same
/// types (`descriptor.proto`'s and well-known types), chosen by the first byte.
pub fn dynamic(data: &[u8]) {
    use protoforge::{descriptor as d, wkt};
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    match first % 8 {
        0 => differential::<d::FileDescriptorSet>("google.protobuf.FileDescriptorSet", rest, false),
        1 => differential::<d::DescriptorProto>("google.protobuf.DescriptorProto", rest, false),
        2 => differential::<d::FieldOptions>("google.protobuf.FieldOptions", rest, false),
        3 => differential::<d::FeatureSet>("google.protobuf.FeatureSet", rest, false),
        4 => differential::<wkt::Any>("google.protobuf.Any", rest, false),
        5 => differential::<wkt::Timestamp>("google.protobuf.Timestamp", rest, false),
        6 => differential::<wkt::ListValue>("google.protobuf.ListValue", rest, true),
        _ => differential::<d::SourceCodeInfo>("google.protobuf.SourceCodeInfo", rest, false),
    }
}

/// Whether `data`, a message of type `desc`, has a top-level field numbered in one of the
/// type's extension ranges.
fn has_extension_field(desc: &protoforge::reflect::MessageDescriptor, data: &[u8]) -> bool {
    protoforge::wkt::Empty::decode(data).is_ok_and(|fields| {
        fields
            .unknown_fields
            .iter()
            .any(|field| desc.is_extension_number(field.number))
    })
}

/// A `CodeGeneratorRequest` through the Rust code generator, as `protoc-gen-protoforge`
/// receives it: errors are fine, panics are not.
pub fn plugin(data: &[u8]) {
    let Ok(request) = protoforge::plugin::CodeGeneratorRequest::decode(data) else {
        return;
    };
    let Ok(config) = protoforge_codegen::Config::from_options(request.parameter()) else {
        return;
    };
    let set = FileDescriptorSet {
        file: request.proto_file.clone(),
        ..Default::default()
    };
    let _ = protoforge_codegen::generate(&set, &request.file_to_generate, &config);
}

/// Bytes as the body of a gRPC request, read message by message through `protoforge`'s
/// codec and tonic's frame decoder (a 4 MiB message limit): no panic.
pub fn grpc_frames(data: &[u8]) {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    use tonic::codec::Codec as _;

    let mut codec = protoforge::grpc::Codec::<FileDescriptorSet, FileDescriptorSet>::default();
    let body = http_body_util::Full::new(bytes::Bytes::copy_from_slice(data));
    let mut stream =
        tonic::codec::Streaming::new_request(codec.decoder(), body, None, Some(4 << 20));
    let mut context = Context::from_waker(Waker::noop());
    // The body is in memory, so every poll is ready; a bound keeps a bug from looping.
    for _ in 0..data.len() + 2 {
        let mut next = std::pin::pin!(stream.message());
        match next.as_mut().poll(&mut context) {
            Poll::Ready(Ok(Some(_))) => {}
            Poll::Ready(Ok(None)) | Poll::Ready(Err(_)) | Poll::Pending => return,
        }
    }
}

/// protobuf's conformance test messages (`test_messages_proto3.proto`,
/// `test_messages_proto2.proto` and their editions forms) generated with zero-copy views by
/// `build.rs`.
#[allow(missing_docs)] // Fields without a .proto comment have no docs.
pub mod views {
    /// `protobuf_test_messages.proto3`.
    pub mod proto3 {
        include!(concat!(
            env!("OUT_DIR"),
            "/protobuf_test_messages.proto3.rs"
        ));
    }
    /// `protobuf_test_messages.proto2`.
    pub mod proto2 {
        include!(concat!(
            env!("OUT_DIR"),
            "/protobuf_test_messages.proto2.rs"
        ));
    }
    /// `protobuf_test_messages.editions.proto2` (edition 2023, proto2 semantics).
    pub mod editions_proto2 {
        include!(concat!(
            env!("OUT_DIR"),
            "/protobuf_test_messages.editions.proto2.rs"
        ));
    }
    /// `protobuf_test_messages.editions.proto3` (edition 2023, proto3 semantics).
    pub mod editions_proto3 {
        include!(concat!(
            env!("OUT_DIR"),
            "/protobuf_test_messages.editions.proto3.rs"
        ));
    }
}

/// `testdata/codegen/views.proto`, generated with views through `protoforge_build`: every
/// item, views included, is documented, and no lint fires.
#[deny(warnings, missing_docs, clippy::all)]
pub mod snap_views {
    include!(concat!(env!("OUT_DIR"), "/snap.views.rs"));
}

/// `testdata/codegen/views_open.proto` (open enums in views), as [`snap_views`].
#[deny(warnings, missing_docs, clippy::all)]
pub mod snap_views_open {
    include!(concat!(env!("OUT_DIR"), "/snap.views_open.rs"));
}

/// Bytes decoded both as a zero-copy view and as an owned message (by the first byte modulo
/// 4: `TestAllTypesProto3`, `TestAllTypesProto2`, then their editions forms, whose groups are
/// delimited fields): both fail or both succeed,
/// and then the view's owned message equals the decoded one and every lazy field of the view
/// can be walked.
pub fn decode_view(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    match first % 4 {
        0 => view_differential::<views::proto3::TestAllTypesProto3View<'_>>(rest),
        1 => view_differential::<views::proto2::TestAllTypesProto2View<'_>>(rest),
        2 => view_differential::<views::editions_proto3::TestAllTypesProto3View<'_>>(rest),
        _ => view_differential::<views::editions_proto2::TestAllTypesProto2View<'_>>(rest),
    }
}

/// The property of [`decode_view`] for one view type `V`; panics when it is broken.
pub fn view_differential<'a, V: protoforge::MessageView<'a>>(data: &'a [u8]) {
    let owned = <V::Owned as Message>::decode(data);
    let view = V::decode(data);
    match (owned, view) {
        (Ok(owned), Ok(view)) => {
            // Debug walks every lazy field (repeated, maps, lazy sub-messages).
            let shown = format!("{view:?}");
            let converted = view.to_owned_message();
            assert!(
                same_message(&converted, &owned),
                "view and owned decode differ:\nview:  {converted:?}\nowned: {owned:?}\nview fields: {shown}"
            );
        }
        (Err(_), Err(_)) => {}
        (owned, view) => panic!(
            "owned and view decode disagree: owned {:?}, view {:?}",
            owned.err(),
            view.err()
        ),
    }
}

/// Whether two messages are equal. NaN is not equal to itself, so messages holding one are
/// compared by their encoded length and the characters of their `Debug` text, sorted (hash
/// maps print in no fixed order).
pub fn same_message<M: Message>(a: &M, b: &M) -> bool {
    if a == b {
        return true;
    }
    let (x, y) = (format!("{a:?}"), format!("{b:?}"));
    if !x.contains("NaN") {
        return false;
    }
    let sorted = |text: &str| {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars
    };
    a.encoded_len() == b.encoded_len() && sorted(&x) == sorted(&y)
}
