//! Option interpretation, the way protoc's `OptionInterpreter` does it: every
//! `uninterpreted_option` the parser left on an element becomes wire-format records (builtin
//! options and custom options alike), appended to the options message's unknown fields; the
//! options message is then re-read with the schema compiled into protoc (`descriptor.proto`), so
//! builtin options become ordinary fields and custom options stay unknown fields in the order
//! they were written. Option locations in `SourceCodeInfo` are rewritten to the interpreted
//! paths. [`strip_source_retention`] is protoc's final pass over the output (unless
//! `--retain_options`): the options are re-read with the whole pool's schema (custom options
//! become known, so they are merged and sorted by number) and `retention = RETENTION_SOURCE`
//! options are dropped. After the build, a finished file's options are read once
//! ([`ElementOptions`]) for [`validate`] and for working out what stripping would change
//! ([`plan_stripping`]): most files come out unchanged and need no copy. Schema answers that
//! cannot change from one file to the next (fields of messages and extensions defined in
//! other, finished files) are kept across files in a [`SharedFields`].
//!
//! Like protoc, interpretation runs in two phases over all elements of the file: first the
//! options whose name starts with a plain field (`java_package`, `features.x`, including
//! `features.(pb.cpp).y`), then the options whose name starts with an extension (`(my.opt)`).
//! Elements are visited in protoc's build order (nested elements before their parent, the file
//! last), which fixes the order of the diagnostics.

pub(crate) mod builtin;
mod schema;
mod text;
pub(crate) mod wire;

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use protoforge::Message;
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, EnumOptions, EnumValueOptions, ExtensionRangeOptions,
    FieldDescriptorProto, FieldOptions, FileDescriptorProto, FileOptions, MessageOptions,
    MethodOptions, OneofOptions, ServiceOptions, UninterpretedOption,
    field_descriptor_proto::{Label, Type},
    field_options::OptionRetention,
};
use protoforge_parse::{Diagnostic, Span};

use crate::features;
use crate::span_map::{NameMap, PathHasher, SpanMap};
use crate::symbols::{Pool, SymbolKind, join};
use crate::tag;
use schema::{FieldInfo, Kind, Lookup, ScalarType};
use wire::{Raw, Record};

/// Field numbers of the `FeatureSet` extensions compiled into protoc 35.1 (`pb.cpp`, `pb.java`,
/// `pb.go`): protoc merges repeated settings of these into one message even with
/// `--retain_options`, while other feature extensions stay separate unknown records.
const LINKED_FEATURE_EXTENSIONS: [u32; 3] = [1000, 1001, 1002];

const FEATURE_SET: &str = "google.protobuf.FeatureSet";

/// The first number of the `*Options` messages' extension ranges: their own fields (in the
/// compiled-in schema and in the generated structs alike) are numbered below it, so a record
/// numbered from here on is an unknown field to both.
const FIRST_EXTENSION: u32 = 1000;

/// True when some element of `file` has options to interpret (protoc's
/// `options_to_interpret_` is not empty).
pub(crate) fn has_uninterpreted(file: &FileDescriptorProto) -> bool {
    let mut found = false;
    visit(file, false, &mut |el| {
        found |= el.options.has_uninterpreted()
    });
    found
}

/// Interprets every `uninterpreted_option` of `file` (whose types are already linked and which
/// is already in `pool`), and rewrites its `SourceCodeInfo` option paths like protoc.
pub(crate) fn interpret(
    file: &mut FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
    shared: &SharedFields,
) -> Vec<Diagnostic> {
    let file_name = file.name.clone().unwrap_or_default();
    let mut targets = Vec::new();
    visit_mut(file, true, &mut |el| {
        let uninterpreted = el.options.take_uninterpreted();
        if !uninterpreted.is_empty() {
            targets.push(Target {
                options_path: el.options_path.to_vec(),
                element_name: el.full_name,
                type_name: el.options.type_name(),
                uninterpreted,
                records: [Vec::new(), Vec::new()],
            });
        }
    });
    if targets.is_empty() {
        return Vec::new();
    }
    // Like protoc, the options message is re-read after each phase, so the second phase (custom
    // options) sees the builtin options of this file's own elements (e.g. a message's
    // `message_set_wire_format`, a field's `features`).
    let mut diagnostics = Vec::new();
    let mut interpreted_paths = PathMap::default();
    let mut repeated_counts = PathMap::default();
    let source_paths = file.source_code_info.is_some();
    for phase in [Phase::Fields, Phase::Extensions] {
        let mut lookup = PoolLookup::new(pool, &*file, &file_name);
        lookup.shared = Some(shared);
        let mut interp = Interpreter {
            lookup: &lookup,
            spans,
            file_name: &file_name,
            diagnostics: std::mem::take(&mut diagnostics),
            source_paths,
            interpreted_paths: std::mem::take(&mut interpreted_paths),
            repeated_counts: std::mem::take(&mut repeated_counts),
        };
        for target in &mut targets {
            interp.interpret_target(target, phase);
        }
        diagnostics = interp.diagnostics;
        interpreted_paths = interp.interpreted_paths;
        repeated_counts = interp.repeated_counts;
        apply(file, pool, &mut targets, phase);
    }
    if let Some(info) = file.source_code_info.as_mut() {
        update_source_code_info(&mut info.location, &interpreted_paths);
    }
    diagnostics
}

/// Appends the records of `phase` to the options of each target and re-reads them with the
/// compiled-in schema.
fn apply(file: &mut FileDescriptorProto, pool: &Pool, targets: &mut [Target], phase: Phase) {
    let empty = FileDescriptorProto::default();
    let generated = PoolLookup::new(pool, &empty, "");
    // Each target's options are reached by their path (a walk over the whole file would
    // visit every element for the few with options of this phase); the targets are
    // independent, as re-reading reads nothing of the file.
    for target in targets
        .iter_mut()
        .filter(|t| !t.records[phase as usize].is_empty())
    {
        let Some(options) = options_at(file, &target.options_path) else {
            continue;
        };
        let type_name = options.type_name();
        // The usual second phase: custom options (extensions, unknown to the compiled-in
        // schema) appended to options that re-reading leaves as they are (nothing set yet, or
        // already re-read after the first phase). Re-reading would keep the known fields and
        // put the new records after the unknown fields already there, in their order: they
        // can be appended as they are.
        if phase == Phase::Extensions
            && (options.is_empty_message() || !target.records[Phase::Fields as usize].is_empty())
            && target.records[phase as usize]
                .iter()
                .all(|r| r.number >= FIRST_EXTENSION)
        {
            options.append_unknown(std::mem::take(&mut target.records[phase as usize]));
            continue;
        }
        let mut bytes = options.encode();
        wire::encode(&target.records[phase as usize], &mut bytes);
        if let Some(records) = wire::parse(&bytes) {
            let normalized = normalize(&generated, Mode::Generated, type_name, records, None);
            options.replace_from(&wire::to_bytes(&normalized));
        }
    }
}

/// The options at `path` in `file`: an options path as [`visit_mut`] hands them out.
fn options_at<'a>(
    file: &'a mut FileDescriptorProto,
    path: &[i32],
) -> Option<&'a mut dyn OptionsSlot> {
    use tag::file as f;
    match *path {
        [f::OPTIONS] => Some(&mut file.options),
        [f::EXTENSION, i, tag::field::OPTIONS] => Some(&mut item(&mut file.extension, i)?.options),
        [f::SERVICE, i, ref rest @ ..] => {
            let service = item(&mut file.service, i)?;
            match *rest {
                [tag::service::OPTIONS] => Some(&mut service.options),
                [tag::service::METHOD, j, tag::method::OPTIONS] => {
                    Some(&mut item(&mut service.method, j)?.options)
                }
                _ => None,
            }
        }
        [f::ENUM_TYPE, i, ref rest @ ..] => enum_options_at(item(&mut file.enum_type, i)?, rest),
        [f::MESSAGE_TYPE, i, ref rest @ ..] => {
            message_options_at(item(&mut file.message_type, i)?, rest)
        }
        _ => None,
    }
}

/// [`options_at`] below a message.
fn message_options_at<'a>(
    message: &'a mut DescriptorProto,
    path: &[i32],
) -> Option<&'a mut dyn OptionsSlot> {
    use tag::message as m;
    match *path {
        [m::OPTIONS] => Some(&mut message.options),
        [m::FIELD, i, tag::field::OPTIONS] => Some(&mut item(&mut message.field, i)?.options),
        [m::EXTENSION, i, tag::field::OPTIONS] => {
            Some(&mut item(&mut message.extension, i)?.options)
        }
        [m::ONEOF_DECL, i, tag::oneof::OPTIONS] => {
            Some(&mut item(&mut message.oneof_decl, i)?.options)
        }
        [m::EXTENSION_RANGE, i, tag::extension_range::OPTIONS] => {
            Some(&mut item(&mut message.extension_range, i)?.options)
        }
        [m::NESTED_TYPE, i, ref rest @ ..] => {
            message_options_at(item(&mut message.nested_type, i)?, rest)
        }
        [m::ENUM_TYPE, i, ref rest @ ..] => enum_options_at(item(&mut message.enum_type, i)?, rest),
        _ => None,
    }
}

/// [`options_at`] below an enum.
fn enum_options_at<'a>(
    enum_: &'a mut EnumDescriptorProto,
    path: &[i32],
) -> Option<&'a mut dyn OptionsSlot> {
    match *path {
        [tag::enum_::OPTIONS] => Some(&mut enum_.options),
        [tag::enum_::VALUE, i, tag::enum_value::OPTIONS] => {
            Some(&mut item(&mut enum_.value, i)?.options)
        }
        _ => None,
    }
}

/// The element numbered `index` in a path of `list`.
fn item<T>(list: &mut [T], index: i32) -> Option<&mut T> {
    list.get_mut(usize::try_from(index).ok()?)
}

/// protoc's `StripSourceRetentionOptions` (what protoc does to every output file unless
/// `--retain_options`): re-reads every options message with the pool's schema, so known custom
/// options are merged and sorted by field number, and drops options whose definition has
/// `retention = RETENTION_SOURCE` (with their `SourceCodeInfo` locations). An options message
/// that becomes empty is removed.
pub(crate) fn strip_source_retention(file: &mut FileDescriptorProto, pool: &Pool) {
    let stripping = plan_stripping(file, pool);
    stripping.apply(file);
}

/// What [`strip_source_retention`] would change in a file, found without changing it: most
/// files come out as they went in, and then need no copy.
#[derive(Debug, Default)]
pub(crate) struct Stripping {
    /// The options that change, by options path in visit order: their new encoding, or `None`
    /// when they become empty and are removed.
    changed: Vec<(Vec<i32>, Option<Vec<u8>>)>,
    /// The paths of the dropped options, whose source locations go with them.
    stripped: Vec<Vec<i32>>,
}

