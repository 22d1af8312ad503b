//! Generated files held in memory until every generator of a run has succeeded, then written
//! to a directory or a zip/jar archive, as protoc does: one [`OutputContext`] per output
//! location, shared by every generator writing there (so one can insert into another's file
//! at a `@@protoc_insertion_point(NAME)`), with protoc's error texts.

use std::collections::BTreeMap;
use std::io::Write as _;

use protoforge::plugin::code_generator_response::File;

/// The files one or more generators wrote to one output location.
#[derive(Debug, Default)]
pub struct OutputContext {
    files: BTreeMap<String, Vec<u8>>,
    had_error: bool,
}

/// An open output stream: a new file, or text to insert into an existing one.
struct Stream {
    name: String,
    insertion_point: String,
    data: Vec<u8>,
}

impl OutputContext {
    /// Applies the `file` entries of a generator's response: new files, insertions and
    /// continuations (entries without a name). Errors about single files are printed and
    /// remembered (the write then fails); a continuation without a file is returned.
    pub fn apply(&mut self, files: &[File], generator: &str) -> Result<(), String> {
        let mut current: Option<Stream> = None;
        for file in files {
            let content = file.content().as_bytes();
            if !file.insertion_point().is_empty() || !file.name().is_empty() {
                if let Some(done) = current.take() {
                    self.close(done);
                }
                current = Some(Stream {
                    name: file.name().to_string(),
                    insertion_point: file.insertion_point().to_string(),
                    data: content.to_vec(),
                });
            } else if let Some(stream) = current.as_mut() {
                stream.data.extend_from_slice(content);
            } else {
                return Err(format!(
                    "{generator}: First file chunk returned by plugin did not specify a file name."
                ));
            }
        }
        if let Some(done) = current.take() {
            self.close(done);
        }
        Ok(())
    }

    /// Commits one stream: stores a new file or performs an insertion.
    fn close(&mut self, stream: Stream) {
        let Stream {
            name,
            insertion_point,
            mut data,
        } = stream;
        if insertion_point.is_empty() {
            match self.files.entry(name) {
                std::collections::btree_map::Entry::Occupied(entry) => {
                    eprintln!("{}: Tried to write the same file twice.", entry.key());
                    self.had_error = true;
                }
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(data);
                }
            }
            return;
        }
        if data.last().is_some_and(|&b| b != b'\n') {
            data.push(b'\n');
        }
        let Some(target) = self.files.get_mut(&name) else {
            eprintln!("{name}: Tried to insert into file that doesn't exist.");
            self.had_error = true;
            return;
        };
        let magic = format!("@@protoc_insertion_point({insertion_point})");
        let Some(found) = find(target, magic.as_bytes()) else {
            eprintln!("{name}: insertion point \"{insertion_point}\" not found.");
            self.had_error = true;
            return;
        };
        let pos = if found > 3 && &target[found - 3..found - 1] == b"/*" {
            // An inline `/* @@protoc_insertion_point(NAME) */`: insert right before it.
            found - 3
        } else {
            // Insert at the start of the marker's line, so several insertions at one point
            // keep their order.
            target[..found]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |newline| newline + 1)
        };
        let indent_len = target[pos..]
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(target.len() - pos);
        let indent = target[pos..pos + indent_len].to_vec();
        let mut inserted = Vec::with_capacity(data.len());
        if indent.is_empty() {
            inserted = data;
        } else {
            for line in data.split_inclusive(|&b| b == b'\n') {
                inserted.extend_from_slice(&indent);
                inserted.extend_from_slice(line);
            }
        }
        target.splice(pos..pos, inserted);
    }

    /// Writes every file under the directory `prefix` (which ends with `/`), creating
    /// subdirectories; false (after printing why) if anything failed.
    pub fn write_to_disk(&self, prefix: &str, allow_escape: bool) -> bool {
        if self.had_error {
            return false;
        }
        if !prefix.is_empty()
            && let Err(e) = std::fs::metadata(prefix)
        {
            eprintln!("{prefix}: {}", strerror(&e));
            return false;
        }
        for (name, data) in &self.files {
            if !allow_escape && name.contains("..") {
                eprintln!(
                    "Output file names must never have a relative path. ({name}). Use \
                     --unsafe_allow_out_dir_escape to disable this error if intentional."
                );
                return false;
            }
            let parts: Vec<&str> = name.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
            let mut so_far = prefix.to_string();
            for part in parts.iter().take(parts.len().saturating_sub(1)) {
                so_far.push_str(part);
                if let Err(e) = std::fs::create_dir(&so_far)
                    && e.kind() != std::io::ErrorKind::AlreadyExists
                {
                    eprintln!(
                        "{name}: while trying to create directory {so_far}: {}",
                        strerror(&e)
                    );
                    return false;
                }
                so_far.push('/');
            }
            let path = format!("{prefix}{name}");
            if let Err(e) = std::fs::write(&path, data) {
                // protoc ends this message without a line break.
                eprint!("{path}: {}", strerror(&e));
                return false;
            }
        }
        true
    }

    /// Writes every file into the zip archive `path` (stored, not compressed, dated
    /// 1980-01-01, like protoc); a `.jar` also gets protoc's manifest.
    pub fn write_to_zip(&mut self, path: &str, allow_escape: bool) -> bool {
        if self.had_error {
            return false;
        }
        if path.ends_with(".jar") {
            self.files
                .entry("META-INF/MANIFEST.MF".to_string())
                .or_insert_with(|| {
                    b"Manifest-Version: 1.0\nCreated-By: 1.6.0 (protoc)\n\n".to_vec()
                });
        }
        let mut out = Vec::new();
        let mut entries = Vec::new();
        for (name, data) in &self.files {
            if !allow_escape && name.contains("..") {
                eprintln!(
                    "WARNING: Output file names must never have a relative path. ({name}). \
                     This will become an error in a future breaking change release of \
                     Protobuf. Use --unsafe_allow_out_dir_escape to suppress this warning if \
                     intentional."
                );
            }
            let crc = crc32(data);
            entries.push((name, crc, data.len() as u32, out.len() as u32));
            put32(&mut out, 0x0403_4b50);
            for v in [10u16, 0, 0, 0, DOS_EPOCH] {
                put16(&mut out, v);
            }
            put32(&mut out, crc);
            put32(&mut out, data.len() as u32);
            put32(&mut out, data.len() as u32);
            put16(&mut out, name.len() as u16);
            put16(&mut out, 0);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
        }
        let directory_start = out.len() as u32;
        for (name, crc, size, offset) in &entries {
            put32(&mut out, 0x0201_4b50);
            for v in [10u16, 10, 0, 0, 0, DOS_EPOCH] {
                put16(&mut out, v);
            }
            put32(&mut out, *crc);
            put32(&mut out, *size);
            put32(&mut out, *size);
            for v in [name.len() as u16, 0, 0, 0, 0] {
                put16(&mut out, v);
            }
            put32(&mut out, 0);
            put32(&mut out, *offset);
            out.extend_from_slice(name.as_bytes());
        }
        let directory_len = out.len() as u32 - directory_start;
        put32(&mut out, 0x0605_4b50);
        for v in [0u16, 0, entries.len() as u16, entries.len() as u16] {
            put16(&mut out, v);
        }
        put32(&mut out, directory_len);
        put32(&mut out, directory_start);
        put16(&mut out, 0);
        let written = std::fs::File::create(path).and_then(|mut f| f.write_all(&out));
        if let Err(e) = written {
            eprint!("{path}: {}", strerror(&e));
            return false;
        }
        true
    }
}

