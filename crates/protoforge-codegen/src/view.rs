//! Zero-copy views ([`Config::views`](crate::Config::views)): for each selected message
//! `Foo`, a `FooView<'a>` struct next to it that borrows from the encoded bytes, with
//! `decode`, `to_owned_message` and `protoforge::view::MessageView`; oneofs get a borrowed
//! `KindView<'a>` enum in the message's nested module. This emitter reads the same
//! descriptors, [`Pool`] and names as the message generator and only adds items; the runtime
//! side (codecs, lazy iterators) is `protoforge::view`.
//!
//! Representation: scalars by value, `string` as `&'a str` (`&'a [u8]` where the config
//! stores it as bytes), `bytes` as `&'a [u8]`, sub-messages as `Option<BarView<'a>>` (a
//! `LazyView` where the view would contain itself, a `LazyMessage` where `Bar` has no view),
//! oneofs as `Option<KindView<'a>>`, repeated fields as `RepeatedView`, maps as `MapView`.
//! `to_owned_message` builds every plain field from the view and replays the records whose
//! owned form depends on the owned message's unknown-field bookkeeping (numbers the message
//! does not know, closed enums, strings protobuf does not verify, maps and oneofs holding
//! them) through the owned `Message::merge_field`, so the result equals `Foo::decode`.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto};
use quote::{format_ident, quote};

use crate::Error;
use crate::config::{Config, path_matches};
use crate::names::{Scope, camel, escape, ident, snake};
use crate::pool::{Features, Kind, Pool, Presence};

/// Field names the owned message struct reserves (as the message generator does).
const RESERVED_FIELDS: &[&str] = &["unknown_fields"];

/// The items of one message's view: those placed beside the message, and those placed in
/// its nested module (the oneof view enums).
#[derive(Default)]
pub(crate) struct MessageViews {
    /// `FooView` and its impls.
    pub(crate) outer: TokenStream,
    /// The oneof view enums, for the nested module.
    pub(crate) nested: TokenStream,
}

/// Generates the view of message `full_name` if [`Config::views`] selects it.
pub(crate) fn message(
    pool: &Pool<'_>,
    config: &Config,
    rt: &TokenStream,
    full_name: &str,
) -> Result<MessageViews, Error> {
    let emitter = Emitter { pool, config, rt };
    if !emitter.has_view(full_name) {
        return Ok(MessageViews::default());
    }
    emitter.message(full_name)
}

struct Emitter<'p, 'a> {
    pool: &'p Pool<'a>,
    config: &'p Config,
    rt: &'p TokenStream,
}

/// How a sub-message appears in a view.
#[derive(Clone)]
enum MessageRepr {
    /// Its view, inline (the path of the view type).
    View(TokenStream),
    /// Its view, read on demand (the view type would contain itself).
    Lazy(TokenStream),
    /// No view: a `LazyMessage` of the owned type.
    Owned,
}

