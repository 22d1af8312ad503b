//! Validation of a linked file: every structural rule protoc's `DescriptorBuilder` (and its
//! command line front end) enforces after parsing, reported at the line and column protoc
//! reports.
//!
//! The checks run in protoc's order, in phases: the "build" phase (names too long and names
//! already taken, as adding the file's symbols found them; field numbers, reserved and
//! extension ranges, enum reserved ranges; [`build`]), which protoc reports before anything
//! linking finds, the "cross-link" phase (extension numbers against the extendee, duplicate
//! field and extension numbers, oneofs; also [`build`]), the field number suggestions protoc
//! prints after them, and — only when nothing
//! failed so far, here or in an earlier pass, as in protoc — the "validate" phase on
//! interpreted options and resolved features (proto3 rules, JSON name conflicts, enum rules,
//! map entries, `packed`, `lazy`, message sets, lite files, editions feature rules;
//! [`validate`]; extension declarations: [`declarations`]). Finally map entry name conflicts
//! and the field numbers 19000 to 19999 (rejected by protoc's command line after building).
//! Default values of message and enum fields are checked by linking, not here.
//!
//! Each diagnostic points at the part of the source protoc points at (a field's number, its
//! name, its type, a range's start, ...), found through the [`SpanMap`] from descriptor paths.
//! Where protoc prints no position because its parser records none for that part (e.g. the
//! 19000..19999 check, or a synthesized element), we still give the nearest span we know: the
//! clearer report is ours to give. Where protoc has no position for a whole kind of element
//! part (an extension range's name), we print none either. The wording of every message is in
//! [`diagnostics`], one function a kind.

mod build;
mod declarations;
pub(crate) mod diagnostics;
mod input;
mod validate;

#[cfg(test)]
mod tests;

use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    field_descriptor_proto::{Label, Type},
};
use protoforge_parse::Diagnostic;

use crate::span_map::{NameMap, SpanMap};
use crate::symbols::{NameReport, Pool, join};
use crate::tag;

use crate::features::{Features, Presence};
pub(crate) use input::descriptor_input;

/// The largest valid field number (2^29 - 1).
pub(crate) const MAX_FIELD_NUMBER: i32 = 536_870_911;
/// The first field number reserved for the protobuf implementation.
const FIRST_RESERVED_NUMBER: i32 = 19_000;
/// The last field number reserved for the protobuf implementation.
const LAST_RESERVED_NUMBER: i32 = 19_999;

/// What [`check`] reports, in two parts: protoc reports the build phase's before anything
/// linking finds, and the rest after.
pub(crate) struct Checked {
    /// The build phase: names too long and names already taken (from `names`), field numbers,
    /// ranges, reserved names, enum values.
    pub(crate) build: Vec<Diagnostic>,
    /// The cross-link phase with linking's errors (protoc finds both as it cross-links each
    /// field).
    pub(crate) cross_link: Vec<Diagnostic>,
    /// Field number suggestions, validation and the checks after it.
    pub(crate) rest: Vec<Diagnostic>,
}

/// Checks `file` (already linked: field types set, type names fully qualified, options
/// interpreted) against every rule protoc enforces, and returns the problems in protoc's order.
///
/// `pool` holds the file's dependencies (and may hold `file` itself); `spans` maps `file`'s
/// descriptor paths to source spans; `names` is what adding the file's symbols found, which
/// the build phase reports where protoc does; `linked` is what linking found (by element path,
/// in protoc's cross-link order), reported as the cross-link phase reaches each element.
/// `earlier_errors` tells that an earlier pass (linking, options) already failed: protoc then
/// skips its validation pass, and so do we.
pub(crate) fn check(
    file: &FileDescriptorProto,
    pool: &Pool,
    spans: &SpanMap,
    names: &NameReport,
    linked: Vec<(Vec<i32>, Diagnostic)>,
    earlier_errors: bool,
) -> Checked {
    let file_features = crate::features::resolve_at(file, &[]);
    let index = FileIndex::new(file, file_features, names);
    let mut checker = Checker::new(file, pool, spans, file_features, &index, names);
    checker.linked = linked.into();
    if let Some(message) = input::package_limit(file.package.as_deref().unwrap_or("")) {
        // protoc builds nothing of such a file.
        checker.error(&[tag::file::PACKAGE], Loc::Element, message);
        return Checked {
            build: checker.diags,
            cross_link: Vec::new(),
            rest: Vec::new(),
        };
    }
    checker.build_phase();
    let build_end = checker.diags.len();
    checker.cross_link_phase();
    // What linking found about elements the walk does not visit (methods come last in protoc).
    let rest_of_linked = std::mem::take(&mut checker.linked);
    checker
        .diags
        .extend(rest_of_linked.into_iter().map(|(_, d)| d));
    let cross_link_end = checker.diags.len();
    checker.suggest_field_numbers();
    // protoc validates only files that built and linked without errors; a field whose type
    // name was not resolved shows that linking failed.
    if !earlier_errors && !checker.has_errors() && !checker.has_unlinked_fields() {
        checker.validate_phase();
    }
    checker.detect_map_conflicts();
    // protoc's command line checks these numbers only in files that built.
    if !earlier_errors && !checker.has_errors() {
        checker.implementation_reserved_numbers();
    }
    let rest = checker.diags.split_off(cross_link_end);
    let cross_link = checker.diags.split_off(build_end);
    Checked {
        build: checker.diags,
        cross_link,
        rest,
    }
}

