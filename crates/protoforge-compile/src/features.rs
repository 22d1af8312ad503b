//! Editions features: the edition defaults (read from the `edition_defaults` options of
//! `google.protobuf.FeatureSet`'s fields in the bundled `descriptor.proto`, as protoc does), and
//! the resolved `FeatureSet` of any element of a file (defaults, then the file's `features`,
//! then each enclosing element's, down to the element itself).
//!
//! proto2 and proto3 files resolve to their legacy features (`EDITION_PROTO2`/`EDITION_PROTO3`
//! defaults), with protoc's inference for fields: `required` is `LEGACY_REQUIRED` presence,
//! groups are `DELIMITED`, `[packed = true]`/`[packed = false]` set the repeated encoding, and
//! proto3 `optional` is explicit presence.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use protoforge::Message;
use protoforge::descriptor::{
    DescriptorProto, Edition, FeatureSet, FieldDescriptorProto, FileDescriptorProto,
    feature_set::{FieldPresence, MessageEncoding, RepeatedFieldEncoding},
    field_descriptor_proto::{Label, Type},
};

use crate::options::builtin;
use crate::options::wire::{self, Raw, Record};
use crate::tag;

/// The edition a file is written in: its `edition`, or `EDITION_PROTO2`/`EDITION_PROTO3` from
/// its `syntax` (no syntax means proto2).
pub(crate) fn file_edition(file: &FileDescriptorProto) -> Edition {
    match file.syntax.as_deref() {
        Some("editions") => file.edition.unwrap_or(Edition::Unknown),
        Some("proto3") => Edition::Proto3,
        _ => Edition::Proto2,
    }
}

/// The default `FeatureSet` of `edition`, for the global features of `descriptor.proto`.
///
/// For every feature field, the `edition_defaults` entry with the newest edition not newer
/// than `edition` wins, like protoc's `FeatureResolver`. Each edition's defaults are computed
/// once per process and kept (there are only a handful of editions).
fn edition_defaults(edition: Edition) -> &'static FeatureSet {
    // The editions real files use get a lock-free slot each; any other value goes through a
    // shared map.
    static COMMON: [OnceLock<FeatureSet>; 4] = [const { OnceLock::new() }; 4];
    static OTHERS: OnceLock<Mutex<HashMap<i32, &'static FeatureSet>>> = OnceLock::new();
    let slot = match edition {
        Edition::Proto2 => Some(0),
        Edition::Proto3 => Some(1),
        Edition::Edition2023 => Some(2),
        Edition::Edition2024 => Some(3),
        _ => None,
    };
    if let Some(slot) = slot {
        return COMMON[slot].get_or_init(|| compute_defaults(edition));
    }
    let others = OTHERS.get_or_init(Mutex::default);
    let mut map = match others.lock() {
        Ok(map) => map,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.entry(edition as i32)
        .or_insert_with(|| Box::leak(Box::new(compute_defaults(edition))))
}

fn compute_defaults(edition: Edition) -> FeatureSet {
    let Some(feature_set) = builtin::message("google.protobuf.FeatureSet") else {
        return FeatureSet::default();
    };
    let mut records = Vec::new();
    for field in &feature_set.field {
        let Some(value) = default_for(field, edition) else {
            continue;
        };
        let number = field.number.unwrap_or(0) as u32;
        let raw = match field.r#type {
            Some(Type::Enum) => {
                let enum_name = field
                    .type_name
                    .as_deref()
                    .unwrap_or("")
                    .trim_start_matches('.');
                builtin::enum_type(enum_name)
                    .and_then(|e| e.value.iter().find(|v| v.name.as_deref() == Some(value)))
                    .and_then(|v| v.number)
                    .map(|n| Raw::Varint(i64::from(n) as u64))
            }
            Some(Type::Bool) => match value {
                "true" => Some(Raw::Varint(1)),
                "false" => Some(Raw::Varint(0)),
                _ => None,
            },
            _ => None,
        };
        if let Some(raw) = raw {
            records.push(Record::new(number, raw));
        }
    }
    FeatureSet::decode(wire::to_bytes(&records).as_slice()).unwrap_or_default()
}

