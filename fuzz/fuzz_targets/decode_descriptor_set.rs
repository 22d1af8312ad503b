//! Fuzz target `decode_descriptor_set`: see `protoforge_fuzz::decode_descriptor_set`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::decode_descriptor_set(data));