/// Whether linking could not give the field its type: its `type_name` is left unqualified, or
/// its type unset.
fn unresolved_type(f: &FieldDescriptorProto) -> bool {
    f.type_name
        .as_deref()
        .is_some_and(|name| f.r#type.is_none() || !name.starts_with('.'))
}

/// The syntax family of a file: decides which rules apply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Syntax {
    /// `syntax = "proto2";` (or no syntax statement).
    Proto2,
    /// `syntax = "proto3";`.
    Proto3,
    /// `edition = "...";` (2023 and later).
    Editions,
}

impl Syntax {
    /// The syntax of `file`.
    pub(crate) fn of(file: &FileDescriptorProto) -> Syntax {
        match file.syntax.as_deref() {
            Some("proto3") => Syntax::Proto3,
            Some("editions") => Syntax::Editions,
            _ => Syntax::Proto2,
        }
    }
}

/// Which part of an element a diagnostic points at (protoc's `ErrorLocation`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Loc {
    /// The element's name.
    Name,
    /// The element's number (fields, enum values).
    Number,
    /// The field's type (label-less type token: scalar keyword, type name, `map`, `group`).
    Type,
    /// The extendee of an `extend` block.
    Extendee,
    /// The value of `[default = ...]`.
    Default,
    /// The `json_name` option.
    JsonName,
    /// The element as a whole (ranges: their start).
    Element,
    /// A location protoc's parser never records (e.g. a range's name): no position.
    Nowhere,
}

/// One field of the file being checked, with everything the checks need about its place.
///
/// A small `Copy` view borrowing from the file and the [`FileIndex`]: its path and full name
/// are built only when a diagnostic needs them.
#[derive(Clone, Copy, Debug)]
struct FieldRef<'a> {
    field: &'a FieldDescriptorProto,
    /// Descriptor path of the element declaring the field (the message; empty for the file).
    scope_path: &'a [i32],
    /// The field number of the list holding the field in its scope (`FIELD` or `EXTENSION`).
    list: i32,
    /// Index of the field in that list.
    index: usize,
    /// For fields: the containing message. For extensions: the message (or file) declaring it.
    parent: Option<&'a DescriptorProto>,
    /// Full name of `parent` (the package for top-level extensions).
    parent_name: &'a str,
    /// True for extensions.
    is_extension: bool,
    /// True when protoc finds the field's names too long and names it `unknown`.
    too_long: bool,
    /// Resolved features of the field.
    features: Features,
}

impl<'a> FieldRef<'a> {
    /// Descriptor path of the field.
    fn path(&self) -> Vec<i32> {
        child(self.scope_path, self.list, self.index)
    }

    /// The field's name as protoc gives it.
    fn name(&self) -> &'a str {
        if self.too_long {
            "unknown"
        } else {
            self.field.name.as_deref().unwrap_or("")
        }
    }

    /// Full name of the field (`pkg.Msg.field`, or `pkg.ext` for extensions) as protoc gives
    /// it.
    fn full_name(&self) -> String {
        if self.too_long {
            "unknown".to_string()
        } else {
            join(self.parent_name, self.name())
        }
    }
}

/// One message of the file being checked.
#[derive(Clone, Debug)]
struct MessageRef<'a> {
    message: &'a DescriptorProto,
    path: Vec<i32>,
    full_name: String,
    /// True for messages declared at the top level of the file.
    top_level: bool,
    features: Features,
    /// The messages nested directly in this one, in declaration order (indices into
    /// [`FileIndex::messages`]).
    nested: Vec<usize>,
    /// The enums nested directly in this one, in declaration order (indices into
    /// [`FileIndex::enums`]).
    nested_enums: Vec<usize>,
    /// The members whose names protoc finds too long: `(list, index)` (fields, extensions,
    /// oneofs).
    long_members: Vec<(i32, usize)>,
}

