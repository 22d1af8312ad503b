//! The rules of one field: what a field is (`FieldInfo`), how findings on its rules are
//! worded and placed (`Adder`), which rule kinds apply to its type, and the dispatch to the
//! checks of each kind.

use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};

use super::cel::{cel_ids, empty_expressions};
use super::collections::{map_rules, repeated_rules};
use super::quote::go_quote;
use super::values::{bytes_rules, nans, numeric, only_const, string_rules, timestamp_rules};
use super::wire::{Msg, Scalar, Types};
use super::{
    BYTES, CEL, CEL_EXPRESSION, DURATION, FIELD_MASK, IGNORE, IGNORE_ALWAYS, IGNORE_IF_ZERO_VALUE,
    MAP, REPEATED, REQUIRED, STRING, TIMESTAMP,
};

/// What the checks need to know of a field (or of a map entry's key or value).
pub(super) struct FieldInfo<'a> {
    pub(super) d: &'a FieldDescriptorProto,
    pub(super) is_extension: bool,
    pub(super) oneof: Option<&'a str>,
    pub(super) has_presence: bool,
    pub(super) map_entry: Option<&'a DescriptorProto>,
}

impl<'a> FieldInfo<'a> {
    pub(super) fn new(
        d: &'a FieldDescriptorProto,
        parent: Option<&'a DescriptorProto>,
        types: &Types<'a>,
        syntax: Option<&str>,
        editions: bool,
    ) -> FieldInfo<'a> {
        let is_message = matches!(d.r#type, Some(Type::Message | Type::Group));
        let is_extension = d.extendee.is_some();
        let map_entry = (d.label == Some(Label::Repeated) && is_message)
            .then(|| types.get(d.type_name.as_deref().unwrap_or("")))
            .flatten()
            .filter(|m| m.options.as_ref().and_then(|o| o.map_entry) == Some(true));
        let real_oneof = d
            .oneof_index
            .filter(|_| !d.proto3_optional.unwrap_or(false));
        let oneof = real_oneof
            .zip(parent)
            .and_then(|(i, p)| p.oneof_decl.get(usize::try_from(i).ok()?))
            .and_then(|o| o.name.as_deref());
        let implicit = if editions {
            d.options
                .as_ref()
                .and_then(|o| o.features.as_ref())
                .and_then(|f| f.field_presence)
                .is_some_and(|p| p as i32 == 2)
        } else {
            syntax == Some("proto3")
        };
        let has_presence = d.label != Some(Label::Repeated)
            && (is_message
                || is_extension
                || d.oneof_index.is_some()
                || d.label == Some(Label::Required)
                || !implicit);
        FieldInfo {
            d,
            is_extension,
            oneof,
            has_presence,
            map_entry,
        }
    }

    fn is_map(&self) -> bool {
        self.map_entry.is_some()
    }

    pub(super) fn is_list(&self) -> bool {
        self.d.label == Some(Label::Repeated) && !self.is_map()
    }

    pub(super) fn message_name(&self) -> Option<&'a str> {
        matches!(self.d.r#type, Some(Type::Message | Type::Group)).then(|| {
            self.d
                .type_name
                .as_deref()
                .unwrap_or("")
                .trim_start_matches('.')
        })
    }
}

/// The name, pretty type name and rule-path prefix a finding is worded with.
pub(super) struct Adder<'a, 't> {
    pub(super) name: &'a str,
    pub(super) pretty: String,
    pub(super) base: Vec<i32>,
    pub(super) field_rules: &'a DescriptorProto,
    pub(super) types: &'t Types<'a>,
}

pub(super) type Sink<'s> = dyn FnMut(&[i32], String) + 's;

impl Adder<'_, '_> {
    pub(super) fn with_base(&self, base: &[i32]) -> Adder<'_, '_> {
        Adder {
            name: self.name,
            pretty: self.pretty.clone(),
            base: base.to_vec(),
            field_rules: self.field_rules,
            types: self.types,
        }
    }

    pub(super) fn path(&self, extra: &[i32]) -> Vec<i32> {
        [self.base.as_slice(), extra].concat()
    }

    /// `(buf.validate.field).a.b` for the base path plus `extra`.
    pub(super) fn rule(&self, extra: &[i32]) -> String {
        let mut name = String::from("(buf.validate.field)");
        let mut desc = Some(self.field_rules);
        for n in self.path(extra) {
            let Some(f) = desc.and_then(|d| d.field.iter().find(|f| f.number == Some(n))) else {
                return name;
            };
            name.push('.');
            name.push_str(f.name.as_deref().unwrap_or(""));
            if !matches!(f.r#type, Some(Type::Message | Type::Group)) {
                return name;
            }
            desc = self.types.get(f.type_name.as_deref().unwrap_or(""));
        }
        name
    }

