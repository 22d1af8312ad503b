//! Fuzz target `compile`: see `protoforge_fuzz::compile`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::compile(data));
