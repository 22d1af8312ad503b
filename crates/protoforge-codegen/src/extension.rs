//! Extensions: the typed `Extension`/`RepeatedExtension` constants, their codecs and
//! features (those of the declaring scope), and, for each extendee, the extensions declared
//! in the files being generated, which its `check_initialized` and `merge_field` consult.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::FieldDescriptorProto;
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use quote::quote;

use crate::Error;
use crate::generate::Ctx;
use crate::names::{Scope, ident, shouty};
use crate::plan::{ValueKind, is_string};
use crate::pool::{Features, Kind, Pool};

/// An extension declared in a file being generated.
pub(crate) struct ExtensionInfo<'a> {
    pub(crate) desc: &'a FieldDescriptorProto,
    /// The declaring file.
    pub(crate) file: usize,
    /// The declaring scope: a message, or `.package` (empty without a package).
    pub(crate) scope: String,
}

/// The extensions declared in the generated files of `pool`, by extendee.
pub(crate) fn extensions_by_extendee<'a>(
    pool: &Pool<'a>,
) -> HashMap<String, Vec<ExtensionInfo<'a>>> {
    let mut out: HashMap<String, Vec<ExtensionInfo<'a>>> = HashMap::new();
    for (index, file) in pool.files.iter().enumerate() {
        if !pool.is_generated(index) {
            continue;
        }
        let package = file.package();
        let scope = if package.is_empty() {
            String::new()
        } else {
            format!(".{package}")
        };
        for desc in &file.extension {
            out.entry(desc.extendee().to_string())
                .or_default()
                .push(ExtensionInfo {
                    desc,
                    file: index,
                    scope: scope.clone(),
                });
        }
    }
    for (name, info) in &pool.types {
        if let Kind::Message(message) = info.kind
            && pool.is_generated(info.file)
        {
            for desc in &message.extension {
                out.entry(desc.extendee().to_string())
                    .or_default()
                    .push(ExtensionInfo {
                        desc,
                        file: info.file,
                        scope: name.clone(),
                    });
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|e| e.desc.number());
    }
    out
}

impl<'a> Ctx<'a> {
    /// The statements of `check_initialized` for the message-typed extensions of message
    /// `full_name` (declared in the files being generated) whose type can lack a `required`
    /// field: each set value is decoded and checked, and one that does not decode fails too.
    pub(crate) fn extension_checks(
        &self,
        full_name: &str,
        from: &[String],
    ) -> Result<Vec<TokenStream>, Error> {
        let rt = self.rt();
        let mut out = Vec::new();
        for ext in self.extensions.get(full_name).into_iter().flatten() {
            let field = ext.desc;
            if !matches!(field.r#type(), Type::Message | Type::Group)
                || !self.may_miss_required(field.type_name())
            {
                continue;
            }
            let ext_full = format!("{}.{}", ext.scope, field.name());
            let features = self.extension_features(ext.file, &ext.scope, field);
            let value = self.value_kind(field, features, from, None, &ext_full)?;
            let ValueKind::Message { ty, .. } = &value else {
                continue;
            };
            let codec = self.extension_codec(&value, features);
            let number = Literal::u32_unsuffixed(field.number() as u32);
            let label = format!("({})", &ext_full[1..]);
            let err = quote!(.map_err(|error| error.push(NAME, #label))?);
            out.push(if field.label() == Label::Repeated {
                quote! {
                    for value in #rt::Extendable::repeated_extension(
                        self,
                        &#rt::RepeatedExtension::<Self, #codec>::new(#number, false),
                    ) #err {
                        <#ty as #rt::Message>::check_initialized(&value) #err;
                    }
                }
            } else {
                quote! {
                    if let ::core::option::Option::Some(value) = #rt::Extendable::extension(
                        self,
                        &#rt::Extension::<Self, #codec>::new(#number),
                    ) #err {
                        <#ty as #rt::Message>::check_initialized(&value) #err;
                    }
                }
            });
        }
        Ok(out)
    }