impl<'a> MessageRef<'a> {
    /// The message's own fields (not its extensions), in declaration order.
    fn fields(&'a self) -> impl Iterator<Item = FieldRef<'a>> + 'a {
        let message = self.message;
        message.field.iter().enumerate().map(move |(i, f)| {
            let oneof_features = f
                .oneof_index
                .and_then(|o| message.oneof_decl.get(usize::try_from(o).ok()?))
                .and_then(|o| o.options.as_ref())
                .and_then(|o| o.features.as_ref());
            let features = self
                .features
                .overlay(oneof_features)
                .overlay(f.options.as_ref().and_then(|o| o.features.as_ref()));
            FieldRef {
                field: f,
                scope_path: &self.path,
                list: tag::message::FIELD,
                index: i,
                parent: Some(message),
                parent_name: &self.full_name,
                is_extension: false,
                too_long: self.long_member(tag::message::FIELD, i),
                features,
            }
        })
    }

    /// Whether protoc finds the names of element `index` of the list `list` too long.
    fn long_member(&self, list: i32, index: usize) -> bool {
        !self.long_members.is_empty() && self.long_members.contains(&(list, index))
    }

    /// The extensions declared inside the message, in declaration order.
    fn extensions(&'a self) -> impl Iterator<Item = FieldRef<'a>> + 'a {
        self.message
            .extension
            .iter()
            .enumerate()
            .map(move |(i, f)| FieldRef {
                field: f,
                scope_path: &self.path,
                list: tag::message::EXTENSION,
                index: i,
                parent: Some(self.message),
                parent_name: &self.full_name,
                is_extension: true,
                too_long: self.long_member(tag::message::EXTENSION, i),
                features: self
                    .features
                    .overlay(f.options.as_ref().and_then(|o| o.features.as_ref())),
            })
    }
}

/// One enum of the file being checked.
#[derive(Clone, Debug)]
struct EnumRef<'a> {
    enum_type: &'a EnumDescriptorProto,
    path: Vec<i32>,
    full_name: String,
    features: Features,
}

/// A message found by name anywhere (this file or the pool), with what is needed to judge it.
#[derive(Clone, Copy, Debug)]
struct FoundMessage<'a> {
    message: &'a DescriptorProto,
}

/// A field-number suggestion request (protoc's `MessageHints`).
#[derive(Clone, Debug, Default)]
struct Hint {
    fields_to_suggest: i64,
    first_reason: Option<(Vec<i32>, Loc)>,
}

/// The messages and enums of the file being checked, collected once before the checks run
/// (the checks only read it, so they can hold on to its parts while reporting).
struct FileIndex<'a> {
    /// Every message, in pre-order (a message before the messages nested in it).
    messages: Vec<MessageRef<'a>>,
    /// Every enum: the top-level ones first, then those of each message in `messages` order.
    enums: Vec<EnumRef<'a>>,
    /// Messages of this file by full name (index into `messages`).
    message_index: NameMap<String, usize>,
    /// Enums of this file by full name (index into `enums`).
    enum_index: NameMap<String, usize>,
    /// The top-level extensions whose names protoc finds too long (indices).
    long_extensions: Vec<usize>,
}

