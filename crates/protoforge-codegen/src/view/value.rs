//! How a view holds each value: the classification of a field's values ([`Val`], and
//! [`MessageRepr`] for sub-messages), their view codecs and Rust types, the conversion to
//! the owned value, and the fields of a message as the owned struct names them.

use proc_macro2::TokenStream;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};
use quote::{format_ident, quote};

use super::{Emitter, RESERVED_FIELDS};
use crate::Error;
use crate::config::path_matches;
use crate::names::{Scope, camel, snake};
use crate::pool::{Features, Kind};

/// How a sub-message appears in a view.
#[derive(Clone)]
pub(super) enum MessageRepr {
    /// Its view, inline (the path of the view type).
    View(TokenStream),
    /// Its view, read on demand (the view type would contain itself).
    Lazy(TokenStream),
    /// No view: a `LazyMessage` of the owned type.
    Owned,
}

/// One value of a field, classified.
#[derive(Clone)]
pub(super) enum Val {
    /// A number or `bool`: the codec name and the Rust type.
    Scalar(&'static str, TokenStream),
    /// An open enum (its path): an [`EnumValue`](protoforge::EnumValue), as in the owned
    /// message.
    OpenEnum(TokenStream),
    /// A closed enum (its path).
    ClosedEnum(TokenStream),
    /// A `string` as `&str`; `verified` when protobuf checks its UTF-8, `shared` when the
    /// owned type holds it as a `BytesStr`.
    Str { verified: bool, shared: bool },
    /// `bytes` (or a `string` stored as bytes); `shared` for `bytes::Bytes` in the owned type.
    Bytes { shared: bool },
    /// A sub-message or group.
    Message {
        repr: MessageRepr,
        owned: TokenStream,
        group: bool,
        boxed: bool,
    },
}

/// A field of the message, with everything the view needs.
pub(super) struct FieldInfo<'d> {
    pub(super) desc: &'d FieldDescriptorProto,
    /// The escaped owned struct field (or oneof variant) name.
    pub(super) name: String,
    pub(super) features: Features,
    pub(super) full_name: String,
}

