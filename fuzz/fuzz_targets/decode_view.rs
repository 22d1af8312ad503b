//! Fuzz target `decode_view`: see `protoforge_fuzz::decode_view`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::decode_view(data));
