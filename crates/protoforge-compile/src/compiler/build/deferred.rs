//! The fast path's deferred work, run once every file is built: protoc's rules, option
//! validation and unused imports for each file that built without errors, then its output
//! copies (source-retention options stripped), side by side on all cores
//! ([`Build::finish_deferred`]). That is exact as long as the checks pass: nothing later files
//! are built from depends on them. When one fails, the file should have been taken out of the
//! pool before its importers were built, so the compilation is done again in protoc's strict
//! order.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use protoforge::descriptor::{FileDescriptorProto, SourceCodeInfo};
use protoforge_parse::Diagnostic;

use super::{Build, Deferred, check, mentions, unused_imports};
use crate::compiler::loader::{Loader, Outcome, parse_and_lower};
use crate::compiler::parallel_map;
use crate::resolve::FileContent;
use crate::span_map::SpanMap;
use crate::symbols::{NameReport, Pool};

impl Build<'_, '_> {
    /// Runs the deferred checks of every file built without errors and finishes those files
    /// (computed `json_name`s, source-retention options stripped). Returns false when a check
    /// failed: the build is then not protoc's (files after the failed one were built with it
    /// in the pool) and must be redone without deferring.
    pub(super) fn finish_deferred(&mut self) -> bool {
        let deferred = std::mem::take(&mut self.deferred);
        if deferred.is_empty() {
            return true;
        }
        // The pool is final and only read from here on: the files are checked side by side.
        let tasks: Vec<(Deferred, Mutex<Option<SourceCodeInfo>>)> = deferred
            .into_iter()
            .map(|d| {
                let info = self.source_infos.remove(&d.name);
                (d, Mutex::new(info))
            })
            .collect();
        self.pool.track_uses(false);
        let loader = self.loader;
        let pool = &self.pool;
        // Each thread keeps the field infos its files' option checks read (the pool no longer
        // changes); the helper threads are new, this one forgets what an earlier build kept.
        thread_local! {
            static SHARED: crate::options::SharedFields = crate::options::SharedFields::default();
        }
        SHARED.with(crate::options::SharedFields::clear);
        let results = parallel_map(&tasks, |(d, info)| {
            let info = info.lock().unwrap_or_else(PoisonError::into_inner).take();
            SHARED.with(|shared| finish_one(loader, pool, d, info, shared))
        });
        SHARED.with(crate::options::SharedFields::clear);
        self.pool.track_uses(true);
        if results.iter().any(|r| r.failed) {
            return false;
        }
        // Diagnostics go where the strict order puts them: after their file's build step.
        let mut reread = HashMap::new();
        let mut finished = Vec::with_capacity(results.len());
        for ((d, _), r) in tasks.iter().zip(results).rev() {
            if let Some(id) = d.source
                && r.diagnostics.iter().any(|x| mentions(x, id))
            {
                reread.insert(id, r.text);
            }
            let at = d.slot.min(self.diagnostics.len());
            self.diagnostics.splice(at..at, r.diagnostics);
            if let Some(plan) = r.strip {
                self.strip_plans.insert(d.name.clone(), plan);
            }
            finished.push((d.name.clone(), r.file, r.stripped, r.info));
        }
        for (id, name, text) in &mut self.texts {
            // Texts no earlier diagnostic pointed into were dropped: the text read again for
            // the spans serves, or the file is read now (e.g. for unused-import warnings).
            if text.is_empty()
                && let Some(again) = reread.remove(id)
                && let Some(t) = again.or_else(|| match self.loader.open(name) {
                    Ok(Some(FileContent::Source(t))) => Some(t),
                    _ => None,
                })
            {
                *text = t;
            }
        }
        for (name, file, stripped, info) in finished {
            if let Some(info) = info {
                self.source_infos.insert(name.clone(), info);
            }
            if let Some(stripped) = stripped {
                self.stripped.insert(name.clone(), stripped);
            }
            if let Some(file) = file {
                self.finished.insert(name, file);
            }
        }
        true
    }
}

