//! Default-aware getters of explicit-presence fields: scalars and enums (`fn name(&self) -> T`
//! returning the declared default when unset), and the typed literals of those defaults;
//! singular messages (`fn name(&self) -> &M` returning the default instance when unset).

use proc_macro2::{Literal, TokenStream};
use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use quote::{format_ident, quote};

use crate::Error;
use crate::generate::Ctx;
use crate::names::ident;
use crate::plan::{FieldGen, ValueKind};
use crate::pool::Presence;

/// Inherent and trait method names a getter must not take.
const RESERVED_METHODS: &[&str] = &[
    "is_initialized",
    "check_initialized",
    "encode",
    "encode_raw",
    "encode_to_vec",
    "encode_length_delimited",
    "encode_length_delimited_to_vec",
    "decode",
    "decode_length_delimited",
    "merge",
    "merge_length_delimited",
    "merge_field",
    "encoded_len",
    "clear",
    "default",
    "default_instance",
    "clone",
    "eq",
    "ne",
    "fmt",
    "extension",
    "set_extension",
    "has_extension",
    "clear_extension",
    "extension_fields",
    "extension_fields_mut",
];

impl<'a> Ctx<'a> {
    /// The default-aware getter of an explicit-presence field, if any.
    pub(crate) fn getter(&self, field: &FieldGen<'_>) -> Result<TokenStream, Error> {
        if field.desc.label() == Label::Repeated || field.features.presence == Presence::Implicit {
            return Ok(TokenStream::new());
        }
        let name = ident(&field.name);
        let bare = field.name.trim_start_matches("r#");
        let getter = if RESERVED_METHODS.contains(&bare) {
            format_ident!("{}_or_default", bare)
        } else {
            name.clone()
        };
        if let ValueKind::Message { ty, boxed, .. } = &field.value {
            let rt = self.rt();
            let doc = format!(
                " The value of `{}`, or the default `{}` if unset.",
                field.desc.name(),
                field.desc.type_name().trim_start_matches('.')
            );
            let borrow = if *boxed {
                quote!(as_deref)
            } else {
                quote!(as_ref)
            };
            return Ok(quote! {
                #[doc = #doc]
                pub fn #getter(&self) -> &#ty {
                    #rt::or_default(self.#name.#borrow())
                }
            });
        }
        let default = field.desc.default_value.as_deref();
        let doc = match default {
            Some(shown) => {
                format!(
                    " The value of `{}`, or its default (`{shown}`) if unset.",
                    field.desc.name()
                )
            }
            None => format!(
                " The value of `{}`, or its type's default if unset.",
                field.desc.name()
            ),
        };
        let (ty, body) = match &field.value {
            ValueKind::Scalar {
                name: scalar, ty, ..
            } => match *scalar {
                "string" | "string_shared" => {
                    let lit = default.unwrap_or("");
                    (quote!(&str), quote!(self.#name.as_deref().unwrap_or(#lit)))
                }
                // A `string` stored as bytes: its default is plain text, not C-escaped.
                "bytes" | "bytes_shared" if field.desc.r#type() == Type::String => {
                    let lit = Literal::byte_string(default.unwrap_or("").as_bytes());
                    (quote!(&[u8]), quote!(self.#name.as_deref().unwrap_or(#lit)))
                }
                "bytes" | "bytes_shared" => {
                    let lit = Literal::byte_string(&protoforge::__private::c_format::c_unescape(
                        default.unwrap_or(""),
                    ));
                    (quote!(&[u8]), quote!(self.#name.as_deref().unwrap_or(#lit)))
                }
                _ => match default {
                    Some(text) => {
                        let lit = scalar_literal(scalar, text)?;
                        (ty.clone(), quote!(self.#name.unwrap_or(#lit)))
                    }
                    None => (ty.clone(), quote!(self.#name.unwrap_or_default())),
                },
            },
            ValueKind::OpenEnum(path) => {
                let rt = self.rt();
                let ty = quote!(#rt::EnumValue<#path>);
                match default {
                    Some(text) => {
                        let variant = self.enum_variant_for(field.desc.type_name(), text)?;
                        let known = quote!(#rt::EnumValue::Known(#path::#variant));
                        (ty, quote!(self.#name.unwrap_or(#known)))
                    }
                    // The enum's default is its first value, as protobuf's is.
                    None => (ty, quote!(self.#name.unwrap_or_default())),
                }
            }
            ValueKind::ClosedEnum(path) => match default {
                Some(text) => {
                    let variant = self.enum_variant_for(field.desc.type_name(), text)?;
                    (path.clone(), quote!(self.#name.unwrap_or(#path::#variant)))
                }
                None => (path.clone(), quote!(self.#name.unwrap_or_default())),
            },
            ValueKind::Message { .. } => return Ok(TokenStream::new()),
        };
        Ok(quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> #ty {
                #body
            }
        })
    }
}

/// A typed literal for a scalar default value as protoc writes it in `default_value`.
fn scalar_literal(module: &str, text: &str) -> Result<TokenStream, Error> {
    let bad = || Error::new(format!("bad default value `{text}` for a `{module}` field"));
    let int = |suffix: &str| -> Result<TokenStream, Error> {
        let value: i128 = text.trim().parse().map_err(|_| bad())?;
        let lit: Literal = format!("{}{suffix}", value.unsigned_abs())
            .parse()
            .map_err(|_| bad())?;
        Ok(if value < 0 {
            quote!(-#lit)
        } else {
            quote!(#lit)
        })
    };
    let float = |suffix: &str| -> Result<TokenStream, Error> {
        let ty = format_ident!("{}", suffix);
        match text.trim() {
            "inf" => return Ok(quote!(#ty::INFINITY)),
            "-inf" => return Ok(quote!(#ty::NEG_INFINITY)),
            "nan" | "-nan" => return Ok(quote!(#ty::NAN)),
            _ => {}
        }
        let value: f64 = text.trim().parse().map_err(|_| bad())?;
        let digits = if suffix == "f32" {
            format!("{:?}", (value.abs()) as f32)
        } else {
            format!("{:?}", value.abs())
        };
        let lit: Literal = format!("{digits}{suffix}").parse().map_err(|_| bad())?;
        Ok(if value.is_sign_negative() {
            quote!(-#lit)
        } else {
            quote!(#lit)
        })
    };
    match module {
        "int32" | "sint32" | "sfixed32" => int("i32"),
        "int64" | "sint64" | "sfixed64" => int("i64"),
        "uint32" | "fixed32" => int("u32"),
        "uint64" | "fixed64" => int("u64"),
        "float" => float("f32"),
        "double" => float("f64"),
        "bool" => match text {
            "true" => Ok(quote!(true)),
            "false" => Ok(quote!(false)),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use protoforge::__private::c_format::c_unescape as unescape_bytes;

    #[test]
    fn bytes_defaults() {
        assert_eq!(unescape_bytes(r"a\000b\x41\\\'\n"), b"a\0bA\\'\n");
    }
}
