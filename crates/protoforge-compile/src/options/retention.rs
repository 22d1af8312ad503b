//! protoc's `StripSourceRetentionOptions`, the final pass over every output file (unless
//! `--retain_options`): the options are re-read with the whole pool's schema (custom options
//! become known, so they are merged and sorted by number) and `retention = RETENTION_SOURCE`
//! options are dropped. What stripping would change is worked out first ([`Stripping`]): most
//! files come out unchanged and need no copy.

use protoforge::descriptor::FileDescriptorProto;

use super::finished::ElementOptions;
use super::lookup::PoolLookup;
use super::normalize::{Mode, Strip, normalize};
use super::walk::{child, visit_mut};
use crate::symbols::Pool;
use crate::wire::{self, Record};

/// protoc's `StripSourceRetentionOptions` (what protoc does to every output file unless
/// `--retain_options`): re-reads every options message with the pool's schema, so known custom
/// options are merged and sorted by field number, and drops options whose definition has
/// `retention = RETENTION_SOURCE` (with their `SourceCodeInfo` locations). An options message
/// that becomes empty is removed.
pub(crate) fn strip_source_retention(file: &mut FileDescriptorProto, pool: &Pool) {
    let stripping = plan_stripping(file, pool);
    stripping.apply(file);
}

/// What [`strip_source_retention`] would change in a file, found without changing it: most
/// files come out as they went in, and then need no copy.
#[derive(Debug, Default)]
pub(crate) struct Stripping {
    /// The options that change, by options path in visit order: their new encoding, or `None`
    /// when they become empty and are removed.
    changed: Vec<(Vec<i32>, Option<Vec<u8>>)>,
    /// The paths of the dropped options, whose source locations go with them.
    stripped: Vec<Vec<i32>>,
}

impl Stripping {
    /// Whether stripping leaves the file as it is.
    pub(crate) fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stripped.is_empty()
    }

    /// Strips `file` (its source info too, if it has any).
    pub(crate) fn apply(&self, file: &mut FileDescriptorProto) {
        if self.is_empty() {
            return;
        }
        let mut pending = self.changed.iter().peekable();
        visit_mut(file, false, &mut |el| {
            let Some((_, bytes)) = pending.next_if(|(path, _)| path.as_slice() == el.options_path)
            else {
                return;
            };
            match bytes {
                Some(bytes) => el.options.replace_from(bytes),
                None => el.options.clear(),
            }
        });
        if let Some(info) = file.source_code_info.as_mut() {
            self.strip_locations(info);
        }
    }

    /// Drops the source locations of the stripped options from `info`.
    pub(crate) fn strip_locations(&self, info: &mut protoforge::descriptor::SourceCodeInfo) {
        if self.stripped.is_empty() {
            return;
        }
        // Sorted, and without the paths below another stripped path: a location is then
        // below a stripped path exactly when it is below the last one not after it, so each
        // location costs one binary search rather than a comparison with every path.
        let mut stripped: Vec<&[i32]> = self.stripped.iter().map(Vec::as_slice).collect();
        stripped.sort_unstable();
        stripped.dedup_by(|later, kept| later.starts_with(kept));
        info.location.retain(|loc| {
            let after = stripped.partition_point(|p| *p <= loc.path.as_slice());
            !after
                .checked_sub(1)
                .is_some_and(|i| loc.path.starts_with(stripped[i]))
        });
    }
}

/// What [`strip_source_retention`] changes in `file` (which is in `pool`).
pub(crate) fn plan_stripping(file: &FileDescriptorProto, pool: &Pool) -> Stripping {
    // The pool's copy of the file has the same definitions and interpreted options (only
    // without source info), so lookups read it.
    let in_pool = pool
        .file(file.name.as_deref().unwrap_or(""))
        .unwrap_or_else(|| empty_file());
    ElementOptions::new(file, in_pool, pool, None).plan_stripping()
}

/// An empty file, for lookups when the pool lacks the file.
fn empty_file() -> &'static FileDescriptorProto {
    static EMPTY: std::sync::OnceLock<FileDescriptorProto> = std::sync::OnceLock::new();
    EMPTY.get_or_init(FileDescriptorProto::default)
}

