//! The checks protoc runs after option interpretation and feature resolution (its
//! `ValidateOptions` pass), in its visiting order: the file (editions file features, proto3
//! rules), then each message (JSON name conflicts, extension range limits, then its enums,
//! fields and nested messages), then top-level enums and extensions.

use std::borrow::Cow;

use protoforge::descriptor::field_descriptor_proto::{Label, Type};

use super::diagnostics as diag;
use super::{
    Checker, EnumRef, FieldRef, Loc, MAX_FIELD_NUMBER, MessageRef, Syntax, child, field_type,
    is_message_like, is_packable, is_repeated, is_required, to_json_name, to_upper_camel,
};
use crate::features::Presence;
use crate::span_map::NameMap;
use crate::tag;

/// Extendees a proto3 file may extend (custom options).
const OPTION_EXTENDEES: [&str; 9] = [
    "FileOptions",
    "MessageOptions",
    "FieldOptions",
    "EnumOptions",
    "EnumValueOptions",
    "ServiceOptions",
    "MethodOptions",
    "OneofOptions",
    "ExtensionRangeOptions",
];

impl<'a> Checker<'a> {
    /// protoc's `ValidateOptions` over the whole file.
    pub(super) fn validate_phase(&mut self) {
        self.validate_file();
        self.walk_top_level(
            Self::validate_message,
            Self::validate_enum,
            Self::validate_field,
        );
    }

    fn validate_file(&mut self) {
        if self.syntax == Syntax::Editions
            && crate::features::resolve_at(self.file, &[]).presence == Presence::LegacyRequired
        {
            self.edition_error(diag::required_presence_by_default());
        }
        if self.syntax == Syntax::Editions
            && self
                .file
                .options
                .as_ref()
                .and_then(|o| o.java_string_check_utf8)
                .unwrap_or(false)
        {
            self.edition_error(diag::java_string_check_utf8_under_editions());
        }
        if !is_lite(self.file) {
            let lite_dep = self
                .file
                .dependency
                .iter()
                .enumerate()
                .find(|(_, d)| self.pool.file(d).is_some_and(is_lite));
            if let Some((i, dep)) = lite_dep {
                let message = diag::non_lite_imports_lite(dep);
                let path = [tag::file::DEPENDENCY, i as i32];
                self.error(&path, Loc::Element, message);
            }
        }
        if self.syntax == Syntax::Proto3 {
            for f in self.file_extensions() {
                self.validate_proto3_field(&f);
            }
            let messages = self.messages;
            for m in messages.iter().filter(|m| m.top_level) {
                self.validate_proto3_message(m);
            }
        }
    }

    /// An error at the file's `edition` statement (protoc's `EDITIONS` location).
    fn edition_error(&mut self, message: String) {
        let span = self
            .spans
            .get(&[tag::file::EDITION])
            .or_else(|| self.spans.get(&[tag::file::SYNTAX]));
        match span {
            Some(span) => self
                .diags
                .push(protoforge_parse::Diagnostic::error(span, message)),
            None => self.file_error(message),
        }
    }

    fn validate_proto3_message(&mut self, m: &'a MessageRef<'a>) {
        let messages = self.messages;
        for &nested in &m.nested {
            self.validate_proto3_message(&messages[nested]);
        }
        for f in m.fields().chain(m.extensions()) {
            self.validate_proto3_field(&f);
        }
        if !m.message.extension_range.is_empty() {
            let path = child(&m.path, tag::message::EXTENSION_RANGE, 0);
            self.error(&path, Loc::Element, diag::extension_range_in_proto3());
        }
        if self.is_message_set(m.message) {
            self.error(&m.path, Loc::Name, diag::message_set_in_proto3());
        }
    }

