//! One side of a comparison: every file, message, enum, field, extension and service of an
//! image, indexed by the names the rules pair them by, with their source paths.

use std::collections::HashMap;

use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    ServiceDescriptorProto,
};

use super::features::{self, Resolved};
use crate::image::Image;

/// A 0-based source span: start line, start column, end line, end column.
pub(crate) type Span = [i32; 4];

/// One file with its source locations by path (the first location of each path wins).
pub(crate) struct FileIx<'a> {
    pub fd: &'a FileDescriptorProto,
    pub locs: HashMap<&'a [i32], Span>,
    /// The file's features as resolved for its syntax or edition.
    pub feats: Resolved,
    /// Map entry messages (by path) and the span of the `map<K, V>` type they stand for:
    /// buf places everything inside a map entry there.
    pub map_entries: HashMap<Vec<i32>, Span>,
    /// Whether the file belongs to the module (not only imported by it).
    pub target: bool,
}

impl<'a> FileIx<'a> {
    fn new(fd: &'a FileDescriptorProto) -> FileIx<'a> {
        let mut locs = HashMap::new();
        if let Some(info) = &fd.source_code_info {
            for l in &info.location {
                let span = match l.span.as_slice() {
                    [a, b, c] => [*a, *b, *a, *c],
                    [a, b, c, d] => [*a, *b, *c, *d],
                    _ => continue,
                };
                locs.entry(l.path.as_slice()).or_insert(span);
            }
        }
        let feats = features::for_file(fd);
        FileIx {
            fd,
            locs,
            feats,
            map_entries: HashMap::new(),
            target: true,
        }
    }

    /// The file's name in the image.
    pub fn path(&self) -> &'a str {
        self.fd.name()
    }

    /// The span of `path`, when the source info has one.
    pub fn loc(&self, path: &[i32]) -> Option<Span> {
        if let Some(s) = self.locs.get(path) {
            return Some(*s);
        }
        if self.map_entries.is_empty() {
            return None;
        }
        (4..=path.len())
            .step_by(2)
            .find_map(|n| self.map_entries.get(&path[..n]).copied())
    }

    /// The location of an option below `options_path` (`[field, extra..]`), found as buf finds
    /// option locations: the exact path, else a location inside it, else its deepest ancestor
    /// at least as long as the option itself.
    pub fn option_loc(&self, path: &[i32], option_len: usize) -> Option<Span> {
        if let Some(s) = self.loc(path) {
            return Some(s);
        }
        let info = self.fd.source_code_info.as_ref()?;
        let mut best: Option<(usize, Span)> = None;
        for l in &info.location {
            let span = match l.span.as_slice() {
                [a, b, c] => [*a, *b, *a, *c],
                [a, b, c, d] => [*a, *b, *c, *d],
                _ => continue,
            };
            let lp = l.path.as_slice();
            if lp.len() >= option_len
                && path.starts_with(lp)
                && best.is_none_or(|(n, _)| lp.len() > n)
            {
                best = Some((lp.len(), span));
            } else if lp.starts_with(path) {
                return Some(span);
            }
        }
        best.map(|(_, s)| s)
    }

    /// The package, empty when none.
    pub fn package(&self) -> &'a str {
        self.fd.package.as_deref().unwrap_or("")
    }
}

/// A message: where it is and what it is called.
pub(crate) struct Msg<'a> {
    pub file: usize,
    pub d: &'a DescriptorProto,
    pub path: Vec<i32>,
    /// Name relative to the package (`Outer.Inner`).
    pub nested: String,
    /// Fully-qualified name without the leading dot.
    pub full: String,
    pub feats: Resolved,
}

/// An enum.
pub(crate) struct Enm<'a> {
    pub file: usize,
    pub d: &'a EnumDescriptorProto,
    pub path: Vec<i32>,
    pub nested: String,
    pub full: String,
    pub feats: Resolved,
}

