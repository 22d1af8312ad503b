//! Fuzz target: arbitrary bytes decoded as a `FileDescriptorSet` never panic, and whatever
//! decodes re-encodes to bytes that decode to the same value with an exact `encoded_len`.
//! (The allocation bound is checked on stable by `crates/protoforge/tests/fuzz_smoke.rs`.)

#![no_main]

use libfuzzer_sys::fuzz_target;
use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;

fuzz_target!(|data: &[u8]| {
    if let Ok(set) = FileDescriptorSet::decode(data) {
        let bytes = set.encode_to_vec();
        assert_eq!(bytes.len(), set.encoded_len());
        let again = FileDescriptorSet::decode(&bytes[..]).expect("re-encoded bytes decode");
        assert_eq!(again, set);
    }
});
