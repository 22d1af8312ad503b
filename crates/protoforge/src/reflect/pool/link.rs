//! Linking the files just registered: resolving every type name as protoc does, checking
//! map entries, resolving features and parsing default values into the field tables.

use std::collections::HashMap;

use crate::descriptor::FieldDescriptorProto;
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::encoding::MAX_FIELD_NUMBER;

use crate::__private::features::{Features, Presence};
use crate::reflect::descriptors::Syntax;
use crate::reflect::value::Value;

use super::build::{Builder, join, lenient_edition};
use super::{DescriptorError, FieldEntry, KindIndex, MethodEntry, OneofEntry, Symbol};

impl Builder<'_> {
    /// Resolves the types of the fields, extensions and methods added since the given
    /// indexes, and builds the per-message field tables.
    pub(super) fn resolve(
        &mut self,
        first_message: u32,
        first_extension: u32,
        first_service: u32,
    ) -> Result<(), DescriptorError> {
        for m in first_message..self.inner.messages.len() as u32 {
            self.resolve_message(m)?;
        }
        for m in first_message..self.inner.messages.len() as u32 {
            self.check_map_entry_fields(m)?;
        }
        for e in first_extension..self.inner.extensions.len() as u32 {
            self.resolve_extension(e)?;
        }
        for s in first_service..self.inner.services.len() as u32 {
            self.resolve_service(s)?;
        }
        Ok(())
    }

    fn file_name(&self, file: u32) -> String {
        self.inner.files[file as usize].proto.name().to_owned()
    }

    /// Looks up `type_name` as protoc would from within `scope`: a leading dot means fully
    /// qualified; otherwise the innermost enclosing scope that has the name wins.
    fn lookup(&self, scope: &str, type_name: &str) -> Option<Symbol> {
        if let Some(full) = type_name.strip_prefix('.') {
            return self.inner.names.get(full).copied();
        }
        let first = type_name.split('.').next().unwrap_or(type_name);
        let mut scope = scope;
        loop {
            let candidate = join(scope, first);
            if self.inner.names.contains_key(&candidate) {
                let full = join(scope, type_name);
                return self.inner.names.get(&full).copied();
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rfind('.').map_or("", |i| &scope[..i]);
        }
    }

    fn resolve_kind(
        &self,
        file: u32,
        scope: &str,
        field: &FieldDescriptorProto,
        owner: &str,
    ) -> Result<KindIndex, DescriptorError> {
        let bad = |message: String| DescriptorError::new(&self.file_name(file), message);
        let named = || -> Result<Symbol, DescriptorError> {
            let type_name = field
                .type_name
                .as_deref()
                .ok_or_else(|| bad(format!("field `{owner}` has no type name")))?;
            self.lookup(scope, type_name)
                .ok_or_else(|| bad(format!("field `{owner}`: unknown type `{type_name}`")))
        };
        Ok(match field.r#type {
            Some(Type::Double) => KindIndex::Double,
            Some(Type::Float) => KindIndex::Float,
            Some(Type::Int64) => KindIndex::Int64,
            Some(Type::Uint64) => KindIndex::Uint64,
            Some(Type::Int32) => KindIndex::Int32,
            Some(Type::Fixed64) => KindIndex::Fixed64,
            Some(Type::Fixed32) => KindIndex::Fixed32,
            Some(Type::Bool) => KindIndex::Bool,
            Some(Type::String) => KindIndex::String,
            Some(Type::Bytes) => KindIndex::Bytes,
            Some(Type::Uint32) => KindIndex::Uint32,
            Some(Type::Sfixed32) => KindIndex::Sfixed32,
            Some(Type::Sfixed64) => KindIndex::Sfixed64,
            Some(Type::Sint32) => KindIndex::Sint32,
            Some(Type::Sint64) => KindIndex::Sint64,
            Some(Type::Message | Type::Group) => match named()? {
                Symbol::Message(m) => KindIndex::Message(m),
                _ => return Err(bad(format!("field `{owner}`: type is not a message"))),
            },
            Some(Type::Enum) => match named()? {
                Symbol::Enum(e) => KindIndex::Enum(e),
                _ => return Err(bad(format!("field `{owner}`: type is not an enum"))),
            },
            None => match named()? {
                Symbol::Message(m) => KindIndex::Message(m),
                Symbol::Enum(e) => KindIndex::Enum(e),
                _ => {
                    return Err(bad(format!(
                        "field `{owner}`: type is not a message or enum"
                    )));
                }
            },
        })
    }

    /// The resolved field entry for `proto` (a field of message `message`, or an extension
    /// declared in scope `message`).
    #[allow(clippy::too_many_arguments)] // Shared by fields and extensions.
    fn field_entry(
        &self,
        file: u32,
        scope: &str,
        message: Option<u32>,
        parent_features: Features,
        proto: &FieldDescriptorProto,
        index: u32,
        is_extension: bool,
    ) -> Result<FieldEntry, DescriptorError> {
        let full_name = join(scope, proto.name());
        let bad = |message: String| DescriptorError::new(&self.file_name(file), message);
        let number = proto.number();
        if number <= 0 || number as u32 > MAX_FIELD_NUMBER {
            return Err(bad(format!(
                "field `{full_name}` has invalid number {number}"
            )));
        }
        let kind = self.resolve_kind(file, scope, proto, &full_name)?;
        let syntax = self.inner.files[file as usize].syntax;
        let mut features =
            parent_features.overlay(proto.options.as_ref().and_then(|o| o.features.as_ref()));
        match syntax {
            Syntax::Proto2 => features = features.infer_legacy(proto, false),
            Syntax::Proto3 => features = features.infer_legacy(proto, true),
            Syntax::Editions(_) => {}
        }
        let repeated = proto.label == Some(Label::Repeated);
        let message_kind = match kind {
            KindIndex::Message(m) => Some(m),
            _ => None,
        };
        let target_is_map_entry =
            message_kind.is_some_and(|m| self.inner.messages[m as usize].map_entry);
        let is_map = repeated && target_is_map_entry && !is_extension;
        let cardinality = if repeated {
            crate::reflect::Cardinality::Repeated
        } else if proto.label == Some(Label::Required)
            || features.presence == Presence::LegacyRequired
        {
            crate::reflect::Cardinality::Required
        } else {
            crate::reflect::Cardinality::Optional
        };
        let in_oneof = proto.oneof_index.is_some() && !is_extension;
        let presence = !repeated
            && (is_extension
                || message_kind.is_some()
                || in_oneof
                || features.presence != Presence::Implicit);
        // Map entries and the fields inside them are always length-prefixed, as in protoc.
        let in_map_entry =
            !is_extension && message.is_some_and(|m| self.inner.messages[m as usize].map_entry);
        let group = message_kind.is_some()
            && (proto.r#type == Some(Type::Group)
                || (features.delimited && !target_is_map_entry && !in_map_entry));
        let default = match &proto.default_value {
            Some(text) if !repeated => Some(self.parse_default(file, &full_name, kind, text)?),
            _ => None,
        };
        let json_name = if is_extension {
            format!("[{full_name}]")
        } else {
            proto
                .json_name
                .clone()
                .unwrap_or_else(|| crate::__private::naming::to_json_name(proto.name()))
        };
        Ok(FieldEntry {
            name: proto.name().to_owned(),
            full_name,
            json_name,
            number: number as u32,
            kind,
            cardinality,
            is_map,
            packed: repeated && kind.is_packable() && features.packed,
            group,
            presence,
            verify_utf8: kind == KindIndex::String && features.verify_utf8,
            oneof: if is_extension {
                None
            } else {
                proto.oneof_index.map(|i| i as u32)
            },
            message,
            extendee: None,
            is_extension,
            file,
            index,
            default,
        })
    }

    fn parse_default(
        &self,
        file: u32,
        field: &str,
        kind: KindIndex,
        text: &str,
    ) -> Result<Value, DescriptorError> {
        let bad = || {
            DescriptorError::new(
                &self.file_name(file),
                format!("field `{field}` has invalid default `{text}`"),
            )
        };
        fn float(text: &str) -> Option<f64> {
            match text {
                "inf" => Some(f64::INFINITY),
                "-inf" => Some(f64::NEG_INFINITY),
                "nan" | "-nan" => Some(f64::NAN),
                _ => text.parse().ok(),
            }
        }
        Ok(match kind {
            KindIndex::Double => Value::F64(float(text).ok_or_else(bad)?),
            KindIndex::Float => Value::F32(float(text).ok_or_else(bad)? as f32),
            KindIndex::Int32 | KindIndex::Sint32 | KindIndex::Sfixed32 => {
                Value::I32(text.parse().map_err(|_| bad())?)
            }
            KindIndex::Int64 | KindIndex::Sint64 | KindIndex::Sfixed64 => {
                Value::I64(text.parse().map_err(|_| bad())?)
            }
            KindIndex::Uint32 | KindIndex::Fixed32 => Value::U32(text.parse().map_err(|_| bad())?),
            KindIndex::Uint64 | KindIndex::Fixed64 => Value::U64(text.parse().map_err(|_| bad())?),
            KindIndex::Bool => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(bad()),
            },
            KindIndex::String => Value::String(text.to_owned()),
            KindIndex::Bytes => Value::Bytes(bytes::Bytes::from(
                crate::__private::c_format::c_unescape(text),
            )),
            KindIndex::Enum(e) => {
                let entry = &self.inner.enums[e as usize];
                let value = entry
                    .values
                    .iter()
                    .find(|v| v.name == text)
                    .ok_or_else(bad)?;
                Value::EnumNumber(value.number)
            }
            KindIndex::Message(_) => return Err(bad()),
        })
    }

    fn resolve_message(&mut self, m: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.messages[m as usize];
        let file = entry.file;
        let full_name = entry.full_name.clone();
        let features = entry.features;
        let proto = self.inner.message_proto(m).clone();
        let mut oneofs: Vec<OneofEntry> = proto
            .oneof_decl
            .iter()
            .map(|o| OneofEntry {
                name: o.name().to_owned(),
                full_name: join(&full_name, o.name()),
                fields: Vec::new(),
                synthetic: false,
            })
            .collect();
        let mut fields = Vec::with_capacity(proto.field.len());
        for (i, field) in proto.field.iter().enumerate() {
            // A field in a oneof takes the oneof's features as its parent's.
            let oneof_features = field
                .oneof_index
                .and_then(|o| proto.oneof_decl.get(o as usize))
                .map_or(features, |o| {
                    features.overlay(o.options.as_ref().and_then(|o| o.features.as_ref()))
                });
            let entry = self.field_entry(
                file,
                &full_name,
                Some(m),
                oneof_features,
                field,
                i as u32,
                false,
            )?;
            if let Some(o) = entry.oneof {
                let Some(oneof) = oneofs.get_mut(o as usize) else {
                    return Err(DescriptorError::new(
                        &self.file_name(file),
                        format!("field `{}` has an invalid oneof index", entry.full_name),
                    ));
                };
                oneof.fields.push(i as u32);
                if field.proto3_optional == Some(true) {
                    oneof.synthetic = true;
                }
            }
            fields.push(entry);
        }
        if let Some(empty) = oneofs.iter().find(|o| o.fields.is_empty()) {
            return Err(DescriptorError::new(
                &self.file_name(file),
                format!("oneof `{}` has no fields", empty.full_name),
            ));
        }
        let mut by_number: Vec<(u32, u32)> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.number, i as u32))
            .collect();
        by_number.sort_unstable();
        if let Some(w) = by_number.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(DescriptorError::new(
                &self.file_name(file),
                format!("message `{full_name}` uses field number {} twice", w[0].0),
            ));
        }
        let by_name = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i as u32))
            .collect();
        let mut by_json_name = HashMap::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            by_json_name.entry(f.json_name.clone()).or_insert(i as u32);
        }
        let entry = &mut self.inner.messages[m as usize];
        entry.fields = fields;
        entry.by_number = by_number;
        entry.by_name = by_name;
        entry.by_json_name = by_json_name;
        entry.oneofs = oneofs;
        Ok(())
    }

    fn check_map_entry_fields(&self, m: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.messages[m as usize];
        if !entry.map_entry {
            return Ok(());
        }
        let has = |n: u32| {
            entry
                .by_number
                .binary_search_by_key(&n, |&(num, _)| num)
                .ok()
                .map(|i| &entry.fields[entry.by_number[i].1 as usize])
        };
        let key_ok = has(1).is_some_and(|k| {
            k.cardinality != crate::reflect::Cardinality::Repeated
                && !matches!(
                    k.kind,
                    KindIndex::Message(_)
                        | KindIndex::Enum(_)
                        | KindIndex::Bytes
                        | KindIndex::Float
                        | KindIndex::Double
                )
        });
        let value_ok =
            has(2).is_some_and(|v| v.cardinality != crate::reflect::Cardinality::Repeated);
        if key_ok && value_ok && entry.fields.len() == 2 {
            Ok(())
        } else {
            Err(DescriptorError::new(
                &self.file_name(entry.file),
                format!(
                    "map entry `{}` needs a scalar key 1 and a value 2",
                    entry.full_name
                ),
            ))
        }
    }

    fn resolve_extension(&mut self, e: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.extensions[e as usize];
        let (file, scope_message, index) = (entry.file, entry.message, entry.index);
        let proto = self.inner.field_proto(entry).clone();
        let (scope, features) = match scope_message {
            Some(m) => {
                let me = &self.inner.messages[m as usize];
                (me.full_name.clone(), me.features)
            }
            None => {
                let f = &self.inner.files[file as usize];
                let edition = match f.syntax {
                    Syntax::Proto2 => crate::descriptor::Edition::Proto2 as i32,
                    Syntax::Proto3 => crate::descriptor::Edition::Proto3 as i32,
                    Syntax::Editions(e) => e,
                };
                let features = Features::for_edition(lenient_edition(edition))
                    .overlay(f.proto.options.as_ref().and_then(|o| o.features.as_ref()));
                (f.proto.package().to_owned(), features)
            }
        };
        let mut resolved =
            self.field_entry(file, &scope, scope_message, features, &proto, index, true)?;
        let extendee_name = proto.extendee.as_deref().unwrap_or("");
        let extendee = match self.lookup(&scope, extendee_name) {
            Some(Symbol::Message(m)) => m,
            _ => {
                return Err(DescriptorError::new(
                    &self.file_name(file),
                    format!(
                        "extension `{}`: unknown extendee `{extendee_name}`",
                        resolved.full_name
                    ),
                ));
            }
        };
        resolved.extendee = Some(extendee);
        let number = resolved.number;
        let list = self.inner.extensions_of.entry(extendee).or_default();
        let extensions = &self.inner.extensions;
        match list.binary_search_by_key(&number, |&x| extensions[x as usize].number) {
            Ok(_) => {
                return Err(DescriptorError::new(
                    &self.file_name(file),
                    format!(
                        "extension `{}`: number {number} of `{}` is already used",
                        resolved.full_name, self.inner.messages[extendee as usize].full_name
                    ),
                ));
            }
            Err(at) => {
                // The entry is filled in before it is found by number below.
                self.inner.extensions[e as usize] = resolved;
                let list = self.inner.extensions_of.entry(extendee).or_default();
                list.insert(at, e);
            }
        }
        Ok(())
    }

    fn resolve_service(&mut self, s: u32) -> Result<(), DescriptorError> {
        let entry = &self.inner.services[s as usize];
        let file = entry.file;
        let full_name = entry.full_name.clone();
        let proto = &self.inner.files[file as usize].proto.service[entry.index as usize];
        let package = self.inner.files[file as usize].proto.package().to_owned();
        let mut methods = Vec::with_capacity(proto.method.len());
        for method in &proto.method {
            let find = |name: Option<&str>| match self.lookup(&package, name.unwrap_or("")) {
                Some(Symbol::Message(m)) => Ok(m),
                _ => Err(DescriptorError::new(
                    &self.file_name(file),
                    format!(
                        "method `{full_name}.{}`: unknown message `{}`",
                        method.name(),
                        name.unwrap_or("")
                    ),
                )),
            };
            methods.push(MethodEntry {
                name: method.name().to_owned(),
                full_name: join(&full_name, method.name()),
                input: find(method.input_type.as_deref())?,
                output: find(method.output_type.as_deref())?,
                client_streaming: method.client_streaming.unwrap_or(false),
                server_streaming: method.server_streaming.unwrap_or(false),
            });
        }
        self.inner.services[s as usize].methods = methods;
        Ok(())
    }
}