impl Stripping {
    /// Whether stripping leaves the file as it is.
    pub(crate) fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stripped.is_empty()
    }

    /// Strips `file` (its source info too, if it has any).
    pub(crate) fn apply(&self, file: &mut FileDescriptorProto) {
        if self.is_empty() {
            return;
        }
        let mut pending = self.changed.iter().peekable();
        visit_mut(file, false, &mut |el| {
            let Some((_, bytes)) = pending.next_if(|(path, _)| path.as_slice() == el.options_path)
            else {
                return;
            };
            match bytes {
                Some(bytes) => el.options.replace_from(bytes),
                None => el.options.clear(),
            }
        });
        if let Some(info) = file.source_code_info.as_mut() {
            self.strip_locations(info);
        }
    }

    /// Drops the source locations of the stripped options from `info`.
    pub(crate) fn strip_locations(&self, info: &mut protoforge::descriptor::SourceCodeInfo) {
        if self.stripped.is_empty() {
            return;
        }
        let stripped = &self.stripped;
        info.location
            .retain(|loc| !stripped.iter().any(|p| loc.path.starts_with(p)));
    }
}

/// What [`strip_source_retention`] changes in `file` (which is in `pool`).
pub(crate) fn plan_stripping(file: &FileDescriptorProto, pool: &Pool) -> Stripping {
    // The pool's copy of the file has the same definitions and interpreted options (only
    // without source info), so lookups read it.
    let in_pool = pool
        .file(file.name.as_deref().unwrap_or(""))
        .unwrap_or_else(|| empty_file());
    ElementOptions::new(file, in_pool, pool, None).plan_stripping()
}

/// An empty file, for lookups when the pool lacks the file.
fn empty_file() -> &'static FileDescriptorProto {
    static EMPTY: std::sync::OnceLock<FileDescriptorProto> = std::sync::OnceLock::new();
    EMPTY.get_or_init(FileDescriptorProto::default)
}

/// The options of a file's elements, read once for the passes over a finished file
/// ([`ElementOptions::validate`], [`ElementOptions::plan_stripping`]), which share one schema
/// lookup. Many elements have the same options (e.g. `(google.api.field_behavior) =
/// REQUIRED`): each distinct options message (its type and encoding) is worked on once.
pub(crate) struct ElementOptions<'a> {
    file: &'a FileDescriptorProto,
    pool: &'a Pool,
    lookup: PoolLookup<'a>,
    /// Each element with options, in visit order: its options path and its options (an
    /// index into `distinct`).
    elements: Vec<(Vec<i32>, usize)>,
    /// Each distinct options message.
    distinct: Vec<DistinctOptions>,
}

/// One distinct options message of a file.
struct DistinctOptions {
    type_name: &'static str,
    bytes: Vec<u8>,
    /// The records (`None` when they do not parse; such options are left alone).
    records: Option<Vec<Record>>,
}

