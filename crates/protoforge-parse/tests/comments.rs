//! Comments and statement spans checked against protoc's `SourceCodeInfo`.
//!
//! For every corpus file protoc accepted, `goldens/<f>.src.pb` holds protoc's descriptor set
//! with source info. Every location there that carries comments must match a statement of
//! our tree that starts at the same line and column, with the same texts and the same end;
//! every statement of ours with comments must appear there; and every statement's span must
//! equal some protoc location starting at the same place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use protoforge_parse::ast::*;
use protoforge_parse::{LineIndex, Span};

/// A minimal protobuf wire reader, enough for `SourceCodeInfo`.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.buf[self.pos];
            self.pos += 1;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return v;
            }
            shift += 7;
        }
    }

    /// The next field as (number, wire type, payload for length-delimited fields).
    fn field(&mut self) -> Option<(u64, u64, &'a [u8], u64)> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let key = self.varint();
        let (num, wt) = (key >> 3, key & 7);
        match wt {
            0 => {
                let v = self.varint();
                Some((num, wt, &[], v))
            }
            1 => {
                self.pos += 8;
                Some((num, wt, &[], 0))
            }
            2 => {
                let len = self.varint() as usize;
                let s = &self.buf[self.pos..self.pos + len];
                self.pos += len;
                Some((num, wt, s, 0))
            }
            5 => {
                self.pos += 4;
                Some((num, wt, &[], 0))
            }
            _ => panic!("unexpected wire type {wt}"),
        }
    }
}

fn fields(buf: &[u8]) -> Vec<(u64, u64, &[u8], u64)> {
    let mut r = Reader { buf, pos: 0 };
    let mut out = Vec::new();
    while let Some(f) = r.field() {
        out.push(f);
    }
    out
}

fn packed(buf: &[u8]) -> Vec<i64> {
    let mut r = Reader { buf, pos: 0 };
    let mut out = Vec::new();
    while r.pos < buf.len() {
        out.push(r.varint() as i64);
    }
    out
}

/// One protoc location.
#[derive(Debug, Default, Clone)]
struct Loc {
    path: Vec<i64>,
    /// start line, start col, end line, end col.
    span: [i64; 4],
    leading: Option<String>,
    trailing: Option<String>,
    detached: Vec<String>,
}

/// The locations of the file named `name` in a descriptor set.
fn locations(set: &[u8], name: &str) -> Vec<Loc> {
    for (num, _, file, _) in fields(set) {
        if num != 1 {
            continue;
        }
        let fs = fields(file);
        let fname = fs
            .iter()
            .find(|f| f.0 == 1)
            .map(|f| String::from_utf8_lossy(f.2).into_owned());
        if fname.as_deref() != Some(name) {
            continue;
        }
        let mut out = Vec::new();
        for (n, _, sci, _) in fs {
            if n != 9 {
                continue;
            }
            for (ln, _, loc, _) in fields(sci) {
                if ln != 1 {
                    continue;
                }
                let mut l = Loc::default();
                for (k, wt, data, v) in fields(loc) {
                    let text = || String::from_utf8_lossy(data).into_owned();
                    match (k, wt) {
                        (1, 2) => l.path = packed(data),
                        (1, 0) => l.path.push(v as i64),
                        (2, 2) => {
                            let s = packed(data);
                            l.span = if s.len() == 3 {
                                [s[0], s[1], s[0], s[2]]
                            } else {
                                [s[0], s[1], s[2], s[3]]
                            };
                        }
                        (3, _) => l.leading = Some(text()),
                        (4, _) => l.trailing = Some(text()),
                        (6, _) => l.detached.push(text()),
                        _ => {}
                    }
                }
                out.push(l);
            }
        }
        return out;
    }
    Vec::new()
}

/// A statement of our tree: its span, comments and a short description.
struct Stmt<'a> {
    span: Span,
    comments: &'a Comments,
    what: String,
}