fn default_for(field: &FieldDescriptorProto, edition: Edition) -> Option<&str> {
    let options = field.options.as_ref()?;
    options
        .edition_defaults
        .iter()
        .filter(|d| d.edition.is_some_and(|e| (e as i32) <= (edition as i32)))
        .max_by_key(|d| d.edition.map_or(0, |e| e as i32))
        .and_then(|d| d.value.as_deref())
}

/// Overlays the features explicitly set in `child` on `features` (global features only).
fn overlay(features: &mut FeatureSet, child: Option<&FeatureSet>) {
    let Some(child) = child else { return };
    macro_rules! overlay {
        ($($f:ident),*) => { $( if child.$f.is_some() { features.$f = child.$f; } )* };
    }
    overlay!(
        field_presence,
        enum_type,
        repeated_field_encoding,
        utf8_validation,
        message_encoding,
        json_format,
        enforce_naming_style,
        default_symbol_visibility
    );
}

/// The resolved features of the element at descriptor path `path` of `file` (`&[]` for the
/// file itself; e.g. `[4, 0, 2, 1]` for the second field of the first message). A path that
/// does not lead to an element resolves as far as it goes.
pub(crate) fn resolve_at(file: &FileDescriptorProto, path: &[i32]) -> FeatureSet {
    let edition = file_edition(file);
    let mut features = edition_defaults(edition).clone();
    overlay(
        &mut features,
        file.options.as_ref().and_then(|o| o.features.as_ref()),
    );
    let legacy = !matches!(file.syntax.as_deref(), Some("editions"));
    let proto3 = file.syntax.as_deref() == Some("proto3");
    let mut message: Option<&DescriptorProto> = None;
    let mut rest = path;
    while let [kind, index, tail @ ..] = rest {
        let Ok(i) = usize::try_from(*index) else {
            break;
        };
        rest = tail;
        match (message, *kind) {
            (None, tag::file::MESSAGE_TYPE) | (Some(_), tag::message::NESTED_TYPE) => {
                let list = match message {
                    None => &file.message_type,
                    Some(m) => &m.nested_type,
                };
                let Some(m) = list.get(i) else { break };
                overlay(
                    &mut features,
                    m.options.as_ref().and_then(|o| o.features.as_ref()),
                );
                message = Some(m);
            }
            (None, tag::file::ENUM_TYPE) | (Some(_), tag::message::ENUM_TYPE) => {
                let list = match message {
                    None => &file.enum_type,
                    Some(m) => &m.enum_type,
                };
                let Some(e) = list.get(i) else { break };
                overlay(
                    &mut features,
                    e.options.as_ref().and_then(|o| o.features.as_ref()),
                );
                if let [tag::enum_::VALUE, v, ..] = rest
                    && let Some(value) = usize::try_from(*v).ok().and_then(|v| e.value.get(v))
                {
                    overlay(
                        &mut features,
                        value.options.as_ref().and_then(|o| o.features.as_ref()),
                    );
                }
                break;
            }
            (None, tag::file::EXTENSION)
            | (Some(_), tag::message::EXTENSION)
            | (Some(_), tag::message::FIELD) => {
                let list = match (message, *kind) {
                    (None, _) => &file.extension,
                    (Some(m), tag::message::FIELD) => &m.field,
                    (Some(m), _) => &m.extension,
                };
                let Some(f) = list.get(i) else { break };
                if *kind == tag::message::FIELD
                    && let Some(oneof) = message
                        .zip(f.oneof_index)
                        .and_then(|(m, o)| m.oneof_decl.get(usize::try_from(o).ok()?))
                {
                    overlay(
                        &mut features,
                        oneof.options.as_ref().and_then(|o| o.features.as_ref()),
                    );
                }
                overlay(
                    &mut features,
                    f.options.as_ref().and_then(|o| o.features.as_ref()),
                );
                if legacy {
                    infer_legacy(f, proto3, &mut features);
                }
                break;
            }
            (Some(m), tag::message::ONEOF_DECL) => {
                if let Some(o) = m.oneof_decl.get(i) {
                    overlay(
                        &mut features,
                        o.options.as_ref().and_then(|o| o.features.as_ref()),
                    );
                }
                break;
            }
            (Some(m), tag::message::EXTENSION_RANGE) => {
                if let Some(r) = m.extension_range.get(i) {
                    overlay(
                        &mut features,
                        r.options.as_ref().and_then(|o| o.features.as_ref()),
                    );
                }
                break;
            }
            (None, tag::file::SERVICE) => {
                let Some(s) = file.service.get(i) else { break };
                overlay(
                    &mut features,
                    s.options.as_ref().and_then(|o| o.features.as_ref()),
                );
                if let [tag::service::METHOD, j, ..] = rest
                    && let Some(method) = usize::try_from(*j).ok().and_then(|j| s.method.get(j))
                {
                    overlay(
                        &mut features,
                        method.options.as_ref().and_then(|o| o.features.as_ref()),
                    );
                }
                break;
            }
            _ => break,
        }
    }
    features
}