impl Emitter<'_, '_> {
    /// Classifies one value of `field`; `holder` is the message for singular fields (boxing
    /// and laziness follow recursion), `from` the module paths are relative to.
    pub(super) fn value(
        &self,
        field: &FieldDescriptorProto,
        features: Features,
        full_name: &str,
        holder: Option<&str>,
        from: &[String],
    ) -> Result<Val, Error> {
        let matches = |list: &[String]| list.iter().any(|p| path_matches(p, full_name));
        let scalar = |codec, ty| Ok(Val::Scalar(codec, ty));
        match field.r#type() {
            Type::Double => scalar("Double", quote!(f64)),
            Type::Float => scalar("Float", quote!(f32)),
            Type::Int64 => scalar("Int64", quote!(i64)),
            Type::Uint64 => scalar("UInt64", quote!(u64)),
            Type::Int32 => scalar("Int32", quote!(i32)),
            Type::Fixed64 => scalar("Fixed64", quote!(u64)),
            Type::Fixed32 => scalar("Fixed32", quote!(u32)),
            Type::Bool => scalar("Bool", quote!(bool)),
            Type::Uint32 => scalar("UInt32", quote!(u32)),
            Type::Sfixed32 => scalar("SFixed32", quote!(i32)),
            Type::Sfixed64 => scalar("SFixed64", quote!(i64)),
            Type::Sint32 => scalar("SInt32", quote!(i32)),
            Type::Sint64 => scalar("SInt64", quote!(i64)),
            Type::String
                if features.verify_utf8 || !matches(&self.config.unverified_strings_as_bytes) =>
            {
                Ok(Val::Str {
                    verified: features.verify_utf8,
                    shared: features.verify_utf8 && matches(&self.config.shared_strings),
                })
            }
            Type::String | Type::Bytes => Ok(Val::Bytes {
                shared: matches(&self.config.bytes),
            }),
            Type::Enum => {
                if self.pool.get(field.type_name())?.features.closed_enum {
                    Ok(Val::ClosedEnum(
                        self.pool.type_path(from, field.type_name())?,
                    ))
                } else {
                    Ok(Val::OpenEnum(self.pool.type_path(from, field.type_name())?))
                }
            }
            Type::Message | Type::Group => {
                let target = field.type_name();
                let owned = self.pool.type_path(from, target)?;
                let group = field.r#type() == Type::Group
                    || (features.delimited && self.pool.map_entry(field).is_none());
                let recursive = field.label() != Label::Repeated
                    && holder.is_some_and(|h| self.pool.needs_box(h, target));
                let repr = if !self.has_view(target) {
                    MessageRepr::Owned
                } else if recursive {
                    MessageRepr::Lazy(self.view_path(from, target)?)
                } else {
                    MessageRepr::View(self.view_path(from, target)?)
                };
                Ok(Val::Message {
                    repr,
                    owned,
                    group,
                    boxed: recursive,
                })
            }
        }
    }

    /// The key and value of a map field, classified (UTF-8 checks follow the map field).
    pub(super) fn map_vals(
        &self,
        field: &FieldInfo<'_>,
        from: &[String],
    ) -> Result<Option<(Val, Val)>, Error> {
        let Some((key, value)) = self.pool.map_entry(field.desc) else {
            return Ok(None);
        };
        let mut features = self.pool.get(field.desc.type_name())?.features;
        features.verify_utf8 = field.features.verify_utf8;
        let key = self.value(key, features, &field.full_name, None, from)?;
        let mut value = self.value(value, features, &field.full_name, None, from)?;
        if let Val::Message { group, .. } = &mut value {
            *group = false;
        }
        Ok(Some((key, value)))
    }

    /// The view codec type of a value (in repeated fields and maps a sub-message is always
    /// read inline, since the iterator holds no value).
    pub(super) fn codec(&self, value: &Val) -> TokenStream {
        let rt = self.rt;
        match value {
            Val::Scalar(codec, _) => {
                let codec = format_ident!("{}", codec);
                quote!(#rt::view::codec::#codec)
            }
            Val::OpenEnum(path) => quote!(#rt::view::codec::OpenEnum<#path>),
            Val::ClosedEnum(path) => quote!(#rt::view::codec::ClosedEnum<#path>),
            Val::Str { verified: true, .. } => quote!(#rt::view::codec::Str),
            Val::Str {
                verified: false, ..
            } => quote!(#rt::view::codec::UnverifiedStr),
            Val::Bytes { .. } => quote!(#rt::view::codec::Bytes),
            Val::Message { group, .. } => {
                let ty = self.inline_view_type(value);
                if *group {
                    quote!(#rt::view::codec::Group<#ty>)
                } else {
                    quote!(#rt::view::codec::Message<#ty>)
                }
            }
        }
    }

    /// The type a message value is read as inline (for a lazy one, its view type).
    pub(super) fn inline_view_type(&self, value: &Val) -> TokenStream {
        let rt = self.rt;
        match value {
            Val::Message {
                repr: MessageRepr::View(path) | MessageRepr::Lazy(path),
                ..
            } => quote!(#path<'a>),
            Val::Message { owned, .. } => quote!(#rt::view::LazyMessage<'a, #owned>),
            other => self.value_type(other),
        }
    }

    /// The Rust type of one value held in a singular field or oneof variant.
    pub(super) fn value_type(&self, value: &Val) -> TokenStream {
        let rt = self.rt;
        match value {
            Val::Scalar(_, ty) => ty.clone(),
            Val::OpenEnum(path) => quote!(#rt::EnumValue<#path>),
            Val::ClosedEnum(path) => path.clone(),
            Val::Str { .. } => quote!(&'a str),
            Val::Bytes { .. } => quote!(&'a [u8]),
            Val::Message {
                repr: MessageRepr::Lazy(path),
                ..
            } => quote!(#rt::view::LazyView<'a, #path<'a>>),
            Val::Message { .. } => self.inline_view_type(value),
        }
    }

    /// The owned value of the view value `v` (an expression of [`Emitter::value_type`], or
    /// for sub-messages a reference to it).
    pub(super) fn to_owned(&self, value: &Val, v: TokenStream) -> TokenStream {
        let rt = self.rt;
        match value {
            Val::Scalar(..) | Val::OpenEnum(_) | Val::ClosedEnum(_) => v,
            Val::Str { shared: false, .. } => quote!(::std::string::String::from(#v)),
            Val::Str { shared: true, .. } => {
                quote!(#rt::BytesStr::from(::std::string::String::from(#v)))
            }
            Val::Bytes { shared: false } => quote!(<[u8]>::to_vec(#v)),
            Val::Bytes { shared: true } => quote!(#rt::bytes::Bytes::from(<[u8]>::to_vec(#v))),
            Val::Message { repr, boxed, .. } => {
                let owned = match repr {
                    MessageRepr::Lazy(_) => quote!(#rt::view::LazyView::to_owned_message(#v)),
                    _ => quote!(#rt::view::MessageView::to_owned_message(#v)),
                };
                if *boxed {
                    quote!(::std::boxed::Box::new(#owned))
                } else {
                    owned
                }
            }
        }
    }

    /// Whether the owned message's value of this type depends on its unknown fields (so
    /// `to_owned_message` replays the field's records).
    pub(super) fn replayed(value: &Val) -> bool {
        matches!(
            value,
            Val::ClosedEnum(_)
                | Val::Str {
                    verified: false,
                    ..
                }
        )
    }

    /// The fields of `message` as the owned struct names them: plain fields, and oneofs
    /// (index, escaped struct field name, members).
    #[allow(clippy::type_complexity)]
    pub(super) fn fields<'d>(
        &self,
        full_name: &str,
        message: &'d DescriptorProto,
        file: usize,
        scope: Features,
    ) -> Result<(Vec<FieldInfo<'d>>, Vec<(usize, String, Vec<FieldInfo<'d>>)>), Error> {
        let mut names = Scope::with_reserved(RESERVED_FIELDS);
        let mut plain = Vec::new();
        let mut oneofs: Vec<(usize, String, Vec<FieldInfo<'d>>)> = Vec::new();
        let mut variant_scopes: Vec<(usize, Scope)> = Vec::new();
        for field in &message.field {
            let features = self.pool.field_features(file, message, field, scope);
            let field_full = format!("{full_name}.{}", field.name());
            match field.oneof_index.filter(|_| !field.proto3_optional()) {
                Some(index) => {
                    let index = index as usize;
                    let slot = match oneofs.iter().position(|(i, _, _)| *i == index) {
                        Some(slot) => slot,
                        None => {
                            let oneof_name =
                                message.oneof_decl.get(index).map(|o| o.name()).ok_or_else(
                                    || Error::new(format!("bad oneof index in `{field_full}`")),
                                )?;
                            oneofs.push((index, names.alloc(&snake(oneof_name)), Vec::new()));
                            variant_scopes.push((index, Scope::default()));
                            oneofs.len() - 1
                        }
                    };
                    let name = variant_scopes[slot].1.alloc(&camel(field.name()));
                    oneofs[slot].2.push(FieldInfo {
                        desc: field,
                        name,
                        features,
                        full_name: field_full,
                    });
                }
                None => plain.push(FieldInfo {
                    desc: field,
                    name: names.alloc(&snake(field.name())),
                    features,
                    full_name: field_full,
                }),
            }
        }
        Ok((plain, oneofs))
    }

    /// The numbers of the `string` extensions of `full_name` declared in the files being
    /// generated whose UTF-8 protobuf verifies (the owned message checks them on decode).
    pub(super) fn verified_string_extensions(&self, full_name: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut visit = |file: usize, scope: Features, extensions: &[FieldDescriptorProto]| {
            for ext in extensions {
                if ext.extendee() == full_name
                    && ext.r#type() == Type::String
                    && self
                        .pool
                        .declared_field_features(file, ext, scope)
                        .verify_utf8
                {
                    out.push(ext.number() as u32);
                }
            }
        };
        for (index, file) in self.pool.files.iter().enumerate() {
            if self.pool.is_generated(index) {
                visit(index, crate::pool::file_features(file), &file.extension);
            }
        }
        for info in self.pool.types.values() {
            if let Kind::Message(message) = info.kind
                && self.pool.is_generated(info.file)
            {
                visit(info.file, info.features, &message.extension);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
