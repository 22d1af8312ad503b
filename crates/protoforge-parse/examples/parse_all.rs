//! Measures the front end alone: reads every file named in an `@list` (paths relative to a
//! root directory), then lexes, parses, checks and attaches comments to each, and prints the
//! number of files, megabytes, the time and the throughput.
//!
//! Usage: `parse_all [--no-comments] ROOT @LIST [REPEAT]`, for example
//! `parse_all ~/.cache/protoforge/googleapis @/tmp/gapi-files.txt`. Reading the files is not
//! timed; `REPEAT` (default 1) parses the whole set that many times. `--no-comments` parses
//! the way a compilation without source info does (`parse_file_without_comments`).

use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let before = args.len();
    args.retain(|a| a != "--no-comments");
    let comments = args.len() == before;
    let (Some(root), Some(list)) = (args.first(), args.get(1)) else {
        eprintln!("usage: parse_all [--no-comments] ROOT @LIST [REPEAT]");
        std::process::exit(2);
    };
    let repeat: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1);
    let list = list.strip_prefix('@').unwrap_or(list);
    let names = match std::fs::read_to_string(list) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {list}: {e}");
            std::process::exit(2);
        }
    };
    let root = Path::new(root);
    let texts: Vec<String> = names
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| match std::fs::read_to_string(root.join(l)) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("skipping {l}: {e}");
                None
            }
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let cpu_before = cpu_seconds().unwrap_or(0.0);
    let start = Instant::now();
    let mut items = 0usize;
    let mut errors = 0usize;
    for _ in 0..repeat {
        for (i, t) in texts.iter().enumerate() {
            let file = protoforge_parse::FileId(i as u32);
            let (tree, diags) = if comments {
                protoforge_parse::parse_file(file, t)
            } else {
                protoforge_parse::parse_file_without_comments(file, t)
            };
            items += tree.map_or(0, |f| f.items.len());
            errors += diags.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().map(|c| c - cpu_before);
    let mb = (bytes * repeat) as f64 / 1e6;
    println!(
        "files {}  MB {:.2}  time {:.3} s  {:.1} MB/s  (items {}, diagnostics {})",
        texts.len() * repeat,
        mb,
        secs,
        mb / secs,
        items,
        errors
    );
    if let Some(cpu) = cpu {
        // On a loaded machine the wall clock overstates the cost; the thread's CPU time does not.
        println!("cpu {:.3} s  {:.1} MB/s of CPU time", cpu, mb / cpu);
    }
}

/// The CPU time this thread has used so far, from Linux's `/proc/thread-self/schedstat`.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
