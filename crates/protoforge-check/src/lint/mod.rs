//! `buf lint`, natively: the rules of buf 1.75 over an [`Image`], with buf's messages,
//! locations, configuration and order.
//!
//! [`lint`] checks one compiled module against a [`LintConfig`]; [`lint_dir`] does what
//! `buf lint DIR` does (read `buf.yaml`, build each module, check it). Both are plain library
//! calls, usable from a `build.rs`.

mod case;
mod comments;
mod imports;
mod layout;
mod naming;
mod protovalidate;
mod rpc;
mod rules;
mod source;
mod values;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::{BufConfig, LintConfig, ModuleConfig};
use crate::finding::in_module;
use crate::image::{Image, ImageError};
pub use rules::rule_ids;
use source::{FileView, associated_paths};

/// The comment directive that switches a rule off for a declaration.
pub(crate) const IGNORE_PREFIX: &str = "buf:lint:ignore";

pub use crate::finding::Finding;

/// What a lint run produced besides its findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The findings, in buf's order.
    pub findings: Vec<Finding>,
    /// Warnings about the configuration (deprecated ids), as buf prints them after `WARN`.
    pub warnings: Vec<String>,
}

/// Why a directory could not be linted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LintError {
    /// `buf.yaml` or the rule selection is wrong; buf's wording.
    Config(String),
    /// The files do not compile: one entry per diagnostic (rule `COMPILE`), located like
    /// findings.
    Compile(Vec<Finding>),
    /// Anything else (unreadable directory, no files).
    Other(String),
}

impl std::fmt::Display for LintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LintError::Config(m) | LintError::Other(m) => f.write_str(m),
            LintError::Compile(list) => f.write_str(&crate::finding::text_lines(list)),
        }
    }
}

impl std::error::Error for LintError {}

/// What the rules look at: the files of the image and the settings.
pub(crate) struct Ctx<'a> {
    pub files: Vec<FileView<'a>>,
    target: Vec<bool>,
    pub config: &'a LintConfig,
    pub unused: &'a [Vec<String>],
}

impl<'a> Ctx<'a> {
    /// The module's own files (not imports), with their indexes.
    pub fn targets(&self) -> impl Iterator<Item = (usize, &FileView<'a>)> {
        self.files
            .iter()
            .enumerate()
            .filter(|(i, _)| self.target.get(*i).copied().unwrap_or(false))
    }

    /// Whether file `i` belongs to the module.
    pub fn is_target(&self, i: usize) -> bool {
        self.target.get(i).copied().unwrap_or(false)
    }
}

/// A finding before it is located: the file and the source path it points at (`None`: the
/// file as a whole).
pub(crate) struct Raw {
    rule: &'static str,
    file: usize,
    at: Option<Vec<i32>>,
    message: String,
}

/// Where the rules put what they find.
pub(crate) struct Out {
    rule: &'static str,
    raws: Vec<Raw>,
}

impl Out {
    /// Records a finding of the running rule in file `file` at source path `at`.
    pub fn add(&mut self, file: usize, at: Option<Vec<i32>>, message: String) {
        self.raws.push(Raw {
            rule: self.rule,
            file,
            at,
            message,
        });
    }
}