impl<'a> ElementOptions<'a> {
    /// Reads the options of `file`; lookups read `lookup_file` for the file's own symbols
    /// (the same file, or its copy in `pool`), and `shared` (if any) for what other files'
    /// lookups found before.
    pub(crate) fn new(
        file: &'a FileDescriptorProto,
        lookup_file: &'a FileDescriptorProto,
        pool: &'a Pool,
        shared: Option<&'a SharedFields>,
    ) -> Self {
        let mut elements = Vec::new();
        let mut distinct = Vec::new();
        let mut seen: NameMap<(&'static str, Vec<u8>), usize> = NameMap::default();
        visit(file, false, &mut |el| {
            let key = (el.options.type_name(), el.options.encode());
            let options = match seen.get(&key) {
                Some(&options) => options,
                None => {
                    distinct.push(DistinctOptions {
                        type_name: key.0,
                        bytes: key.1.clone(),
                        records: wire::parse(&key.1),
                    });
                    seen.insert(key, distinct.len() - 1);
                    distinct.len() - 1
                }
            };
            elements.push((el.options_path.to_vec(), options));
        });
        let mut lookup = PoolLookup::new(pool, lookup_file, file.name.as_deref().unwrap_or(""));
        lookup.shared = shared;
        ElementOptions {
            file,
            pool,
            lookup,
            elements,
            distinct,
        }
    }

    /// What [`strip_source_retention`] changes in the file.
    pub(crate) fn plan_stripping(&self) -> Stripping {
        let dynamic = self
            .pool
            .message("google.protobuf.FileDescriptorProto")
            .is_some();
        let mode = if dynamic {
            Mode::Dynamic
        } else {
            Mode::Generated
        };
        let outcomes: Vec<StrippedOptions> = self
            .distinct
            .iter()
            .map(|d| strip_options(&self.lookup, mode, d.type_name, &d.bytes, d.records.clone()))
            .collect();
        let mut plan = Stripping::default();
        for (path, options) in &self.elements {
            let outcome = &outcomes[*options];
            plan.stripped
                .extend(outcome.stripped.iter().map(|below| child(path, below)));
            match &outcome.change {
                None => {}
                Some(None) => {
                    plan.stripped.push(path.clone());
                    plan.changed.push((path.clone(), None));
                }
                Some(Some(out)) => plan.changed.push((path.clone(), Some(out.clone()))),
            }
        }
        plan
    }
}

/// What stripping does to one options message.
struct StrippedOptions {
    /// `None` when the options come out as they went in (the usual case, which then needs no
    /// re-decoding), else their new encoding (`None`: they become empty and are removed).
    change: Option<Option<Vec<u8>>>,
    /// The paths of the dropped options, below the options message.
    stripped: Vec<Vec<i32>>,
}

/// Strips the options message `bytes` (whose records are `records`) of type `type_name`.
fn strip_options(
    lookup: &PoolLookup<'_>,
    mode: Mode,
    type_name: &str,
    bytes: &[u8],
    records: Option<Vec<Record>>,
) -> StrippedOptions {
    let mut strip = Strip {
        path: Vec::new(),
        stripped: Vec::new(),
    };
    let Some(records) = records else {
        return StrippedOptions {
            change: None,
            stripped: Vec::new(),
        };
    };
    let normalized = normalize(lookup, mode, type_name, records, Some(&mut strip));
    let change = if normalized.is_empty() && !bytes.is_empty() {
        Some(None)
    } else {
        let out = wire::to_bytes(&normalized);
        (out != bytes).then_some(Some(out))
    };
    StrippedOptions {
        change,
        stripped: strip.stripped,
    }
}

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
                    out.push((
                        0,
                        index,
                        at(
                            path,
                            "Features are only valid under editions.".to_string(),
                            false,
                        ),
                    ));
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

/// The options paths of every element of `file` in protoc's `VisitDescriptors` order: the file,
/// then each message (itself, its enums with their values, oneofs, fields, nested messages,
/// extensions, extension ranges), enums, extensions and services with their methods.
fn visit_order(file: &FileDescriptorProto) -> Vec<Vec<i32>> {
    fn enums(list: &[EnumDescriptorProto], base: &[i32], kind: i32, out: &mut Vec<Vec<i32>>) {
        for (i, e) in list.iter().enumerate() {
            let path = child(base, &[kind, i as i32]);
            out.push(child(&path, &[tag::enum_::OPTIONS]));
            for j in 0..e.value.len() {
                out.push(child(
                    &path,
                    &[tag::enum_::VALUE, j as i32, tag::enum_value::OPTIONS],
                ));
            }
        }
    }
    fn message(m: &DescriptorProto, path: &[i32], out: &mut Vec<Vec<i32>>) {
        out.push(child(path, &[tag::message::OPTIONS]));
        enums(&m.enum_type, path, tag::message::ENUM_TYPE, out);
        for i in 0..m.oneof_decl.len() {
            out.push(child(
                path,
                &[tag::message::ONEOF_DECL, i as i32, tag::oneof::OPTIONS],
            ));
        }
        for i in 0..m.field.len() {
            out.push(child(
                path,
                &[tag::message::FIELD, i as i32, tag::field::OPTIONS],
            ));
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            message(n, &child(path, &[tag::message::NESTED_TYPE, i as i32]), out);
        }
        for i in 0..m.extension.len() {
            out.push(child(
                path,
                &[tag::message::EXTENSION, i as i32, tag::field::OPTIONS],
            ));
        }
        for i in 0..m.extension_range.len() {
            out.push(child(
                path,
                &[
                    tag::message::EXTENSION_RANGE,
                    i as i32,
                    tag::extension_range::OPTIONS,
                ],
            ));
        }
    }
    let mut out = vec![vec![tag::file::OPTIONS]];
    for (i, m) in file.message_type.iter().enumerate() {
        message(m, &[tag::file::MESSAGE_TYPE, i as i32], &mut out);
    }
    enums(&file.enum_type, &[], tag::file::ENUM_TYPE, &mut out);
    for i in 0..file.extension.len() {
        out.push(vec![tag::file::EXTENSION, i as i32, tag::field::OPTIONS]);
    }
    for (i, s) in file.service.iter().enumerate() {
        out.push(vec![tag::file::SERVICE, i as i32, tag::service::OPTIONS]);
        for j in 0..s.method.len() {
            out.push(vec![
                tag::file::SERVICE,
                i as i32,
                tag::service::METHOD,
                j as i32,
                tag::method::OPTIONS,
            ]);
        }
    }
    out
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
            format!(
                "{full_name} wasn't introduced until edition {} and can't be used in edition {}",
                edition_name(introduced),
                edition_name(edition)
            ),
            false,
        ));
    }
    match (support.edition_removed, support.edition_deprecated) {
        (Some(removed), _) if e >= removed as i32 => {
            let detail = support
                .removal_error
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            out.push((
                format!(
                    "{full_name} has been removed in edition {}{detail}",
                    edition_name(removed)
                ),
                false,
            ));
        }
        (_, Some(deprecated)) if e >= deprecated as i32 => {
            out.push((
                format!(
                    "{full_name} has been deprecated in edition {}: {}",
                    edition_name(deprecated),
                    support.deprecation_warning.as_deref().unwrap_or("")
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
            out.push(format!(
                "Option {} cannot be set on an entity of type `{}`.",
                field.full_name, target.1
            ));
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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Options whose name starts with a field of the options message.
    Fields,
    /// Options whose name starts with an extension.
    Extensions,
}

/// A map keyed by descriptor paths, hashed with [`PathHasher`].
type PathMap<V> = HashMap<Vec<i32>, V, BuildHasherDefault<PathHasher>>;

/// The options of one element, with what interpretation produced for them.
struct Target {
    options_path: Vec<i32>,
    /// protoc's `name_scope`: the element's full name (for the file: `package.dummy`).
    element_name: String,
    type_name: &'static str,
    uninterpreted: Vec<UninterpretedOption>,
    /// The records of each phase, in interpretation order.
    records: [Vec<Record>; 2],
}

struct Interpreter<'a> {
    lookup: &'a PoolLookup<'a>,
    spans: &'a SpanMap,
    file_name: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// Whether the file has `SourceCodeInfo`, whose option paths are rewritten: only then are
    /// the interpreted paths recorded.
    source_paths: bool,
    interpreted_paths: PathMap<Vec<i32>>,
    repeated_counts: PathMap<i32>,
}

impl Interpreter<'_> {
    fn interpret_target(&mut self, target: &mut Target, phase: Phase) {
        for i in 0..target.uninterpreted.len() {
            if let Err(diagnostic) = self.interpret_one(target, i, phase) {
                self.diagnostics.push(*diagnostic);
                return;
            }
        }
    }

    fn name_span(&self, target: &Target, i: usize) -> Span {
        let mut path = target.options_path.clone();
        path.extend([tag::UNINTERPRETED_OPTION, i as i32, uo::NAME]);
        self.spans.nearest(&path).unwrap_or_default()
    }

    fn value_span(&self, target: &Target, i: usize) -> Span {
        let o = &target.uninterpreted[i];
        let field = if o.identifier_value.is_some() {
            uo::IDENTIFIER_VALUE
        } else if o.positive_int_value.is_some() {
            uo::POSITIVE_INT_VALUE
        } else if o.negative_int_value.is_some() {
            uo::NEGATIVE_INT_VALUE
        } else if o.double_value.is_some() {
            uo::DOUBLE_VALUE
        } else if o.string_value.is_some() {
            uo::STRING_VALUE
        } else {
            uo::AGGREGATE_VALUE
        };
        let mut path = target.options_path.clone();
        path.extend([tag::UNINTERPRETED_OPTION, i as i32, field]);
        self.spans.nearest(&path).unwrap_or_default()
    }

    fn interpret_one(
        &mut self,
        target: &mut Target,
        i: usize,
        phase: Phase,
    ) -> Result<(), Box<Diagnostic>> {
        let option = &target.uninterpreted[i];
        // The name's span is only looked up for a diagnostic.
        let name_error =
            |this: &Self, msg: String| Box::new(Diagnostic::error(this.name_span(target, i), msg));
        let Some(first) = option.name.first() else {
            if phase == Phase::Fields {
                return Ok(());
            }
            return Err(name_error(self, "Option must have a name.".to_string()));
        };
        if first.name_part() == "uninterpreted_option" {
            if phase == Phase::Fields {
                return Ok(());
            }
            return Err(name_error(
                self,
                "Option must not use reserved name \"uninterpreted_option\".".to_string(),
            ));
        }
        let first_is_extension = first.is_extension == Some(true);
        if (phase == Phase::Extensions) != first_is_extension {
            return Ok(());
        }

        let mut intermediate: Vec<Rc<FieldInfo>> = Vec::new();
        // The name as protoc prints it, e.g. `(a.b).c`, up to part `j` (only for diagnostics).
        let debug_name = |j: usize| {
            let mut out = String::new();
            for part in &option.name[..=j] {
                if !out.is_empty() {
                    out.push('.');
                }
                if part.is_extension == Some(true) {
                    out.push('(');
                    out.push_str(part.name_part());
                    out.push(')');
                } else {
                    out.push_str(part.name_part());
                }
            }
            out
        };
        // The interpreted path (only wanted for source info).
        let mut dest_path = Vec::new();
        if self.source_paths {
            dest_path.reserve_exact(target.options_path.len() + option.name.len() + 1);
            dest_path.extend_from_slice(&target.options_path);
        }
        let mut leaf: Option<Rc<FieldInfo>> = None;
        for (j, part) in option.name.iter().enumerate() {
            // The message the part names a field of: the options, or the previous part's type.
            let message = match intermediate.last() {
                Some(parent) => parent.kind.message_type().unwrap_or_default(),
                None => target.type_name,
            };
            let part_name = part.name_part();
            let found = if part.is_extension == Some(true) {
                match self
                    .lookup
                    .resolve_extension(&target.element_name, part_name)
                {
                    Ok(f) => Some(f),
                    Err(Some(resolved_to)) => {
                        let debug_name = debug_name(j);
                        return Err(name_error(
                            self,
                            format!(
                                "Option \"{debug_name}\" is resolved to \"({resolved_to})\", which is not defined. \
                                 The innermost scope is searched first in name resolution. Consider using a \
                                 leading '.'(i.e., \"(.{}\") to start from the outermost scope.",
                                &debug_name[1.min(debug_name.len())..]
                            ),
                        ));
                    }
                    Err(None) => None,
                }
            } else {
                self.lookup.field_by_name_rc(message, part_name)
            };
            let Some(field) = found else {
                return Err(name_error(
                    self,
                    format!(
                        "Option \"{}\" unknown. Ensure that your proto definition file imports \
                         the proto which defines the option (i.e. via import option after edition 2024).",
                        debug_name(j)
                    ),
                ));
            };
            if field.containing_type != message {
                let short = message.rsplit('.').next().unwrap_or(message);
                return Err(name_error(
                    self,
                    format!(
                        "Option field \"{}\" is not a field or extension of message \"{short}\".",
                        debug_name(j)
                    ),
                ));
            }
            if self.source_paths {
                dest_path.push(field.number as i32);
            }
            if field.file == self.file_name
                && first.name_part() == "features"
                && !first_is_extension
            {
                return Err(name_error(
                    self,
                    format!(
                        "Feature \"{}\" can't be used in the same file it's defined in.",
                        debug_name(j)
                    ),
                ));
            }
            if j + 1 < option.name.len() {
                if field.kind.message_type().is_none() {
                    return Err(name_error(
                        self,
                        format!(
                            "Option \"{}\" is an atomic type, not a message.",
                            debug_name(j)
                        ),
                    ));
                }
                if field.repeated {
                    return Err(name_error(
                        self,
                        format!(
                            "Option field \"{}\" is a repeated message. Repeated message options \
                             must be initialized using an aggregate value.",
                            debug_name(j)
                        ),
                    ));
                }
                intermediate.push(field);
            } else {
                leaf = Some(field);
            }
        }
        let Some(field) = leaf else {
            return Err(name_error(self, "Option must have a name.".to_string()));
        };

        if !field.repeated && is_set(&intermediate, &field, &target.records[phase as usize]) {
            return Err(name_error(
                self,
                format!(
                    "Option \"{}\" was already set.",
                    debug_name(option.name.len() - 1)
                ),
            ));
        }
        let value = match option_value(self.lookup, &field, option) {
            Ok(v) => v,
            Err(msg) => return Err(Box::new(Diagnostic::error(self.value_span(target, i), msg))),
        };
        let mut records = value;
        for parent in intermediate.iter().rev() {
            let raw = match parent.kind {
                Kind::Group(_) => Raw::Group(records),
                _ => Raw::Bytes(wire::to_bytes(&records)),
            };
            records = vec![Record::new(parent.number, raw)];
        }
        target.records[phase as usize].extend(records);

        if !self.source_paths {
            return Ok(());
        }
        if field.repeated {
            let count = self.repeated_counts.entry(dest_path.clone()).or_insert(0);
            let index = *count;
            *count += 1;
            dest_path.push(index);
        }
        let mut src_path = Vec::with_capacity(target.options_path.len() + 2);
        src_path.extend_from_slice(&target.options_path);
        src_path.extend([tag::UNINTERPRETED_OPTION, i as i32]);
        self.interpreted_paths.insert(src_path, dest_path);
        Ok(())
    }
}

/// `UninterpretedOption` field numbers (for span lookups).
mod uo {
    pub(super) const NAME: i32 = 2;
    pub(super) const IDENTIFIER_VALUE: i32 = 3;
    pub(super) const POSITIVE_INT_VALUE: i32 = 4;
    pub(super) const NEGATIVE_INT_VALUE: i32 = 5;
    pub(super) const DOUBLE_VALUE: i32 = 6;
    pub(super) const STRING_VALUE: i32 = 7;
    pub(super) const AGGREGATE_VALUE: i32 = 8;
}

/// protoc's `ExamineIfOptionIsSet`: whether `records` already hold the leaf field (through the
/// intermediate messages).
fn is_set(intermediate: &[Rc<FieldInfo>], leaf: &FieldInfo, records: &[Record]) -> bool {
    let Some((first, rest)) = intermediate.split_first() else {
        return records.iter().any(|r| r.number == leaf.number);
    };
    records
        .iter()
        .filter(|r| r.number == first.number)
        .any(|r| match (&first.kind, &r.value) {
            (Kind::Group(_), Raw::Group(inner)) => is_set(rest, leaf, inner),
            (Kind::Message(_), Raw::Bytes(bytes)) => {
                wire::parse(bytes).is_some_and(|inner| is_set(rest, leaf, &inner))
            }
            _ => false,
        })
}

fn out_of_range(
    type_name: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
    option: &str,
) -> String {
    format!("Value out of range, {min} to {max}, for {type_name} option \"{option}\".")
}

fn must_be_int(
    type_name: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
    option: &str,
) -> String {
    format!("Value must be integer, from {min} to {max}, for {type_name} option \"{option}\".")
}

/// protoc's `SetOptionValue`: the records that set `field` to the option's value.
fn option_value(
    lookup: &PoolLookup<'_>,
    field: &FieldInfo,
    option: &UninterpretedOption,
) -> Result<Vec<Record>, String> {
    let n = field.number;
    let full = field.full_name.as_str();
    let one = |raw: Raw| Ok(vec![Record::new(n, raw)]);
    match &field.kind {
        Kind::Scalar(ScalarType::Int32)
        | Kind::Scalar(ScalarType::Sint32)
        | Kind::Scalar(ScalarType::Sfixed32) => {
            let (min, max) = (i32::MIN, i32::MAX);
            let v = if let Some(p) = option.positive_int_value {
                i32::try_from(p).map_err(|_| out_of_range("int32", min, max, full))?
            } else if let Some(neg) = option.negative_int_value {
                i32::try_from(neg).map_err(|_| out_of_range("int32", min, max, full))?
            } else {
                return Err(must_be_int("int32", min, max, full));
            };
            one(match field.kind {
                Kind::Scalar(ScalarType::Sint32) => {
                    Raw::Varint(u64::from(((v << 1) ^ (v >> 31)) as u32))
                }
                Kind::Scalar(ScalarType::Sfixed32) => Raw::Fixed32(v as u32),
                _ => Raw::Varint(i64::from(v) as u64),
            })
        }
        Kind::Scalar(ScalarType::Int64)
        | Kind::Scalar(ScalarType::Sint64)
        | Kind::Scalar(ScalarType::Sfixed64) => {
            let (min, max) = (i64::MIN, i64::MAX);
            let v = if let Some(p) = option.positive_int_value {
                i64::try_from(p).map_err(|_| out_of_range("int64", min, max, full))?
            } else if let Some(neg) = option.negative_int_value {
                neg
            } else {
                return Err(must_be_int("int64", min, max, full));
            };
            one(match field.kind {
                Kind::Scalar(ScalarType::Sint64) => Raw::Varint(((v << 1) ^ (v >> 63)) as u64),
                Kind::Scalar(ScalarType::Sfixed64) => Raw::Fixed64(v as u64),
                _ => Raw::Varint(v as u64),
            })
        }
        Kind::Scalar(ScalarType::Uint32) | Kind::Scalar(ScalarType::Fixed32) => {
            let Some(p) = option.positive_int_value else {
                return Err(must_be_int("uint32", 0, u32::MAX, full));
            };
            let v = u32::try_from(p).map_err(|_| out_of_range("uint32", 0, u32::MAX, full))?;
            one(match field.kind {
                Kind::Scalar(ScalarType::Fixed32) => Raw::Fixed32(v),
                _ => Raw::Varint(u64::from(v)),
            })
        }
        Kind::Scalar(ScalarType::Uint64) | Kind::Scalar(ScalarType::Fixed64) => {
            let Some(v) = option.positive_int_value else {
                return Err(must_be_int("uint64", 0, u64::MAX, full));
            };
            one(match field.kind {
                Kind::Scalar(ScalarType::Fixed64) => Raw::Fixed64(v),
                _ => Raw::Varint(v),
            })
        }
        Kind::Scalar(ScalarType::Float) | Kind::Scalar(ScalarType::Double) => {
            let v = if let Some(d) = option.double_value {
                d
            } else if let Some(p) = option.positive_int_value {
                p as f64
            } else if let Some(neg) = option.negative_int_value {
                neg as f64
            } else if option.identifier_value.as_deref() == Some("inf") {
                f64::INFINITY
            } else if option.identifier_value.as_deref() == Some("nan") {
                f64::NAN
            } else {
                let t = if field.kind == Kind::Scalar(ScalarType::Float) {
                    "float"
                } else {
                    "double"
                };
                return Err(format!("Value must be number for {t} option \"{full}\"."));
            };
            one(match field.kind {
                Kind::Scalar(ScalarType::Float) => Raw::Fixed32((v as f32).to_bits()),
                _ => Raw::Fixed64(v.to_bits()),
            })
        }
        Kind::Scalar(ScalarType::Bool) => {
            let Some(ident) = option.identifier_value.as_deref() else {
                return Err(format!(
                    "Value must be identifier for boolean option \"{full}\"."
                ));
            };
            match ident {
                "true" => one(Raw::Varint(1)),
                "false" => one(Raw::Varint(0)),
                _ => Err(format!(
                    "Value must be \"true\" or \"false\" for boolean option \"{full}\"."
                )),
            }
        }
        Kind::Enum(enum_name) => {
            let Some(ident) = option.identifier_value.as_deref() else {
                return Err(format!(
                    "Value must be identifier for enum-valued option \"{full}\"."
                ));
            };
            if let Some(number) = lookup.enum_value(enum_name, ident) {
                return one(Raw::Varint(i64::from(number) as u64));
            }
            if lookup.is_sibling_enum_value(enum_name, ident) {
                return Err(format!(
                    "Enum type \"{enum_name}\" has no value named \"{ident}\" for option \"{full}\". \
                     This appears to be a value from a sibling type."
                ));
            }
            Err(format!(
                "Enum type \"{enum_name}\" has no value named \"{ident}\" for option \"{full}\"."
            ))
        }
        Kind::Scalar(ScalarType::String) | Kind::Scalar(ScalarType::Bytes) => {
            match &option.string_value {
                Some(s) => one(Raw::Bytes(s.clone())),
                None => Err(format!(
                    "Value must be quoted string for string option \"{full}\"."
                )),
            }
        }
        Kind::Message(type_name) | Kind::Group(type_name) => {
            let Some(text) = option.aggregate_value.as_deref() else {
                let name = &field.name;
                return Err(format!(
                    "Option \"{full}\" is a message. To set the entire message, use syntax like \
                     \"{name} = {{ <proto text format> }}\". To set fields within it, use syntax like \
                     \"{name}.foo = value\"."
                ));
            };
            let records = text::parse_message(lookup, type_name, text).map_err(|e| {
                format!(
                    "Error while parsing option value for \"{}\": {e}",
                    field.name
                )
            })?;
            one(match field.kind {
                Kind::Group(_) => Raw::Group(records),
                _ => Raw::Bytes(wire::to_bytes(&records)),
            })
        }
    }
}

/// protoc's `UpdateSourceCodeInfo`: each location at an interpreted option's original path
/// moves to the interpreted path, and the locations under it (name parts, value) are dropped.
fn update_source_code_info(
    locations: &mut Vec<protoforge::descriptor::source_code_info::Location>,
    interpreted: &PathMap<Vec<i32>>,
) {
    if interpreted.is_empty() {
        return;
    }
    let old = std::mem::take(locations);
    let mut removing: Option<Vec<i32>> = None;
    for mut loc in old {
        if let Some(prefix) = &removing {
            if loc.path.starts_with(prefix) {
                continue;
            }
            removing = None;
        }
        match interpreted.get(&loc.path) {
            Some(dest) => {
                removing = Some(std::mem::replace(&mut loc.path, dest.clone()));
                locations.push(loc);
            }
            None => locations.push(loc),
        }
    }
}

/// How [`normalize`] knows fields.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Only what protoc has compiled in: `descriptor.proto` and the linked feature extensions.
    Generated,
    /// Everything in the pool, extensions included.
    Dynamic,
}

/// Where stripping is recorded.
struct Strip {
    path: Vec<i32>,
    stripped: Vec<Vec<i32>>,
}

/// Re-reads `records` as a message of type `message` and writes it back like protoc's C++
/// messages do: known fields (and known extensions) merged and in field-number order, unknown
/// fields after them in their original order. With `strip`, source-retention fields are left
/// out and recorded.
fn normalize(
    lookup: &PoolLookup<'_>,
    mode: Mode,
    message: &str,
    records: Vec<Record>,
    mut strip: Option<&mut Strip>,
) -> Vec<Record> {
    let mut known: Vec<(Rc<FieldInfo>, Vec<Raw>)> = Vec::new();
    let mut unknown = Vec::new();
    for record in records {
        let field = match mode {
            Mode::Dynamic => lookup.field_rc(message, record.number),
            Mode::Generated => lookup.generated_field(message, record.number),
        };
        let Some(field) = field.filter(|f| wire_type_fits(f, &record.value)) else {
            unknown.push(record);
            continue;
        };
        let slot = match known.iter_mut().position(|(f, _)| f.number == field.number) {
            Some(i) => &mut known[i].1,
            None => {
                known.push((field.clone(), Vec::new()));
                &mut known.last_mut().expect("just pushed").1
            }
        };
        match (field.repeated, record.value) {
            (true, Raw::Bytes(payload)) if field.kind.is_packable() => {
                unpack(&field.kind, &payload, slot)
            }
            (true, value) => slot.push(value),
            (false, Raw::Bytes(more)) if field.kind.message_type().is_some() => {
                match slot.first_mut() {
                    Some(Raw::Bytes(existing)) => existing.extend_from_slice(&more),
                    _ => *slot = vec![Raw::Bytes(more)],
                }
            }
            (false, Raw::Group(more)) => match slot.first_mut() {
                Some(Raw::Group(existing)) => existing.extend(more),
                _ => *slot = vec![Raw::Group(more)],
            },
            (false, value) => *slot = vec![value],
        }
    }
    known.sort_by_key(|(f, _)| f.number);
    let mut out = Vec::new();
    for (field, values) in known {
        if let Some(strip) = strip.as_deref_mut()
            && field.source_retention
        {
            let mut path = strip.path.clone();
            path.push(field.number as i32);
            strip.stripped.push(path);
            continue;
        }
        if field.implicit_presence && !field.repeated && values.iter().all(is_zero) {
            continue;
        }
        let sub_type = field.kind.message_type();
        let mut normalized_values = Vec::with_capacity(values.len());
        for (index, value) in values.into_iter().enumerate() {
            let value = match (&sub_type, value) {
                (Some(sub), Raw::Bytes(bytes)) => match wire::parse(&bytes) {
                    Some(inner) => {
                        let mut sub_strip = strip.as_deref().map(|s| {
                            let mut path = s.path.clone();
                            path.push(field.number as i32);
                            if field.repeated {
                                path.push(index as i32);
                            }
                            Strip {
                                path,
                                stripped: Vec::new(),
                            }
                        });
                        let inner = normalize(lookup, mode, sub, inner, sub_strip.as_mut());
                        if let (Some(s), Some(sub_s)) = (strip.as_deref_mut(), sub_strip) {
                            s.stripped.extend(sub_s.stripped);
                        }
                        Raw::Bytes(wire::to_bytes(&inner))
                    }
                    None => Raw::Bytes(bytes),
                },
                (Some(sub), Raw::Group(inner)) => {
                    Raw::Group(normalize(lookup, mode, sub, inner, None))
                }
                (_, value) => value,
            };
            normalized_values.push(value);
        }
        if field.repeated && field.packed && field.kind.is_packable() {
            let mut payload = Vec::new();
            for value in &normalized_values {
                match value {
                    Raw::Varint(v) => wire::put_varint(&mut payload, *v),
                    Raw::Fixed32(v) => payload.extend_from_slice(&v.to_le_bytes()),
                    Raw::Fixed64(v) => payload.extend_from_slice(&v.to_le_bytes()),
                    Raw::Bytes(_) | Raw::Group(_) => {}
                }
            }
            out.push(Record::new(field.number, Raw::Bytes(payload)));
        } else {
            out.extend(
                normalized_values
                    .into_iter()
                    .map(|v| Record::new(field.number, v)),
            );
        }
    }
    out.extend(unknown);
    out
}

fn is_zero(value: &Raw) -> bool {
    match value {
        Raw::Varint(v) | Raw::Fixed64(v) => *v == 0,
        Raw::Fixed32(v) => *v == 0,
        Raw::Bytes(b) => b.is_empty(),
        Raw::Group(_) => false,
    }
}

fn wire_type_fits(field: &FieldInfo, value: &Raw) -> bool {
    match (&field.kind, value) {
        (Kind::Group(_), v) => matches!(v, Raw::Group(_)),
        (
            Kind::Message(_) | Kind::Scalar(ScalarType::String) | Kind::Scalar(ScalarType::Bytes),
            v,
        ) => matches!(v, Raw::Bytes(_)),
        (_, Raw::Bytes(_)) => field.repeated && field.kind.is_packable(),
        (
            Kind::Scalar(ScalarType::Double)
            | Kind::Scalar(ScalarType::Fixed64)
            | Kind::Scalar(ScalarType::Sfixed64),
            v,
        ) => matches!(v, Raw::Fixed64(_)),
        (
            Kind::Scalar(ScalarType::Float)
            | Kind::Scalar(ScalarType::Fixed32)
            | Kind::Scalar(ScalarType::Sfixed32),
            v,
        ) => matches!(v, Raw::Fixed32(_)),
        (_, v) => matches!(v, Raw::Varint(_)),
    }
}

fn unpack(kind: &Kind, payload: &[u8], out: &mut Vec<Raw>) {
    let mut pos = 0;
    while pos < payload.len() {
        match kind {
            Kind::Scalar(ScalarType::Double)
            | Kind::Scalar(ScalarType::Fixed64)
            | Kind::Scalar(ScalarType::Sfixed64) => {
                let Some(chunk) = payload.get(pos..pos + 8) else {
                    return;
                };
                pos += 8;
                out.push(Raw::Fixed64(u64::from_le_bytes(
                    chunk.try_into().unwrap_or([0; 8]),
                )));
            }
            Kind::Scalar(ScalarType::Float)
            | Kind::Scalar(ScalarType::Fixed32)
            | Kind::Scalar(ScalarType::Sfixed32) => {
                let Some(chunk) = payload.get(pos..pos + 4) else {
                    return;
                };
                pos += 4;
                out.push(Raw::Fixed32(u32::from_le_bytes(
                    chunk.try_into().unwrap_or([0; 4]),
                )));
            }
            _ => {
                let Some(v) = wire::read_varint(payload, &mut pos) else {
                    return;
                };
                out.push(Raw::Varint(v));
            }
        }
    }
}

/// The schema as seen from the file being compiled: the pool's messages, enums and
/// extensions, with the built-in `descriptor.proto` for what the pool lacks.
///
/// Answers are memoized for the lookup's lifetime (the file it reads does not change
/// meanwhile): the same few options and extensions are looked up for most elements of a file.
struct PoolLookup<'a> {
    pool: &'a Pool,
    file: &'a FileDescriptorProto,
    file_name: &'a str,
    cache: RefCell<LookupCache>,
    /// Field infos kept from one file to the next of a build (see [`SharedFields`]).
    shared: Option<&'a SharedFields>,
}