impl ElementOptions<'_> {
    /// What [`strip_source_retention`] changes in the file.
    pub(crate) fn plan_stripping(&self) -> Stripping {
        let dynamic = self
            .pool
            .message("google.protobuf.FileDescriptorProto")
            .is_some();
        let mode = if dynamic {
            Mode::Dynamic
        } else {
            Mode::Generated
        };
        let outcomes: Vec<StrippedOptions> = self
            .distinct
            .iter()
            .map(|d| strip_options(&self.lookup, mode, d.type_name, &d.bytes, d.records.clone()))
            .collect();
        let mut plan = Stripping::default();
        for (path, options) in &self.elements {
            let outcome = &outcomes[*options];
            plan.stripped
                .extend(outcome.stripped.iter().map(|below| child(path, below)));
            match &outcome.change {
                None => {}
                Some(None) => {
                    plan.stripped.push(path.clone());
                    plan.changed.push((path.clone(), None));
                }
                Some(Some(out)) => plan.changed.push((path.clone(), Some(out.clone()))),
            }
        }
        plan
    }
}

/// What stripping does to one options message.
struct StrippedOptions {
    /// `None` when the options come out as they went in (the usual case, which then needs no
    /// re-decoding), else their new encoding (`None`: they become empty and are removed).
    change: Option<Option<Vec<u8>>>,
    /// The paths of the dropped options, below the options message.
    stripped: Vec<Vec<i32>>,
}

/// Strips the options message `bytes` (whose records are `records`) of type `type_name`.
fn strip_options(
    lookup: &PoolLookup<'_>,
    mode: Mode,
    type_name: &str,
    bytes: &[u8],
    records: Option<Vec<Record>>,
) -> StrippedOptions {
    let mut strip = Strip {
        path: Vec::new(),
        stripped: Vec::new(),
    };
    let Some(records) = records else {
        return StrippedOptions {
            change: None,
            stripped: Vec::new(),
        };
    };
    let normalized = normalize(lookup, mode, type_name, records, Some(&mut strip));
    let change = if normalized.is_empty() && !bytes.is_empty() {
        Some(None)
    } else {
        let out = wire::to_bytes(&normalized);
        (out != bytes).then_some(Some(out))
    };
    StrippedOptions {
        change,
        stripped: strip.stripped,
    }
}

#[cfg(test)]
mod tests {
    use protoforge::descriptor::SourceCodeInfo;
    use protoforge::descriptor::source_code_info::Location;

    use super::Stripping;

    #[test]
    fn strip_locations_drops_exactly_the_locations_below_stripped_paths() {
        let stripped = vec![
            vec![4, 0, 2, 1, 8, 50000],
            vec![8, 50001],
            vec![4, 0, 2, 1, 8, 50000, 1],
            vec![4, 1, 7],
            vec![8, 50001],
        ];
        let paths: &[&[i32]] = &[
            &[],
            &[8],
            &[8, 50000],
            &[8, 50001],
            &[8, 50001, 2],
            &[8, 500010],
            &[4, 0],
            &[4, 0, 2, 1, 8],
            &[4, 0, 2, 1, 8, 50000],
            &[4, 0, 2, 1, 8, 50000, 1, 3],
            &[4, 0, 2, 1, 8, 50001],
            &[4, 0, 2, 10, 8, 50000],
            &[4, 1, 7],
            &[4, 1, 7, 99],
            &[4, 1, 70],
            &[4, 2, 7],
        ];
        let mut info = SourceCodeInfo {
            location: paths
                .iter()
                .map(|p| Location {
                    path: p.to_vec(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let want: Vec<Vec<i32>> = paths
            .iter()
            .filter(|p| !stripped.iter().any(|s| p.starts_with(s)))
            .map(|p| p.to_vec())
            .collect();
        Stripping {
            changed: Vec::new(),
            stripped,
        }
        .strip_locations(&mut info);
        let got: Vec<Vec<i32>> = info.location.into_iter().map(|l| l.path).collect();
        assert_eq!(got, want);
    }
}
