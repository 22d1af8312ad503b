//! Runtime reflection: a descriptor pool built from encoded `FileDescriptorSet`s, typed
//! views of its files, messages, fields, enums, services and extensions, and
//! [`DynamicMessage`], which encodes and decodes any message by its descriptor.
//!
//! This module owns descriptors at runtime ([`DescriptorPool`] and its handles, with names
//! resolved and editions features resolved to plain answers such as
//! [`FieldDescriptor::is_packed`]) and dynamic messages (values, wire encoding and decoding
//! with the same rules as generated code, unknown fields and extensions). It must not touch
//! the text or JSON formats, which live in `protoforge::text` and `protoforge::json` and are
//! built on this API, and it depends on nothing beyond `bytes`.
//!
//! ```
//! use protoforge::Message;
//! use protoforge::descriptor::{FileDescriptorProto, FileDescriptorSet};
//! use protoforge::reflect::{DescriptorPool, DynamicMessage, Value};
//!
//! let file = FileDescriptorProto { name: Some("a.proto".into()), ..Default::default() };
//! let set = FileDescriptorSet { file: vec![file.clone()], ..Default::default() };
//! let pool = DescriptorPool::decode(&set.encode_to_vec()).unwrap();
//! assert_eq!(pool.files().len(), 1);
//! ```
//!
//! Handles (`MessageDescriptor`, `FieldDescriptor`, ...) hold a clone of the pool (one `Arc`)
//! and an index, so they are cheap to clone and compare. A pool is immutable once built except
//! through its `add_*` methods, which copy the pool's contents first if handles still share
//! it, so existing handles keep seeing the files they were made from.

mod any;
mod descriptors;
mod dynamic;
mod pool;
mod value;
mod wire;

pub use crate::descriptor::{FileDescriptorProto, FileDescriptorSet};

pub(crate) use self::any::AnyPayloads;
pub use self::descriptors::{
    Cardinality, EnumDescriptor, EnumValueDescriptor, ExtensionDescriptor, FieldDescriptor,
    FileDescriptor, Kind, MessageDescriptor, MethodDescriptor, OneofDescriptor, ServiceDescriptor,
    Syntax,
};
pub use self::dynamic::DynamicMessage;
pub use self::pool::{DescriptorError, DescriptorPool};
pub use self::value::{MapKey, SetFieldError, Value};

/// Implemented by generated messages when codegen's reflect option is on: the message's
/// descriptor (from the pool generated code registers into) and conversion to and from
/// [`DynamicMessage`] through the wire format.
pub trait ReflectMessage: crate::Message {
    /// The descriptor of this message type.
    fn descriptor() -> MessageDescriptor;

    /// The same message as a [`DynamicMessage`] (encoded, then decoded by descriptor).
    fn to_dynamic(&self) -> DynamicMessage {
        let mut msg = DynamicMessage::new(Self::descriptor());
        // Bytes this type just encoded always decode again; should they not, the message
        // keeps what it could read, which is the best a conversion without `Result` can do.
        let _ = msg.transcode_from(self);
        msg
    }

    /// The message a [`DynamicMessage`] holds, converted through the wire format.
    fn from_dynamic(msg: &DynamicMessage) -> Result<Self, crate::DecodeError> {
        msg.transcode_to()
    }
}
