//! The `protoforge` command: a protoc-compatible front end.

fn main() {}
