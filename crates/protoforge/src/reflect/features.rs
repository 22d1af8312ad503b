//! Editions feature resolution for the pool: the five features the runtime acts on, with the
//! defaults protoc's `FeatureSetDefaults` for `descriptor.proto` gives each edition, overlaid
//! by the `features` options of the file, enclosing messages (and oneof) and the element, and
//! protoc's inference of legacy features for proto2 and proto3 fields.

use crate::descriptor::feature_set::{
    EnumType, FieldPresence, MessageEncoding, RepeatedFieldEncoding, Utf8Validation,
};
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::{Edition, FeatureSet, FieldDescriptorProto};

/// How a field without `optional`/`required` tracks presence.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Presence {
    /// Has-bits: set and cleared explicitly.
    Explicit,
    /// No presence: a default value is the same as unset.
    Implicit,
    /// proto2 `required`.
    LegacyRequired,
}

/// The resolved features of one element.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Features {
    pub presence: Presence,
    pub closed_enum: bool,
    pub packed: bool,
    pub verify_utf8: bool,
    pub delimited: bool,
}

impl Features {
    /// The defaults of `edition` (an `Edition` number), as protoc's compiled-in
    /// `FeatureSetDefaults` gives them: proto2 is explicit/closed/expanded/no UTF-8 check,
    /// proto3 implicit/open/packed/verify, 2023 and later explicit/open/packed/verify; every
    /// edition uses length-prefixed messages.
    pub fn defaults(edition: i32) -> Features {
        if edition <= Edition::Proto2 as i32 {
            Features {
                presence: Presence::Explicit,
                closed_enum: true,
                packed: false,
                verify_utf8: false,
                delimited: false,
            }
        } else if edition == Edition::Proto3 as i32 {
            Features {
                presence: Presence::Implicit,
                closed_enum: false,
                packed: true,
                verify_utf8: true,
                delimited: false,
            }
        } else {
            Features {
                presence: Presence::Explicit,
                closed_enum: false,
                packed: true,
                verify_utf8: true,
                delimited: false,
            }
        }
    }

    /// These features with the ones `set` states explicitly laid over them.
    pub fn overlay(mut self, set: Option<&FeatureSet>) -> Features {
        let Some(set) = set else { return self };
        match set.field_presence {
            Some(FieldPresence::Explicit) => self.presence = Presence::Explicit,
            Some(FieldPresence::Implicit) => self.presence = Presence::Implicit,
            Some(FieldPresence::LegacyRequired) => self.presence = Presence::LegacyRequired,
            _ => {}
        }
        match set.enum_type {
            Some(EnumType::Open) => self.closed_enum = false,
            Some(EnumType::Closed) => self.closed_enum = true,
            _ => {}
        }
        match set.repeated_field_encoding {
            Some(RepeatedFieldEncoding::Packed) => self.packed = true,
            Some(RepeatedFieldEncoding::Expanded) => self.packed = false,
            _ => {}
        }
        match set.utf8_validation {
            Some(Utf8Validation::Verify) => self.verify_utf8 = true,
            Some(Utf8Validation::None) => self.verify_utf8 = false,
            _ => {}
        }
        match set.message_encoding {
            Some(MessageEncoding::Delimited) => self.delimited = true,
            Some(MessageEncoding::LengthPrefixed) => self.delimited = false,
            _ => {}
        }
        self
    }

    /// protoc's inference for a field of a proto2 or proto3 file: `required` is legacy
    /// required, groups are delimited, `[packed = ...]` sets the encoding and proto3
    /// `optional` has explicit presence.
    pub fn infer_legacy(mut self, field: &FieldDescriptorProto, proto3: bool) -> Features {
        if field.label == Some(Label::Required) {
            self.presence = Presence::LegacyRequired;
        }
        if field.r#type == Some(Type::Group) {
            self.delimited = true;
        }
        if let Some(packed) = field.options.as_ref().and_then(|o| o.packed) {
            self.packed = packed;
        }
        if proto3 && field.proto3_optional == Some(true) {
            self.presence = Presence::Explicit;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_per_edition() {
        let p2 = Features::defaults(Edition::Proto2 as i32);
        assert!(p2.closed_enum && !p2.packed && !p2.verify_utf8);
        assert_eq!(p2.presence, Presence::Explicit);
        let p3 = Features::defaults(Edition::Proto3 as i32);
        assert!(!p3.closed_enum && p3.packed && p3.verify_utf8);
        assert_eq!(p3.presence, Presence::Implicit);
        let e23 = Features::defaults(Edition::Edition2023 as i32);
        assert_eq!(e23.presence, Presence::Explicit);
        assert!(!e23.closed_enum && e23.packed && e23.verify_utf8 && !e23.delimited);
        assert_eq!(Features::defaults(Edition::Edition2024 as i32), e23);
    }

    #[test]
    fn overlay_replaces_only_set_features() {
        let set = FeatureSet {
            enum_type: Some(EnumType::Closed),
            message_encoding: Some(MessageEncoding::Delimited),
            ..Default::default()
        };
        let f = Features::defaults(Edition::Edition2023 as i32).overlay(Some(&set));
        assert!(f.closed_enum && f.delimited && f.packed);
    }
}