/// Field infos of messages that stay the same from one file's option interpretation to the
/// next within a build, so each file's [`PoolLookup`] does not build them again (e.g. the
/// fields of `google.api.HttpRule` under `(google.api.http)`, or of `FieldOptions`).
///
/// Between files the pool only grows: a message defined in a file other than the one being
/// compiled is final (its file is built and stays as it is), and so are its fields (not the
/// extensions of a message, which later files may add: those are not kept per message) and
/// the extensions such a file defines. A message not in the pool is the built-in
/// `descriptor.proto`'s, until a file defining it is built: each entry remembers the file it
/// was read from and is dropped when the pool names another one.
#[derive(Default)]
pub(crate) struct SharedFields {
    messages: RefCell<NameMap<String, SharedMessage>>,
    /// Extensions by full name, with the file defining them.
    extensions: RefCell<NameMap<String, (String, MaybeField)>>,
}

/// Memoized fields of a [`SharedMessage`], by number or name.
type SharedList<K> = Vec<(K, MaybeField)>;

impl SharedFields {
    /// Forgets everything (the next lookups may read another build's pool).
    pub(crate) fn clear(&self) {
        self.messages.borrow_mut().clear();
        self.extensions.borrow_mut().clear();
    }
}

/// The memoized fields of one message in [`SharedFields`].
#[derive(Default)]
struct SharedMessage {
    /// The file defining the message (empty for the built-in `descriptor.proto`).
    file: String,
    by_number: SharedList<u32>,
    by_name: SharedList<String>,
}

