//! Fuzz target `parse`: see `protoforge_fuzz::parse`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::parse(data));
