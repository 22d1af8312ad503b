//! `buf.yaml` (v1beta1, v1 and v2): which lint and breaking rules apply where.
//!
//! The lint and breaking checks read their settings from here; the CLI only finds the file.
//! Paths in the result are relative to the module root they belong to, normalised (`/`
//! separators, no `./`, no trailing `/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The lint settings of one module (`lint:` in `buf.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintConfig {
    /// Rule ids and category names to check (`use`); buf's default is `STANDARD`.
    pub use_: Vec<String>,
    /// Rule ids and category names taken out again (`except`).
    pub except: Vec<String>,
    /// Paths (files or directories, relative to the module root) not checked at all.
    pub ignore: Vec<PathBuf>,
    /// Paths not checked for one rule or category (`ignore_only`).
    pub ignore_only: BTreeMap<String, Vec<PathBuf>>,
    /// `enum_zero_value_suffix` (default `_UNSPECIFIED`).
    pub enum_zero_value_suffix: String,
    /// `rpc_allow_same_request_response`.
    pub rpc_allow_same_request_response: bool,
    /// `rpc_allow_google_protobuf_empty_requests`.
    pub rpc_allow_google_protobuf_empty_requests: bool,
    /// `rpc_allow_google_protobuf_empty_responses`.
    pub rpc_allow_google_protobuf_empty_responses: bool,
    /// `service_suffix` (default `Service`).
    pub service_suffix: String,
    /// Whether `// buf:lint:ignore RULE` comments are honoured (v1 `allow_comment_ignores`,
    /// v2 the negation of `disallow_comment_ignores`).
    pub allow_comment_ignores: bool,
}

/// The breaking-change settings of one module (`breaking:` in `buf.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakingConfig {
    /// Rule ids and category names to check (`use`); buf's default is `FILE`.
    pub use_: Vec<String>,
    /// Rule ids and category names taken out again (`except`).
    pub except: Vec<String>,
    /// Paths (relative to the module root) not checked at all.
    pub ignore: Vec<PathBuf>,
    /// Paths not checked for one rule or category (`ignore_only`).
    pub ignore_only: BTreeMap<String, Vec<PathBuf>>,
    /// `ignore_unstable_packages`: skip packages whose last component is `v1alpha1`, `v1beta1`,
    /// `v1test` and the like.
    pub ignore_unstable_packages: bool,
}

/// One module of a workspace: a root directory of `.proto` files and its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleConfig {
    /// The module root, relative to the directory holding `buf.yaml` (`.` for v1).
    pub path: PathBuf,
    /// The directories under the root that make up the module (v2 `includes`), relative to
    /// the module root; empty when the whole root is the module.
    pub includes: Vec<PathBuf>,
    /// Directories under the root that are not part of the module (v2 `excludes`, v1
    /// `build.excludes`), relative to the module root.
    pub excludes: Vec<PathBuf>,
    /// Lint settings.
    pub lint: LintConfig,
    /// Breaking-change settings.
    pub breaking: BreakingConfig,
}

/// A parsed `buf.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufConfig {
    /// `v1`, `v1beta1` or `v2`.
    pub version: String,
    /// The modules (one for v1 files).
    pub modules: Vec<ModuleConfig>,
}

impl Default for LintConfig {
    /// buf's defaults for a v2 `buf.yaml` (a directory without one gets v1's instead).
    fn default() -> Self {
        LintConfig::default_for("v2")
    }
}

impl LintConfig {
    /// buf's lint defaults for a `buf.yaml` of `version` (`v1beta1`, `v1`, `v2`): `STANDARD`,
    /// and comment ignores honoured only from v2 on.
    pub fn default_for(version: &str) -> LintConfig {
        LintConfig {
            use_: vec!["STANDARD".to_string()],
            except: Vec::new(),
            ignore: Vec::new(),
            ignore_only: BTreeMap::new(),
            enum_zero_value_suffix: "_UNSPECIFIED".to_string(),
            rpc_allow_same_request_response: false,
            rpc_allow_google_protobuf_empty_requests: false,
            rpc_allow_google_protobuf_empty_responses: false,
            service_suffix: "Service".to_string(),
            allow_comment_ignores: version == "v2",
        }
    }
}

impl Default for BreakingConfig {
    /// buf's breaking defaults: `FILE`, nothing ignored.
    fn default() -> Self {
        BreakingConfig {
            use_: vec!["FILE".to_string()],
            except: Vec::new(),
            ignore: Vec::new(),
            ignore_only: BTreeMap::new(),
            ignore_unstable_packages: false,
        }
    }
}

