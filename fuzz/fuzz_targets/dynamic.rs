//! Fuzz target `dynamic`: see `protoforge_fuzz::dynamic`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::dynamic(data));
