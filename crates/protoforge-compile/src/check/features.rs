//! The handful of resolved editions features the checks depend on (presence, enum openness,
//! repeated encoding, JSON format), computed from the edition defaults and the `features`
//! set on the file and the enclosing elements.
//!
//! proto2 and proto3 files get their legacy equivalents (proto2: explicit presence, closed
//! enums, expanded repeated fields, best-effort JSON; proto3: implicit presence, open enums,
//! packed, JSON allowed). Only the features the checks read are modelled here; the full
//! resolution (with feature extensions) belongs to option interpretation.

use protoforge::descriptor::{
    DescriptorProto, Edition, FeatureSet, FileDescriptorProto,
    feature_set::{EnumType, FieldPresence, JsonFormat, RepeatedFieldEncoding},
};

use super::Syntax;
use crate::tag;

/// Resolved values of the features the checks use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Features {
    field_presence: FieldPresence,
    enum_type: EnumType,
    repeated_field_encoding: RepeatedFieldEncoding,
    json_format: JsonFormat,
}

impl Features {
    /// The defaults of a file's syntax or edition (all editions so far share them).
    fn defaults(syntax: Syntax, edition: Option<Edition>) -> Features {
        match syntax {
            Syntax::Proto2 => Features {
                field_presence: FieldPresence::Explicit,
                enum_type: EnumType::Closed,
                repeated_field_encoding: RepeatedFieldEncoding::Expanded,
                json_format: JsonFormat::LegacyBestEffort,
            },
            Syntax::Proto3 => Features {
                field_presence: FieldPresence::Implicit,
                enum_type: EnumType::Open,
                repeated_field_encoding: RepeatedFieldEncoding::Packed,
                json_format: JsonFormat::Allow,
            },
            Syntax::Editions => {
                // Editions 2023 and 2024 agree on these four features.
                let _ = edition;
                Features {
                    field_presence: FieldPresence::Explicit,
                    enum_type: EnumType::Open,
                    repeated_field_encoding: RepeatedFieldEncoding::Packed,
                    json_format: JsonFormat::Allow,
                }
            }
        }
    }

    /// The resolved features of `file` itself.
    pub(crate) fn for_file(file: &FileDescriptorProto) -> Features {
        Features::defaults(Syntax::of(file), file.edition)
            .merged(file.options.as_ref().and_then(|o| o.features.as_ref()))
    }

    /// These features overridden by whatever `set` specifies.
    pub(crate) fn merged(mut self, set: Option<&FeatureSet>) -> Features {
        let Some(set) = set else { return self };
        if let Some(v) = set.field_presence.filter(|v| *v != FieldPresence::Unknown) {
            self.field_presence = v;
        }
        if let Some(v) = set.enum_type.filter(|v| *v != EnumType::Unknown) {
            self.enum_type = v;
        }
        if let Some(v) = set
            .repeated_field_encoding
            .filter(|v| *v != RepeatedFieldEncoding::Unknown)
        {
            self.repeated_field_encoding = v;
        }
        if let Some(v) = set.json_format.filter(|v| *v != JsonFormat::Unknown) {
            self.json_format = v;
        }
        self
    }

    /// True when the enum these features belong to is closed.
    pub(crate) fn is_closed_enum(self) -> bool {
        self.enum_type == EnumType::Closed
    }

    /// True when presence is implicit (proto3 singular scalars, editions `IMPLICIT`).
    pub(crate) fn is_implicit_presence(self) -> bool {
        self.field_presence == FieldPresence::Implicit
    }

    /// True when presence is `LEGACY_REQUIRED`.
    pub(crate) fn is_legacy_required(self) -> bool {
        self.field_presence == FieldPresence::LegacyRequired
    }

    /// True when JSON name conflicts are only warnings (`LEGACY_BEST_EFFORT`).
    pub(crate) fn is_legacy_json(self) -> bool {
        self.json_format == JsonFormat::LegacyBestEffort
    }
}

/// The resolved features of the enum at `path` in `file` (any file of the pool).
pub(crate) fn enum_features_at(file: &FileDescriptorProto, path: &[i32]) -> Features {
    let mut features = Features::for_file(file);
    let mut message: Option<&DescriptorProto> = None;
    let mut rest = path;
    while let [field, index, tail @ ..] = rest {
        let Ok(i) = usize::try_from(*index) else {
            break;
        };
        match (message, *field) {
            (None, tag::file::MESSAGE_TYPE) => {
                let Some(m) = file.message_type.get(i) else {
                    break;
                };
                features = features.merged(m.options.as_ref().and_then(|o| o.features.as_ref()));
                message = Some(m);
            }
            (Some(parent), tag::message::NESTED_TYPE) => {
                let Some(m) = parent.nested_type.get(i) else {
                    break;
                };
                features = features.merged(m.options.as_ref().and_then(|o| o.features.as_ref()));
                message = Some(m);
            }
            (None, tag::file::ENUM_TYPE) => {
                if let Some(e) = file.enum_type.get(i) {
                    features =
                        features.merged(e.options.as_ref().and_then(|o| o.features.as_ref()));
                }
                break;
            }
            (Some(parent), tag::message::ENUM_TYPE) => {
                if let Some(e) = parent.enum_type.get(i) {
                    features =
                        features.merged(e.options.as_ref().and_then(|o| o.features.as_ref()));
                }
                break;
            }
            _ => break,
        }
        rest = tail;
    }
    features
}