impl<'a> FileIndex<'a> {
    /// The index of `file`, whose elements have the full names protoc gives them: `unknown`
    /// for those whose names `names` finds too long.
    fn new(
        file: &'a FileDescriptorProto,
        file_features: Features,
        names: &NameReport,
    ) -> FileIndex<'a> {
        let package = file.package.as_deref().unwrap_or("");
        let mut index = FileIndex {
            messages: Vec::new(),
            enums: Vec::new(),
            message_index: NameMap::default(),
            enum_index: NameMap::default(),
            long_extensions: long_members(
                names,
                &[],
                &[(tag::file::EXTENSION, file.extension.len())],
            )
            .map(|(_, i)| i)
            .collect(),
        };
        for (i, e) in file.enum_type.iter().enumerate() {
            index.collect_enum(
                e,
                vec![tag::file::ENUM_TYPE, i as i32],
                package,
                file_features,
                names,
            );
        }
        for (i, m) in file.message_type.iter().enumerate() {
            index.collect_message(
                m,
                vec![tag::file::MESSAGE_TYPE, i as i32],
                package,
                true,
                file_features,
                names,
            );
        }
        index
    }

    /// Adds `message` and everything nested in it; returns its index in `messages`.
    fn collect_message(
        &mut self,
        message: &'a DescriptorProto,
        path: Vec<i32>,
        scope: &str,
        top_level: bool,
        parent_features: Features,
        names: &NameReport,
    ) -> usize {
        let full_name = protoc_name(scope, message.name.as_deref(), &path, names);
        let features =
            parent_features.overlay(message.options.as_ref().and_then(|o| o.features.as_ref()));
        let me = self.messages.len();
        self.message_index.insert(full_name.clone(), me);
        let mut nested_enums = Vec::with_capacity(message.enum_type.len());
        for (i, e) in message.enum_type.iter().enumerate() {
            nested_enums.push(self.collect_enum(
                e,
                child(&path, tag::message::ENUM_TYPE, i),
                &full_name,
                features,
                names,
            ));
        }
        let long_members = long_members(
            names,
            &path,
            &[
                (tag::message::FIELD, message.field.len()),
                (tag::message::EXTENSION, message.extension.len()),
                (tag::message::ONEOF_DECL, message.oneof_decl.len()),
            ],
        )
        .collect();
        self.messages.push(MessageRef {
            message,
            path,
            full_name,
            top_level,
            features,
            nested: Vec::new(),
            nested_enums,
            long_members,
        });
        let mut nested = Vec::with_capacity(message.nested_type.len());
        for (i, m) in message.nested_type.iter().enumerate() {
            let path = child(&self.messages[me].path, tag::message::NESTED_TYPE, i);
            // The scope name is moved out during the call, as `messages` grows meanwhile.
            let scope = std::mem::take(&mut self.messages[me].full_name);
            nested.push(self.collect_message(m, path, &scope, false, features, names));
            self.messages[me].full_name = scope;
        }
        self.messages[me].nested = nested;
        me
    }

    /// Adds `enum_type`; returns its index in `enums`.
    fn collect_enum(
        &mut self,
        enum_type: &'a EnumDescriptorProto,
        path: Vec<i32>,
        scope: &str,
        parent_features: Features,
        names: &NameReport,
    ) -> usize {
        let full_name = protoc_name(scope, enum_type.name.as_deref(), &path, names);
        let features =
            parent_features.overlay(enum_type.options.as_ref().and_then(|o| o.features.as_ref()));
        let me = self.enums.len();
        self.enum_index.insert(full_name.clone(), me);
        self.enums.push(EnumRef {
            enum_type,
            path,
            full_name,
            features,
        });
        me
    }
}

/// The members of the element at `path` whose names protoc finds too long, among the first
/// `len` of each list `(list, len)`: `(list, index)`.
fn long_members<'r>(
    names: &'r NameReport,
    path: &'r [i32],
    lists: &'r [(i32, usize)],
) -> impl Iterator<Item = (i32, usize)> + 'r {
    // Paths are built only when some name is too long.
    let any = names.any_too_long();
    lists
        .iter()
        .filter(move |_| any)
        .flat_map(move |&(list, len)| (0..len).map(move |i| (list, i)))
        .filter(move |&(list, i)| names.too_long(&child(path, list, i)))
}

/// The full name protoc gives the element at `path` named `name` in `scope`: `unknown` when
/// its names are too long (see [`NameReport::too_long`]).
fn protoc_name(scope: &str, name: Option<&str>, path: &[i32], names: &NameReport) -> String {
    if names.too_long(path) {
        "unknown".to_string()
    } else {
        join(scope, name.unwrap_or(""))
    }
}

