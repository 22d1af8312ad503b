//! `buf breaking`: the changes between two images that break generated code, the wire format
//! or JSON, with buf 1.75's rule ids, messages, locations and order.
//!
//! [`check`] compares a current image with a previous one under a [`BreakingConfig`];
//! [`against`] loads the previous side from a directory, an image file or a git ref.
//!
//! Rules are grouped by the element they look at: `files` (files, packages and file
//! options), `messages`, `fields`, `enums` and `services`.

pub mod against;
mod defaults;
mod enums;
mod features;
mod fields;
mod files;
mod kinds;
mod messages;
mod model;
mod rules;
mod services;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use crate::config::BreakingConfig;
use crate::image::Image;
use model::{Side, Span};
pub use rules::{RuleVersion, all_rules, deprecation_warnings};

pub use crate::finding::Finding;

/// A finding before the `ignore` settings are applied: it also remembers the file of the
/// previous image it came from.
pub(crate) struct Raw {
    rule: &'static str,
    /// Current-side file index and span (`None` span: the file only).
    cur: Option<(usize, Option<Span>)>,
    /// Previous-side file index of the against location.
    prev: Option<usize>,
    message: String,
}

/// Where the rules write their findings.
pub(crate) struct Out<'s, 'a> {
    pub cur: &'s Side<'a>,
    pub prev: &'s Side<'a>,
    /// Where the current image's files are on disk, when known.
    pub cur_root: Option<&'s Path>,
    rule: &'static str,
    raws: Vec<Raw>,
}

/// A location in one side: file index and source path.
pub(crate) type At<'p> = (usize, &'p [i32]);

impl Out<'_, '_> {
    /// Adds a finding at `loc` in the current image (falling back to the whole of the
    /// current file named `file` when `loc` has no source location), remembering the previous
    /// image's `against` location.
    pub fn add(
        &mut self,
        loc: Option<At<'_>>,
        against: Option<At<'_>>,
        file: &str,
        message: String,
    ) {
        let loc = loc.and_then(|(f, p)| self.cur.files[f].loc(p).map(|s| (f, s)));
        let against = against.and_then(|(f, p)| self.prev.files[f].loc(p).map(|s| (f, s)));
        self.add_span(loc, against, file, message);
    }

    /// Like [`Out::add`], with locations already resolved to spans.
    pub fn add_span(
        &mut self,
        loc: Option<(usize, Span)>,
        against: Option<(usize, Span)>,
        file: &str,
        message: String,
    ) {
        let cur = match loc {
            Some((f, s)) => Some((f, Some(s))),
            None => self.cur.file_by_path.get(file).map(|&f| (f, None)),
        };
        self.push(cur, against.map(|a| a.0), message);
    }

    /// The span of an option below an element of the current image, or else of the element.
    pub fn cur_option(
        &self,
        f: usize,
        path: &[i32],
        len: usize,
        elem: &[i32],
    ) -> Option<(usize, Span)> {
        let fi = &self.cur.files[f];
        fi.option_loc(path, len)
            .or_else(|| fi.loc(elem))
            .map(|s| (f, s))
    }

    /// The span of an option below an element of the previous image, or else of the element.
    pub fn prev_option(
        &self,
        f: usize,
        path: &[i32],
        len: usize,
        elem: &[i32],
    ) -> Option<(usize, Span)> {
        let fi = &self.prev.files[f];
        fi.option_loc(path, len)
            .or_else(|| fi.loc(elem))
            .map(|s| (f, s))
    }

    /// Adds a finding at an already-resolved location.
    pub fn push(
        &mut self,
        cur: Option<(usize, Option<Span>)>,
        prev: Option<usize>,
        message: String,
    ) {
        self.raws.push(Raw {
            rule: self.rule,
            cur,
            prev,
            message,
        });
    }
}

/// Compares `current` with `previous` under `config` using the v2 rule set.
pub fn check(current: &Image, previous: &Image, config: &BreakingConfig) -> Vec<Finding> {
    check_version(current, previous, config, RuleVersion::V2).unwrap_or_default()
}

/// Compares `current` with `previous` under `config` and the rule set of `version`; an error
/// names an unknown rule or category.
pub fn check_version(
    current: &Image,
    previous: &Image,
    config: &BreakingConfig,
    version: RuleVersion,
) -> Result<Vec<Finding>, String> {
    check_with_sources(current, previous, config, version, None)
}

