//! `protoforge breaking`: buf's breaking-change detection. The rules live in
//! `protoforge_check::breaking`; this module reads the inputs, prints the findings as buf does
//! (text or JSON) and exits with 100 when there are any.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use protoforge_check::breaking::{
    Finding, Options, RuleVersion, against, check_with, deprecation_warnings, sort_findings,
};
use protoforge_check::config::{BufConfig, ModuleConfig};
use protoforge_check::finding::{ErrorFormat, render};
use protoforge_check::image::{Image, ImageError, selected, under};

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
    /// The `buf.yaml` (a file path or the YAML text) describing the against input's modules.
    #[arg(long = "against-config")]
    against_config: Option<String>,
    /// Limit to these files or directories (as seen from the current directory); repeatable.
    #[arg(long = "path")]
    path: Vec<String>,
    /// Leave out these files or directories; repeatable.
    #[arg(long = "exclude-path")]
    exclude_path: Vec<String>,
    /// `text` (default), `json`, `msvs`, `junit`, `github-actions` or `gitlab-code-quality`.
    #[arg(long = "error-format", default_value = "text")]
    error_format: String,
    /// Leave out changes in imported files that are not part of the module.
    #[arg(long = "exclude-imports")]
    exclude_imports: bool,
    /// Check against only the files of the current input (and the files they import): the
    /// against input is restricted to their paths, which replace `--path` there, as in buf.
    #[arg(long = "limit-to-input-files")]
    limit_to_input_files: bool,
    /// The module directory to check; defaults to the current directory.
    input: Option<PathBuf>,
}

/// Runs `protoforge breaking` with `argv` (the subcommand name first).
pub fn main(argv: &[String]) -> Result<ExitCode, String> {
    let args = match crate::parse_args::<BreakingArgs>(argv.iter().cloned()) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let Some(format) = ErrorFormat::from_name(&args.error_format) else {
        return Err(format!(
            "Failure: --error-format: invalid format: {:?}",
            args.error_format
        ));
    };
    let input = args.input.clone().unwrap_or_else(|| PathBuf::from("."));
    let modules = match &args.config {
        Some(c) => config_modules(c)?,
        None => against::workspace_modules(&input).map_err(|e| format!("Failure: {e}"))?,
    };
    let spec = against::parse(&args.against)?;
    let against_modules = match args.against_config.as_deref() {
        Some(c) => Some(against_workspace(&spec, config_modules(c)?)?),
        None => None,
    };
    let paths = Selection::new(&input, &args.path, &args.exclude_path, &modules)?;
    for (_, module) in &modules {
        for w in deprecation_warnings(&module.breaking) {
            eprintln!("WARN\t{w}");
        }
    }
    let mut current = Vec::with_capacity(modules.len());
    for i in 0..modules.len() {
        let image = match against::build_module(&input, &modules, i) {
            Ok(image) => image,
            Err(e) => return compile_failure(e, &display_prefix(&input), format),
        };
        let module = &modules[i].1;
        if !image.is_target.iter().any(|&t| t) {
            let shown = display_prefix(&input.join(&module.path));
            let shown = shown.trim_end_matches('/');
            return Err(format!(
                "Failure: Module \"{}\" had no .proto files",
                module.describe(if shown.is_empty() { "." } else { shown })
            ));
        }
        current.push(image);
    }
    if paths.is_active() {
        for (image, (_, module)) in current.iter_mut().zip(&modules) {
            paths.restrict(image, Some(&module.path), &paths.current);
        }
        if !current.iter().any(|i| i.is_target.iter().any(|&t| t)) {
            return Err(NOTHING_TARGETED.to_string());
        }
    }
    let scratch = std::env::temp_dir().join(format!("protoforge-breaking-{}", std::process::id()));
    let previous = against::load_modules(&spec, &scratch, against_modules.as_deref());
    let _ = std::fs::remove_dir_all(&scratch);
    let mut previous = match (previous, &spec) {
        (Ok(previous), _) => previous,
        (Err(e), against::Against::Dir(dir)) => {
            return compile_failure(e, &display_prefix(dir), format);
        }
        (Err(e), _) => return compile_failure(e, "", format),
    };
    let against_paths = if args.limit_to_input_files {
        Some((
            input_files(&current, &modules, &input),
            paths.given.1.clone(),
        ))
    } else if paths.is_active() {
        Some(paths.given.clone())
    } else {
        None
    };
    if let Some(given) = against_paths {
        let seen = seen_from(&given, &spec)?;
        for (module, image) in &mut previous {
            paths.restrict(image, module.as_deref(), &seen);
        }
        if !previous.iter().any(|(_, i)| i.is_target.iter().any(|&t| t)) {
            if matches!(spec, against::Against::ImageFile(_)) {
                return Err("Failure: image contains no files".to_string());
            }
            return Err(NOTHING_TARGETED.to_string());
        }
    }
    let previous: Vec<Image> = previous.into_iter().map(|(_, image)| image).collect();
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
    Ok(print_findings(&findings, format))
}

