//! The breaking rules buf knows, their categories, and which of them a configuration selects.

use std::collections::BTreeSet;

use crate::config::BreakingConfig;

/// One rule: id, categories (v2 spelling) and whether it is on by default.
struct Rule {
    id: &'static str,
    categories: &'static [&'static str],
    default: bool,
}

const F: &[&str] = &["FILE"];
const CF: &[&str] = &["CSR", "FILE"];
const FP: &[&str] = &["FILE", "PACKAGE"];
const CFP: &[&str] = &["CSR", "FILE", "PACKAGE"];
const CFPJ: &[&str] = &["CSR", "FILE", "PACKAGE", "WIRE_JSON"];
const CFPJW: &[&str] = &["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"];
const P: &[&str] = &["PACKAGE"];
const CJ: &[&str] = &["CSR", "WIRE_JSON"];
const CJW: &[&str] = &["CSR", "WIRE_JSON", "WIRE"];
const W: &[&str] = &["WIRE"];

macro_rules! rules {
    ($($id:literal $cats:ident $def:literal),* $(,)?) => {
        &[$(Rule { id: $id, categories: $cats, default: $def }),*]
    };
}

/// Every rule of buf 1.75 (configuration v2), in `buf config ls-breaking-rules` order.
const RULES: &[Rule] = rules![
    "EXTENSION_NO_DELETE" F true,
    "SERVICE_NO_DELETE" F true,
    "ENUM_NO_DELETE" CF true,
    "FILE_NO_DELETE" CF true,
    "MESSAGE_NO_DELETE" CF true,
    "ENUM_SAME_TYPE" FP true,
    "FIELD_SAME_CARDINALITY" FP true,
    "FIELD_SAME_CPP_STRING_TYPE" FP true,
    "FIELD_SAME_JAVA_UTF8_VALIDATION" FP true,
    "FIELD_SAME_JSTYPE" FP true,
    "FIELD_SAME_UTF8_VALIDATION" FP true,
    "FILE_SAME_CC_ENABLE_ARENAS" FP true,
    "FILE_SAME_CC_GENERIC_SERVICES" FP true,
    "FILE_SAME_CSHARP_NAMESPACE" FP true,
    "FILE_SAME_GO_PACKAGE" FP true,
    "FILE_SAME_JAVA_GENERIC_SERVICES" FP true,
    "FILE_SAME_JAVA_MULTIPLE_FILES" FP true,
    "FILE_SAME_JAVA_OUTER_CLASSNAME" FP true,
    "FILE_SAME_JAVA_PACKAGE" FP true,
    "FILE_SAME_OBJC_CLASS_PREFIX" FP true,
    "FILE_SAME_OPTIMIZE_FOR" FP true,
    "FILE_SAME_PHP_CLASS_PREFIX" FP true,
    "FILE_SAME_PHP_METADATA_NAMESPACE" FP true,
    "FILE_SAME_PHP_NAMESPACE" FP true,
    "FILE_SAME_PY_GENERIC_SERVICES" FP true,
    "FILE_SAME_RUBY_PACKAGE" FP true,
    "FILE_SAME_SWIFT_PREFIX" FP true,
    "RPC_NO_DELETE" FP true,
    "ENUM_VALUE_NO_DELETE" CFP true,
    "EXTENSION_MESSAGE_NO_DELETE" CFP true,
    "FIELD_NO_DELETE" CFP true,
    "FIELD_SAME_TYPE" CFP true,
    "FILE_SAME_SYNTAX" CFP true,
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR" CFP true,
    "ONEOF_NO_DELETE" CFP true,
    "ENUM_SAME_JSON_FORMAT" CFPJ true,
    "ENUM_VALUE_SAME_NAME" CFPJ true,
    "FIELD_SAME_JSON_NAME" CFPJ true,
    "FIELD_SAME_NAME" CFPJ true,
    "MESSAGE_SAME_JSON_FORMAT" CFPJ true,
    "FIELD_SAME_DEFAULT" CFPJW true,
    "FIELD_SAME_ONEOF" CFPJW true,
    "FILE_SAME_PACKAGE" CFPJW true,
    "MESSAGE_SAME_REQUIRED_FIELDS" CFPJW true,
    "RESERVED_ENUM_NO_DELETE" CFPJW true,
    "RESERVED_MESSAGE_NO_DELETE" CFPJW true,
    "RPC_SAME_CLIENT_STREAMING" CFPJW true,
    "RPC_SAME_IDEMPOTENCY_LEVEL" CFPJW true,
    "RPC_SAME_REQUEST_TYPE" CFPJW true,
    "RPC_SAME_RESPONSE_TYPE" CFPJW true,
    "RPC_SAME_SERVER_STREAMING" CFPJW true,
    "PACKAGE_ENUM_NO_DELETE" P false,
    "PACKAGE_EXTENSION_NO_DELETE" P false,
    "PACKAGE_MESSAGE_NO_DELETE" P false,
    "PACKAGE_NO_DELETE" P false,
    "PACKAGE_SERVICE_NO_DELETE" P false,
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED" CJ false,
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED" CJ false,
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY" CJ false,
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE" CJ false,
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED" CJW false,
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED" CJW false,
    "FIELD_WIRE_COMPATIBLE_CARDINALITY" W false,
    "FIELD_WIRE_COMPATIBLE_TYPE" W false,
];

