//! Fuzz target `text`: see `protoforge_fuzz::text`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::text(data));
