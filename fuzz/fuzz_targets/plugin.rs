//! Fuzz target `plugin`: see `protoforge_fuzz::plugin`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::plugin(data));
