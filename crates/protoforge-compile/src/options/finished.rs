//! The options of a finished file, read once ([`ElementOptions`]) for the passes that follow the
//! build: validation and working out what stripping would change.

use protoforge::descriptor::FileDescriptorProto;

use super::lookup::{PoolLookup, SharedFields};
use super::walk::visit;
use crate::span_map::NameMap;
use crate::symbols::Pool;
use crate::wire::{self, Record};

/// The options of a file's elements, read once for the passes over a finished file
/// ([`ElementOptions::validate`], [`ElementOptions::plan_stripping`]), which share one schema
/// lookup. Many elements have the same options (e.g. `(google.api.field_behavior) =
/// REQUIRED`): each distinct options message (its type and encoding) is worked on once.
pub(crate) struct ElementOptions<'a> {
    pub(super) file: &'a FileDescriptorProto,
    pub(super) pool: &'a Pool,
    pub(super) lookup: PoolLookup<'a>,
    /// Each element with options, in visit order: its options path and its options (an
    /// index into `distinct`).
    pub(super) elements: Vec<(Vec<i32>, usize)>,
    /// Each distinct options message.
    pub(super) distinct: Vec<DistinctOptions>,
}

/// One distinct options message of a file.
pub(super) struct DistinctOptions {
    pub(super) type_name: &'static str,
    pub(super) bytes: Vec<u8>,
    /// The records (`None` when they do not parse; such options are left alone).
    pub(super) records: Option<Vec<Record>>,
}

impl<'a> ElementOptions<'a> {
    /// Reads the options of `file`; lookups read `lookup_file` for the file's own symbols
    /// (the same file, or its copy in `pool`), and `shared` (if any) for what other files'
    /// lookups found before.
    pub(crate) fn new(
        file: &'a FileDescriptorProto,
        lookup_file: &'a FileDescriptorProto,
        pool: &'a Pool,
        shared: Option<&'a SharedFields>,
    ) -> Self {
        let mut elements = Vec::new();
        let mut distinct = Vec::new();
        let mut seen: NameMap<(&'static str, Vec<u8>), usize> = NameMap::default();
        visit(file, false, &mut |el| {
            let key = (el.options.type_name(), el.options.encode());
            let options = match seen.get(&key) {
                Some(&options) => options,
                None => {
                    distinct.push(DistinctOptions {
                        type_name: key.0,
                        bytes: key.1.clone(),
                        records: wire::parse(&key.1),
                    });
                    seen.insert(key, distinct.len() - 1);
                    distinct.len() - 1
                }
            };
            elements.push((el.options_path.to_vec(), options));
        });
        let mut lookup = PoolLookup::new(pool, lookup_file, file.name.as_deref().unwrap_or(""));
        lookup.shared = shared;
        ElementOptions {
            file,
            pool,
            lookup,
            elements,
            distinct,
        }
    }
}
