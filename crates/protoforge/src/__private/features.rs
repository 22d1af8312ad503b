//! Editions features, resolved: the one [`Features`] value the compiler (validation and option
//! interpretation), the code generator and the reflection pool share. Not a public API; it is
//! here, compiled without any optional feature, because the runtime is the one crate all three
//! depend on.
//!
//! A value starts from its edition's defaults ([`Features::for_edition`], the
//! `edition_defaults` of `google.protobuf.FeatureSet`'s fields in `descriptor.proto`), then
//! takes each enclosing element's `features` in turn, from the file down to the element
//! ([`Features::overlay`], or [`Features::merge_from`] where an explicit `UNKNOWN` value must
//! count, as in protoc's merge), and, for a field of a proto2 or proto3 file, protoc's
//! inference of the legacy features ([`Features::infer_legacy`]). Everything is `Copy` and
//! allocation-free: the compiler resolves features for every field it checks.

use crate::descriptor::feature_set::{
    EnumType, FieldPresence, JsonFormat, MessageEncoding, RepeatedFieldEncoding, Utf8Validation,
};
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::{Edition, FeatureSet, FieldDescriptorProto, FileDescriptorProto};

/// Field presence, resolved.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Presence {
    /// Has-bits: set and cleared explicitly (also what an unresolved presence reads as).
    Explicit,
    /// No presence: a default value is the same as unset.
    Implicit,
    /// proto2 `required`, editions `LEGACY_REQUIRED`.
    LegacyRequired,
}

/// The resolved features of one element.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Features {
    /// `field_presence`.
    pub presence: Presence,
    /// `enum_type` is `CLOSED`.
    pub closed_enum: bool,
    /// `repeated_field_encoding` is `PACKED`.
    pub packed: bool,
    /// `utf8_validation` is `VERIFY`.
    pub verify_utf8: bool,
    /// `message_encoding` is `DELIMITED`.
    pub delimited: bool,
    /// `json_format` is `LEGACY_BEST_EFFORT`.
    pub legacy_json: bool,
}

/// No feature resolved: what an edition without defaults (one before `EDITION_LEGACY`, which
/// protoc rejects) starts from, and what every explicit `UNKNOWN` value reads as.
const UNRESOLVED: Features = Features {
    presence: Presence::Explicit,
    closed_enum: false,
    packed: false,
    verify_utf8: false,
    delimited: false,
    legacy_json: false,
};

/// The defaults from `EDITION_LEGACY` on: proto2's.
const LEGACY: Features = Features {
    presence: Presence::Explicit,
    closed_enum: true,
    packed: false,
    verify_utf8: false,
    delimited: false,
    legacy_json: true,
};

/// The defaults of `EDITION_PROTO3`.
const PROTO3: Features = Features {
    presence: Presence::Implicit,
    closed_enum: false,
    packed: true,
    verify_utf8: true,
    delimited: false,
    legacy_json: false,
};

/// The defaults from `EDITION_2023` on (2024 changes only features none of the users reads).
const EDITION_2023: Features = Features {
    presence: Presence::Explicit,
    ..PROTO3
};

/// The edition a file is written in: its `edition`, or `EDITION_PROTO2`/`EDITION_PROTO3` from
/// its `syntax` (no syntax means proto2; `editions` without an edition is `EDITION_UNKNOWN`).
pub fn file_edition(file: &FileDescriptorProto) -> Edition {
    match file.syntax.as_deref() {
        Some("editions") => file.edition.unwrap_or(Edition::Unknown),
        Some("proto3") => Edition::Proto3,
        _ => Edition::Proto2,
    }
}

/// Which legacy syntax `file` is written in, for [`Features::infer_legacy`]: `Some(true)` for
/// proto3, `Some(false)` for proto2, `None` for an editions file (no inference).
pub fn legacy_syntax(file: &FileDescriptorProto) -> Option<bool> {
    match file.syntax.as_deref() {
        Some("editions") => None,
        syntax => Some(syntax == Some("proto3")),
    }
}

impl Features {
    /// The defaults of `edition` (an `Edition` number): for each feature, the
    /// `edition_defaults` entry of `descriptor.proto` with the newest edition not newer than
    /// `edition`, as protoc's `FeatureResolver` picks it. proto2 (and `EDITION_LEGACY`) is
    /// explicit/closed/expanded/no UTF-8 check/legacy JSON, proto3 implicit/open/packed/verify,
    /// 2023 and later explicit/open/packed/verify; every edition uses length-prefixed messages.
    #[inline]
    pub const fn for_edition(edition: i32) -> Features {
        if edition < Edition::Legacy as i32 {
            UNRESOLVED
        } else if edition < Edition::Proto3 as i32 {
            LEGACY
        } else if edition == Edition::Proto3 as i32 {
            PROTO3
        } else {
            EDITION_2023
        }
    }

    /// These features with the ones `set` states explicitly laid over them; an explicit
    /// `UNKNOWN` value is skipped (the parent's value stays).
    #[inline]
    pub fn overlay(self, set: Option<&FeatureSet>) -> Features {
        self.lay::<false>(set)
    }

    /// These features with every value `set` has laid over them, an explicit `UNKNOWN` value
    /// included (as protoc's `MergeFrom` does; it then reads as no feature: explicit presence,
    /// open, expanded, no UTF-8 check, length-prefixed, JSON allowed).
    #[inline]
    pub fn merge_from(self, set: Option<&FeatureSet>) -> Features {
        self.lay::<true>(set)
    }