/// A memoized field lookup: the field, or that there is none.
type MaybeField = Option<Rc<FieldInfo>>;

/// Memoized answers keyed by a name and, under it, by a second key: a short list searched in
/// order (a message's fields by number or name, a scope's extensions by name).
type Memo<K, V> = NameMap<String, Vec<(K, V)>>;

/// What [`PoolLookup::resolve_extension`] answers.
type ResolvedExtension = Result<Rc<FieldInfo>, Option<String>>;

/// The memoized answers of a [`PoolLookup`].
#[derive(Default)]
struct LookupCache {
    /// [`PoolLookup::field_rc`] (fields and known extensions) per message and number.
    by_number: Memo<u32, MaybeField>,
    /// [`PoolLookup::generated_field`] per message and number.
    generated: Memo<u32, MaybeField>,
    /// [`PoolLookup::field_by_name_rc`] per message and name.
    by_name: Memo<String, MaybeField>,
    /// [`PoolLookup::extension_info`] per full name.
    extensions: NameMap<String, Option<Rc<FieldInfo>>>,
    /// [`PoolLookup::visible_symbol`] per full name (of symbols in the pool).
    visible: NameMap<String, Option<(SymbolKind, String)>>,
    /// [`PoolLookup::resolve_in`] per scope searched first and name.
    resolved: Memo<String, ResolvedExtension>,
    /// [`Lookup::enum_value`] per enum and value name.
    enum_values: Memo<String, Option<i32>>,
    /// [`Lookup::is_message_set`] per message.
    message_sets: NameMap<String, bool>,
}

/// Where a descriptor lives: its file and path, or the built-in `descriptor.proto`.
type Location<'a> = Option<(&'a FileDescriptorProto, Vec<i32>)>;

impl<'a> PoolLookup<'a> {
    fn new(pool: &'a Pool, file: &'a FileDescriptorProto, file_name: &'a str) -> Self {
        PoolLookup {
            pool,
            file,
            file_name,
            cache: RefCell::default(),
            shared: None,
        }
    }

    /// The field (not extension) of `message` that `pick` selects, known by `key` in the
    /// list `list` of the shared cache when `message` is defined outside the file being
    /// compiled.
    fn shared_field<K>(
        &self,
        message: &str,
        list: fn(&mut SharedMessage) -> &mut SharedList<K::Owned>,
        key: &K,
        pick: impl Fn(&FieldDescriptorProto) -> bool,
    ) -> MaybeField
    where
        K: ToOwned + PartialEq + ?Sized,
        K::Owned: std::borrow::Borrow<K>,
    {
        use std::borrow::Borrow as _;
        let compute = || self.message_field(message, &pick).map(Rc::new);
        let Some(shared) = self.shared else {
            return compute();
        };
        let file = match self.pool.lookup(message) {
            Some(symbol) if symbol.file == self.file_name => return compute(),
            Some(symbol) => symbol.file,
            None => "",
        };
        if let Some(entry) = shared.messages.borrow_mut().get_mut(message)
            && entry.file == file
            && let Some((_, hit)) = list(entry).iter().find(|(k, _)| k.borrow() == key)
        {
            return hit.clone();
        }
        let found = compute();
        let mut messages = shared.messages.borrow_mut();
        let entry = match messages.get_mut(message) {
            Some(entry) => entry,
            None => messages.entry(message.to_string()).or_default(),
        };
        if entry.file != file {
            *entry = SharedMessage {
                file: file.to_string(),
                ..SharedMessage::default()
            };
        }
        list(entry).push((key.to_owned(), found.clone()));
        found
    }

    /// The memoized answer in `pick(cache)` for `outer` and `inner`, computing (outside any
    /// borrow of the cache, as computing may look up more) and recording it on a miss.
    fn memoized<K, V>(
        &self,
        pick: fn(&mut LookupCache) -> &mut Memo<K::Owned, V>,
        outer: &str,
        inner: &K,
        compute: impl FnOnce() -> V,
    ) -> V
    where
        K: ToOwned + PartialEq + ?Sized,
        K::Owned: std::borrow::Borrow<K>,
        V: Clone,
    {
        use std::borrow::Borrow as _;
        {
            let mut cache = self.cache.borrow_mut();
            if let Some((_, hit)) = pick(&mut cache)
                .get(outer)
                .and_then(|list| list.iter().find(|(k, _)| k.borrow() == inner))
            {
                return hit.clone();
            }
        }
        let found = compute();
        let mut cache = self.cache.borrow_mut();
        let map = pick(&mut cache);
        let entry = (inner.to_owned(), found.clone());
        match map.get_mut(outer) {
            Some(list) => list.push(entry),
            None => {
                map.insert(outer.to_string(), vec![entry]);
            }
        }
        found
    }

    /// The memoized answer in `pick(cache)` for `key`, computed and recorded on a miss.
    fn memoized_by_name<V: Clone>(
        &self,
        pick: fn(&mut LookupCache) -> &mut NameMap<String, V>,
        key: &str,
        compute: impl FnOnce() -> V,
    ) -> V {
        if let Some(hit) = pick(&mut self.cache.borrow_mut()).get(key) {
            return hit.clone();
        }
        let found = compute();
        pick(&mut self.cache.borrow_mut()).insert(key.to_string(), found.clone());
        found
    }

    /// The field or known extension numbered `number` of `message`.
    fn field_rc(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        self.memoized(
            |c| &mut c.by_number,
            message,
            &number,
            || {
                self.shared_field(
                    message,
                    |m| &mut m.by_number,
                    &number,
                    |f| f.number == Some(number as i32),
                )
                .or_else(|| {
                    let (name, _) = self
                        .pool
                        .extensions_of(message)
                        .find(|(_, f)| f.number == Some(number as i32))?;
                    self.extension_info(name)
                })
            },
        )
    }

    /// The field (not extension) named `name` of `message`.
    fn field_by_name_rc(&self, message: &str, name: &str) -> Option<Rc<FieldInfo>> {
        self.memoized(
            |c| &mut c.by_name,
            message,
            name,
            || {
                self.shared_field(
                    message,
                    |m| &mut m.by_name,
                    name,
                    |f| f.name.as_deref() == Some(name),
                )
            },
        )
    }

    /// The file and path of symbol `name`; symbols of the file being compiled are read from
    /// its current state (with the options interpreted so far), not from the pool's copy.
    fn locate(&self, name: &str) -> Option<(&'a FileDescriptorProto, Vec<i32>)> {
        let symbol = self.pool.lookup(name)?;
        let file = if symbol.file == self.file_name {
            self.file
        } else {
            self.pool.file(symbol.file)?
        };
        Some((file, symbol.path.to_vec()))
    }

    fn message(&self, name: &str) -> Option<(&'a DescriptorProto, Location<'a>)> {
        if let Some((file, path)) = self.locate(name)
            && let Some(m) = crate::symbols::message_at(file, &path)
        {
            return Some((m, Some((file, path))));
        }
        builtin::message(name).map(|m| (m, None))
    }

    fn enum_desc(&self, name: &str) -> Option<(&'a EnumDescriptorProto, Location<'a>)> {
        if let Some((file, path)) = self.locate(name)
            && let Some(e) = crate::symbols::enum_at(file, &path)
        {
            return Some((e, Some((file, path))));
        }
        builtin::enum_type(name).map(|e| (e, None))
    }