    fn validate_proto3_field(&mut self, f: &FieldRef<'a>) {
        let extendee = f
            .field
            .extendee
            .as_deref()
            .map(|e| e.strip_prefix('.').unwrap_or(e));
        if f.is_extension {
            let is_option = extendee.is_some_and(|e| {
                OPTION_EXTENDEES.iter().any(|o| {
                    e.strip_prefix("google.protobuf.") == Some(o)
                        || e.strip_prefix("proto2.") == Some(o)
                })
            });
            if !is_option {
                self.error(
                    &f.path(),
                    Loc::Extendee,
                    diag::non_option_extension_in_proto3(),
                );
            }
        }
        if f.field.label == Some(Label::Required) {
            self.error(&f.path(), Loc::Type, diag::required_in_proto3());
        }
        if f.field.default_value.is_some() {
            self.error(&f.path(), Loc::Default, diag::default_in_proto3());
        }
        if field_type(f.field) == Some(Type::Enum)
            && let Some(type_name) = f.field.type_name.as_deref()
            && let Some((_, true)) = self.find_enum(type_name)
        {
            let container = if f.is_extension {
                extendee.unwrap_or("").to_string()
            } else {
                f.parent_name.to_string()
            };
            self.error(
                &f.path(),
                Loc::Type,
                diag::closed_enum_in_proto3(
                    type_name.strip_prefix('.').unwrap_or(type_name),
                    &container,
                ),
            );
        }
        if field_type(f.field) == Some(Type::Group) {
            self.error(&f.path(), Loc::Type, diag::group_in_proto3());
        }
    }

    fn is_message_set(&self, m: &protoforge::descriptor::DescriptorProto) -> bool {
        m.options
            .as_ref()
            .and_then(|o| o.message_set_wire_format)
            .unwrap_or(false)
    }

    fn validate_message(&mut self, index: usize) {
        let (messages, enums) = (self.messages, self.enums);
        let m = &messages[index];
        self.check_json_names(m);
        self.check_range_declarations(m);
        let max = if self.is_message_set(m.message) {
            i64::from(i32::MAX)
        } else {
            i64::from(MAX_FIELD_NUMBER)
        };
        for r in &m.message.extension_range {
            if i64::from(r.end.unwrap_or(0)) > max + 1 {
                // protoc reports this at the message's NUMBER, which has no position.
                self.file_error(diag::extension_number_too_large(max));
            }
        }
        for &e in &m.nested_enums {
            self.validate_enum(&enums[e]);
        }
        for f in m.fields() {
            self.validate_field(&f);
        }
        for &j in &m.nested {
            self.validate_message(j);
        }
        for f in m.extensions() {
            self.validate_field(&f);
        }
    }