fn collect<'a>(file: &'a File, out: &mut Vec<Stmt<'a>>) {
    let mut push = |span: Span, comments: &'a Comments, what: &str| {
        out.push(Stmt {
            span,
            comments,
            what: what.to_string(),
        })
    };
    if let Some(s) = &file.syntax {
        push(s.span, &s.comments, "syntax");
    }
    fn message<'a>(body: &'a MessageBody, push: &mut dyn FnMut(Span, &'a Comments, &str)) {
        for item in &body.items {
            match item {
                MessageItem::Field(f) => field(f, push),
                MessageItem::Oneof(o) => {
                    push(o.span, &o.comments, "oneof");
                    for it in &o.items {
                        match it {
                            OneofItem::Field(f) => field(f, push),
                            OneofItem::Option(o) => push(o.span, &o.comments, "option"),
                            OneofItem::Empty(_) => {}
                        }
                    }
                }
                MessageItem::Message(m) => {
                    push(m.span, &m.comments, "message");
                    message(&m.body, push);
                }
                MessageItem::Enum(e) => enumeration(e, push),
                MessageItem::Extend(e) => extend(e, push),
                MessageItem::Extensions(e) => push(e.span, &e.comments, "extensions"),
                MessageItem::Reserved(r) => push(r.span, &r.comments, "reserved"),
                MessageItem::Option(o) => push(o.span, &o.comments, "option"),
                MessageItem::Empty(_) => {}
            }
        }
    }
    fn field<'a>(f: &'a Field, push: &mut dyn FnMut(Span, &'a Comments, &str)) {
        push(f.span, &f.comments, "field");
        if let FieldKind::Group { body, .. } = &f.kind {
            message(body, push);
        }
    }
    fn enumeration<'a>(e: &'a Enum, push: &mut dyn FnMut(Span, &'a Comments, &str)) {
        push(e.span, &e.comments, "enum");
        for it in &e.items {
            match it {
                EnumItem::Value(v) => push(v.span, &v.comments, "enum value"),
                EnumItem::Option(o) => push(o.span, &o.comments, "option"),
                EnumItem::Reserved(r) => push(r.span, &r.comments, "reserved"),
                EnumItem::Empty(_) => {}
            }
        }
    }
    fn extend<'a>(e: &'a Extend, push: &mut dyn FnMut(Span, &'a Comments, &str)) {
        push(e.span, &e.comments, "extend");
        for f in &e.fields {
            field(f, push);
        }
    }
    for item in &file.items {
        match item {
            FileItem::Package(p) => push(p.span, &p.comments, "package"),
            FileItem::Import(i) => push(i.span, &i.comments, "import"),
            FileItem::Option(o) => push(o.span, &o.comments, "option"),
            FileItem::Message(m) => {
                push(m.span, &m.comments, "message");
                message(&m.body, &mut push);
            }
            FileItem::Enum(e) => enumeration(e, &mut push),
            FileItem::Service(s) => {
                push(s.span, &s.comments, "service");
                for it in &s.items {
                    match it {
                        ServiceItem::Method(m) => {
                            push(m.span, &m.comments, "method");
                            for o in &m.options {
                                push(o.span, &o.comments, "option");
                            }
                        }
                        ServiceItem::Option(o) => push(o.span, &o.comments, "option"),
                        ServiceItem::Empty(_) => {}
                    }
                }
            }
            FileItem::Extend(e) => extend(e, &mut push),
            FileItem::Empty(_) => {}
        }
    }
}

/// (include root, file relative to it, golden descriptor set) for every checked file: the
/// corpus files protoc accepted and the hand-written cases in `testdata/parse/comments`.
fn golden_sets() -> Vec<(PathBuf, PathBuf, PathBuf)> {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let mut out = Vec::new();
    for set in ["protobuf", "grpc"] {
        let dir = testdata.join("descriptors").join(set);
        let ok = std::fs::read_to_string(dir.join("goldens/ok.txt")).expect("ok.txt");
        for line in ok.lines().filter(|l| !l.trim().is_empty()) {
            let rel = PathBuf::from(line.trim());
            let golden = dir.join("goldens").join(format!("{}.src.pb", line.trim()));
            out.push((dir.join("src"), rel, golden));
        }
    }
    let own = testdata.join("parse/comments");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&own)
        .expect("testdata/parse/comments")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "proto"))
        .collect();
    names.sort();
    for p in names {
        let rel = PathBuf::from(p.file_name().expect("file name"));
        let golden = p.with_extension("src.pb");
        out.push((own.clone(), rel, golden));
    }
    out
}

