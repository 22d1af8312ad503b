//! `cargo xtask bench codec [FILTER]`: runs the codec benchmark of `benches/codec-compare`
//! (`cargo bench -p codec-compare`, criterion's filter passed through; `--no-run` skips the
//! run and reports the last one) and prints, from criterion's estimates, each payload and
//! operation's median time per library and protoforge's speed against prost and buffa (their
//! time divided by ours: above 1 is faster).

use std::path::Path;
use std::process::Command;

/// The libraries of the codec benchmark, ours first (criterion's function names).
const CODEC_LIBRARIES: [&str; 3] = ["protoforge", "prost", "buffa"];

/// `bench codec`: runs the criterion benchmark of `benches/codec-compare`, then prints the
/// ratio table from the estimates criterion left under the target directory.
/// With `--no-run` it prints the table of the last run only.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if !args.iter().any(|a| a == "--no-run") {
        let status = Command::new("cargo")
            .current_dir(root)
            .args([
                "bench",
                "-p",
                "codec-compare",
                "--bench",
                "codec",
                "--",
                "--noplot",
            ])
            .args(args)
            .status()
            .map_err(|e| format!("cargo bench: {e}"))?;
        if !status.success() {
            return Err("cargo bench -p codec-compare failed".into());
        }
    }
    let target = crate::target_dir(root);
    let table = codec_table(&target.join("criterion"))?;
    println!("\n{table}");
    Ok(())
}

/// The ratio table from criterion's directory: one row per benchmark (`payload/op` group,
/// and parameter for the nesting depths) that every library ran, with median times.
fn codec_table(criterion: &Path) -> Result<String, String> {
    let mut groups: Vec<String> = std::fs::read_dir(criterion)
        .map_err(|e| format!("{}: {e}", criterion.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains('_') && name != "report")
        .collect();
    groups.sort_by_key(|g| codec_order(g));
    let mut out = String::from(
        "median time per call; speed = their time / protoforge's (above 1: protoforge is faster)\n\n\
         | benchmark | protoforge | prost | buffa | speed vs prost | speed vs buffa |\n\
         | :-- | --: | --: | --: | --: | --: |\n",
    );
    for group in groups {
        // A benchmark with a parameter keeps it one level below the library's directory.
        let first = criterion.join(&group).join(CODEC_LIBRARIES[0]);
        let mut params: Vec<Option<String>> = vec![None];
        if first.is_dir() && !first.join("new").is_dir() {
            let mut found: Vec<String> = std::fs::read_dir(&first)
                .map_err(|e| format!("{}: {e}", first.display()))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|p| p != "report")
                .collect();
            found.sort_by_key(|p| p.parse::<u64>().unwrap_or(u64::MAX));
            params = found.into_iter().map(Some).collect();
        }
        for param in params {
            let time = |library: &str| {
                let mut dir = criterion.join(&group).join(library);
                if let Some(p) = &param {
                    dir.push(p);
                }
                median_ns(&dir.join("new/estimates.json"))
            };
            // In a `decode_shared` group (decoding from a `bytes::Bytes`), protoforge's time is
            // that of the code generated with shared strings.
            let ours = if group.ends_with("decode_shared") {
                "protoforge-shared"
            } else {
                CODEC_LIBRARIES[0]
            };
            let [Some(ours), Some(prost), Some(buffa)] =
                [ours, CODEC_LIBRARIES[1], CODEC_LIBRARIES[2]].map(time)
            else {
                continue;
            };
            let name = match &param {
                Some(p) => format!("{} depth {p}", group.replacen('_', "/", 1)),
                None => group.replacen('_', "/", 1),
            };
            out.push_str(&format!(
                "| {name} | {} | {} | {} | {:.2}x | {:.2}x |\n",
                nanos(ours),
                nanos(prost),
                nanos(buffa),
                prost / ours,
                buffa / ours
            ));
        }
    }
    Ok(out)
}

/// Sorts the benchmark groups: payloads in the benchmark's order, then the operations.
fn codec_order(group: &str) -> (usize, usize, String) {
    let (payload, op) = group.split_once('_').unwrap_or((group, ""));
    let rank = |list: &[&str], s: &str| list.iter().position(|x| *x == s).unwrap_or(list.len());
    (
        rank(&["trace", "metrics", "descriptors", "node"], payload),
        rank(&["decode", "decode_shared", "encode", "encoded_len"], op),
        group.to_string(),
    )
}

/// The median point estimate (nanoseconds) of a criterion `estimates.json`.
fn median_ns(path: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(path).ok()?;
    let median = &text[text.find("\"median\"")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// `ns` as a time with a unit that keeps three or four digits.
fn nanos(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_table_reads_criterion_medians() {
        let dir = std::env::temp_dir().join(format!("xtask-codec-table-{}", std::process::id()));
        let estimate = |path: &str, median: f64| {
            let file = dir.join(path).join("new/estimates.json");
            std::fs::create_dir_all(file.parent().unwrap_or(&dir)).ok();
            let text = format!(
                "{{\"mean\":{{\"point_estimate\":1.0}},\"median\":{{\"confidence_interval\":{{\"lower_bound\":0.5}},\"point_estimate\":{median},\"standard_error\":0.1}}}}"
            );
            std::fs::write(file, text).ok();
        };
        estimate("trace_decode/protoforge", 500.0);
        estimate("trace_decode/prost", 1000.0);
        estimate("trace_decode/buffa", 250.0);
        estimate("node_encode/protoforge/8", 2000.0);
        estimate("node_encode/prost/8", 3000.0);
        estimate("node_encode/buffa/8", 1500.0);
        // A benchmark one library lacks is left out.
        estimate("metrics_decode/prost", 1.0);
        let table = codec_table(&dir);
        std::fs::remove_dir_all(&dir).ok();
        let table = table.unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<&str> = table
            .lines()
            .filter(|l| {
                l.starts_with("| ") && !l.starts_with("| benchmark") && !l.starts_with("| :")
            })
            .collect();
        assert_eq!(
            rows,
            [
                "| trace/decode | 500.0 ns | 1.00 µs | 250.0 ns | 2.00x | 0.50x |",
                "| node/encode depth 8 | 2.00 µs | 3.00 µs | 1.50 µs | 1.50x | 0.75x |",
            ]
        );
    }
}
