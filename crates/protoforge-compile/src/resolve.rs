//! Finding `.proto` files the way protoc does: include paths (`-I DIR`, `-I VIRTUAL=DISK`) that
//! map virtual names (`google/protobuf/any.proto`) to disk files, the bundled
//! `google/protobuf/*.proto` sources (searched after the include paths), and descriptor sets
//! given with `--descriptor_set_in` (searched last, as protoc's fallback database).
//!
//! Also maps files named on the command line to their virtual names, with protoc's errors for a
//! file outside every include path and for a file shadowed by an earlier include path.
//!
//! Public are only what the CLI and `protoforge-build` use: [`IncludePaths`] and the
//! size-limited readers. The resolvers ([`FileResolver`] over the include path, the bundled
//! sources and descriptor sets) stay inside the crate: [`Compiler`](crate::Compiler) picks and
//! orders them, and nothing outside plugs in its own.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use protoforge::Message as _;
use protoforge::descriptor::{FileDescriptorProto, FileDescriptorSet};

/// The largest `.proto` source file protoforge reads: 256 MiB. protoc sets no limit of its
/// own, but nothing that large is a real schema, and compiling it would take several times
/// its size in memory; the limit keeps `import "zero"` with `-I /dev` from reading forever.
pub const MAX_SOURCE_SIZE: u64 = 256 << 20;

/// The largest binary input protoforge reads (a `--descriptor_set_in` file, the message on
/// standard input of `--decode` and `--decode_raw`): protoc's limit for one message, 2 GiB
/// less one byte.
pub const MAX_MESSAGE_SIZE: u64 = i32::MAX as u64;

/// Reads `reader` to its end, failing with [`std::io::ErrorKind::FileTooLarge`] once more
/// than `limit` bytes came (so an endless input such as `/dev/zero` ends too, after at most
/// `limit` bytes are held in memory).
pub fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(buf)
}

/// The error of an input over `limit` bytes.
fn too_large(limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("larger than the limit of {limit} bytes"),
    )
}

/// Reads the file at `path` with [`read_limited`]; a regular file over the limit fails
/// without being read.
pub fn read_file_limited(path: impl AsRef<Path>, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > limit
    {
        return Err(too_large(limit));
    }
    read_limited(file, limit)
}

/// What a resolver found for a virtual name.
#[derive(Clone, Debug)]
pub(crate) enum FileContent {
    /// `.proto` source text, to be parsed.
    Source(String),
    /// An already compiled file (from a descriptor set); it is used as is.
    Descriptor(Box<FileDescriptorProto>),
}

/// Finds files by their virtual name (the name imports use).
pub(crate) trait FileResolver: Send + Sync {
    /// Opens `name`. `Ok(None)` when this resolver does not have it; `Err` with protoc's
    /// message when it has it but cannot read it.
    fn open(&self, name: &str) -> Result<Option<FileContent>, String>;
}

/// One `--proto_path` entry: a virtual prefix (empty for a plain directory) and a disk path.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Mapping {
    virtual_path: String,
    disk_path: String,
}

/// The include path: `-I` entries in order, searched first to last.
#[derive(Clone, Debug, Default)]
pub struct IncludePaths {
    mappings: Vec<Mapping>,
    /// Canonical disk directories (no trailing `/`) whose files are treated as absent.
    hidden: Vec<String>,
}

/// Why a file named on the command line has no virtual name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapError {
    /// The file does not exist (and is not a virtual name either).
    NotFound,
    /// The file is inside no include path.
    NotInProtoPath,
    /// An earlier include path holds a file with the same virtual name (the disk path of it).
    Shadowed(String),
    /// The file exists but cannot be read.
    CannotOpen(String),
}

impl MapError {
    /// protoc's message for this error about `input` (as typed on the command line).
    pub fn message(&self, input: &str) -> String {
        match self {
            MapError::NotFound => {
                format!("Could not make proto path relative: {input}: No such file or directory")
            }
            MapError::NotInProtoPath => format!(
                "{input}: File does not reside within any path specified using --proto_path (or -I).  \
                 You must specify a --proto_path which encompasses this file.  Note that the \
                 proto_path must be an exact prefix of the .proto file names -- protoc is too dumb \
                 to figure out when two paths (e.g. absolute and relative) are equivalent (it's \
                 harder than you think)."
            ),
            MapError::Shadowed(other) => format!(
                "{input}: Input is shadowed in the --proto_path by \"{other}\".  Either use the \
                 latter file as your input or reorder the --proto_path so that the former file's \
                 location comes first."
            ),
            MapError::CannotOpen(why) => format!("Could not map to virtual file: {input}: {why}"),
        }
    }
}