/// Runs rule `id`.
fn run(id: &'static str, ctx: &Ctx<'_>, out: &mut Out) {
    match id {
        "COMMENT_ENUM" | "COMMENT_ENUM_VALUE" | "COMMENT_FIELD" | "COMMENT_MESSAGE"
        | "COMMENT_ONEOF" | "COMMENT_RPC" | "COMMENT_SERVICE" => comments::comments(ctx, out, id),
        "DIRECTORY_SAME_PACKAGE" => layout::directory_same_package(ctx, out),
        "ENUM_FIRST_VALUE_ZERO" => values::enum_first_value_zero(ctx, out),
        "ENUM_NO_ALLOW_ALIAS" => values::enum_no_allow_alias(ctx, out),
        "ENUM_PASCAL_CASE" => naming::enum_pascal_case(ctx, out),
        "ENUM_VALUE_PREFIX" | "ENUM_VALUE_UPPER_SNAKE_CASE" | "ENUM_ZERO_VALUE_SUFFIX" => {
            naming::enum_values(ctx, out, id)
        }
        "FIELD_LOWER_SNAKE_CASE" => naming::field_lower_snake_case(ctx, out),
        "FIELD_NO_DESCRIPTOR" => naming::field_no_descriptor(ctx, out),
        "FIELD_NOT_REQUIRED" => values::field_not_required(ctx, out),
        "FILE_LOWER_SNAKE_CASE" => naming::file_lower_snake_case(ctx, out),
        "IMPORT_NO_PUBLIC" => imports::import_no_public(ctx, out),
        "IMPORT_USED" => imports::import_used(ctx, out),
        "MESSAGE_PASCAL_CASE" => naming::message_pascal_case(ctx, out),
        "ONEOF_LOWER_SNAKE_CASE" => naming::oneof_lower_snake_case(ctx, out),
        "PACKAGE_DEFINED" => layout::package_defined(ctx, out),
        "PACKAGE_DIRECTORY_MATCH" => layout::package_directory_match(ctx, out),
        "PACKAGE_LOWER_SNAKE_CASE" => naming::package_lower_snake_case(ctx, out),
        "PACKAGE_NO_IMPORT_CYCLE" => imports::package_no_import_cycle(ctx, out),
        "PACKAGE_SAME_DIRECTORY" => layout::package_same_directory(ctx, out),
        "PACKAGE_SAME_CSHARP_NAMESPACE"
        | "PACKAGE_SAME_GO_PACKAGE"
        | "PACKAGE_SAME_JAVA_MULTIPLE_FILES"
        | "PACKAGE_SAME_JAVA_PACKAGE"
        | "PACKAGE_SAME_PHP_NAMESPACE"
        | "PACKAGE_SAME_RUBY_PACKAGE"
        | "PACKAGE_SAME_SWIFT_PREFIX" => layout::package_same_option(ctx, out, id),
        "PACKAGE_VERSION_SUFFIX" => layout::package_version_suffix(ctx, out),
        "RPC_NO_CLIENT_STREAMING" | "RPC_NO_SERVER_STREAMING" => rpc::streaming(ctx, out, id),
        "RPC_PASCAL_CASE" | "SERVICE_PASCAL_CASE" | "SERVICE_SUFFIX" => {
            naming::services(ctx, out, id)
        }
        "RPC_REQUEST_RESPONSE_UNIQUE" => rpc::request_response_unique(ctx, out),
        "RPC_REQUEST_STANDARD_NAME" | "RPC_RESPONSE_STANDARD_NAME" => {
            rpc::standard_name(ctx, out, id)
        }
        "STABLE_PACKAGE_NO_IMPORT_UNSTABLE" => imports::stable_package_no_import_unstable(ctx, out),
        "SYNTAX_SPECIFIED" => layout::syntax_specified(ctx, out),
        "PROTOVALIDATE" => protovalidate::protovalidate(ctx, out),
        _ => {}
    }
}

/// Whether `path` is `prefix` or lies under it (`.` contains everything).
fn under(path: &str, prefix: &Path) -> bool {
    crate::image::under(path, &prefix.to_string_lossy())
}

/// Checks the module compiled into `image` with `config` (from a `buf.yaml` of `version`:
/// `v1beta1`, `v1` or `v2`, which decides the rule set and categories). Findings are in buf's
/// order, paths relative to the module root.
pub fn lint(image: &Image, config: &LintConfig, version: &str) -> Result<Report, String> {
    let selection = rules::select(config, version)?;
    let files: Vec<FileView<'_>> = image.files.iter().map(FileView::new).collect();
    let ctx = Ctx {
        files,
        target: image.is_target.clone(),
        config,
        unused: &image.unused_imports,
    };
    let mut out = Out {
        rule: "",
        raws: Vec::new(),
    };
    for &id in &selection.rules {
        out.rule = id;
        run(id, &ctx, &mut out);
    }
    let mut findings = Vec::with_capacity(out.raws.len());
    let mut seen = HashSet::new();
    for raw in out.raws {
        let f = &ctx.files[raw.file];
        if config.ignore.iter().any(|p| under(f.name, p))
            || selection
                .ignore_only
                .get(raw.rule)
                .is_some_and(|ps| ps.iter().any(|p| under(f.name, p)))
        {
            continue;
        }
        let location = raw.at.as_deref().and_then(|p| f.location(p));
        if config.allow_comment_ignores
            && let Some(path) = raw.at.as_deref()
            && ignored_by_comment(f, path, raw.rule)
        {
            continue;
        }
        let (sl, sc, el, ec) = match location.map(|l| l.span.as_slice()) {
            Some(&[sl, sc, ec]) => (sl, sc, sl, ec),
            Some(&[sl, sc, el, ec]) => (sl, sc, el, ec),
            _ => (0, 0, 0, 0),
        };
        let one = |v: i32| u32::try_from(v).unwrap_or(0) + 1;
        let finding = Finding {
            rule: raw.rule,
            path: f.name.to_string(),
            start_line: one(sl),
            start_column: one(sc),
            end_line: one(el),
            end_column: one(ec),
            message: raw.message,
        };
        if seen.insert(finding.clone()) {
            findings.push(finding);
        }
    }
    sort(&mut findings);
    let warnings = selection
        .deprecated
        .iter()
        .map(|id| format!("Category {id} referenced in your buf.yaml is deprecated. It has been replaced by category STANDARD."))
        .collect();
    Ok(Report { findings, warnings })
}

