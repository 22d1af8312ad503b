//! PROTOVALIDATE: the `buf.validate` rules on messages and fields must make sense (types that
//! match the field, bounds that admit values, no redundant rules), as buf checks them.
//!
//! Not checked (they need a CEL engine, Go's regexp parser or protovalidate's evaluator):
//! whether CEL expressions compile and what they evaluate to, whether `pattern`s compile,
//! whether `example` values satisfy the rules, and predefined rule extensions.

mod wire;

use protoforge::UnknownValue;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::source_code_info::Location;
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};
use wire::{Msg, Scalar, Types};

use super::{Ctx, Out};

/// The number of the `buf.validate` extensions of the options messages.
const EXT: i32 = 1159;
/// Fields of `FieldRules`.
const REPEATED: i32 = 18;
const MAP: i32 = 19;
const CEL: i32 = 23;
const REQUIRED: i32 = 25;
const IGNORE: i32 = 27;
const CEL_EXPRESSION: i32 = 29;
const STRING: i32 = 14;
const BYTES: i32 = 15;
const DURATION: i32 = 21;
const TIMESTAMP: i32 = 22;
const FIELD_MASK: i32 = 28;
/// `Ignore` values.
const IGNORE_IF_ZERO_VALUE: i128 = 1;
const IGNORE_ALWAYS: i128 = 3;

pub(super) fn protovalidate(ctx: &Ctx<'_>, out: &mut Out) {
    let types = Types::new(ctx.files.iter().map(|f| f.fd));
    let (Some(field_rules), Some(message_rules)) = (
        types.get("buf.validate.FieldRules"),
        types.get("buf.validate.MessageRules"),
    ) else {
        return;
    };
    for (fi, f) in ctx.targets() {
        let locations: &[Location] =
            f.fd.source_code_info
                .as_ref()
                .map_or(&[], |i| i.location.as_slice());
        for m in &f.messages {
            let Some(rules) =
                m.d.options
                    .as_ref()
                    .and_then(|o| extension(&o.unknown_fields, message_rules))
            else {
                continue;
            };
            let name = m.d.name.as_deref().unwrap_or("");
            let mut add = |extra: &[i32], message: String| {
                let at = locate(locations, &[m.path.as_slice(), &[7, EXT]].concat(), extra);
                out.add(fi, at, message);
            };
            message_oneofs(&rules, m.d, name, &types, &mut add);
            let cels = rules.messages(3, &types);
            let exprs = rules.strings(5);
            let parent = format!("message \"{}\"", go_quote_inner(name));
            let capitalized = format!("Message {}", go_quote(name));
            cel_ids(
                &cels,
                &parent,
                &capitalized,
                "(buf.validate.message).cel",
                &mut |i, msg| add(&[3, i], msg),
            );
            empty_expressions(
                &exprs,
                &capitalized,
                "(buf.validate.message).cel_expression",
                &mut |i, msg| add(&[5, i], msg),
            );
        }
        for field in &f.fields {
            let Some(rules) = field
                .d
                .options
                .as_ref()
                .and_then(|o| extension(&o.unknown_fields, field_rules))
            else {
                continue;
            };
            let parent = field.parent.map(|p| f.messages[p].d);
            let info = FieldInfo::new(
                field.d,
                parent,
                &types,
                f.fd.syntax.as_deref(),
                f.fd.edition.is_some(),
            );
            let base = [field.path.as_slice(), &[8, EXT]].concat();
            let mut sink = |extra: &[i32], message: String| {
                out.add(fi, locate(locations, &base, extra), message);
            };
            let adder = Adder {
                name: field.d.name.as_deref().unwrap_or(""),
                pretty: pretty(field.d, &types),
                base: Vec::new(),
                field_rules,
                types: &types,
            };
            let repeated = field.d.label == Some(Label::Repeated);
            check_rules(&adder, &rules, &info, repeated, &mut sink);
        }
    }
}

