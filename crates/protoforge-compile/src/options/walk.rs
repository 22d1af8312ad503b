//! The elements of a file that have options: walks over them in protoc's build order
//! ([`visit`], [`visit_mut`]: nested elements before their parent, the file last) and in its
//! `VisitDescriptors` order ([`visit_order`]), the options at a descriptor path
//! ([`options_at`]), and the options of any element behind one interface ([`OptionsRead`],
//! [`OptionsSlot`]).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use protoforge::Message;
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, EnumOptions, EnumValueOptions, ExtensionRangeOptions,
    FieldOptions, FileDescriptorProto, FileOptions, MessageOptions, MethodOptions, OneofOptions,
    ServiceOptions, UninterpretedOption,
};

use crate::span_map::PathHasher;
use crate::symbols::join;
use crate::tag;
use crate::wire::{Raw, Record};

/// The options at `path` in `file`: an options path as [`visit_mut`] hands them out.
pub(super) fn options_at<'a>(
    file: &'a mut FileDescriptorProto,
    path: &[i32],
) -> Option<&'a mut dyn OptionsSlot> {
    use tag::file as f;
    match *path {
        [f::OPTIONS] => Some(&mut file.options),
        [f::EXTENSION, i, tag::field::OPTIONS] => Some(&mut item(&mut file.extension, i)?.options),
        [f::SERVICE, i, ref rest @ ..] => {
            let service = item(&mut file.service, i)?;
            match *rest {
                [tag::service::OPTIONS] => Some(&mut service.options),
                [tag::service::METHOD, j, tag::method::OPTIONS] => {
                    Some(&mut item(&mut service.method, j)?.options)
                }
                _ => None,
            }
        }
        [f::ENUM_TYPE, i, ref rest @ ..] => enum_options_at(item(&mut file.enum_type, i)?, rest),
        [f::MESSAGE_TYPE, i, ref rest @ ..] => {
            message_options_at(item(&mut file.message_type, i)?, rest)
        }
        _ => None,
    }
}

/// [`options_at`] below a message.
fn message_options_at<'a>(
    message: &'a mut DescriptorProto,
    path: &[i32],
) -> Option<&'a mut dyn OptionsSlot> {
    use tag::message as m;
    match *path {
        [m::OPTIONS] => Some(&mut message.options),
        [m::FIELD, i, tag::field::OPTIONS] => Some(&mut item(&mut message.field, i)?.options),
        [m::EXTENSION, i, tag::field::OPTIONS] => {
            Some(&mut item(&mut message.extension, i)?.options)
        }
        [m::ONEOF_DECL, i, tag::oneof::OPTIONS] => {
            Some(&mut item(&mut message.oneof_decl, i)?.options)
        }
        [m::EXTENSION_RANGE, i, tag::extension_range::OPTIONS] => {
            Some(&mut item(&mut message.extension_range, i)?.options)
        }
        [m::NESTED_TYPE, i, ref rest @ ..] => {
            message_options_at(item(&mut message.nested_type, i)?, rest)
        }
        [m::ENUM_TYPE, i, ref rest @ ..] => enum_options_at(item(&mut message.enum_type, i)?, rest),
        _ => None,
    }
}

/// [`options_at`] below an enum.
fn enum_options_at<'a>(
    enum_: &'a mut EnumDescriptorProto,
    path: &[i32],
) -> Option<&'a mut dyn OptionsSlot> {
    match *path {
        [tag::enum_::OPTIONS] => Some(&mut enum_.options),
        [tag::enum_::VALUE, i, tag::enum_value::OPTIONS] => {
            Some(&mut item(&mut enum_.value, i)?.options)
        }
        _ => None,
    }
}

/// The element numbered `index` in a path of `list`.
fn item<T>(list: &mut [T], index: i32) -> Option<&mut T> {
    list.get_mut(usize::try_from(index).ok()?)
}

