//! One file of an image as the rules see it: its declarations with their source paths, and
//! the source locations those paths have.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use protoforge::descriptor::source_code_info::Location;
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    OneofDescriptorProto,
};
use protoforge_compile::PathHasher;

/// A message of a file (nested ones included), with its source path.
pub(crate) struct Message<'a> {
    pub d: &'a DescriptorProto,
    pub path: Vec<i32>,
}

impl Message<'_> {
    /// Whether this is the synthetic entry message of a map field.
    pub fn is_map_entry(&self) -> bool {
        self.d
            .options
            .as_ref()
            .and_then(|o| o.map_entry)
            .unwrap_or(false)
    }
}

/// A field or extension, with its source path and the message declaring it (an index into
/// [`FileView::messages`], `None` for file-level extensions).
pub(crate) struct Field<'a> {
    pub d: &'a FieldDescriptorProto,
    pub path: Vec<i32>,
    pub parent: Option<usize>,
}

/// An enum (nested ones included), with its source path.
pub(crate) struct Enum<'a> {
    pub d: &'a EnumDescriptorProto,
    pub path: Vec<i32>,
}

/// A oneof, with its source path, its index in the message and the message (an index into
/// [`FileView::messages`]).
pub(crate) struct Oneof<'a> {
    pub d: &'a OneofDescriptorProto,
    pub path: Vec<i32>,
    pub index: i32,
    pub parent: usize,
}

/// A file and its declarations.
pub(crate) struct FileView<'a> {
    pub fd: &'a FileDescriptorProto,
    /// The file's name (its path relative to the module root).
    pub name: &'a str,
    /// Every message, depth first in declaration order.
    pub messages: Vec<Message<'a>>,
    /// Every enum: each message's nested enums after the message, then the top-level ones.
    pub enums: Vec<Enum<'a>>,
    /// Fields and extensions of every message, then the file's extensions.
    pub fields: Vec<Field<'a>>,
    /// Every oneof.
    pub oneofs: Vec<Oneof<'a>>,
    locations: HashMap<&'a [i32], &'a Location, BuildHasherDefault<PathHasher>>,
}

impl<'a> FileView<'a> {
    /// Indexes `fd`.
    pub fn new(fd: &'a FileDescriptorProto) -> FileView<'a> {
        let n = fd.source_code_info.as_ref().map_or(0, |i| i.location.len());
        let mut locations = HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default());
        if let Some(info) = &fd.source_code_info {
            for loc in &info.location {
                locations.entry(loc.path.as_slice()).or_insert(loc);
            }
        }
        let mut view = FileView {
            fd,
            name: fd.name.as_deref().unwrap_or(""),
            messages: Vec::new(),
            enums: Vec::new(),
            fields: Vec::new(),
            oneofs: Vec::new(),
            locations,
        };
        for (i, m) in fd.message_type.iter().enumerate() {
            view.add_message(m, vec![4, index(i)]);
        }
        for (i, e) in fd.enum_type.iter().enumerate() {
            view.enums.push(Enum {
                d: e,
                path: vec![5, index(i)],
            });
        }
        for (i, f) in fd.extension.iter().enumerate() {
            view.fields.push(Field {
                d: f,
                path: vec![7, index(i)],
                parent: None,
            });
        }
        view
    }

    fn add_message(&mut self, m: &'a DescriptorProto, path: Vec<i32>) {
        let me = self.messages.len();
        self.messages.push(Message {
            d: m,
            path: path.clone(),
        });
        for (i, f) in m.field.iter().enumerate() {
            self.fields.push(Field {
                d: f,
                path: child(&path, 2, i),
                parent: Some(me),
            });
        }
        for (i, f) in m.extension.iter().enumerate() {
            self.fields.push(Field {
                d: f,
                path: child(&path, 6, i),
                parent: Some(me),
            });
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.oneofs.push(Oneof {
                d: o,
                path: child(&path, 8, i),
                index: index(i),
                parent: me,
            });
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.enums.push(Enum {
                d: e,
                path: child(&path, 4, i),
            });
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.add_message(n, child(&path, 3, i));
        }
    }