impl IncludePaths {
    /// An empty include path.
    pub fn new() -> IncludePaths {
        IncludePaths::default()
    }

    /// True when no entry was added.
    pub fn is_empty(&self) -> bool {
        self.mappings.is_empty()
    }

    /// Adds one `--proto_path` value: `DIR` or `VIRTUAL=DISK`.
    pub fn add(&mut self, spec: &str) {
        let (virtual_path, disk) = match spec.split_once('=') {
            Some((v, d)) => (v.to_string(), d),
            None => (String::new(), spec),
        };
        self.mappings.push(Mapping {
            virtual_path,
            disk_path: canonicalize(disk),
        });
    }

    /// Treats every file under the disk directory `dir` as absent, whichever entry maps to
    /// it: imports of such a file are not found (buf's module `excludes`).
    pub fn hide(&mut self, dir: &str) {
        self.hidden
            .push(canonicalize(dir).trim_end_matches('/').to_string());
    }

    /// Whether the canonical disk path `disk` lies under a hidden directory.
    fn is_hidden(&self, disk: &str) -> bool {
        self.hidden.iter().any(|dir| match dir.as_str() {
            // The current directory: every relative path.
            "" => !disk.starts_with('/'),
            dir => disk
                .strip_prefix(dir)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
        })
    }

    /// The disk file a virtual name maps to through the first entry that has it.
    pub fn disk_file(&self, virtual_name: &str) -> Option<PathBuf> {
        if !is_canonical_virtual(virtual_name) {
            return None;
        }
        self.mappings.iter().find_map(|m| {
            let disk = apply_mapping(virtual_name, &m.virtual_path, &m.disk_path)?;
            if self.is_hidden(&disk) {
                return None;
            }
            let path = disk_path(&disk);
            path.is_file().then_some(path)
        })
    }

    /// Maps a file named on the command line to its virtual name, like protoc: an existing
    /// disk file is mapped through the first include path containing it (an error if an
    /// earlier entry has a file of the same virtual name); a name that is not a disk file is
    /// taken as a virtual name if some include path has it.
    pub fn virtual_name(&self, input: &str) -> Result<String, MapError> {
        if !Path::new(input).exists() {
            return match self.disk_file(input) {
                Some(_) => Ok(input.to_string()),
                None => Err(MapError::NotFound),
            };
        }
        let canonical = canonicalize(input);
        let found = self.mappings.iter().enumerate().find_map(|(i, m)| {
            apply_mapping(&canonical, &m.disk_path, &m.virtual_path).map(|v| (i, v))
        });
        let Some((index, virtual_name)) = found else {
            return match self.disk_file(input) {
                Some(_) => Ok(input.to_string()),
                None => Err(MapError::NotInProtoPath),
            };
        };
        for m in &self.mappings[..index] {
            if let Some(other) = apply_mapping(&virtual_name, &m.virtual_path, &m.disk_path)
                && disk_path(&other).exists()
            {
                return Err(MapError::Shadowed(other));
            }
        }
        match std::fs::File::open(disk_path(input)) {
            Ok(_) => Ok(virtual_name),
            Err(e) => Err(MapError::CannotOpen(e.to_string())),
        }
    }
}