    /// protoc's `CheckFieldJsonNameUniqueness`: once with default names, once with custom ones.
    // protoc still honours the deprecated option; reading it is the point.
    #[allow(deprecated)]
    fn check_json_names(&mut self, m: &MessageRef<'a>) {
        let legacy = m
            .message
            .options
            .as_ref()
            .and_then(|o| o.deprecated_legacy_json_field_conflicts)
            .unwrap_or(false);
        if legacy {
            return;
        }
        let fields = &m.message.field;
        // The default JSON name of each field: borrowed from the field's `json_name` or name
        // when one of them spells it.
        let defaults: Vec<Cow<'a, str>> = fields
            .iter()
            .map(|f| {
                let name = f.name.as_deref().unwrap_or("");
                match f.json_name.as_deref() {
                    Some(json) if is_default_json_name(json, name) => Cow::Borrowed(json),
                    _ => json_name_of(name),
                }
            })
            .collect();
        // A custom JSON name: set and different from the default one.
        let custom = |i: usize| -> Option<&'a str> {
            fields[i]
                .json_name
                .as_deref()
                .filter(|j| *j != defaults[i].as_ref())
        };
        // Without custom names the second round repeats the first one's names and reports
        // nothing: conflicts there need a custom name on at least one side.
        let any_custom = (0..fields.len()).any(|i| custom(i).is_some());
        let rounds: &[bool] = if any_custom { &[false, true] } else { &[false] };
        let mut seen: NameMap<&str, (usize, bool)> =
            NameMap::with_capacity_and_hasher(fields.len(), Default::default());
        for &use_custom in rounds {
            seen.clear();
            for (i, f) in fields.iter().enumerate() {
                let name = f.name.as_deref().unwrap_or("");
                let (json, is_custom) = match custom(i) {
                    Some(j) if use_custom => (j, true),
                    _ => (defaults[i].as_ref(), false),
                };
                if is_custom && json.starts_with('[') && json.ends_with(']') {
                    self.error(
                        &child(&m.path, tag::message::FIELD, i),
                        Loc::Name,
                        diag::bracketed_json_name(name, json),
                    );
                    continue;
                }
                let Some(&(other_index, other_custom)) = seen.get(json) else {
                    seen.insert(json, (i, is_custom));
                    continue;
                };
                if use_custom && !is_custom && !other_custom {
                    continue;
                }
                let other = fields[other_index].name.as_deref().unwrap_or("");
                let other_json = if other_custom {
                    custom(other_index).unwrap_or("")
                } else {
                    defaults[other_index].as_ref()
                };
                let message = diag::json_name_conflict(
                    (name, json, is_custom),
                    (other, other_json, other_custom),
                );
                let involves_default = !is_custom || !other_custom;
                let path = child(&m.path, tag::message::FIELD, i);
                if m.features.legacy_json && involves_default {
                    self.warning(&path, Loc::Name, message);
                } else {
                    self.error(&path, Loc::Name, message);
                }
            }
        }
    }

    fn validate_field(&mut self, f: &FieldRef<'a>) {
        self.validate_field_features(f);
        let options = f.field.options.as_ref();
        let edition_2024 = self.syntax == Syntax::Editions
            && self
                .file
                .edition
                .is_some_and(|e| e as i32 >= protoforge::descriptor::Edition::Edition2024 as i32);
        if edition_2024 && options.and_then(|o| o.ctype).is_some() {
            self.error(&f.path(), Loc::Type, diag::ctype_in_edition_2024());
        }
        let lazy = options.and_then(|o| o.lazy).unwrap_or(false);
        let unverified_lazy = options.and_then(|o| o.unverified_lazy).unwrap_or(false);
        if (lazy || unverified_lazy) && field_type(f.field) != Some(Type::Message) {
            self.error(&f.path(), Loc::Type, diag::lazy_on_non_message());
        }
        if unverified_lazy && f.is_extension {
            self.error(&f.path(), Loc::Type, diag::unverified_lazy_extension());
        }
        if options.and_then(|o| o.packed).unwrap_or(false) && !is_packable(f.field) {
            self.error(&f.path(), Loc::Type, diag::packed_on_non_packable());
        }
        let container_is_message_set = if f.is_extension {
            f.field
                .extendee
                .as_deref()
                .and_then(|e| self.find_message(e))
                .is_some_and(|found| self.is_message_set(found.message))
        } else {
            f.parent.is_some_and(|p| self.is_message_set(p))
        };
        if container_is_message_set {
            if f.is_extension {
                if is_required(f.field, f.features)
                    || is_repeated(f.field)
                    || field_type(f.field) != Some(Type::Message)
                {
                    self.error(
                        &f.path(),
                        Loc::Type,
                        diag::message_set_extension_not_optional_message(),
                    );
                }
            } else {
                self.error(&f.path(), Loc::Name, diag::message_set_with_fields());
            }
        }
        if f.is_extension && is_lite(self.file) {
            let extendee_file = f
                .field
                .extendee
                .as_deref()
                .map(|e| e.strip_prefix('.').unwrap_or(e))
                .and_then(|e| self.pool.file_of(e))
                .and_then(|name| self.pool.file(name));
            if extendee_file.is_some_and(|ef| !is_lite(ef)) {
                self.error(&f.path(), Loc::Extendee, diag::lite_extension_of_non_lite());
            }
        }
        self.validate_map_field(f);
        if f.is_extension
            && let Some(json) = &f.field.json_name
            && !is_default_json_name(json, f.field.name.as_deref().unwrap_or(""))
        {
            self.error(&f.path(), Loc::JsonName, diag::json_name_on_extension());
        }
        if f.field
            .json_name
            .as_deref()
            .is_some_and(|j| j.contains('\0'))
        {
            self.error(&f.path(), Loc::JsonName, diag::json_name_with_null());
        }
        if f.is_extension {
            self.check_extension_declaration(f);
        }
    }

    /// The map-field checks of protoc's `ValidateOptions(FieldDescriptor)` and
    /// `ValidateMapEntry`.
    fn validate_map_field(&mut self, f: &FieldRef<'a>) {
        if f.is_extension || field_type(f.field) != Some(Type::Message) {
            return;
        }
        let Some(type_name) = f.field.type_name.as_deref() else {
            return;
        };
        let Some(found) = self.find_message(type_name) else {
            return;
        };
        let entry = found.message;
        if !entry
            .options
            .as_ref()
            .and_then(|o| o.map_entry)
            .unwrap_or(false)
        {
            return;
        }
        let entry_full = type_name.strip_prefix('.').unwrap_or(type_name);
        let name = f.field.name.as_deref().unwrap_or("");
        let expected_entry = format!("{}Entry", to_upper_camel(name));
        let entry_parent = entry_full.rsplit_once('.').map_or("", |(p, _)| p);
        // protoc 35.1 also treats an entry used under another field name, or from another
        // message, as explicitly set `map_entry`.
        let well_formed = is_repeated(f.field)
            && entry.name.as_deref() == Some(expected_entry.as_str())
            && entry_parent == f.parent_name
            && entry.extension.is_empty()
            && entry.extension_range.is_empty()
            && entry.nested_type.is_empty()
            && entry.enum_type.is_empty()
            && entry.field.len() == 2;
        let key = entry.field.first();
        let value = entry.field.get(1);
        let slot_ok =
            |fd: Option<&protoforge::descriptor::FieldDescriptorProto>, n: i32, nm: &str| {
                fd.is_some_and(|fd| {
                    fd.label == Some(Label::Optional)
                        && fd.number == Some(n)
                        && fd.name.as_deref() == Some(nm)
                })
            };
        if !well_formed || !slot_ok(key, 1, "key") || !slot_ok(value, 2, "value") {
            self.error(&f.path(), Loc::Type, diag::explicit_map_entry());
            return;
        }
        let (Some(key), Some(value)) = (key, value) else {
            return;
        };
        match field_type(key) {
            Some(Type::Enum) => self.error(&f.path(), Loc::Type, diag::enum_map_key()),
            Some(Type::Float | Type::Double | Type::Message | Type::Group | Type::Bytes) => {
                self.error(&f.path(), Loc::Type, diag::invalid_map_key_type())
            }
            _ => {}
        }
        if field_type(value) == Some(Type::Enum) {
            let first_is_zero = value
                .type_name
                .as_deref()
                .and_then(|t| self.find_enum(t))
                .and_then(|(e, _)| e.value.first().map(|v| v.number == Some(0)));
            if first_is_zero == Some(false) {
                self.error(&f.path(), Loc::Type, diag::map_value_enum_first_not_zero());
            }
        }
    }

    /// protoc's `ValidateFieldFeatures` (editions files only).
    fn validate_field_features(&mut self, f: &FieldRef<'a>) {
        if self.syntax != Syntax::Editions {
            return;
        }
        let explicit = f.field.options.as_ref().and_then(|o| o.features.as_ref());
        if f.field.options.as_ref().and_then(|o| o.packed).is_some() {
            self.error(&f.path(), Loc::Name, diag::packed_under_editions());
        }
        let in_oneof = !f.is_extension && f.field.oneof_index.is_some();
        let has_presence = !is_repeated(f.field)
            && (is_message_like(f.field)
                || in_oneof
                || f.is_extension
                || f.features.presence != Presence::Implicit);
        if !is_repeated(f.field) && !has_presence {
            if f.field.default_value.is_some() {
                self.error(&f.path(), Loc::Name, diag::default_with_implicit_presence());
            }
            if field_type(f.field) == Some(Type::Enum) {
                let closed = f
                    .field
                    .type_name
                    .as_deref()
                    .and_then(|t| self.find_enum(t))
                    .is_some_and(|(_, closed)| closed);
                if closed {
                    self.error(&f.path(), Loc::Name, diag::implicit_presence_closed_enum());
                }
            }
        }
        if f.is_extension && is_required(f.field, f.features) {
            self.error(&f.path(), Loc::Name, diag::required_extension_feature());
        }
        let parent_is_map_entry = f.parent.is_some_and(|p| {
            !f.is_extension
                && p.options
                    .as_ref()
                    .and_then(|o| o.map_entry)
                    .unwrap_or(false)
        });
        if parent_is_map_entry {
            return;
        }
        let Some(explicit) = explicit else {
            return;
        };
        use protoforge::descriptor::feature_set::{
            FieldPresence, MessageEncoding, RepeatedFieldEncoding,
        };
        if let Some(presence) = explicit.field_presence {
            if in_oneof {
                self.error(&f.path(), Loc::Name, diag::presence_on_oneof_field());
            } else if is_repeated(f.field) {
                self.error(&f.path(), Loc::Name, diag::presence_on_repeated());
            } else if f.is_extension && presence != FieldPresence::LegacyRequired {
                self.error(&f.path(), Loc::Name, diag::presence_on_extension());
            } else if is_message_like(f.field) && presence == FieldPresence::Implicit {
                self.error(&f.path(), Loc::Name, diag::implicit_presence_on_message());
            }
        }
        if !is_repeated(f.field) && explicit.repeated_field_encoding.is_some() {
            self.error(&f.path(), Loc::Name, diag::repeated_encoding_on_singular());
        }
        if field_type(f.field) != Some(Type::String)
            && !self.is_string_map(f)
            && explicit.utf8_validation.is_some()
        {
            self.error(&f.path(), Loc::Name, diag::utf8_validation_on_non_string());
        }
        if !is_packable(f.field)
            && explicit.repeated_field_encoding == Some(RepeatedFieldEncoding::Packed)
        {
            self.error(
                &f.path(),
                Loc::Name,
                diag::packed_encoding_on_non_packable(),
            );
        }
        let _ = MessageEncoding::Delimited;
        if (!is_message_like(f.field) || self.is_map_field(f))
            && explicit.message_encoding.is_some()
        {
            self.error(
                &f.path(),
                Loc::Name,
                diag::message_encoding_on_non_message(),
            );
        }
    }

    /// True for map fields (message fields whose type is a map entry).
    fn is_map_field(&self, f: &FieldRef<'a>) -> bool {
        field_type(f.field) == Some(Type::Message)
            && f.field
                .type_name
                .as_deref()
                .and_then(|t| self.find_message(t))
                .is_some_and(|m| {
                    m.message
                        .options
                        .as_ref()
                        .and_then(|o| o.map_entry)
                        .unwrap_or(false)
                })
    }

    /// True for maps with a string key or value.
    fn is_string_map(&self, f: &FieldRef<'a>) -> bool {
        if !self.is_map_field(f) {
            return false;
        }
        f.field
            .type_name
            .as_deref()
            .and_then(|t| self.find_message(t))
            .is_some_and(|m| {
                m.message
                    .field
                    .iter()
                    .any(|e| field_type(e) == Some(Type::String))
            })
    }

    /// protoc's `ValidateOptions(EnumDescriptor)`: prefix-stripped name conflicts, open enums
    /// starting at zero, aliases without `allow_alias`.
    // protoc still honours the deprecated `deprecated_legacy_json_field_conflicts`.
    #[allow(deprecated)]
    fn validate_enum(&mut self, e: &EnumRef<'a>) {
        let en = e.enum_type;
        let enum_name = en.name.as_deref().unwrap_or("");
        let legacy_json = en
            .options
            .as_ref()
            .and_then(|o| o.deprecated_legacy_json_field_conflicts)
            .unwrap_or(false);
        let mut stripped_names: NameMap<String, (&str, i32)> =
            NameMap::with_capacity_and_hasher(en.value.len(), Default::default());
        for (i, v) in en.value.iter().enumerate() {
            let name = v.name.as_deref().unwrap_or("");
            let number = v.number.unwrap_or(0);
            let stripped = enum_value_pascal_case(strip_enum_prefix(enum_name, name));
            match stripped_names.get(&stripped) {
                None => {
                    stripped_names.insert(stripped, (name, number));
                }
                Some((other, other_number)) if *other != name && *other_number != number => {
                    let message = diag::enum_value_names_conflict(name, other);
                    let path = child(&e.path, tag::enum_::VALUE, i);
                    if legacy_json && self.syntax == Syntax::Proto2 {
                        self.warning(&path, Loc::Name, message);
                    } else {
                        self.error(&path, Loc::Name, message);
                    }
                }
                Some(_) => {}
            }
        }
        if !e.features.closed_enum
            && let Some(first) = en.value.first()
            && first.number.unwrap_or(0) != 0
        {
            let path = child(&e.path, tag::enum_::VALUE, 0);
            self.error(&path, Loc::Number, diag::open_enum_first_not_zero());
        }
        let allow_alias = en
            .options
            .as_ref()
            .and_then(|o| o.allow_alias)
            .unwrap_or(false);
        if !allow_alias {
            // The first value of each number (index into `en.value`).
            let mut used: NameMap<i32, usize> =
                NameMap::with_capacity_and_hasher(en.value.len(), Default::default());
            let scope = e.full_name.rsplit_once('.').map_or("", |(p, _)| p);
            let full_name_of = |v: &protoforge::descriptor::EnumValueDescriptorProto| {
                super::join(scope, v.name.as_deref().unwrap_or(""))
            };
            for (i, v) in en.value.iter().enumerate() {
                let number = v.number.unwrap_or(0);
                if let Some(&first) = used.get(&number) {
                    let full = full_name_of(v);
                    let first = full_name_of(&en.value[first]);
                    let all: std::collections::HashSet<i64> = en
                        .value
                        .iter()
                        .map(|v| i64::from(v.number.unwrap_or(0)))
                        .collect();
                    let mut next = i64::from(number) + 1;
                    while all.contains(&next) {
                        next += 1;
                    }
                    let message = diag::enum_number_taken(
                        &full,
                        &first,
                        (next < i64::from(i32::MAX)).then_some(next),
                    );
                    let path = child(&e.path, tag::enum_::VALUE, i);
                    self.error(&path, Loc::Number, message);
                } else {
                    used.insert(number, i);
                }
            }
        }
    }

    /// protoc's `DetectMapConflicts` (run whatever failed before): a synthesized map entry type whose name clashes with a
    /// nested message, field, enum or oneof of the same message.
    pub(super) fn detect_map_conflicts(&mut self) {
        let messages = self.messages;
        for m in messages {
            let msg = m.message;
            let is_entry = |d: &protoforge::descriptor::DescriptorProto| {
                d.options
                    .as_ref()
                    .and_then(|o| o.map_entry)
                    .unwrap_or(false)
            };
            if !msg.nested_type.iter().any(is_entry) {
                // Only a map entry type can conflict here.
                continue;
            }
            let mut seen: NameMap<&str, bool> = NameMap::default();
            for nested in &msg.nested_type {
                let name = nested.name.as_deref().unwrap_or("");
                match seen.get(name) {
                    Some(&first_entry) if first_entry || is_entry(nested) => {
                        self.error(
                            &m.path,
                            Loc::Name,
                            diag::map_entry_conflicts_with_message(name),
                        );
                        break;
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(name, is_entry(nested));
                    }
                }
            }
            let checks = msg
                .field
                .iter()
                .map(|f| (f.name.as_deref().unwrap_or(""), "field"))
                .chain(
                    msg.enum_type
                        .iter()
                        .map(|e| (e.name.as_deref().unwrap_or(""), "enum type")),
                )
                .chain(
                    msg.oneof_decl
                        .iter()
                        .map(|o| (o.name.as_deref().unwrap_or(""), "oneof type")),
                )
                .collect::<Vec<_>>();
            for (name, what) in checks {
                if seen.get(name) == Some(&true) {
                    self.error(&m.path, Loc::Name, diag::map_entry_conflicts(name, what));
                }
            }
        }
    }
}

