//! The handful of resolved editions features the checks depend on (presence, enum openness,
//! repeated encoding, JSON format), as a small `Copy` view the checks carry down while they
//! walk a file.
//!
//! Defaults and path resolution come from the crate's `features` module (edition defaults read
//! from `descriptor.proto`, legacy proto2/proto3 equivalents included); this view only keeps
//! the four values the checks read and overlays each element's explicit `features`.

use protoforge::descriptor::{
    FeatureSet, FileDescriptorProto,
    feature_set::{EnumType, FieldPresence, JsonFormat, RepeatedFieldEncoding},
};

/// Resolved values of the features the checks use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Features {
    field_presence: FieldPresence,
    enum_type: EnumType,
    repeated_field_encoding: RepeatedFieldEncoding,
    json_format: JsonFormat,
}

impl Features {
    /// The four check-relevant values of a resolved feature set.
    fn from_set(set: &FeatureSet) -> Features {
        Features {
            field_presence: set.field_presence.unwrap_or_default(),
            enum_type: set.enum_type.unwrap_or_default(),
            repeated_field_encoding: set.repeated_field_encoding.unwrap_or_default(),
            json_format: set.json_format.unwrap_or_default(),
        }
    }

    /// The resolved features of `file` itself.
    pub(crate) fn for_file(file: &FileDescriptorProto) -> Features {
        Features::from_set(&crate::features::resolve_at(file, &[]))
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
    Features::from_set(&crate::features::resolve_at(file, path))
}