/// A field or an extension.
pub(crate) struct Fld<'a> {
    pub file: usize,
    pub d: &'a FieldDescriptorProto,
    pub path: Vec<i32>,
    /// The message holding the field (index into [`Side::msgs`]); `None` for extensions.
    pub parent: Option<usize>,
    /// Name relative to the package (extensions: `Outer.ext`).
    pub nested: String,
    pub full: String,
    pub feats: Resolved,
}

/// A service.
pub(crate) struct Svc<'a> {
    pub file: usize,
    pub d: &'a ServiceDescriptorProto,
    pub path: Vec<i32>,
}

/// Everything one image declares.
pub(crate) struct Side<'a> {
    pub files: Vec<FileIx<'a>>,
    pub msgs: Vec<Msg<'a>>,
    pub enums: Vec<Enm<'a>>,
    /// Fields of messages, in message order.
    pub fields: Vec<Fld<'a>>,
    /// Extensions, top-level and nested.
    pub exts: Vec<Fld<'a>>,
    pub svcs: Vec<Svc<'a>>,
    pub file_by_path: HashMap<&'a str, usize>,
    pub msg_by_full: HashMap<String, usize>,
    pub enum_by_full: HashMap<String, usize>,
    /// For each message, the indexes of its fields in [`Side::fields`].
    pub msg_fields: Vec<Vec<usize>>,
}

impl<'a> Side<'a> {
    /// Indexes every file of `image`.
    pub fn new(image: &'a Image) -> Side<'a> {
        let mut side = Side {
            files: Vec::new(),
            msgs: Vec::new(),
            enums: Vec::new(),
            fields: Vec::new(),
            exts: Vec::new(),
            svcs: Vec::new(),
            file_by_path: HashMap::new(),
            msg_by_full: HashMap::new(),
            enum_by_full: HashMap::new(),
            msg_fields: Vec::new(),
        };
        for fd in &image.files {
            let fi = side.files.len();
            let mut ix = FileIx::new(fd);
            ix.target = image.is_target.get(fi).copied().unwrap_or(true);
            let feats = ix.feats;
            side.file_by_path.entry(fd.name()).or_insert(fi);
            side.files.push(ix);
            let pkg = fd.package.as_deref().unwrap_or("");
            for (i, m) in fd.message_type.iter().enumerate() {
                side.add_msg(fi, m, vec![4, i as i32], "", pkg, feats);
            }
            for (i, e) in fd.enum_type.iter().enumerate() {
                side.add_enum(fi, e, vec![5, i as i32], "", pkg, feats);
            }
            for (i, x) in fd.extension.iter().enumerate() {
                side.add_ext(fi, x, vec![7, i as i32], "", pkg, feats);
            }
            for (i, s) in fd.service.iter().enumerate() {
                side.svcs.push(Svc {
                    file: fi,
                    d: s,
                    path: vec![6, i as i32],
                });
            }
        }
        side
    }

    fn add_msg(
        &mut self,
        fi: usize,
        m: &'a DescriptorProto,
        path: Vec<i32>,
        prefix: &str,
        pkg: &str,
        parent: Resolved,
    ) {
        let nested = join(prefix, m.name());
        let full = join(pkg, &nested);
        let feats = features::merge(parent, m.options.as_ref().and_then(|o| o.features.as_ref()));
        let mi = self.msgs.len();
        self.msg_by_full.entry(full.clone()).or_insert(mi);
        self.msgs.push(Msg {
            file: fi,
            d: m,
            path: path.clone(),
            nested: nested.clone(),
            full: full.clone(),
            feats,
        });
        self.msg_fields.push(Vec::new());
        for (i, f) in m.field.iter().enumerate() {
            let mut p = path.clone();
            p.extend([2, i as i32]);
            let ff = features::merge(feats, f.options.as_ref().and_then(|o| o.features.as_ref()));
            self.msg_fields[mi].push(self.fields.len());
            self.fields.push(Fld {
                file: fi,
                d: f,
                path: p,
                parent: Some(mi),
                nested: join(&nested, f.name()),
                full: join(&full, f.name()),
                feats: ff,
            });
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            let mut p = path.clone();
            p.extend([3, i as i32]);
            if is_map_entry(n) {
                let entry = format!(".{full}.{}", n.name());
                if let Some(k) = m.field.iter().position(|f| f.type_name() == entry) {
                    let mut tp = path.clone();
                    tp.extend([2, k as i32, 6]);
                    if let Some(span) = self.files[fi].locs.get(tp.as_slice()).copied() {
                        self.files[fi].map_entries.insert(p.clone(), span);
                    }
                }
            }
            self.add_msg(fi, n, p, &nested, pkg, feats);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            let mut p = path.clone();
            p.extend([4, i as i32]);
            self.add_enum(fi, e, p, &nested, pkg, feats);
        }
        for (i, x) in m.extension.iter().enumerate() {
            let mut p = path.clone();
            p.extend([6, i as i32]);
            self.add_ext(fi, x, p, &nested, pkg, feats);
        }
    }

    fn add_enum(
        &mut self,
        fi: usize,
        e: &'a EnumDescriptorProto,
        path: Vec<i32>,
        prefix: &str,
        pkg: &str,
        parent: Resolved,
    ) {
        let nested = join(prefix, e.name());
        let full = join(pkg, &nested);
        let feats = features::merge(parent, e.options.as_ref().and_then(|o| o.features.as_ref()));
        self.enum_by_full
            .entry(full.clone())
            .or_insert(self.enums.len());
        self.enums.push(Enm {
            file: fi,
            d: e,
            path,
            nested,
            full,
            feats,
        });
    }

    fn add_ext(
        &mut self,
        fi: usize,
        x: &'a FieldDescriptorProto,
        path: Vec<i32>,
        prefix: &str,
        pkg: &str,
        parent: Resolved,
    ) {
        let nested = join(prefix, x.name());
        let full = join(pkg, &nested);
        let feats = features::merge(parent, x.options.as_ref().and_then(|o| o.features.as_ref()));
        self.exts.push(Fld {
            file: fi,
            d: x,
            path,
            parent: None,
            nested,
            full,
            feats,
        });
    }

    /// The message a type name (`.pkg.Msg`) refers to.
    pub fn msg_named(&self, type_name: &str) -> Option<&Msg<'a>> {
        let n = type_name.strip_prefix('.').unwrap_or(type_name);
        self.msg_by_full.get(n).map(|&i| &self.msgs[i])
    }

