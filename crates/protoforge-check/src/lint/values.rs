//! Enum value and field rules: zero first values, aliases, required fields.

use protoforge::descriptor::feature_set::FieldPresence;
use protoforge::descriptor::field_descriptor_proto::Label;

use super::{Ctx, Out};

/// `ENUM_FIRST_VALUE_ZERO`.
pub(crate) fn enum_first_value_zero(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for e in &f.enums {
            let Some(first) = e.d.value.first() else {
                continue;
            };
            if first.number.unwrap_or(0) != 0 {
                let path = [e.path.as_slice(), &[2, 0, 2]].concat();
                out.add(
                    fi,
                    f.at(&path),
                    format!(
                        "First enum value {:?} should have a numeric value of 0",
                        first.name.as_deref().unwrap_or("")
                    ),
                );
            }
        }
    }
}

/// `ENUM_NO_ALLOW_ALIAS`.
pub(crate) fn enum_no_allow_alias(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for e in &f.enums {
            if e.d.options.as_ref().and_then(|o| o.allow_alias) == Some(true) {
                let path = [e.path.as_slice(), &[3, 2]].concat();
                out.add(
                    fi,
                    f.at(&path),
                    format!(
                        "Enum option \"allow_alias\" on enum {:?} must be false.",
                        e.d.name.as_deref().unwrap_or("")
                    ),
                );
            }
        }
    }
}

/// `FIELD_NOT_REQUIRED`: `required` labels, and `LEGACY_REQUIRED` field presence in editions.
pub(crate) fn field_not_required(ctx: &Ctx<'_>, out: &mut Out) {
    for (fi, f) in ctx.targets() {
        for field in &f.fields {
            let legacy = field
                .d
                .options
                .as_ref()
                .and_then(|o| o.features.as_ref())
                .and_then(|s| s.field_presence)
                == Some(FieldPresence::LegacyRequired);
            if field.d.label == Some(Label::Required) || legacy {
                out.add(
                    fi,
                    f.name_at(&field.path),
                    format!(
                        "Field named {:?} should not be required.",
                        field.d.name.as_deref().unwrap_or("")
                    ),
                );
            }
        }
    }
}