impl FileResolver for IncludePaths {
    fn open(&self, name: &str) -> Result<Option<FileContent>, String> {
        if !is_canonical_virtual(name) {
            return Err(
                "Backslashes, consecutive slashes, \".\", or \"..\" are not allowed in the virtual path"
                    .to_string(),
            );
        }
        for m in &self.mappings {
            let Some(disk) = apply_mapping(name, &m.virtual_path, &m.disk_path) else {
                continue;
            };
            if self.is_hidden(&disk) {
                continue;
            }
            let path = disk_path(&disk);
            match read_file_limited(&path, MAX_SOURCE_SIZE) {
                Ok(bytes) => {
                    // Valid UTF-8 (nearly every file) keeps its buffer; only invalid bytes pay
                    // for the lossy copy.
                    let text = String::from_utf8(bytes)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    return Ok(Some(FileContent::Source(text)));
                }
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    return Err(format!("Read access is denied for file: {disk}"));
                }
                Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                    return Err(format!("Unable to read file: {disk}: {e}"));
                }
                Err(_) => {}
            }
        }
        Ok(None)
    }
}

/// The `google/protobuf/*.proto` files every compilation can import without `-I`, embedded
/// from the repository's `proto/` directory.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bundled;

macro_rules! bundled_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../proto/", $name)))),*]
    };
}

/// Name and text of every bundled file.
const BUNDLED: &[(&str, &str)] = bundled_files![
    "google/protobuf/any.proto",
    "google/protobuf/api.proto",
    "google/protobuf/compiler/plugin.proto",
    "google/protobuf/cpp_features.proto",
    "google/protobuf/descriptor.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/go_features.proto",
    "google/protobuf/java_features.proto",
    "google/protobuf/source_context.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto",
];

impl Bundled {
    /// The text of the bundled file `name`, if there is one.
    pub(crate) fn source(name: &str) -> Option<&'static str> {
        BUNDLED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
    }
}

impl FileResolver for Bundled {
    fn open(&self, name: &str) -> Result<Option<FileContent>, String> {
        Ok(Bundled::source(name).map(|t| FileContent::Source(t.to_string())))
    }
}

/// Files taken from `--descriptor_set_in` descriptor sets (the first set defining a name wins).
#[derive(Clone, Debug, Default)]
pub(crate) struct DescriptorSets {
    files: HashMap<String, FileDescriptorProto>,
}

impl DescriptorSets {
    /// Adds every file of an encoded `FileDescriptorSet`.
    pub(crate) fn add_encoded(&mut self, bytes: &[u8]) -> Result<(), String> {
        let set = FileDescriptorSet::decode(bytes).map_err(|e| e.to_string())?;
        for file in set.file {
            let name = file.name.clone().unwrap_or_default();
            self.files.entry(name).or_insert(file);
        }
        Ok(())
    }
}

impl FileResolver for DescriptorSets {
    fn open(&self, name: &str) -> Result<Option<FileContent>, String> {
        Ok(self
            .files
            .get(name)
            .map(|f| FileContent::Descriptor(Box::new(f.clone()))))
    }
}

/// protoc's `CanonicalizePath`: drops empty and `.` components, keeps leading and trailing
/// slashes.
fn canonicalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        parts.push("");
    }
    parts.extend(path.split('/').filter(|p| !p.is_empty() && *p != "."));
    if path.ends_with('/') && path.len() > 1 {
        parts.push("");
    }
    parts.join("/")
}

fn contains_parent_reference(path: &str) -> bool {
    path == ".." || path.starts_with("../") || path.ends_with("/..") || path.contains("/../")
}

/// A virtual name protoc accepts: canonical, no `..`, no backslashes.
fn is_canonical_virtual(name: &str) -> bool {
    !name.contains('\\') && canonicalize(name) == name && !contains_parent_reference(name)
}

/// protoc's `ApplyMapping`: replaces the prefix `old` of `name` by `new`.
fn apply_mapping(name: &str, old: &str, new: &str) -> Option<String> {
    let join = |rest: &str| {
        let mut s = new.to_string();
        if !s.is_empty() {
            s.push('/');
        }
        s.push_str(rest);
        s
    };
    if old.is_empty() {
        if contains_parent_reference(name) || name.starts_with('/') {
            return None;
        }
        return Some(join(name));
    }
    let rest = name.strip_prefix(old)?;
    if rest.is_empty() {
        return Some(new.to_string());
    }
    let after = if let Some(after) = rest.strip_prefix('/') {
        after
    } else if old.ends_with('/') {
        rest
    } else {
        return None;
    };
    if contains_parent_reference(after) {
        return None;
    }
    Some(join(after))
}