    fn info(
        &self,
        field: &FieldDescriptorProto,
        containing: &str,
        full_name: String,
        is_extension: bool,
        oneof: Option<String>,
        loc: Location<'_>,
    ) -> Option<FieldInfo> {
        let type_name = field
            .type_name
            .as_deref()
            .unwrap_or("")
            .trim_start_matches('.')
            .to_string();
        let kind = match field.r#type? {
            Type::Double => Kind::Scalar(ScalarType::Double),
            Type::Float => Kind::Scalar(ScalarType::Float),
            Type::Int64 => Kind::Scalar(ScalarType::Int64),
            Type::Uint64 => Kind::Scalar(ScalarType::Uint64),
            Type::Int32 => Kind::Scalar(ScalarType::Int32),
            Type::Fixed64 => Kind::Scalar(ScalarType::Fixed64),
            Type::Fixed32 => Kind::Scalar(ScalarType::Fixed32),
            Type::Bool => Kind::Scalar(ScalarType::Bool),
            Type::String => Kind::Scalar(ScalarType::String),
            Type::Group => Kind::Group(type_name),
            Type::Message => Kind::Message(type_name),
            Type::Bytes => Kind::Scalar(ScalarType::Bytes),
            Type::Uint32 => Kind::Scalar(ScalarType::Uint32),
            Type::Enum => Kind::Enum(type_name),
            Type::Sfixed32 => Kind::Scalar(ScalarType::Sfixed32),
            Type::Sfixed64 => Kind::Scalar(ScalarType::Sfixed64),
            Type::Sint32 => Kind::Scalar(ScalarType::Sint32),
            Type::Sint64 => Kind::Scalar(ScalarType::Sint64),
        };
        let repeated = field.label == Some(Label::Repeated);
        let (packed, implicit_presence, file) = match &loc {
            Some((file, path)) => {
                let resolved = features::resolve_at(file, path);
                let packed = kind.is_packable() && resolved.packed;
                let implicit = resolved.presence == features::Presence::Implicit
                    && !repeated
                    && kind.message_type().is_none()
                    && !is_extension
                    && field.oneof_index.is_none()
                    && field.proto3_optional != Some(true);
                (packed, implicit, file.name.clone().unwrap_or_default())
            }
            None => (
                field.options.as_ref().and_then(|o| o.packed) == Some(true),
                false,
                "google/protobuf/descriptor.proto".to_string(),
            ),
        };
        Some(FieldInfo {
            name: field.name.clone().unwrap_or_default(),
            full_name,
            number: u32::try_from(field.number?).ok()?,
            repeated,
            kind,
            packed,
            implicit_presence,
            oneof,
            is_extension,
            containing_type: containing.to_string(),
            file,
            source_retention: field.options.as_ref().and_then(|o| o.retention)
                == Some(OptionRetention::RetentionSource),
            targets: field
                .options
                .as_ref()
                .map(|o| o.targets.iter().map(|t| *t as i32).collect())
                .unwrap_or_default(),
            feature_support: field
                .options
                .as_ref()
                .and_then(|o| o.feature_support.clone()),
        })
    }

    fn message_field(
        &self,
        message: &str,
        pick: impl Fn(&FieldDescriptorProto) -> bool,
    ) -> Option<FieldInfo> {
        let (msg, loc) = self.message(message)?;
        let (index, field) = msg.field.iter().enumerate().find(|(_, f)| pick(f))?;
        let oneof = field
            .oneof_index
            .and_then(|i| msg.oneof_decl.get(usize::try_from(i).ok()?))
            .and_then(|o| o.name.clone());
        let loc = loc.map(|(file, mut path)| {
            path.extend([tag::message::FIELD, index as i32]);
            (file, path)
        });
        let full = format!("{message}.{}", field.name.as_deref().unwrap_or(""));
        self.info(field, message, full, false, oneof, loc)
    }

    /// The extension `full_name`.
    fn extension_info(&self, full_name: &str) -> Option<Rc<FieldInfo>> {
        self.memoized_by_name(
            |c| &mut c.extensions,
            full_name,
            || self.shared_extension(full_name),
        )
    }

    /// The extension `full_name`, from the shared cache when it is defined outside the file
    /// being compiled.
    fn shared_extension(&self, full_name: &str) -> MaybeField {
        let compute = || self.extension_info_uncached(full_name).map(Rc::new);
        let Some(shared) = self.shared else {
            return compute();
        };
        let file = match self.pool.lookup(full_name) {
            Some(symbol) if symbol.file != self.file_name => symbol.file,
            _ => return compute(),
        };
        if let Some((defined_in, hit)) = shared.extensions.borrow().get(full_name)
            && defined_in == file
        {
            return hit.clone();
        }
        let found = compute();
        shared
            .extensions
            .borrow_mut()
            .insert(full_name.to_string(), (file.to_string(), found.clone()));
        found
    }

    fn extension_info_uncached(&self, full_name: &str) -> Option<FieldInfo> {
        if self.pool.lookup(full_name)?.kind != SymbolKind::Extension {
            return None;
        }
        let (file, path) = self.locate(full_name)?;
        let field = crate::symbols::field_at(file, &path)?;
        let loc = Some((file, path));
        let extendee = field
            .extendee
            .as_deref()
            .unwrap_or("")
            .trim_start_matches('.')
            .to_string();
        self.info(field, &extendee, full_name.to_string(), true, None, loc)
    }

    /// protoc's `LookupSymbol(name, relative_to)` for an option name part: `Err(Some(x))` when
    /// the first component matched in an inner scope and `x` does not exist.
    ///
    /// Scopes are searched from the innermost outwards and the first component decides, like
    /// type names; symbols count when their file is visible from the file being compiled,
    /// through ordinary imports or `import option`.
    fn resolve_extension(&self, relative_to: &str, name: &str) -> ResolvedExtension {
        if let Some(absolute) = name.strip_prefix('.') {
            return self.extension_symbol(self.visible_symbol(absolute).ok_or(None)?);
        }
        // The search starts in the scope around `relative_to`.
        self.resolve_in(relative_to.rsplit_once('.').map(|(scope, _)| scope), name)
    }

    /// [`PoolLookup::resolve_extension`] of the relative `name`, searched in `scope` and then
    /// the scopes around it (`None`: past the outermost one, where only `name` itself is
    /// left). Answers are memoized per scope, so a new scope costs one lookup before the
    /// search meets a scope already searched.
    fn resolve_in(&self, scope: Option<&str>, name: &str) -> ResolvedExtension {
        let Some(scope) = scope else {
            return self.extension_symbol(self.visible_symbol(name).ok_or(None)?);
        };
        self.memoized(
            |c| &mut c.resolved,
            scope,
            name,
            || {
                let first = name.split('.').next().unwrap_or(name);
                let outer = scope.rsplit_once('.').map(|(outer, _)| outer);
                match self.visible_symbol(&join(scope, first)) {
                    // A plain name: the symbol found is the answer.
                    Some(found) if first.len() == name.len() => self.extension_symbol(found),
                    // A compound name whose first component is an aggregate here: the rest
                    // must be inside it.
                    Some((kind, _)) if kind.is_aggregate() => {
                        let full = join(scope, name);
                        self.extension_symbol(self.visible_symbol(&full).ok_or(Some(full))?)
                    }
                    _ => self.resolve_in(outer, name),
                }
            },
        )
    }

    /// The extension a resolved symbol names, if it is one.
    fn extension_symbol(&self, (kind, full_name): (SymbolKind, String)) -> ResolvedExtension {
        match kind {
            SymbolKind::Extension => self.extension_info(&full_name).ok_or(None),
            _ => Err(None),
        }
    }

    /// The symbol `full_name` if the file being compiled may use it in an option.
    fn visible_symbol(&self, full_name: &str) -> Option<(SymbolKind, String)> {
        if let Some(hit) = self.cache.borrow().visible.get(full_name) {
            return hit.clone();
        }
        // Names that are no symbol at all (most candidates of a scope search) are not worth
        // remembering: the pool answers them as fast.
        self.pool.lookup(full_name)?;
        let found = self.visible_symbol_uncached(full_name);
        self.cache
            .borrow_mut()
            .visible
            .insert(full_name.to_string(), found.clone());
        found
    }

    fn visible_symbol_uncached(&self, full_name: &str) -> Option<(SymbolKind, String)> {
        let symbol = self.pool.lookup(full_name)?;
        let visible = |f: &str| {
            f == self.file_name
                || self.pool.is_visible(self.file_name, f)
                || self
                    .file
                    .option_dependency
                    .iter()
                    .any(|d| d == f || self.pool.is_visible(d, f))
        };
        let ok = if symbol.kind == SymbolKind::Package {
            let prefix = format!("{full_name}.");
            self.pool.files().iter().any(|f| {
                let package = f.package.as_deref().unwrap_or("");
                (package == full_name || package.starts_with(&prefix))
                    && visible(f.name.as_deref().unwrap_or(""))
            })
        } else {
            visible(symbol.file)
        };
        if ok {
            self.pool.note_use(symbol.file);
        }
        ok.then(|| (symbol.kind, symbol.full_name.to_string()))
    }

    /// The field numbered `number` of `message` as protoc's compiled-in C++ classes know it.
    fn generated_field(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        self.memoized(
            |c| &mut c.generated,
            message,
            &number,
            || self.generated_field_uncached(message, number),
        )
    }

    fn generated_field_uncached(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        if builtin::message(message).is_some() {
            if message == FEATURE_SET && LINKED_FEATURE_EXTENSIONS.contains(&number) {
                return self
                    .pool
                    .extensions_of(FEATURE_SET)
                    .find(|(_, f)| f.number == Some(number as i32))
                    .and_then(|(name, _)| self.extension_info(name));
            }
            return builtin_field(message, number, |msg| {
                let field = msg.field.iter().find(|f| f.number == Some(number as i32))?;
                let full = format!("{message}.{}", field.name.as_deref().unwrap_or(""));
                self.info(field, message, full, false, None, None)
                    .map(Rc::new)
            });
        }
        self.message_field(message, |f| f.number == Some(number as i32))
            .map(Rc::new)
    }

    fn is_sibling_enum_value(&self, enum_name: &str, value: &str) -> bool {
        let scope = enum_name.rsplit_once('.').map_or("", |(s, _)| s);
        let sibling = if scope.is_empty() {
            value.to_string()
        } else {
            format!("{scope}.{value}")
        };
        self.pool
            .lookup(&sibling)
            .is_some_and(|s| s.kind == SymbolKind::EnumValue)
    }
}

thread_local! {
    /// [`builtin_field`]'s answers, by message (its address) and number.
    static BUILTIN_FIELDS: RefCell<NameMap<(usize, u32), MaybeField>> = RefCell::default();
}

/// The field numbered `number` of the built-in `descriptor.proto` message `message` (which
/// exists), made by `make` from the message the first time on this thread: the built-in
/// schema never changes, so its field infos are shared by every lookup.
fn builtin_field(
    message: &str,
    number: u32,
    make: impl FnOnce(&'static DescriptorProto) -> MaybeField,
) -> MaybeField {
    let msg = builtin::message(message)?;
    let key = (std::ptr::from_ref(msg) as usize, number);
    if let Some(hit) = BUILTIN_FIELDS.with_borrow(|fields| fields.get(&key).cloned()) {
        return hit;
    }
    let found = make(msg);
    BUILTIN_FIELDS.with_borrow_mut(|fields| fields.insert(key, found.clone()));
    found
}

impl Lookup for PoolLookup<'_> {
    fn field_by_name(&self, message: &str, name: &str) -> Option<Rc<FieldInfo>> {
        self.field_by_name_rc(message, name)
    }

    fn field_by_number(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        self.field_rc(message, number)
    }

    fn extension(&self, scope: &str, name: &str) -> Option<Rc<FieldInfo>> {
        // Text format resolves `[name]` like protoc's `LookupSymbol(name, message full name)`.
        self.resolve_extension(scope, name).ok()
    }

    fn has_message(&self, name: &str) -> bool {
        self.message(name).is_some()
    }

    fn enum_value(&self, enum_name: &str, value: &str) -> Option<i32> {
        self.memoized(
            |c| &mut c.enum_values,
            enum_name,
            value,
            || {
                let (e, _) = self.enum_desc(enum_name)?;
                e.value
                    .iter()
                    .find(|v| v.name.as_deref() == Some(value))?
                    .number
            },
        )
    }

    fn enum_has_number(&self, enum_name: &str, number: i32) -> bool {
        self.enum_desc(enum_name)
            .is_some_and(|(e, _)| e.value.iter().any(|v| v.number == Some(number)))
    }

    fn is_message_set(&self, message: &str) -> bool {
        self.memoized_by_name(
            |c| &mut c.message_sets,
            message,
            || {
                self.message(message).is_some_and(|(m, _)| {
                    m.options.as_ref().and_then(|o| o.message_set_wire_format) == Some(true)
                })
            },
        )
    }

    fn enum_is_closed(&self, enum_name: &str) -> bool {
        match self.enum_desc(enum_name) {
            Some((_, Some((file, path)))) => features::resolve_at(file, &path).closed_enum,
            _ => true,
        }
    }
}

