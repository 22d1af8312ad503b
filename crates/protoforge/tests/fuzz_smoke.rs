//! The fuzz target's property on stable Rust, over random, mutated-golden and adversarial
//! inputs: decoding arbitrary bytes as a `FileDescriptorSet` never panics, what decodes
//! re-encodes consistently, and the peak memory a decode allocates stays within a fixed
//! multiple of the input length (a length prefix never reserves more than the input has).

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Tests in this file measure one at a time.
static MEASURE: Mutex<()> = Mutex::new(());

// SAFETY: every call forwards to the system allocator with the same arguments; the counters
// are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same layout as given to us.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            // A moving realloc briefly holds both blocks.
            PEAK.fetch_max(now + layout.size(), Ordering::Relaxed);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The largest allowed ratio of peak decode allocation to input length. Two input bytes
/// (`0a 00`) make one empty `FileDescriptorProto` of a few hundred bytes, and a growing
/// `Vec` may hold twice what it needs, so the bound is per input byte, plus a constant.
const BYTES_PER_INPUT_BYTE: usize = 1024;
const SLACK: usize = 64 * 1024;

/// Decodes `data`, checks the fuzz property, and returns the peak bytes the decode allocated.
fn check(data: &[u8]) -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let decoded = FileDescriptorSet::decode(data);
    let peak = PEAK.load(Ordering::Relaxed) - base;
    if let Ok(set) = decoded {
        let bytes = set.encode_to_vec();
        assert_eq!(bytes.len(), set.encoded_len());
        let again = FileDescriptorSet::decode(&bytes[..]).expect("re-encoded bytes decode");
        assert_eq!(again, set);
    }
    assert!(
        peak <= BYTES_PER_INPUT_BYTE * data.len() + SLACK,
        "decoding {} bytes allocated {peak} bytes: {:02x?}",
        data.len(),
        &data[..data.len().min(64)]
    );
    peak
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn golden(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../testdata/descriptors/protobuf/goldens/google/protobuf/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("golden")
}

#[test]
fn random_bytes() {
    let _guard = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = Rng(7);
    for _ in 0..20_000 {
        let len = rng.below(64);
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check(&data);
    }
}

#[test]
fn mutated_goldens() {
    let _guard = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = Rng(11);
    for name in [
        "unittest_custom_options.proto.src.pb",
        "any.proto.pb",
        "unittest_proto3.proto.pb",
    ] {
        let original = golden(name);
        assert!(check(&original) > 0);
        for _ in 0..300 {
            let mut data = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(data.len());
                match rng.below(4) {
                    0 => data[at] ^= 1 << rng.below(8),
                    1 => data[at] = rng.next() as u8,
                    2 => data.truncate(at),
                    _ => data.insert(at, rng.next() as u8),
                }
                if data.is_empty() {
                    break;
                }
            }
            check(&data);
        }
    }
}

#[test]
fn adversarial_shapes() {
    let _guard = MEASURE.lock().unwrap_or_else(|e| e.into_inner());
    // Many empty files; many empty messages inside one file; many tiny unknown fields.
    let mut worst = 0f64;
    let cases: Vec<Vec<u8>> = vec![
        [0x0a, 0x00].repeat(50_000),
        {
            let body = [0x22, 0x00].repeat(50_000);
            let mut v = vec![0x0a, 0xa0, 0x8d, 0x06];
            v.extend(body);
            v
        },
        [0x10, 0x01].repeat(50_000),
        [0x0a, 0x02, 0x50, 0x01].repeat(20_000),
        // A huge length prefix with nothing behind it.
        vec![0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f],
        vec![0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
    ];
    for data in &cases {
        let peak = check(data);
        worst = worst.max(peak as f64 / data.len() as f64);
    }
    eprintln!("worst peak allocation: {worst:.1} bytes per input byte");
}
