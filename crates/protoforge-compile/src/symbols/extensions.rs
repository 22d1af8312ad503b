//! The extension index: each extendee's extensions, in the order files were added
//! ([`Pool::extensions_of`]), kept current as files are added, edited, linked and removed.

use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use super::{Entry, Pool, SymbolKind, SymbolPath, field_at};
use crate::span_map::NameMap;

/// An extension in the extension index: its full name and where it is, so listing a message's
/// extensions needs no symbol lookups.
#[derive(Clone, Debug)]
pub(super) struct Extension {
    full_name: Box<str>,
    pub(super) file: u32,
    path: SymbolPath,
}

impl Pool {
    /// Refreshes the extension index of the already added file `file` from this (linked)
    /// version of it, without storing it: what [`Pool::replace_file`] does to the index.
    pub(crate) fn reindex_extensions(&mut self, file: &FileDescriptorProto) {
        let Some(&index) = file.name.as_deref().and_then(|n| self.by_name.get(n)) else {
            return;
        };
        let Pool {
            files,
            symbols,
            extensions,
            ..
        } = self;
        unindex_extensions(extensions, &files[index as usize], index);
        index_extensions_into(extensions, symbols, index, file);
    }

    pub(super) fn index_extensions(&mut self, file: u32) {
        let Pool {
            files,
            symbols,
            extensions,
            ..
        } = self;
        index_extensions_into(extensions, symbols, file, &files[file as usize]);
    }

    /// Every extension of the message `extendee_full_name` (no leading dot) in the pool whose
    /// extendee is already linked, as `(full name, descriptor)`, in the order files were added.
    pub(crate) fn extensions_of(
        &self,
        extendee_full_name: &str,
    ) -> impl Iterator<Item = (&str, &FieldDescriptorProto)> {
        self.extensions
            .get(extendee_full_name)
            .into_iter()
            .flatten()
            .filter_map(|ext| {
                let file = &self.files[ext.file as usize];
                Some((&*ext.full_name, field_at(file, ext.path.as_slice())?))
            })
    }
}

/// Removes the file `index`'s entries from the extension index lists of the extendees its
/// version `f` extends.
pub(super) fn unindex_extensions(
    extensions: &mut NameMap<String, Vec<Extension>>,
    f: &FileDescriptorProto,
    index: u32,
) {
    for_each_extension(f, |_, extendee| {
        if let Some(list) = extensions.get_mut(extendee) {
            list.retain(|ext| ext.file != index);
        }
    });
}

/// Calls `visit` with `(full name, extendee without the leading dot)` for each extension of `f`
/// whose extendee is linked (fully qualified), file extensions first, then those of each
/// message in declaration order.
fn for_each_extension<'f>(f: &'f FileDescriptorProto, mut visit: impl FnMut(&str, &'f str)) {
    fn linked(ext: &FieldDescriptorProto) -> Option<&str> {
        ext.extendee.as_deref()?.strip_prefix('.')
    }
    /// Appends `.name` (or `name` at top level) to `buf`; returns the length to cut back to.
    fn push(buf: &mut String, name: Option<&str>) -> usize {
        let len = buf.len();
        if len > 0 {
            buf.push('.');
        }
        buf.push_str(name.unwrap_or(""));
        len
    }
    fn walk<'f>(
        msgs: &'f [DescriptorProto],
        name: &mut String,
        visit: &mut impl FnMut(&str, &'f str),
    ) {
        for m in msgs {
            if m.extension.is_empty() && m.nested_type.is_empty() {
                continue;
            }
            let scope = push(name, m.name.as_deref());
            for ext in &m.extension {
                if let Some(extendee) = linked(ext) {
                    let len = push(name, ext.name.as_deref());
                    visit(name, extendee);
                    name.truncate(len);
                }
            }
            walk(&m.nested_type, name, visit);
            name.truncate(scope);
        }
    }
    let mut name = String::from(f.package.as_deref().unwrap_or(""));
    for ext in &f.extension {
        if let Some(extendee) = linked(ext) {
            let len = push(&mut name, ext.name.as_deref());
            visit(&name, extendee);
            name.truncate(len);
        }
    }
    walk(&f.message_type, &mut name, &mut visit);
}

/// Adds the extensions of `descriptor` (a version of the pool's file `file`) that the symbol
/// table says `file` defines to the extension index.
fn index_extensions_into(
    extensions: &mut NameMap<String, Vec<Extension>>,
    symbols: &NameMap<Box<str>, Entry>,
    file: u32,
    descriptor: &FileDescriptorProto,
) {
    for_each_extension(descriptor, |full, extendee| {
        let Some(e) = symbols.get(full) else { return };
        if e.file != file || e.kind != SymbolKind::Extension {
            return;
        }
        let ext = Extension {
            full_name: full.into(),
            file,
            path: e.path.clone(),
        };
        match extensions.get_mut(extendee) {
            Some(list) => list.push(ext),
            None => {
                extensions.insert(extendee.to_string(), vec![ext]);
            }
        }
    });
}