/// The `buf.validate` extension in `unknown`, decoded as `desc`.
fn extension<'a>(
    unknown: &protoforge::UnknownFields,
    desc: &'a DescriptorProto,
) -> Option<Msg<'a>> {
    let parts: Vec<&[u8]> = unknown
        .get(EXT as u32)
        .filter_map(|v| match v {
            UnknownValue::LengthDelimited(b) => Some(b.as_slice()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Msg::decode(desc, &parts)
}

/// Where buf reports a finding on the option at `base` + `extra` (`base` ends with the
/// extension's number): that option's location, else the longest enclosing option's, unless
/// a location lies inside the option first.
fn locate(locations: &[Location], base: &[i32], extra: &[i32]) -> Option<Vec<i32>> {
    let path = [base, extra].concat();
    if let Some(l) = locations.iter().find(|l| l.path == path) {
        return Some(l.path.clone());
    }
    let mut best: Option<&Location> = None;
    for l in locations {
        if l.path.len() >= base.len()
            && path.starts_with(&l.path)
            && l.path.len() > best.map_or(0, |b| b.path.len())
        {
            best = Some(l);
        } else if l.path.starts_with(&path) {
            return Some(l.path.clone());
        }
    }
    best.map(|l| l.path.clone())
}

/// What the checks need to know of a field (or of a map entry's key or value).
struct FieldInfo<'a> {
    d: &'a FieldDescriptorProto,
    is_extension: bool,
    oneof: Option<&'a str>,
    has_presence: bool,
    map_entry: Option<&'a DescriptorProto>,
}

impl<'a> FieldInfo<'a> {
    fn new(
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

    fn is_list(&self) -> bool {
        self.d.label == Some(Label::Repeated) && !self.is_map()
    }

    fn message_name(&self) -> Option<&'a str> {
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
struct Adder<'a, 't> {
    name: &'a str,
    pretty: String,
    base: Vec<i32>,
    field_rules: &'a DescriptorProto,
    types: &'t Types<'a>,
}

type Sink<'s> = dyn FnMut(&[i32], String) + 's;

impl Adder<'_, '_> {
    fn with_base(&self, base: &[i32]) -> Adder<'_, '_> {
        Adder {
            name: self.name,
            pretty: self.pretty.clone(),
            base: base.to_vec(),
            field_rules: self.field_rules,
            types: self.types,
        }
    }

    fn path(&self, extra: &[i32]) -> Vec<i32> {
        [self.base.as_slice(), extra].concat()
    }

    /// `(buf.validate.field).a.b` for the base path plus `extra`.
    fn rule(&self, extra: &[i32]) -> String {
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

    fn field(&self) -> String {
        format!("Field {}", go_quote(self.name))
    }

    fn add(&self, sink: &mut Sink<'_>, extra: &[i32], message: String) {
        sink(&self.path(extra), message);
    }

    /// One finding at each of `extras`, once per distinct location (buf deduplicates them;
    /// findings at the same place with the same message are deduplicated later anyway).
    fn add_all(&self, sink: &mut Sink<'_>, extras: &[&[i32]], message: &str) {
        for e in extras {
            self.add(sink, e, message.to_string());
        }
    }
}

fn check_rules(
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
fn pretty(d: &FieldDescriptorProto, types: &Types<'_>) -> String {
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

const WRAPPERS: &[&str] = &[
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

fn repeated_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, fd: &FieldInfo<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    if !fd.is_list() {
        let r = a.rule(&[REPEATED]);
        a.add(
            sink,
            &[REPEATED],
            format!("{field} is not repeated but has {r} rules."),
        );
        return;
    }
    if rules.flag(3)
        && let Some(m) = fd.message_name()
        && !WRAPPERS.contains(&m)
    {
        let r = a.rule(&[REPEATED, 3]);
        a.add(
            sink,
            &[REPEATED, 3],
            format!("{field} is of type {} but has {r} set to true, which is only allowed for scalar types and wrapper types.", a.pretty),
        );
    }
    if let (Some(min), Some(max)) = (rules.uint(1), rules.uint(2))
        && min > max
    {
        let (rmin, rmax) = (a.rule(&[REPEATED, 1]), a.rule(&[REPEATED, 2]));
        a.add(
            sink,
            &[REPEATED, 1],
            format!("{field} has value {min} for {rmin}, which must be lower than value {max} for {rmax}."),
        );
        a.add(
            sink,
            &[REPEATED, 2],
            format!("{field} has value {max} for {rmax}, which must be higher than value {min} for {rmin}."),
        );
    }
    let items = a.with_base(&a.path(&[REPEATED, 4]));
    if let Some(item_rules) = rules.message(4, a.types) {
        if item_rules.flag(REQUIRED as u32) {
            let r = items.rule(&[REQUIRED]);
            items.add(
                sink,
                &[REQUIRED],
                format!("{field} has {r} on repeated item rules, which is unenforceable. The {r} constraint cannot be applied to individual items in a repeated field."),
            );
        }
        check_rules(&items, &item_rules, fd, false, sink);
    }
}

fn map_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, fd: &FieldInfo<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    let Some(entry) = fd.map_entry else {
        let r = a.rule(&[MAP]);
        a.add(sink, &[MAP], format!("{field} is not a map but has {r}."));
        return;
    };
    if let (Some(min), Some(max)) = (rules.uint(1), rules.uint(2))
        && min > max
    {
        let (rmin, rmax) = (a.rule(&[MAP, 1]), a.rule(&[MAP, 2]));
        a.add(
            sink,
            &[MAP, 1],
            format!("{field} has value {min} for {rmin}, which must be lower than value {max} for {rmax}."),
        );
        a.add(
            sink,
            &[MAP, 2],
            format!("{field} has value {max} for {rmax}, which must be higher than value {min} for {rmin}."),
        );
    }
    for (number, what, entry_field) in [(4, "key", 0), (5, "value", 1)] {
        let sub = a.with_base(&a.path(&[MAP, number]));
        let Some(sub_rules) = rules.message(number as u32, a.types) else {
            continue;
        };
        if sub_rules.flag(REQUIRED as u32) {
            let r = sub.rule(&[REQUIRED]);
            sub.add(
                sink,
                &[REQUIRED],
                format!("{field} has {r} on map {what} rules, which is unenforceable. The {r} constraint cannot be applied to map {what}s."),
            );
        }
        let Some(d) = entry.field.get(entry_field) else {
            continue;
        };
        let info = FieldInfo {
            d,
            is_extension: false,
            oneof: None,
            has_presence: matches!(d.r#type, Some(Type::Message | Type::Group)),
            map_entry: None,
        };
        check_rules(&sub, &sub_rules, &info, false, sink);
    }
}

/// A bound or constant of numeric rules, comparable for equality.
#[derive(PartialEq)]
enum Value {
    Number(Scalar),
    Time(i64, i64),
}

fn numeric(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    let present = rules.present();
    let mut constant = None;
    let (mut lower, mut upper) = (None, None);
    for &n in &present {
        let Some(f) = rules.field(n) else { continue };
        let name = f.name.as_deref().unwrap_or("");
        if !matches!(name, "const" | "gt" | "gte" | "lt" | "lte") {
            continue;
        }
        let value = if kind == DURATION || kind == TIMESTAMP {
            let Some(m) = rules.message(n, a.types) else {
                continue;
            };
            let (s, ns) = (m.int(1).unwrap_or(0), m.int(2).unwrap_or(0));
            let invalid = if kind == DURATION {
                duration_error(s, ns)
            } else {
                timestamp_error(s, ns)
            };
            if let Some(e) = invalid {
                let r = a.rule(&[kind, n as i32]);
                a.add(
                    sink,
                    &[kind, n as i32],
                    format!("{field} has an invalid {r}: {e}."),
                );
                continue;
            }
            Value::Time(s, ns)
        } else {
            let Some(v) = rules.scalar(n) else { continue };
            Value::Number(v)
        };
        let slot = (value, n as i32, name.ends_with('e'));
        match name {
            "const" => constant = Some(slot),
            "gt" | "gte" => lower = Some(slot),
            _ => upper = Some(slot),
        }
    }
    if let Some((_, n, _)) = &constant
        && present.len() > 1
    {
        let (r, all) = (a.rule(&[kind, *n]), a.rule(&[kind]));
        a.add(
            sink,
            &[kind, *n],
            format!("{field} has {r}, therefore other rules in {all} are not applied and should be removed."),
        );
    }
    let (Some((lo, lo_n, lo_incl)), Some((hi, hi_n, hi_incl))) = (lower, upper) else {
        return;
    };
    if lo != hi {
        return;
    }
    let (rlo, rhi) = (a.rule(&[kind, lo_n]), a.rule(&[kind, hi_n]));
    let message = if lo_incl && hi_incl {
        format!(
            "{field} has equal {rlo} and {rhi}, use {}.const instead.",
            a.rule(&[kind])
        )
    } else {
        format!("{field} has equal {rlo} and {rhi}. All values are rejected by these checks.")
    };
    a.add_all(sink, &[&[kind, lo_n], &[kind, hi_n]], &message);
}

fn nans(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    let is_nan = |s: &Scalar| matches!(s, Scalar::Float(f) if f.is_nan());
    for n in rules.present() {
        let Some(f) = rules.field(n) else { continue };
        let name = f.name.as_deref().unwrap_or("");
        let r = a.rule(&[kind, n as i32]);
        match name {
            "const" | "lt" | "lte" | "gt" | "gte"
                if rules.scalar(n).is_some_and(|s| is_nan(&s)) =>
            {
                a.add(
                    sink,
                    &[kind, n as i32],
                    format!("{field} has {r} set to NaN. Comparisons with NaN are always false, so this rule can never be satisfied."),
                );
            }
            "in" | "not_in" => {
                let effect = if name == "in" {
                    "can never match"
                } else {
                    "has no effect"
                };
                for (i, v) in rules.scalars(n).iter().enumerate() {
                    if is_nan(v) {
                        a.add(
                            sink,
                            &[kind, n as i32, i32::try_from(i).unwrap_or(i32::MAX)],
                            format!("{field} has NaN in {r}. Comparisons with NaN are always false, so this entry {effect}."),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// `const` makes the other rules of its kind pointless.
fn only_const(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let present = rules.present();
    let Some(n) = rules.field_named("const").and_then(|f| f.number) else {
        return;
    };
    if present.len() > 1 && present.contains(&(n as u32)) {
        let (r, all) = (a.rule(&[kind, n]), a.rule(&[kind]));
        a.add(
            sink,
            &[kind, n],
            format!(
                "{} has {r}, therefore other rules in {all} are not applied and should be removed.",
                a.field()
            ),
        );
    }
}

/// `len` with `min_len`/`max_len`, and `min_len` above or equal to `max_len`.
fn lengths(a: &Adder<'_, '_>, kind: i32, rules: &Msg<'_>, names: [&str; 3], sink: &mut Sink<'_>) {
    let field = a.field();
    let get = |name: &str| {
        let n = rules.field_named(name)?.number?;
        rules
            .has(n as u32)
            .then(|| (n, rules.uint(n as u32).unwrap_or(0)))
    };
    let (len, min, max) = (get(names[0]), get(names[1]), get(names[2]));
    if let Some((ln, _)) = len {
        for (n, _) in [min, max].into_iter().flatten() {
            let (rl, r) = (a.rule(&[kind, ln]), a.rule(&[kind, n]));
            a.add(
                sink,
                &[kind, n],
                format!("{field} has {rl} and therefore, {r} is redundant and should be removed."),
            );
        }
    }
    let (Some((min_n, min)), Some((max_n, max))) = (min, max) else {
        return;
    };
    let (rmin, rmax) = (a.rule(&[kind, min_n]), a.rule(&[kind, max_n]));
    if min > max {
        a.add(
            sink,
            &[kind, min_n],
            format!("{field} has value {min} for {rmin}, which must be lower than value {max} for {rmax}."),
        );
        a.add(
            sink,
            &[kind, max_n],
            format!("{field} has value {max} for {rmax}, which must be higher than value {min} for {rmin}."),
        );
    } else if min == max {
        a.add_all(
            sink,
            &[&[kind, min_n], &[kind, max_n]],
            &format!(
                "{field} has equal {rmin} and {}, use {}.{} instead.",
                names[2],
                a.rule(&[kind]),
                names[0]
            ),
        );
    }
}

fn string_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    only_const(a, STRING, rules, sink);
    lengths(a, STRING, rules, ["len", "min_len", "max_len"], sink);
    lengths(
        a,
        STRING,
        rules,
        ["len_bytes", "min_bytes", "max_bytes"],
        sink,
    );
    let get = |n: u32| rules.has(n).then(|| rules.uint(n).unwrap_or(0));
    let (min_len, max_len, min_bytes, max_bytes) = (get(2), get(3), get(4), get(5));
    let r = |n: i32| a.rule(&[STRING, n]);
    if let (Some(min_len), Some(max_bytes)) = (min_len, max_bytes)
        && max_bytes < min_len
    {
        let tail = format!(
            "A string with {min_len} UTF-8 characters has at least {min_len} bytes, which is higher than {max_bytes} bytes."
        );
        a.add(
            sink,
            &[STRING, 2],
            format!("{field} has value {min_len} for {}, which must be lower than value {max_bytes} for {}. {tail}", r(2), r(5)),
        );
        a.add(
            sink,
            &[STRING, 5],
            format!("{field} has value {max_bytes} for {}, which must be higher than value {min_len} for {}. {tail}", r(5), r(2)),
        );
    }
    if let (Some(max_len), Some(min_bytes)) = (max_len, min_bytes)
        && max_len.saturating_mul(4) < min_bytes
    {
        let tail = format!(
            "A string with {max_len} UTF-8 characters has at most {} bytes.",
            max_len * 4
        );
        a.add(
            sink,
            &[STRING, 4],
            format!(
                "{field} has value {min_bytes} for {} but {max_len} for {}. {tail}",
                r(4),
                r(3)
            ),
        );
        a.add(
            sink,
            &[STRING, 3],
            format!(
                "{field} has value {max_len} for {} but {min_bytes} for {}. {tail}",
                r(3),
                r(4)
            ),
        );
    }
    let not_contains = rules.has(23).then(|| rules.string(23).unwrap_or_default());
    for n in [7, 8, 9] {
        if !rules.has(n as u32) {
            continue;
        }
        let s = rules.string(n as u32).unwrap_or_default();
        let chars = s.chars().count() as u64;
        if let Some(max) = max_len.filter(|&m| chars > m) {
            a.add(
                sink,
                &[STRING, n],
                format!("{field} has a {} of length {chars}, exceeding its max_len ({max}). It is impossible for a string to contain {} while having less than or equal to {chars} UTF-8 characters.", r(n), go_quote(&s)),
            );
        }
        let bytes = s.len() as u64;
        if let Some(max) = max_bytes.filter(|&m| bytes > m) {
            a.add(
                sink,
                &[STRING, n],
                format!("{field} has a {} of {bytes} bytes, exceeding its max_bytes ({max}). It is impossible for a string to contain {} while having less than or equal to {bytes} bytes.", r(n), go_quote(&s)),
            );
        }
        if let Some(nc) = &not_contains
            && s.contains(nc.as_str())
        {
            let (q, qn) = (go_quote(&s), go_quote(nc));
            a.add(
                sink,
                &[STRING, n],
                format!("{field} has a {} ({q}) containing its not_contains ({qn}). It is impossible for a string to contain {q} without containing {qn}.", r(n)),
            );
        }
    }
    let well_known = well_known_regex(rules);
    if rules.has(25) && !rules.flag(25) && !well_known {
        let (s, w) = (r(25), r(24));
        a.add(
            sink,
            &[STRING, 25],
            format!(
                "{field} has {s} without {w}. {s} only applies to {w} and is invalid without it."
            ),
        );
    }
}

/// Whether `well_known_regex` (field 24) is set to something other than unspecified.
fn well_known_regex(rules: &Msg<'_>) -> bool {
    rules.has(24) && matches!(rules.scalar(24), Some(Scalar::Int(i)) if i != 0)
}

fn bytes_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    only_const(a, BYTES, rules, sink);
    lengths(a, BYTES, rules, ["len", "min_len", "max_len"], sink);
    let Some(max) = rules.has(3).then(|| rules.uint(3).unwrap_or(0)) else {
        return;
    };
    for n in [5, 6, 7] {
        let b = rules.bytes(n as u32).unwrap_or_default();
        if b.len() as u64 > max {
            a.add(
                sink,
                &[BYTES, n],
                format!(
                    "{} has a {} of {} bytes, exceeding its max_len ({max}). It is impossible to contain {} while having less than or equal to {max} bytes.",
                    a.field(),
                    a.rule(&[BYTES, n]),
                    b.len(),
                    go_quote_bytes(b)
                ),
            );
        }
    }
}

fn timestamp_rules(a: &Adder<'_, '_>, rules: &Msg<'_>, sink: &mut Sink<'_>) {
    let field = a.field();
    numeric(a, TIMESTAMP, rules, sink);
    if rules.flag(7) && rules.flag(8) {
        let (gt, lt) = (a.rule(&[TIMESTAMP, 8]), a.rule(&[TIMESTAMP, 7]));
        a.add_all(
            sink,
            &[&[TIMESTAMP, 8], &[TIMESTAMP, 7]],
            &format!("{field} has both {gt} and {lt}. A timestamp cannot be both before and after validation time."),
        );
    }
    if let Some(within) = rules.message(9, a.types) {
        let (s, ns) = (within.int(1).unwrap_or(0), within.int(2).unwrap_or(0));
        let r = a.rule(&[TIMESTAMP, 9]);
        if let Some(e) = duration_error(s, ns) {
            a.add(
                sink,
                &[TIMESTAMP, 9],
                format!("{field} has an invalid {r}: {e}."),
            );
        } else if s <= 0 && ns <= 0 {
            a.add(
                sink,
                &[TIMESTAMP, 9],
                format!(
                    "{field} must have a positive {r} ({}).",
                    seconds_nanos(s, ns)
                ),
            );
        }
    }
}

/// A Duration or Timestamp as Go's protobuf prints it: `seconds:1 nanos:2`, zero fields left
/// out.
fn seconds_nanos(s: i64, ns: i64) -> String {
    let mut parts = Vec::new();
    if s != 0 {
        parts.push(format!("seconds:{s}"));
    }
    if ns != 0 {
        parts.push(format!("nanos:{ns}"));
    }
    parts.join(" ")
}

fn duration_error(s: i64, ns: i64) -> Option<String> {
    let d = seconds_nanos(s, ns);
    if ns <= -1_000_000_000 || ns >= 1_000_000_000 {
        return Some(format!(
            "duration ({d}) must have nanos in the range 0 to 999999999"
        ));
    }
    if (s > 0 && ns < 0) || (s < 0 && ns > 0) {
        return Some(format!(
            "duration ({d}) has seconds and nanos with different signs"
        ));
    }
    // Go's time.Duration (int64 nanoseconds) bounds what buf accepts.
    let total = i128::from(s) * 1_000_000_000 + i128::from(ns);
    let max = 9_223_372_036_854_775_428_i128;
    if total > max || total < -max {
        return Some(format!(
            "duration ({d}) must be in the range seconds:-9223372036 nanos:-854775428 to seconds:9223372036 nanos:854775428"
        ));
    }
    None
}

fn timestamp_error(s: i64, ns: i64) -> Option<String> {
    let t = seconds_nanos(s, ns);
    if s < -62_135_596_800 {
        return Some(format!("proto:\u{a0}timestamp ({t}) before 0001-01-01"));
    }
    if s >= 253_402_300_800 {
        return Some(format!("proto:\u{a0}timestamp ({t}) after 9999-12-31"));
    }
    if !(0..1_000_000_000).contains(&ns) {
        return Some(format!(
            "proto:\u{a0}timestamp ({t}) has out-of-range nanos"
        ));
    }
    None
}

/// The `(buf.validate.message).oneof` entries must name distinct fields of the message, each
/// in one entry only.
fn message_oneofs(
    rules: &Msg<'_>,
    m: &DescriptorProto,
    name: &str,
    types: &Types<'_>,
    add: &mut dyn FnMut(&[i32], String),
) {
    let q = go_quote(name);
    let mut entries_of: Vec<(String, Vec<i32>)> = Vec::new();
    for (i, entry) in rules.messages(4, types).iter().enumerate() {
        let i = i32::try_from(i).unwrap_or(i32::MAX);
        let fields = entry.strings(1);
        if fields.is_empty() {
            add(
                &[4, i],
                format!(
                    "Message {q} has a (buf.validate.message).oneof entry with no fields. Each oneof entry must specify at least one field."
                ),
            );
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for (j, f) in fields.iter().enumerate() {
            let j = i32::try_from(j).unwrap_or(i32::MAX);
            let fq = go_quote(f);
            if seen.contains(&f.as_str()) {
                add(
                    &[4, i, 1, j],
                    format!(
                        "Message {q} has a (buf.validate.message).oneof entry that references field {fq} more than once. Duplicate field names are not permitted."
                    ),
                );
                continue;
            }
            seen.push(f);
            if !m.field.iter().any(|d| d.name.as_deref() == Some(f)) {
                add(
                    &[4, i, 1, j],
                    format!(
                        "Message {q} has a (buf.validate.message).oneof entry that references field {fq}, which is not defined in the message."
                    ),
                );
                continue;
            }
            match entries_of.iter_mut().find(|(n, _)| n == f) {
                Some((_, v)) => v.push(i),
                None => entries_of.push((f.clone(), vec![i])),
            }
        }
    }
    for (f, entries) in entries_of {
        if entries.len() < 2 {
            continue;
        }
        for i in entries {
            add(
                &[4, i],
                format!(
                    "Message {q} references field {} in more than one (buf.validate.message).oneof entry. A field may only appear in one oneof entry.",
                    go_quote(&f)
                ),
            );
        }
    }
}

/// The checks of CEL rules that need no CEL engine: ids made of allowed characters, unique
/// ids, expressions not empty.
fn cel_ids(
    cels: &[Msg<'_>],
    parent: &str,
    capitalized: &str,
    cel_name: &str,
    add: &mut dyn FnMut(i32, String),
) {
    let mut ids: Vec<(String, Vec<i32>)> = Vec::new();
    for (i, rule) in cels.iter().enumerate() {
        let i = i32::try_from(i).unwrap_or(i32::MAX);
        let id = rule.string(1).unwrap_or_default();
        if !id.is_empty() {
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                add(
                    i,
                    format!(
                        "{capitalized} has invalid characters for {cel_name}.id. IDs must contain only characters a-z, A-Z, 0-9, '.', '_', '-'."
                    ),
                );
            }
            match ids.iter_mut().find(|(n, _)| *n == id) {
                Some((_, v)) => v.push(i),
                None => ids.push((id, vec![i])),
            }
        }
        if rule.string(3).unwrap_or_default().trim().is_empty() {
            add(
                i,
                format!(
                    "{capitalized} has an empty {cel_name}.expression. Expressions should always be specified."
                ),
            );
        }
    }
    for (id, indexes) in ids {
        if indexes.len() > 1 {
            for i in indexes {
                add(
                    i,
                    format!(
                        "{cel_name}.id ({}) is not unique within {parent}.",
                        go_quote(&id)
                    ),
                );
            }
        }
    }
}

fn empty_expressions(
    exprs: &[String],
    capitalized: &str,
    name: &str,
    add: &mut dyn FnMut(i32, String),
) {
    for (i, e) in exprs.iter().enumerate() {
        if e.trim().is_empty() {
            add(
                i32::try_from(i).unwrap_or(i32::MAX),
                format!(
                    "{capitalized} has an empty {name}. Expressions should always be specified."
                ),
            );
        }
    }
}

/// `s` quoted as Go's `%q` does it.
fn go_quote(s: &str) -> String {
    format!("\"{}\"", go_quote_inner(s))
}

fn go_quote_inner(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Bytes quoted as Go's `%q` does it: valid UTF-8 as text, other bytes as `\x..`.
fn go_quote_bytes(b: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in b.utf8_chunks() {
        out.push_str(&go_quote_inner(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out.push('"');
    out
}
