//! The message emitter: the struct, its inherent impl (getters, `is_initialized`), the
//! `Message` impl (`visit_fields`, `merge_field`, `check_initialized`), `Extendable`, `Name`,
//! the reflection and serde impls, and the nested module holding nested types, oneof enums,
//! views and extensions declared in the message.

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::field_descriptor_proto::Label;
use quote::quote;

use crate::Error;
use crate::generate::{Ctx, deprecated};
use crate::names::{Scope, ident};
use crate::plan::{FieldGen, ValueKind, is_string};
use crate::pool::{Kind, Presence, package_module};

impl<'a> Ctx<'a> {
    /// The struct, impls and nested module of the message `full_name`.
    pub(crate) fn message(&self, full_name: &str) -> Result<TokenStream, Error> {
        let info = self.pool.get(full_name)?;
        let Kind::Message(message) = info.kind else {
            return Err(Error::new(format!("`{full_name}` is not a message")));
        };
        if message.options.as_ref().is_some_and(|o| o.map_entry()) {
            return Ok(TokenStream::new());
        }
        let plan = self.message_plan(full_name)?;
        let rt = self.rt().clone();
        let name = ident(&plan.rust_name);
        let rust_name = plan.rust_name.trim_start_matches("r#");
        let module = &plan.module;
        let nested_ident = ident(&plan.nested_module);
        let file = plan.file;
        let source_path = &plan.source_path;
        let proto_name = message.name();
        let bare_name = &full_name[1..];
        let (plain, oneofs, keeps_unknown) = (&plan.plain, &plan.oneofs, plan.keeps_unknown);

        // Struct fields.
        let mut struct_fields = Vec::new();
        for (i, field) in plain {
            let mut path = source_path.clone();
            path.extend([2, *i as i32]);
            let docs = self.docs(file, &path, &field.full_name);
            let attrs = self.attributes(&self.config.field_attributes, &field.full_name)?;
            let deprecated = deprecated(field.desc.options.as_ref().and_then(|o| o.deprecated));
            let field_name = ident(&field.name);
            let ty = &field.rust_type;
            struct_fields.push(quote! {
                #docs
                #deprecated
                #attrs
                pub #field_name: #ty,
            });
        }
        let mut oneof_enums = Vec::new();
        for oneof in oneofs {
            let enum_ident = ident(&oneof.enum_name);
            let mut path = source_path.clone();
            path.extend([8, oneof.index as i32]);
            let docs = self.docs(file, &path, &oneof.full_name);
            let attrs = self.attributes(&self.config.field_attributes, &oneof.full_name)?;
            let field_ident = ident(&oneof.field);
            struct_fields.push(quote! {
                #docs
                #attrs
                pub #field_ident: ::core::option::Option<#nested_ident::#enum_ident>,
            });
            oneof_enums.push(self.oneof(file, source_path, oneof)?);
        }

        // visit_fields, merge_field: fields in number order. A oneof whose
        // members are adjacent in that order is written by one `match`.
        let order = &plan.order;
        let mut field_names: Vec<(u32, String)> = Vec::new();
        let mut visit = Vec::new();
        let mut merge = Vec::new();
        // Whether each body names a codec, for its import.
        let (mut visit_codec, mut merge_codec) = (false, false);
        for (position, &(kind, slot)) in order.iter().enumerate() {
            if kind == 0 {
                let field = &plain[slot].1;
                field_names.push((field.desc.number() as u32, field.desc.name().to_string()));
                visit.push(self.tracking_codec(&mut visit_codec, || self.visit_field(field))?);
                merge.push(self.tracking_codec(&mut merge_codec, || self.merge_field(field))?);
            } else {
                let oneof = &oneofs[kind - 1];
                let (oneof_field, enum_name, members) =
                    (&oneof.field, &oneof.enum_name, &oneof.members);
                let field = &members[slot].1;
                field_names.push((field.desc.number() as u32, field.desc.name().to_string()));
                if !oneof.adjacent {
                    let member = std::slice::from_ref(&members[slot]);
                    visit.push(self.tracking_codec(&mut visit_codec, || {
                        self.visit_oneof(oneof_field, &nested_ident, enum_name, member, true)
                    }));
                } else if position == 0 || order[position - 1].0 != kind {
                    visit.push(self.tracking_codec(&mut visit_codec, || {
                        self.visit_oneof(oneof_field, &nested_ident, enum_name, members, false)
                    }));
                }
                // A oneof member that arrives replaces a member kept raw because it was not
                // valid UTF-8, so that the last member on the wire still wins when the raw
                // one is re-emitted after the known fields.
                let stale: Vec<Literal> = members
                    .iter()
                    .filter(|(_, m)| {
                        is_string(&m.value)
                            && !m.features.verify_utf8
                            && m.desc.number() != field.desc.number()
                    })
                    .map(|(_, m)| Literal::u32_unsuffixed(m.desc.number() as u32))
                    .collect();
                let cleanup = if stale.is_empty() || !keeps_unknown {
                    TokenStream::new()
                } else {
                    quote! {
                        if !self.unknown_fields.is_empty() {
                            #(self.unknown_fields.remove(#stale);)*
                        }
                    }
                };
                merge.push(self.tracking_codec(&mut merge_codec, || {
                    self.merge_oneof_member(field, oneof_field, &nested_ident, enum_name, &cleanup)
                }));
            }
        }
        for (arm, number, label) in self.verified_string_extension_arms(full_name) {
            merge.push(arm);
            field_names.push((number, label));
        }
        field_names.sort();

        // Getters and the required-field check.
        let mut getters = Vec::new();
        let mut checks = Vec::new();
        for (_, field) in plain {
            getters.push(self.getter(field)?);
            checks.extend(self.check(field)?);
        }
        for oneof in oneofs {
            let enum_ident = ident(&oneof.enum_name);
            let field_ident = ident(&oneof.field);
            for (_, member) in &oneof.members {
                let ValueKind::Message { ty, .. } = &member.value else {
                    continue;
                };
                if !self.may_miss_required(member.desc.type_name()) {
                    continue;
                }
                let v = ident(&member.name);
                let field_name = member.desc.name();
                checks.push(quote! {
                    if let ::core::option::Option::Some(#nested_ident::#enum_ident::#v(value)) = &self.#field_ident {
                        <#ty as #rt::Message>::check_initialized(value).map_err(|error| error.push(NAME, #field_name))?;
                    }
                });
            }
        }
        checks.extend(self.extension_checks(full_name, module)?);
        let (is_initialized, check_initialized) = if checks.is_empty() {
            (TokenStream::new(), TokenStream::new())
        } else {
            (
                quote! {
                    /// Whether every `required` field is set, here and in set sub-messages
                    /// and extensions (those declared in the files generated with this one);
                    /// `Message::check_initialized` says which is missing.
                    pub fn is_initialized(&self) -> bool {
                        #rt::Message::check_initialized(self).is_ok()
                    }
                },
                quote! {
                    fn check_initialized(&self) -> ::core::result::Result<(), #rt::DecodeError> {
                        const NAME: &str = #proto_name;
                        #(#checks)*
                        ::core::result::Result::Ok(())
                    }
                },
            )
        };
        let required_is_error = if self.config.required_is_decode_error {
            quote!(
                const REQUIRED_IS_DECODE_ERROR: bool = true;
            )
        } else {
            TokenStream::new()
        };
        let (visit_unknown, merge_unknown) = if !keeps_unknown {
            (TokenStream::new(), quote!(field.skip()))
        } else if plan.message_set {
            (
                quote!(v.message_set(&self.unknown_fields);),
                quote!(field.message_set(&mut self.unknown_fields)),
            )
        } else {
            (
                quote!(v.unknown(&self.unknown_fields);),
                quote!(field.unknown(&mut self.unknown_fields)),
            )
        };
        let visit_import = self.codec_import(visit_codec);
        let visit_body = quote!(#visit_import #(#visit)* #visit_unknown);
        let merge_import = self.codec_import(merge_codec);
        let merge_body = if merge.is_empty() {
            merge_unknown
        } else {
            quote! {
                #merge_import
                match field.number() {
                    #(#merge)*
                    _ => #merge_unknown,
                }
            }
        };
        // Decode errors name the field they happened in: `"Node: label=1 weight=2"`.
        let field_names_const = (!field_names.is_empty()).then(|| {
            let entries: Vec<String> = field_names
                .iter()
                .map(|(number, name)| format!("{name}={number}"))
                .collect();
            let text = format!("{proto_name}: {}", entries.join(" "));
            quote!(const FIELD_NAMES: &'static str = #text;)
        });
        let allow_deprecated = self
            .message_touches_deprecated(message)
            .then(|| quote!(#[allow(deprecated)]));
        let inherent = if getters.iter().all(TokenStream::is_empty) && is_initialized.is_empty() {
            TokenStream::new()
        } else {
            quote! {
                #allow_deprecated
                impl #name {
                    #(#getters)*
                    #is_initialized
                }
            }
        };
        let unknown_field = keeps_unknown.then(|| {
            quote! {
                /// Fields this message does not know (and extensions), re-emitted on encode.
                pub unknown_fields: #rt::UnknownFields,
            }
        });
        let mut docs = self.docs(file, source_path, full_name);
        if docs.is_empty() {
            let doc = format!(" The protobuf message `{bare_name}`.");
            docs = quote!(#[doc = #doc]);
        }
        let type_attrs = self.attributes(&self.config.type_attributes, full_name)?;
        let message_attrs = self.attributes(&self.config.message_attributes, full_name)?;
        let deprecated = deprecated(message.options.as_ref().and_then(|o| o.deprecated));
        let extendable = if message.extension_range.is_empty() {
            TokenStream::new()
        } else {
            quote! {
                #allow_deprecated
                impl #rt::Extendable for #name {
                    const FULL_NAME: &'static str = #bare_name;
                    fn extension_fields(&self) -> &#rt::UnknownFields {
                        &self.unknown_fields
                    }
                    fn extension_fields_mut(&mut self) -> &mut #rt::UnknownFields {
                        &mut self.unknown_fields
                    }
                }
            }
        };

        let package = self.pool.files[file].package();
        let reflection =
            self.message_reflection(&name, module, package, bare_name, &allow_deprecated);

        // The nested module: nested types, oneof enums, extensions declared in the message.
        let views = crate::view::message(&self.pool, self.config, self.rt(), full_name)?;
        let mut nested = views.nested;
        for child in &message.nested_type {
            nested.extend(self.message(&format!("{full_name}.{}", child.name()))?);
        }
        for child in &message.enum_type {
            nested.extend(self.enumeration(&format!("{full_name}.{}", child.name()))?);
        }
        for oneof in oneof_enums {
            nested.extend(oneof);
        }
        let mut consts = Scope::default();
        for (i, extension) in message.extension.iter().enumerate() {
            let mut path = source_path.clone();
            path.extend([6, i as i32]);
            nested.extend(self.extension(
                file,
                &path,
                extension,
                &plan.inner_module,
                &mut consts,
                full_name,
            )?);
        }
        let view_items = views.outer;
        let nested_module = if nested.is_empty() {
            TokenStream::new()
        } else {
            let doc = format!(" Nested types of `{bare_name}`.");
            quote! {
                #[doc = #doc]
                pub mod #nested_ident {
                    #nested
                }
            }
        };