/// Prints the compile errors of `e` (paths shown under `prefix`) as buf prints them, as
/// findings with exit code 100; any other failure is the command's error.
fn compile_failure(e: ImageError, prefix: &str, format: ErrorFormat) -> Result<ExitCode, String> {
    match e {
        ImageError::Compile(mut list) => {
            for f in &mut list {
                f.path = format!("{prefix}{}", f.path);
            }
            Ok(print_findings(&list, format))
        }
        ImageError::Other(m) => Err(m),
    }
}

/// Prints `findings` to standard output in `format`; the exit code is 100 when there are any.
fn print_findings(findings: &[Finding], format: ErrorFormat) -> ExitCode {
    print!("{}", render(findings, format));
    if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}

/// The text of a `--config` value: the file it names when it is one or ends in `.yaml`, `.yml`
/// or `.json` (buf's error when that cannot be read), else the value itself.
pub(crate) fn config_text(value: &str) -> Result<String, String> {
    let path = Path::new(value);
    let named = path
        .extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
    if !path.is_file() && !named {
        return Ok(value.to_string());
    }
    std::fs::read_to_string(path).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            "no such file or directory".to_string()
        } else {
            e.to_string()
        };
        format!("Failure: could not read file: open {value}: {reason}")
    })
}

/// The modules a `--config`/`--against-config` value (a file path or the YAML text) describes.
pub(crate) fn config_modules(value: &str) -> Result<Vec<(String, ModuleConfig)>, String> {
    let text = config_text(value)?;
    let config =
        BufConfig::parse(&text).map_err(|e| format!("Failure: decode config file: {e}"))?;
    let version = config.version.clone();
    let mut modules: Vec<(String, ModuleConfig)> = config
        .modules
        .into_iter()
        .map(|m| (version.clone(), m))
        .collect();
    if modules.is_empty() {
        modules.push((version, ModuleConfig::default_v2()));
    }
    Ok(modules)
}

/// The modules of an `--against-config` workspace (rooted at the current directory, like the
/// file's own) that lie in the against directory, with paths made relative to it; buf's error
/// when there are none.
fn against_workspace(
    spec: &against::Against,
    modules: Vec<(String, ModuleConfig)>,
) -> Result<Vec<(String, ModuleConfig)>, String> {
    let against::Against::Dir(dir) = spec else {
        return Ok(modules);
    };
    let dir = lexical(&[&dir.to_string_lossy()]);
    let mut inside = Vec::new();
    for (version, mut m) in modules.iter().cloned() {
        let r = relative(&dir, &lexical(&[&m.path.to_string_lossy()]));
        if r == ".." || r.starts_with("../") {
            continue;
        }
        m.path = PathBuf::from(r);
        inside.push((version, m));
    }
    if inside.is_empty() {
        let names: Vec<String> = modules
            .iter()
            .map(|(_, m)| m.path.to_string_lossy().into_owned())
            .collect();
        return Err(format!(
            "Failure: input {dir:?} did not contain modules found in workspace [{}]",
            names.join(" ")
        ));
    }
    Ok(inside)
}