    /// The `merge_field` arms of the `string` extensions of `full_name` declared in the files
    /// being generated whose UTF-8 protobuf verifies: each occurrence is checked as it is
    /// read, as a `string` field is, and kept with the other extensions in the unknown
    /// fields. (Extensions declared in files generated separately are not known here; they are
    /// checked when read through `Extendable::extension`.)
    /// The `merge_field` arms of the verified-`string` extensions of `full_name`, with the
    /// number and the `(name)` each adds to an error's path.
    pub(crate) fn verified_string_extension_arms(
        &self,
        full_name: &str,
    ) -> Vec<(TokenStream, u32, String)> {
        let mut arms = Vec::new();
        for ext in self.extensions.get(full_name).into_iter().flatten() {
            let field = ext.desc;
            if field.r#type() != Type::String
                || !self
                    .extension_features(ext.file, &ext.scope, field)
                    .verify_utf8
            {
                continue;
            }
            let number = Literal::u32_unsuffixed(field.number() as u32);
            let ext_full = format!("{}.{}", ext.scope, field.name());
            let label = format!("({})", &ext_full[1..]);
            let arm = quote! {
                #number => field.verified_string_extension(&mut self.unknown_fields),
            };
            arms.push((arm, field.number() as u32, label));
        }
        arms
    }

    /// A typed extension constant for `field`, declared in module `from`.
    pub(crate) fn extension(
        &self,
        file: usize,
        path: &[i32],
        field: &FieldDescriptorProto,
        from: &[String],
        consts: &mut Scope,
        scope_name: &str,
    ) -> Result<TokenStream, Error> {
        let rt = self.rt();
        let full_name = format!("{scope_name}.{}", field.name());
        let features = self.extension_features(file, scope_name, field);
        let value = self.value_kind(field, features, from, None, &full_name)?;
        let extendee = self.pool.type_path(from, field.extendee())?;
        let codec = self.extension_codec(&value, features);
        let name = ident(&consts.alloc(&shouty(field.name())));
        let number = Literal::u32_unsuffixed(field.number() as u32);
        let mut docs = self.docs(file, path, &full_name);
        if docs.is_empty() {
            let doc = format!(
                " The extension `{}` of `{}`.",
                &full_name[1..],
                &field.extendee()[1..]
            );
            docs = quote!(#[doc = #doc]);
        }
        Ok(if field.label() == Label::Repeated {
            let packed = features.packed && value.packable();
            quote! {
                #docs
                pub const #name: #rt::RepeatedExtension<#extendee, #codec> =
                    #rt::RepeatedExtension::new(#number, #packed);
            }
        } else {
            quote! {
                #docs
                pub const #name: #rt::Extension<#extendee, #codec> = #rt::Extension::new(#number);
            }
        })
    }

    /// The codec type of an extension whose value is `value`: group-typed extensions use
    /// the group codec (extensions of MessageSets are plain message extensions, since
    /// generated MessageSets keep items as ordinary fields), and `string` extensions that
    /// protobuf does not verify the unverified string codec.
    fn extension_codec(&self, value: &ValueKind, features: Features) -> TokenStream {
        let rt = self.rt();
        match value {
            ValueKind::Message {
                ty, group: true, ..
            } => quote!(#rt::encoding::codec::Group<#ty>),
            value if is_string(value) && !features.verify_utf8 => {
                quote!(#rt::encoding::codec::UnverifiedString)
            }
            other => self.codec(other, &quote!(#rt::encoding::codec)),
        }
    }

    /// The features of an extension field declared in file `file` within `scope_name` (a
    /// message, or the package for a top-level `extend`): the scope's, then its own.
    fn extension_features(
        &self,
        file: usize,
        scope_name: &str,
        field: &FieldDescriptorProto,
    ) -> Features {
        let scope = match self.pool.get(scope_name) {
            Ok(info) if matches!(info.kind, Kind::Message(_)) => info.features,
            _ => self
                .pool
                .files
                .get(file)
                .copied()
                .map(crate::pool::file_features)
                .unwrap_or_else(crate::pool::proto2_features),
        };
        self.pool.declared_field_features(file, field, scope)
    }
}
