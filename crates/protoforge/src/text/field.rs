//! [`FieldRef`]: a regular field or an extension, behind one interface, so that printing and
//! parsing treat both alike; plus the naming rules protoc applies to them in text format
//! (group-like fields by type name, extensions by their printable name).

use std::borrow::Cow;

use crate::reflect::{
    Cardinality, DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind, MapKey,
    MessageDescriptor, Value,
};

/// A regular field or an extension of some message.
#[derive(Clone, Debug)]
pub(crate) enum FieldRef {
    Field(FieldDescriptor),
    Extension(ExtensionDescriptor),
}

impl FieldRef {
    pub fn name(&self) -> &str {
        match self {
            FieldRef::Field(f) => f.name(),
            FieldRef::Extension(e) => e.name(),
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            FieldRef::Field(f) => f.kind(),
            FieldRef::Extension(e) => e.kind(),
        }
    }

    pub fn cardinality(&self) -> Cardinality {
        match self {
            FieldRef::Field(f) => f.cardinality(),
            FieldRef::Extension(e) => e.cardinality(),
        }
    }

    pub fn is_repeated(&self) -> bool {
        self.cardinality() == Cardinality::Repeated
    }

    pub fn is_map(&self) -> bool {
        match self {
            FieldRef::Field(f) => f.is_map(),
            FieldRef::Extension(e) => e.is_map(),
        }
    }

    fn is_group(&self) -> bool {
        match self {
            FieldRef::Field(f) => f.is_group(),
            FieldRef::Extension(e) => e.is_group(),
        }
    }

    pub fn is_deprecated(&self) -> bool {
        let proto = match self {
            FieldRef::Field(f) => f.field_descriptor_proto(),
            FieldRef::Extension(e) => e.field_descriptor_proto(),
        };
        proto
            .options
            .as_ref()
            .and_then(|o| o.deprecated)
            .unwrap_or(false)
    }

    /// protoc's `IsGroupLike`: a group whose name is its type's name in lower case, with the
    /// type declared in the same file and scope as the field.
    pub fn is_group_like(&self) -> bool {
        let Kind::Message(ty) = self.kind() else {
            return false;
        };
        if !self.is_group() || self.name() != ty.name().to_ascii_lowercase() {
            return false;
        }
        match self {
            FieldRef::Field(f) => {
                ty.parent_file() == f.parent_file()
                    && ty.parent_message() == Some(f.parent_message())
            }
            FieldRef::Extension(e) => {
                ty.parent_file() == e.parent_file() && ty.parent_message() == e.parent_message()
            }
        }
    }

    /// The name printed for the field: `[printable.name]` for extensions, the type name for
    /// group-like fields, else the field name.
    pub fn text_name(&self) -> Cow<'_, str> {
        match self {
            FieldRef::Extension(e) => Cow::Owned(format!("[{}]", printable_extension_name(e))),
            FieldRef::Field(_) if self.is_group_like() => match self.kind() {
                Kind::Message(ty) => Cow::Owned(ty.name().to_owned()),
                _ => Cow::Borrowed(self.name()),
            },
            FieldRef::Field(f) => Cow::Borrowed(f.name()),
        }
    }

    /// Whether `msg` has this field set (lists and maps: non-empty).
    pub fn is_set(&self, msg: &DynamicMessage) -> bool {
        match self {
            FieldRef::Field(f) => msg.has_field(f),
            FieldRef::Extension(e) => msg.has_extension(e),
        }
    }

    pub fn set(&self, msg: &mut DynamicMessage, value: Value) {
        match self {
            FieldRef::Field(f) => msg.set_field(f, value),
            FieldRef::Extension(e) => msg.set_extension(e, value),
        }
    }

    /// Runs `edit` on the field's value in `msg` (set to its default first if unset), and
    /// marks the field set.
    pub fn edit<R>(&self, msg: &mut DynamicMessage, edit: impl FnOnce(&mut Value) -> R) -> R {
        match self {
            FieldRef::Field(f) => edit(msg.get_field_mut(f)),
            FieldRef::Extension(e) => {
                let mut value = msg.get_extension(e).into_owned();
                let result = edit(&mut value);
                msg.set_extension(e, value);
                result
            }
        }
    }
}

/// protoc's `PrintableNameForExtension`: a MessageSet extension is named after its message
/// type, every other extension by its full name.
pub(crate) fn printable_extension_name(ext: &ExtensionDescriptor) -> Cow<'_, str> {
    if let Kind::Message(ty) = ext.kind()
        && ext.containing_message().is_message_set()
        && !ext.is_group()
        && ext.cardinality() == Cardinality::Optional
        && ext.parent_message().as_ref() == Some(&ty)
    {
        return Cow::Owned(ty.full_name().to_owned());
    }
    Cow::Borrowed(ext.full_name())
}

/// protoc's `FindExtensionByPrintableName`: the extension of `extendee` called `name`, or for
/// a MessageSet the extension declared in the message type called `name`.
pub(crate) fn find_extension(
    extendee: &MessageDescriptor,
    name: &str,
) -> Option<ExtensionDescriptor> {
    extendee.extension_ranges().next()?;
    let pool = extendee.parent_pool();
    if let Some(ext) = pool.get_extension_by_name(name)
        && &ext.containing_message() == extendee
    {
        return Some(ext);
    }
    if extendee.is_message_set() {
        let ty = pool.get_message_by_name(name)?;
        return ty.extensions().find(|ext| {
            &ext.containing_message() == extendee
                && !ext.is_group()
                && ext.cardinality() == Cardinality::Optional
                && matches!(ext.kind(), Kind::Message(m) if m == ty)
        });
    }
    None
}

/// The map key a key value stands for, if it is of a key type.
pub(crate) fn map_key(value: &Value) -> Option<MapKey> {
    Some(match value {
        Value::Bool(v) => MapKey::Bool(*v),
        Value::I32(v) => MapKey::I32(*v),
        Value::I64(v) => MapKey::I64(*v),
        Value::U32(v) => MapKey::U32(*v),
        Value::U64(v) => MapKey::U64(*v),
        Value::String(v) => MapKey::String(v.clone()),
        _ => return None,
    })
}
