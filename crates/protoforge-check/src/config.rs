//! `buf.yaml` (v1 and v2): which lint and breaking rules apply where.
//!
//! The lint and breaking checks read their settings from here; the CLI only finds the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// Directories under the root that are not part of the module (v2 `excludes`, v1
    /// `build.excludes`).
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

impl BufConfig {
    /// Reads `dir/buf.yaml`; `Ok(None)` when there is none.
    pub fn load(dir: &Path) -> Result<Option<BufConfig>, String> {
        let _ = dir;
        todo!("buf.yaml reader")
    }
}
