//! The plan of a message, worked out once before anything is emitted ([`MessagePlan`]):
//! where it lives, how it keeps unknown fields, and for each field its Rust name, how its
//! values are stored and encoded ([`ValueKind`]), its map key and value, its Rust type and
//! resolved features, the oneofs with their enum names, and the fields in number order. It
//! also answers the message-level questions the emitters share (deprecation, whether a
//! `required` field can be missing). The emitters read the plan instead of working these
//! out again.

use std::collections::{BTreeMap, HashMap};

use proc_macro2::TokenStream;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};
use quote::quote;

use crate::Error;
use crate::config::path_matches;
use crate::generate::Ctx;
use crate::names::{Scope, camel, escape, snake};
use crate::pool::{Features, Kind, Presence};

/// Field names the generated struct itself uses.
const RESERVED_FIELDS: &[&str] = &["unknown_fields"];

/// How one value of a field is stored and encoded.
#[derive(Clone)]
pub(crate) enum ValueKind {
    /// A scalar: its type's protobuf name (`bytes_shared` for `bytes` held as
    /// `bytes::Bytes`, `string_shared` for `string` held as `BytesStr`), the codec name and the
    /// Rust type.
    Scalar {
        name: &'static str,
        codec: &'static str,
        ty: TokenStream,
    },
    /// A value of an open enum, stored as `EnumValue` of the Rust enum.
    OpenEnum(TokenStream),
    /// A value of a closed enum, stored as the Rust enum.
    ClosedEnum(TokenStream),
    /// A message (`group` when delimited); `boxed` when recursion needs it.
    Message {
        ty: TokenStream,
        group: bool,
        boxed: bool,
    },
}

impl ValueKind {
    pub(crate) fn packable(&self) -> bool {
        match self {
            ValueKind::Scalar { name, .. } => {
                !matches!(*name, "string" | "string_shared" | "bytes" | "bytes_shared")
            }
            ValueKind::OpenEnum(_) | ValueKind::ClosedEnum(_) => true,
            ValueKind::Message { .. } => false,
        }
    }
}

/// What the emitters need to know about one message, worked out once: where it lives, how
/// it treats unknown fields, and its fields (plain ones and oneofs) with their names, value
/// kinds, Rust types and features.
pub(crate) struct MessagePlan<'a> {
    /// The declaring file.
    pub(crate) file: usize,
    /// The message's `SourceCodeInfo` path.
    pub(crate) source_path: Vec<i32>,
    /// The escaped Rust name of the struct.
    pub(crate) rust_name: String,
    /// The module the struct and its impls live in, which type paths are relative to.
    pub(crate) module: Vec<String>,
    /// The escaped name of the nested module (nested types, oneof enums).
    pub(crate) nested_module: String,
    /// The nested module's path.
    pub(crate) inner_module: Vec<String>,
    /// A MessageSet: extensions travel as `Item` groups (see `encoding::message_set`).
    pub(crate) message_set: bool,
    /// Whether the struct has `unknown_fields`.
    pub(crate) keeps_unknown: bool,
    /// Plain fields (with their indices in the message's field list), in declaration order.
    pub(crate) plain: Vec<(usize, FieldGen<'a>)>,
    /// Real oneofs, in order of their first member.
    pub(crate) oneofs: Vec<OneofPlan<'a>>,
    /// Every field in number order: `(0, index in plain)` or `(1 + index in oneofs, index
    /// in its members)`.
    pub(crate) order: Vec<(usize, usize)>,
}

/// A oneof of a message.
pub(crate) struct OneofPlan<'a> {
    /// Its index in the message's `oneof_decl`.
    pub(crate) index: usize,
    /// The escaped struct field name.
    pub(crate) field: String,
    /// The escaped name of its enum in the nested module.
    pub(crate) enum_name: String,
    /// The fully qualified name, for selectors.
    pub(crate) full_name: String,
    /// Its members, with their indices in the message's field list.
    pub(crate) members: Vec<(usize, FieldGen<'a>)>,
    /// Whether its members are adjacent in number order (so one `match` writes them all).
    pub(crate) adjacent: bool,
}

/// A field with everything needed to generate it.
pub(crate) struct FieldGen<'a> {
    pub(crate) desc: &'a FieldDescriptorProto,
    /// The escaped struct field (or oneof variant) name.
    pub(crate) name: String,
    pub(crate) value: ValueKind,
    /// The key and value of a map field.
    pub(crate) map: Option<(ValueKind, ValueKind)>,
    /// The Rust type of the struct field or, for a oneof member, of the variant's value as
    /// the nested module names it.
    pub(crate) rust_type: TokenStream,
    pub(crate) features: Features,
    /// The fully qualified name, for selectors.
    pub(crate) full_name: String,
    /// Where values the field cannot hold go: `&mut self.unknown_fields`, or a temporary
    /// that drops them in a message without unknown fields.
    pub(crate) unknown: TokenStream,
}