/// Rules of configuration v2 that v1 does not have.
const V2_ONLY: &[&str] = &[
    "EXTENSION_NO_DELETE",
    "FIELD_SAME_DEFAULT",
    "PACKAGE_EXTENSION_NO_DELETE",
];

/// Deprecated v1 ids and the rules that replaced them.
const DEPRECATED: &[(&str, &[&str])] = &[
    ("FIELD_SAME_CTYPE", &["FIELD_SAME_CPP_STRING_TYPE"]),
    (
        "FIELD_SAME_LABEL",
        &[
            "FIELD_SAME_CARDINALITY",
            "FIELD_WIRE_COMPATIBLE_CARDINALITY",
            "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        ],
    ),
    (
        "FILE_SAME_JAVA_STRING_CHECK_UTF8",
        &["FIELD_SAME_JAVA_UTF8_VALIDATION"],
    ),
    ("FILE_SAME_PHP_GENERIC_SERVICES", &[]),
    ("MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT", &[]),
];

/// The configuration file version the rule set follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RuleVersion {
    /// `version: v1beta1` or `v1`.
    V1,
    /// `version: v2` (the default).
    #[default]
    V2,
}

impl RuleVersion {
    /// The rule set of a `buf.yaml` `version:` value.
    pub fn from_config_version(version: &str) -> RuleVersion {
        if version.starts_with("v1") {
            RuleVersion::V1
        } else {
            RuleVersion::V2
        }
    }
}

fn available(version: RuleVersion) -> impl Iterator<Item = &'static Rule> {
    RULES
        .iter()
        .filter(move |r| version == RuleVersion::V2 || !V2_ONLY.contains(&r.id))
}

/// The rule ids a rule id, deprecated rule id or category name stands for.
pub(crate) fn expand(name: &str, version: RuleVersion) -> Result<Vec<&'static str>, String> {
    if let Some(r) = available(version).find(|r| r.id == name) {
        return Ok(vec![r.id]);
    }
    if let Some((_, repl)) = DEPRECATED.iter().find(|(id, _)| *id == name) {
        return Ok(repl.to_vec());
    }
    let in_cat: Vec<&'static str> = available(version)
        .filter(|r| {
            r.categories
                .iter()
                .any(|c| *c == name && (version == RuleVersion::V2 || *c != "CSR"))
        })
        .map(|r| r.id)
        .collect();
    if in_cat.is_empty() {
        return Err(format!("{name:?} is not a known rule or category ID"));
    }
    Ok(in_cat)
}

/// The rule ids a configuration turns on (`use` minus `except`; the defaults when `use` is
/// empty).
pub(crate) fn selected(
    config: &BreakingConfig,
    version: RuleVersion,
) -> Result<BTreeSet<&'static str>, String> {
    let mut on = BTreeSet::new();
    if config.use_.is_empty() {
        on.extend(available(version).filter(|r| r.default).map(|r| r.id));
    } else {
        for name in &config.use_ {
            on.extend(expand(name, version)?);
        }
    }
    for name in &config.except {
        for id in expand(name, version)? {
            on.remove(id);
        }
    }
    Ok(on)
}

/// Every rule id of `version` with its categories and default flag, in buf's listing order.
pub fn all_rules(version: RuleVersion) -> Vec<(&'static str, Vec<&'static str>, bool)> {
    available(version)
        .map(|r| {
            let cats = r
                .categories
                .iter()
                .copied()
                .filter(|c| version == RuleVersion::V2 || *c != "CSR")
                .collect();
            (r.id, cats, r.default)
        })
        .collect()
}

/// buf's warnings for deprecated rule ids named in `use` and `except` (each printed after
/// `WARN` and a tab; continuation lines start with a tab).
pub fn deprecation_warnings(config: &BreakingConfig) -> Vec<String> {
    let mut out = Vec::new();
    for name in config.use_.iter().chain(&config.except) {
        let Some((id, repl)) = DEPRECATED.iter().find(|(id, _)| id == name) else {
            continue;
        };
        let replaced = match repl.len() {
            0 => String::new(),
            1 => format!(" It has been replaced by rule {}.", repl[0]),
            _ => format!(" It has been replaced by rules {}.", repl.join(", ")),
        };
        let w = format!(
            "Rule {id} referenced in your buf.yaml is deprecated.{replaced}\n\tAs with all buf changes, this change is backwards-compatible: {id} will continue to work.\n\tWe recommend replacing {id} in your buf.yaml, but no action is immediately necessary."
        );
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}
