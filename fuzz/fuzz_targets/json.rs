//! Fuzz target `json`: see `protoforge_fuzz::json`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::json(data));
