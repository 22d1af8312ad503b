//! Generated enums: the [`Enumeration`] trait they implement, [`EnumValue`] (the value of an
//! open-enum field, which may hold a number the enum does not name) and
//! [`UnknownEnumValue`], the error of converting such a number to the enum.
//!
//! Closed enums (proto2, editions `enum_type = CLOSED`) store fields as the Rust enum itself:
//! a number the enum does not know never reaches the field (it is kept with the unknown
//! fields instead). Open enums (proto3, editions `OPEN`) must keep any number they are sent,
//! so their fields are `EnumValue<E>`: `Known(variant)` or `Unknown(number)`. The same Rust
//! enum serves both kinds of field, because a proto2 file treats an open enum as closed.

use core::cmp::Ordering;
use core::fmt::{self, Debug};
use core::hash::{Hash, Hasher};

/// A generated protobuf enum: a Rust enum with one variant per distinct number.
///
/// Generated enums implement `TryFrom<i32>` and `From<Self> for i32`; this trait names the
/// pair so generic code ([`EnumValue`], the codecs in [`encoding`](crate::encoding)) can use
/// them, and needs no methods of its own.
pub trait Enumeration:
    Copy + Default + Eq + Debug + Send + Sync + TryFrom<i32> + Into<i32> + 'static
{
    /// The variant with this number, if any.
    #[inline]
    fn from_i32(value: i32) -> Option<Self> {
        Self::try_from(value).ok()
    }

    /// The number of this variant.
    #[inline]
    fn to_i32(self) -> i32 {
        self.into()
    }
}

/// The error of `TryFrom<i32>` for a generated enum: the number is not one of its values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnknownEnumValue(pub i32);

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown enum value {}", self.0)
    }
}

impl std::error::Error for UnknownEnumValue {}

/// The value of an open-enum field: a variant of `E`, or a number `E` has no variant for
/// (sent by a peer with a newer schema), kept so it is re-encoded unchanged.
///
/// Values are canonical: a number `E` knows is always `Known`, whichever way the value was
/// made (`EnumValue::from(1)` and `EnumValue::from(E::One)` are equal and hash alike), and
/// equality, ordering and hashing follow the number.
///
/// ```
/// use protoforge::EnumValue;
/// use protoforge::descriptor::field_descriptor_proto::Label;
///
/// let known: EnumValue<Label> = EnumValue::from(3);
/// assert_eq!(known, Label::Repeated);
/// match known {
///     EnumValue::Known(Label::Repeated) => {}
///     EnumValue::Known(_) | EnumValue::Unknown(_) => unreachable!(),
/// }
/// let unknown: EnumValue<Label> = EnumValue::from(42);
/// assert_eq!(unknown.known(), None);
/// assert_eq!(i32::from(unknown), 42);
/// assert_eq!(format!("{unknown:?}"), "Unknown(42)");
/// ```
#[derive(Clone, Copy)]
pub enum EnumValue<E> {
    /// A number `E` has a variant for.
    Known(E),
    /// A number `E` does not know. Construct values with `EnumValue::from(number)`, which
    /// never puts a known number here.
    Unknown(i32),
}

impl<E: Enumeration> EnumValue<E> {
    /// The number on the wire.
    #[inline]
    pub fn to_i32(self) -> i32 {
        match self {
            EnumValue::Known(value) => value.into(),
            EnumValue::Unknown(number) => number,
        }
    }

    /// The variant, if `E` knows the number.
    #[inline]
    pub fn known(self) -> Option<E> {
        match self {
            EnumValue::Known(value) => Some(value),
            EnumValue::Unknown(_) => None,
        }
    }

    /// Whether `E` has a variant for the number.
    #[inline]
    pub fn is_known(self) -> bool {
        matches!(self, EnumValue::Known(_))
    }

    /// The variant, or `fallback` for a number `E` does not know.
    #[inline]
    pub fn known_or(self, fallback: E) -> E {
        self.known().unwrap_or(fallback)
    }
}

impl<E: Enumeration> Default for EnumValue<E> {
    /// The enum's default (its first value, which an open enum requires to be zero).
    #[inline]
    fn default() -> Self {
        EnumValue::Known(E::default())
    }
}

impl<E: Enumeration> From<E> for EnumValue<E> {
    #[inline]
    fn from(value: E) -> Self {
        EnumValue::Known(value)
    }
}

impl<E: Enumeration> From<i32> for EnumValue<E> {
    #[inline]
    fn from(number: i32) -> Self {
        match E::try_from(number) {
            Ok(value) => EnumValue::Known(value),
            Err(_) => EnumValue::Unknown(number),
        }
    }
}

impl<E: Enumeration> From<EnumValue<E>> for i32 {
    #[inline]
    fn from(value: EnumValue<E>) -> i32 {
        value.to_i32()
    }
}

impl<E: Enumeration> PartialEq for EnumValue<E> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.to_i32() == other.to_i32()
    }
}

impl<E: Enumeration> Eq for EnumValue<E> {}

impl<E: Enumeration> PartialEq<E> for EnumValue<E> {
    #[inline]
    fn eq(&self, other: &E) -> bool {
        self.to_i32() == (*other).into()
    }
}

impl<E: Enumeration> PartialOrd for EnumValue<E> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E: Enumeration> Ord for EnumValue<E> {
    /// By number, as protobuf orders enum values.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_i32().cmp(&other.to_i32())
    }
}

impl<E: Enumeration> Hash for EnumValue<E> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_i32().hash(state)
    }
}

impl<E: Enumeration> Debug for EnumValue<E> {
    /// A known value prints as its variant (`Ok`), an unknown one as `Unknown(7)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnumValue::Known(value) => value.fmt(f),
            EnumValue::Unknown(number) => f.debug_tuple("Unknown").field(number).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::EnumValue;
    use crate::descriptor::field_descriptor_proto::Label;

    #[test]
    fn numbers_the_enum_knows_are_always_known() {
        let from_number: EnumValue<Label> = EnumValue::from(1);
        assert_eq!(from_number.known(), Some(Label::Optional));
        assert!(matches!(from_number, EnumValue::Known(Label::Optional)));
        let set: HashSet<EnumValue<Label>> = [EnumValue::from(1), Label::Optional.into()]
            .into_iter()
            .collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn unknown_numbers_survive_conversion() {
        let value: EnumValue<Label> = EnumValue::from(-7);
        assert_eq!(value, EnumValue::Unknown(-7));
        assert!(!value.is_known());
        assert_eq!(value.known_or(Label::Required), Label::Required);
        assert_eq!(i32::from(value), -7);
        assert!(value < EnumValue::from(Label::Optional));
    }

    #[test]
    fn default_is_the_enums_default() {
        assert_eq!(EnumValue::<Label>::default(), Label::default());
        assert_eq!(format!("{:?}", EnumValue::<Label>::default()), "Optional");
    }
}