/// Sorts findings as buf does: path, start, rule, message, end.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.path,
            a.start_line,
            a.start_column,
            a.rule,
            &a.message,
            a.end_line,
            a.end_column,
        )
            .cmp(&(
                &b.path,
                b.start_line,
                b.start_column,
                b.rule,
                &b.message,
                b.end_line,
                b.end_column,
            ))
    });
}

/// Whether a `// buf:lint:ignore RULE` leading comment on the declaration at `path` (or one
/// enclosing it) switches `rule` off there.
fn ignored_by_comment(f: &FileView<'_>, path: &[i32], rule: &str) -> bool {
    let directive = format!("{IGNORE_PREFIX} {rule}");
    associated_paths(path).iter().any(|p| {
        f.location(p)
            .and_then(|l| l.leading_comments.as_deref())
            .is_some_and(|c| {
                c.split('\n')
                    .any(|line| line.trim().starts_with(&directive))
            })
    })
}

/// Lints `dir` like `buf lint DIR`: reads `dir/buf.yaml` unless `config` is given (without
/// one, the modules a `buf.work.yaml` lists, or else one v2 module at `dir` with buf's
/// defaults), builds each module (imports are also found in the other modules) and checks it.
/// Finding paths are relative to `dir`.
pub fn lint_dir(dir: &Path, config: Option<&BufConfig>) -> Result<Report, LintError> {
    lint_dir_paths(dir, config, &[], &[])
}

/// [`lint_dir`] checking only the files under `paths` (all when empty) and not under
/// `exclude_paths` (both relative to `dir`), as buf's `--path` and `--exclude-path` do: the
/// other files are still compiled, as imports, so rules that compare files see only the
/// checked ones.
pub fn lint_dir_paths(
    dir: &Path,
    config: Option<&BufConfig>,
    paths: &[String],
    exclude_paths: &[String],
) -> Result<Report, LintError> {
    let loaded;
    let config = match config {
        Some(c) => Some(c),
        None => {
            loaded = BufConfig::load(dir).map_err(LintError::Config)?;
            loaded.as_ref()
        }
    };
    // (module, buf.yaml version), module paths relative to `dir`.
    let mut modules: Vec<(ModuleConfig, String)> = Vec::new();
    match config {
        Some(c) => {
            for m in &c.modules {
                modules.push((m.clone(), c.version.clone()));
            }
        }
        None => {
            let found =
                crate::breaking::against::workspace_modules(dir).map_err(LintError::Config)?;
            modules.extend(found.into_iter().map(|(version, m)| (m, version)));
        }
    }
    let roots: Vec<PathBuf> = modules
        .iter()
        .map(|(m, _)| module_root(dir, &m.path))
        .collect();
    let mut report = Report::default();
    for (i, (module, version)) in modules.iter().enumerate() {
        let others: Vec<PathBuf> = roots
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, r)| r.clone())
            .collect();
        let r = lint_module(dir, module, version, &others, (paths, exclude_paths))?;
        report.findings.extend(r.findings);
        for w in r.warnings {
            if !report.warnings.contains(&w) {
                report.warnings.push(w);
            }
        }
    }
    sort(&mut report.findings);
    Ok(report)
}

/// The directory of module `path` of the workspace at `dir`.
fn module_root(dir: &Path, path: &Path) -> PathBuf {
    if path.as_os_str() == "." {
        dir.to_path_buf()
    } else {
        dir.join(path)
    }
}

/// Builds and lints one module of the workspace at `dir`.
fn lint_module(
    dir: &Path,
    module: &ModuleConfig,
    version: &str,
    others: &[PathBuf],
    (paths, exclude_paths): (&[String], &[String]),
) -> Result<Report, LintError> {
    let root = module_root(dir, &module.path);
    let no_files = || {
        LintError::Other(format!(
            "Module \"{}\" had no .proto files",
            module.describe(
                root.to_string_lossy()
                    .trim_start_matches("./")
                    .trim_end_matches('/')
            )
        ))
    };
    if !root.is_dir() {
        return Err(no_files());
    }
    let mut image = Image::build_selected(&root, &module.includes, &module.excludes, others)
        .map_err(|e| match e {
            ImageError::Compile(list) => LintError::Compile(in_module(list, &module.path)),
            ImageError::Other(m) => LintError::Other(m),
        })?;
    if !image.is_target.iter().any(|&t| t) {
        return Err(no_files());
    }
    let prefix: PathBuf = module.path.clone();
    if !paths.is_empty() || !exclude_paths.is_empty() {
        let selected = |name: &str| {
            let full = if prefix.as_os_str() == "." {
                name.to_string()
            } else {
                format!("{}/{name}", prefix.to_string_lossy())
            };
            crate::image::selected(&full, paths, exclude_paths)
        };
        for (file, target) in image.files.iter().zip(image.is_target.iter_mut()) {
            *target = *target && selected(file.name.as_deref().unwrap_or(""));
        }
    }
    let mut report = lint(&image, &module.lint, version).map_err(LintError::Config)?;
    report.findings = in_module(report.findings, &prefix);
    Ok(report)
}