/// [`check_version`] for a current image compiled from the directory `current_root`: with
/// the source text at hand, findings on `[default = ...]` start at `default`, as buf's do
/// (protoc's source info, which protoforge's compiler follows, spans only the value).
pub fn check_with_sources(
    current: &Image,
    previous: &Image,
    config: &BreakingConfig,
    version: RuleVersion,
    current_root: Option<&Path>,
) -> Result<Vec<Finding>, String> {
    let options = Options {
        version,
        current_root,
        exclude_imports: false,
    };
    check_with(current, previous, config, &options)
}

/// How [`check_with`] runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// The rule set.
    pub version: RuleVersion,
    /// The directory the current image was compiled from, when known (see
    /// [`check_with_sources`]).
    pub current_root: Option<&'a Path>,
    /// Leave out findings in files that are only imports (`--exclude-imports`).
    pub exclude_imports: bool,
}

/// Compares `current` with `previous` under `config` as `options` say.
pub fn check_with(
    current: &Image,
    previous: &Image,
    config: &BreakingConfig,
    options: &Options<'_>,
) -> Result<Vec<Finding>, String> {
    let (version, current_root) = (options.version, options.current_root);
    let on = rules::selected(config, version)?;
    let cur = Side::new(current);
    let prev = Side::new(previous);
    let mut out = Out {
        cur: &cur,
        prev: &prev,
        cur_root: current_root,
        rule: "",
        raws: Vec::new(),
    };
    for &(id, run) in RUNNERS {
        if on.contains(id) {
            out.rule = id;
            run(&mut out);
        }
    }
    let ignore_only = expand_ignore_only(config, version)?;
    let ignore: BTreeSet<String> = config.ignore.iter().map(|p| norm(p)).collect();
    let raws = std::mem::take(&mut out.raws);
    let mut findings: Vec<Finding> = raws
        .into_iter()
        .filter(|r| !ignored(config, &ignore, &ignore_only, &cur, &prev, r))
        .filter(|r| !options.exclude_imports || in_targets(&cur, &prev, r))
        .map(|r| to_finding(&cur, r))
        .collect();
    sort_findings(&mut findings);
    Ok(findings)
}

/// Sorts findings in buf's order (path, start, rule, message, end) and drops duplicates.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.path.as_str(),
            a.start_line,
            a.start_column,
            a.rule,
            a.message.as_str(),
        )
            .cmp(&(
                b.path.as_str(),
                b.start_line,
                b.start_column,
                b.rule,
                b.message.as_str(),
            ))
            .then((a.end_line, a.end_column).cmp(&(b.end_line, b.end_column)))
    });
    findings.dedup();
}

type Runner = fn(&mut Out<'_, '_>);