impl ModuleConfig {
    /// The module buf assumes for a directory without `buf.yaml`: the directory itself, v2
    /// defaults.
    pub fn default_v2() -> ModuleConfig {
        ModuleConfig {
            path: PathBuf::from("."),
            includes: Vec::new(),
            excludes: Vec::new(),
            lint: LintConfig::default(),
            breaking: BreakingConfig::default(),
        }
    }

    /// The module buf assumes for a directory without any `buf.yaml` (alone or in a
    /// `buf.work.yaml`): the directory itself, checked as a v1 module (v1's lint defaults).
    pub fn without_config() -> ModuleConfig {
        ModuleConfig {
            lint: LintConfig::default_for("v1"),
            ..ModuleConfig::default_v2()
        }
    }

    /// How buf names the module in errors, given its root as shown (`shown`): `path: "shown"`,
    /// then its includes and excludes (workspace-relative, one quoted, several as a sorted
    /// list).
    pub fn describe(&self, shown: &str) -> String {
        let full = |p: &PathBuf| {
            if self.path.as_os_str() == "." {
                p.to_string_lossy().into_owned()
            } else {
                format!("{}/{}", self.path.to_string_lossy(), p.to_string_lossy())
            }
        };
        let list = |paths: &[PathBuf]| {
            let mut v: Vec<String> = paths.iter().map(full).collect();
            v.sort();
            match v.as_slice() {
                [one] => format!("{one:?}"),
                many => format!(
                    "[{}]",
                    many.iter()
                        .map(|p| format!("{p:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        };
        let mut s = format!("path: {shown:?}");
        if !self.includes.is_empty() {
            s.push_str(&format!(", includes: {}", list(&self.includes)));
        }
        if !self.excludes.is_empty() {
            s.push_str(&format!(", excludes: {}", list(&self.excludes)));
        }
        s
    }
}

impl BufConfig {
    /// Reads `dir/buf.yaml` (or `dir/buf.yml`); `Ok(None)` when there is none.
    pub fn load(dir: &Path) -> Result<Option<BufConfig>, String> {
        for name in ["buf.yaml", "buf.yml"] {
            let path = dir.join(name);
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("read {}: {e}", path.display()))?;
                return BufConfig::parse(&text)
                    .map(Some)
                    .map_err(|e| format!("decode {name}: {e}"));
            }
        }
        Ok(None)
    }

    /// Parses the text of a `buf.yaml` (also what `--config` takes inline). Errors are worded
    /// like buf's, without the `decode buf.yaml: ` prefix.
    pub fn parse(text: &str) -> Result<BufConfig, String> {
        let value: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(text).map_err(|e| format!("yaml: {e}"))?;
        let version = match value.get("version") {
            None | Some(serde_yaml_ng::Value::Null) => String::new(),
            Some(serde_yaml_ng::Value::String(s)) => s.clone(),
            Some(other) => return Err(format!("unknown file version: {other:?}")),
        };
        match version.as_str() {
            "" => Err("\"version\" is not set. Please add \"version: v2\"".to_string()),
            "v1beta1" | "v1" => parse_v1(text, &version),
            "v2" => parse_v2(text),
            other => Err(format!("unknown file version: {other:?}")),
        }
    }
}

/// The module directories a `buf.work.yaml` (v1 workspaces) in `dir` lists; `Ok(None)` when
/// there is none.
pub fn load_workspace_dirs(dir: &Path) -> Result<Option<Vec<PathBuf>>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Work {
        version: Option<String>,
        directories: Option<Vec<String>>,
    }
    for name in ["buf.work.yaml", "buf.work.yml"] {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
        let work: Work = strict(&text).map_err(|e| format!("decode {name}: {e}"))?;
        match work.version.as_deref() {
            Some("v1") => {}
            None | Some("") => {
                return Err(format!(
                    "decode {name}: \"version\" is not set. Please add \"version: v1\""
                ));
            }
            Some(v) => return Err(format!("decode {name}: unknown file version: {v:?}")),
        }
        let mut dirs = Vec::new();
        for d in work.directories.unwrap_or_default() {
            dirs.push(PathBuf::from(normalize("directories", &d)?));
        }
        return Ok(Some(dirs));
    }
    Ok(None)
}

fn strict<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, String> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let message = e.to_string();
        // An unknown key reads as buf words it: `line N: field KEY not found`.
        let unknown = message
            .split_once("unknown field `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(key, _)| key.to_string());
        match (unknown, e.location()) {
            (Some(key), Some(at)) => {
                format!(
                    "yaml: unmarshal errors:\n  line {}: field {key} not found",
                    at.line()
                )
            }
            _ => format!("yaml: {message}"),
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExtV1 {
    #[allow(dead_code)]
    version: Option<String>,
    #[allow(dead_code)]
    name: Option<String>,
    #[allow(dead_code)]
    deps: Option<Vec<String>>,
    build: Option<ExtBuild>,
    lint: Option<ExtLint>,
    breaking: Option<ExtBreaking>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExtBuild {
    roots: Option<Vec<String>>,
    excludes: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExtV2 {
    #[allow(dead_code)]
    version: Option<String>,
    name: Option<String>,
    modules: Option<Vec<ExtModule>>,
    #[allow(dead_code)]
    deps: Option<Vec<String>>,
    lint: Option<ExtLint>,
    breaking: Option<ExtBreaking>,
    #[allow(dead_code)]
    plugins: Option<serde_yaml_ng::Value>,
    #[allow(dead_code)]
    policies: Option<serde_yaml_ng::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExtModule {
    path: Option<String>,
    #[allow(dead_code)]
    name: Option<String>,
    includes: Option<Vec<String>>,
    excludes: Option<Vec<String>>,
    lint: Option<ExtLint>,
    breaking: Option<ExtBreaking>,
}

/// `lint:` of every version; the version decides which of the comment-ignore keys is legal.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct ExtLint {
    #[serde(rename = "use")]
    use_: Option<Vec<String>>,
    except: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    ignore_only: Option<BTreeMap<String, Option<Vec<String>>>>,
    enum_zero_value_suffix: Option<String>,
    rpc_allow_same_request_response: Option<bool>,
    rpc_allow_google_protobuf_empty_requests: Option<bool>,
    rpc_allow_google_protobuf_empty_responses: Option<bool>,
    service_suffix: Option<String>,
    allow_comment_ignores: Option<bool>,
    disallow_comment_ignores: Option<bool>,
    disable_builtin: Option<bool>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct ExtBreaking {
    #[serde(rename = "use")]
    use_: Option<Vec<String>>,
    except: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    ignore_only: Option<BTreeMap<String, Option<Vec<String>>>>,
    ignore_unstable_packages: Option<bool>,
    #[allow(dead_code)]
    disable_builtin: Option<bool>,
}

impl ExtLint {
    fn is_empty(&self) -> bool {
        self.use_.as_ref().is_none_or(Vec::is_empty)
            && self.except.as_ref().is_none_or(Vec::is_empty)
            && self.ignore.as_ref().is_none_or(Vec::is_empty)
            && self.ignore_only.as_ref().is_none_or(BTreeMap::is_empty)
            && self
                .enum_zero_value_suffix
                .as_ref()
                .is_none_or(String::is_empty)
            && !self.rpc_allow_same_request_response.unwrap_or(false)
            && !self
                .rpc_allow_google_protobuf_empty_requests
                .unwrap_or(false)
            && !self
                .rpc_allow_google_protobuf_empty_responses
                .unwrap_or(false)
            && self.service_suffix.as_ref().is_none_or(String::is_empty)
            && !self.allow_comment_ignores.unwrap_or(false)
            && !self.disallow_comment_ignores.unwrap_or(false)
            && !self.disable_builtin.unwrap_or(false)
    }
}

impl ExtBreaking {
    fn is_empty(&self) -> bool {
        self.use_.as_ref().is_none_or(Vec::is_empty)
            && self.except.as_ref().is_none_or(Vec::is_empty)
            && self.ignore.as_ref().is_none_or(Vec::is_empty)
            && self.ignore_only.as_ref().is_none_or(BTreeMap::is_empty)
            && !self.ignore_unstable_packages.unwrap_or(false)
            && !self.disable_builtin.unwrap_or(false)
    }
}

fn parse_v1(text: &str, version: &str) -> Result<BufConfig, String> {
    let ext: ExtV1 = strict(text)?;
    let build = ext.build.unwrap_or_default();
    let lint = ext.lint.unwrap_or_default();
    if lint.disallow_comment_ignores.is_some() {
        return Err(
            "yaml: unmarshal errors:\n  field disallow_comment_ignores not found".to_string(),
        );
    }
    let breaking = ext.breaking.unwrap_or_default();
    let roots = build.roots.unwrap_or_default();
    if version == "v1" && !roots.is_empty() {
        return Err(format!(
            "build.roots cannot be set on version {version}: [{}]",
            roots.join(" ")
        ));
    }
    let roots = if roots.is_empty() {
        vec![".".to_string()]
    } else {
        roots
            .iter()
            .map(|r| normalize("build.roots", r))
            .collect::<Result<_, _>>()?
    };
    let excludes = build
        .excludes
        .unwrap_or_default()
        .iter()
        .map(|e| normalize("build.excludes", e))
        .collect::<Result<Vec<_>, _>>()?;
    let mut modules = Vec::new();
    for root in &roots {
        let module_excludes = excludes
            .iter()
            .filter_map(|e| rel(root, e))
            .map(PathBuf::from)
            .collect();
        modules.push(ModuleConfig {
            path: PathBuf::from(root),
            includes: Vec::new(),
            excludes: module_excludes,
            // v1 paths are relative to each root already.
            lint: lint_config(version, &lint, ".", false)?,
            breaking: breaking_config(&breaking, ".", false)?,
        });
    }
    Ok(BufConfig {
        version: version.to_string(),
        modules,
    })
}

fn parse_v2(text: &str) -> Result<BufConfig, String> {
    let ext: ExtV2 = strict(text)?;
    let top_lint = ext.lint.unwrap_or_default();
    if top_lint.allow_comment_ignores.is_some() {
        return Err("yaml: unmarshal errors:\n  field allow_comment_ignores not found".to_string());
    }
    let top_breaking = ext.breaking.unwrap_or_default();
    let ext_modules = match ext.modules {
        Some(m) if !m.is_empty() => {
            if ext.name.as_ref().is_some_and(|n| !n.is_empty()) {
                return Err("top-level name key cannot be specified if modules are specified, you must specify the name on each individual module, the top-level name key is only for the default case where you have one module at path \".\".".to_string());
            }
            m
        }
        _ => vec![ExtModule::default()],
    };
    let mut modules = Vec::new();
    for m in ext_modules {
        let dir = match m.path.as_deref() {
            None | Some("") => ".".to_string(),
            Some(p) => normalize("invalid module path", p).map_err(|e| {
                e.replacen(
                    "invalid module path: invalid path",
                    "invalid module path",
                    1,
                )
            })?,
        };
        let includes = module_includes(&dir, &m.includes.unwrap_or_default())?;
        let mut excludes = Vec::new();
        for e in m.excludes.unwrap_or_default() {
            let e = normalize("invalid exclude path", &e).map_err(|e| {
                e.replacen(
                    "invalid exclude path: invalid path",
                    "invalid exclude path",
                    1,
                )
            })?;
            if e == dir {
                return Err(format!(
                    "exclude path {e:?} is equal to module directory {dir:?}"
                ));
            }
            match rel(&dir, &e) {
                Some(r) if excludes.contains(&r) => {
                    return Err(format!("duplicate exclude {r:?}"));
                }
                Some(r) => excludes.push(r),
                None => {
                    return Err(format!(
                        "exclude path {e:?} does not reside within module directory {dir:?}"
                    ));
                }
            }
        }
        check_includes_against_excludes(&dir, &includes, &excludes)?;
        let (lint, lint_own) = match m.lint {
            Some(l) if !l.is_empty() => (l, true),
            _ => (top_lint.clone(), false),
        };
        if lint.allow_comment_ignores.is_some() {
            return Err(
                "yaml: unmarshal errors:\n  field allow_comment_ignores not found".to_string(),
            );
        }
        let (breaking, breaking_own) = match m.breaking {
            Some(b) if !b.is_empty() => (b, true),
            _ => (top_breaking.clone(), false),
        };
        modules.push(ModuleConfig {
            path: PathBuf::from(&dir),
            includes: includes.into_iter().map(PathBuf::from).collect(),
            excludes: excludes.into_iter().map(PathBuf::from).collect(),
            lint: lint_config("v2", &lint, &dir, lint_own)?,
            breaking: breaking_config(&breaking, &dir, breaking_own)?,
        });
    }
    Ok(BufConfig {
        version: "v2".to_string(),
        modules,
    })
}

/// A v2 module's `includes`, relative to the module directory `dir`, or buf's error for one
/// that is not a directory strictly inside `dir`, repeats, or lies inside another.
fn module_includes(dir: &str, list: &[String]) -> Result<Vec<String>, String> {
    let mut full: Vec<String> = Vec::new();
    for p in list {
        let p =
            normalize("includes", p).map_err(|e| e.replacen("includes: invalid path: ", "", 1))?;
        if p == dir {
            return Err(format!(
                "include path {p:?} is equal to module directory {dir:?}"
            ));
        }
        if rel(dir, &p).is_none() {
            return Err(format!(
                "include path {p:?} does not reside within module directory {dir:?}"
            ));
        }
        if Path::new(&p).extension().is_some_and(|x| x == "proto") {
            return Err(format!(
                "includes can only be directories but file {p:?} discovered"
            ));
        }
        if full.contains(&p) {
            return Err(format!("duplicate include {p:?}"));
        }
        full.push(p);
    }
    for inner in &full {
        if let Some(outer) = full.iter().find(|o| *o != inner && rel(o, inner).is_some()) {
            return Err(format!(
                "include {inner:?} is within include {outer:?} which is not allowed"
            ));
        }
    }
    Ok(full.iter().filter_map(|p| rel(dir, p)).collect())
}

/// buf's rules between a module's `includes` and `excludes` (both relative to `dir`): no path
/// is both, no include lies under an exclude, and with includes every exclude lies under one.
fn check_includes_against_excludes(
    dir: &str,
    includes: &[String],
    excludes: &[String],
) -> Result<(), String> {
    let full = |p: &str| {
        if dir == "." {
            p.to_string()
        } else {
            format!("{dir}/{p}")
        }
    };
    for i in includes {
        if excludes.contains(i) {
            return Err(format!(
                "{:?} is both an include path and an exclude path",
                full(i)
            ));
        }
        if let Some(e) = excludes.iter().find(|e| rel(e, i).is_some()) {
            return Err(format!(
                "{:?} (an include path) is a subdirectory of {:?} (an exclude path)",
                full(i),
                full(e)
            ));
        }
    }
    if !includes.is_empty() {
        for e in excludes {
            if !includes.iter().any(|i| rel(i, e).is_some()) {
                return Err(format!(
                    "include paths are specified but {:?} is not contained within any of them",
                    full(e)
                ));
            }
        }
    }
    Ok(())
}

fn lint_config(version: &str, ext: &ExtLint, dir: &str, own: bool) -> Result<LintConfig, String> {
    let mut c = LintConfig::default_for(version);
    if let Some(u) = ext.use_.as_ref().filter(|u| !u.is_empty()) {
        c.use_ = u.clone();
    }
    c.except = ext.except.clone().unwrap_or_default();
    let (ignore, ignore_only) = paths("lint", &ext.ignore, &ext.ignore_only, dir, own)?;
    c.ignore = ignore;
    c.ignore_only = ignore_only;
    if let Some(s) = ext
        .enum_zero_value_suffix
        .as_ref()
        .filter(|s| !s.is_empty())
    {
        c.enum_zero_value_suffix = s.clone();
    }
    if let Some(s) = ext.service_suffix.as_ref().filter(|s| !s.is_empty()) {
        c.service_suffix = s.clone();
    }
    c.rpc_allow_same_request_response = ext.rpc_allow_same_request_response.unwrap_or(false);
    c.rpc_allow_google_protobuf_empty_requests = ext
        .rpc_allow_google_protobuf_empty_requests
        .unwrap_or(false);
    c.rpc_allow_google_protobuf_empty_responses = ext
        .rpc_allow_google_protobuf_empty_responses
        .unwrap_or(false);
    c.allow_comment_ignores = if version == "v2" {
        !ext.disallow_comment_ignores.unwrap_or(false)
    } else {
        ext.allow_comment_ignores.unwrap_or(false)
    };
    Ok(c)
}

fn breaking_config(ext: &ExtBreaking, dir: &str, own: bool) -> Result<BreakingConfig, String> {
    let mut c = BreakingConfig::default();
    if let Some(u) = ext.use_.as_ref().filter(|u| !u.is_empty()) {
        c.use_ = u.clone();
    }
    c.except = ext.except.clone().unwrap_or_default();
    let (ignore, ignore_only) = paths("breaking", &ext.ignore, &ext.ignore_only, dir, own)?;
    c.ignore = ignore;
    c.ignore_only = ignore_only;
    c.ignore_unstable_packages = ext.ignore_unstable_packages.unwrap_or(false);
    Ok(c)
}

type IgnoreOnly = BTreeMap<String, Vec<PathBuf>>;

/// `ignore` and `ignore_only` made relative to the module directory `dir`. An `ignore` equal to
/// `dir` turns the check off for the whole module; it comes back as the single path `.`.
fn paths(
    section: &str,
    ignore: &Option<Vec<String>>,
    ignore_only: &Option<BTreeMap<String, Option<Vec<String>>>>,
    dir: &str,
    own: bool,
) -> Result<(Vec<PathBuf>, IgnoreOnly), String> {
    let field = format!("{section}.ignore");
    let ignore = ignore.clone().unwrap_or_default();
    for p in &ignore {
        if normalize(&field, p)? == dir {
            return Ok((vec![PathBuf::from(".")], BTreeMap::new()));
        }
    }
    let rel_all = |field: &str, list: &[String]| -> Result<Vec<PathBuf>, String> {
        let mut out = Vec::new();
        for p in list {
            let p = normalize(field, p)?;
            match rel(dir, &p) {
                Some(r) => out.push(PathBuf::from(r)),
                None if !own => {}
                None => {
                    return Err(format!(
                        "{field}: path {p:?} is not contained within module directory {dir:?}"
                    ));
                }
            }
        }
        Ok(out)
    };
    let ignore = rel_all(&field, &ignore)?;
    let mut only = BTreeMap::new();
    let field = format!("{section}.ignore_only");
    for (id, list) in ignore_only.clone().unwrap_or_default() {
        let list = rel_all(&field, &list.unwrap_or_default())?;
        if !list.is_empty() {
            only.insert(id, list);
        }
    }
    Ok((ignore, only))
}

/// A relative path in buf's normal form, or buf's error for an absolute or escaping one.
fn normalize(field: &str, path: &str) -> Result<String, String> {
    let unix = path.replace('\\', "/");
    if unix.starts_with('/') {
        return Err(format!(
            "{field}: invalid path: {path}: expected to be relative"
        ));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in unix.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "{field}: invalid path: {path}: is outside the context directory"
                    ));
                }
            }
            p => parts.push(p),
        }
    }
    Ok(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// `path` relative to `dir` when `dir` equals or contains it (both normalised).
fn rel(dir: &str, path: &str) -> Option<String> {
    if dir == "." {
        return Some(path.to_string());
    }
    if path == dir {
        return Some(".".to_string());
    }
    path.strip_prefix(dir)
        .and_then(|r| r.strip_prefix('/'))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_modules_take_top_level_lint_when_they_have_none() {
        let c = BufConfig::parse(
            "version: v2\nmodules:\n  - path: a\n  - path: b\n    lint:\n      use: [MINIMAL]\nlint:\n  use: [BASIC]\n  ignore: [a/x.proto, b/y.proto]\n",
        )
        .expect("valid");
        assert_eq!(c.modules[0].lint.use_, vec!["BASIC"]);
        assert_eq!(c.modules[0].lint.ignore, vec![PathBuf::from("x.proto")]);
        assert_eq!(c.modules[1].lint.use_, vec!["MINIMAL"]);
        assert!(c.modules[1].lint.ignore.is_empty());
    }

    #[test]
    fn v1_defaults_and_excludes() {
        let c = BufConfig::parse("version: v1\nbuild:\n  excludes: [./gen/]\n").expect("valid");
        assert_eq!(c.modules[0].excludes, vec![PathBuf::from("gen")]);
        assert!(!c.modules[0].lint.allow_comment_ignores);
        assert_eq!(c.modules[0].lint.use_, vec!["STANDARD"]);
    }

    #[test]
    fn errors_read_like_bufs() {
        let e = BufConfig::parse("version: v2\nlint:\n  foo: 1\n").expect_err("unknown key");
        assert_eq!(e, "yaml: unmarshal errors:\n  line 3: field foo not found");
        let e = BufConfig::parse("lint: {}\n").expect_err("no version");
        assert!(e.contains("\"version\" is not set"), "{e}");
        let e = BufConfig::parse("version: v3\n").expect_err("bad version");
        assert_eq!(e, "unknown file version: \"v3\"");
        let e = BufConfig::parse("version: v2\nlint:\n  ignore: [../x]\n").expect_err("outside");
        assert_eq!(
            e,
            "lint.ignore: invalid path: ../x: is outside the context directory"
        );
    }
}
