//! protoc's checks on the interpreted options of a file that compiled without errors:
//! features outside editions, option fields and enum values used outside their
//! `feature_support` window, and option fields set on a kind of element their `targets`
//! exclude; diagnostics come out in protoc's `VisitDescriptors` order.

use protoforge::descriptor::FileDescriptorProto;
use protoforge_parse::{Diagnostic, Span};

use super::diagnostics as diag;
use super::finished::ElementOptions;
use super::lookup::PoolLookup;
use super::schema::Kind;
use super::walk::{PathMap, child, visit_order};
use crate::builtin;
use crate::features;
use crate::span_map::SpanMap;
use crate::symbols::{Pool, join};
use crate::wire::{self, Raw, Record};

/// protoc's checks on interpreted options of a file that compiled without errors: features
/// set in a proto2/proto3 file ("Features are only valid under editions."), option fields and
/// enum values used outside their `feature_support` window (errors, and warnings for
/// deprecated ones), and option fields set on a kind of element their `targets` exclude.
pub(crate) fn validate(
    file: &FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    ElementOptions::new(file, file, pool, None).validate(spans)
}

impl ElementOptions<'_> {
    /// [`validate`] for the file.
    pub(crate) fn validate(&self, spans: &SpanMap) -> Vec<Diagnostic> {
        let file = self.file;
        let file_name = file.name.clone().unwrap_or_default();
        let (elements, lookup) = (&self.elements, &self.lookup);
        // Options that do not parse are skipped.
        let distinct: Vec<(&str, &[Record])> = self
            .distinct
            .iter()
            .map(|d| (d.type_name, d.records.as_deref().unwrap_or_default()))
            .collect();
        let edition = features::file_edition(file);
        let legacy = !matches!(file.syntax.as_deref(), Some("editions"));
        let at = |options_path: &[i32], message: String, warning: bool| {
            let span = match options_path.split_last() {
                // The file itself: protoc points at the start of the file's first token.
                Some((_, [])) | None => spans.get(&[]).map(Span::shrink_to_lo),
                Some((_, element)) => spans.nearest(&child(element, &[1])),
            };
            match (span, warning) {
                (Some(s), false) => Diagnostic::error(s, message),
                (Some(s), true) => Diagnostic::warning(s, message),
                (None, _) => Diagnostic::file_error(file_name.clone(), message),
            }
        };
        // protoc validates in `VisitDescriptors` order (each element before its children), one
        // pass after the other. Elements are visited in build order here, so each diagnostic is
        // tagged with its pass and element and put in protoc's order at the end (only when there
        // are diagnostics, which is rare).
        let in_protoc_order = |mut out: Vec<(u8, usize, Diagnostic)>| -> Vec<Diagnostic> {
            if out.len() > 1 {
                let mut order: PathMap<usize> = PathMap::default();
                for (i, p) in visit_order(file).into_iter().enumerate() {
                    order.entry(p).or_insert(i);
                }
                let rank: Vec<usize> = elements
                    .iter()
                    .map(|(path, ..)| order.get(path).copied().unwrap_or(usize::MAX))
                    .collect();
                // Stable: an element's diagnostics stay in the order they were found.
                out.sort_by_key(|(pass, element, _)| (*pass, rank[*element]));
            }
            out.into_iter().map(|(_, _, d)| d).collect()
        };
        let mut out = Vec::new();
        let features_number = |type_name: &str| builtin_field_number(type_name, "features");
        if legacy {
            let has_features: Vec<bool> = distinct
                .iter()
                .map(|(type_name, records)| {
                    let features = features_number(type_name);
                    records.iter().any(|r| Some(r.number) == features)
                })
                .collect();
            for (index, (path, options)) in elements.iter().enumerate() {
                if has_features[*options] {
                    out.push((0, index, at(path, diag::features_outside_editions(), false)));
                }
            }
        }
        if out.iter().any(|(_, _, d)| d.is_error()) {
            return in_protoc_order(out);
        }
        let lifetime_problems: Vec<Vec<(String, bool)>> = distinct
            .iter()
            .map(|(type_name, records)| {
                // protoc validates the features first, then the rest of the options.
                let features = features_number(type_name);
                let (first, rest) = (
                    records.iter().filter(|r| Some(r.number) == features),
                    records.iter().filter(|r| Some(r.number) != features),
                );
                let mut problems = Vec::new();
                for record in first.chain(rest) {
                    lifetime(lookup, edition, type_name, record, &mut problems);
                }
                problems
            })
            .collect();
        for (index, (path, options)) in elements.iter().enumerate() {
            out.extend(
                lifetime_problems[*options]
                    .iter()
                    .map(|(m, warning)| (1, index, at(path, m.clone(), *warning))),
            );
        }
        let target_problems: Vec<Vec<String>> = distinct
            .iter()
            .map(|(type_name, records)| {
                let mut problems = Vec::new();
                targets(
                    lookup,
                    type_name,
                    records,
                    target_of(type_name),
                    &mut problems,
                );
                problems
            })
            .collect();
        for (index, (_, options)) in elements.iter().enumerate() {
            out.extend(target_problems[*options].iter().map(|m| {
                (
                    2,
                    index,
                    Diagnostic::file_error(file_name.clone(), m.clone()),
                )
            }));
        }
        in_protoc_order(out)
    }
}

