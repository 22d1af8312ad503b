//! Reading, parsing and lowering files on worker threads ahead of the build (the [`Loader`]),
//! in nearly the order the build asks for them; the build itself stays on the calling thread,
//! so results never depend on timing. Syntax trees are dropped as soon as a file is lowered,
//! and a file's source text is kept only when a diagnostic points into it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use protoforge::descriptor::FileDescriptorProto;
use protoforge_parse::{Diagnostic, FileId, Span, ast};

use super::Compiler;
use crate::resolve::{Bundled, FileContent, FileResolver as _, IncludePaths};
use crate::span_map::SpanMap;

/// A file's imports in order: the imported name and the import statement's span (none for
/// files from descriptor sets).
pub(super) type Imports = Vec<(String, Option<Span>)>;

/// A file read and lowered, ready to be built once its imports are.
pub(super) struct Loaded {
    /// The file's id and source text, for source files.
    pub(super) source: Option<(FileId, String)>,
    pub(super) outcome: Outcome,
}

/// What reading and lowering one file gave.
pub(super) enum Outcome {
    /// It could not be read, parsed or lowered; the diagnostics say why.
    Failed(Vec<Diagnostic>),
    /// Lowered (or taken from a descriptor set).
    Ready {
        file: Box<FileDescriptorProto>,
        spans: SpanMap,
        imports: Imports,
        diagnostics: Vec<Diagnostic>,
    },
}

impl Loaded {
    fn failed(diagnostics: Vec<Diagnostic>) -> Loaded {
        Loaded {
            source: None,
            outcome: Outcome::Failed(diagnostics),
        }
    }

    /// The files this one imports (nothing for a failed file).
    fn imports(&self) -> impl Iterator<Item = &String> {
        let file = match &self.outcome {
            Outcome::Ready { file, .. } => Some(file),
            Outcome::Failed(_) => None,
        };
        file.into_iter()
            .flat_map(|f| f.dependency.iter().chain(&f.option_dependency))
    }
}

/// How many loaded files the workers may hold ahead of the build before they wait for it.
const AHEAD: usize = 64;

/// Reads, parses and lowers files for the build: worker threads take names from a queue (the
/// build's inputs first, each loaded file's imports pushed to the front, so the queue runs in
/// nearly the depth-first order the build asks for files) and keep at most [`AHEAD`] results
/// waiting. The build takes each file when it needs it, loading it itself when no worker has
/// started it, and loading the next queued files while a worker has it in hand, so results
/// never depend on timing and no core waits while there is a file to load.
pub(super) struct Loader<'c> {
    pub(super) compiler: &'c Compiler,
    include_paths: &'c IncludePaths,
    /// Whether lowering records spans for the diagnostics of later passes.
    keep_spans: bool,
    queue: Mutex<Queue>,
    /// Signalled whenever `queue` changes.
    changed: Condvar,
}

/// Closes the loader when dropped.
pub(super) struct CloseOnDrop<'l, 'c>(pub(super) &'l Loader<'c>);

impl Drop for CloseOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The loader's shared state.
#[derive(Default)]
pub(super) struct Queue {
    /// Names to load, next first.
    todo: VecDeque<String>,
    /// Every name ever queued or taken.
    seen: HashSet<String>,
    /// Names a worker is loading.
    busy: HashSet<String>,
    /// Queued names the build loaded itself: workers skip them (cheaper than finding them in
    /// `todo`).
    taken: HashSet<String>,
    /// Loaded files the build has not taken yet.
    pub(super) done: HashMap<String, Loaded>,
    /// The next source file id.
    next_id: u32,
    /// Set when the build is over: the workers stop.
    closed: bool,
    /// Set while the workers wait for the build to take files.
    paused: bool,
    /// How many workers wait on the condition variable.
    idle_workers: usize,
    /// Set while the build waits for a worker to finish a file.
    build_waiting: bool,
}

impl Queue {
    /// Queues the imports of `loaded` not seen yet, in import order, ahead of everything else.
    fn push_imports(&mut self, loaded: &Loaded) {
        let new: Vec<&String> = loaded
            .imports()
            .filter(|d| !self.seen.contains(d.as_str()))
            .collect();
        for dep in new.into_iter().rev() {
            if self.seen.insert(dep.clone()) {
                self.todo.push_front(dep.clone());
            }
        }
    }
}

impl<'c> Loader<'c> {
    pub(super) fn new(
        compiler: &'c Compiler,
        include_paths: &'c IncludePaths,
        inputs: &[String],
        keep_spans: bool,
    ) -> Self {
        let mut queue = Queue::default();
        for name in inputs {
            if queue.seen.insert(name.clone()) {
                queue.todo.push_back(name.clone());
            }
        }
        Loader {
            compiler,
            include_paths,
            keep_spans,
            queue: Mutex::new(queue),
            changed: Condvar::new(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'q>(&self, guard: MutexGuard<'q, Queue>) -> MutexGuard<'q, Queue> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A worker thread: loads queued files until [`Loader::close`].
    pub(super) fn work(&self) {
        let mut q = self.lock();
        loop {
            if q.closed {
                return;
            }
            // Once [`AHEAD`] files wait, pause until the build has taken half of them, so the
            // threads do not wake each other for every file.
            if q.done.len() >= AHEAD {
                q.paused = true;
            } else if q.done.len() <= AHEAD / 2 {
                q.paused = false;
            }
            let next = if q.paused { None } else { q.todo.pop_front() };
            let Some(name) = next else {
                q.idle_workers += 1;
                q = self.wait(q);
                q.idle_workers -= 1;
                continue;
            };
            q = self.load_queued(q, name);
            if q.build_waiting {
                self.changed.notify_all();
            }
        }
    }

    /// Loads `name`, just taken from the queue, outside the lock and leaves the result for the
    /// build (unless the build loaded it itself meanwhile); returns the lock again.
    fn load_queued<'q>(
        &'q self,
        mut q: MutexGuard<'q, Queue>,
        name: String,
    ) -> MutexGuard<'q, Queue> {
        if q.taken.remove(&name) {
            return q;
        }
        q.busy.insert(name.clone());
        drop(q);
        let loaded = self.load_one(&name);
        let mut q = self.lock();
        q.busy.remove(&name);
        q.push_imports(&loaded);
        q.done.insert(name, loaded);
        q
    }

