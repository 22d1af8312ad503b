//! Protobuf text format: printing and parsing messages the way protoc does.
