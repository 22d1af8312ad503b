//! The message, enum, field or extension at a descriptor path of a file (the paths symbols
//! and `SourceCodeInfo` use).

use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use crate::tag;

fn idx(i: i32) -> Option<usize> {
    usize::try_from(i).ok()
}

/// The message at a descriptor path (`[4, i]`, `[4, i, 3, j]`, ...).
pub(crate) fn message_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f DescriptorProto> {
    let [tag::file::MESSAGE_TYPE, first, rest @ ..] = path else {
        return None;
    };
    let mut m = file.message_type.get(idx(*first)?)?;
    let mut rest = rest;
    while let [tag::message::NESTED_TYPE, i, tail @ ..] = rest {
        m = m.nested_type.get(idx(*i)?)?;
        rest = tail;
    }
    rest.is_empty().then_some(m)
}

/// The enum at a descriptor path (`[5, i]` or `[4, i, ..., 4, j]`).
pub(crate) fn enum_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f EnumDescriptorProto> {
    match path {
        [tag::file::ENUM_TYPE, i] => file.enum_type.get(idx(*i)?),
        [parent @ .., tag::message::ENUM_TYPE, i] => {
            message_at(file, parent)?.enum_type.get(idx(*i)?)
        }
        _ => None,
    }
}

/// The field or extension at a descriptor path (`[7, i]`, `[4, i, ..., 2, j]`, `[4, i, ..., 6, j]`).
pub(crate) fn field_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f FieldDescriptorProto> {
    match path {
        [tag::file::EXTENSION, i] => file.extension.get(idx(*i)?),
        [parent @ .., tag::message::FIELD, i] => message_at(file, parent)?.field.get(idx(*i)?),
        [parent @ .., tag::message::EXTENSION, i] => {
            message_at(file, parent)?.extension.get(idx(*i)?)
        }
        _ => None,
    }
}
