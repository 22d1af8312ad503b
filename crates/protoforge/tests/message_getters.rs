//! Getters of singular message fields read through an unset field to the type's shared
//! default instance, so `msg.options().deprecated()` needs no unwrapping.

mod common;

use common::Nested;
use protoforge::Message;
use protoforge::descriptor::{DescriptorProto, FileDescriptorProto, FileOptions, MessageOptions};

#[test]
fn unset_message_fields_read_as_the_default_instance() {
    let file = FileDescriptorProto::default();
    assert!(file.options.is_none());
    assert_eq!(file.options(), &FileOptions::default());
    assert_eq!(file.options().java_package(), "");
    // Defaults declared in the .proto come through the default instance too.
    assert!(!file.options().java_multiple_files());
    assert_eq!(
        file.options().optimize_for(),
        protoforge::descriptor::file_options::OptimizeMode::Speed
    );
    assert!(std::ptr::eq(
        file.options(),
        FileOptions::default_instance()
    ));
}

#[test]
fn set_message_fields_read_as_themselves() {
    let message = DescriptorProto {
        options: Some(MessageOptions {
            deprecated: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert!(message.options().deprecated());
    assert!(std::ptr::eq(
        message.options(),
        message.options.as_ref().unwrap()
    ));
}

#[test]
fn default_instances_are_shared_across_threads() {
    let here = FileOptions::default_instance() as *const FileOptions as usize;
    let there =
        std::thread::spawn(|| FileOptions::default_instance() as *const FileOptions as usize)
            .join()
            .unwrap();
    assert_eq!(here, there);
}

#[test]
fn hand_written_messages_get_a_default_instance_from_the_runtime() {
    // `Nested` implements `Message` by hand.
    let first = Nested::default_instance();
    assert_eq!(first, &Nested::default());
    let again = std::thread::spawn(|| Nested::default_instance() as *const Nested as usize)
        .join()
        .unwrap();
    assert_eq!(first as *const Nested as usize, again);
}
