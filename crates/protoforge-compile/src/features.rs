//! Editions features of any element of a file: the resolved [`Features`] (the runtime's one
//! implementation: edition defaults, overlays, legacy inference) at a descriptor path, from
//! the edition's defaults through the file's `features`, then each enclosing element's, down
//! to the element itself.
//!
//! proto2 and proto3 files resolve to their legacy features (`EDITION_PROTO2`/`EDITION_PROTO3`
//! defaults), with protoc's inference for fields: `required` is `LEGACY_REQUIRED` presence,
//! groups are `DELIMITED`, `[packed = true]`/`[packed = false]` set the repeated encoding, and
//! proto3 `optional` is explicit presence.

pub(crate) use protoforge::__private::features::{Features, Presence, file_edition};
use protoforge::descriptor::{DescriptorProto, FileDescriptorProto};

use crate::tag;

/// The resolved features of the element at descriptor path `path` of `file` (`&[]` for the
/// file itself; e.g. `[4, 0, 2, 1]` for the second field of the first message). A path that
/// does not lead to an element resolves as far as it goes.
pub(crate) fn resolve_at(file: &FileDescriptorProto, path: &[i32]) -> Features {
    let mut features = Features::for_edition(file_edition(file) as i32)
        .merge_from(file.options.as_ref().and_then(|o| o.features.as_ref()));
    let legacy = protoforge::__private::features::legacy_syntax(file);
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
                features =
                    features.merge_from(m.options.as_ref().and_then(|o| o.features.as_ref()));
                message = Some(m);
            }
            (None, tag::file::ENUM_TYPE) | (Some(_), tag::message::ENUM_TYPE) => {
                let list = match message {
                    None => &file.enum_type,
                    Some(m) => &m.enum_type,
                };
                let Some(e) = list.get(i) else { break };
                features =
                    features.merge_from(e.options.as_ref().and_then(|o| o.features.as_ref()));
                if let [tag::enum_::VALUE, v, ..] = rest
                    && let Some(value) = usize::try_from(*v).ok().and_then(|v| e.value.get(v))
                {
                    features = features
                        .merge_from(value.options.as_ref().and_then(|o| o.features.as_ref()));
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
                    features = features
                        .merge_from(oneof.options.as_ref().and_then(|o| o.features.as_ref()));
                }
                features =
                    features.merge_from(f.options.as_ref().and_then(|o| o.features.as_ref()));
                if let Some(proto3) = legacy {
                    features = features.infer_legacy(f, proto3);
                }
                break;
            }
            (Some(m), tag::message::ONEOF_DECL) => {
                if let Some(o) = m.oneof_decl.get(i) {
                    features =
                        features.merge_from(o.options.as_ref().and_then(|o| o.features.as_ref()));
                }
                break;
            }
            (Some(m), tag::message::EXTENSION_RANGE) => {
                if let Some(r) = m.extension_range.get(i) {
                    features =
                        features.merge_from(r.options.as_ref().and_then(|o| o.features.as_ref()));
                }
                break;
            }
            (None, tag::file::SERVICE) => {
                let Some(s) = file.service.get(i) else { break };
                features =
                    features.merge_from(s.options.as_ref().and_then(|o| o.features.as_ref()));
                if let [tag::service::METHOD, j, ..] = rest
                    && let Some(method) = usize::try_from(*j).ok().and_then(|j| s.method.get(j))
                {
                    features = features
                        .merge_from(method.options.as_ref().and_then(|o| o.features.as_ref()));
                }
                break;
            }
            _ => break,
        }
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;
    use protoforge::Message;
    use protoforge::descriptor::field_descriptor_proto::Type;
    use protoforge::descriptor::{
        Edition, FeatureSet, FieldDescriptorProto,
        feature_set::{EnumType, FieldPresence},
    };

    use crate::builtin;
    use crate::wire::{self, Raw, Record};

    /// The `edition_defaults` of `google.protobuf.FeatureSet`'s fields in the bundled
    /// `descriptor.proto` for `edition`, as protoc's `FeatureResolver` picks them (the newest
    /// entry not newer than `edition`).
    fn descriptor_proto_defaults(edition: Edition) -> FeatureSet {
        let feature_set = builtin::message("google.protobuf.FeatureSet").expect("FeatureSet");
        let mut records = Vec::new();
        for field in &feature_set.field {
            let Some(value) = field.options.as_ref().and_then(|options| {
                options
                    .edition_defaults
                    .iter()
                    .filter(|d| d.edition.is_some_and(|e| (e as i32) <= (edition as i32)))
                    .max_by_key(|d| d.edition.map_or(0, |e| e as i32))
                    .and_then(|d| d.value.as_deref())
            }) else {
                continue;
            };
            let raw = match field.r#type {
                Some(Type::Enum) => {
                    let enum_name = field.type_name().trim_start_matches('.');
                    builtin::enum_type(enum_name)
                        .and_then(|e| e.value.iter().find(|v| v.name.as_deref() == Some(value)))
                        .and_then(|v| v.number)
                        .map(|n| Raw::Varint(i64::from(n) as u64))
                }
                Some(Type::Bool) => Some(Raw::Varint(u64::from(value == "true"))),
                _ => None,
            };
            if let Some(raw) = raw {
                records.push(Record::new(field.number() as u32, raw));
            }
        }
        FeatureSet::decode(wire::to_bytes(&records).as_slice()).expect("FeatureSet")
    }

    /// The runtime's table of edition defaults says what `descriptor.proto` says.
    #[test]
    fn edition_defaults_follow_descriptor_proto() {
        for edition in [
            Edition::Unknown,
            Edition::Edition1TestOnly,
            Edition::Legacy,
            Edition::Proto2,
            Edition::Proto3,
            Edition::Edition2023,
            Edition::Edition2024,
            Edition::Unstable,
            Edition::Max,
        ] {
            let unresolved = Features::for_edition(Edition::Unknown as i32);
            assert_eq!(
                Features::for_edition(edition as i32),
                unresolved.merge_from(Some(&descriptor_proto_defaults(edition))),
                "{edition:?}"
            );
        }
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
                enum_type: Some(EnumType::Unknown),
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
            resolve_at(&file, &[4, 0, 2, 0]).presence,
            Presence::Implicit
        );
        assert_eq!(
            resolve_at(&file, &[4, 0, 2, 1]).presence,
            Presence::Explicit
        );
        assert!(!resolve_at(&file, &[]).closed_enum);
    }
}