/// What the deferred work on one file gave.
struct Finished {
    /// A deferred check failed.
    failed: bool,
    diagnostics: Vec<Diagnostic>,
    /// The output version of the file, when it differs from the pool's (options stripped).
    file: Option<FileDescriptorProto>,
    /// What stripping changes in the pool's version to make the output, when the output is
    /// made from it (and stripping changes anything).
    strip: Option<crate::options::Stripping>,
    /// The stripped copy, when asked for.
    stripped: Option<FileDescriptorProto>,
    /// The file's source info, after stripping.
    info: Option<SourceCodeInfo>,
    /// The file's text, when it was read again for the spans of its diagnostics.
    text: Option<String>,
}

/// The deferred work on one file: protoc's rules, option validation, unused imports (for
/// input files), then the output copies with source-retention options stripped.
fn finish_one(
    loader: &Loader<'_>,
    pool: &Pool,
    d: &Deferred,
    info: Option<SourceCodeInfo>,
    shared: &crate::options::SharedFields,
) -> Finished {
    let compiler = loader.compiler;
    let mut done = Finished {
        failed: false,
        diagnostics: Vec::new(),
        file: None,
        strip: None,
        stripped: None,
        info,
        text: None,
    };
    let Some(file) = pool.file(&d.name) else {
        return done;
    };
    // The element options are read once for validation and stripping (when they get there).
    let options = std::cell::OnceCell::new();
    let options = || {
        options.get_or_init(|| crate::options::ElementOptions::new(file, file, pool, Some(shared)))
    };
    let checks = |spans: &SpanMap| {
        // A file with something to say about its names was built in the strict order.
        let checked = check(file, pool, spans, &NameReport::default(), Vec::new(), false);
        let mut diags = checked.build;
        diags.extend(checked.cross_link);
        diags.extend(checked.rest);
        if !diags.iter().any(Diagnostic::is_error) {
            diags.extend(options().validate(spans));
        }
        diags
    };
    // Nearly every file passes without a word, which needs no spans; the few with something
    // to say are parsed again for them (a missing span never hides a diagnostic).
    let mut diags = checks(&SpanMap::default());
    if diags.iter().any(Diagnostic::is_error) {
        done.failed = true;
        return done;
    }
    if !diags.is_empty()
        && let Some(id) = d.source
        && let Ok(Some(FileContent::Source(text))) = loader.open(&d.name)
    {
        if let Outcome::Ready { spans, .. } = parse_and_lower(&d.name, id, &text, false, true) {
            diags = checks(&spans);
        }
        done.text = Some(text);
    }
    if let Some(used) = &d.used {
        let used: HashSet<&str> = used.iter().map(String::as_str).collect();
        diags.extend(unused_imports(file, pool, &used, &d.import_spans));
    }
    // The diagnostics' text is read here, side by side, rather than after every file.
    if done.text.is_none()
        && !diags.is_empty()
        && d.source.is_some()
        && let Ok(Some(FileContent::Source(text))) = loader.open(&d.name)
    {
        done.text = Some(text);
    }
    done.diagnostics = diags;
    if !compiler.retain_options && !compiler.stripped_copies {
        // The common case: the output is the pool's version stripped, done once the pool is
        // no longer read (most files come out as they went in). Stripping an option also
        // drops its source locations.
        let stripping = options().plan_stripping();
        if let Some(info) = &mut done.info {
            stripping.strip_locations(info);
        }
        done.strip = (!stripping.is_empty()).then_some(stripping);
    } else {
        // Stripping is worked out on the pool's version, which is copied only when stripping
        // changes it or a stripped copy is asked for.
        let stripping = options().plan_stripping();
        let changed = (!stripping.is_empty()).then(|| {
            let mut copy = file.clone();
            stripping.apply(&mut copy);
            copy
        });
        let mut info = done.info.take();
        if compiler.retain_options {
            // The pool's version is the output; only the stripped copy is made.
            let mut copy = changed.unwrap_or_else(|| file.clone());
            copy.source_code_info = info.clone();
            if let Some(info) = &mut copy.source_code_info {
                stripping.strip_locations(info);
            }
            done.stripped = Some(copy);
        } else {
            if let Some(info) = &mut info {
                stripping.strip_locations(info);
            }
            if compiler.stripped_copies {
                let mut copy = changed.clone().unwrap_or_else(|| file.clone());
                copy.source_code_info = info.clone();
                done.stripped = Some(copy);
            }
            // Unchanged files stay `None`: the pool's version is the output.
            done.file = changed;
        }
        done.info = info;
    }
    done
}
