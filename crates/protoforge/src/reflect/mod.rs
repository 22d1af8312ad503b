//! Runtime reflection: a descriptor pool built from encoded `FileDescriptorSet`s, typed
//! views of its files, messages, fields, enums, services and extensions, and
//! `DynamicMessage`, which encodes and decodes any message by its descriptor.
