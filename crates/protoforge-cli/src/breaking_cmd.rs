//! `protoforge breaking`: buf's breaking-change detection. The rules live in
//! `protoforge_check::breaking`; this module reads the inputs, prints the findings as buf does
//! (text or JSON) and exits with 100 when there are any.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use protoforge_check::breaking::{Finding, RuleVersion, against, check_version};
use protoforge_check::config::BufConfig;

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
    let (version, module) = match &args.config {
        Some(c) => {
            let text = if Path::new(c).is_file() {
                std::fs::read_to_string(c).map_err(|e| format!("{c}: {e}"))?
            } else {
                c.clone()
            };
            let config = BufConfig::parse(&text)?;
            let m = config
                .modules
                .into_iter()
                .next()
                .unwrap_or_else(protoforge_check::config::ModuleConfig::default_v2);
            (config.version, m)
        }
        None => against::module_of(&input)?,
    };
    let root = input.join(&module.path);
    let current = protoforge_check::image::Image::build(&root, &module.excludes)?;
    let spec = against::parse(&args.against)?;
    let scratch = std::env::temp_dir().join(format!("protoforge-breaking-{}", std::process::id()));
    let previous = against::load(&spec, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let previous = previous?;
    let findings = check_version(
        &current,
        &previous,
        &module.breaking,
        RuleVersion::from_config_version(&version),
    )
    .map_err(|e| format!("Failure: {e}"))?;
    let prefix = display_prefix(&root);
    let mut out = String::new();
    for f in &findings {
        let path = if f.path.is_empty() {
            String::new()
        } else {
            format!("{prefix}{}", f.path)
        };
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