    /// The enum a type name (`.pkg.Enum`) refers to.
    pub fn enum_named(&self, type_name: &str) -> Option<&Enm<'a>> {
        let n = type_name.strip_prefix('.').unwrap_or(type_name);
        self.enum_by_full.get(n).map(|&i| &self.enums[i])
    }

    /// Whether `f` is a field of a map entry message.
    pub fn in_map_entry(&self, f: &Fld<'a>) -> bool {
        f.parent.is_some_and(|m| is_map_entry(self.msgs[m].d))
    }

    /// Whether `f` is a map field (repeated, of a map entry type).
    pub fn is_map(&self, f: &Fld<'a>) -> bool {
        f.d.label() == Label::Repeated
            && f.d.r#type() == Type::Message
            && self
                .msg_named(f.d.type_name())
                .is_some_and(|m| is_map_entry(m.d))
    }

    /// The name of the message holding a field (empty for extensions).
    pub fn parent_name(&self, f: &Fld<'a>) -> &'a str {
        f.parent.map(|m| self.msgs[m].d.name()).unwrap_or("")
    }
}

/// Whether a message is a synthesized map entry.
pub(crate) fn is_map_entry(m: &DescriptorProto) -> bool {
    m.options
        .as_ref()
        .and_then(|o| o.map_entry)
        .unwrap_or(false)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}
