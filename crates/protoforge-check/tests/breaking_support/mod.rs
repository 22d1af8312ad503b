//! Shared pieces of the breaking differential tests: running both tools on a pair of
//! directories and comparing their findings.

#![allow(dead_code)]

pub mod mutations;

use std::path::{Path, PathBuf};

use protoforge_check::breaking::{Finding, RuleVersion, check_with_sources};
use protoforge_check::config::{BreakingConfig, BufConfig, ModuleConfig};
use protoforge_check::image::Image;

/// `tests/data/breaking`.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/breaking")
}

/// An intended difference listed in the README beside the data: `(case, rule, only the
/// location differs)`.
pub type Allowed = (String, String, bool);

/// The intended differences, from lines `` - `CASE` `RULE` location: reason `` (only the
/// location of the rule's findings differs) or `` - `CASE` `RULE`: reason `` (the rule's
/// findings are not compared).
pub fn allowed_differences() -> Vec<Allowed> {
    let text = std::fs::read_to_string(data_dir().join("README.md")).unwrap_or_default();
    let mut v = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("- `") else {
            continue;
        };
        let mut parts = rest.split('`');
        let case = parts.next().unwrap_or("").to_string();
        let _ = parts.next();
        let rule = parts.next().unwrap_or("").to_string();
        let location_only = parts
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with("location");
        v.push((case, rule, location_only));
    }
    v
}

/// One finding as a comparable line: `path:sl:sc:el:ec:RULE:message`.
pub fn line(f: &Finding) -> String {
    format!(
        "{}:{}:{}:{}:{}:{}:{}",
        f.path, f.start_line, f.start_column, f.end_line, f.end_column, f.rule, f.message
    )
}