    /// The source location recorded for `path`, if any (the first, when several are).
    pub fn location(&self, path: &[i32]) -> Option<&'a Location> {
        self.locations.get(path).copied()
    }

    /// `path` when the file has a location for it.
    pub fn at(&self, path: &[i32]) -> Option<Vec<i32>> {
        self.locations.contains_key(path).then(|| path.to_vec())
    }

    /// Where a named declaration at `path` is reported: its name, or the whole declaration
    /// when the name has no location.
    pub fn name_at(&self, path: &[i32]) -> Option<Vec<i32>> {
        let name = [path, &[1]].concat();
        self.at(&name).or_else(|| self.at(path))
    }

    /// The package, `""` when there is none.
    pub fn package(&self) -> &'a str {
        self.fd.package.as_deref().unwrap_or("")
    }

    /// Whether the file has a `syntax` or `edition` statement.
    pub fn syntax_specified(&self) -> bool {
        self.locations.contains_key([12].as_slice())
            || self.locations.contains_key([14].as_slice())
            || self.fd.edition.is_some()
    }
}

/// `parent` extended by `tag, i`.
pub(crate) fn child(parent: &[i32], tag: i32, i: usize) -> Vec<i32> {
    let mut p = Vec::with_capacity(parent.len() + 2);
    p.extend_from_slice(parent);
    p.push(tag);
    p.push(index(i));
    p
}

/// A repeated-field index as a path element.
pub(crate) fn index(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// The paths whose leading comments may carry a `buf:lint:ignore` for a finding at `path`:
/// each declaration enclosing it (and itself), and option paths as a whole.
pub(crate) fn associated_paths(path: &[i32]) -> Vec<Vec<i32>> {
    #[derive(Clone, Copy)]
    enum S {
        File,
        Message,
        Enum,
        Service,
        /// Expecting the index of an element of the given kind.
        Index(Kind),
        Done,
    }
    #[derive(Clone, Copy)]
    enum Kind {
        Message,
        Enum,
        Service,
        Leaf,
    }
    let mut out = Vec::new();
    let mut state = S::File;
    for (i, &token) in path.iter().enumerate() {
        let upto = || path[..=i].to_vec();
        state = match state {
            S::File => match token {
                2 | 12 | 14 => {
                    out.push(upto());
                    S::Done
                }
                3 => S::Index(Kind::Leaf),
                4 => S::Index(Kind::Message),
                5 => S::Index(Kind::Enum),
                6 => S::Index(Kind::Service),
                7 => {
                    out.push(upto());
                    S::Index(Kind::Leaf)
                }
                8 => {
                    out.push(path.to_vec());
                    S::Done
                }
                _ => S::Done,
            },
            S::Index(kind) => {
                out.push(upto());
                match kind {
                    Kind::Message => S::Message,
                    Kind::Enum => S::Enum,
                    Kind::Service => S::Service,
                    Kind::Leaf => S::Done,
                }
            }
            S::Message => match token {
                2 | 8 => S::Index(Kind::Leaf),
                3 => S::Index(Kind::Message),
                4 => S::Index(Kind::Enum),
                5 | 6 | 9 | 10 => {
                    out.push(upto());
                    S::Index(Kind::Leaf)
                }
                7 => {
                    out.push(path.to_vec());
                    S::Done
                }
                _ => S::Done,
            },
            S::Enum => match token {
                2 => S::Index(Kind::Leaf),
                4 | 5 => {
                    out.push(upto());
                    S::Index(Kind::Leaf)
                }
                3 => {
                    out.push(path.to_vec());
                    S::Done
                }
                _ => S::Done,
            },
            S::Service => match token {
                2 => S::Index(Kind::Leaf),
                3 => {
                    out.push(path.to_vec());
                    S::Done
                }
                _ => S::Done,
            },
            S::Done => S::Done,
        };
    }
    out
}