/// One value of a field, classified.
#[derive(Clone)]
enum Val {
    /// A number or `bool`: the codec name and the Rust type.
    Scalar(&'static str, TokenStream),
    /// An open enum (its path): an [`EnumValue`](protoforge::EnumValue), as in the owned
    /// message.
    OpenEnum(TokenStream),
    /// A closed enum (its path).
    ClosedEnum(TokenStream),
    /// A `string` as `&str`; `verified` when protobuf checks its UTF-8.
    Str { verified: bool },
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
struct FieldInfo<'d> {
    desc: &'d FieldDescriptorProto,
    /// The escaped owned struct field (or oneof variant) name.
    name: String,
    features: Features,
    full_name: String,
}

impl<'p, 'a> Emitter<'p, 'a> {
    /// Whether message `full_name` gets a view: selected, generated in this run (not extern,
    /// not taken from the runtime) and not a map entry.
    fn has_view(&self, full_name: &str) -> bool {
        let Ok(info) = self.pool.get(full_name) else {
            return false;
        };
        let Kind::Message(message) = info.kind else {
            return false;
        };
        if message.options.as_ref().is_some_and(|o| o.map_entry()) {
            return false;
        }
        let external = self.config.extern_paths.iter().any(|(proto, _)| {
            full_name == proto
                || full_name
                    .strip_prefix(proto.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        });
        !external
            && self.pool.is_generated(info.file)
            && self.config.views.iter().any(|p| path_matches(p, full_name))
    }

    /// The Rust names taken in the scope (module) that declares `full_name`'s type.
    fn sibling_names(&self, full_name: &str) -> HashSet<String> {
        let mut taken = HashSet::new();
        let parent = full_name.rsplit_once('.').map_or("", |(p, _)| p);
        let mut add = |name: String| {
            if let Ok(info) = self.pool.get(&name) {
                taken.insert(info.rust_name.clone());
            }
        };
        match self.pool.get(parent).map(|i| i.kind) {
            Ok(Kind::Message(message)) => {
                for nested in &message.nested_type {
                    add(format!("{parent}.{}", nested.name()));
                }
                for nested in &message.enum_type {
                    add(format!("{parent}.{}", nested.name()));
                }
                if let Ok(info) = self.pool.get(parent) {
                    taken.extend(info.oneof_names.iter().cloned());
                }
            }
            _ => {
                let package = parent.strip_prefix('.').unwrap_or(parent);
                for file in self.pool.files.iter().filter(|f| f.package() == package) {
                    for message in &file.message_type {
                        add(format!("{parent}.{}", message.name()));
                    }
                    for enumeration in &file.enum_type {
                        add(format!("{parent}.{}", enumeration.name()));
                    }
                }
            }
        }
        taken
    }

    /// The escaped name of the view of message `full_name`: `{Name}View`, with `_` appended
    /// while a type of its module has that name.
    fn view_name(&self, full_name: &str) -> Result<String, Error> {
        let info = self.pool.get(full_name)?;
        let taken = self.sibling_names(full_name);
        let mut name = format!("{}View", info.rust_name.trim_start_matches("r#"));
        while taken.contains(&name) {
            name.push('_');
        }
        Ok(name)
    }

    /// The path of the view of `full_name` as seen from module `from`.
    fn view_path(&self, from: &[String], full_name: &str) -> Result<TokenStream, Error> {
        let info = self.pool.get(full_name)?;
        let name = ident(&self.view_name(full_name)?);
        let common = from
            .iter()
            .zip(&info.module)
            .take_while(|(a, b)| a == b)
            .count();
        let supers = (common..from.len()).map(|_| quote!(super::));
        let downs = info.module[common..].iter().map(|m| ident(m));
        Ok(quote!(#(#supers)* #(#downs::)* #name))
    }

    /// The resolved features of `field` in `message` (scope features `scope`), as the
    /// message generator resolves them.
    fn field_features(
        &self,
        file: usize,
        message: &DescriptorProto,
        field: &FieldDescriptorProto,
        scope: Features,
    ) -> Features {
        let mut features = scope;
        if let Some(index) = field.oneof_index {
            features = features.overlay(
                message
                    .oneof_decl
                    .get(index as usize)
                    .and_then(|o| o.options.as_ref())
                    .and_then(|o| o.features.as_ref()),
            );
        }
        features = self.declared_features(file, field, features);
        if matches!(field.r#type(), Type::Message | Type::Group)
            && features.presence == Presence::Implicit
        {
            features.presence = Presence::Explicit;
        }
        features
    }

    /// `features` with the field's own laid over them, and protoc's legacy inference.
    fn declared_features(
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
            .and_then(|f| protoforge::__private::features::legacy_syntax(f))
        {
            Some(proto3) => features.infer_legacy(field, proto3),
            None => features,
        }
    }

    /// Classifies one value of `field`; `holder` is the message for singular fields (boxing
    /// and laziness follow recursion), `from` the module paths are relative to.
    fn value(
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
    fn map_vals(
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
    fn codec(&self, value: &Val) -> TokenStream {
        let rt = self.rt;
        match value {
            Val::Scalar(codec, _) => {
                let codec = format_ident!("{}", codec);
                quote!(#rt::view::codec::#codec)
            }
            Val::OpenEnum(path) => quote!(#rt::view::codec::OpenEnum<#path>),
            Val::ClosedEnum(path) => quote!(#rt::view::codec::ClosedEnum<#path>),
            Val::Str { verified: true } => quote!(#rt::view::codec::Str),
            Val::Str { verified: false } => quote!(#rt::view::codec::UnverifiedStr),
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
    fn inline_view_type(&self, value: &Val) -> TokenStream {
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
    fn value_type(&self, value: &Val) -> TokenStream {
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
    fn to_owned(&self, value: &Val, v: TokenStream) -> TokenStream {
        let rt = self.rt;
        match value {
            Val::Scalar(..) | Val::OpenEnum(_) | Val::ClosedEnum(_) => v,
            Val::Str { .. } => quote!(::std::string::String::from(#v)),
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
    fn replayed(value: &Val) -> bool {
        matches!(value, Val::ClosedEnum(_) | Val::Str { verified: false })
    }

    /// The fields of `message` as the owned struct names them: plain fields, and oneofs
    /// (index, escaped struct field name, members).
    #[allow(clippy::type_complexity)]
    fn fields<'d>(
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
            let features = self.field_features(file, message, field, scope);
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
    fn verified_string_extensions(&self, full_name: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut visit = |file: usize, scope: Features, extensions: &[FieldDescriptorProto]| {
            for ext in extensions {
                if ext.extendee() == full_name
                    && ext.r#type() == Type::String
                    && self.declared_features(file, ext, scope).verify_utf8
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

    /// `FooView`, its impls and its oneof view enums.
    fn message(&self, full_name: &str) -> Result<MessageViews, Error> {
        let rt = self.rt;
        let info = self.pool.get(full_name)?;
        let Kind::Message(message) = info.kind else {
            return Err(Error::new(format!("`{full_name}` is not a message")));
        };
        let module = info.module.clone();
        let mut inner_module = module.clone();
        inner_module.push(info.nested_module.clone());
        let nested_ident = ident(&info.nested_module);
        let owned_name = ident(&info.rust_name);
        let view_name = ident(&self.view_name(full_name)?);
        let bare_name = &full_name[1..];
        let proto_name = message.name();
        let (plain, oneofs) = self.fields(full_name, message, info.file, info.features)?;

        let mut struct_fields = Vec::new();
        let mut inits = Vec::new();
        let mut trackers = Vec::new();
        let mut arms = Vec::new();
        let mut checks = Vec::new();
        let mut posts = Vec::new();
        let mut owned_fields = Vec::new();
        let mut known_numbers = Vec::new();
        let mut plain_numbers = Vec::new();
        let mut nested = TokenStream::new();

        for field in &plain {
            let name = ident(&field.name);
            let number = Literal::u32_unsuffixed(field.desc.number() as u32);
            let field_name = field.desc.name();
            let err = quote!(.map_err(|error| error.push(NAME, #field_name))?);
            known_numbers.push(number.clone());
            let doc = format!(
                " The field `{field_name}` (number {}).",
                field.desc.number()
            );
            if let Some((key, value)) = self.map_vals(field, &module)? {
                let (kc, vc) = (self.codec(&key), self.codec(&value));
                let unverified = matches!(key, Val::Str { verified: false })
                    || matches!(value, Val::Str { verified: false });
                struct_fields.push(quote! {
                    #[doc = #doc]
                    pub #name: #rt::view::MapView<'a, #kc, #vc>,
                });
                inits.push(quote!(#name: #rt::view::MapView::empty(),));
                let start = format_ident!("start_{}", field.name.trim_start_matches("r#"));
                trackers.push(quote!(let mut #start = #rt::view::Position::END;));
                checks.push(quote! {
                    #number => #rt::view::check_map_entry::<#kc, #vc>(&record, #unverified, ctx) #err,
                });
                arms.push(quote! {
                    #number => {
                        #rt::view::check_map_entry::<#kc, #vc>(&record, #unverified, ctx) #err;
                        if #start == #rt::view::Position::END {
                            #start = position;
                        }
                    }
                });
                posts.push(quote! {
                    if #start != #rt::view::Position::END {
                        view.#name = #rt::view::MapView::new(records.clone(), #number, #start);
                    }
                });
                if Self::replayed(&key) || Self::replayed(&value) {
                    continue;
                }
                plain_numbers.push(number);
                let k = self.to_owned(&key, quote!(key));
                let v = match &value {
                    Val::Message { .. } => self.to_owned(&value, quote!(&value)),
                    _ => self.to_owned(&value, quote!(value)),
                };
                owned_fields.push(if k.to_string() == "key" && v.to_string() == "value" {
                    quote!(#name: self.#name.iter().collect(),)
                } else {
                    quote!(#name: self.#name.iter().map(|(key, value)| (#k, #v)).collect(),)
                });
                continue;
            }
            let value = self.value(
                field.desc,
                field.features,
                &field.full_name,
                Some(full_name),
                &module,
            )?;
            if field.desc.label() == Label::Repeated {
                let codec = self.codec(&value);
                struct_fields.push(quote! {
                    #[doc = #doc]
                    pub #name: #rt::view::RepeatedView<'a, #codec>,
                });
                inits.push(quote!(#name: #rt::view::RepeatedView::empty(),));
                let start = format_ident!("start_{}", field.name.trim_start_matches("r#"));
                trackers.push(quote!(let mut #start = #rt::view::Position::END;));
                checks.push(quote! {
                    #number => #rt::view::check::<#codec>(&record, true, ctx) #err,
                });
                arms.push(quote! {
                    #number => {
                        #rt::view::check::<#codec>(&record, true, ctx) #err;
                        if #start == #rt::view::Position::END {
                            #start = position;
                        }
                    }
                });
                posts.push(quote! {
                    if #start != #rt::view::Position::END {
                        view.#name = #rt::view::RepeatedView::new(records.clone(), #number, #start);
                    }
                });
                if Self::replayed(&value) {
                    continue;
                }
                plain_numbers.push(number);
                let v = match &value {
                    Val::Message { .. } => self.to_owned(&value, quote!(&value)),
                    _ => self.to_owned(&value, quote!(value)),
                };
                owned_fields.push(if v.to_string() == "value" {
                    quote!(#name: self.#name.iter().collect(),)
                } else {
                    quote!(#name: self.#name.iter().map(|value| #v).collect(),)
                });
                continue;
            }
            let ty = self.value_type(&value);
            let implicit = field.features.presence == Presence::Implicit;
            if let Val::Message { repr, group, .. } = &value {
                let occ = format_ident!("occ_{}", field.name.trim_start_matches("r#"));
                trackers.push(quote!(let mut #occ = #rt::view::Occurrences::new();));
                struct_fields.push(quote! {
                    #[doc = #doc]
                    pub #name: ::core::option::Option<#ty>,
                });
                inits.push(quote!(#name: ::core::option::Option::None,));
                let inline = self.inline_view_type(&value);
                checks.push(quote! {
                    #number => #rt::view::check_message::<#inline>(&record, #group, ctx) #err,
                });
                match repr {
                    MessageRepr::Lazy(_) => {
                        arms.push(quote! {
                            #number => {
                                #rt::view::check_message::<#inline>(&record, #group, ctx) #err;
                                #occ.add(&record, position);
                            }
                        });
                        posts.push(quote! {
                            view.#name = #occ.records(&records, #number).map(#rt::view::LazyView::new);
                        });
                    }
                    _ => {
                        arms.push(quote! {
                            #number => {
                                let value = #rt::view::message::<#inline>(&record, #group, ctx) #err;
                                if #occ.add(&record, position) {
                                    view.#name = ::core::option::Option::Some(value);
                                }
                            }
                        });
                        posts.push(quote! {
                            if let ::core::option::Option::Some(merged) = #occ.merged(&records, #number) {
                                view.#name = ::core::option::Option::Some(
                                    <#inline as #rt::view::MessageView<'a>>::parse(merged, ctx.enter()?) #err,
                                );
                            }
                        });
                    }
                }
                plain_numbers.push(number);
                let v = self.to_owned(&value, quote!(value));
                owned_fields.push(quote!(#name: self.#name.as_ref().map(|value| #v),));
                continue;
            }
            let codec = self.codec(&value);
            let read = quote!(<#codec as #rt::view::ViewCodec<'a>>::read(&record));
            let (field_ty, init, assign) = if implicit {
                (
                    ty.clone(),
                    quote!(::core::default::Default::default()),
                    quote!(view.#name = #read.unwrap_or_default();),
                )
            } else if matches!(value, Val::ClosedEnum(_)) {
                (
                    quote!(::core::option::Option<#ty>),
                    quote!(::core::option::Option::None),
                    quote! {
                        if let ::core::option::Option::Some(value) = #read {
                            view.#name = ::core::option::Option::Some(value);
                        }
                    },
                )
            } else {
                (
                    quote!(::core::option::Option<#ty>),
                    quote!(::core::option::Option::None),
                    quote!(view.#name = #read;),
                )
            };
            struct_fields.push(quote! {
                #[doc = #doc]
                pub #name: #field_ty,
            });
            inits.push(quote!(#name: #init,));
            checks.push(quote! {
                #number => #rt::view::check::<#codec>(&record, false, ctx) #err,
            });
            arms.push(quote! {
                #number => {
                    #rt::view::check::<#codec>(&record, false, ctx) #err;
                    #assign
                }
            });
            if Self::replayed(&value) {
                continue;
            }
            plain_numbers.push(number);
            let conv = self.to_owned(&value, quote!(value));
            owned_fields.push(if implicit {
                let conv = self.to_owned(&value, quote!(self.#name));
                quote!(#name: #conv,)
            } else if conv.to_string() == "value" {
                quote!(#name: self.#name,)
            } else {
                quote!(#name: self.#name.map(|value| #conv),)
            });
        }

        // Oneofs: a borrowed enum in the nested module.
        let mut nested_scope = self.sibling_names_of_nested(full_name, message)?;
        for (index, field_name, members) in &oneofs {
            let enum_name = info
                .oneof_names
                .get(*index)
                .cloned()
                .unwrap_or_else(|| escape(&camel(field_name)));
            let enum_ident = ident(&enum_name);
            let mut view_enum = format!("{}View", enum_name.trim_start_matches("r#"));
            while nested_scope.contains(&view_enum) {
                view_enum.push('_');
            }
            nested_scope.insert(view_enum.clone());
            let view_enum = ident(&view_enum);
            let oneof_name = message
                .oneof_decl
                .get(*index)
                .map(|o| o.name())
                .unwrap_or_default();
            let name = ident(field_name);
            let doc = format!(" The oneof `{oneof_name}`.");
            // The enum borrows only if a member does.
            let mut borrows = false;
            for member in members {
                let value = self.value(
                    member.desc,
                    member.features,
                    &member.full_name,
                    Some(full_name),
                    &module,
                )?;
                borrows |= matches!(
                    value,
                    Val::Str { .. } | Val::Bytes { .. } | Val::Message { .. }
                );
            }
            let lifetime = borrows.then(|| quote!(<'a>));
            struct_fields.push(quote! {
                #[doc = #doc]
                pub #name: ::core::option::Option<#nested_ident::#view_enum #lifetime>,
            });
            inits.push(quote!(#name: ::core::option::Option::None,));
            let occ = format_ident!("occ_{}", field_name.trim_start_matches("r#"));
            let mut variants = Vec::new();
            let mut owned_arms = Vec::new();
            let mut split_arms = Vec::new();
            let mut replayed = false;
            let mut has_message = false;
            for member in members {
                let variant = ident(&member.name);
                let number = Literal::u32_unsuffixed(member.desc.number() as u32);
                known_numbers.push(number.clone());
                let member_name = member.desc.name();
                let err = quote!(.map_err(|error| error.push(NAME, #member_name))?);
                let inner = self.value(
                    member.desc,
                    member.features,
                    &member.full_name,
                    Some(full_name),
                    &inner_module,
                )?;
                let outer = self.value(
                    member.desc,
                    member.features,
                    &member.full_name,
                    Some(full_name),
                    &module,
                )?;
                replayed |= Self::replayed(&outer);
                let ty = self.value_type(&inner);
                let doc = format!(" The member `{member_name}`.");
                variants.push(quote!(#[doc = #doc] #variant(#ty),));
                let path = quote!(#nested_ident::#view_enum::#variant);
                let owned_path = quote!(#nested_ident::#enum_ident::#variant);
                let is_copy = !matches!(outer, Val::Message { .. } | Val::Bytes { .. });
                let v = if is_copy {
                    self.to_owned(&outer, quote!(*value))
                } else {
                    self.to_owned(&outer, quote!(value))
                };
                owned_arms.push(quote!(#path(value) => #owned_path(#v),));
                match &outer {
                    Val::Message { repr, group, .. } => {
                        has_message = true;
                        let inline = self.inline_view_type(&outer);
                        let (fresh, read) = match repr {
                            MessageRepr::Lazy(_) => (
                                quote! {
                                    #rt::view::LazyView::new(#rt::view::Records::new(record.value))
                                },
                                quote!(#rt::view::check_message::<#inline>(&record, #group, ctx) #err;),
                            ),
                            _ => (
                                quote!(value),
                                quote!(let value = #rt::view::message::<#inline>(&record, #group, ctx) #err;),
                            ),
                        };
                        checks.push(quote! {
                            #number => #rt::view::check_message::<#inline>(&record, #group, ctx) #err,
                        });
                        arms.push(quote! {
                            #number => {
                                #read
                                if ::core::matches!(view.#name, ::core::option::Option::Some(#path(_))) {
                                    #occ.add(&record, position);
                                } else {
                                    #occ.reset();
                                    #occ.add(&record, position);
                                    view.#name = ::core::option::Option::Some(#path(#fresh));
                                }
                            }
                        });
                        let merged = match repr {
                            MessageRepr::Lazy(_) => quote!(#rt::view::LazyView::new(merged)),
                            _ => {
                                quote!(<#inline as #rt::view::MessageView<'a>>::parse(merged, ctx.enter()?) #err)
                            }
                        };
                        split_arms.push(quote! {
                            ::core::option::Option::Some(#path(value)) => {
                                if let ::core::option::Option::Some(merged) = #occ.merged(&records, #number) {
                                    *value = #merged;
                                }
                            }
                        });
                    }
                    _ => {
                        let codec = self.codec(&outer);
                        let read = quote!(<#codec as #rt::view::ViewCodec<'a>>::read(&record));
                        let set = if matches!(outer, Val::Str { verified: false }) {
                            quote! {
                                match #read {
                                    ::core::option::Option::Some(value) => {
                                        view.#name = ::core::option::Option::Some(#path(value));
                                        #occ.reset();
                                    }
                                    ::core::option::Option::None => {
                                        if ::core::matches!(view.#name, ::core::option::Option::Some(#path(_))) {
                                            view.#name = ::core::option::Option::None;
                                        }
                                    }
                                }
                            }
                        } else {
                            quote! {
                                if let ::core::option::Option::Some(value) = #read {
                                    view.#name = ::core::option::Option::Some(#path(value));
                                    #occ.reset();
                                }
                            }
                        };
                        checks.push(quote! {
                            #number => #rt::view::check::<#codec>(&record, false, ctx) #err,
                        });
                        arms.push(quote! {
                            #number => {
                                #rt::view::check::<#codec>(&record, false, ctx) #err;
                                #set
                            }
                        });
                    }
                }
            }
            trackers.push(quote!(let mut #occ = #rt::view::Occurrences::new();));
            if has_message {
                posts.push(quote! {
                    #[allow(clippy::single_match)]
                    match &mut view.#name {
                        #(#split_arms)*
                        _ => {}
                    }
                });
            }
            let enum_doc = format!(
                " A borrowed view of the oneof `{}.{oneof_name}`.",
                bare_name
            );
            nested.extend(quote! {
                #[doc = #enum_doc]
                #[derive(Clone, Debug)]
                #[allow(deprecated, clippy::large_enum_variant, clippy::enum_variant_names)]
                pub enum #view_enum #lifetime {
                    #(#variants)*
                }
            });
            if !replayed {
                for member in members {
                    plain_numbers.push(Literal::u32_unsuffixed(member.desc.number() as u32));
                }
                owned_fields.push(quote! {
                    #name: self.#name.as_ref().map(|value| match value { #(#owned_arms)* }),
                });
            }
        }

        // Verified string extensions: checked as the owned message checks them.
        for number in self.verified_string_extensions(full_name) {
            let number = Literal::u32_unsuffixed(number);
            let arm = quote! {
                #number => #rt::view::check_verified_extension(&record)?,
            };
            checks.push(arm.clone());
            arms.push(arm);
        }

        let struct_doc = format!(
            " A borrowed, zero-copy view of an encoded [`{}`] (`{bare_name}`): strings, bytes \
             and repeated fields point into the input. Made by [`{}::decode`], which checks \
             the whole input first; [`{}::to_owned_message`] gives the owned message.",
            info.rust_name.trim_start_matches("r#"),
            view_name,
            view_name,
        );
        let known = if known_numbers.is_empty() {
            quote!(let _ = number; false)
        } else {
            quote!(::core::matches!(number, #(#known_numbers)|*))
        };
        let replayed = if plain_numbers.is_empty() {
            quote!(let _ = number; true)
        } else {
            quote!(!::core::matches!(number, #(#plain_numbers)|*))
        };
        let scan = if arms.is_empty() {
            quote! {
                let mut scan = records.scan(ctx);
                while scan.next()?.is_some() {}
            }
        } else {
            quote! {
                let mut scan = records.scan(ctx);
                while let ::core::option::Option::Some((position, record)) = scan.next()? {
                    let _ = position;
                    match record.number {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        };
        let check_scan = if checks.is_empty() {
            quote! {
                let mut scan = records.scan(ctx);
                while scan.next()?.is_some() {}
            }
        } else {
            quote! {
                let mut scan = records.scan(ctx);
                while let ::core::option::Option::Some((_, record)) = scan.next()? {
                    match record.number {
                        #(#checks)*
                        _ => {}
                    }
                }
            }
        };
        let owned = if owned_fields.is_empty() {
            quote!(<#owned_name as ::core::default::Default>::default())
        } else {
            quote! {
                #owned_name {
                    #(#owned_fields)*
                    ..::core::default::Default::default()
                }
            }
        };
        let view_mut = if inits.is_empty() {
            TokenStream::new()
        } else {
            quote!(mut)
        };
        let owned_doc = format!(
            " The owned [`{}`] with the same content.",
            info.rust_name.trim_start_matches("r#")
        );
        let outer = quote! {
            #[doc = #struct_doc]
            #[derive(Clone, Debug)]
            #[allow(deprecated)]
            pub struct #view_name<'a> {
                #(#struct_fields)*
                __records: #rt::view::Records<'a>,
            }

            #[allow(deprecated, clippy::manual_range_patterns)]
            impl<'a> #view_name<'a> {
                /// Decodes a view of all of `buf`, checking every byte up front as the owned
                /// decoder does (see `protoforge::view::MessageView::decode`).
                pub fn decode(buf: &'a [u8]) -> ::core::result::Result<Self, #rt::DecodeError> {
                    <Self as #rt::view::MessageView<'a>>::decode(buf)
                }

                #[doc = #owned_doc]
                pub fn to_owned_message(&self) -> #owned_name {
                    <Self as #rt::view::MessageView<'a>>::to_owned_message(self)
                }

                /// The fields this message does not know (extensions included), raw, in
                /// wire order.
                pub fn unknown_fields(&self) -> #rt::view::UnknownRecords<'a, '_> {
                    #rt::view::UnknownRecords::new(&self.__records, Self::known)
                }

                /// Whether field `number` is a field of this message.
                fn known(number: u32) -> bool {
                    #known
                }

                /// Whether `to_owned_message` replays the records of field `number` through
                /// the owned message's decoder instead of converting the view's value.
                fn replayed(number: u32) -> bool {
                    #replayed
                }
            }

            #[allow(deprecated, clippy::redundant_closure, clippy::single_match)]
            impl<'a> #rt::view::MessageView<'a> for #view_name<'a> {
                type Owned = #owned_name;

                fn parse(
                    records: #rt::view::Records<'a>,
                    ctx: #rt::encoding::DecodeContext,
                ) -> ::core::result::Result<Self, #rt::DecodeError> {
                    const NAME: &str = #proto_name;
                    let #view_mut view = #view_name {
                        #(#inits)*
                        __records: records.clone(),
                    };
                    #(#trackers)*
                    #scan
                    #(#posts)*
                    let _ = NAME;
                    ::core::result::Result::Ok(view)
                }

                fn check(
                    records: &#rt::view::Records<'a>,
                    ctx: #rt::encoding::DecodeContext,
                ) -> ::core::result::Result<(), #rt::DecodeError> {
                    const NAME: &str = #proto_name;
                    #check_scan
                    let _ = NAME;
                    ::core::result::Result::Ok(())
                }

                fn to_owned_message(&self) -> #owned_name {
                    let mut owned = #owned;
                    #rt::view::replay(&mut owned, &self.__records, Self::replayed);
                    owned
                }

                fn records(&self) -> &#rt::view::Records<'a> {
                    &self.__records
                }
            }

            #[allow(deprecated)]
            impl ::core::convert::From<#view_name<'_>> for #owned_name {
                fn from(view: #view_name<'_>) -> #owned_name {
                    view.to_owned_message()
                }
            }
        };
        Ok(MessageViews { outer, nested })
    }

    /// The Rust names taken in the nested module of `full_name`: its nested types, oneof
    /// enums and the views of its nested messages.
    fn sibling_names_of_nested(
        &self,
        full_name: &str,
        message: &DescriptorProto,
    ) -> Result<HashSet<String>, Error> {
        let mut taken = HashSet::new();
        for nested in &message.nested_type {
            let nested_full = format!("{full_name}.{}", nested.name());
            taken.insert(self.pool.get(&nested_full)?.rust_name.clone());
            if self.has_view(&nested_full) {
                taken.insert(self.view_name(&nested_full)?);
            }
        }
        for nested in &message.enum_type {
            taken.insert(
                self.pool
                    .get(&format!("{full_name}.{}", nested.name()))?
                    .rust_name
                    .clone(),
            );
        }
        taken.extend(self.pool.get(full_name)?.oneof_names.iter().cloned());
        Ok(taken)
    }
}
