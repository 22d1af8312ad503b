//! The enum of a oneof, placed in its message's nested module: one variant per member,
//! holding the member's value type.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::generate::{Ctx, deprecated};
use crate::names::ident;
use crate::plan::OneofPlan;

impl<'a> Ctx<'a> {
    /// The enum of one oneof, placed in the message's nested module.
    pub(crate) fn oneof(
        &self,
        file: usize,
        message_path: &[i32],
        oneof: &OneofPlan<'_>,
    ) -> Result<TokenStream, Error> {
        let oneof_full = &oneof.full_name;
        let enum_ident = ident(&oneof.enum_name);
        let type_attrs = self.attributes(&self.config.type_attributes, oneof_full)?;
        let enum_attrs = self.attributes(&self.config.enum_attributes, oneof_full)?;
        let mut variants = Vec::new();
        for (i, field) in &oneof.members {
            let mut path = message_path.to_vec();
            path.extend([2, *i as i32]);
            let docs = self.docs(file, &path, &field.full_name);
            let attrs = self.attributes(&self.config.field_attributes, &field.full_name)?;
            let deprecated = deprecated(field.desc.options.as_ref().and_then(|o| o.deprecated));
            let variant = ident(&field.name);
            let ty = &field.rust_type;
            variants.push(quote!(#docs #deprecated #attrs #variant(#ty),));
        }
        let doc = format!(" The fields of oneof `{}`.", &oneof_full[1..]);
        Ok(quote! {
            #[doc = #doc]
            #[derive(Clone, PartialEq, Debug)]
            #type_attrs
            #enum_attrs
            #[allow(deprecated, clippy::large_enum_variant, clippy::enum_variant_names)]
            pub enum #enum_ident {
                #(#variants)*
            }
        })
    }
}