impl<'a> Ctx<'a> {
    /// The plan of message `full_name` (not a map entry): its fields named in declaration
    /// order (oneof members become variants of their oneof's enum), each classified once.
    pub(crate) fn message_plan(&self, full_name: &str) -> Result<MessagePlan<'a>, Error> {
        let info = self.pool.get(full_name)?;
        let Kind::Message(message) = info.kind else {
            return Err(Error::new(format!("`{full_name}` is not a message")));
        };
        let module = info.module.clone();
        let mut inner_module = module.clone();
        inner_module.push(info.nested_module.clone());
        let file = info.file;
        let features = info.features;

        // MessageSet: extensions travel as `Item` groups (see `encoding::message_set`).
        let message_set = message
            .options
            .as_ref()
            .is_some_and(|o| o.message_set_wire_format());
        // Extensions live in the unknown fields, so extendable messages always keep them.
        let keeps_unknown = !message.extension_range.is_empty()
            || message_set
            || !self
                .config
                .drop_unknown_fields
                .iter()
                .any(|p| path_matches(p, full_name));
        let unknown = if keeps_unknown {
            quote!(&mut self.unknown_fields)
        } else {
            let rt = self.rt();
            quote!(&mut #rt::UnknownFields::new())
        };

        // Fields, named in declaration order; oneof members become variants.
        let mut names = Scope::with_reserved(RESERVED_FIELDS);
        let mut plain: Vec<(usize, FieldGen<'a>)> = Vec::new();
        let mut oneofs: Vec<OneofPlan<'a>> = Vec::new();
        let mut oneof_fields: HashMap<usize, usize> = HashMap::new();
        let mut variant_scopes: HashMap<usize, Scope> = HashMap::new();
        for (i, field) in message.field.iter().enumerate() {
            let field_features = self.pool.field_features(file, message, field, features);
            let field_full = format!("{full_name}.{}", field.name());
            let real_oneof = field.oneof_index.filter(|_| !field.proto3_optional());
            let value =
                self.value_kind(field, field_features, &module, Some(full_name), &field_full)?;
            match real_oneof {
                Some(index) => {
                    let index = index as usize;
                    let slot = match oneof_fields.get(&index) {
                        Some(&slot) => slot,
                        None => {
                            let oneof_name =
                                message.oneof_decl.get(index).map(|o| o.name()).ok_or_else(
                                    || Error::new(format!("bad oneof index in `{field_full}`")),
                                )?;
                            let field = names.alloc(&snake(oneof_name));
                            let enum_name = info
                                .oneof_names
                                .get(index)
                                .cloned()
                                .unwrap_or_else(|| escape(&camel(&field)));
                            oneofs.push(OneofPlan {
                                index,
                                field,
                                enum_name,
                                full_name: format!("{full_name}.{oneof_name}"),
                                members: Vec::new(),
                                adjacent: false,
                            });
                            oneof_fields.insert(index, oneofs.len() - 1);
                            oneofs.len() - 1
                        }
                    };
                    let variant_name = variant_scopes
                        .entry(index)
                        .or_default()
                        .alloc(&camel(field.name()));
                    // The variant's type, as the nested module (where the enum is) names it.
                    let variant_value = self.value_kind(
                        field,
                        field_features,
                        &inner_module,
                        Some(full_name),
                        &field_full,
                    )?;
                    oneofs[slot].members.push((
                        i,
                        FieldGen {
                            desc: field,
                            name: variant_name,
                            value,
                            map: None,
                            rust_type: self.value_type(&variant_value),
                            features: field_features,
                            full_name: field_full,
                            unknown: unknown.clone(),
                        },
                    ));
                }
                None => {
                    let map = self.map_kinds(field, field_features, &field_full, &module)?;
                    let rust_type =
                        self.field_type(field, &value, map.as_ref(), field_features, &field_full);
                    plain.push((
                        i,
                        FieldGen {
                            desc: field,
                            name: names.alloc(&snake(field.name())),
                            value,
                            map,
                            rust_type,
                            features: field_features,
                            full_name: field_full,
                            unknown: unknown.clone(),
                        },
                    ));
                }
            }
        }

        // Number order; a oneof whose members are adjacent in it is written by one `match`.
        let mut by_number: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
        for (slot, (_, field)) in plain.iter().enumerate() {
            by_number.insert(field.desc.number(), (0, slot));
        }
        for (slot, oneof) in oneofs.iter().enumerate() {
            for (member, (_, field)) in oneof.members.iter().enumerate() {
                by_number.insert(field.desc.number(), (1 + slot, member));
            }
        }
        let order: Vec<(usize, usize)> = by_number.values().copied().collect();
        for (slot, oneof) in oneofs.iter_mut().enumerate() {
            let kind = slot + 1;
            let at: Vec<usize> = (0..order.len()).filter(|&i| order[i].0 == kind).collect();
            oneof.adjacent = at
                .last()
                .zip(at.first())
                .is_some_and(|(l, f)| l - f + 1 == at.len());
        }

        Ok(MessagePlan {
            file,
            source_path: info.source_path.clone(),
            rust_name: info.rust_name.clone(),
            module,
            nested_module: info.nested_module.clone(),
            inner_module,
            message_set,
            keeps_unknown,
            plain,
            oneofs,
            order,
        })
    }

    /// Classifies the value type of `field` declared in message `holder` (for boxing).
    pub(crate) fn value_kind(
        &self,
        field: &FieldDescriptorProto,
        features: Features,
        from: &[String],
        holder: Option<&str>,
        full_name: &str,
    ) -> Result<ValueKind, Error> {
        let scalar = |name, codec, ty| Ok(ValueKind::Scalar { name, codec, ty });
        match field.r#type() {
            Type::Double => scalar("double", "Double", quote!(f64)),
            Type::Float => scalar("float", "Float", quote!(f32)),
            Type::Int64 => scalar("int64", "Int64", quote!(i64)),
            Type::Uint64 => scalar("uint64", "UInt64", quote!(u64)),
            Type::Int32 => scalar("int32", "Int32", quote!(i32)),
            Type::Fixed64 => scalar("fixed64", "Fixed64", quote!(u64)),
            Type::Fixed32 => scalar("fixed32", "Fixed32", quote!(u32)),
            Type::Bool => scalar("bool", "Bool", quote!(bool)),
            Type::String
                if features.verify_utf8
                    || !self
                        .config
                        .unverified_strings_as_bytes
                        .iter()
                        .any(|p| path_matches(p, full_name)) =>
            {
                let shared = features.verify_utf8
                    && self
                        .config
                        .shared_strings
                        .iter()
                        .any(|p| path_matches(p, full_name));
                if shared {
                    let rt = self.rt();
                    scalar("string_shared", "StringShared", quote!(#rt::BytesStr))
                } else {
                    scalar("string", "String", quote!(::std::string::String))
                }
            }
            // An unverified `string` selected by `unverified_strings_as_bytes`: bytes.
            Type::String | Type::Bytes => {
                if self.config.bytes.iter().any(|p| path_matches(p, full_name)) {
                    let rt = self.rt();
                    scalar("bytes_shared", "BytesShared", quote!(#rt::bytes::Bytes))
                } else {
                    scalar("bytes", "Bytes", quote!(::std::vec::Vec<u8>))
                }
            }
            Type::Uint32 => scalar("uint32", "UInt32", quote!(u32)),
            Type::Sfixed32 => scalar("sfixed32", "SFixed32", quote!(i32)),
            Type::Sfixed64 => scalar("sfixed64", "SFixed64", quote!(i64)),
            Type::Sint32 => scalar("sint32", "SInt32", quote!(i32)),
            Type::Sint64 => scalar("sint64", "SInt64", quote!(i64)),
            Type::Enum => {
                let info = self.pool.get(field.type_name())?;
                let path = self.pool.type_path(from, field.type_name())?;
                if info.features.closed_enum {
                    Ok(ValueKind::ClosedEnum(path))
                } else {
                    Ok(ValueKind::OpenEnum(path))
                }
            }
            Type::Message | Type::Group => {
                let ty = self.pool.type_path(from, field.type_name())?;
                let group = field.r#type() == Type::Group
                    || (features.delimited && self.pool.map_entry(field).is_none());
                let boxed = field.label() != Label::Repeated
                    && holder.is_some_and(|h| self.pool.needs_box(h, field.type_name()));
                Ok(ValueKind::Message { ty, group, boxed })
            }
        }
    }

    /// The Rust type of one value.
    pub(crate) fn value_type(&self, value: &ValueKind) -> TokenStream {
        match value {
            ValueKind::Scalar { ty, .. } => ty.clone(),
            ValueKind::OpenEnum(path) => {
                let rt = self.rt();
                quote!(#rt::EnumValue<#path>)
            }
            ValueKind::ClosedEnum(path) => path.clone(),
            ValueKind::Message {
                ty, boxed: true, ..
            } => quote!(::std::boxed::Box<#ty>),
            ValueKind::Message { ty, .. } => ty.clone(),
        }
    }

    /// The map key and value of a map field (features `features`, fully qualified name
    /// `full_name`), classified.
    fn map_kinds(
        &self,
        field: &FieldDescriptorProto,
        features: Features,
        full_name: &str,
        from: &[String],
    ) -> Result<Option<(ValueKind, ValueKind)>, Error> {
        let Some((key, value)) = self.pool.map_entry(field) else {
            return Ok(None);
        };
        // UTF-8 verification follows the map field, not the entry type.
        let mut entry_features = self.pool.get(field.type_name())?.features;
        entry_features.verify_utf8 = features.verify_utf8;
        let key = self.value_kind(key, entry_features, from, None, full_name)?;
        let mut value = self.value_kind(value, entry_features, from, None, full_name)?;
        // Map values are always length-prefixed, whatever `message_encoding` says.
        if let ValueKind::Message { group, .. } = &mut value {
            *group = false;
        }
        Ok(Some((key, value)))
    }

    /// The map type of a map field.
    fn map_type(&self, full_name: &str) -> TokenStream {
        if self
            .config
            .btree_map
            .iter()
            .any(|p| path_matches(p, full_name))
        {
            quote!(::std::collections::BTreeMap)
        } else {
            quote!(::std::collections::HashMap)
        }
    }

    /// The Rust type of the struct field of a plain field with these properties.
    fn field_type(
        &self,
        field: &FieldDescriptorProto,
        value: &ValueKind,
        map: Option<&(ValueKind, ValueKind)>,
        features: Features,
        full_name: &str,
    ) -> TokenStream {
        if let Some((key, value)) = map {
            let map = self.map_type(full_name);
            let key = self.value_type(key);
            let value = self.value_type(value);
            return quote!(#map<#key, #value>);
        }
        let ty = self.value_type(value);
        if field.label() == Label::Repeated {
            quote!(::std::vec::Vec<#ty>)
        } else if features.presence == Presence::Implicit {
            ty
        } else {
            quote!(::core::option::Option<#ty>)
        }
    }

    /// Whether the impls of `message` name something deprecated: the message itself, one of
    /// its fields, or a field's message or enum type.
    pub(crate) fn message_touches_deprecated(&self, message: &DescriptorProto) -> bool {
        message.options.as_ref().and_then(|o| o.deprecated) == Some(true)
            || message.field.iter().any(|field| {
                field.options.as_ref().and_then(|o| o.deprecated) == Some(true)
                    || (field.type_name.is_some()
                        && self
                            .pool
                            .get(field.type_name())
                            .is_ok_and(|info| match info.kind {
                                Kind::Message(m) => {
                                    m.options.as_ref().and_then(|o| o.deprecated) == Some(true)
                                        || (m.options.as_ref().is_some_and(|o| o.map_entry())
                                            && self.message_touches_deprecated(m))
                                }
                                Kind::Enum(e) => {
                                    e.options.as_ref().and_then(|o| o.deprecated) == Some(true)
                                }
                            }))
            })
    }

    /// Whether a message of type `full_name` can lack a `required` field: it or a message
    /// reachable through its fields (or through extensions declared in the files being
    /// generated) declares one.
    pub(crate) fn may_miss_required(&self, full_name: &str) -> bool {
        if let Some(&known) = self.required_memo.borrow().get(full_name) {
            return known;
        }
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![full_name.to_string()];
        let mut found = false;
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            // A type already answered: `false` covers everything it reaches.
            let known = self.required_memo.borrow().get(&name).copied();
            match known {
                Some(true) => {
                    found = true;
                    break;
                }
                Some(false) => continue,
                None => {}
            }
            let Ok(message) = self.pool.message(&name) else {
                continue;
            };
            for field in &message.field {
                if field.label() == Label::Required
                    || field
                        .options
                        .as_ref()
                        .and_then(|o| o.features.as_ref())
                        .and_then(|f| f.field_presence)
                        == Some(protoforge::descriptor::feature_set::FieldPresence::LegacyRequired)
                {
                    found = true;
                }
                if matches!(field.r#type(), Type::Message | Type::Group) {
                    stack.push(field.type_name().to_string());
                }
            }
            for ext in self.extensions.get(&name).into_iter().flatten() {
                if matches!(ext.desc.r#type(), Type::Message | Type::Group) {
                    stack.push(ext.desc.type_name().to_string());
                }
            }
            if found {
                break;
            }
        }
        let mut memo = self.required_memo.borrow_mut();
        if found {
            memo.insert(full_name.to_string(), true);
        } else {
            // Nothing reachable from `full_name` is required, so nothing reachable from the
            // types visited on the way either.
            for name in seen {
                memo.insert(name, false);
            }
        }
        found
    }
}

/// Whether values of this kind are `string`s.
pub(crate) fn is_string(value: &ValueKind) -> bool {
    matches!(value, ValueKind::Scalar { name: "string", .. })
}
