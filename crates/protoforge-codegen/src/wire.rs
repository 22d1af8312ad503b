//! The wire side of a message's impls: the statements of `visit_fields` and the arms of
//! `merge_field` for plain fields and oneof members, and the codec types those bodies name
//! (with the `use ...::codec;` import each body gets only when it names one).

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::field_descriptor_proto::Label;
use quote::{format_ident, quote};

use crate::Error;
use crate::generate::Ctx;
use crate::names::ident;
use crate::plan::{FieldGen, ValueKind, is_string};
use crate::pool::Presence;

impl<'a> Ctx<'a> {
    /// The codec type of one value, under `codec` (the runtime's `encoding::codec` module,
    /// as the use site names it).
    pub(crate) fn codec(&self, value: &ValueKind, codec: &TokenStream) -> TokenStream {
        match value {
            ValueKind::Scalar { codec: name, .. } => {
                let name = format_ident!("{}", name);
                quote!(#codec::#name)
            }
            ValueKind::OpenEnum(path) => quote!(#codec::OpenEnum<#path>),
            ValueKind::ClosedEnum(path) => quote!(#codec::Enum<#path>),
            ValueKind::Message { ty, .. } => quote!(#codec::Message<#ty>),
        }
    }

    /// The codec type of one value as a message's method bodies name it; notes that the
    /// body uses the `codec` module. Enum and message codecs leave their type to the
    /// compiler (`codec::Message<_>`): the field they are called with names it.
    pub(crate) fn body_codec(&self, value: &ValueKind) -> TokenStream {
        self.codec_used.set(true);
        let codec = &self.codec_path;
        match value {
            ValueKind::OpenEnum(_) => quote!(#codec::OpenEnum<_>),
            ValueKind::ClosedEnum(_) => quote!(#codec::Enum<_>),
            ValueKind::Message { .. } => quote!(#codec::Message<_>),
            ValueKind::Scalar { .. } => self.codec(value, codec),
        }
    }

    /// Runs `emit`, setting `*used` if what it emits names a codec.
    pub(crate) fn tracking_codec<T>(&self, used: &mut bool, emit: impl FnOnce() -> T) -> T {
        self.codec_used.set(false);
        let out = emit();
        *used |= self.codec_used.get();
        out
    }

    /// The import a method body starts with: `use <runtime>::encoding::codec;` when the body
    /// names codecs by the short name.
    pub(crate) fn codec_import(&self, used: bool) -> TokenStream {
        let rt = self.rt();
        if used && self.codec_imported {
            quote!(use #rt::encoding::codec;)
        } else {
            TokenStream::new()
        }
    }

    /// The `number` literal of a field.
    pub(crate) fn number(field: &FieldGen<'_>) -> Literal {
        Literal::u32_unsuffixed(field.desc.number() as u32)
    }

    /// The statement of `visit_fields` for a plain field.
    pub(crate) fn visit_field(&self, field: &FieldGen<'_>) -> Result<TokenStream, Error> {
        let name = ident(&field.name);
        let number = Self::number(field);
        if let Some((key, value)) = &field.map {
            let (key, value) = (self.body_codec(key), self.body_codec(value));
            return Ok(quote!(v.map::<#key, #value, _>(#number, &self.#name);));
        }
        let repeated = field.desc.label() == Label::Repeated;
        Ok(match (&field.value, repeated) {
            (ValueKind::Message { group: false, .. }, true) => {
                quote!(v.messages(#number, &self.#name);)
            }
            (ValueKind::Message { group: true, .. }, true) => {
                quote!(v.groups(#number, &self.#name);)
            }
            (ValueKind::Message { group, boxed, .. }, false) => {
                let value = optional_message(&name, *boxed);
                if *group {
                    quote!(v.optional_group(#number, #value);)
                } else {
                    quote!(v.optional_message(#number, #value);)
                }
            }
            (value, true) => {
                let codec = self.body_codec(value);
                if field.features.packed && value.packable() {
                    quote!(v.packed::<#codec>(#number, &self.#name);)
                } else {
                    quote!(v.repeated::<#codec>(#number, &self.#name);)
                }
            }
            (value, false) => {
                let codec = self.body_codec(value);
                if field.features.presence == Presence::Implicit {
                    quote!(v.implicit::<#codec>(#number, &self.#name);)
                } else {
                    quote!(v.optional::<#codec>(#number, &self.#name);)
                }
            }
        })
    }

    /// The arm of `merge_field` for a plain field. Errors get the field's name in their path
    /// from `Message::FIELD_NAMES`, added by the decode loop, so the arms return them as they
    /// are.
    pub(crate) fn merge_field(&self, field: &FieldGen<'_>) -> Result<TokenStream, Error> {
        let unknown = &field.unknown;
        let name = ident(&field.name);
        let number = Self::number(field);
        if let Some((key, value)) = &field.map {
            // Maps whose string key or value protobuf does not verify keep an entry that is
            // not valid UTF-8, whole, as an unknown field; so do closed-enum maps for an entry
            // whose value the enum does not know.
            let verify = field.features.verify_utf8 || !(is_string(key) || is_string(value));
            let key_codec = self.body_codec(key);
            let call = match value {
                ValueKind::ClosedEnum(_) => quote! {
                    field.closed_enum_map::<#key_codec, _>(&mut self.#name, #unknown, #verify)
                },
                other if verify => {
                    let value_codec = self.body_codec(other);
                    quote!(field.map::<#key_codec, #value_codec>(&mut self.#name))
                }
                other => {
                    let value_codec = self.body_codec(other);
                    quote! {
                        field.unverified_map::<#key_codec, #value_codec>(&mut self.#name, #unknown)
                    }
                }
            };
            return Ok(quote!(#number => #call,));
        }
        let repeated = field.desc.label() == Label::Repeated;
        let implicit = field.features.presence == Presence::Implicit;
        let call = match &field.value {
            value if is_string(value) && !field.features.verify_utf8 => {
                let method = if repeated {
                    "unverified_strings"
                } else if implicit {
                    "unverified_implicit_string"
                } else {
                    "unverified_string"
                };
                let method = format_ident!("{}", method);
                quote!(field.#method(&mut self.#name, #unknown))
            }
            ValueKind::ClosedEnum(_) => {
                let method = format_ident!(
                    "{}",
                    if repeated {
                        "closed_enums"
                    } else {
                        "closed_enum"
                    }
                );
                quote!(field.#method(&mut self.#name, #unknown))
            }
            ValueKind::Message { group, boxed, .. } => {
                let method = match (group, boxed, repeated) {
                    (false, _, true) => "messages",
                    (true, _, true) => "groups",
                    (false, false, false) => "optional_message",
                    (false, true, false) => "boxed_message",
                    (true, false, false) => "optional_group",
                    (true, true, false) => "boxed_group",
                };
                let method = format_ident!("{}", method);
                quote!(field.#method(&mut self.#name))
            }
            value => {
                let codec = self.body_codec(value);
                let method = if repeated {
                    "merge_repeated"
                } else if implicit {
                    "merge"
                } else {
                    "merge_optional"
                };
                let method = format_ident!("{}", method);
                quote!(field.#method::<#codec>(&mut self.#name))
            }
        };
        Ok(quote!(#number => #call,))
    }

    /// The call visiting one oneof member held in `value`.
    fn visit_oneof_member(&self, field: &FieldGen<'_>) -> TokenStream {
        let number = Self::number(field);
        match &field.value {
            ValueKind::Message { group, boxed, .. } => {
                let value = if *boxed {
                    quote!(&**value)
                } else {
                    quote!(value)
                };
                if *group {
                    quote!(v.group(#number, #value))
                } else {
                    quote!(v.message(#number, #value))
                }
            }
            other => {
                let codec = self.body_codec(other);
                quote!(v.value::<#codec>(#number, value))
            }
        }
    }

    /// The statement of `visit_fields` for `members` of a oneof (all of them, or one whose
    /// number is not next to the others').
    pub(crate) fn visit_oneof(
        &self,
        oneof_field: &str,
        nested: &proc_macro2::Ident,
        enum_name: &str,
        members: &[(usize, FieldGen<'_>)],
        partial: bool,
    ) -> TokenStream {
        let oneof = ident(oneof_field);
        let enum_ident = ident(enum_name);
        if let [(_, field)] = members {
            let variant = ident(&field.name);
            let call = self.visit_oneof_member(field);
            return quote! {
                if let ::core::option::Option::Some(#nested::#enum_ident::#variant(value)) = &self.#oneof {
                    #call;
                }
            };
        }
        let arms = members.iter().map(|(_, field)| {
            let variant = ident(&field.name);
            let call = self.visit_oneof_member(field);
            quote!(#nested::#enum_ident::#variant(value) => #call,)
        });
        // Members written apart from the others leave them to their own statements.
        let rest = partial.then(|| quote!(_ => {}));
        quote! {
            if let ::core::option::Option::Some(oneof) = &self.#oneof {
                match oneof {
                    #(#arms)*
                    #rest
                }
            }
        }
    }

    /// The arm of `merge_field` for one member of a oneof.
    pub(crate) fn merge_oneof_member(
        &self,
        field: &FieldGen<'_>,
        oneof_field: &str,
        nested: &proc_macro2::Ident,
        enum_name: &str,
        cleanup: &TokenStream,
    ) -> TokenStream {
        let unknown = &field.unknown;
        let oneof = ident(oneof_field);
        let enum_ident = ident(enum_name);
        let variant = ident(&field.name);
        let number = Self::number(field);
        let path = quote!(#nested::#enum_ident::#variant);
        let call = match &field.value {
            value if is_string(value) && !field.features.verify_utf8 => quote! {
                field.oneof_unverified_string(
                    &mut self.#oneof,
                    #path,
                    |member| ::core::matches!(member, #path(_)),
                    #unknown,
                )
            },
            ValueKind::ClosedEnum(_) => quote! {
                field.oneof_closed_enum(&mut self.#oneof, #path, #unknown)
            },
            // A member that is already set is merged into; another one is read fresh.
            ValueKind::Message { group, boxed, .. } => {
                let (merge, fresh) = match (group, boxed) {
                    (false, false) => ("message", "oneof_message"),
                    (false, true) => ("message", "oneof_boxed_message"),
                    (true, false) => ("group", "oneof_group"),
                    (true, true) => ("group", "oneof_boxed_group"),
                };
                let (merge, fresh) = (format_ident!("{}", merge), format_ident!("{}", fresh));
                let existing = if *boxed {
                    quote!(&mut **value)
                } else {
                    quote!(value)
                };
                quote! {
                    if let ::core::option::Option::Some(#path(value)) = &mut self.#oneof {
                        field.#merge(#existing)
                    } else {
                        field.#fresh(&mut self.#oneof, #path)
                    }
                }
            }
            value => {
                let codec = self.body_codec(value);
                quote!(field.oneof::<#codec, _>(&mut self.#oneof, #path))
            }
        };
        if cleanup.is_empty() {
            quote!(#number => #call,)
        } else {
            quote!(#number => { #cleanup #call })
        }
    }
}

/// An optional sub-message field as the `Option<&M>` the `encoding` functions take.
fn optional_message(name: &proc_macro2::Ident, boxed: bool) -> TokenStream {
    if boxed {
        quote!(self.#name.as_deref())
    } else {
        quote!(self.#name.as_ref())
    }
}