/// True for files with `option optimize_for = LITE_RUNTIME;`.
fn is_lite(file: &protoforge::descriptor::FileDescriptorProto) -> bool {
    file.options.as_ref().and_then(|o| o.optimize_for)
        == Some(protoforge::descriptor::file_options::OptimizeMode::LiteRuntime)
}

/// protoc's `PrefixRemover`: drops the enum's name (ignoring case and underscores) from the
/// front of a value name, with the underscores after it; keeps the name when it would become
/// empty or does not start with the prefix.
fn strip_enum_prefix<'v>(enum_name: &str, value: &'v str) -> &'v str {
    let prefix: Vec<u8> = enum_name
        .bytes()
        .filter(|&b| b != b'_')
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let bytes = value.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < bytes.len() && j < prefix.len() {
        if bytes[i] == b'_' {
            i += 1;
            continue;
        }
        if bytes[i].to_ascii_lowercase() != prefix[j] {
            return value;
        }
        j += 1;
        i += 1;
    }
    if j < prefix.len() {
        return value;
    }
    while i < bytes.len() && bytes[i] == b'_' {
        i += 1;
    }
    if i == bytes.len() {
        return value;
    }
    &value[i..]
}

/// protoc's `ToJsonName` without allocating when the name has no underscore (the name is
/// then its own JSON name).
fn json_name_of(name: &str) -> Cow<'_, str> {
    if name.contains('_') {
        Cow::Owned(to_json_name(name))
    } else {
        Cow::Borrowed(name)
    }
}