    /// Stops the workers.
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// The loaded file `name`, taken from the workers' results or loaded here.
    pub(super) fn take(&self, name: &str) -> Loaded {
        let mut q = self.lock();
        loop {
            if let Some(loaded) = q.done.remove(name) {
                // A paused worker can go on once half of the files ahead were taken.
                if q.idle_workers > 0 && q.done.len() <= AHEAD / 2 {
                    self.changed.notify_all();
                }
                return loaded;
            }
            if !q.busy.contains(name) {
                break;
            }
            // A worker has it in hand (a large file takes a while): load the next queued file
            // meanwhile rather than wait.
            if let Some(other) = q.todo.pop_front() {
                q = self.load_queued(q, other);
                continue;
            }
            q.build_waiting = true;
            q = self.wait(q);
            q.build_waiting = false;
        }
        // No worker has started it: load it here rather than wait.
        if !q.seen.insert(name.to_string()) {
            q.taken.insert(name.to_string());
        }
        drop(q);
        let loaded = self.load_one(name);
        let mut q = self.lock();
        q.push_imports(&loaded);
        if q.idle_workers > 0 {
            self.changed.notify_all();
        }
        loaded
    }

    pub(super) fn open(&self, name: &str) -> Result<Option<FileContent>, String> {
        if let Some(c) = self.include_paths.open(name)? {
            return Ok(Some(c));
        }
        if let Some(c) = Bundled.open(name)? {
            return Ok(Some(c));
        }
        self.compiler.descriptor_sets.open(name)
    }

    /// Opens, parses and lowers one file.
    fn load_one(&self, name: &str) -> Loaded {
        match self.open(name) {
            Ok(Some(FileContent::Source(text))) => {
                let id = {
                    let mut q = self.lock();
                    q.next_id += 1;
                    FileId(q.next_id - 1)
                };
                let outcome = parse_and_lower(
                    name,
                    id,
                    &text,
                    self.compiler.include_source_info,
                    self.keep_spans,
                );
                Loaded {
                    source: Some((id, text)),
                    outcome,
                }
            }
            Ok(Some(FileContent::Descriptor(file))) => {
                // protoc builds a file from a descriptor set only if it passes the checks its
                // parser makes on a source file.
                let errors = crate::check::descriptor_input(&file);
                if !errors.is_empty() {
                    return Loaded::failed(errors);
                }
                let imports = file.dependency.iter().map(|d| (d.clone(), None)).collect();
                Loaded {
                    source: None,
                    outcome: Outcome::Ready {
                        file,
                        spans: SpanMap::default(),
                        imports,
                        diagnostics: Vec::new(),
                    },
                }
            }
            Ok(None) => Loaded::failed(vec![Diagnostic::file_error(name, "File not found.")]),
            Err(message) => Loaded::failed(vec![Diagnostic::file_error(name, message)]),
        }
    }
}

/// Parses and lowers the source `text` of the file `id`, named `name`; builds its source info
/// only when `keep_source_info`. The syntax tree is dropped here.
pub(super) fn parse_and_lower(
    name: &str,
    id: FileId,
    text: &str,
    keep_source_info: bool,
    keep_spans: bool,
) -> Outcome {
    // Comments only feed source info.
    let (tree, mut diagnostics) = if keep_source_info {
        protoforge_parse::parse_file(id, text)
    } else {
        protoforge_parse::parse_file_without_comments(id, text)
    };
    let parse_failed = tree.is_none() || diagnostics.iter().any(Diagnostic::is_error);
    let Some(tree) = tree.filter(|_| !parse_failed) else {
        return Outcome::Failed(diagnostics);
    };
    let lowered = crate::lower::lower(name, &tree, text, keep_source_info, keep_spans);
    let lower_failed = lowered.diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(lowered.diagnostics);
    if lower_failed {
        return Outcome::Failed(diagnostics);
    }
    let imports = tree
        .items
        .iter()
        .filter_map(|item| match item {
            ast::FileItem::Import(i) => Some((i.path.to_string_lossy(), Some(i.span))),
            _ => None,
        })
        .collect();
    Outcome::Ready {
        file: Box::new(lowered.file),
        spans: lowered.spans,
        imports,
        diagnostics,
    }
}

/// How many worker threads load files beside the build: one fewer than the cores (the build
/// runs on the calling thread), at most three.
pub(super) fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .saturating_sub(1)
        .min(3)
}