/// buf's failure when `--path`, `--exclude-path` or `--limit-to-input-files` leave no file.
const NOTHING_TARGETED: &str = "Failure: no .proto files were targeted. This can occur if no .proto files are found in your input, --path points to files that do not exist, or --exclude-path excludes all files.";

/// The `(paths, excludes)` values `given` (as seen from the current directory) as the against
/// input sees them: relative to its directory (buf resolves them there too, so a value outside
/// it is an error); as given for an image file and for a git ref, whose files (under its
/// `subdir`) buf matches against the values as they are.
fn seen_from(
    given: &(Vec<String>, Vec<String>),
    spec: &against::Against,
) -> Result<(Vec<String>, Vec<String>), String> {
    match spec {
        against::Against::ImageFile(_) | against::Against::Git { .. } => Ok(given.clone()),
        against::Against::Dir(base) => {
            Ok((relative_all(base, &given.0)?, relative_all(base, &given.1)?))
        }
    }
}

/// Every file of the `current` images (one per module of `modules`, under `input`), imports
/// included, as a path seen from the current directory: under the first module (its own
/// first) holding it, else its name (a file from the compiler's built-in imports). These are
/// `--limit-to-input-files`'s paths for the against input, as buf's external paths are.
fn input_files(current: &[Image], modules: &[(String, ModuleConfig)], input: &Path) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for (i, image) in current.iter().enumerate() {
        let order = std::iter::once(i).chain((0..modules.len()).filter(|&j| j != i));
        let roots: Vec<(PathBuf, String)> = order
            .map(|j| {
                let root = input.join(&modules[j].1.path);
                let prefix = display_prefix(&root);
                (root, prefix)
            })
            .collect();
        for file in &image.files {
            let name = file.name();
            let shown = match roots.iter().find(|(root, _)| root.join(name).is_file()) {
                Some((_, prefix)) => format!("{prefix}{name}"),
                None => name.to_string(),
            };
            out.insert(lexical(&[&shown]));
        }
    }
    out.into_iter().collect()
}

/// `--path` and `--exclude-path`: which files' changes are reported. Both inputs are
/// restricted; each value names a file or directory as seen from the current directory.
pub(crate) struct Selection {
    /// The values as given, normalised (for image files, whose names they are compared to).
    given: (Vec<String>, Vec<String>),
    /// The values relative to the input's root.
    current: (Vec<String>, Vec<String>),
}

impl Selection {
    /// Reads the flags, with buf's errors for a value outside the input, equal to it, or
    /// naming a module directory.
    pub(crate) fn new(
        input: &Path,
        paths: &[String],
        excludes: &[String],
        modules: &[(String, ModuleConfig)],
    ) -> Result<Selection, String> {
        if let Some(p) = paths.iter().chain(excludes).find(|p| p.starts_with('/')) {
            return Err(format!("Failure: {p}: expected to be relative"));
        }
        let given = (
            paths.iter().map(|p| lexical(&[p])).collect::<Vec<_>>(),
            excludes.iter().map(|p| lexical(&[p])).collect::<Vec<_>>(),
        );
        let current = (
            relative_all(input, &given.0)?,
            relative_all(input, &given.1)?,
        );
        for p in &current.0 {
            if p == "." {
                return Err("Failure: given input is equal to a value of --path, this has no effect and is disallowed".to_string());
            }
            if modules.iter().any(|(_, m)| Path::new(p) == m.path) {
                return Err(format!(
                    "Failure: module {p:?} was specified with --path, specify this module path directly as an input"
                ));
            }
        }
        for p in &current.1 {
            if p == "." {
                return Err(format!(
                    "Failure: given input {:?} is equal to a value of --exclude-path {p:?}, this would exclude everything",
                    lexical(&[&input.to_string_lossy()])
                ));
            }
            if modules.iter().any(|(_, m)| Path::new(p) == m.path) {
                return Err(format!(
                    "Failure: module {p:?} was specified with --exclude-path, this flag cannot be used to specify module directories"
                ));
            }
        }
        Ok(Selection { given, current })
    }

    /// Whether `name` (relative to the input's root) is selected: under a `--path` (or there
    /// are none) and under no `--exclude-path`.
    pub(crate) fn selects(&self, name: &str) -> bool {
        selected(name, &self.current.0, &self.current.1)
    }

