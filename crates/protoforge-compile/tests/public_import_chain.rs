//! `import public` chains (each file re-exporting the next, so the last is visible from the
//! first through all of them) cost memory linear in the chain: a counting allocator measures
//! the peak of live heap bytes while chains of 1,000, 2,000 and 4,000 files compile, and each
//! doubling of the chain may at most a little more than double it.

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use protoforge_compile::Compiler;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call forwards to `System` with the caller's arguments; the counters have no
// effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grow(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Writes `f0.proto` .. `f{n-1}.proto` into `dir`: each publicly imports the next and uses
/// the message of the last through the chain.
fn write_chain(dir: &Path, n: usize) {
    for i in 0..n {
        let mut text = String::from("syntax = \"proto3\";\npackage chain;\n");
        if i + 1 < n {
            let _ = writeln!(text, "import public \"f{}.proto\";", i + 1);
            let _ = writeln!(text, "message M{i} {{ M{} last = 1; }}", n - 1);
        } else {
            let _ = writeln!(text, "message M{i} {{ int32 end = 1; }}");
        }
        std::fs::write(dir.join(format!("f{i}.proto")), text).expect("write a chain file");
    }
}

/// The peak of live heap bytes above what was live before, while the chain of `n` files
/// compiles.
fn peak_for_chain(n: usize) -> usize {
    let dir = std::env::temp_dir().join(format!(
        "protoforge-public-chain-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the chain directory");
    write_chain(&dir, n);
    let compiler = Compiler::new().include_path(dir.to_string_lossy());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let compiled = compiler.compile(&["f0.proto"]);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(compiled.is_ok(), "the chain of {n} compiles");
    drop(compiled);
    let _ = std::fs::remove_dir_all(&dir);
    peak
}

#[test]
fn a_public_import_chain_costs_linear_memory() {
    // One measurement at a time: the counters are process-wide.
    let peaks: Vec<(usize, usize)> = [1_000, 2_000, 4_000]
        .into_iter()
        .map(|n| (n, peak_for_chain(n)))
        .collect();
    for &(n, peak) in &peaks {
        eprintln!("import public chain of {n:>5} files: peak {peak:>11} heap bytes");
    }
    for pair in peaks.windows(2) {
        let ((n1, p1), (n2, p2)) = (pair[0], pair[1]);
        // Linear growth doubles the peak; quadratic growth quadruples it.
        assert!(
            p2 * 10 <= p1 * 25,
            "{n1} -> {n2} files: peak {p1} -> {p2} bytes, more than 2.5 times"
        );
    }
}
