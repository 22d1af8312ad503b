//! Fuzz target `grpc_frames`: see `protoforge_fuzz::grpc_frames`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protoforge_fuzz::grpc_frames(data));