/// One element's options, whatever their type, read-only.
trait OptionsRead {
    fn type_name(&self) -> &'static str;
    fn is_set(&self) -> bool;
    /// The options as bytes (empty when unset).
    fn encode(&self) -> Vec<u8>;
    /// Whether the options are unset or set to an empty message (nothing would be encoded).
    fn is_empty_message(&self) -> bool;
    /// Whether some options are still uninterpreted.
    fn has_uninterpreted(&self) -> bool;
}

/// One element's options, whatever their type.
trait OptionsSlot: OptionsRead {
    fn take_uninterpreted(&mut self) -> Vec<UninterpretedOption>;
    /// Appends `records` to the unknown fields (of set options).
    fn append_unknown(&mut self, records: Vec<Record>);
    /// Replaces the options with `bytes` decoded (keeps them when the bytes do not decode).
    fn replace_from(&mut self, bytes: &[u8]);
    fn clear(&mut self);
}

macro_rules! options_slot {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl OptionsRead for Option<$t> {
            fn type_name(&self) -> &'static str {
                $name
            }
            fn is_set(&self) -> bool {
                self.is_some()
            }
            fn encode(&self) -> Vec<u8> {
                self.as_ref().map(|o| o.encode_to_vec()).unwrap_or_default()
            }
            fn is_empty_message(&self) -> bool {
                self.as_ref().is_none_or(|o| o.encoded_len() == 0)
            }
            fn has_uninterpreted(&self) -> bool {
                self.as_ref().is_some_and(|o| !o.uninterpreted_option.is_empty())
            }
        }
        impl OptionsSlot for Option<$t> {
            fn take_uninterpreted(&mut self) -> Vec<UninterpretedOption> {
                self.as_mut().map(|o| std::mem::take(&mut o.uninterpreted_option)).unwrap_or_default()
            }
            fn append_unknown(&mut self, records: Vec<Record>) {
                if let Some(o) = self {
                    push_unknown(&mut o.unknown_fields, records);
                }
            }
            fn replace_from(&mut self, bytes: &[u8]) {
                if let Ok(decoded) = <$t>::decode(bytes) {
                    *self = Some(decoded);
                }
            }
            fn clear(&mut self) {
                *self = None;
            }
        }
    )*};
}

/// Appends `records` to `unknown` as decoding their encoding would.
fn push_unknown(unknown: &mut protoforge::UnknownFields, records: Vec<Record>) {
    use protoforge::UnknownValue;
    for record in records {
        let value = match record.value {
            Raw::Varint(v) => UnknownValue::Varint(v),
            Raw::Fixed64(v) => UnknownValue::Fixed64(v),
            Raw::Bytes(b) => UnknownValue::LengthDelimited(b),
            Raw::Group(inner) => {
                let mut group = protoforge::UnknownFields::new();
                push_unknown(&mut group, inner);
                UnknownValue::Group(group)
            }
            Raw::Fixed32(v) => UnknownValue::Fixed32(v),
        };
        unknown.push(record.number, value);
    }
}

options_slot!(
    FileOptions => "google.protobuf.FileOptions",
    MessageOptions => "google.protobuf.MessageOptions",
    FieldOptions => "google.protobuf.FieldOptions",
    OneofOptions => "google.protobuf.OneofOptions",
    EnumOptions => "google.protobuf.EnumOptions",
    EnumValueOptions => "google.protobuf.EnumValueOptions",
    ServiceOptions => "google.protobuf.ServiceOptions",
    MethodOptions => "google.protobuf.MethodOptions",
    ExtensionRangeOptions => "google.protobuf.ExtensionRangeOptions",
);

/// One element with options, as handed to a [`visit`] or [`visit_mut`] callback.
struct Element<'a, O> {
    /// The path of the element's `options` field (borrowed from the walk: copy it to keep it).
    options_path: &'a [i32],
    /// protoc's name scope for the element's options (empty unless names were asked for).
    full_name: String,
    /// The options: `&dyn OptionsRead` or `&mut dyn OptionsSlot`.
    options: O,
}

/// An element as [`visit`] hands it out.
type ElementRef<'a> = Element<'a, &'a dyn OptionsRead>;

/// An element as [`visit_mut`] hands it out.
type ElementMut<'a> = Element<'a, &'a mut dyn OptionsSlot>;

/// The state of a walk over a file: the current path and name scope, each one buffer that
/// grows as the walk goes in and shrinks as it comes out.
struct Walk {
    /// Whether element names are wanted (otherwise `scope` stays empty).
    names: bool,
    path: Vec<i32>,
    scope: String,
}

impl Walk {
    fn new(names: bool, package: Option<&str>) -> Walk {
        let mut scope = String::new();
        if names {
            scope.push_str(package.unwrap_or(""));
        }
        Walk {
            names,
            path: Vec::with_capacity(16),
            scope,
        }
    }

    /// Enters the scope of element `name` (when names are wanted); returns what to hand to
    /// [`Walk::leave`].
    fn enter(&mut self, name: Option<&str>) -> usize {
        let len = self.scope.len();
        if self.names {
            if !self.scope.is_empty() {
                self.scope.push('.');
            }
            self.scope.push_str(name.unwrap_or(""));
        }
        len
    }

    fn leave(&mut self, len: usize) {
        self.scope.truncate(len);
    }

    /// The name of an element in the current scope, built by `name` from the scope (only
    /// when names are wanted).
    fn name(&self, name: impl FnOnce(&str) -> String) -> String {
        if self.names {
            name(&self.scope)
        } else {
            String::new()
        }
    }
}

/// The walk over a file's elements with options, once for shared and once for exclusive
/// access (`$m` is empty or `mut`; `$iter` is `iter` or `iter_mut`). Both visit in the same
/// order.
macro_rules! walker {
    ($visit:ident, $message:ident, $enum_:ident, $emit:ident, $Elem:ident, $Slot:ident,
     [$($m:tt)?], $iter:ident) => {
        /// Calls `f` for every element of `file` that has options, in protoc's build order:
        /// messages (their oneofs, fields, enums, extension ranges, extensions, the message
        /// itself, then nested messages), enums (values, then the enum), services (methods,
        /// then the service), extensions, and the file last. Element names are only built
        /// when `names` is set (otherwise they are empty).
        fn $visit(file: &$($m)? FileDescriptorProto, names: bool, f: &mut dyn FnMut($Elem<'_>)) {
            let mut w = Walk::new(names, file.package.as_deref());
            for (i, m) in file.message_type.$iter().enumerate() {
                w.path.extend([tag::file::MESSAGE_TYPE, i as i32]);
                $message(&mut w, m, f);
                w.path.clear();
            }
            for (i, e) in file.enum_type.$iter().enumerate() {
                w.path.extend([tag::file::ENUM_TYPE, i as i32]);
                $enum_(&mut w, e, f);
                w.path.clear();
            }
            for (i, s) in file.service.$iter().enumerate() {
                w.path.extend([tag::file::SERVICE, i as i32]);
                let scope = w.enter(s.name.as_deref());
                for (j, m) in s.method.$iter().enumerate() {
                    $emit(
                        &mut w,
                        f,
                        &$($m)? m.options,
                        &[tag::service::METHOD, j as i32, tag::method::OPTIONS],
                        |s| join(s, m.name.as_deref().unwrap_or("")),
                    );
                }
                $emit(&mut w, f, &$($m)? s.options, &[tag::service::OPTIONS], str::to_string);
                w.leave(scope);
                w.path.clear();
            }
            for (i, x) in file.extension.$iter().enumerate() {
                $emit(
                    &mut w,
                    f,
                    &$($m)? x.options,
                    &[tag::file::EXTENSION, i as i32, tag::field::OPTIONS],
                    |s| join(s, x.name.as_deref().unwrap_or("")),
                );
            }
            $emit(&mut w, f, &$($m)? file.options, &[tag::file::OPTIONS], |s| {
                format!("{s}.dummy")
            });
        }

        /// Calls `f` with one element, if it has options (every caller only looks at those;
        /// the path and name are only built then).
        fn $emit(
            w: &mut Walk,
            f: &mut dyn FnMut($Elem<'_>),
            options: &$($m)? dyn $Slot,
            parts: &[i32],
            name: impl FnOnce(&str) -> String,
        ) {
            if !options.is_set() {
                return;
            }
            let len = w.path.len();
            w.path.extend_from_slice(parts);
            let full_name = w.name(name);
            f(Element {
                options_path: &w.path,
                full_name,
                options,
            });
            w.path.truncate(len);
        }

        fn $message(w: &mut Walk, m: &$($m)? DescriptorProto, f: &mut dyn FnMut($Elem<'_>)) {
            let scope = w.enter(m.name.as_deref());
            for (i, o) in m.oneof_decl.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? o.options,
                    &[tag::message::ONEOF_DECL, i as i32, tag::oneof::OPTIONS],
                    |s| join(s, o.name.as_deref().unwrap_or("")),
                );
            }
            for (i, x) in m.field.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? x.options,
                    &[tag::message::FIELD, i as i32, tag::field::OPTIONS],
                    |s| join(s, x.name.as_deref().unwrap_or("")),
                );
            }
            for (i, e) in m.enum_type.$iter().enumerate() {
                let len = w.path.len();
                w.path.extend([tag::message::ENUM_TYPE, i as i32]);
                $enum_(w, e, f);
                w.path.truncate(len);
            }
            for (i, r) in m.extension_range.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? r.options,
                    &[
                        tag::message::EXTENSION_RANGE,
                        i as i32,
                        tag::extension_range::OPTIONS,
                    ],
                    str::to_string,
                );
            }
            for (i, x) in m.extension.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? x.options,
                    &[tag::message::EXTENSION, i as i32, tag::field::OPTIONS],
                    |s| join(s, x.name.as_deref().unwrap_or("")),
                );
            }
            $emit(w, f, &$($m)? m.options, &[tag::message::OPTIONS], str::to_string);
            for (i, n) in m.nested_type.$iter().enumerate() {
                let len = w.path.len();
                w.path.extend([tag::message::NESTED_TYPE, i as i32]);
                $message(w, n, f);
                w.path.truncate(len);
            }
            w.leave(scope);
        }

        fn $enum_(w: &mut Walk, e: &$($m)? EnumDescriptorProto, f: &mut dyn FnMut($Elem<'_>)) {
            for (i, v) in e.value.$iter().enumerate() {
                // Enum values are siblings of their enum.
                $emit(
                    w,
                    f,
                    &$($m)? v.options,
                    &[tag::enum_::VALUE, i as i32, tag::enum_value::OPTIONS],
                    |s| join(s, v.name.as_deref().unwrap_or("")),
                );
            }
            let scope = w.enter(e.name.as_deref());
            $emit(w, f, &$($m)? e.options, &[tag::enum_::OPTIONS], str::to_string);
            w.leave(scope);
        }
    };
}