/// The state of one check run.
struct Checker<'a> {
    file: &'a FileDescriptorProto,
    pool: &'a Pool,
    spans: &'a SpanMap,
    syntax: Syntax,
    file_name: String,
    /// The file's package (empty when it has none).
    package: &'a str,
    /// The resolved features of the file itself.
    file_features: Features,
    messages: &'a [MessageRef<'a>],
    enums: &'a [EnumRef<'a>],
    /// Messages of this file by full name (index into `messages`).
    message_index: &'a NameMap<String, usize>,
    /// Enums of this file by full name (index into `enums`).
    enum_index: &'a NameMap<String, usize>,
    /// The top-level extensions whose names protoc finds too long (indices).
    long_extensions: &'a [usize],
    /// What adding the file's symbols found: reported by the build phase.
    names: &'a NameReport,
    /// Field-number suggestions requested per message (by message path).
    hints: Vec<(Vec<i32>, Hint)>,
    /// Linking's errors not yet reported, by element path, in cross-link order.
    linked: std::collections::VecDeque<(Vec<i32>, Diagnostic)>,
    diags: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn new(
        file: &'a FileDescriptorProto,
        pool: &'a Pool,
        spans: &'a SpanMap,
        file_features: Features,
        index: &'a FileIndex<'a>,
        names: &'a NameReport,
    ) -> Checker<'a> {
        Checker {
            file,
            pool,
            spans,
            syntax: Syntax::of(file),
            file_name: file.name.clone().unwrap_or_default(),
            package: file.package.as_deref().unwrap_or(""),
            file_features,
            messages: &index.messages,
            enums: &index.enums,
            message_index: &index.message_index,
            enum_index: &index.enum_index,
            long_extensions: &index.long_extensions,
            names,
            hints: Vec::new(),
            linked: Default::default(),
            diags: Vec::new(),
        }
    }

    /// The top-level walk protoc's build and validate passes share: each top-level message (by
    /// index into `messages`), then the top-level enums, then the file's extensions.
    fn walk_top_level(
        &mut self,
        mut message: impl FnMut(&mut Self, usize),
        mut enum_type: impl FnMut(&mut Self, &'a EnumRef<'a>),
        mut extension: impl FnMut(&mut Self, &FieldRef<'a>),
    ) {
        let messages = self.messages;
        for (i, _) in messages.iter().enumerate().filter(|(_, m)| m.top_level) {
            message(self, i);
        }
        let enums = self.enums;
        for e in enums.iter().filter(|e| e.path.len() == 2) {
            enum_type(self, e);
        }
        for f in self.file_extensions() {
            extension(self, &f);
        }
    }

    /// The top-level extensions of the file.
    fn file_extensions(&self) -> impl Iterator<Item = FieldRef<'a>> + 'a {
        let file_features = self.file_features;
        let package = self.package;
        let long = self.long_extensions;
        self.file
            .extension
            .iter()
            .enumerate()
            .map(move |(i, f)| FieldRef {
                field: f,
                scope_path: &[],
                list: tag::file::EXTENSION,
                index: i,
                parent: None,
                parent_name: package,
                is_extension: true,
                too_long: long.contains(&i),
                features: file_features
                    .overlay(f.options.as_ref().and_then(|o| o.features.as_ref())),
            })
    }

    /// Every field and extension of the file: for each message its fields, then its
    /// extensions; then the file's extensions.
    fn all_fields(&self) -> impl Iterator<Item = FieldRef<'a>> + 'a {
        let messages = self.messages;
        messages
            .iter()
            .flat_map(|m| m.fields().chain(m.extensions()))
            .chain(self.file_extensions())
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// True when some field names a type that linking did not resolve (no `type`, or a type
    /// name without the leading dot of a resolved name).
    fn has_unlinked_fields(&self) -> bool {
        self.all_fields().any(|f| unresolved_type(f.field))
    }

    /// The span protoc would point at for `loc` of the element at `path`.
    fn span_of(&self, path: &[i32], loc: Loc) -> Option<protoforge_parse::Span> {
        let enum_value = element_kind(path) == Element::EnumValue;
        let subs: &[i32] = match loc {
            Loc::Name => &[tag::field::NAME],
            Loc::Number if enum_value => &[tag::enum_value::NUMBER],
            Loc::Number => &[tag::field::NUMBER],
            Loc::Type => &[tag::field::TYPE, tag::field::TYPE_NAME],
            Loc::Extendee => &[tag::field::EXTENDEE],
            Loc::Default => &[tag::field::DEFAULT_VALUE],
            Loc::JsonName => &[tag::field::JSON_NAME],
            Loc::Element => &[],
            Loc::Nowhere => return None,
        };
        let mut p = path.to_vec();
        for &sub in subs {
            p.push(sub);
            if let Some(span) = self.spans.get(&p) {
                return Some(span);
            }
            p.pop();
        }
        self.spans.nearest(path)
    }

    /// Reports what linking found about the element at `path`, where protoc's cross-linking
    /// reports it.
    fn report_linked(&mut self, path: &[i32]) {
        while self.linked.front().is_some_and(|(p, _)| p == path) {
            if let Some((_, d)) = self.linked.pop_front() {
                self.diags.push(d);
            }
        }
    }

    /// Reports an error at `loc` of the element at `path`.
    fn error(&mut self, path: &[i32], loc: Loc, message: String) {
        let d = match self.span_of(path, loc) {
            Some(span) => Diagnostic::error(span, message),
            None => Diagnostic::file_error(self.file_name.clone(), message),
        };
        self.diags.push(d);
    }

    /// Reports a warning at `loc` of the element at `path`.
    fn warning(&mut self, path: &[i32], loc: Loc, message: String) {
        let mut d = match self.span_of(path, loc) {
            Some(span) => Diagnostic::warning(span, message),
            None => Diagnostic::file_error(self.file_name.clone(), message),
        };
        d.severity = protoforge_parse::Severity::Warning;
        self.diags.push(d);
    }

    /// Reports an error with no position, naming the file (protoc's `file: message`).
    fn file_error(&mut self, message: String) {
        self.diags
            .push(Diagnostic::file_error(self.file_name.clone(), message));
    }

    /// Finds a message by fully qualified name (with or without the leading dot), in this file
    /// or in the pool.
    fn find_message(&self, name: &str) -> Option<FoundMessage<'a>> {
        let name = name.strip_prefix('.').unwrap_or(name);
        if let Some(&i) = self.message_index.get(name) {
            return Some(FoundMessage {
                message: self.messages[i].message,
            });
        }
        self.pool
            .message(name)
            .map(|message| FoundMessage { message })
    }

    /// Finds an enum by fully qualified name and tells whether it is closed (proto2 enums,
    /// editions enums with `enum_type = CLOSED`).
    fn find_enum(&self, name: &str) -> Option<(&'a EnumDescriptorProto, bool)> {
        let name = name.strip_prefix('.').unwrap_or(name);
        if let Some(&i) = self.enum_index.get(name) {
            let e = &self.enums[i];
            return Some((e.enum_type, e.features.closed_enum));
        }
        let pool: &'a Pool = self.pool;
        let enum_type = pool.enum_type(name)?;
        let symbol = pool.lookup(name)?;
        let file = pool.file(symbol.file)?;
        let closed = crate::features::resolve_at(file, symbol.path).closed_enum;
        Some((enum_type, closed))
    }
}