/// buf's findings for `cur` against `prev`, as lines (buf runs in `cur`).
pub fn theirs_for_dirs(cur: &Path, prev: &Path) -> Vec<String> {
    let prev = prev.canonicalize().expect("canonical previous");
    let out = protoforge_test_support::buf(
        cur,
        &[
            "breaking".as_ref(),
            "--against".as_ref(),
            prev.as_os_str(),
            "--error-format=json".as_ref(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() || out.status.code() == Some(100),
        "buf failed in {}: {}{}",
        cur.display(),
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("buf json line");
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            let n = |k: &str| v.get(k).and_then(serde_json::Value::as_i64).unwrap_or(0);
            format!(
                "{}:{}:{}:{}:{}:{}:{}",
                s("path"),
                n("start_line"),
                n("start_column"),
                n("end_line"),
                n("end_column"),
                s("type"),
                s("message")
            )
        })
        .collect()
}

/// protoforge's findings for `cur` against `prev`, with `cur`'s `buf.yaml`.
pub fn ours_for_dirs(cur: &Path, prev: &Path) -> Vec<String> {
    let (_, _, root, excludes) = load_config(cur);
    let (_, _, prev_root, prev_excludes) = load_config(prev);
    let current = build_image(&cur.join(&root), &excludes);
    let previous = build_image(&prev.join(&prev_root), &prev_excludes);
    ours_for_images(cur, &current, &previous)
}

/// protoforge's findings for images already built from `cur` and its previous version,
/// with `cur`'s `buf.yaml`.
pub fn ours_for_images(cur: &Path, current: &Image, previous: &Image) -> Vec<String> {
    let (version, config, root, _) = load_config(cur);
    let mut findings =
        check_with_sources(current, previous, &config, version, Some(&cur.join(&root)))
            .expect("known rules");
    if root != Path::new(".") {
        for f in &mut findings {
            if !f.path.is_empty() {
                f.path = format!("{}/{}", root.display(), f.path);
            }
        }
    }
    findings.iter().map(line).collect()
}

/// Whether two finding lists agree.
pub enum Outcome {
    /// Identical (after intended differences are taken out).
    Same,
    /// A report of the difference.
    Differs(String),
}

/// Compares the lists of `case`, leaving out the rules listed as intended differences.
pub fn compare(case: &str, theirs: &[String], ours: &[String], allowed: &[Allowed]) -> Outcome {
    let skip = |l: &String| {
        allowed
            .iter()
            .any(|(c, r, loc)| !loc && (c == case || c == "*") && l.contains(&format!(":{r}:")))
    };
    let strip = |l: &String| -> String {
        let located = allowed
            .iter()
            .any(|(c, r, loc)| *loc && (c == case || c == "*") && l.contains(&format!(":{r}:")));
        if !located {
            return l.clone();
        }
        let mut parts = l.splitn(6, ':');
        let path = parts.next().unwrap_or("");
        let rest = parts.nth(4).unwrap_or("");
        format!("{path}:*:*:*:*:{rest}")
    };
    let sorted = |v: &[String]| -> Vec<String> {
        let mut v: Vec<String> = v.iter().filter(|l| !skip(l)).map(strip).collect();
        if v.iter().any(|l| l.contains(":*:*:*:*:")) {
            v.sort();
        }
        v
    };
    let (t, o) = (sorted(theirs), sorted(ours));
    if t == o {
        return Outcome::Same;
    }
    let mut report = format!("== {case}\n");
    for l in &t {
        if !o.contains(l) {
            report.push_str(&format!("  buf only:  {l}\n"));
        }
    }
    for l in &o {
        if !t.contains(l) {
            report.push_str(&format!("  ours only: {l}\n"));
        }
    }
    if t.len() == o.len() && t.iter().all(|l| o.contains(l)) {
        report.push_str("  (same findings, different order)\n");
    }
    Outcome::Differs(report)
}

/// Compiles the module under `root`.
pub fn build_image(root: &Path, excludes: &[PathBuf]) -> Image {
    Image::build(root, excludes).unwrap_or_else(|e| panic!("compile {}: {e}", root.display()))
}

/// The rule version, breaking settings, module root and excludes of `dir/buf.yaml` (buf's
/// defaults, with the v1 rule set, without one).
pub fn load_config(dir: &Path) -> (RuleVersion, BreakingConfig, PathBuf, Vec<PathBuf>) {
    match BufConfig::load(dir).expect("valid buf.yaml") {
        Some(c) => {
            let m = c
                .modules
                .into_iter()
                .next()
                .unwrap_or_else(ModuleConfig::default_v2);
            (
                RuleVersion::from_config_version(&c.version),
                m.breaking,
                m.path,
                m.excludes,
            )
        }
        None => (
            RuleVersion::V1,
            BreakingConfig::default(),
            PathBuf::from("."),
            Vec::new(),
        ),
    }
}

/// Copies the `.proto` files under `src` to `dest`, leaving out `excluded` (relative paths of
/// files or directories) and turning MessageSets into plain messages (buf's breaking check
/// refuses images with MessageSets).
pub fn copy_tree(src: &Path, dest: &Path, excluded: &[&str]) {
    let mut files = Vec::new();
    protos(src, Path::new(""), &mut files);
    for f in files {
        if excluded
            .iter()
            .any(|e| f == *e || f.strip_prefix(e).is_some_and(|r| r.starts_with('/')))
        {
            continue;
        }
        let to = dest.join(&f);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        let text = std::fs::read_to_string(src.join(&f)).expect("read proto");
        let text = text.replace("option message_set_wire_format = true;", "");
        std::fs::write(&to, text).expect("copy proto");
    }
}

/// Every `.proto` file under `dir/rel`, relative to `dir`, sorted.
pub fn protos(dir: &Path, rel: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir.join(rel)) else {
        return;
    };
    let mut names: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
    names.sort();
    for p in names {
        let r = rel.join(p.file_name().expect("name"));
        if p.is_dir() {
            protos(dir, &r, out);
        } else if p.extension().is_some_and(|e| e == "proto") {
            out.push(r.to_string_lossy().into_owned());
        }
    }
}

/// Replaces the first `old` in `root/file` with `new`; fails when `old` is not there.
pub fn edit(root: &Path, file: &str, old: &str, new: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(text.contains(old), "{file}: {old:?} not found");
    std::fs::write(&path, text.replacen(old, new, 1)).expect("write edited file");
}