/// The MS-DOS date of 1980-01-01.
const DOS_EPOCH: u16 = 1 << 5 | 1;

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The CRC-32 (IEEE, reflected) of `data`, as zip files use.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The first position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The C library's text for an I/O error (`No such file or directory`), without Rust's
/// ` (os error N)` suffix.
pub fn strerror(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, point: &str, content: &str) -> File {
        File {
            name: Some(name.to_string()),
            insertion_point: (!point.is_empty()).then(|| point.to_string()),
            content: Some(content.to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn insertion_keeps_indent_and_order() {
        let mut ctx = OutputContext::default();
        let files = [
            file("a.txt", "", "x\n    // @@protoc_insertion_point(p)\ny\n"),
            file("a.txt", "p", "one\n\ntwo"),
            file("a.txt", "p", "three\n"),
            file("", "", "four\n"),
        ];
        ctx.apply(&files, "gen").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ctx.files["a.txt"]),
            "x\n    one\n    \n    two\n    three\n    four\n    // @@protoc_insertion_point(p)\ny\n"
        );
    }

    #[test]
    fn inline_insertion_point() {
        let mut ctx = OutputContext::default();
        let files = [
            file("a.txt", "", "f(/* @@protoc_insertion_point(args) */);\n"),
            file("a.txt", "args", "1"),
        ];
        ctx.apply(&files, "gen").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ctx.files["a.txt"]),
            "f(1\n/* @@protoc_insertion_point(args) */);\n"
        );
    }

    #[test]
    fn continuation_without_file_is_an_error() {
        let mut ctx = OutputContext::default();
        let err = ctx.apply(&[file("", "", "x")], "protoc-gen-x").unwrap_err();
        assert_eq!(
            err,
            "protoc-gen-x: First file chunk returned by plugin did not specify a file name."
        );
    }

    #[test]
    fn crc_matches_the_zip_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
