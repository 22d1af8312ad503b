//! `protoforge-cli`'s library: the protoc-plugin code the `protoforge` command and the
//! plugin binaries `protoc-gen-protoforge` and `protoc-gen-protoforge-grpc` share. It speaks the
//! plugin protocol only and holds no compiler or codegen logic (generation, including the
//! split into a messages and a services half, is `protoforge_codegen`'s).

pub mod plugin;
