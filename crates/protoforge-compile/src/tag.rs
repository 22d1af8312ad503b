//! Field numbers of `descriptor.proto` messages, as used in `SourceCodeInfo` paths and span
//! lookups. Paths are built from these names, never from bare numbers.
#![allow(dead_code)] // A complete table; not every number is used by every pass.

/// `FileDescriptorProto` fields.
pub(crate) mod file {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const PACKAGE: i32 = 2;
    pub(crate) const DEPENDENCY: i32 = 3;
    pub(crate) const MESSAGE_TYPE: i32 = 4;
    pub(crate) const ENUM_TYPE: i32 = 5;
    pub(crate) const SERVICE: i32 = 6;
    pub(crate) const EXTENSION: i32 = 7;
    pub(crate) const OPTIONS: i32 = 8;
    pub(crate) const SOURCE_CODE_INFO: i32 = 9;
    pub(crate) const PUBLIC_DEPENDENCY: i32 = 10;
    pub(crate) const WEAK_DEPENDENCY: i32 = 11;
    pub(crate) const SYNTAX: i32 = 12;
    pub(crate) const EDITION: i32 = 14;
    pub(crate) const OPTION_DEPENDENCY: i32 = 15;
}

/// `DescriptorProto` fields.
pub(crate) mod message {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const FIELD: i32 = 2;
    pub(crate) const NESTED_TYPE: i32 = 3;
    pub(crate) const ENUM_TYPE: i32 = 4;
    pub(crate) const EXTENSION_RANGE: i32 = 5;
    pub(crate) const EXTENSION: i32 = 6;
    pub(crate) const OPTIONS: i32 = 7;
    pub(crate) const ONEOF_DECL: i32 = 8;
    pub(crate) const RESERVED_RANGE: i32 = 9;
    pub(crate) const RESERVED_NAME: i32 = 10;
    pub(crate) const VISIBILITY: i32 = 11;
}

/// `DescriptorProto.ExtensionRange` fields.
pub(crate) mod extension_range {
    pub(crate) const START: i32 = 1;
    pub(crate) const END: i32 = 2;
    pub(crate) const OPTIONS: i32 = 3;
}

/// `DescriptorProto.ReservedRange` / `EnumDescriptorProto.EnumReservedRange` fields.
pub(crate) mod reserved_range {
    pub(crate) const START: i32 = 1;
    pub(crate) const END: i32 = 2;
}

/// `FieldDescriptorProto` fields.
pub(crate) mod field {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const EXTENDEE: i32 = 2;
    pub(crate) const NUMBER: i32 = 3;
    pub(crate) const LABEL: i32 = 4;
    pub(crate) const TYPE: i32 = 5;
    pub(crate) const TYPE_NAME: i32 = 6;
    pub(crate) const DEFAULT_VALUE: i32 = 7;
    pub(crate) const OPTIONS: i32 = 8;
    pub(crate) const ONEOF_INDEX: i32 = 9;
    pub(crate) const JSON_NAME: i32 = 10;
    pub(crate) const PROTO3_OPTIONAL: i32 = 17;
}

/// `OneofDescriptorProto` fields.
pub(crate) mod oneof {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const OPTIONS: i32 = 2;
}

/// `EnumDescriptorProto` fields.
pub(crate) mod enum_ {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const VALUE: i32 = 2;
    pub(crate) const OPTIONS: i32 = 3;
    pub(crate) const RESERVED_RANGE: i32 = 4;
    pub(crate) const RESERVED_NAME: i32 = 5;
    pub(crate) const VISIBILITY: i32 = 6;
}

/// `EnumValueDescriptorProto` fields.
pub(crate) mod enum_value {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const NUMBER: i32 = 2;
    pub(crate) const OPTIONS: i32 = 3;
}

/// `ServiceDescriptorProto` fields.
pub(crate) mod service {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const METHOD: i32 = 2;
    pub(crate) const OPTIONS: i32 = 3;
}

/// `MethodDescriptorProto` fields.
pub(crate) mod method {
    pub(crate) const NAME: i32 = 1;
    pub(crate) const INPUT_TYPE: i32 = 2;
    pub(crate) const OUTPUT_TYPE: i32 = 3;
    pub(crate) const OPTIONS: i32 = 4;
    pub(crate) const CLIENT_STREAMING: i32 = 5;
    pub(crate) const SERVER_STREAMING: i32 = 6;
}

/// Field number of `uninterpreted_option` in every `*Options` message.
pub(crate) const UNINTERPRETED_OPTION: i32 = 999;
