//! `cargo xtask fuzz [TARGET] [--time S] [--sanitizer NAME]`: runs the fuzz targets of
//! `fuzz/` with libFuzzer through `cargo fuzz`, one after another (every `[[bin]]` of `fuzz/Cargo.toml` by default), each for `S` seconds
//! (default 60) on one core, starting from its seeds (`fuzz/seeds/<target>/`, read only) and
//! its working corpus (`fuzz/corpus/<target>/`, not committed). The `.proto` targets get the
//! grammar dictionary. `cargo fuzz` needs nightly compiler flags; on a stable toolchain this
//! sets `RUSTC_BOOTSTRAP=1` for it. Crashes land in `fuzz/artifacts/<target>/`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Targets whose input is `.proto` text.
const PROTO_TARGETS: &[&str] = &["parse", "compile"];

pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let fuzz_dir = root.join("fuzz");
    let manifest = std::fs::read_to_string(fuzz_dir.join("Cargo.toml"))
        .map_err(|e| format!("fuzz/Cargo.toml: {e}"))?;
    let all = target_names(&manifest);
    let mut targets: Vec<&str> = Vec::new();
    let mut seconds = 60u64;
    let mut sanitizer = "none".to_string();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--time" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--time needs a number of seconds")?;
            }
            "--sanitizer" => {
                sanitizer = args
                    .next()
                    .cloned()
                    .ok_or("--sanitizer needs address, memory, thread, leak or none")?;
            }
            name => match all.iter().find(|t| **t == name) {
                Some(target) => targets.push(target),
                None => {
                    return Err(format!(
                        "unknown target `{name}`; the targets are {}",
                        all.join(", ")
                    ));
                }
            },
        }
    }
    if targets.is_empty() {
        targets = all.clone();
    }
    let probe = Command::new("cargo").args(["fuzz", "--version"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return Err("`cargo fuzz` is not installed: `cargo install cargo-fuzz --locked`".into());
    }
    let mut summary = Vec::new();
    for target in targets {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let mut command = Command::new("cargo");
        command
            .current_dir(root)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--fuzz-dir"])
            .arg(&fuzz_dir)
            .args(["--features", "libfuzzer", "--debug-assertions"])
            .args(["--sanitizer", &sanitizer, target])
            .arg(&corpus)
            .arg(fuzz_dir.join("seeds").join(target))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=30", "-rss_limit_mb=2048", "-print_final_stats=1"]);
        if PROTO_TARGETS.contains(&target) {
            command.arg(format!(
                "-dict={}",
                fuzz_dir.join("dict/proto.dict").display()
            ));
        }
        eprintln!("== fuzz {target} for {seconds} s");
        let start = Instant::now();
        let status = command
            .status()
            .map_err(|e| format!("running cargo fuzz: {e}"))?;
        let line = format!(
            "{target}: {} after {:.0} s",
            if status.success() { "clean" } else { "FAILED" },
            start.elapsed().as_secs_f64()
        );
        summary.push((status.success(), line));
    }
    for (_, line) in &summary {
        eprintln!("{line}");
    }
    if summary.iter().all(|(ok, _)| *ok) {
        Ok(())
    } else {
        Err("a fuzz target failed (see fuzz/artifacts/)".into())
    }
}

/// The names of the `[[bin]]` targets of the fuzz crate's manifest, in order.
fn target_names(manifest: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(value) = line.strip_prefix("name = ") {
            names.push(value.trim_matches('"'));
        }
    }
    names
}