walker!(
    visit,
    visit_message,
    visit_enum,
    emit,
    ElementRef,
    OptionsRead,
    [],
    iter
);
walker!(
    visit_mut,
    visit_message_mut,
    visit_enum_mut,
    emit_mut,
    ElementMut,
    OptionsSlot,
    [mut],
    iter_mut
);

fn child(path: &[i32], parts: &[i32]) -> Vec<i32> {
    let mut p = path.to_vec();
    p.extend_from_slice(parts);
    p
}

#[cfg(test)]
mod tests {
    //! Interpretation checked against protoc 35.1: `tests/options_data/custom.proto` compiled
    //! with `--retain_options` (interpretation only), without it (plus stripping), and with
    //! `--include_source_info` (rewritten option paths). The input is protoc's own linked
    //! descriptor with its options replaced by the `UninterpretedOption`s protoc's parser makes
    //! of the source text.

    use super::*;
    use protoforge::descriptor::{
        FileDescriptorSet, SourceCodeInfo, source_code_info, uninterpreted_option::NamePart,
    };

    static RETAIN: &[u8] = include_bytes!("../tests/options_data/custom.retain.pb");
    static STRIPPED: &[u8] = include_bytes!("../tests/options_data/custom.pb");
    static SOURCE_INFO: &[u8] = include_bytes!("../tests/options_data/custom.src.pb");

    enum V {
        Ident(&'static str),
        Pos(u64),
        Neg(i64),
        Double(f64),
        Str(&'static [u8]),
        Agg(&'static str),
    }

    fn opt(name: &str, value: V) -> UninterpretedOption {
        let mut o = UninterpretedOption::default();
        let mut rest = name;
        while !rest.is_empty() {
            let (part, ext) = if let Some(r) = rest.strip_prefix('(') {
                let end = r.find(')').expect("closing paren");
                let part = &r[..end];
                rest = &r[end + 1..];
                (part, true)
            } else {
                let end = rest.find('.').unwrap_or(rest.len());
                let part = &rest[..end];
                rest = &rest[end..];
                (part, false)
            };
            rest = rest.strip_prefix('.').unwrap_or(rest);
            o.name.push(NamePart {
                name_part: Some(part.to_string()),
                is_extension: Some(ext),
                ..Default::default()
            });
        }
        match value {
            V::Ident(s) => o.identifier_value = Some(s.to_string()),
            V::Pos(v) => o.positive_int_value = Some(v),
            V::Neg(v) => o.negative_int_value = Some(v),
            V::Double(v) => o.double_value = Some(v),
            V::Str(s) => o.string_value = Some(s.to_vec()),
            V::Agg(s) => o.aggregate_value = Some(s.to_string()),
        }
        o
    }

    fn file_options() -> Vec<UninterpretedOption> {
        vec![
            opt("java_package", V::Str(b"x.y")),
            opt("(i32)", V::Neg(-5)),
            opt("(sub).a", V::Pos(1)),
            opt("optimize_for", V::Ident("CODE_SIZE")),
            opt("(s64)", V::Neg(-7)),
            opt("(sub).s", V::Str(b"hi")),
            opt("(rep)", V::Pos(1)),
            opt("(f32)", V::Pos(9)),
            opt("(rep)", V::Pos(2)),
            opt("(d)", V::Double(1.5)),
            opt("(fl)", V::Double(f64::NEG_INFINITY)),
            opt("(b)", V::Ident("true")),
            opt("(color)", V::Ident("GREEN")),
            opt("(str)", V::Str(b"a\x01")),
            opt("(by)", V::Str(b"\xff")),
            opt(
                "(rsub)",
                V::Agg(
                    "a : 1 s : \"x\" r : [ 1 , 2 ] sub { a : 2 [ t . sub_ext ] : 5 } G { x : 3 }",
                ),
            ),
            opt("(rsub)", V::Agg("a : 2")),
            opt("(sub).sub.a", V::Pos(7)),
            opt("(u64)", V::Pos(u64::MAX)),
            opt("(grp).y", V::Pos(4)),
            opt("(src_only)", V::Pos(1)),
            opt("java_multiple_files", V::Ident("true")),
        ]
    }

    fn golden(bytes: &[u8]) -> FileDescriptorProto {
        golden_file(bytes, "custom.proto")
    }

    fn golden_file(bytes: &[u8], name: &str) -> FileDescriptorProto {
        let set = FileDescriptorSet::decode(bytes).expect("golden decodes");
        set.file
            .into_iter()
            .find(|f| f.name.as_deref() == Some(name))
            .expect("file in golden")
    }

    fn field_options(options: Vec<UninterpretedOption>) -> Option<FieldOptions> {
        Some(FieldOptions {
            uninterpreted_option: options,
            ..Default::default()
        })
    }

    static EDITIONS_RETAIN: &[u8] = include_bytes!("../tests/options_data/editions.retain.pb");
    static EDITIONS_STRIPPED: &[u8] = include_bytes!("../tests/options_data/editions.pb");

    /// `editions.proto`: features (with `pb.cpp` feature extensions set in two options, which
    /// protoc merges) and a repeated custom option that is packed in edition 2023.
    #[test]
    fn editions_features_match_protoc() {
        let set = FileDescriptorSet::decode(EDITIONS_RETAIN).expect("golden decodes");
        let mut pool = Pool::new();
        let mut file = FileDescriptorProto::default();
        for f in set.file {
            if f.name.as_deref() == Some("editions.proto") {
                file = f;
            } else {
                pool.add_file(f);
            }
        }
        file.options = Some(FileOptions {
            uninterpreted_option: vec![
                opt("features.field_presence", V::Ident("IMPLICIT")),
                opt("features.(pb.cpp).legacy_closed_enum", V::Ident("true")),
                opt("features.enum_type", V::Ident("CLOSED")),
                opt("features.(pb.cpp).string_type", V::Ident("VIEW")),
                opt("java_package", V::Str(b"z")),
                opt("(packed_opt)", V::Pos(1)),
                opt("features.utf8_validation", V::Ident("NONE")),
                opt("(packed_opt)", V::Pos(2)),
            ],
            ..Default::default()
        });
        let m = &mut file.message_type[0];
        m.field[0].options =
            field_options(vec![opt("features.field_presence", V::Ident("EXPLICIT"))]);
        m.field[1].options = field_options(vec![opt(
            "features",
            V::Agg("repeated_field_encoding : EXPANDED"),
        )]);
        m.field[2].options = field_options(vec![
            opt("features.message_encoding", V::Ident("DELIMITED")),
            opt("features.field_presence", V::Ident("EXPLICIT")),
        ]);
        pool.add_file(file.clone());
        let diagnostics = interpret(
            &mut file,
            &pool,
            &SpanMap::default(),
            &SharedFields::default(),
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            file.encode_to_vec(),
            golden_file(EDITIONS_RETAIN, "editions.proto").encode_to_vec()
        );
        // The build strips after putting the interpreted file back into the pool.
        pool.replace_file(file.clone());
        strip_source_retention(&mut file, &pool);
        assert_eq!(
            file.options.encode(),
            golden_file(EDITIONS_STRIPPED, "editions.proto")
                .options
                .encode()
        );
        assert_eq!(
            file.encode_to_vec(),
            golden_file(EDITIONS_STRIPPED, "editions.proto").encode_to_vec()
        );
    }

    /// protoc's linked descriptor of custom.proto with uninterpreted options, and a pool with it.
    fn input() -> (FileDescriptorProto, Pool) {
        let mut file = golden(RETAIN);
        file.options = Some(FileOptions {
            uninterpreted_option: file_options(),
            ..Default::default()
        });
        let m = file
            .message_type
            .iter_mut()
            .find(|m| m.name.as_deref() == Some("M"))
            .expect("M");
        m.field[0].options = Some(FieldOptions {
            uninterpreted_option: vec![
                opt("(fopt)", V::Pos(3)),
                opt("deprecated", V::Ident("true")),
            ],
            ..Default::default()
        });
        m.field[1].options = Some(FieldOptions {
            uninterpreted_option: vec![opt("(t.fopt)", V::Neg(-1))],
            ..Default::default()
        });
        let mut pool = Pool::new();
        pool.add_file(builtin::file().expect("builtin").clone());
        pool.add_file(file.clone());
        (file, pool)
    }

    #[test]
    fn custom_options_match_protoc_with_retain_options() {
        let (mut file, pool) = input();
        let diagnostics = interpret(
            &mut file,
            &pool,
            &SpanMap::default(),
            &SharedFields::default(),
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let expected = golden(RETAIN);
        assert_eq!(file.options.encode(), expected.options.encode());
        assert_eq!(file.message_type, expected.message_type);
        assert_eq!(file.encode_to_vec(), expected.encode_to_vec());
    }

    #[test]
    fn stripping_merges_and_sorts_like_protoc() {
        let (mut file, mut pool) = input();
        interpret(
            &mut file,
            &pool,
            &SpanMap::default(),
            &SharedFields::default(),
        );
        // The build strips after putting the interpreted file back into the pool.
        pool.replace_file(file.clone());
        strip_source_retention(&mut file, &pool);
        let expected = golden(STRIPPED);
        assert_eq!(file.options.encode(), expected.options.encode());
        assert_eq!(file.encode_to_vec(), expected.encode_to_vec());
    }

    #[test]
    fn source_code_info_paths_are_rewritten_like_protoc() {
        let (mut file, mut pool) = input();
        // The parser's locations for the file options: the statement, then the option at
        // `[8, 999, i]` with its name parts and value below it.
        let mut locations = Vec::new();
        for i in 0..file_options().len() as i32 {
            for path in [
                vec![8],
                vec![8, 999, i],
                vec![8, 999, i, 2],
                vec![8, 999, i, 2, 0],
                vec![8, 999, i, 2, 0, 1],
                vec![8, 999, i, 3],
            ] {
                locations.push(source_code_info::Location {
                    path,
                    ..Default::default()
                });
            }
        }
        file.source_code_info = Some(SourceCodeInfo {
            location: locations,
            ..Default::default()
        });
        interpret(
            &mut file,
            &pool,
            &SpanMap::default(),
            &SharedFields::default(),
        );
        // The build strips after putting the interpreted file back into the pool.
        pool.replace_file(file.clone());
        strip_source_retention(&mut file, &pool);
        let ours: Vec<Vec<i32>> = file
            .source_code_info
            .unwrap()
            .location
            .into_iter()
            .map(|l| l.path)
            .collect();
        let expected: Vec<Vec<i32>> = golden(SOURCE_INFO)
            .source_code_info
            .unwrap()
            .location
            .into_iter()
            .map(|l| l.path)
            .filter(|p| p.first() == Some(&8))
            .collect();
        assert_eq!(ours, expected);
    }
}