/// The options paths of every element of `file` in protoc's `VisitDescriptors` order: the file,
/// then each message (itself, its enums with their values, oneofs, fields, nested messages,
/// extensions, extension ranges), enums, extensions and services with their methods.
pub(super) fn visit_order(file: &FileDescriptorProto) -> Vec<Vec<i32>> {
    fn enums(list: &[EnumDescriptorProto], base: &[i32], kind: i32, out: &mut Vec<Vec<i32>>) {
        for (i, e) in list.iter().enumerate() {
            let path = child(base, &[kind, i as i32]);
            out.push(child(&path, &[tag::enum_::OPTIONS]));
            for j in 0..e.value.len() {
                out.push(child(
                    &path,
                    &[tag::enum_::VALUE, j as i32, tag::enum_value::OPTIONS],
                ));
            }
        }
    }
    fn message(m: &DescriptorProto, path: &[i32], out: &mut Vec<Vec<i32>>) {
        out.push(child(path, &[tag::message::OPTIONS]));
        enums(&m.enum_type, path, tag::message::ENUM_TYPE, out);
        for i in 0..m.oneof_decl.len() {
            out.push(child(
                path,
                &[tag::message::ONEOF_DECL, i as i32, tag::oneof::OPTIONS],
            ));
        }
        for i in 0..m.field.len() {
            out.push(child(
                path,
                &[tag::message::FIELD, i as i32, tag::field::OPTIONS],
            ));
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            message(n, &child(path, &[tag::message::NESTED_TYPE, i as i32]), out);
        }
        for i in 0..m.extension.len() {
            out.push(child(
                path,
                &[tag::message::EXTENSION, i as i32, tag::field::OPTIONS],
            ));
        }
        for i in 0..m.extension_range.len() {
            out.push(child(
                path,
                &[
                    tag::message::EXTENSION_RANGE,
                    i as i32,
                    tag::extension_range::OPTIONS,
                ],
            ));
        }
    }
    let mut out = vec![vec![tag::file::OPTIONS]];
    for (i, m) in file.message_type.iter().enumerate() {
        message(m, &[tag::file::MESSAGE_TYPE, i as i32], &mut out);
    }
    enums(&file.enum_type, &[], tag::file::ENUM_TYPE, &mut out);
    for i in 0..file.extension.len() {
        out.push(vec![tag::file::EXTENSION, i as i32, tag::field::OPTIONS]);
    }
    for (i, s) in file.service.iter().enumerate() {
        out.push(vec![tag::file::SERVICE, i as i32, tag::service::OPTIONS]);
        for j in 0..s.method.len() {
            out.push(vec![
                tag::file::SERVICE,
                i as i32,
                tag::service::METHOD,
                j as i32,
                tag::method::OPTIONS,
            ]);
        }
    }
    out
}

/// A map keyed by descriptor paths, hashed with [`PathHasher`].
pub(super) type PathMap<V> = HashMap<Vec<i32>, V, BuildHasherDefault<PathHasher>>;

/// One element's options, whatever their type, read-only.
pub(super) trait OptionsRead {
    fn type_name(&self) -> &'static str;
    fn is_set(&self) -> bool;
    /// The options as bytes (empty when unset).
    fn encode(&self) -> Vec<u8>;
    /// Whether the options are unset or set to an empty message (nothing would be encoded).
    fn is_empty_message(&self) -> bool;
    /// Whether some options are still uninterpreted.
    fn has_uninterpreted(&self) -> bool;
}

/// One element's options, whatever their type.
pub(super) trait OptionsSlot: OptionsRead {
    fn take_uninterpreted(&mut self) -> Vec<UninterpretedOption>;
    /// Appends `records` to the unknown fields (of set options).
    fn append_unknown(&mut self, records: Vec<Record>);
    /// Replaces the options with `bytes` decoded (keeps them when the bytes do not decode).
    fn replace_from(&mut self, bytes: &[u8]);
    fn clear(&mut self);
}

macro_rules! options_slot {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl OptionsRead for Option<$t> {
            fn type_name(&self) -> &'static str {
                $name
            }
            fn is_set(&self) -> bool {
                self.is_some()
            }
            fn encode(&self) -> Vec<u8> {
                self.as_ref().map(|o| o.encode_to_vec()).unwrap_or_default()
            }
            fn is_empty_message(&self) -> bool {
                self.as_ref().is_none_or(|o| o.encoded_len() == 0)
            }
            fn has_uninterpreted(&self) -> bool {
                self.as_ref().is_some_and(|o| !o.uninterpreted_option.is_empty())
            }
        }
        impl OptionsSlot for Option<$t> {
            fn take_uninterpreted(&mut self) -> Vec<UninterpretedOption> {
                self.as_mut().map(|o| std::mem::take(&mut o.uninterpreted_option)).unwrap_or_default()
            }
            fn append_unknown(&mut self, records: Vec<Record>) {
                if let Some(o) = self {
                    push_unknown(&mut o.unknown_fields, records);
                }
            }
            fn replace_from(&mut self, bytes: &[u8]) {
                if let Ok(decoded) = <$t>::decode(bytes) {
                    *self = Some(decoded);
                }
            }
            fn clear(&mut self) {
                *self = None;
            }
        }
    )*};
}

