//! The canonical proto3 JSON mapping for dynamic and generated messages, on `serde`.
