//! The checks protoc makes while building and cross-linking descriptors: names too long and
//! names already taken (found while adding the file's symbols, reported here where protoc's
//! build reports them), field numbers, reserved and extension ranges, reserved names, enum
//! reserved ranges, extension numbers against the extendee's ranges, duplicate field and
//! extension numbers, the "Suggested field numbers" hint, and (from protoc's command line) the
//! numbers reserved for the implementation.

use std::collections::BTreeSet;

use protoforge::descriptor::field_descriptor_proto::Label;

use super::diagnostics as diag;
use super::{
    Checker, EnumRef, FIRST_RESERVED_NUMBER, FieldRef, Hint, LAST_RESERVED_NUMBER, Loc,
    MAX_FIELD_NUMBER, MessageRef, child, is_repeated,
};
use crate::span_map::{NameMap, NameSet};
use crate::tag;

impl<'a> Checker<'a> {
    /// protoc's `BuildFile` checks, in its order: the package's clash with another symbol,
    /// each top-level message (its oneofs, fields, nested enums, extension ranges,
    /// extensions, reserved ranges, nested messages, then the message-wide range checks),
    /// then top-level enums, then services (each with its methods), then top-level
    /// extensions. An element's name is checked first, its clash with an earlier symbol is
    /// reported once its members are built, as protoc adds it then.
    pub(super) fn build_phase(&mut self) {
        self.symbol_added(&[tag::file::PACKAGE], Loc::Element);
        let messages = self.messages;
        for (i, _) in messages.iter().enumerate().filter(|(_, m)| m.top_level) {
            self.build_message(i);
        }
        let enums = self.enums;
        for e in enums.iter().filter(|e| e.path.len() == 2) {
            self.build_enum(e);
        }
        self.build_services();
        for f in self.file_extensions() {
            self.build_field(&f, None);
        }
    }

    /// protoc's `BuildService` and `BuildMethod`: the names of each service and its methods.
    fn build_services(&mut self) {
        let file = self.file;
        for (i, service) in file.service.iter().enumerate() {
            let path = vec![tag::file::SERVICE, i as i32];
            self.name_too_long(&path, Loc::Name);
            for j in 0..service.method.len() {
                if self.names.is_empty() {
                    break;
                }
                let method = child(&path, tag::service::METHOD, j);
                self.name_too_long(&method, Loc::Name);
                self.symbol_added(&method, Loc::Name);
            }
            self.symbol_added(&path, Loc::Name);
        }
    }

    /// protoc's "Name too long." for the element at `path`, if its names are (protoc goes on
    /// with the element named `unknown`).
    fn name_too_long(&mut self, path: &[i32], loc: Loc) {
        if self.names.too_long(path) {
            self.error(path, loc, diag::name_too_long());
        }
    }

    /// What protoc reports when it adds the symbol of the element at `path`: that its name is
    /// already defined and, for an enum value, the note on C++ scoping.
    fn symbol_added(&mut self, path: &[i32], loc: Loc) {
        let Some(conflict) = self.names.conflict(path) else {
            return;
        };
        let first = conflict
            .first
            .as_deref()
            .and_then(|first| self.span_of(first, Loc::Name));
        if let Some(message) = &conflict.message {
            match (first, self.span_of(path, loc)) {
                (Some(first), Some(span)) => self.diags.push(
                    protoforge_parse::Diagnostic::error(span, message.clone())
                        .with_label(first, "first defined here"),
                ),
                _ => self.error(path, loc, message.clone()),
            }
        }
        if let Some(note) = &conflict.note {
            self.error(path, loc, note.clone());
        }
    }