/// The type of a field, if known.
fn field_type(f: &FieldDescriptorProto) -> Option<Type> {
    f.r#type
}

/// True for `repeated` fields.
fn is_repeated(f: &FieldDescriptorProto) -> bool {
    f.label == Some(Label::Repeated)
}

/// True for `required` fields (proto2 label; editions use `LEGACY_REQUIRED` presence).
fn is_required(f: &FieldDescriptorProto, features: Features) -> bool {
    f.label == Some(Label::Required)
        || (f.label != Some(Label::Repeated) && features.presence == Presence::LegacyRequired)
}

/// True for message and group fields.
fn is_message_like(f: &FieldDescriptorProto) -> bool {
    matches!(field_type(f), Some(Type::Message | Type::Group))
}

/// True when `[packed = true]` may apply: repeated scalar numeric, bool or enum fields.
fn is_packable(f: &FieldDescriptorProto) -> bool {
    is_repeated(f)
        && !matches!(
            field_type(f),
            None | Some(Type::String | Type::Bytes | Type::Message | Type::Group)
        )
}

/// `path` extended by `[field, index]`.
fn child(path: &[i32], field: i32, index: usize) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + 2);
    p.extend_from_slice(path);
    p.push(field);
    p.push(index as i32);
    p
}

pub(crate) use protoforge::__private::naming::{to_json_name, to_upper_camel};

/// What a descriptor path points at (only the kinds the checks tell apart).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Element {
    File,
    Message,
    Enum,
    EnumValue,
    Other,
}

/// The kind of element at `path` (a `SourceCodeInfo` path from the file root).
fn element_kind(path: &[i32]) -> Element {
    let mut kind = Element::File;
    for pair in path.chunks(2) {
        let [field, _] = pair else {
            return Element::Other;
        };
        kind = match (kind, *field) {
            (Element::File, tag::file::MESSAGE_TYPE) => Element::Message,
            (Element::File, tag::file::ENUM_TYPE) => Element::Enum,
            (Element::Message, tag::message::NESTED_TYPE) => Element::Message,
            (Element::Message, tag::message::ENUM_TYPE) => Element::Enum,
            (Element::Enum, tag::enum_::VALUE) => Element::EnumValue,
            _ => Element::Other,
        };
    }
    kind
}
