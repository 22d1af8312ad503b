//! Hand-written helpers for [`Any`]: packing a message with its type URL, checking the type
//! and unpacking it again, using the [`Name`] every generated message implements.

use crate::{DecodeError, Name};

use super::Any;

impl Any {
    /// Packs `message`: its encoding with the type URL `type.googleapis.com/<full name>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use protoforge::wkt::{Any, Duration};
    ///
    /// let any = Any::pack(&Duration::new(5, 0));
    /// assert_eq!(any.type_url, "type.googleapis.com/google.protobuf.Duration");
    /// assert!(any.is::<Duration>());
    /// assert_eq!(any.unpack::<Duration>().unwrap(), Some(Duration::new(5, 0)));
    /// ```
    pub fn pack<M: Name>(message: &M) -> Any {
        Any {
            type_url: M::type_url(),
            value: message.encode_to_vec(),
            ..Default::default()
        }
    }

    /// The fully qualified type name in the type URL: everything after its last `/`.
    pub fn type_name(&self) -> &str {
        match self.type_url.rfind('/') {
            Some(slash) => &self.type_url[slash + 1..],
            None => &self.type_url,
        }
    }

    /// Whether the packed message is an `M` (by type name; the URL's host is ignored).
    pub fn is<M: Name>(&self) -> bool {
        let name = self.type_name();
        if M::PACKAGE.is_empty() {
            name == M::NAME
        } else {
            name.strip_prefix(M::PACKAGE)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| rest == M::NAME)
        }
    }

    /// Decodes the packed message if it is an `M`: `Ok(None)` for another type, an error
    /// if its bytes do not decode.
    pub fn unpack<M: Name>(&self) -> Result<Option<M>, DecodeError> {
        if !self.is::<M>() {
            return Ok(None);
        }
        M::decode(&self.value[..]).map(Some)
    }
}