/// The number of field `name` of the built-in `descriptor.proto` message `message`.
fn builtin_field_number(message: &str, name: &str) -> Option<u32> {
    builtin::message(message)?
        .field
        .iter()
        .find(|f| f.name.as_deref() == Some(name))
        .and_then(|f| u32::try_from(f.number?).ok())
}

fn target_of(options_type: &str) -> (i32, &'static str) {
    match options_type {
        "google.protobuf.FileOptions" => (1, "file"),
        "google.protobuf.ExtensionRangeOptions" => (2, "extension range"),
        "google.protobuf.MessageOptions" => (3, "message"),
        "google.protobuf.FieldOptions" => (4, "field"),
        "google.protobuf.OneofOptions" => (5, "oneof"),
        "google.protobuf.EnumOptions" => (6, "enum"),
        "google.protobuf.EnumValueOptions" => (7, "enum entry"),
        "google.protobuf.ServiceOptions" => (8, "service"),
        "google.protobuf.MethodOptions" => (9, "method"),
        _ => (0, "unknown"),
    }
}

fn edition_name(edition: protoforge::descriptor::Edition) -> String {
    let name = edition.as_str_name();
    name.strip_prefix("EDITION_").unwrap_or(name).to_string()
}

/// protoc's `ValidateSingleFeatureLifetimes` for one field or enum value.
fn check_support(
    edition: protoforge::descriptor::Edition,
    full_name: &str,
    support: &protoforge::descriptor::field_options::FeatureSupport,
    out: &mut Vec<(String, bool)>,
) {
    let e = edition as i32;
    if let Some(introduced) = support.edition_introduced
        && e < introduced as i32
    {
        out.push((
            diag::feature_not_yet_introduced(
                full_name,
                &edition_name(introduced),
                &edition_name(edition),
            ),
            false,
        ));
    }
    match (support.edition_removed, support.edition_deprecated) {
        (Some(removed), _) if e >= removed as i32 => {
            out.push((
                diag::feature_removed(
                    full_name,
                    &edition_name(removed),
                    support.removal_error.as_deref(),
                ),
                false,
            ));
        }
        (_, Some(deprecated)) if e >= deprecated as i32 => {
            out.push((
                diag::feature_deprecated(
                    full_name,
                    &edition_name(deprecated),
                    support.deprecation_warning.as_deref().unwrap_or(""),
                ),
                true,
            ));
        }
        _ => {}
    }
}

fn lifetimes(
    lookup: &PoolLookup<'_>,
    edition: protoforge::descriptor::Edition,
    message: &str,
    records: &[Record],
    out: &mut Vec<(String, bool)>,
) {
    for record in records {
        lifetime(lookup, edition, message, record, out);
    }
}

/// [`lifetimes`] for one record.
fn lifetime(
    lookup: &PoolLookup<'_>,
    edition: protoforge::descriptor::Edition,
    message: &str,
    record: &Record,
    out: &mut Vec<(String, bool)>,
) {
    let Some(field) = lookup.field_rc(message, record.number) else {
        return;
    };
    if let Some(support) = &field.feature_support {
        check_support(edition, &field.full_name, support, out);
    }
    match (&field.kind, &record.value) {
        (Kind::Message(sub), Raw::Bytes(bytes)) => {
            if let Some(inner) = wire::parse(bytes) {
                lifetimes(lookup, edition, sub, &inner, out);
            }
        }
        (Kind::Group(sub), Raw::Group(inner)) => lifetimes(lookup, edition, sub, inner, out),
        (Kind::Enum(enum_name), Raw::Varint(v)) => {
            if let Some((e, _)) = lookup.enum_desc(enum_name) {
                let value = e
                    .value
                    .iter()
                    .find(|x| x.number.map(i64::from) == Some(*v as i64));
                if let Some(value) = value
                    && let Some(support) = value
                        .options
                        .as_ref()
                        .and_then(|o| o.feature_support.as_ref())
                {
                    let scope = enum_name.rsplit_once('.').map_or("", |(s, _)| s);
                    let full = join(scope, value.name.as_deref().unwrap_or(""));
                    check_support(edition, &full, support, out);
                }
            }
        }
        _ => {}
    }
}

fn targets(
    lookup: &PoolLookup<'_>,
    message: &str,
    records: &[Record],
    target: (i32, &str),
    out: &mut Vec<String>,
) {
    let mut seen = Vec::new();
    for record in records {
        let Some(field) = lookup.field_rc(message, record.number) else {
            continue;
        };
        if !field.targets.is_empty()
            && !field.targets.contains(&target.0)
            && !seen.contains(&field.number)
        {
            seen.push(field.number);
            out.push(diag::option_target_mismatch(&field.full_name, target.1));
        }
        match (&field.kind, &record.value) {
            (Kind::Message(sub), Raw::Bytes(bytes)) => {
                if let Some(inner) = wire::parse(bytes) {
                    targets(lookup, sub, &inner, target, out);
                }
            }
            (Kind::Group(sub), Raw::Group(inner)) => targets(lookup, sub, inner, target, out),
            _ => {}
        }
    }
}
