//! The view of one message: the `FooView<'a>` struct, its `decode` (one checked scan of the
//! records that fills plain fields and notes where repeated fields and maps start), its
//! `MessageView` impl, `to_owned_message`, and the oneof view enums of its nested module.

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::field_descriptor_proto::Label;
use quote::{format_ident, quote};

use super::value::{MessageRepr, Val};
use super::{Emitter, MessageViews};
use crate::Error;
use crate::names::{camel, escape, ident};
use crate::pool::{Kind, Presence};

impl Emitter<'_, '_> {
    /// `FooView`, its impls and its oneof view enums.
    pub(super) fn message(&self, full_name: &str) -> Result<MessageViews, Error> {
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
                let unverified = matches!(
                    key,
                    Val::Str {
                        verified: false,
                        ..
                    }
                ) || matches!(
                    value,
                    Val::Str {
                        verified: false,
                        ..
                    }
                );
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
                        let set = if matches!(
                            outer,
                            Val::Str {
                                verified: false,
                                ..
                            }
                        ) {
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
}
