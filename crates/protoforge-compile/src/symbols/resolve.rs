//! Import visibility (a file sees itself, its imports and their `import public` chains) and
//! protoc's relative name lookup ([`Pool::resolve`]), which records the files whose symbols it
//! found.

use super::{Entry, Pool, ResolveError, Symbol, SymbolKind};
use crate::span_map::NameSet;

impl Pool {
    /// The files `file` may use symbols from: itself, its direct imports and every file
    /// reached from those through `import public` chains (walked iteratively: a chain may be
    /// as long as the compilation).
    pub(super) fn compute_visible(&self, file: u32) -> NameSet<u32> {
        let mut out = NameSet::default();
        out.insert(file);
        let mut todo: Vec<u32> = self.imports[file as usize].all.to_vec();
        while let Some(f) = todo.pop() {
            if out.insert(f) {
                todo.extend_from_slice(&self.imports[f as usize].public);
            }
        }
        out
    }

    /// The files `file` may use symbols from (see [`Pool::compute_visible`]): kept for the
    /// file added last, computed for any other.
    fn visible_from(&self, file: u32) -> std::borrow::Cow<'_, NameSet<u32>> {
        match &self.last_visible {
            Some((last, set)) if *last == file => std::borrow::Cow::Borrowed(set),
            _ => std::borrow::Cow::Owned(self.compute_visible(file)),
        }
    }

    /// True when `from_file` may use symbols of `to_file`: the same file, a direct import, or
    /// a file reached from a direct import through `import public` chains.
    pub(crate) fn is_visible(&self, from_file: &str, to_file: &str) -> bool {
        match (self.by_name.get(from_file), self.by_name.get(to_file)) {
            (Some(&from), Some(&to)) => self.visible_from(from).contains(&to),
            _ => false,
        }
    }

    /// protoc's `FindSymbol`: the exact name, if `from` may see it. Packages are visible when
    /// `from` or any file it sees declares that package or a sub-package.
    fn find_visible(
        &self,
        from: Option<u32>,
        name: &str,
        err: &mut ResolveError,
    ) -> Option<(&str, &Entry)> {
        let (key, e) = self.symbols.get_key_value(name)?;
        let found = Some((&**key, e));
        let Some(from) = from else { return found };
        let visible = self.visible_from(from);
        if visible.contains(&e.file) {
            self.note_use_of(e.file);
            return found;
        }
        if e.kind == SymbolKind::Package
            && visible
                .iter()
                .any(|&f| in_package(self.files[f as usize].package.as_deref(), name))
        {
            return found;
        }
        err.not_imported = Some((
            name.to_string(),
            self.files[e.file as usize].name.clone().unwrap_or_default(),
        ));
        None
    }

    /// Resolves a name as written in `from_file`, exactly like protoc: a leading dot means fully
    /// qualified; otherwise the first component is looked up in `scope` (the full name of the
    /// innermost enclosing message, service or package; `""` for none), then in each enclosing
    /// scope outwards, and the first match decides (for a compound name `a.b.C`, the rest is
    /// then looked up only inside what `a` matched). With `types_only`, a match of the whole
    /// (simple) name that is not a message or enum is skipped. Symbols of files `from_file` does
    /// not see count as absent.
    pub(crate) fn resolve(
        &self,
        from_file: &str,
        scope: &str,
        name: &str,
        types_only: bool,
    ) -> Result<Symbol<'_>, ResolveError> {
        let from = self.by_name.get(from_file).copied();
        let mut err = ResolveError::default();
        if let Some(abs) = name.strip_prefix('.') {
            return match self.find_visible(from, abs, &mut err) {
                Some(e) => Ok(self.symbol(e)),
                None => Err(err),
            };
        }
        let first = name.split('.').next().unwrap_or(name);
        let compound = first.len() < name.len();
        // `scope` plus a dot: the loop below chops one component per round, as protoc does
        // starting from the element's own full name.
        let mut scope_to_try = String::with_capacity(scope.len() + name.len() + 2);
        scope_to_try.push_str(scope);
        scope_to_try.push_str(".x");
        loop {
            let Some(dot) = scope_to_try.rfind('.') else {
                return match self.find_visible(from, name, &mut err) {
                    Some(e) => Ok(self.symbol(e)),
                    None => Err(err),
                };
            };
            scope_to_try.truncate(dot);
            let old_len = scope_to_try.len();
            if old_len > 0 {
                scope_to_try.push('.');
            }
            scope_to_try.push_str(first);
            if old_len == 0 {
                // Top level: protoc's final `FindSymbol(name)` handles it.
                return match self.find_visible(from, name, &mut err) {
                    Some(e) => Ok(self.symbol(e)),
                    None => Err(err),
                };
            }
            if let Some(found) = self.find_visible(from, &scope_to_try, &mut err) {
                if compound {
                    if found.1.kind.is_aggregate() {
                        scope_to_try.push_str(&name[first.len()..]);
                        return match self.find_visible(from, &scope_to_try, &mut err) {
                            Some(e) => Ok(self.symbol(e)),
                            None => {
                                err.resolved_to = Some(scope_to_try);
                                Err(err)
                            }
                        };
                    }
                } else if !types_only || found.1.kind.is_type() {
                    return Ok(self.symbol(found));
                }
            }
            scope_to_try.truncate(old_len);
        }
    }
}

/// protoc's `IsInPackage`: `package` is `name` or a sub-package of it.
fn in_package(package: Option<&str>, name: &str) -> bool {
    let Some(p) = package else { return false };
    p == name || (p.starts_with(name) && p.as_bytes().get(name.len()) == Some(&b'.'))
}
