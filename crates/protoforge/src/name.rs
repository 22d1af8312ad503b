//! The [`Name`] trait: the protobuf name of a generated message type, which `Any` needs to
//! write and check type URLs.

use crate::Message;

/// The protobuf name of a message type. Generated code implements it for every message; the
/// provided methods build the fully qualified name and the `Any` type URL from the two
/// constants.
///
/// # Examples
///
/// ```
/// use protoforge::Name;
/// use protoforge::wkt::Timestamp;
///
/// assert_eq!(Timestamp::PACKAGE, "google.protobuf");
/// assert_eq!(Timestamp::NAME, "Timestamp");
/// assert_eq!(Timestamp::full_name(), "google.protobuf.Timestamp");
/// assert_eq!(Timestamp::type_url(), "type.googleapis.com/google.protobuf.Timestamp");
/// ```
pub trait Name: Message {
    /// The package the message is declared in (`""` for none), e.g. `google.protobuf`.
    const PACKAGE: &'static str;

    /// The message's name within its package: its simple name, prefixed by the names of the
    /// messages it is nested in (`Outer.Inner`).
    const NAME: &'static str;

    /// The fully qualified name without a leading dot, e.g. `google.protobuf.Timestamp`.
    fn full_name() -> String {
        if Self::PACKAGE.is_empty() {
            Self::NAME.to_string()
        } else {
            format!("{}.{}", Self::PACKAGE, Self::NAME)
        }
    }

    /// The type URL `Any` uses for this type: `type.googleapis.com/` and the full name.
    fn type_url() -> String {
        format!("type.googleapis.com/{}", Self::full_name())
    }
}