/// Appends `records` to `unknown` as decoding their encoding would.
fn push_unknown(unknown: &mut protoforge::UnknownFields, records: Vec<Record>) {
    use protoforge::UnknownValue;
    for record in records {
        let value = match record.value {
            Raw::Varint(v) => UnknownValue::Varint(v),
            Raw::Fixed64(v) => UnknownValue::Fixed64(v),
            Raw::Bytes(b) => UnknownValue::LengthDelimited(b),
            Raw::Group(inner) => {
                let mut group = protoforge::UnknownFields::new();
                push_unknown(&mut group, inner);
                UnknownValue::Group(group)
            }
            Raw::Fixed32(v) => UnknownValue::Fixed32(v),
        };
        unknown.push(record.number, value);
    }
}

options_slot!(
    FileOptions => "google.protobuf.FileOptions",
    MessageOptions => "google.protobuf.MessageOptions",
    FieldOptions => "google.protobuf.FieldOptions",
    OneofOptions => "google.protobuf.OneofOptions",
    EnumOptions => "google.protobuf.EnumOptions",
    EnumValueOptions => "google.protobuf.EnumValueOptions",
    ServiceOptions => "google.protobuf.ServiceOptions",
    MethodOptions => "google.protobuf.MethodOptions",
    ExtensionRangeOptions => "google.protobuf.ExtensionRangeOptions",
);

/// One element with options, as handed to a [`visit`] or [`visit_mut`] callback.
pub(super) struct Element<'a, O> {
    /// The path of the element's `options` field (borrowed from the walk: copy it to keep it).
    pub(super) options_path: &'a [i32],
    /// protoc's name scope for the element's options (empty unless names were asked for).
    pub(super) full_name: String,
    /// The options: `&dyn OptionsRead` or `&mut dyn OptionsSlot`.
    pub(super) options: O,
}

/// An element as [`visit`] hands it out.
pub(super) type ElementRef<'a> = Element<'a, &'a dyn OptionsRead>;

/// An element as [`visit_mut`] hands it out.
pub(super) type ElementMut<'a> = Element<'a, &'a mut dyn OptionsSlot>;

/// The state of a walk over a file: the current path and name scope, each one buffer that
/// grows as the walk goes in and shrinks as it comes out.
struct Walk {
    /// Whether element names are wanted (otherwise `scope` stays empty).
    names: bool,
    path: Vec<i32>,
    scope: String,
}

impl Walk {
    fn new(names: bool, package: Option<&str>) -> Walk {
        let mut scope = String::new();
        if names {
            scope.push_str(package.unwrap_or(""));
        }
        Walk {
            names,
            path: Vec::with_capacity(16),
            scope,
        }
    }

    /// Enters the scope of element `name` (when names are wanted); returns what to hand to
    /// [`Walk::leave`].
    fn enter(&mut self, name: Option<&str>) -> usize {
        let len = self.scope.len();
        if self.names {
            if !self.scope.is_empty() {
                self.scope.push('.');
            }
            self.scope.push_str(name.unwrap_or(""));
        }
        len
    }

    fn leave(&mut self, len: usize) {
        self.scope.truncate(len);
    }

    /// The name of an element in the current scope, built by `name` from the scope (only
    /// when names are wanted).
    fn name(&self, name: impl FnOnce(&str) -> String) -> String {
        if self.names {
            name(&self.scope)
        } else {
            String::new()
        }
    }
}

