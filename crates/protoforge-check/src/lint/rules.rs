//! The lint rules buf knows, with their categories in each `buf.yaml` version, and turning
//! `use`/`except`/`ignore_only` into rule ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::config::LintConfig;

/// One rule and its categories per `buf.yaml` version (`None`: the version has no such rule).
pub(crate) struct RuleSpec {
    pub id: &'static str,
    pub v1beta1: Option<&'static [&'static str]>,
    pub v1: Option<&'static [&'static str]>,
    pub v2: Option<&'static [&'static str]>,
}

impl RuleSpec {
    fn categories(&self, version: &str) -> Option<&'static [&'static str]> {
        match version {
            "v1beta1" => self.v1beta1,
            "v1" => self.v1,
            _ => self.v2,
        }
    }
}

/// Every lint rule of buf 1.75, as `buf config ls-lint-rules --version V` lists them.
pub(crate) const RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "DIRECTORY_SAME_PACKAGE",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "FILE_LAYOUT"]),
        v1: Some(&["MINIMAL", "BASIC", "STANDARD"]),
        v2: Some(&["MINIMAL", "BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_DEFINED",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "SENSIBLE"]),
        v1: Some(&["MINIMAL", "BASIC", "STANDARD"]),
        v2: Some(&["MINIMAL", "BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_DIRECTORY_MATCH",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "FILE_LAYOUT"]),
        v1: Some(&["MINIMAL", "BASIC", "STANDARD"]),
        v2: Some(&["MINIMAL", "BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_NO_IMPORT_CYCLE",
        v1beta1: None,
        v1: Some(&[]),
        v2: Some(&["MINIMAL", "BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_DIRECTORY",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "FILE_LAYOUT"]),
        v1: Some(&["MINIMAL", "BASIC", "STANDARD"]),
        v2: Some(&["MINIMAL", "BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "ENUM_FIRST_VALUE_ZERO",
        v1beta1: Some(&["OTHER"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "ENUM_NO_ALLOW_ALIAS",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "SENSIBLE"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "ENUM_PASCAL_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "ENUM_VALUE_UPPER_SNAKE_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "FIELD_LOWER_SNAKE_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "FIELD_NOT_REQUIRED",
        v1beta1: None,
        v1: None,
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "IMPORT_NO_PUBLIC",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "SENSIBLE"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "IMPORT_USED",
        v1beta1: None,
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "MESSAGE_PASCAL_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "ONEOF_LOWER_SNAKE_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_LOWER_SNAKE_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_CSHARP_NAMESPACE",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_GO_PACKAGE",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_JAVA_MULTIPLE_FILES",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_JAVA_PACKAGE",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_PHP_NAMESPACE",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_RUBY_PACKAGE",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_SAME_SWIFT_PREFIX",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "PACKAGE_AFFINITY"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "RPC_PASCAL_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "SERVICE_PASCAL_CASE",
        v1beta1: Some(&["BASIC", "STANDARD", "STYLE_BASIC", "STYLE_STANDARD"]),
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "SYNTAX_SPECIFIED",
        v1beta1: None,
        v1: Some(&["BASIC", "STANDARD"]),
        v2: Some(&["BASIC", "STANDARD"]),
    },
    RuleSpec {
        id: "ENUM_VALUE_PREFIX",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "ENUM_ZERO_VALUE_SUFFIX",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "FILE_LOWER_SNAKE_CASE",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "PACKAGE_VERSION_SUFFIX",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "PROTOVALIDATE",
        v1beta1: None,
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "RPC_REQUEST_RESPONSE_UNIQUE",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "RPC_REQUEST_STANDARD_NAME",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "RPC_RESPONSE_STANDARD_NAME",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "SERVICE_SUFFIX",
        v1beta1: Some(&["STANDARD", "STYLE_STANDARD"]),
        v1: Some(&["STANDARD"]),
        v2: Some(&["STANDARD"]),
    },
    RuleSpec {
        id: "COMMENT_ENUM",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "COMMENT_ENUM_VALUE",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "COMMENT_FIELD",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "COMMENT_MESSAGE",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "COMMENT_ONEOF",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "COMMENT_RPC",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "COMMENT_SERVICE",
        v1beta1: Some(&["COMMENTS"]),
        v1: Some(&["COMMENTS"]),
        v2: Some(&["COMMENTS"]),
    },
    RuleSpec {
        id: "RPC_NO_CLIENT_STREAMING",
        v1beta1: Some(&["UNARY_RPC"]),
        v1: Some(&["UNARY_RPC"]),
        v2: Some(&["UNARY_RPC"]),
    },
    RuleSpec {
        id: "RPC_NO_SERVER_STREAMING",
        v1beta1: Some(&["UNARY_RPC"]),
        v1: Some(&["UNARY_RPC"]),
        v2: Some(&["UNARY_RPC"]),
    },
    RuleSpec {
        id: "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
        v1beta1: None,
        v1: None,
        v2: Some(&[]),
    },
    RuleSpec {
        id: "FIELD_NO_DESCRIPTOR",
        v1beta1: Some(&["MINIMAL", "BASIC", "STANDARD", "SENSIBLE"]),
        v1: None,
        v2: None,
    },
];

/// The rule ids `version` knows, sorted.
pub fn rule_ids(version: &str) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = RULES
        .iter()
        .filter(|r| r.categories(version).is_some())
        .map(|r| r.id)
        .collect();
    ids.sort_unstable();
    ids
}

/// The rule ids `id` stands for in `version`: itself when it is a rule, its rules when it is a
/// category (`DEFAULT` is the deprecated name of `STANDARD`).
fn expand(id: &str, version: &str) -> Result<Vec<&'static str>, String> {
    if let Some(rule) = RULES
        .iter()
        .find(|r| r.id == id && r.categories(version).is_some())
    {
        return Ok(vec![rule.id]);
    }
    let category = if id == "DEFAULT" { "STANDARD" } else { id };
    let rules: Vec<&'static str> = RULES
        .iter()
        .filter(|r| r.categories(version).is_some_and(|c| c.contains(&category)))
        .map(|r| r.id)
        .collect();
    if rules.is_empty() {
        return Err(format!("{id:?} is not a known rule or category ID"));
    }
    Ok(rules)
}

/// The rules a lint config turns on, and the paths each rule is not checked in.
pub(crate) struct Selection {
    /// Rule ids to run, sorted.
    pub rules: BTreeSet<&'static str>,
    /// Per rule id, the paths (module-relative) `ignore_only` takes it off for.
    pub ignore_only: BTreeMap<&'static str, Vec<PathBuf>>,
    /// Deprecated ids the config names (`DEFAULT`), for a warning.
    pub deprecated: Vec<String>,
}

/// Resolves `use`, `except` and `ignore_only` of `config` for `version`.
pub(crate) fn select(config: &LintConfig, version: &str) -> Result<Selection, String> {
    let mut deprecated = Vec::new();
    for id in config
        .use_
        .iter()
        .chain(&config.except)
        .chain(config.ignore_only.keys())
    {
        if id == "DEFAULT" && !deprecated.contains(id) {
            deprecated.push(id.clone());
        }
    }
    let mut rules = BTreeSet::new();
    let uses: BTreeSet<&str> = config
        .use_
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if uses.is_empty() {
        rules.extend(expand("STANDARD", version)?);
    }
    for id in uses {
        rules.extend(expand(id, version)?);
    }
    for id in &config.except {
        if id.is_empty() {
            continue;
        }
        for r in expand(id, version)? {
            rules.remove(r);
        }
    }
    let mut ignore_only: BTreeMap<&'static str, Vec<PathBuf>> = BTreeMap::new();
    for (id, paths) in &config.ignore_only {
        for r in expand(id, version)? {
            ignore_only
                .entry(r)
                .or_default()
                .extend(paths.iter().cloned());
        }
    }
    Ok(Selection {
        rules,
        ignore_only,
        deprecated,
    })
}
