//! Fuzz target `descriptor_set_in`: see `protoforge_fuzz::descriptor_set_in`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::descriptor_set_in(data));