/// The walk over a file's elements with options, once for shared and once for exclusive
/// access (`$m` is empty or `mut`; `$iter` is `iter` or `iter_mut`). Both visit in the same
/// order.
macro_rules! walker {
    ($visit:ident, $message:ident, $enum_:ident, $emit:ident, $Elem:ident, $Slot:ident,
     [$($m:tt)?], $iter:ident) => {
        /// Calls `f` for every element of `file` that has options, in protoc's build order:
        /// messages (their oneofs, fields, enums, extension ranges, extensions, the message
        /// itself, then nested messages), enums (values, then the enum), services (methods,
        /// then the service), extensions, and the file last. Element names are only built
        /// when `names` is set (otherwise they are empty).
        pub(super) fn $visit(file: &$($m)? FileDescriptorProto, names: bool, f: &mut dyn FnMut($Elem<'_>)) {
            let mut w = Walk::new(names, file.package.as_deref());
            for (i, m) in file.message_type.$iter().enumerate() {
                w.path.extend([tag::file::MESSAGE_TYPE, i as i32]);
                $message(&mut w, m, f);
                w.path.clear();
            }
            for (i, e) in file.enum_type.$iter().enumerate() {
                w.path.extend([tag::file::ENUM_TYPE, i as i32]);
                $enum_(&mut w, e, f);
                w.path.clear();
            }
            for (i, s) in file.service.$iter().enumerate() {
                w.path.extend([tag::file::SERVICE, i as i32]);
                let scope = w.enter(s.name.as_deref());
                for (j, m) in s.method.$iter().enumerate() {
                    $emit(
                        &mut w,
                        f,
                        &$($m)? m.options,
                        &[tag::service::METHOD, j as i32, tag::method::OPTIONS],
                        |s| join(s, m.name.as_deref().unwrap_or("")),
                    );
                }
                $emit(&mut w, f, &$($m)? s.options, &[tag::service::OPTIONS], str::to_string);
                w.leave(scope);
                w.path.clear();
            }
            for (i, x) in file.extension.$iter().enumerate() {
                $emit(
                    &mut w,
                    f,
                    &$($m)? x.options,
                    &[tag::file::EXTENSION, i as i32, tag::field::OPTIONS],
                    |s| join(s, x.name.as_deref().unwrap_or("")),
                );
            }
            $emit(&mut w, f, &$($m)? file.options, &[tag::file::OPTIONS], |s| {
                format!("{s}.dummy")
            });
        }

        /// Calls `f` with one element, if it has options (every caller only looks at those;
        /// the path and name are only built then).
        fn $emit(
            w: &mut Walk,
            f: &mut dyn FnMut($Elem<'_>),
            options: &$($m)? dyn $Slot,
            parts: &[i32],
            name: impl FnOnce(&str) -> String,
        ) {
            if !options.is_set() {
                return;
            }
            let len = w.path.len();
            w.path.extend_from_slice(parts);
            let full_name = w.name(name);
            f(Element {
                options_path: &w.path,
                full_name,
                options,
            });
            w.path.truncate(len);
        }

        fn $message(w: &mut Walk, m: &$($m)? DescriptorProto, f: &mut dyn FnMut($Elem<'_>)) {
            let scope = w.enter(m.name.as_deref());
            for (i, o) in m.oneof_decl.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? o.options,
                    &[tag::message::ONEOF_DECL, i as i32, tag::oneof::OPTIONS],
                    |s| join(s, o.name.as_deref().unwrap_or("")),
                );
            }
            for (i, x) in m.field.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? x.options,
                    &[tag::message::FIELD, i as i32, tag::field::OPTIONS],
                    |s| join(s, x.name.as_deref().unwrap_or("")),
                );
            }
            for (i, e) in m.enum_type.$iter().enumerate() {
                let len = w.path.len();
                w.path.extend([tag::message::ENUM_TYPE, i as i32]);
                $enum_(w, e, f);
                w.path.truncate(len);
            }
            for (i, r) in m.extension_range.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? r.options,
                    &[
                        tag::message::EXTENSION_RANGE,
                        i as i32,
                        tag::extension_range::OPTIONS,
                    ],
                    str::to_string,
                );
            }
            for (i, x) in m.extension.$iter().enumerate() {
                $emit(
                    w,
                    f,
                    &$($m)? x.options,
                    &[tag::message::EXTENSION, i as i32, tag::field::OPTIONS],
                    |s| join(s, x.name.as_deref().unwrap_or("")),
                );
            }
            $emit(w, f, &$($m)? m.options, &[tag::message::OPTIONS], str::to_string);
            for (i, n) in m.nested_type.$iter().enumerate() {
                let len = w.path.len();
                w.path.extend([tag::message::NESTED_TYPE, i as i32]);
                $message(w, n, f);
                w.path.truncate(len);
            }
            w.leave(scope);
        }

        fn $enum_(w: &mut Walk, e: &$($m)? EnumDescriptorProto, f: &mut dyn FnMut($Elem<'_>)) {
            for (i, v) in e.value.$iter().enumerate() {
                // Enum values are siblings of their enum.
                $emit(
                    w,
                    f,
                    &$($m)? v.options,
                    &[tag::enum_::VALUE, i as i32, tag::enum_value::OPTIONS],
                    |s| join(s, v.name.as_deref().unwrap_or("")),
                );
            }
            let scope = w.enter(e.name.as_deref());
            $emit(w, f, &$($m)? e.options, &[tag::enum_::OPTIONS], str::to_string);
            w.leave(scope);
        }
    };
}

walker!(
    visit,
    visit_message,
    visit_enum,
    emit,
    ElementRef,
    OptionsRead,
    [],
    iter
);
walker!(
    visit_mut,
    visit_message_mut,
    visit_enum_mut,
    emit_mut,
    ElementMut,
    OptionsSlot,
    [mut],
    iter_mut
);

pub(super) fn child(path: &[i32], parts: &[i32]) -> Vec<i32> {
    let mut p = path.to_vec();
    p.extend_from_slice(parts);
    p
}