/// True when `json` is protoc's default JSON name for `name` (what [`to_json_name`] returns),
/// compared without building that name.
fn is_default_json_name(json: &str, name: &str) -> bool {
    let mut expected = json.chars();
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
            continue;
        }
        let c = if upper_next {
            c.to_ascii_uppercase()
        } else {
            c
        };
        upper_next = false;
        if expected.next() != Some(c) {
            return false;
        }
    }
    expected.next().is_none()
}

/// protoc's `EnumValueToPascalCase`: `FOO_BAR` -> `FooBar`.
fn enum_value_pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper_next = true;
    for c in s.chars() {
        if c == '_' {
            upper_next = true;
        } else {
            if upper_next {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c.to_ascii_lowercase());
            }
            upper_next = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_prefix_is_stripped_like_protoc() {
        assert_eq!(strip_enum_prefix("Color", "COLOR_RED"), "RED");
        assert_eq!(strip_enum_prefix("FooBar", "FOO_BAR_BAZ"), "BAZ");
        assert_eq!(strip_enum_prefix("Color", "COLOR"), "COLOR");
        assert_eq!(strip_enum_prefix("Color", "RED"), "RED");
        assert_eq!(enum_value_pascal_case("FOO_BAR"), "FooBar");
        assert_eq!(enum_value_pascal_case("foo_bar"), "FooBar");
    }

    #[test]
    fn default_json_names_are_recognized_without_building_them() {
        for name in ["foo", "foo_bar", "foo__bar_", "_x", "a_1b", "Foo_Bar", ""] {
            assert!(is_default_json_name(&to_json_name(name), name), "{name}");
        }
        assert!(!is_default_json_name("foo_bar", "foo_bar"));
        assert!(!is_default_json_name("fooBa", "foo_bar"));
        assert!(!is_default_json_name("fooBarX", "foo_bar"));
        assert!(!is_default_json_name("FooBar", "foo_bar"));
    }
}
