//! The per-field plan: how each field of a message is stored and encoded ([`ValueKind`]),
//! its resolved features, its Rust type, its map key and value, and the message-level facts
//! the emitters share (deprecation, whether a `required` field can be missing). The emitters
//! read these instead of working them out again.

use proc_macro2::TokenStream;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};
use quote::quote;

use crate::Error;
use crate::config::path_matches;
use crate::generate::Ctx;
use crate::names::{camel, escape};
use crate::pool::{Features, Kind, Presence};

/// How one value of a field is stored and encoded.
#[derive(Clone)]
pub(crate) enum ValueKind {
    /// A scalar: its type's protobuf name (`bytes_shared` for `bytes` held as
    /// `bytes::Bytes`), the codec name and the Rust type.
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
            ValueKind::Scalar { name, .. } => !matches!(*name, "string" | "bytes" | "bytes_shared"),
            ValueKind::OpenEnum(_) | ValueKind::ClosedEnum(_) => true,
            ValueKind::Message { .. } => false,
        }
    }
}

/// A oneof: its index in the message, its escaped struct field name and its members (with
/// their indices in the message's field list).
pub(crate) type OneofGen<'a> = (usize, String, Vec<(usize, FieldGen<'a>)>);

/// A field with everything needed to generate it.
pub(crate) struct FieldGen<'a> {
    pub(crate) desc: &'a FieldDescriptorProto,
    /// The escaped struct field (or oneof variant) name.
    pub(crate) name: String,
    pub(crate) value: ValueKind,
    pub(crate) features: Features,
    /// The fully qualified name, for selectors.
    pub(crate) full_name: String,
    /// The module the message's impls live in, which type paths are relative to.
    pub(crate) from: Vec<String>,
    /// Where values the field cannot hold go: `&mut self.unknown_fields`, or a temporary
    /// that drops them in a message without unknown fields.
    pub(crate) unknown: TokenStream,
}

impl<'a> Ctx<'a> {
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
                scalar("string", "String", quote!(::std::string::String))
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

    /// The resolved features of `field` inside a message with `scope` features, declared in
    /// file `file`.
    pub(crate) fn field_features(
        &self,
        file: usize,
        message: &DescriptorProto,
        field: &FieldDescriptorProto,
        scope: Features,
    ) -> Features {
        let mut features = scope;
        if let Some(index) = field.oneof_index {
            let oneof = message.oneof_decl.get(index as usize);
            features = features.overlay(
                oneof
                    .and_then(|o| o.options.as_ref())
                    .and_then(|o| o.features.as_ref()),
            );
        }
        features = self.declared_field_features(file, field, features);
        if matches!(field.r#type(), Type::Message | Type::Group)
            && features.presence == Presence::Implicit
        {
            features.presence = Presence::Explicit;
        }
        features
    }

    /// `features` with the field's own `features` laid over them and, in a proto2 or proto3
    /// file, protoc's legacy inference for it.
    pub(crate) fn declared_field_features(
        &self,
        file: usize,
        field: &FieldDescriptorProto,
        features: Features,
    ) -> Features {
        let features = features.overlay(field.options.as_ref().and_then(|o| o.features.as_ref()));
        match self
            .pool
            .files
            .get(file)
            .and_then(|f| protoforge::features::legacy_syntax(f))
        {
            Some(proto3) => features.infer_legacy(field, proto3),
            None => features,
        }
    }

    pub(crate) fn oneof_enum_name(
        &self,
        full_name: &str,
        index: usize,
        field: &str,
    ) -> Result<String, Error> {
        Ok(self
            .pool
            .get(full_name)?
            .oneof_names
            .get(index)
            .cloned()
            .unwrap_or_else(|| escape(&camel(field))))
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

    /// The map key and value of a map field, classified.
    pub(crate) fn map_kinds(
        &self,
        field: &FieldGen<'_>,
        from: &[String],
    ) -> Result<Option<(ValueKind, ValueKind)>, Error> {
        let Some((key, value)) = self.pool.map_entry(field.desc) else {
            return Ok(None);
        };
        // UTF-8 verification follows the map field, not the entry type.
        let mut entry_features = self.pool.get(field.desc.type_name())?.features;
        entry_features.verify_utf8 = field.features.verify_utf8;
        let key = self.value_kind(key, entry_features, from, None, &field.full_name)?;
        let mut value = self.value_kind(value, entry_features, from, None, &field.full_name)?;
        // Map values are always length-prefixed, whatever `message_encoding` says.
        if let ValueKind::Message { group, .. } = &mut value {
            *group = false;
        }
        Ok(Some((key, value)))
    }

    pub(crate) fn map_type(&self, field: &FieldGen<'_>) -> TokenStream {
        if self
            .config
            .btree_map
            .iter()
            .any(|p| path_matches(p, &field.full_name))
        {
            quote!(::std::collections::BTreeMap)
        } else {
            quote!(::std::collections::HashMap)
        }
    }

    /// The Rust type of a struct field.
    pub(crate) fn field_type(
        &self,
        field: &FieldGen<'_>,
        from: &[String],
    ) -> Result<TokenStream, Error> {
        if let Some((key, value)) = self.map_kinds(field, from)? {
            let map = self.map_type(field);
            let key = self.value_type(&key);
            let value = self.value_type(&value);
            return Ok(quote!(#map<#key, #value>));
        }
        let ty = self.value_type(&field.value);
        Ok(if field.desc.label() == Label::Repeated {
            quote!(::std::vec::Vec<#ty>)
        } else if field.features.presence == Presence::Implicit {
            ty
        } else {
            quote!(::core::option::Option<#ty>)
        })
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
