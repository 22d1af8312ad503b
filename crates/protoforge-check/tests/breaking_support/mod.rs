//! Shared pieces of the breaking differential tests: running both tools on a pair of
//! directories and comparing their findings.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use protoforge_check::breaking::{Finding, RuleVersion, check_version};
use protoforge_check::config::BreakingConfig;
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
    let (version, config, root) = load_config(cur);
    let (_, _, prev_root) = load_config(prev);
    let current = build_image(&cur.join(&root));
    let previous = build_image(&prev.join(&prev_root));
    let mut findings = check_version(&current, &previous, &config, version).expect("known rules");
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
            .any(|(c, r, loc)| !loc && c == case && l.contains(&format!(":{r}:")))
    };
    let strip = |l: &String| -> String {
        let located = allowed
            .iter()
            .any(|(c, r, loc)| *loc && c == case && l.contains(&format!(":{r}:")));
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

/// Every `.proto` file under `dir`, relative, sorted.
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

/// Compiles every file under `root` with source info and imports.
pub fn build_image(root: &Path) -> Image {
    let mut files = Vec::new();
    protos(root, Path::new(""), &mut files);
    let compiled = protoforge_compile::Compiler::new()
        .include_path(root.to_string_lossy())
        .include_source_info(true)
        .include_imports(true)
        .compile(&files)
        .unwrap_or_else(|e| panic!("compile {}: {e}", root.display()));
    let is_target = compiled
        .files
        .file
        .iter()
        .map(|f| files.iter().any(|n| n == f.name()))
        .collect();
    Image {
        files: compiled.files.file,
        is_target,
    }
}

/// The rule version, breaking settings and module root of `dir/buf.yaml` (the few keys the
/// test data uses).
pub fn load_config(dir: &Path) -> (RuleVersion, BreakingConfig, PathBuf) {
    let text = std::fs::read_to_string(dir.join("buf.yaml")).unwrap_or_default();
    let mut config = BreakingConfig {
        use_: Vec::new(),
        except: Vec::new(),
        ignore: Vec::new(),
        ignore_only: BTreeMap::new(),
        ignore_unstable_packages: false,
    };
    let mut version = RuleVersion::V1;
    let mut root = PathBuf::from(".");
    let (mut section, mut key) = (String::new(), String::new());
    for l in text.lines() {
        let indent = l.len() - l.trim_start().len();
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent == 0 {
            if let Some(v) = t.strip_prefix("version:") {
                version = RuleVersion::from_config_version(v.trim());
            }
            section = t.trim_end_matches(':').to_string();
            continue;
        }
        if let Some(item) = t.strip_prefix("- ") {
            match (section.as_str(), key.as_str()) {
                ("breaking", "use") => config.use_.push(item.to_string()),
                ("breaking", "except") => config.except.push(item.to_string()),
                ("breaking", "ignore") => config.ignore.push(PathBuf::from(item)),
                ("build", "roots") => root = PathBuf::from(item),
                _ => {}
            }
            continue;
        }
        let (k, v) = t.split_once(':').unwrap_or((t, ""));
        key = k.to_string();
        if section == "breaking" && k == "ignore_unstable_packages" {
            config.ignore_unstable_packages = v.trim() == "true";
        }
    }
    if text.is_empty() {
        version = RuleVersion::V1;
    }
    (version, config, root)
}
