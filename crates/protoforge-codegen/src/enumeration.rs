//! The enum emitter: a `#[repr(i32)]` Rust enum per protobuf enum (one variant per distinct
//! number, aliases as associated constants), with name lookups and the `i32` conversions.

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::EnumDescriptorProto;
use quote::quote;

use crate::Error;
use crate::generate::{Ctx, deprecated};
use crate::names::{Scope, ident, variant};
use crate::pool::Kind;

impl<'a> Ctx<'a> {
    fn enum_descriptor(&self, full_name: &str) -> Result<&'a EnumDescriptorProto, Error> {
        match self.pool.get(full_name)?.kind {
            Kind::Enum(e) => Ok(e),
            Kind::Message(_) => Err(Error::new(format!("`{full_name}` is not an enum"))),
        }
    }

    fn enum_value_number(&self, full_name: &str, value: &str) -> Result<i32, Error> {
        self.enum_descriptor(full_name)?
            .value
            .iter()
            .find(|v| v.name() == value)
            .map(|v| v.number())
            .ok_or_else(|| Error::new(format!("enum `{full_name}` has no value `{value}`")))
    }

    /// The variant ident standing for value `value` (by name) of enum `full_name`.
    pub(crate) fn enum_variant_for(
        &self,
        full_name: &str,
        value: &str,
    ) -> Result<proc_macro2::Ident, Error> {
        let number = self.enum_value_number(full_name, value)?;
        let descriptor = self.enum_descriptor(full_name)?;
        let (variants, _) = enum_names(descriptor);
        variants
            .into_iter()
            .find(|(_, n, _)| *n == number)
            .map(|(name, _, _)| ident(&name))
            .ok_or_else(|| Error::new(format!("enum `{full_name}` has no value `{value}`")))
    }

    /// A Rust enum for the protobuf enum `full_name`.
    pub(crate) fn enumeration(&self, full_name: &str) -> Result<TokenStream, Error> {
        let info = self.pool.get(full_name)?;
        let Kind::Enum(descriptor) = info.kind else {
            return Err(Error::new(format!("`{full_name}` is not an enum")));
        };
        let rt = self.rt();
        let name = ident(&info.rust_name);
        let bare_name = &full_name[1..];
        let (variants, aliases) = enum_names(descriptor);
        let Some(first) = variants.first() else {
            return Err(Error::new(format!("enum `{full_name}` has no values")));
        };
        let first_number = first.1;
        // Impls naming a deprecated enum or value allow it; others need not.
        let allow_deprecated = (descriptor.options.as_ref().and_then(|o| o.deprecated)
            == Some(true)
            || descriptor
                .value
                .iter()
                .any(|v| v.options.as_ref().and_then(|o| o.deprecated) == Some(true)))
        .then(|| quote!(#[allow(deprecated)]));
        let mut variant_tokens = Vec::new();
        for (variant, number, index) in &variants {
            let value = &descriptor.value[*index];
            let mut path = info.source_path.clone();
            path.extend([2, *index as i32]);
            let value_full = format!("{full_name}.{}", value.name());
            let mut docs = self.docs(info.file, &path, &value_full);
            if docs.is_empty() {
                let doc = format!(" The value `{}` ({number}).", value.name());
                docs = quote!(#[doc = #doc]);
            }
            let deprecated = deprecated(value.options.as_ref().and_then(|o| o.deprecated));
            let default = if *number == first_number {
                quote!(#[default])
            } else {
                TokenStream::new()
            };
            let v = ident(variant);
            let n = Literal::i32_unsuffixed(*number);
            variant_tokens.push(quote!(#docs #deprecated #default #v = #n,));
        }
        let alias_consts = aliases.iter().map(|(alias, target, proto)| {
            let a = ident(alias);
            let t = ident(target);
            let doc = format!(" `{proto}`, an alias of [`Self::{target}`].");
            quote! {
                #[doc = #doc]
                #[allow(non_upper_case_globals)]
                pub const #a: Self = Self::#t;
            }
        });
        let as_str = variants.iter().map(|(variant, _, index)| {
            let v = ident(variant);
            let proto = descriptor.value[*index].name();
            quote!(Self::#v => #proto,)
        });
        let from_str = descriptor.value.iter().map(|value| {
            let target = variants
                .iter()
                .find(|(_, n, _)| *n == value.number())
                .map(|(v, _, _)| ident(v));
            let proto = value.name();
            quote!(#proto => ::core::option::Option::Some(Self::#target),)
        });
        let try_from = variants.iter().map(|(variant, number, _)| {
            let v = ident(variant);
            let n = Literal::i32_unsuffixed(*number);
            quote!(#n => ::core::result::Result::Ok(Self::#v),)
        });
        let docs = {
            let docs = self.docs(info.file, &info.source_path, full_name);
            if docs.is_empty() {
                let doc = if info.features.closed_enum {
                    format!(" The protobuf enum `{bare_name}` (closed).")
                } else {
                    format!(
                        " The protobuf enum `{bare_name}` (open: fields hold it as `EnumValue`, \
                         which keeps numbers it does not name)."
                    )
                };
                quote!(#[doc = #doc])
            } else {
                docs
            }
        };
        let type_attrs = self.attributes(&self.config.type_attributes, full_name)?;
        let enum_attrs = self.attributes(&self.config.enum_attributes, full_name)?;
        let deprecated = deprecated(descriptor.options.as_ref().and_then(|o| o.deprecated));
        Ok(quote! {
            #docs
            #deprecated
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
            #type_attrs
            #enum_attrs
            #[repr(i32)]
            #[allow(clippy::enum_variant_names)]
            pub enum #name {
                #(#variant_tokens)*
            }

            #allow_deprecated
            impl #name {
                /// The fully qualified protobuf name of this enum.
                pub const FULL_NAME: &'static str = #bare_name;

                #(#alias_consts)*

                /// The value's name in the .proto file.
                pub fn as_str_name(&self) -> &'static str {
                    match self {
                        #(#as_str)*
                    }
                }

                /// The value with this name in the .proto file (aliases included).
                pub fn from_str_name(value: &str) -> ::core::option::Option<Self> {
                    match value {
                        #(#from_str)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            #allow_deprecated
            impl ::core::convert::TryFrom<i32> for #name {
                type Error = #rt::UnknownEnumValue;

                fn try_from(value: i32) -> ::core::result::Result<Self, #rt::UnknownEnumValue> {
                    match value {
                        #(#try_from)*
                        _ => ::core::result::Result::Err(#rt::UnknownEnumValue(value)),
                    }
                }
            }

            #allow_deprecated
            impl ::core::convert::From<#name> for i32 {
                fn from(value: #name) -> i32 {
                    value as i32
                }
            }

            impl #rt::Enumeration for #name {}
        })
    }
}

/// The variants (name, number, value index) of an enum, one per distinct number, and its
/// aliases (name, target variant, proto name).
#[allow(clippy::type_complexity)]
fn enum_names(
    descriptor: &EnumDescriptorProto,
) -> (Vec<(String, i32, usize)>, Vec<(String, String, String)>) {
    let mut scope = Scope::with_reserved(&["FULL_NAME"]);
    let mut variants: Vec<(String, i32, usize)> = Vec::new();
    let mut aliases = Vec::new();
    for (index, value) in descriptor.value.iter().enumerate() {
        let name = scope.alloc(&variant(descriptor.name(), value.name()));
        match variants.iter().find(|(_, n, _)| *n == value.number()) {
            Some((target, _, _)) => aliases.push((name, target.clone(), value.name().to_string())),
            None => variants.push((name, value.number(), index)),
        }
    }
    (variants, aliases)
}