/// Each rule id and the function that checks it.
const RUNNERS: &[(&str, Runner)] = &[
    ("FILE_NO_DELETE", files::file_no_delete),
    ("PACKAGE_NO_DELETE", files::package_no_delete),
    ("FILE_SAME_PACKAGE", files::same_package),
    ("FILE_SAME_SYNTAX", files::same_syntax),
    ("FILE_SAME_CC_ENABLE_ARENAS", files::same_cc_enable_arenas),
    (
        "FILE_SAME_CC_GENERIC_SERVICES",
        files::same_cc_generic_services,
    ),
    ("FILE_SAME_CSHARP_NAMESPACE", files::same_csharp_namespace),
    ("FILE_SAME_GO_PACKAGE", files::same_go_package),
    (
        "FILE_SAME_JAVA_GENERIC_SERVICES",
        files::same_java_generic_services,
    ),
    (
        "FILE_SAME_JAVA_MULTIPLE_FILES",
        files::same_java_multiple_files,
    ),
    (
        "FILE_SAME_JAVA_OUTER_CLASSNAME",
        files::same_java_outer_classname,
    ),
    ("FILE_SAME_JAVA_PACKAGE", files::same_java_package),
    ("FILE_SAME_OBJC_CLASS_PREFIX", files::same_objc_class_prefix),
    ("FILE_SAME_OPTIMIZE_FOR", files::same_optimize_for),
    ("FILE_SAME_PHP_CLASS_PREFIX", files::same_php_class_prefix),
    (
        "FILE_SAME_PHP_METADATA_NAMESPACE",
        files::same_php_metadata_namespace,
    ),
    ("FILE_SAME_PHP_NAMESPACE", files::same_php_namespace),
    (
        "FILE_SAME_PY_GENERIC_SERVICES",
        files::same_py_generic_services,
    ),
    ("FILE_SAME_RUBY_PACKAGE", files::same_ruby_package),
    ("FILE_SAME_SWIFT_PREFIX", files::same_swift_prefix),
    ("MESSAGE_NO_DELETE", messages::message_no_delete),
    (
        "PACKAGE_MESSAGE_NO_DELETE",
        messages::package_message_no_delete,
    ),
    (
        "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
        messages::no_remove_standard_descriptor_accessor,
    ),
    ("MESSAGE_SAME_JSON_FORMAT", messages::same_json_format),
    (
        "MESSAGE_SAME_REQUIRED_FIELDS",
        messages::same_required_fields,
    ),
    ("ONEOF_NO_DELETE", messages::oneof_no_delete),
    (
        "RESERVED_MESSAGE_NO_DELETE",
        messages::reserved_message_no_delete,
    ),
    (
        "EXTENSION_MESSAGE_NO_DELETE",
        messages::extension_message_no_delete,
    ),
    ("FIELD_NO_DELETE", fields::field_no_delete),
    (
        "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
        fields::field_no_delete_unless_name_reserved,
    ),
    (
        "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
        fields::field_no_delete_unless_number_reserved,
    ),
    ("FIELD_SAME_CARDINALITY", fields::same_cardinality),
    (
        "FIELD_WIRE_COMPATIBLE_CARDINALITY",
        fields::wire_compatible_cardinality,
    ),
    (
        "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        fields::wire_json_compatible_cardinality,
    ),
    ("FIELD_SAME_TYPE", fields::same_type),
    ("FIELD_WIRE_COMPATIBLE_TYPE", fields::wire_compatible_type),
    (
        "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        fields::wire_json_compatible_type,
    ),
    ("FIELD_SAME_NAME", fields::same_name),
    ("FIELD_SAME_JSON_NAME", fields::same_json_name),
    ("FIELD_SAME_JSTYPE", fields::same_jstype),
    ("FIELD_SAME_CPP_STRING_TYPE", fields::same_cpp_string_type),
    (
        "FIELD_SAME_JAVA_UTF8_VALIDATION",
        fields::same_java_utf8_validation,
    ),
    ("FIELD_SAME_UTF8_VALIDATION", fields::same_utf8_validation),
    ("FIELD_SAME_DEFAULT", fields::same_default),
    ("FIELD_SAME_ONEOF", fields::same_oneof),
    ("EXTENSION_NO_DELETE", fields::extension_no_delete),
    (
        "PACKAGE_EXTENSION_NO_DELETE",
        fields::package_extension_no_delete,
    ),
    ("ENUM_NO_DELETE", enums::enum_no_delete),
    ("PACKAGE_ENUM_NO_DELETE", enums::package_enum_no_delete),
    ("ENUM_SAME_TYPE", enums::same_type),
    ("ENUM_SAME_JSON_FORMAT", enums::same_json_format),
    ("ENUM_VALUE_NO_DELETE", enums::value_no_delete),
    (
        "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
        enums::value_no_delete_unless_name_reserved,
    ),
    (
        "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
        enums::value_no_delete_unless_number_reserved,
    ),
    ("ENUM_VALUE_SAME_NAME", enums::value_same_name),
    ("RESERVED_ENUM_NO_DELETE", enums::reserved_enum_no_delete),
    ("SERVICE_NO_DELETE", services::service_no_delete),
    (
        "PACKAGE_SERVICE_NO_DELETE",
        services::package_service_no_delete,
    ),
    ("RPC_NO_DELETE", services::rpc_no_delete),
    ("RPC_SAME_CLIENT_STREAMING", services::same_client_streaming),
    ("RPC_SAME_SERVER_STREAMING", services::same_server_streaming),
    ("RPC_SAME_REQUEST_TYPE", services::same_request_type),
    ("RPC_SAME_RESPONSE_TYPE", services::same_response_type),
    (
        "RPC_SAME_IDEMPOTENCY_LEVEL",
        services::same_idempotency_level,
    ),
];