/// protoc's `InferLegacyProtoFeatures` for a field of a proto2/proto3 file.
fn infer_legacy(field: &FieldDescriptorProto, proto3: bool, features: &mut FeatureSet) {
    if field.label == Some(Label::Required) {
        features.field_presence = Some(FieldPresence::LegacyRequired);
    }
    if field.r#type == Some(Type::Group) {
        features.message_encoding = Some(MessageEncoding::Delimited);
    }
    match field.options.as_ref().and_then(|o| o.packed) {
        Some(true) => features.repeated_field_encoding = Some(RepeatedFieldEncoding::Packed),
        Some(false) if proto3 => {
            features.repeated_field_encoding = Some(RepeatedFieldEncoding::Expanded);
        }
        _ => {}
    }
    if proto3 && field.proto3_optional == Some(true) {
        features.field_presence = Some(FieldPresence::Explicit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protoforge::descriptor::feature_set::{EnumType, JsonFormat, Utf8Validation};

    #[test]
    fn edition_defaults_follow_descriptor_proto() {
        let proto2 = edition_defaults(Edition::Proto2);
        assert_eq!(proto2.field_presence, Some(FieldPresence::Explicit));
        assert_eq!(proto2.enum_type, Some(EnumType::Closed));
        assert_eq!(
            proto2.repeated_field_encoding,
            Some(RepeatedFieldEncoding::Expanded)
        );
        assert_eq!(proto2.utf8_validation, Some(Utf8Validation::None));
        assert_eq!(proto2.json_format, Some(JsonFormat::LegacyBestEffort));
        let proto3 = edition_defaults(Edition::Proto3);
        assert_eq!(proto3.field_presence, Some(FieldPresence::Implicit));
        assert_eq!(proto3.enum_type, Some(EnumType::Open));
        let e2023 = edition_defaults(Edition::Edition2023);
        assert_eq!(e2023.field_presence, Some(FieldPresence::Explicit));
        assert_eq!(
            e2023.repeated_field_encoding,
            Some(RepeatedFieldEncoding::Packed)
        );
        assert_eq!(e2023.utf8_validation, Some(Utf8Validation::Verify));
    }

    /// The bytes protoc 35.1 writes for `FeatureSetDefaults` are checked through the
    /// `edition_defaults` golden test in `tests/options_features.rs`; here the merge order.
    #[test]
    fn field_features_override_file_features() {
        let mut file = FileDescriptorProto {
            syntax: Some("editions".into()),
            edition: Some(Edition::Edition2023),
            ..Default::default()
        };
        file.options = Some(protoforge::descriptor::FileOptions {
            features: Some(FeatureSet {
                field_presence: Some(FieldPresence::Implicit),
                ..Default::default()
            }),
            ..Default::default()
        });
        let field_opts = protoforge::descriptor::FieldOptions {
            features: Some(FeatureSet {
                field_presence: Some(FieldPresence::Explicit),
                ..Default::default()
            }),
            ..Default::default()
        };
        file.message_type.push(DescriptorProto {
            field: vec![
                FieldDescriptorProto::default(),
                FieldDescriptorProto {
                    options: Some(field_opts),
                    ..Default::default()
                },
            ],
            ..Default::default()
        });
        assert_eq!(
            resolve_at(&file, &[4, 0, 2, 0]).field_presence,
            Some(FieldPresence::Implicit)
        );
        assert_eq!(
            resolve_at(&file, &[4, 0, 2, 1]).field_presence,
            Some(FieldPresence::Explicit)
        );
        assert_eq!(resolve_at(&file, &[]).enum_type, Some(EnumType::Open));
    }
}