    pub(super) fn field(&self) -> String {
        format!("Field {}", go_quote(self.name))
    }

    pub(super) fn add(&self, sink: &mut Sink<'_>, extra: &[i32], message: String) {
        sink(&self.path(extra), message);
    }

    /// One finding at each of `extras`, once per distinct location (buf deduplicates them;
    /// findings at the same place with the same message are deduplicated later anyway).
    pub(super) fn add_all(&self, sink: &mut Sink<'_>, extras: &[&[i32]], message: &str) {
        for e in extras {
            self.add(sink, e, message.to_string());
        }
    }
}

pub(super) fn check_rules(
    a: &Adder<'_, '_>,
    rules: &Msg<'_>,
    fd: &FieldInfo<'_>,
    expect_repeated: bool,
    sink: &mut Sink<'_>,
) {
    let field = a.field();
    let required = rules.flag(REQUIRED as u32);
    let ignore = match rules.scalar(IGNORE as u32) {
        Some(Scalar::Int(i)) => i,
        _ => 0,
    };
    if fd.is_extension {
        if required {
            let r = a.rule(&[REQUIRED]);
            a.add(
                sink,
                &[REQUIRED],
                format!("{field} is an extension field and cannot have {r}."),
            );
        }
        if ignore == IGNORE_IF_ZERO_VALUE {
            let r = a.rule(&[IGNORE]);
            a.add(
                sink,
                &[IGNORE],
                format!("{field} is an extension field and cannot have {r}=IGNORE_IF_ZERO_VALUE."),
            );
        }
    }
    if let Some(oneof) = fd.oneof.filter(|_| required) {
        let r = a.rule(&[REQUIRED]);
        a.add(
            sink,
            &[REQUIRED],
            format!("{field} has {r} but is in a oneof ({oneof}). Oneof fields must not have {r}."),
        );
    }
    // Field flags.
    let present = rules.present();
    if ignore == IGNORE_ALWAYS && present.len() > 1 {
        let r = a.rule(&[IGNORE]);
        let all = a.rule(&[]);
        a.add(
            sink,
            &[IGNORE],
            format!("{field} has {r}=IGNORE_ALWAYS and therefore other rules in {all} are not applied and should be removed."),
        );
    }
    if required && ignore == IGNORE_IF_ZERO_VALUE {
        let (r, i) = (a.rule(&[REQUIRED]), a.rule(&[IGNORE]));
        a.add_all(
            sink,
            &[&[REQUIRED], &[IGNORE]],
            &format!("{field} has both {r} and {i}=IGNORE_IF_ZERO_VALUE. A field cannot be empty if it is required."),
        );
    }
    if ignore == IGNORE_IF_ZERO_VALUE && fd.has_presence && !fd.is_extension {
        let r = a.rule(&[IGNORE]);
        a.add(
            sink,
            &[IGNORE],
            format!("{field} has {r}=IGNORE_IF_ZERO_VALUE and tracks presence. This is the same as the default and the ignore option can be removed."),
        );
    }
    // CEL rules: only what needs no CEL engine.
    let cel_name = a.rule(&[CEL]);
    let parent = format!("field {}", go_quote(a.name));
    cel_ids(
        &rules.messages(CEL as u32, a.types),
        &parent,
        &field,
        &cel_name,
        &mut |i, m| a.add(sink, &[CEL, i], m),
    );
    empty_expressions(
        &rules.strings(CEL_EXPRESSION as u32),
        &field,
        &a.rule(&[CEL_EXPRESSION]),
        &mut |i, m| a.add(sink, &[CEL_EXPRESSION, i], m),
    );
    // The type rules: the member of the `type` oneof that is set.
    let type_oneof = a
        .field_rules
        .oneof_decl
        .iter()
        .position(|o| o.name.as_deref() == Some("type"));
    let Some(kind) = present.iter().copied().find(|n| {
        rules
            .field(*n)
            .and_then(|f| f.oneof_index)
            .and_then(|i| usize::try_from(i).ok())
            == type_oneof
            && type_oneof.is_some()
    }) else {
        return;
    };
    let kind = kind as i32;
    let Some(typed) = rules.message(kind as u32, a.types) else {
        return;
    };
    if kind == MAP {
        return map_rules(a, &typed, fd, sink);
    }
    if kind == REPEATED {
        return repeated_rules(a, &typed, fd, sink);
    }
    if !type_matches(a, fd, kind, expect_repeated, sink) {
        return;
    }
    match kind {
        1 | 2 => {
            numeric(a, kind, &typed, sink);
            nans(a, kind, &typed, sink);
        }
        3..=12 => numeric(a, kind, &typed, sink),
        STRING => string_rules(a, &typed, sink),
        BYTES => bytes_rules(a, &typed, sink),
        16 | 20 => only_const(a, kind, &typed, sink),
        DURATION => numeric(a, kind, &typed, sink),
        TIMESTAMP => timestamp_rules(a, &typed, sink),
        FIELD_MASK => {
            only_const(a, kind, &typed, sink);
            let not_in = typed.strings(3);
            for path in typed.strings(2) {
                if not_in.contains(&path) {
                    a.add(
                        sink,
                        &[FIELD_MASK, 2],
                        format!(
                            "{field} has path {} in both in and not_in rules.",
                            go_quote(&path)
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

/// The field's type as buf words it: `int32`, `google.protobuf.Duration`, `map<K, V>`.
pub(super) fn pretty(d: &FieldDescriptorProto, types: &Types<'_>) -> String {
    match d.r#type {
        Some(Type::Message | Type::Group) => {
            let name = d.type_name.as_deref().unwrap_or("").trim_start_matches('.');
            let entry = types
                .get(name)
                .filter(|m| m.options.as_ref().and_then(|o| o.map_entry) == Some(true));
            match entry {
                Some(m) if d.label == Some(Label::Repeated) && m.field.len() == 2 => format!(
                    "map<{}, {}>",
                    pretty(&m.field[0], types),
                    pretty(&m.field[1], types)
                ),
                _ => name.to_string(),
            }
        }
        Some(t) => kind_name(t).to_string(),
        None => String::new(),
    }
}

fn kind_name(t: Type) -> &'static str {
    match t {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Group => "group",
        Type::Message => "message",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Enum => "enum",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
    }
}

/// The scalar type and message type the rules of `FieldRules` field `kind` apply to.
fn allowed(kind: i32) -> (Option<Type>, Option<&'static str>) {
    let wrapper = |n: &'static str| Some(n);
    match kind {
        1 => (Some(Type::Float), wrapper("google.protobuf.FloatValue")),
        2 => (Some(Type::Double), wrapper("google.protobuf.DoubleValue")),
        3 => (Some(Type::Int32), wrapper("google.protobuf.Int32Value")),
        4 => (Some(Type::Int64), wrapper("google.protobuf.Int64Value")),
        5 => (Some(Type::Uint32), wrapper("google.protobuf.UInt32Value")),
        6 => (Some(Type::Uint64), wrapper("google.protobuf.UInt64Value")),
        7 => (Some(Type::Sint32), None),
        8 => (Some(Type::Sint64), None),
        9 => (Some(Type::Fixed32), None),
        10 => (Some(Type::Fixed64), None),
        11 => (Some(Type::Sfixed32), None),
        12 => (Some(Type::Sfixed64), None),
        13 => (Some(Type::Bool), wrapper("google.protobuf.BoolValue")),
        14 => (Some(Type::String), wrapper("google.protobuf.StringValue")),
        15 => (Some(Type::Bytes), wrapper("google.protobuf.BytesValue")),
        16 => (Some(Type::Enum), None),
        20 => (None, Some("google.protobuf.Any")),
        21 => (None, Some("google.protobuf.Duration")),
        22 => (None, Some("google.protobuf.Timestamp")),
        28 => (None, Some("google.protobuf.FieldMask")),
        _ => (None, None),
    }
}

pub(super) const WRAPPERS: &[&str] = &[
    "google.protobuf.FloatValue",
    "google.protobuf.DoubleValue",
    "google.protobuf.Int32Value",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
];

fn type_matches(
    a: &Adder<'_, '_>,
    fd: &FieldInfo<'_>,
    kind: i32,
    expect_repeated: bool,
    sink: &mut Sink<'_>,
) -> bool {
    let (field, pretty, r) = (a.field(), &a.pretty, a.rule(&[kind]));
    if expect_repeated {
        a.add(
            sink,
            &[kind],
            format!("{field} is of type repeated {pretty} but has {r} rules."),
        );
        return false;
    }
    let (scalar, message) = allowed(kind);
    if scalar.is_some() && scalar == fd.d.r#type {
        return true;
    }
    if message.is_some() && message == fd.message_name() {
        return true;
    }
    a.add(
        sink,
        &[kind],
        format!("{field} is of type {pretty} but has {r} rules."),
    );
    false
}