/// A disk path from a mapped name; the empty name is the current directory.
fn disk_path(name: &str) -> PathBuf {
    if name.is_empty() {
        PathBuf::from(".")
    } else {
        PathBuf::from(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalizes_like_protoc() {
        assert_eq!(canonicalize("."), "");
        assert_eq!(canonicalize("./a//b/"), "a/b/");
        assert_eq!(canonicalize("/x/./y"), "/x/y");
    }

    #[test]
    fn hidden_directories_hide_the_files_under_them() {
        let mut paths = IncludePaths::new();
        paths.add("/m");
        paths.hide("/m/gen/");
        assert!(paths.is_hidden("/m/gen/b.proto"));
        assert!(paths.is_hidden("/m/gen"));
        assert!(!paths.is_hidden("/m/generated/b.proto"));
        assert!(!paths.is_hidden("/m/a.proto"));
        assert!(matches!(paths.open("gen/b.proto"), Ok(None)));
        let mut relative = IncludePaths::new();
        relative.hide(".");
        assert!(relative.is_hidden("a/b.proto"));
        assert!(!relative.is_hidden("/abs/b.proto"));
    }

    #[test]
    fn applies_mappings() {
        assert_eq!(apply_mapping("a/b.proto", "", ""), Some("a/b.proto".into()));
        assert_eq!(
            apply_mapping("a/b.proto", "", "src"),
            Some("src/a/b.proto".into())
        );
        assert_eq!(
            apply_mapping("src/a.proto", "src", ""),
            Some("a.proto".into())
        );
        assert_eq!(apply_mapping("srcx/a.proto", "src", ""), None);
        assert_eq!(
            apply_mapping("v/a.proto", "v", "disk"),
            Some("disk/a.proto".into())
        );
        assert_eq!(apply_mapping("../a.proto", "", ""), None);
    }

    #[test]
    fn maps_command_line_files_and_detects_shadowing() {
        let dir = std::env::temp_dir().join(format!("pf-resolve-{}", std::process::id()));
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::create_dir_all(&a).expect("mkdir");
        std::fs::create_dir_all(&b).expect("mkdir");
        std::fs::write(a.join("x.proto"), "").expect("write");
        std::fs::write(b.join("x.proto"), "").expect("write");
        std::fs::write(b.join("y.proto"), "").expect("write");
        let (a_s, b_s) = (
            a.to_string_lossy().into_owned(),
            b.to_string_lossy().into_owned(),
        );
        let mut inc = IncludePaths::new();
        inc.add(&a_s);
        inc.add(&b_s);
        assert_eq!(
            inc.virtual_name(&format!("{a_s}/x.proto")),
            Ok("x.proto".into())
        );
        assert_eq!(
            inc.virtual_name(&format!("{b_s}/y.proto")),
            Ok("y.proto".into())
        );
        assert_eq!(
            inc.virtual_name(&format!("{b_s}/x.proto")),
            Err(MapError::Shadowed(format!("{a_s}/x.proto")))
        );
        // A virtual name that is not a disk path is accepted when some entry has it.
        assert_eq!(inc.virtual_name("y.proto"), Ok("y.proto".into()));
        assert_eq!(inc.virtual_name("nope.proto"), Err(MapError::NotFound));
        let mut only_a = IncludePaths::new();
        only_a.add(&a_s);
        assert_eq!(
            only_a.virtual_name(&format!("{b_s}/y.proto")),
            Err(MapError::NotInProtoPath)
        );
        let mut mapped = IncludePaths::new();
        mapped.add(&format!("v/w={b_s}"));
        assert_eq!(
            mapped.virtual_name(&format!("{b_s}/y.proto")),
            Ok("v/w/y.proto".into())
        );
        assert!(matches!(
            mapped.open("v/w/y.proto"),
            Ok(Some(FileContent::Source(_)))
        ));
        assert!(matches!(mapped.open("y.proto"), Ok(None)));
        assert!(mapped.open("v//w/y.proto").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bundled_has_descriptor_proto() {
        let text = Bundled::source("google/protobuf/descriptor.proto").expect("bundled");
        assert!(text.contains("message FileDescriptorProto"));
        assert!(Bundled::source("google/protobuf/nope.proto").is_none());
    }
}