        // `protoforge::Name`: the package and the name within it (`Outer.Inner`).
        let package = self.pool.files[file].package();
        let name_in_package = if package.is_empty() {
            bare_name
        } else {
            bare_name
                .strip_prefix(package)
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(bare_name)
        };
        let name_impl = quote! {
            #allow_deprecated
            impl #rt::Name for #name {
                const PACKAGE: &'static str = #package;
                const NAME: &'static str = #name_in_package;
            }
        };

        Ok(quote! {
            #docs
            #deprecated
            #[derive(Clone, PartialEq, Default)]
            #type_attrs
            #message_attrs
            #allow_deprecated
            pub struct #name {
                #(#struct_fields)*
                #unknown_field
            }

            #inherent

            #allow_deprecated
            impl #rt::Message for #name {
                #required_is_error
                #field_names_const

                fn visit_fields(&self, v: &mut impl #rt::encoding::Visitor) {
                    #visit_body
                }

                fn merge_field(
                    &mut self,
                    field: #rt::encoding::FieldInput<'_, impl #rt::bytes::Buf>,
                ) -> ::core::result::Result<(), #rt::DecodeError> {
                    #merge_body
                }

                #check_initialized
            }

            #allow_deprecated
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    #rt::encoding::debug_message(self, #rust_name, f)
                }
            }

            #extendable
            #name_impl
            #reflection
            #view_items
            #nested_module
        })
    }

    /// The `ReflectMessage` (and, with `serde`, serde) impls of a message.
    fn message_reflection(
        &self,
        name: &proc_macro2::Ident,
        module: &[String],
        package: &str,
        bare_name: &str,
        allow_deprecated: &Option<TokenStream>,
    ) -> TokenStream {
        if !self.config.reflect_enabled() {
            return TokenStream::new();
        }
        let rt = self.rt();
        let depth = module.len().saturating_sub(package_module(package).len());
        let supers = (0..depth).map(|_| quote!(super::));
        let missing = format!("`{bare_name}` is missing from the generated FILE_DESCRIPTOR_SET");
        let mut out = quote! {
            #allow_deprecated
            impl #rt::reflect::ReflectMessage for #name {
                /// The descriptor of this message from the package's `descriptor_pool()`.
                ///
                /// # Panics
                ///
                /// Never for generated code: the message is in the embedded descriptor set.
                #[allow(clippy::expect_used)]
                fn descriptor() -> #rt::reflect::MessageDescriptor {
                    #(#supers)* descriptor_pool()
                        .get_message_by_name(#bare_name)
                        .expect(#missing)
                }
            }
        };
        if self.config.serde {
            out.extend(quote! {
                #allow_deprecated
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(
                        &self,
                        serializer: S,
                    ) -> ::core::result::Result<S::Ok, S::Error> {
                        #rt::json::serialize_message(self, serializer)
                    }
                }

                #allow_deprecated
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(
                        deserializer: D,
                    ) -> ::core::result::Result<Self, D::Error> {
                        #rt::json::deserialize_message(deserializer)
                    }
                }
            });
        }
        out
    }

    /// The statements of `check_initialized` for a plain field.
    pub(crate) fn check(&self, field: &FieldGen<'_>) -> Result<Vec<TokenStream>, Error> {
        let rt = self.rt();
        let name = ident(&field.name);
        let field_name = field.desc.name();
        let err = quote!(.map_err(|error| error.push(NAME, #field_name))?;);
        let mut out = Vec::new();
        if field.features.presence == Presence::LegacyRequired {
            out.push(quote! {
                if self.#name.is_none() {
                    return ::core::result::Result::Err(
                        #rt::DecodeError::new(#rt::DecodeErrorKind::MissingRequired).push(NAME, #field_name),
                    );
                }
            });
        }
        if let Some((_, value)) = &field.map {
            if let ValueKind::Message { ty, .. } = value
                && let Some((_, value_desc)) = self.pool.map_entry(field.desc)
                && self.may_miss_required(value_desc.type_name())
            {
                out.push(quote! {
                    for value in self.#name.values() {
                        <#ty as #rt::Message>::check_initialized(value) #err
                    }
                });
            }
            return Ok(out);
        }
        if let ValueKind::Message { ty, .. } = &field.value
            && self.may_miss_required(field.desc.type_name())
        {
            out.push(if field.desc.label() == Label::Repeated {
                quote! {
                    for value in &self.#name {
                        <#ty as #rt::Message>::check_initialized(value) #err
                    }
                }
            } else {
                quote! {
                    if let ::core::option::Option::Some(value) = &self.#name {
                        <#ty as #rt::Message>::check_initialized(value) #err
                    }
                }
            });
        }
        Ok(out)
    }
}
