//! `protoforge lint`: buf's lint, with buf's output formats and exit codes. The checks are
//! `protoforge_check::lint`; this module picks the input, reads `--config` and prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use protoforge_check::config::BufConfig;
use protoforge_check::finding::{ErrorFormat, render};
use protoforge_check::lint::{Finding, LintError, lint_dir_paths};

/// The exit code for "there are findings" (and for files that do not compile), as buf's.
const EXIT_FINDINGS: u8 = 100;

/// How findings are printed (`--error-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// `path:line:column:message`.
    Text,
    /// One JSON object per line.
    Json,
    /// `path(line,column) : error RULE : message`.
    Msvs,
    /// A JUnit XML report.
    Junit,
    /// GitHub Actions workflow commands.
    GithubActions,
    /// A GitLab code quality report.
    GitlabCodeQuality,
    /// A `buf.yaml` whose `ignore_only` silences every finding.
    ConfigIgnoreYaml,
}

impl OutputFormat {
    /// The check crate's printer for this format; `None` for `config-ignore-yaml`, which is
    /// written here.
    fn checked(self) -> Option<ErrorFormat> {
        Some(match self {
            OutputFormat::Text => ErrorFormat::Text,
            OutputFormat::Json => ErrorFormat::Json,
            OutputFormat::Msvs => ErrorFormat::Msvs,
            OutputFormat::Junit => ErrorFormat::Junit,
            OutputFormat::GithubActions => ErrorFormat::GithubActions,
            OutputFormat::GitlabCodeQuality => ErrorFormat::GitlabCodeQuality,
            OutputFormat::ConfigIgnoreYaml => return None,
        })
    }
}

/// Lint .proto files like `buf lint`.
#[derive(Debug, Parser)]
#[command(name = "protoforge lint")]
struct LintArgs {
    /// A buf.yaml file, or its contents as YAML or JSON, used instead of the input's own.
    #[arg(long = "config")]
    config: Option<String>,
    /// How findings are printed.
    #[arg(long = "error-format", value_enum, default_value = "text")]
    error_format: OutputFormat,
    /// Check only these files or directories (repeatable); the rest of the input is compiled
    /// as imports.
    #[arg(long = "path")]
    path: Vec<String>,
    /// Do not check these files or directories (repeatable).
    #[arg(long = "exclude-path")]
    exclude_path: Vec<String>,
    /// The directory to lint (default `.`), or .proto files of the module in the current
    /// directory to check (as with `--path`).
    paths: Vec<PathBuf>,
}

/// Runs `protoforge lint ARGS` (`argv[0]` is `lint`).
pub fn lint_main(argv: &[String]) -> Result<ExitCode, String> {
    let args = match crate::parse_args::<LintArgs>(argv.iter().cloned()) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    // One directory input, or files of the module at `.`.
    let (dir, only): (PathBuf, Vec<String>) = match args.paths.as_slice() {
        [] => (PathBuf::from("."), Vec::new()),
        [one] if one.is_dir() => (one.clone(), Vec::new()),
        files => {
            for f in files {
                if !f.is_file() {
                    return Err(format!(
                        "Failure: Module \"path: \"{}\"\" had no .proto files",
                        normal(&f.to_string_lossy())
                    ));
                }
            }
            (
                PathBuf::from("."),
                files.iter().map(|f| normal(&f.to_string_lossy())).collect(),
            )
        }
    };
    let config = match &args.config {
        None => None,
        Some(value) => {
            let text = crate::breaking_cmd::config_text(value)?;
            let config =
                BufConfig::parse(&text).map_err(|e| format!("Failure: decode config file: {e}"))?;
            let input = normal(&dir.to_string_lossy());
            if config.version == "v2" && input != "." {
                // A v2 configuration describes the current directory as a workspace; a
                // subdirectory of it is not a module of its own.
                return Err(format!(
                    "Failure: failed to build input \"{input}\" because it is contained by module at path \".\" specified in your configuration, you must provide the workspace or module as the input, and filter to this path using --path"
                ));
            }
            Some(config)
        }
    };
    let prefix = {
        let d = normal(&dir.to_string_lossy());
        if d == "." {
            String::new()
        } else {
            format!("{d}/")
        }
    };
    // --path and --exclude-path name files as seen from the current directory.
    let relative = |p: &String| {
        let p = normal(p);
        match p.strip_prefix(prefix.as_str()) {
            Some(rest) if !prefix.is_empty() => rest.to_string(),
            _ => p,
        }
    };
    let mut paths: Vec<String> = args.path.iter().map(relative).collect();
    paths.extend(only);
    let excludes: Vec<String> = args.exclude_path.iter().map(relative).collect();
    // An input inside a workspace (a buf.yaml or buf.work.yaml above it) is linted as the
    // module it is, with the workspace's other modules to import from.
    let enclosing = match &config {
        Some(_) => None,
        None => enclosing_workspace(&dir)?,
    };
    let result = match &enclosing {
        Some((root, module)) => {
            let mut within: Vec<String> = paths.iter().map(|p| format!("{module}/{p}")).collect();
            if within.is_empty() {
                within.push(module.clone());
            }
            let excludes: Vec<String> = excludes.iter().map(|p| format!("{module}/{p}")).collect();
            lint_dir_paths(root, None, &within, &excludes).map(|mut report| {
                for f in &mut report.findings {
                    if let Some(rest) = f.path.strip_prefix(&format!("{module}/")) {
                        f.path = rest.to_string();
                    }
                }
                report
            })
        }
        None => lint_dir_paths(&dir, config.as_ref(), &paths, &excludes),
    };
    let (findings, warnings) = match result {
        Ok(report) => (report.findings, report.warnings),
        Err(LintError::Compile(list)) => (list, Vec::new()),
        Err(LintError::Config(m)) | Err(LintError::Other(m)) => {
            return Err(format!("Failure: {m}"));
        }
    };
    for w in &warnings {
        eprintln!("WARN\t{w}");
    }
    let findings: Vec<Finding> = findings
        .into_iter()
        .map(|mut f| {
            f.path = format!("{prefix}{}", f.path);
            f
        })
        .collect();
    let out = match args.error_format.checked() {
        Some(format) => render(&findings, format),
        None => ignore_yaml(&findings, &prefix, &module_paths(&dir, config.as_ref())),
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    })
}