    /// The `--path` values, relative to the input's root.
    pub(crate) fn paths(&self) -> &[String] {
        &self.current.0
    }

    /// buf's error for an `--exclude-path` that holds a `--path` (all of it would be excluded).
    pub(crate) fn check_exclude_holds_path(&self) -> Result<(), String> {
        let (paths, excludes) = &self.current;
        for p in paths {
            if let Some(e) = excludes.iter().find(|e| under(p, e)) {
                return Err(format!(
                    "Failure: excluded path {e:?} contains targeted path {p:?}, which means all paths in {p:?} will be excluded"
                ));
            }
        }
        Ok(())
    }

    fn is_active(&self) -> bool {
        !self.given.0.is_empty() || !self.given.1.is_empty()
    }

    /// Leaves only the selected files of `image` as targets, and of the rest only the files
    /// those import (directly or not), as imports; `module` is its directory under the root
    /// the `(paths, excludes)` are relative to (`None`: file names are full paths).
    fn restrict(
        &self,
        image: &mut Image,
        module: Option<&Path>,
        (paths, excludes): &(Vec<String>, Vec<String>),
    ) {
        for (file, target) in image.files.iter().zip(image.is_target.iter_mut()) {
            let name = match module {
                Some(m) if m.as_os_str() != "." => lexical(&[&m.to_string_lossy(), file.name()]),
                _ => file.name().to_string(),
            };
            let keep = selected(&name, paths, excludes);
            *target = *target && keep;
        }
        // Files come after their imports, so one backward pass finds everything reachable.
        let mut needed: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (file, target) in image.files.iter().zip(&image.is_target).rev() {
            if *target || needed.contains(file.name()) {
                needed.insert(file.name().to_string());
                needed.extend(file.dependency.iter().cloned());
            }
        }
        let flags: Vec<bool> = image
            .files
            .iter()
            .map(|f| needed.contains(f.name()))
            .collect();
        let mut i = 0;
        image.files.retain(|_| {
            i += 1;
            flags[i - 1]
        });
        let mut i = 0;
        image.is_target.retain(|_| {
            i += 1;
            flags[i - 1]
        });
        if image.unused_imports.len() == flags.len() {
            let mut i = 0;
            image.unused_imports.retain(|_| {
                i += 1;
                flags[i - 1]
            });
        }
    }
}

/// Each of `paths` (normalised, relative to the current directory) relative to `base`, or
/// buf's error for one outside it.
fn relative_all(base: &Path, paths: &[String]) -> Result<Vec<String>, String> {
    let base = lexical(&[&base.to_string_lossy()]);
    paths
        .iter()
        .map(|p| {
            let r = relative(&base, p);
            if r == ".." || r.starts_with("../") {
                Err(format!("Failure: {r}: is outside the context directory"))
            } else {
                Ok(r)
            }
        })
        .collect()
}

/// `path` relative to `base`, both normalised and relative to the current directory.
fn relative(base: &str, path: &str) -> String {
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let abs = |p: &str| {
        if p.starts_with('/') {
            lexical(&[p])
        } else {
            lexical(&[&cwd, p])
        }
    };
    let (b, p) = (abs(base), abs(path));
    let b: Vec<&str> = b.split('/').filter(|s| !s.is_empty()).collect();
    let p: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    let mut out: Vec<&str> = vec![".."; b.len() - common];
    out.extend(&p[common..]);
    if out.is_empty() {
        ".".to_string()
    } else {
        out.join("/")
    }
}

/// The parts joined and normalised: `/` separators, no `.`, `..` folded, `.` when empty. A
/// leading `/` is kept; `..` that cannot fold stays.
pub(crate) fn lexical(parts: &[&str]) -> String {
    let joined = parts.join("/").replace('\\', "/");
    let mut out: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    let body = out.join("/");
    match (
        parts.first().is_some_and(|f| f.starts_with('/')),
        body.is_empty(),
    ) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
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
pub(crate) fn display_prefix(root: &Path) -> String {
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