/// `ignore_only`: rule ids and the paths they skip.
type IgnoreOnly = Vec<(HashSet<&'static str>, Vec<String>)>;

fn expand_ignore_only(config: &BreakingConfig, version: RuleVersion) -> Result<IgnoreOnly, String> {
    let mut v = Vec::new();
    for (name, paths) in &config.ignore_only {
        let ids: HashSet<&'static str> = rules::expand(name, version)?.into_iter().collect();
        v.push((ids, paths.iter().map(|p| norm(p)).collect()));
    }
    Ok(v)
}

fn norm(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/').to_string();
    if s.is_empty() { ".".to_string() } else { s }
}

/// Whether `path` is `root` or inside it (`.` holds everything).
fn under(path: &str, root: &str) -> bool {
    root == "." || path == root || path.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

fn ignored(
    config: &BreakingConfig,
    ignore: &BTreeSet<String>,
    ignore_only: &IgnoreOnly,
    cur: &Side<'_>,
    prev: &Side<'_>,
    r: &Raw,
) -> bool {
    let check_file = |path: &str, package: &str| {
        if ignore.iter().any(|root| under(path, root)) {
            return true;
        }
        if ignore_only
            .iter()
            .any(|(ids, roots)| ids.contains(r.rule) && roots.iter().any(|root| under(path, root)))
        {
            return true;
        }
        config.ignore_unstable_packages && unstable(package)
    };
    if let Some((f, _)) = r.cur {
        let fi = &cur.files[f];
        if check_file(fi.path(), fi.package()) {
            return true;
        }
    }
    if let Some(f) = r.prev {
        let fi = &prev.files[f];
        if check_file(fi.path(), fi.package()) {
            return true;
        }
    }
    false
}

/// Whether a finding's files (current and previous) belong to the modules, not only to their
/// imports.
fn in_targets(cur: &Side<'_>, prev: &Side<'_>, r: &Raw) -> bool {
    r.cur.is_none_or(|(f, _)| cur.files[f].target) && r.prev.is_none_or(|f| prev.files[f].target)
}

/// Whether a package's last component is a version below stable (`v1alpha1`, `v2beta1`,
/// `v1test`...).
pub(crate) fn unstable(package: &str) -> bool {
    let parts: Vec<&str> = package.split('.').collect();
    if package.is_empty() || parts.len() < 2 {
        return false;
    }
    let c = parts[parts.len() - 1];
    let Some(version) = c.strip_prefix('v').filter(|_| c.len() >= 2) else {
        return false;
    };
    let number = |s: &str, min: i64| s.parse::<i32>().ok().filter(|v| i64::from(*v) >= min);
    if let Some((major, _)) = version.split_once("test") {
        return number(major, 1).is_some();
    }
    let alpha = version.contains("alpha");
    let beta = version.contains("beta");
    let level = match (alpha, beta) {
        (false, false) => return false,
        (true, true) => return false,
        (true, false) => "alpha",
        (false, true) => "beta",
    };
    let Some((head, minor)) = version.split_once(level) else {
        return false;
    };
    if !minor.is_empty() && number(minor, 1).is_none() {
        return false;
    }
    match head.split_once('p') {
        Some((major, patch)) => number(major, 1).is_some() && number(patch, 1).is_some(),
        None => number(head, 1).is_some(),
    }
}

fn to_finding(cur: &Side<'_>, r: Raw) -> Finding {
    let (path, span) = match r.cur {
        Some((f, s)) => (cur.files[f].path().to_string(), s),
        None => (String::new(), None),
    };
    let [sl, sc, el, ec] = span
        .map(|s| {
            [s[0], s[1], s[2], s[3]].map(|v| u32::try_from(v.saturating_add(1)).unwrap_or(0).max(1))
        })
        .unwrap_or([1; 4]);
    Finding {
        rule: r.rule,
        path,
        start_line: sl,
        start_column: sc,
        end_line: el,
        end_column: ec,
        message: r.message,
    }
}

/// Go's `%q` for the strings the messages quote.
pub(crate) fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
