//! Option interpretation, the way protoc's `OptionInterpreter` does it: every
//! `uninterpreted_option` the parser left on an element becomes wire-format records (builtin
//! options and custom options alike), appended to the options message's unknown fields; the
//! options message is then re-read with the schema compiled into protoc (`descriptor.proto`), so
//! builtin options become ordinary fields and custom options stay unknown fields in the order
//! they were written. Option locations in `SourceCodeInfo` are rewritten to the interpreted
//! paths.
//!
//! Like protoc, interpretation runs in two phases over all elements of the file: first the
//! options whose name starts with a plain field (`java_package`, `features.x`, including
//! `features.(pb.cpp).y`), then the options whose name starts with an extension (`(my.opt)`).
//! Elements are visited in protoc's build order (nested elements before their parent, the file
//! last), which fixes the order of the diagnostics.

use std::rc::Rc;

use protoforge::descriptor::{FileDescriptorProto, UninterpretedOption};
use protoforge_parse::{Diagnostic, Span};

use super::diagnostics as diag;
use super::lookup::{PoolLookup, SharedFields};
use super::normalize::{Mode, normalize};
use super::schema::{FieldInfo, Kind, Lookup, ScalarType};
use super::text;
use super::walk::{PathMap, options_at, visit, visit_mut};
use crate::span_map::SpanMap;
use crate::symbols::Pool;
use crate::tag;
use crate::wire::{self, Raw, Record};

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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Options whose name starts with a field of the options message.
    Fields,
    /// Options whose name starts with an extension.
    Extensions,
}

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
            return Err(name_error(self, diag::option_without_name()));
        };
        if first.name_part() == "uninterpreted_option" {
            if phase == Phase::Fields {
                return Ok(());
            }
            return Err(name_error(self, diag::uninterpreted_option_name()));
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
                            diag::option_resolved_to_undefined(&debug_name, &resolved_to),
                        ));
                    }
                    Err(None) => None,
                }
            } else {
                self.lookup.field_by_name_rc(message, part_name)
            };
            let Some(field) = found else {
                return Err(name_error(self, diag::unknown_option(&debug_name(j))));
            };
            if field.containing_type != message {
                let short = message.rsplit('.').next().unwrap_or(message);
                return Err(name_error(
                    self,
                    diag::not_a_field_of(&debug_name(j), short),
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
                    diag::feature_used_in_its_file(&debug_name(j)),
                ));
            }
            if j + 1 < option.name.len() {
                if field.kind.message_type().is_none() {
                    return Err(name_error(self, diag::option_not_a_message(&debug_name(j))));
                }
                if field.repeated {
                    return Err(name_error(
                        self,
                        diag::repeated_message_option_by_field(&debug_name(j)),
                    ));
                }
                intermediate.push(field);
            } else {
                leaf = Some(field);
            }
        }
        let Some(field) = leaf else {
            return Err(name_error(self, diag::option_without_name()));
        };

        if !field.repeated && is_set(&intermediate, &field, &target.records[phase as usize]) {
            return Err(name_error(
                self,
                diag::option_set_twice(&debug_name(option.name.len() - 1)),
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
                i32::try_from(p).map_err(|_| diag::out_of_range("int32", min, max, full))?
            } else if let Some(neg) = option.negative_int_value {
                i32::try_from(neg).map_err(|_| diag::out_of_range("int32", min, max, full))?
            } else {
                return Err(diag::must_be_int("int32", min, max, full));
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
                i64::try_from(p).map_err(|_| diag::out_of_range("int64", min, max, full))?
            } else if let Some(neg) = option.negative_int_value {
                neg
            } else {
                return Err(diag::must_be_int("int64", min, max, full));
            };
            one(match field.kind {
                Kind::Scalar(ScalarType::Sint64) => Raw::Varint(((v << 1) ^ (v >> 63)) as u64),
                Kind::Scalar(ScalarType::Sfixed64) => Raw::Fixed64(v as u64),
                _ => Raw::Varint(v as u64),
            })
        }
        Kind::Scalar(ScalarType::Uint32) | Kind::Scalar(ScalarType::Fixed32) => {
            let Some(p) = option.positive_int_value else {
                return Err(diag::must_be_int("uint32", 0, u32::MAX, full));
            };
            let v =
                u32::try_from(p).map_err(|_| diag::out_of_range("uint32", 0, u32::MAX, full))?;
            one(match field.kind {
                Kind::Scalar(ScalarType::Fixed32) => Raw::Fixed32(v),
                _ => Raw::Varint(u64::from(v)),
            })
        }
        Kind::Scalar(ScalarType::Uint64) | Kind::Scalar(ScalarType::Fixed64) => {
            let Some(v) = option.positive_int_value else {
                return Err(diag::must_be_int("uint64", 0, u64::MAX, full));
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
                return Err(diag::must_be_number(t, full));
            };
            one(match field.kind {
                Kind::Scalar(ScalarType::Float) => Raw::Fixed32((v as f32).to_bits()),
                _ => Raw::Fixed64(v.to_bits()),
            })
        }
        Kind::Scalar(ScalarType::Bool) => {
            let Some(ident) = option.identifier_value.as_deref() else {
                return Err(diag::bool_must_be_identifier(full));
            };
            match ident {
                "true" => one(Raw::Varint(1)),
                "false" => one(Raw::Varint(0)),
                _ => Err(diag::bool_must_be_true_or_false(full)),
            }
        }
        Kind::Enum(enum_name) => {
            let Some(ident) = option.identifier_value.as_deref() else {
                return Err(diag::enum_must_be_identifier(full));
            };
            if let Some(number) = lookup.enum_value(enum_name, ident) {
                return one(Raw::Varint(i64::from(number) as u64));
            }
            if lookup.is_sibling_enum_value(enum_name, ident) {
                return Err(diag::sibling_enum_value(enum_name, ident, full));
            }
            Err(diag::unknown_enum_value(enum_name, ident, full))
        }
        Kind::Scalar(ScalarType::String) | Kind::Scalar(ScalarType::Bytes) => {
            match &option.string_value {
                Some(s) => one(Raw::Bytes(s.clone())),
                None => Err(diag::must_be_string(full)),
            }
        }
        Kind::Message(type_name) | Kind::Group(type_name) => {
            let Some(text) = option.aggregate_value.as_deref() else {
                let name = &field.name;
                return Err(diag::message_option_without_aggregate(full, name));
            };
            let records = text::parse_message(lookup, type_name, text)
                .map_err(|e| diag::aggregate_parse_error(&field.name, &e))?;
            one(match field.kind {
                Kind::Group(_) => Raw::Group(records),
                _ => Raw::Bytes(wire::to_bytes(&records)),
            })
        }
    }
}

/// protoc's `UpdateSourceCodeInfo`: each location at an interpreted option's original path
/// moves to the interpreted path, and the locations under it (name parts, value) are dropped.
/// Done in place: the other locations, nearly all of them, stay where they are.
fn update_source_code_info(
    locations: &mut Vec<protoforge::descriptor::source_code_info::Location>,
    interpreted: &PathMap<Vec<i32>>,
) {
    if interpreted.is_empty() {
        return;
    }
    let mut removing: Option<Vec<i32>> = None;
    locations.retain_mut(|loc| {
        if let Some(prefix) = &removing {
            if loc.path.starts_with(prefix) {
                return false;
            }
            removing = None;
        }
        // Only an option's own location, `[.., 999, i]`, can be a key.
        let is_option = loc
            .path
            .len()
            .checked_sub(2)
            .is_some_and(|i| loc.path[i] == tag::UNINTERPRETED_OPTION);
        if is_option && let Some(dest) = interpreted.get(&loc.path) {
            removing = Some(std::mem::replace(&mut loc.path, dest.clone()));
        }
        true
    });
}
