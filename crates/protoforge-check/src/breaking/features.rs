//! The features several rules compare (field presence, open or closed enums, UTF-8
//! validation, JSON format, message encoding), resolved from a file's syntax or edition and
//! the `features` options on the way down to an element. The standard features come from the
//! one resolver the compiler and code generator use ([`protoforge::__private::features`]); this module
//! adds the C++ and Java feature extensions buf also compares, which that resolver does not
//! read.

use protoforge::__private::features::{Features, Presence, file_edition};
use protoforge::descriptor::feature_set::{
    EnumType, FieldPresence, JsonFormat, MessageEncoding, Utf8Validation,
};
use protoforge::descriptor::{Edition, FeatureSet, FileDescriptorProto};
use protoforge::encoding::{DecodeContext, decode_key};
use protoforge::{UnknownFields, UnknownValue};

/// Resolved feature values of one element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The standard features.
    core: Features,
    /// The file uses `edition = ...` (not `syntax`).
    pub editions: bool,
    /// The file is proto2 (explicit `syntax = "proto2"` or none).
    pub proto2: bool,
    /// The edition is 2024 or later.
    pub edition_2024: bool,
    /// `(pb.cpp).string_type`: 1 `VIEW`, 2 `CORD`, 3 `STRING`.
    pub cpp_string_type: u64,
    /// `(pb.java).utf8_validation`: 1 `DEFAULT`, 2 `VERIFY`.
    pub java_utf8: u64,
}

impl Resolved {
    /// `field_presence`.
    pub fn presence(&self) -> FieldPresence {
        match self.core.presence {
            Presence::Explicit => FieldPresence::Explicit,
            Presence::Implicit => FieldPresence::Implicit,
            Presence::LegacyRequired => FieldPresence::LegacyRequired,
        }
    }

    /// `enum_type`.
    pub fn enum_type(&self) -> EnumType {
        if self.core.closed_enum {
            EnumType::Closed
        } else {
            EnumType::Open
        }
    }

    /// `utf8_validation`.
    pub fn utf8(&self) -> Utf8Validation {
        if self.core.verify_utf8 {
            Utf8Validation::Verify
        } else {
            Utf8Validation::None
        }
    }

    /// `json_format`.
    pub fn json(&self) -> JsonFormat {
        if self.core.legacy_json {
            JsonFormat::LegacyBestEffort
        } else {
            JsonFormat::Allow
        }
    }

    /// `message_encoding`.
    pub fn encoding(&self) -> MessageEncoding {
        if self.core.delimited {
            MessageEncoding::Delimited
        } else {
            MessageEncoding::LengthPrefixed
        }
    }
}

/// Field numbers of the C++ and Java feature extensions of `FeatureSet`.
const CPP_FEATURES: u32 = 1000;
const JAVA_FEATURES: u32 = 1001;

/// The defaults of a file's syntax or edition, with the file's own `features` applied.
pub(crate) fn for_file(fd: &FileDescriptorProto) -> Resolved {
    let edition = file_edition(fd);
    let editions = fd.syntax.as_deref() == Some("editions");
    // An `editions` file without a known edition (which protoc rejects) reads as 2023.
    let edition = if editions && (edition as i32) < Edition::Edition2023 as i32 {
        Edition::Edition2023
    } else {
        edition
    };
    let edition_2024 = edition as i32 >= Edition::Edition2024 as i32;
    let base = Resolved {
        core: Features::for_edition(edition as i32),
        editions,
        proto2: edition == Edition::Proto2,
        edition_2024,
        // `string_type` defaults to `VIEW` from edition 2024 on, `STRING` before.
        cpp_string_type: if edition_2024 { 1 } else { 3 },
        java_utf8: 1,
    };
    merge(base, fd.options.as_ref().and_then(|o| o.features.as_ref()))
}

/// `parent` with the features set in `own` overriding it.
pub(crate) fn merge(parent: Resolved, own: Option<&FeatureSet>) -> Resolved {
    let Some(f) = own else {
        return parent;
    };
    let mut r = parent;
    r.core = r.core.overlay(Some(f));
    if let Some(v) = custom_feature(f, CPP_FEATURES, 2) {
        r.cpp_string_type = v;
    }
    if let Some(v) = custom_feature(f, JAVA_FEATURES, 2) {
        r.java_utf8 = v;
    }
    r
}

/// A varint field `field` of the feature extension `ext` set on `f` (the last one wins).
fn custom_feature(f: &FeatureSet, ext: u32, field: u32) -> Option<u64> {
    let mut found = None;
    for v in f.unknown_fields.get(ext) {
        if let UnknownValue::LengthDelimited(b) = v
            && let Some(x) = varint_field(b, field)
        {
            found = Some(x);
        }
    }
    found.filter(|v| *v != 0)
}

/// The last value of varint field `field` in an encoded message, read with the runtime's wire
/// decoder; a malformed tail ends the reading (the values before it count).
pub(crate) fn varint_field(mut b: &[u8], field: u32) -> Option<u64> {
    let mut fields = UnknownFields::default();
    while !b.is_empty() {
        let Ok((number, wire_type)) = decode_key(&mut b) else {
            break;
        };
        if fields
            .merge_field(number, wire_type, &mut b, DecodeContext::default())
            .is_err()
        {
            break;
        }
    }
    fields
        .get(field)
        .filter_map(|v| match v {
            UnknownValue::Varint(x) => Some(*x),
            _ => None,
        })
        .last()
}

/// buf's spelling of a UTF-8 validation mode.
pub(crate) fn utf8_name(v: Utf8Validation) -> &'static str {
    match v {
        Utf8Validation::Verify => "VERIFY",
        Utf8Validation::None => "NONE",
        _ => "UTF8_VALIDATION_UNKNOWN",
    }
}

/// buf's spelling of a JSON format.
pub(crate) fn json_name(v: JsonFormat) -> &'static str {
    match v {
        JsonFormat::Allow => "ALLOW",
        JsonFormat::LegacyBestEffort => "LEGACY_BEST_EFFORT",
        _ => "JSON_FORMAT_UNKNOWN",
    }
}