/// When `dir` lies in a workspace rooted above it (a `buf.work.yaml`, or a v2 `buf.yaml`, in
/// `dir` or above; else a v1 `buf.yaml` strictly above, but not above the current
/// directory): that workspace's directory and the
/// module `dir` is (its path in the workspace). An input inside a module, rather than a
/// module, is buf's error.
pub(crate) fn enclosing_workspace(dir: &Path) -> Result<Option<(PathBuf, String)>, String> {
    let is_workspace = |d: &Path| {
        d.join("buf.work.yaml").is_file()
            || d.join("buf.work.yml").is_file()
            || matches!(BufConfig::load(d), Ok(Some(c)) if c.version == "v2")
    };
    let has_module = |d: &Path| d.join("buf.yaml").is_file() || d.join("buf.yml").is_file();
    let Ok(abs) = dir.canonicalize() else {
        return Ok(None);
    };
    let cwd = std::env::current_dir().and_then(|c| c.canonicalize()).ok();
    let root = match abs.ancestors().find(|a| is_workspace(a)) {
        Some(w) => w,
        // buf looks for a v1 module above the input only up to the current directory.
        None => match abs
            .ancestors()
            .skip(1)
            .take_while(|a| cwd.as_ref().is_some_and(|c| a.starts_with(c)))
            .find(|a| has_module(a))
        {
            Some(m) => m,
            None => return Ok(None),
        },
    };
    if root == abs {
        return Ok(None);
    }
    let Ok(rel) = abs.strip_prefix(root) else {
        return Ok(None);
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let modules: Vec<String> = match BufConfig::load(root) {
        Ok(Some(c)) => c
            .modules
            .iter()
            .map(|m| normal(&m.path.to_string_lossy()))
            .collect(),
        Ok(None) => protoforge_check::config::load_workspace_dirs(root)
            .map_err(|e| format!("Failure: {e}"))?
            .unwrap_or_default()
            .iter()
            .map(|p| normal(&p.to_string_lossy()))
            .collect(),
        Err(e) => return Err(format!("Failure: {e}")),
    };
    if modules.contains(&rel) {
        return Ok(Some((root.to_path_buf(), rel)));
    }
    match modules
        .iter()
        .find(|m| *m == "." || rel.starts_with(&format!("{m}/")))
    {
        Some(m) => {
            // buf names both relative to the current directory when the workspace lies in it,
            // else relative to the workspace.
            let shown = |p: &str| match cwd.as_ref().and_then(|c| root.strip_prefix(c).ok()) {
                Some(r) if !r.as_os_str().is_empty() => {
                    crate::breaking_cmd::lexical(&[&r.to_string_lossy(), p])
                }
                _ => p.to_string(),
            };
            Err(format!(
                "Failure: failed to build input \"{}\" because it is contained by module at path \"{}\" specified in your configuration, you must provide the workspace or module as the input, and filter to this path using --path",
                shown(&rel),
                shown(m)
            ))
        }
        None => Ok(None),
    }
}

/// The module directories of the workspace at `dir` (relative to it), longest first.
fn module_paths(dir: &Path, config: Option<&BufConfig>) -> Vec<String> {
    let loaded;
    let config = match config {
        Some(c) => Some(c),
        None => {
            loaded = BufConfig::load(dir).ok().flatten();
            loaded.as_ref()
        }
    };
    let mut paths: Vec<String> = config
        .map(|c| {
            c.modules
                .iter()
                .map(|m| normal(&m.path.to_string_lossy()))
                .filter(|p| p != ".")
                .collect()
        })
        .unwrap_or_default();
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    paths
}

/// The `buf.yaml` (v1 form, as buf prints it) whose `ignore_only` lists, per rule, the files
/// with findings, relative to their module root; empty without findings.
fn ignore_yaml(findings: &[Finding], prefix: &str, modules: &[String]) -> String {
    let mut by_rule: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for f in findings {
        let path = f.path.strip_prefix(prefix).unwrap_or(&f.path);
        let path = modules
            .iter()
            .find_map(|m| {
                path.strip_prefix(m.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            })
            .unwrap_or(path);
        by_rule.entry(f.rule).or_default().insert(path.to_string());
    }
    if by_rule.is_empty() {
        return String::new();
    }
    let mut out = String::from("version: v1\nlint:\n  ignore_only:\n");
    for (rule, paths) in by_rule {
        out.push_str(&format!("    {rule}:\n"));
        for p in paths {
            out.push_str(&format!("      - {p}\n"));
        }
    }
    out
}

/// A path without `./` in front or `/` behind.
fn normal(p: &str) -> String {
    let mut s = p;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    let s = s.trim_end_matches('/');
    if s.is_empty() {
        ".".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normal("./a/b/"), "a/b");
        assert_eq!(normal("./"), ".");
        assert_eq!(normal("/x"), "/x");
    }
}
