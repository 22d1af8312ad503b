//! `protoforge breaking`: buf's breaking-change detection. The rules live in
//! `protoforge_check::breaking`; this module reads the inputs, prints the findings as buf does
//! (text or JSON) and exits with 100 when there are any.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use protoforge_check::breaking::{
    Finding, Options, RuleVersion, against, check_with, deprecation_warnings, sort_findings,
};
use protoforge_check::config::{BufConfig, ModuleConfig};
use protoforge_check::image::Image;

/// The exit code when breaking changes were found, as buf's.
const EXIT_FINDINGS: u8 = 100;

/// Verify that the input location has no breaking changes compared to the against location.
#[derive(Debug, Parser)]
#[command(name = "protoforge breaking")]
struct BreakingArgs {
    /// The previous version: a directory, an image or descriptor set file (`buf build -o`,
    /// `protoforge -o`), or a git ref of this repository (`.git#branch=main`, `#tag=v1`,
    /// `#ref=HEAD~1`, with `,subdir=proto`).
    #[arg(long = "against")]
    against: String,
    /// A `buf.yaml` to use instead of the input's (a file path or the YAML text).
    #[arg(long = "config")]
    config: Option<String>,
    /// `text` (default) or `json`.
    #[arg(long = "error-format", default_value = "text")]
    error_format: String,
    /// Leave out changes in imported files that are not part of the module.
    #[arg(long = "exclude-imports")]
    exclude_imports: bool,
    /// The module directory to check; defaults to the current directory.
    input: Option<PathBuf>,
}

/// Runs `protoforge breaking` with `argv` (the subcommand name first).
pub fn main(argv: &[String]) -> Result<ExitCode, String> {
    let args = match crate::parse_args::<BreakingArgs>(argv.iter().cloned()) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    if !matches!(args.error_format.as_str(), "text" | "json") {
        return Err(format!(
            "--error-format: unknown format {:?}, must be one of text, json",
            args.error_format
        ));
    }
    let input = args.input.clone().unwrap_or_else(|| PathBuf::from("."));
    let modules = match &args.config {
        Some(c) => {
            let text = if Path::new(c).is_file() {
                std::fs::read_to_string(c).map_err(|e| format!("{c}: {e}"))?
            } else {
                c.clone()
            };
            let config = BufConfig::parse(&text)?;
            let version = config.version.clone();
            let mut modules: Vec<(String, ModuleConfig)> = config
                .modules
                .into_iter()
                .map(|m| (version.clone(), m))
                .collect();
            if modules.is_empty() {
                modules.push((version, ModuleConfig::default_v2()));
            }
            modules
        }
        None => against::workspace_modules(&input)?,
    };
    for (_, module) in &modules {
        for w in deprecation_warnings(&module.breaking) {
            eprintln!("WARN\t{w}");
        }
    }
    let mut current = Vec::with_capacity(modules.len());
    for i in 0..modules.len() {
        current.push(against::build_module(&input, &modules, i)?);
    }
    let spec = against::parse(&args.against)?;
    let scratch = std::env::temp_dir().join(format!("protoforge-breaking-{}", std::process::id()));
    let previous = against::load_all(&spec, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let previous = previous?;
    let mut pairs: Vec<usize> = (0..modules.len()).collect();
    if pairs.len() > previous.len() && same_breaking_configs(&modules) {
        pairs = modules_in(&current, &previous);
    }
    if pairs.len() != previous.len() {
        return Err(format!(
            "Failure: input contained {} images, whereas against contained {} images",
            pairs.len(),
            previous.len()
        ));
    }
    // Each file is shown under the module it belongs to, also where another module imports it.
    let mut owner: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (image, (_, module)) in current.iter().zip(&modules) {
        let prefix = display_prefix(&input.join(&module.path));
        for (f, target) in image.files.iter().zip(&image.is_target) {
            if *target {
                owner.entry(f.name()).or_insert_with(|| prefix.clone());
            }
        }
    }
    let mut findings = Vec::new();
    for (&m, prev) in pairs.iter().zip(&previous) {
        let (version, module) = &modules[m];
        let root = input.join(&module.path);
        let options = Options {
            version: RuleVersion::from_config_version(version),
            current_root: Some(&root),
            exclude_imports: args.exclude_imports,
        };
        let mut found = check_with(&current[m], prev, &module.breaking, &options)
            .map_err(|e| format!("Failure: {e}"))?;
        let prefix = display_prefix(&input.join(&module.path));
        for f in &mut found {
            if !f.path.is_empty() {
                let shown = owner.get(f.path.as_str()).unwrap_or(&prefix);
                f.path = format!("{shown}{}", f.path);
            }
        }
        findings.extend(found);
    }
    sort_findings(&mut findings);
    let mut out = String::new();
    for f in &findings {
        let path = f.path.clone();
        if args.error_format == "json" {
            out.push_str(&json_line(f, &path));
        } else {
            let shown = if path.is_empty() { "<input>" } else { &path };
            let _ = writeln!(
                out,
                "{shown}:{}:{}:{}",
                f.start_line, f.start_column, f.message
            );
        }
    }
    print!("{out}");
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    })
}

/// Whether every module has the same breaking settings (then modules the against side does
/// not have are left out, as buf does).
fn same_breaking_configs(modules: &[(String, ModuleConfig)]) -> bool {
    modules
        .windows(2)
        .all(|w| w[0].0 == w[1].0 && w[0].1.breaking == w[1].1.breaking)
}

/// The modules (indexes into `current`) with a target file that is also a target of one of
/// the `previous` images, each previous image used once, in module order.
fn modules_in(current: &[Image], previous: &[Image]) -> Vec<usize> {
    let mut used = vec![false; previous.len()];
    let mut kept = Vec::new();
    for (m, image) in current.iter().enumerate() {
        let targets = image
            .files
            .iter()
            .zip(&image.is_target)
            .filter(|(_, t)| **t)
            .map(|(f, _)| f.name());
        'files: for name in targets {
            for (i, prev) in previous.iter().enumerate() {
                if used[i] {
                    continue;
                }
                let hit = prev
                    .files
                    .iter()
                    .zip(&prev.is_target)
                    .any(|(f, t)| *t && f.name() == name);
                if hit {
                    used[i] = true;
                    kept.push(m);
                    break 'files;
                }
            }
        }
    }
    kept
}

/// How buf shows paths of a module at `root`: relative to the current directory, `./`
/// dropped.
fn display_prefix(root: &Path) -> String {
    let s = root.to_string_lossy().replace('\\', "/");
    let mut parts: Vec<&str> = s
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if s.starts_with('/') {
        parts.insert(0, "");
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// One finding as buf's JSON error format prints it.
fn json_line(f: &Finding, path: &str) -> String {
    let mut s = String::from("{");
    if !path.is_empty() {
        let _ = write!(s, "\"path\":{},", json_str(path));
    }
    let _ = writeln!(
        s,
        "\"start_line\":{},\"start_column\":{},\"end_line\":{},\"end_column\":{},\"type\":{},\"message\":{}}}",
        f.start_line,
        f.start_column,
        f.end_line,
        f.end_column,
        json_str(f.rule),
        json_str(&f.message)
    );
    s
}

/// A JSON string as Go's `encoding/json` writes it (HTML characters escaped).
fn json_str(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}
