//! A googleapis descriptor set (Pub/Sub, made by real protoc; see `tests/data/README.md`)
//! round-trips byte for byte, and its custom options read back through the extension API
//! with the values written in the googleapis sources. prost-types, decoding the same
//! bytes, loses those options.

use protoforge::descriptor::{FieldOptions, FileDescriptorSet, MethodOptions};
use protoforge::encoding::codec;
use protoforge::{Extendable, Extension, Message, RepeatedExtension};

const BYTES: &[u8] = include_bytes!("data/googleapis_pubsub.src.pb");

/// `google.api.field_behavior`, a repeated enum (unpacked) on `FieldOptions`.
const FIELD_BEHAVIOR: RepeatedExtension<FieldOptions, codec::Int32> =
    RepeatedExtension::new(1052, false);
/// `google.api.http`, an `HttpRule` message on `MethodOptions` (read here as raw bytes).
const HTTP: Extension<MethodOptions, codec::Bytes> = Extension::new(72295728);
/// `google.api.method_signature`, a repeated string on `MethodOptions`.
const METHOD_SIGNATURE: RepeatedExtension<MethodOptions, codec::String> =
    RepeatedExtension::new(1051, false);

fn pubsub(set: &FileDescriptorSet) -> &protoforge::descriptor::FileDescriptorProto {
    set.file
        .iter()
        .find(|f| f.name() == "google/pubsub/v1/pubsub.proto")
        .expect("pubsub.proto")
}

#[test]
fn round_trips_byte_for_byte() {
    let set = FileDescriptorSet::decode(BYTES).unwrap();
    assert!(set.file.len() > 10, "{} files", set.file.len());
    assert_eq!(set.encoded_len(), BYTES.len());
    assert_eq!(set.encode_to_vec(), BYTES);
}

#[test]
fn custom_options_have_their_source_values() {
    let set = FileDescriptorSet::decode(BYTES).unwrap();
    let file = pubsub(&set);
    let topic = file
        .message_type
        .iter()
        .find(|m| m.name() == "Topic")
        .unwrap();
    let name = topic.field.iter().find(|f| f.name() == "name").unwrap();
    // `[(google.api.field_behavior) = REQUIRED, (google.api.field_behavior) = IDENTIFIER]`.
    let behavior = name
        .options
        .as_ref()
        .unwrap()
        .repeated_extension(&FIELD_BEHAVIOR)
        .unwrap();
    assert_eq!(behavior, [2, 8]);

    let service = file
        .service
        .iter()
        .find(|s| s.name() == "Publisher")
        .unwrap();
    let publish = service
        .method
        .iter()
        .find(|m| m.name() == "Publish")
        .unwrap();
    let options = publish.options.as_ref().unwrap();
    assert_eq!(
        options.repeated_extension(&METHOD_SIGNATURE).unwrap(),
        ["topic,messages"]
    );
    // HttpRule { post (4): "/v1/{topic=projects/*/topics/*}:publish", body (7): "*" }.
    let post = "/v1/{topic=projects/*/topics/*}:publish";
    let mut expected = vec![0x22, post.len() as u8];
    expected.extend(post.as_bytes());
    expected.extend([0x3a, 0x01, b'*']);
    assert_eq!(options.extension(&HTTP).unwrap(), Some(expected));
}

#[test]
fn prost_types_loses_what_protoforge_keeps() {
    use prost::Message as _;
    let theirs = prost_types::FileDescriptorSet::decode(BYTES).unwrap();
    let lost = BYTES.len() - theirs.encode_to_vec().len();
    assert!(
        lost > BYTES.len() / 100,
        "prost-types lost only {lost} bytes"
    );
    let ours = FileDescriptorSet::decode(BYTES).unwrap();
    let unknown: usize = ours
        .file
        .iter()
        .flat_map(|f| &f.service)
        .flat_map(|s| &s.method)
        .filter_map(|m| m.options.as_ref())
        .map(|o| o.extension_fields().encoded_len())
        .sum();
    assert!(unknown > 0);
    eprintln!(
        "prost-types drops {lost} of {} bytes ({:.2}%); protoforge drops none",
        BYTES.len(),
        100.0 * lost as f64 / BYTES.len() as f64
    );
}
