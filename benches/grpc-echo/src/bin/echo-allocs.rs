//! `echo-allocs [--calls N] [--payload BYTES] [--only protoforge|prost]`: heap allocations per unary echo call (client and
//! server together, one process), protoforge-generated vs tonic+prost-generated code. Unlike
//! requests/s, the counts do not depend on what else the machine is doing, so they show the
//! per-call cost of the generated code and its runtime exactly.

// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use grpc_echo_bench::{Client, Impl, serve};

/// The system allocator, counting calls and bytes.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards every call to `System` unchanged; the counters are only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through `alloc` or `realloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: as for `alloc`; `ptr` and `layout` describe a block from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Args {
    calls: u64,
    payload: usize,
    /// The implementations measured (both unless `--only`); one at a time suits
    /// `valgrind --tool=callgrind`, whose instruction count then covers one side.
    impls: Vec<Impl>,
}

fn parse_args() -> Result<Args, String> {
    let (mut calls, mut payload) = (10_000u64, 100usize);
    let mut impls = vec![Impl::Protoforge, Impl::Prost];
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        let bad = format!("bad value `{value}` for `{flag}`");
        match flag.as_str() {
            "--calls" => calls = value.parse().map_err(|_| bad.clone())?,
            "--payload" => payload = value.parse().map_err(|_| bad.clone())?,
            "--only" => {
                impls = match value.as_str() {
                    "protoforge" => vec![Impl::Protoforge],
                    "prost" => vec![Impl::Prost],
                    _ => return Err(bad),
                }
            }
            _ => {
                return Err(format!(
                    "unknown flag `{flag}` (--calls, --payload, --only)"
                ));
            }
        }
    }
    if calls == 0 {
        return Err("--calls must be positive".into());
    }
    Ok(Args {
        calls,
        payload,
        impls,
    })
}

/// Allocations and bytes allocated per call over `calls` sequential echoes (after a warm-up
/// that opens the connection and fills the pools).
async fn per_call(which: Impl, calls: u64, payload: &[u8]) -> Result<(f64, f64), String> {
    let server = serve(which).await.map_err(|e| e.to_string())?;
    let mut client = Client::connect(which, server.addr)
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..100 {
        client
            .echo("hello", payload)
            .await
            .map_err(|s| s.to_string())?;
    }
    let (a0, b0) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    for _ in 0..calls {
        client
            .echo("hello", payload)
            .await
            .map_err(|s| s.to_string())?;
    }
    let (a1, b1) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    Ok((
        (a1 - a0) as f64 / calls as f64,
        (b1 - b0) as f64 / calls as f64,
    ))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let Args {
        calls,
        payload: payload_len,
        impls,
    } = parse_args()?;
    let payload: Vec<u8> = (0..payload_len).map(|i| i as u8).collect();
    println!("unary echo, {payload_len}-byte payload, {calls} sequential calls, client and server");
    println!();
    println!("| implementation | allocations/call | bytes allocated/call |");
    println!("| --- | ---: | ---: |");
    let mut counts = Vec::new();
    for &which in &impls {
        let (allocations, bytes) = per_call(which, calls, &payload).await?;
        println!("| {} | {allocations:.1} | {bytes:.0} |", which.name());
        counts.push(allocations);
    }
    if let [protoforge, prost] = counts[..] {
        println!();
        println!(
            "protoforge / tonic+prost allocations per call = {:.3}",
            protoforge / prost
        );
    }
    Ok(())
}
