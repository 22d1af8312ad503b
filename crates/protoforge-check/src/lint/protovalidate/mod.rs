//! PROTOVALIDATE: the `buf.validate` rules on messages and fields must make sense (types that
//! match the field, bounds that admit values, no redundant rules), as buf checks them.
//!
//! Not checked (they need a CEL engine, Go's regexp parser or protovalidate's evaluator):
//! whether CEL expressions compile and what they evaluate to, whether `pattern`s compile,
//! whether `example` values satisfy the rules, and predefined rule extensions.
//!
//! This file finds the rules and places findings; beside it, one file a job: `field` (a
//! field's rules against its type, and the dispatch by rule kind), `values` (numeric, string,
//! bytes, Duration and Timestamp rules), `collections` (`repeated` and `map`), `message`
//! (message `oneof` rules), `cel` (CEL ids and expressions), `quote` (Go's `%q`) and `wire`
//! (decoding the rules from the options' unknown fields).

mod cel;
mod collections;
mod field;
mod message;
mod quote;
mod values;
mod wire;

use cel::{cel_ids, empty_expressions};
use field::{Adder, FieldInfo, check_rules, pretty};
use message::message_oneofs;
use protoforge::UnknownValue;
use protoforge::descriptor::DescriptorProto;
use protoforge::descriptor::field_descriptor_proto::Label;
use protoforge::descriptor::source_code_info::Location;
use quote::{go_quote, go_quote_inner};
use wire::{Msg, Types};

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