#[test]
fn comments_and_spans_match_protoc() {
    let sets = golden_sets();
    assert!(sets.len() > 150, "goldens not found");
    let mut problems = Vec::new();
    let mut checked = 0usize;
    for (src, rel, golden) in &sets {
        let name = rel.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(src.join(rel)).expect("source");
        let set = std::fs::read(golden).expect("golden");
        let locs = locations(&set, &name);
        assert!(!locs.is_empty(), "{name}: no locations");
        let (tree, diags, _) = protoforge_parse::parse(&name, &text);
        assert!(diags.is_empty(), "{name}: {diags:?}");
        let tree = tree.expect("tree");
        let index = LineIndex::new(&text);
        let pos = |o: u32| {
            let lc = index.line_col(&text, o);
            (i64::from(lc.line), i64::from(lc.col))
        };
        let mut stmts = Vec::new();
        collect(&tree, &mut stmts);
        let mut by_start: HashMap<(i64, i64), &Stmt<'_>> = HashMap::new();
        for s in &stmts {
            by_start.insert(pos(s.span.start), s);
        }
        let mut loc_starts: HashMap<(i64, i64), Vec<&Loc>> = HashMap::new();
        for l in &locs {
            loc_starts
                .entry((l.span[0], l.span[1]))
                .or_default()
                .push(l);
        }
        for l in &locs {
            let has = l.leading.is_some() || l.trailing.is_some() || !l.detached.is_empty();
            if !has {
                continue;
            }
            checked += 1;
            let Some(s) = by_start.get(&(l.span[0], l.span[1])) else {
                problems.push(format!(
                    "{name}:{}:{}: protoc location {:?} has comments, no statement starts there",
                    l.span[0] + 1,
                    l.span[1] + 1,
                    l.path
                ));
                continue;
            };
            let got = (
                s.comments.leading.clone(),
                s.comments.trailing.clone(),
                s.comments.detached.clone(),
            );
            let want = (l.leading.clone(), l.trailing.clone(), l.detached.clone());
            if got != want {
                problems.push(format!(
                    "{name}:{}:{}: {} comments differ\n  protoc: {want:?}\n  ours:   {got:?}",
                    l.span[0] + 1,
                    l.span[1] + 1,
                    s.what
                ));
            }
        }
        for s in &stmts {
            let start = pos(s.span.start);
            let end = pos(s.span.end);
            let cands = loc_starts.get(&start).map(Vec::as_slice).unwrap_or(&[]);
            if !cands.iter().any(|l| (l.span[2], l.span[3]) == end) {
                problems.push(format!(
                    "{name}:{}:{}: {} span ends at {}:{}, protoc's locations there end at {:?}",
                    start.0 + 1,
                    start.1 + 1,
                    s.what,
                    end.0 + 1,
                    end.1 + 1,
                    cands
                        .iter()
                        .map(|l| (l.span[2] + 1, l.span[3] + 1))
                        .collect::<Vec<_>>()
                ));
            }
            if !s.comments.is_empty()
                && !cands
                    .iter()
                    .any(|l| l.leading.is_some() || l.trailing.is_some() || !l.detached.is_empty())
            {
                problems.push(format!(
                    "{name}:{}:{}: {} has comments {:?}, protoc has none there",
                    start.0 + 1,
                    start.1 + 1,
                    s.what,
                    s.comments
                ));
            }
        }
    }
    assert!(checked > 1000, "only {checked} commented locations");
    assert!(
        problems.is_empty(),
        "{} problems (of {checked} commented locations):\n{}",
        problems.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