    fn build_message(&mut self, index: usize) {
        let (messages, enums) = (self.messages, self.enums);
        let m = &messages[index];
        let msg = m.message;
        self.name_too_long(&m.path, Loc::Name);
        // Oneofs are built first. protoc reports a oneof's name without a position.
        for i in 0..msg.oneof_decl.len() {
            if self.names.is_empty() {
                break;
            }
            let path = child(&m.path, tag::message::ONEOF_DECL, i);
            self.name_too_long(&path, Loc::Nowhere);
            self.symbol_added(&path, Loc::Nowhere);
        }
        for f in m.fields() {
            self.build_field(&f, Some(m));
        }
        for &e in &m.nested_enums {
            self.build_enum(&enums[e]);
        }
        for (i, r) in msg.extension_range.iter().enumerate() {
            let path = child(&m.path, tag::message::EXTENSION_RANGE, i);
            let (start, end) = (r.start.unwrap_or(0), r.end.unwrap_or(0));
            if start <= 0 {
                self.request_hint(m, &path, i64::from(start), i64::from(end));
                self.error(&path, Loc::Element, diag::extension_number_not_positive());
            }
            if start >= end {
                self.error(
                    &path,
                    Loc::Element,
                    diag::extension_range_end_before_start(),
                );
            }
        }
        for f in m.extensions() {
            self.build_field(&f, Some(m));
        }
        for (i, r) in msg.reserved_range.iter().enumerate() {
            let path = child(&m.path, tag::message::RESERVED_RANGE, i);
            let (start, end) = (r.start.unwrap_or(0), r.end.unwrap_or(0));
            if start <= 0 {
                self.request_hint(m, &path, i64::from(start), i64::from(end));
                self.error(&path, Loc::Element, diag::reserved_number_not_positive());
            }
            if start >= end {
                self.error(&path, Loc::Element, diag::reserved_range_end_before_start());
            }
        }
        for &j in &m.nested {
            self.build_message(j);
        }
        for name in &msg.reserved_name {
            if name.len() > MAX_RESERVED_NAME_LENGTH {
                self.error(&m.path, Loc::Name, diag::reserved_name_too_long());
            }
        }
        self.symbol_added(&m.path, Loc::Name);

        let ranges: Vec<(i32, i32)> = msg
            .reserved_range
            .iter()
            .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0)))
            .collect();
        for (i, &(s1, e1)) in ranges.iter().enumerate() {
            for &(s2, e2) in &ranges[i + 1..] {
                if e1 > s2 && e2 > s1 {
                    let path = child(&m.path, tag::message::RESERVED_RANGE, i);
                    self.error(
                        &path,
                        Loc::Element,
                        diag::reserved_ranges_overlap(s2, e2 - 1, s1, e1 - 1),
                    );
                }
            }
        }
        let mut reserved_names = NameSet::default();
        for name in &msg.reserved_name {
            if !reserved_names.insert(name.as_str()) {
                self.error(&m.path, Loc::Name, diag::field_name_reserved_twice(name));
            }
        }
        if msg.field.len() > MAX_FIELDS_PER_MESSAGE {
            // protoc records no position for this one.
            self.file_error(diag::too_many_fields(
                msg.field.len(),
                &m.full_name,
                MAX_FIELDS_PER_MESSAGE,
            ));
        }
        let ext_ranges: Vec<(i32, i32)> = msg
            .extension_range
            .iter()
            .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0)))
            .collect();
        for f in m.fields() {
            let number = f.field.number.unwrap_or(0);
            let name = f.name();
            for (j, &(s, e)) in ext_ranges.iter().enumerate() {
                if s <= number && number < e {
                    let path = child(&m.path, tag::message::EXTENSION_RANGE, j);
                    self.request_hint(m, &path, 0, 1);
                    self.error(
                        &path,
                        Loc::Element,
                        diag::extension_range_includes_field(s, e - 1, name, number),
                    );
                }
            }
            for (j, &(s, e)) in ranges.iter().enumerate() {
                if s <= number && number < e {
                    let path = child(&m.path, tag::message::RESERVED_RANGE, j);
                    self.request_hint(m, &path, 0, 1);
                    self.error(
                        &path,
                        Loc::Element,
                        diag::field_uses_reserved_number(name, number),
                    );
                }
            }
            if reserved_names.contains(name) {
                self.error(&f.path(), Loc::Name, diag::field_name_reserved(name));
            }
        }
        for (i, &(s1, e1)) in ext_ranges.iter().enumerate() {
            let path = child(&m.path, tag::message::EXTENSION_RANGE, i);
            for &(s2, e2) in &ranges {
                if e1 > s2 && e2 > s1 {
                    self.error(
                        &path,
                        Loc::Element,
                        diag::extension_range_overlaps_reserved(s1, e1 - 1, s2, e2 - 1),
                    );
                }
            }
            for &(s2, e2) in &ext_ranges[i + 1..] {
                if e1 > s2 && e2 > s1 {
                    self.error(
                        &path,
                        Loc::Element,
                        diag::extension_ranges_overlap(s2, e2 - 1, s1, e1 - 1),
                    );
                }
            }
        }
    }

    /// protoc's `BuildFieldOrExtension` checks. `hint_owner` is the enclosing message (the
    /// extension scope for extensions), which collects the number suggestions.
    fn build_field(&mut self, f: &FieldRef<'a>, hint_owner: Option<&MessageRef<'a>>) {
        // Paths are built only when there is something to report.
        let report_names = !self.names.is_empty();
        if report_names {
            self.name_too_long(&f.path(), Loc::Name);
        }
        let number = f.field.number.unwrap_or(0);
        if number <= 0 {
            let path = f.path();
            if let Some(m) = hint_owner {
                self.request_hint(m, &path, 0, 1);
                self.set_hint_location(m, &path, Loc::Number);
            }
            self.error(&path, Loc::Number, diag::field_number_not_positive());
        } else if !f.is_extension && number > MAX_FIELD_NUMBER {
            let path = f.path();
            if let Some(m) = hint_owner {
                self.request_hint(m, &path, 0, 1);
                self.set_hint_location(m, &path, Loc::Number);
            }
            self.error(
                &path,
                Loc::Number,
                diag::field_number_too_large(MAX_FIELD_NUMBER),
            );
        }
        if f.field.proto3_optional == Some(true) && self.syntax != super::Syntax::Proto3 {
            self.error(
                &f.path(),
                Loc::Type,
                diag::proto3_optional_outside_proto3(&f.full_name()),
            );
        }
        if f.is_extension && f.field.label == Some(Label::Required) {
            self.error(
                &f.path(),
                Loc::Type,
                diag::required_extension(&f.full_name()),
            );
        }
        if f.field.default_value.is_some() && is_repeated(f.field) {
            self.error(&f.path(), Loc::Default, diag::default_on_repeated());
        }
        if report_names {
            self.symbol_added(&f.path(), Loc::Name);
        }
    }

    /// protoc's `BuildEnum` checks.
    fn build_enum(&mut self, e: &EnumRef<'a>) {
        let en = e.enum_type;
        self.name_too_long(&e.path, Loc::Name);
        if en.value.is_empty() {
            self.error(&e.path, Loc::Name, diag::empty_enum());
        }
        for i in 0..en.value.len() {
            if self.names.is_empty() {
                break;
            }
            let path = child(&e.path, tag::enum_::VALUE, i);
            self.name_too_long(&path, Loc::Name);
            self.symbol_added(&path, Loc::Name);
        }
        let ranges: Vec<(i32, i32)> = en
            .reserved_range
            .iter()
            .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0)))
            .collect();
        for (i, &(s, end)) in ranges.iter().enumerate() {
            if s > end {
                let path = child(&e.path, tag::enum_::RESERVED_RANGE, i);
                self.error(&path, Loc::Element, diag::reserved_range_end_before_start());
            }
        }
        for name in &en.reserved_name {
            if name.len() > MAX_RESERVED_NAME_LENGTH {
                self.error(&e.path, Loc::Name, diag::reserved_name_too_long());
            }
        }
        self.symbol_added(&e.path, Loc::Name);
        for (i, &(s1, e1)) in ranges.iter().enumerate() {
            for &(s2, e2) in &ranges[i + 1..] {
                if e1 >= s2 && e2 >= s1 {
                    let path = child(&e.path, tag::enum_::RESERVED_RANGE, i);
                    self.error(
                        &path,
                        Loc::Element,
                        diag::reserved_ranges_overlap(s2, e2, s1, e1),
                    );
                }
            }
        }
        let mut reserved_names = NameSet::default();
        for name in &en.reserved_name {
            if !reserved_names.insert(name.as_str()) {
                self.error(
                    &e.path,
                    Loc::Name,
                    diag::enum_value_name_reserved_twice(name),
                );
            }
        }
        for (i, v) in en.value.iter().enumerate() {
            let number = v.number.unwrap_or(0);
            let name = v.name.as_deref().unwrap_or("");
            for (j, &(s, end)) in ranges.iter().enumerate() {
                if s <= number && number <= end {
                    let path = child(&e.path, tag::enum_::RESERVED_RANGE, j);
                    self.error(
                        &path,
                        Loc::Element,
                        diag::enum_value_uses_reserved_number(name, number),
                    );
                }
            }
            if reserved_names.contains(name) {
                let path = child(&e.path, tag::enum_::VALUE, i);
                self.error(&path, Loc::Name, diag::enum_value_name_reserved(name));
            }
        }
    }

    /// protoc's `CrossLinkFile` checks: messages (nested first, then fields, then extensions,
    /// then oneofs), top-level extensions.
    pub(super) fn cross_link_phase(&mut self) {
        // Field numbers used per extendee by extensions of this file: (extendee, number) ->
        // extension full name.
        let mut extension_numbers: NameMap<(&'a str, i32), String> = NameMap::default();
        let messages = self.messages;
        for (i, _) in messages.iter().enumerate().filter(|(_, m)| m.top_level) {
            self.cross_link_message(i, &mut extension_numbers);
        }
        for f in self.file_extensions() {
            self.cross_link_field(&f, &mut extension_numbers, None);
        }
    }

    fn cross_link_message(
        &mut self,
        index: usize,
        extension_numbers: &mut NameMap<(&'a str, i32), String>,
    ) {
        let messages = self.messages;
        let m = &messages[index];
        for &j in &m.nested {
            self.cross_link_message(j, extension_numbers);
        }
        let mut numbers: NameMap<i32, &'a str> =
            NameMap::with_capacity_and_hasher(m.message.field.len(), Default::default());
        // protoc finds the fields numbered 1, 2, 3, ... from the first one on by position, not
        // through its number table (see `cross_link_field`).
        let sequential = m
            .message
            .field
            .iter()
            .zip(1..)
            .take_while(|(f, n)| f.number == Some(*n))
            .count();
        for f in m.fields() {
            self.cross_link_field(&f, extension_numbers, Some((m, &mut numbers, sequential)));
        }
        for f in m.extensions() {
            self.cross_link_field(&f, extension_numbers, None);
        }
        self.check_oneofs(m);
    }

    /// The checks of protoc's `CrossLinkField` that need the linked type: extension numbers
    /// against the extendee and duplicate numbers (default values are checked by linking).
    fn cross_link_field(
        &mut self,
        f: &FieldRef<'a>,
        extension_numbers: &mut NameMap<(&'a str, i32), String>,
        owner: Option<(&MessageRef<'a>, &mut NameMap<i32, &'a str>, usize)>,
    ) {
        let number = f.field.number.unwrap_or(0);
        let path = f.path();
        let mut extendee_name = None;
        if f.is_extension {
            let Some(extendee) = f.field.extendee.as_deref() else {
                self.report_linked(&path);
                return;
            };
            let name = extendee.strip_prefix('.').unwrap_or(extendee);
            let Some(found) = self.find_message(name) else {
                // Not linked (an error reported by linking); nothing more to check.
                self.report_linked(&path);
                return;
            };
            let in_range = found
                .message
                .extension_range
                .iter()
                .any(|r| r.start.unwrap_or(0) <= number && number < r.end.unwrap_or(0));
            if !in_range {
                self.error(
                    &f.path(),
                    Loc::Number,
                    diag::not_an_extension_number(name, number),
                );
            }
            extendee_name = Some(name);
        }
        // The extendee's and the type's errors (protoc resolves the type after checking the
        // extension number against the extendee).
        self.report_linked(&path);
        if super::unresolved_type(f.field) {
            // protoc reported the type (as linking did here) and left the field out of its
            // number table, so the field clashes with no later one.
            return;
        }
        if let Some(extendee) = extendee_name {
            let key = (extendee, number);
            if let Some(first) = extension_numbers.get(&key) {
                self.error(
                    &f.path(),
                    Loc::Number,
                    diag::extension_number_taken(number, extendee, first),
                );
            } else {
                let other = self
                    .pool
                    .extensions_of(extendee)
                    .into_iter()
                    .find(|(name, ext)| {
                        ext.number == Some(number)
                            && self.pool.file_of(name) != Some(&self.file_name)
                    })
                    .map(|(name, _)| {
                        (
                            name.to_string(),
                            self.pool.file_of(name).unwrap_or("").to_string(),
                        )
                    });
                if let Some((name, file)) = other {
                    self.warning(
                        &f.path(),
                        Loc::Number,
                        diag::extension_number_taken_elsewhere(number, extendee, &name, &file),
                    );
                }
                extension_numbers.insert(key, f.full_name());
            }
        } else if let Some((m, numbers, sequential)) = owner {
            let name = f.name();
            // Numbers 1..=sequential belong to the fields at those positions (whether or not
            // their types resolved); a later field with such a number clashes with that one.
            // Other numbers go through the table of fields checked so far.
            let in_sequence = usize::try_from(number)
                .ok()
                .filter(|n| (1..=sequential).contains(n));
            let first = match in_sequence {
                Some(n) if f.index == n - 1 => None,
                Some(n) => m.fields().nth(n - 1).map(|g| g.name()),
                None => match numbers.get(&number).copied() {
                    Some(first) => Some(first),
                    None => {
                        numbers.insert(number, name);
                        None
                    }
                },
            };
            if let Some(first) = first {
                let next = next_available_number(m);
                let next = (next <= i64::from(MAX_FIELD_NUMBER)).then_some(next);
                self.error(
                    &f.path(),
                    Loc::Number,
                    diag::field_number_taken(number, &m.full_name, first, next),
                );
            }
        }
    }

    /// protoc's oneof checks after cross-linking: fields of a oneof are consecutive, no oneof
    /// is empty, proto3 optional fields sit in a synthetic oneof, synthetic oneofs come last.
    fn check_oneofs(&mut self, m: &'a MessageRef<'a>) {
        let msg = m.message;
        if msg.oneof_decl.is_empty() && !msg.field.iter().any(|f| f.proto3_optional == Some(true)) {
            // No oneofs and no proto3 optional fields: nothing below can fail.
            return;
        }
        let plain: Vec<FieldRef<'a>> = m.fields().collect();
        let mut counts = vec![0usize; msg.oneof_decl.len()];
        for (i, f) in plain.iter().enumerate() {
            let Some(o) = f.field.oneof_index.and_then(|o| usize::try_from(o).ok()) else {
                continue;
            };
            let Some(count) = counts.get_mut(o) else {
                continue;
            };
            if *count > 0 && i > 0 && plain[i - 1].field.oneof_index != f.field.oneof_index {
                let prev = &plain[i - 1];
                let oneof_name = if m.long_member(tag::message::ONEOF_DECL, o) {
                    "unknown"
                } else {
                    msg.oneof_decl[o].name.as_deref().unwrap_or("")
                };
                self.error(
                    &prev.path(),
                    Loc::Type,
                    diag::oneof_not_consecutive(prev.name(), oneof_name),
                );
            }
            *count += 1;
        }
        for (i, count) in counts.iter().enumerate() {
            if *count == 0 {
                let path = child(&m.path, tag::message::ONEOF_DECL, i);
                self.error(&path, Loc::Name, diag::empty_oneof());
            }
        }
        // A oneof is synthetic when its only field is a proto3 `optional` field.
        let mut synthetic = vec![false; msg.oneof_decl.len()];
        for f in &plain {
            if let Some(o) = f.field.oneof_index.and_then(|o| usize::try_from(o).ok())
                && let Some(&count) = counts.get(o)
            {
                synthetic[o] = count == 1 && f.field.proto3_optional == Some(true);
            }
        }
        for f in &plain {
            if f.field.proto3_optional != Some(true) {
                continue;
            }
            let in_synthetic = f
                .field
                .oneof_index
                .and_then(|o| synthetic.get(usize::try_from(o).ok()?))
                .copied()
                .unwrap_or(false);
            if !in_synthetic {
                self.error(
                    &f.path(),
                    Loc::Nowhere,
                    diag::proto3_optional_outside_synthetic_oneof(),
                );
            }
        }
        let mut seen_synthetic = false;
        for (i, is_synthetic) in synthetic.iter().enumerate() {
            if *is_synthetic {
                seen_synthetic = true;
            } else if seen_synthetic {
                let path = child(&m.path, tag::message::ONEOF_DECL, i);
                self.error(&path, Loc::Nowhere, diag::synthetic_oneof_not_last());
            }
        }
    }

    /// Records that `m` should get field-number suggestions (protoc's `MessageHints`).
    fn request_hint(&mut self, m: &MessageRef<'a>, reason: &[i32], start: i64, end: i64) {
        let fit = |v: i64| v.clamp(0, i64::from(MAX_FIELD_NUMBER));
        let entry = match self.hints.iter().position(|(p, _)| p == &m.path) {
            Some(i) => &mut self.hints[i].1,
            None => {
                self.hints.push((m.path.clone(), Hint::default()));
                let last = self.hints.len() - 1;
                &mut self.hints[last].1
            }
        };
        entry.fields_to_suggest = fit(entry.fields_to_suggest + fit(fit(end) - fit(start)));
        if entry.first_reason.is_none() {
            entry.first_reason = Some((reason.to_vec(), Loc::Element));
        }
    }

    /// Refines the location of the first hint reason when it was a field number.
    fn set_hint_location(&mut self, m: &MessageRef<'a>, reason: &[i32], loc: Loc) {
        if let Some((_, hint)) = self.hints.iter_mut().find(|(p, _)| p == &m.path)
            && let Some((path, l)) = &mut hint.first_reason
            && path == reason
        {
            *l = loc;
        }
    }

    /// protoc's `SuggestFieldNumbers`: for each top-level message with field-number errors,
    /// the first free numbers (at most three).
    pub(super) fn suggest_field_numbers(&mut self) {
        let hints = std::mem::take(&mut self.hints);
        let messages = self.messages;
        for m in messages.iter().filter(|m| m.top_level) {
            let Some((_, hint)) = hints.iter().find(|(p, _)| p == &m.path) else {
                continue;
            };
            let mut to_suggest = hint.fields_to_suggest.min(3);
            if to_suggest <= 0 {
                continue;
            }
            let Some((reason, loc)) = hint.first_reason.clone() else {
                continue;
            };
            let max = i64::from(MAX_FIELD_NUMBER);
            let mut used: Vec<(i64, i64)> = Vec::new();
            let add_ordinal = |used: &mut Vec<(i64, i64)>, n: i64| {
                if n <= 0 || n > max {
                    return;
                }
                match used.last_mut() {
                    Some(last) if last.1 == n => last.1 = n + 1,
                    _ => used.push((n, n + 1)),
                }
            };
            for f in &m.message.field {
                add_ordinal(&mut used, i64::from(f.number.unwrap_or(0)));
            }
            for f in &m.message.extension {
                add_ordinal(&mut used, i64::from(f.number.unwrap_or(0)));
            }
            let add_range = |used: &mut Vec<(i64, i64)>, from: i64, to: i64| {
                let from = from.clamp(0, max + 1);
                let to = to.clamp(0, max + 1);
                if from < to {
                    used.push((from, to));
                }
            };
            for r in &m.message.reserved_range {
                add_range(
                    &mut used,
                    i64::from(r.start.unwrap_or(0)),
                    i64::from(r.end.unwrap_or(0)),
                );
            }
            for r in &m.message.extension_range {
                add_range(
                    &mut used,
                    i64::from(r.start.unwrap_or(0)),
                    i64::from(r.end.unwrap_or(0)),
                );
            }
            used.push((max, max + 1));
            used.push((
                i64::from(FIRST_RESERVED_NUMBER),
                i64::from(LAST_RESERVED_NUMBER),
            ));
            used.sort();
            let mut current = 1i64;
            let mut list = Vec::new();
            for &(from, to) in &used {
                while current < from && to_suggest > 0 {
                    list.push(current.to_string());
                    current += 1;
                    to_suggest -= 1;
                }
                if to_suggest == 0 {
                    break;
                }
                current = current.max(to);
            }
            self.error(
                &reason,
                loc,
                diag::suggested_field_numbers(&m.full_name, &list),
            );
        }
    }

    /// protoc's command line rejects field numbers 19000 to 19999 after building every file.
    pub(super) fn implementation_reserved_numbers(&mut self) {
        for f in self.all_fields() {
            let n = f.field.number.unwrap_or(0);
            if (FIRST_RESERVED_NUMBER..=LAST_RESERVED_NUMBER).contains(&n) {
                self.error(
                    &f.path(),
                    Loc::Number,
                    diag::implementation_reserved_number(
                        FIRST_RESERVED_NUMBER,
                        LAST_RESERVED_NUMBER,
                    ),
                );
            }
        }
    }
}

/// The most fields a message may have.
const MAX_FIELDS_PER_MESSAGE: usize = 65_535;

/// The longest reserved name protoc stores (its lengths are 16-bit).
const MAX_RESERVED_NAME_LENGTH: usize = u16::MAX as usize;

/// The number protoc proposes after a duplicate field number: one past the run of used
/// numbers (fields, extension ranges, reserved ranges) that starts at 1.
fn next_available_number(m: &MessageRef<'_>) -> i64 {
    let mut used: BTreeSet<(i64, i64)> = BTreeSet::new();
    for f in &m.message.field {
        let n = i64::from(f.number.unwrap_or(0));
        used.insert((n, n));
    }
    for r in &m.message.extension_range {
        used.insert((
            i64::from(r.start.unwrap_or(0)),
            i64::from(r.end.unwrap_or(0)) - 1,
        ));
    }
    for r in &m.message.reserved_range {
        used.insert((
            i64::from(r.start.unwrap_or(0)),
            i64::from(r.end.unwrap_or(0)) - 1,
        ));
    }
    let mut proposed = 1i64;
    for (start, end) in used {
        if start <= proposed && proposed <= end {
            proposed = end + 1;
        } else {
            break;
        }
    }
    proposed
}
