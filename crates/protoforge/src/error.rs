//! Errors of the wire format: [`DecodeError`] (with a [`DecodeErrorKind`] reason and the
//! path of fields being decoded when it happened) and [`EncodeError`] (the output buffer
//! was too small). Decode errors are boxed so that `Result<T, DecodeError>` stays one word.

use core::fmt;

/// Why decoding failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended in the middle of a tag, value or length-delimited field.
    Truncated,
    /// A varint was longer than its place allows: ten bytes for a value, five for a tag or a
    /// length prefix.
    VarintOverflow,
    /// A tag carried wire type 6 or 7, which do not exist.
    InvalidWireType(u8),
    /// A tag carried field number 0.
    ZeroFieldNumber,
    /// A tag carried a field number above 2^29 - 1.
    FieldNumberOutOfRange(u64),
    /// A known field arrived with a wire type that its type cannot use.
    UnexpectedWireType {
        /// The wire type the field's type uses.
        expected: u8,
        /// The wire type found in the tag.
        actual: u8,
    },
    /// A length prefix pointed past the end of the input (or of the enclosing message), or was
    /// above 2^31 - 1, protobuf's limit.
    LengthOutOfBounds {
        /// The declared length.
        length: u64,
        /// How many bytes were left.
        remaining: usize,
    },
    /// Sub-messages or groups were nested deeper than the recursion limit.
    RecursionLimitExceeded,
    /// A `string` field did not hold valid UTF-8.
    InvalidUtf8,
    /// An end-group tag closed a different group than the one that was open.
    EndGroupMismatch {
        /// The field number of the open group.
        expected: u32,
        /// The field number of the end-group tag.
        actual: u32,
    },
    /// An end-group tag appeared where no group was open.
    UnexpectedEndGroup(u32),
    /// The input ended inside a group (no end-group tag).
    UnterminatedGroup(u32),
    /// A packed field's length was not a multiple of its element size.
    InvalidPackedLength,
    /// A `required` field was not set; the error's path names it. Only messages generated
    /// with `required_is_decode_error` report this (see `Message::check_initialized`).
    MissingRequired,
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated => f.write_str("unexpected end of input"),
            Self::VarintOverflow => f.write_str("varint overflow"),
            Self::InvalidWireType(w) => write!(f, "invalid wire type {w}"),
            Self::ZeroFieldNumber => f.write_str("field number 0 is invalid"),
            Self::FieldNumberOutOfRange(n) => write!(f, "field number {n} is out of range"),
            Self::UnexpectedWireType { expected, actual } => {
                write!(f, "unexpected wire type {actual} (expected {expected})")
            }
            Self::LengthOutOfBounds { length, remaining } => {
                write!(f, "length {length} exceeds the {remaining} remaining bytes")
            }
            Self::RecursionLimitExceeded => f.write_str("recursion limit exceeded"),
            Self::InvalidUtf8 => f.write_str("invalid UTF-8 in string field"),
            Self::EndGroupMismatch { expected, actual } => {
                write!(
                    f,
                    "end-group tag for field {actual} closes group {expected}"
                )
            }
            Self::UnexpectedEndGroup(n) => write!(f, "unexpected end-group tag for field {n}"),
            Self::UnterminatedGroup(n) => write!(f, "group {n} has no end-group tag"),
            Self::InvalidPackedLength => {
                f.write_str("packed field length is not a multiple of the element size")
            }
            Self::MissingRequired => f.write_str("required field is missing"),
        }
    }
}

/// A failure to decode a message, with its reason and the field path where it happened.
///
/// The path is outermost first: `FileDescriptorSet.file`, `FileDescriptorProto.name`.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    inner: Box<Inner>,
}

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: DecodeErrorKind,
    /// Innermost first, as pushed while the error travels outward.
    path: Vec<(&'static str, &'static str)>,
}

impl DecodeError {
    /// Makes an error with an empty field path.
    #[cold]
    pub fn new(kind: DecodeErrorKind) -> Self {
        DecodeError {
            inner: Box::new(Inner {
                kind,
                path: Vec::new(),
            }),
        }
    }

    /// The reason.
    pub fn kind(&self) -> DecodeErrorKind {
        self.inner.kind
    }

    /// The field path, outermost first, as `(message name, field name)` pairs.
    pub fn path(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.inner.path.iter().rev().copied()
    }

    /// Adds one enclosing field to the path; generated code calls this while the error
    /// travels out of a field's decoder.
    #[cold]
    pub fn push(mut self, message: &'static str, field: &'static str) -> Self {
        self.inner.path.push((message, field));
        self
    }
}

impl From<DecodeErrorKind> for DecodeError {
    fn from(kind: DecodeErrorKind) -> Self {
        DecodeError::new(kind)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("kind", &self.inner.kind)
            .field("path", &self.path().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("failed to decode protobuf message: ")?;
        for (message, field) in self.path() {
            write!(f, "{message}.{field}: ")?;
        }
        fmt::Display::fmt(&self.inner.kind, f)
    }
}

impl std::error::Error for DecodeError {}

/// The output buffer had too little room for the encoded message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EncodeError {
    required: usize,
    remaining: usize,
}

impl EncodeError {
    pub(crate) fn new(required: usize, remaining: usize) -> Self {
        EncodeError {
            required,
            remaining,
        }
    }

    /// How many bytes the message needs.
    pub fn required_capacity(&self) -> usize {
        self.required
    }

    /// How many bytes the buffer had left.
    pub fn remaining(&self) -> usize {
        self.remaining
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to encode protobuf message: {} bytes required but the buffer has {}",
            self.required, self.remaining
        )
    }
}

impl std::error::Error for EncodeError {}

/// `error` with field `number` of a message added to its path, if `names` (the message's
/// [`Message::FIELD_NAMES`](crate::Message::FIELD_NAMES): `"Node: label=1 weight=2"`) has
/// that field.
#[cold]
pub(crate) fn push_field_name(names: &'static str, error: DecodeError, number: u32) -> DecodeError {
    let Some((message, fields)) = names.split_once(": ") else {
        return error;
    };
    let field = fields.split(' ').find_map(|entry| {
        let (name, n) = entry.rsplit_once('=')?;
        (n.parse() == Ok(number)).then_some(name)
    });
    match field {
        Some(name) => error.push(message, name),
        None => error,
    }
}