    #[inline]
    fn lay<const UNKNOWN_TOO: bool>(mut self, set: Option<&FeatureSet>) -> Features {
        let Some(set) = set else { return self };
        match set.field_presence {
            Some(FieldPresence::Explicit) => self.presence = Presence::Explicit,
            Some(FieldPresence::Implicit) => self.presence = Presence::Implicit,
            Some(FieldPresence::LegacyRequired) => self.presence = Presence::LegacyRequired,
            Some(FieldPresence::Unknown) if UNKNOWN_TOO => self.presence = UNRESOLVED.presence,
            _ => {}
        }
        match set.enum_type {
            Some(EnumType::Open) => self.closed_enum = false,
            Some(EnumType::Closed) => self.closed_enum = true,
            Some(EnumType::Unknown) if UNKNOWN_TOO => self.closed_enum = UNRESOLVED.closed_enum,
            _ => {}
        }
        match set.repeated_field_encoding {
            Some(RepeatedFieldEncoding::Packed) => self.packed = true,
            Some(RepeatedFieldEncoding::Expanded) => self.packed = false,
            Some(RepeatedFieldEncoding::Unknown) if UNKNOWN_TOO => self.packed = UNRESOLVED.packed,
            _ => {}
        }
        match set.utf8_validation {
            Some(Utf8Validation::Verify) => self.verify_utf8 = true,
            Some(Utf8Validation::None) => self.verify_utf8 = false,
            Some(Utf8Validation::Unknown) if UNKNOWN_TOO => {
                self.verify_utf8 = UNRESOLVED.verify_utf8;
            }
            _ => {}
        }
        match set.message_encoding {
            Some(MessageEncoding::Delimited) => self.delimited = true,
            Some(MessageEncoding::LengthPrefixed) => self.delimited = false,
            Some(MessageEncoding::Unknown) if UNKNOWN_TOO => self.delimited = UNRESOLVED.delimited,
            _ => {}
        }
        match set.json_format {
            Some(JsonFormat::LegacyBestEffort) => self.legacy_json = true,
            Some(JsonFormat::Allow) => self.legacy_json = false,
            Some(JsonFormat::Unknown) if UNKNOWN_TOO => self.legacy_json = UNRESOLVED.legacy_json,
            _ => {}
        }
        self
    }

    /// protoc's `InferLegacyProtoFeatures` for a field of a proto2 or proto3 file (`proto3`
    /// tells which): `required` is legacy required, groups are delimited, `[packed = true]`
    /// packs, proto3's `[packed = false]` expands, and proto3 `optional` has explicit
    /// presence.
    #[inline]
    pub fn infer_legacy(mut self, field: &FieldDescriptorProto, proto3: bool) -> Features {
        if field.label == Some(Label::Required) {
            self.presence = Presence::LegacyRequired;
        }
        if field.r#type == Some(Type::Group) {
            self.delimited = true;
        }
        match field.options.as_ref().and_then(|o| o.packed) {
            Some(true) => self.packed = true,
            Some(false) if proto3 => self.packed = false,
            _ => {}
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
    use crate::descriptor::FieldOptions;

    #[test]
    fn defaults_per_edition() {
        let p2 = Features::for_edition(Edition::Proto2 as i32);
        assert!(p2.closed_enum && !p2.packed && !p2.verify_utf8 && p2.legacy_json);
        assert_eq!(p2.presence, Presence::Explicit);
        assert_eq!(Features::for_edition(Edition::Legacy as i32), p2);
        let p3 = Features::for_edition(Edition::Proto3 as i32);
        assert!(!p3.closed_enum && p3.packed && p3.verify_utf8 && !p3.legacy_json);
        assert_eq!(p3.presence, Presence::Implicit);
        let e23 = Features::for_edition(Edition::Edition2023 as i32);
        assert_eq!(e23.presence, Presence::Explicit);
        assert!(!e23.closed_enum && e23.packed && e23.verify_utf8 && !e23.delimited);
        assert_eq!(Features::for_edition(Edition::Edition2024 as i32), e23);
        assert_eq!(Features::for_edition(Edition::Unknown as i32), UNRESOLVED);
    }

    #[test]
    fn overlay_replaces_only_set_features() {
        let set = FeatureSet {
            enum_type: Some(EnumType::Closed),
            message_encoding: Some(MessageEncoding::Delimited),
            field_presence: Some(FieldPresence::Unknown),
            ..Default::default()
        };
        let base = Features::for_edition(Edition::Proto3 as i32);
        let f = base.overlay(Some(&set));
        assert!(f.closed_enum && f.delimited && f.packed);
        assert_eq!(f.presence, Presence::Implicit);
        assert_eq!(base.merge_from(Some(&set)).presence, Presence::Explicit);
    }

    #[test]
    fn legacy_inference() {
        let field = FieldDescriptorProto {
            label: Some(Label::Required),
            r#type: Some(Type::Group),
            options: Some(FieldOptions {
                packed: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        };
        let p3 = Features::for_edition(Edition::Proto3 as i32);
        let f = p3.infer_legacy(&field, true);
        assert!(f.delimited && !f.packed);
        assert_eq!(f.presence, Presence::LegacyRequired);
        let p2 = Features::for_edition(Edition::Proto2 as i32);
        let packed = FeatureSet {
            repeated_field_encoding: Some(RepeatedFieldEncoding::Packed),
            ..Default::default()
        };
        assert!(p2.overlay(Some(&packed)).infer_legacy(&field, false).packed);
    }
}
