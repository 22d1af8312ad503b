//! Tests of lowering against protoc: every file of the descriptor corpus is parsed and lowered
//! and its `SourceCodeInfo` and descriptor are compared with the golden sets protoc wrote
//! (after undoing what only linking and option interpretation change), and small invalid
//! inputs must be rejected at the line and column protoc 35.1 reports.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
    field_descriptor_proto::Type, source_code_info::Location,
};
use protoforge_parse::{FileId, Severity};

use super::lower;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

/// What an element's field leads to, for walking `SourceCodeInfo` paths.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
    ExtensionRange,
    Leaf,
}

/// `(repeated, kind)` of field `number` of `kind`, or `None` for an options field.
fn child(kind: Kind, number: i32) -> Option<(bool, Kind)> {
    use Kind::*;
    Some(match (kind, number) {
        (File, 8)
        | (Message, 7)
        | (Field, 8)
        | (Oneof, 2)
        | (Enum, 3)
        | (EnumValue, 3)
        | (Service, 3)
        | (Method, 4)
        | (ExtensionRange, 3) => return None,
        (File, 4) | (Message, 3) => (true, Message),
        (File, 5) | (Message, 4) => (true, Enum),
        (File, 6) => (true, Service),
        (File, 7) | (Message, 2) | (Message, 6) => (true, Field),
        (File, 3 | 10 | 11 | 15) | (Message, 9 | 10) | (Enum, 4 | 5) => (true, Leaf),
        (Message, 5) => (true, ExtensionRange),
        (Message, 8) => (true, Oneof),
        (Enum, 2) => (true, EnumValue),
        (Service, 2) => (true, Method),
        _ => (false, Leaf),
    })
}

/// Splits `path` at its options field: returns the path with everything after the options
/// field replaced by `-1`, and how many components followed the options field.
fn split_options(path: &[i32]) -> (Vec<i32>, usize) {
    let mut kind = Kind::File;
    let mut i = 0;
    while i < path.len() {
        match child(kind, path[i]) {
            None => {
                let rest = path.len() - i - 1;
                let mut p = path[..=i].to_vec();
                if rest > 0 {
                    p.push(-1);
                }
                return (p, rest);
            }
            Some((repeated, next)) => {
                kind = next;
                i += if repeated { 2 } else { 1 };
            }
        }
    }
    (path.to_vec(), 0)
}

fn show(l: &Location) -> String {
    let mut s = format!("{:?} {:?}", l.path, l.span);
    if let Some(c) = &l.leading_comments {
        let _ = write!(s, " leading={c:?}");
    }
    if let Some(c) = &l.trailing_comments {
        let _ = write!(s, " trailing={c:?}");
    }
    if !l.leading_detached_comments.is_empty() {
        let _ = write!(s, " detached={:?}", l.leading_detached_comments);
    }
    s
}

/// Locations with option paths made comparable: ours keep `[.., OPTIONS, 999, i]` and their
/// name/value parts, protoc's golden has the interpreted path and no parts.
fn comparable(locations: &[Location], ours: bool) -> Vec<String> {
    let mut out = Vec::new();
    for l in locations {
        let (path, rest) = split_options(&l.path);
        if ours && rest > 2 {
            continue;
        }
        let mut l = l.clone();
        l.path = path;
        out.push(show(&l));
    }
    out
}

/// The first difference between two location lists, with context, or `None`.
fn diff_locations(ours: &[String], golden: &[String]) -> Option<String> {
    let n = ours.len().max(golden.len());
    for i in 0..n {
        if ours.get(i) != golden.get(i) {
            let mut s = format!("location #{i} differs\n");
            for j in i.saturating_sub(2)..(i + 3).min(n) {
                let _ = writeln!(s, "  ours  [{j}] {}", ours.get(j).map_or("-", |x| x));
                let _ = writeln!(s, "  protoc[{j}] {}", golden.get(j).map_or("-", |x| x));
            }
            return Some(s);
        }
    }
    None
}

fn name_matches(golden: &str, ours: &str) -> bool {
    if ours.starts_with('.') {
        golden == ours
    } else {
        golden == ours || golden.ends_with(&format!(".{ours}"))
    }
}

/// Changes `g` (protoc's linked field) back to what lowering alone can know, where `o` (ours)
/// agrees with it up to linking.
fn unlink_field(g: &mut FieldDescriptorProto, o: &FieldDescriptorProto) {
    if o.r#type.is_none() && matches!(g.r#type, Some(Type::Message | Type::Enum)) {
        g.r#type = None;
    }
    if let (Some(gt), Some(ot)) = (&g.type_name, &o.type_name)
        && name_matches(gt, ot)
    {
        g.type_name = o.type_name.clone();
    }
    if let (Some(ge), Some(oe)) = (&g.extendee, &o.extendee)
        && name_matches(ge, oe)
    {
        g.extendee = o.extendee.clone();
    }
    if o.json_name.is_none() {
        g.json_name = None;
    }
    if g.options.is_some() && o.options.is_some() {
        g.options = o.options.clone();
    }
}

fn unlink_message(g: &mut DescriptorProto, o: &DescriptorProto) {
    for (gf, of) in g.field.iter_mut().zip(&o.field) {
        unlink_field(gf, of);
    }
    for (gf, of) in g.extension.iter_mut().zip(&o.extension) {
        unlink_field(gf, of);
    }
    for (gm, om) in g.nested_type.iter_mut().zip(&o.nested_type) {
        unlink_message(gm, om);
    }
    for (ge, oe) in g.enum_type.iter_mut().zip(&o.enum_type) {
        unlink_enum(ge, oe);
    }
    for (go, oo) in g.oneof_decl.iter_mut().zip(&o.oneof_decl) {
        if go.options.is_some() && oo.options.is_some() {
            go.options = oo.options.clone();
        }
    }
    for (gr, or) in g.extension_range.iter_mut().zip(&o.extension_range) {
        if gr.options.is_some() && or.options.is_some() {
            gr.options = or.options.clone();
        }
    }
    if g.options.is_some() && o.options.is_some() {
        g.options = o.options.clone();
    }
}

fn unlink_enum(
    g: &mut protoforge::descriptor::EnumDescriptorProto,
    o: &protoforge::descriptor::EnumDescriptorProto,
) {
    for (gv, ov) in g.value.iter_mut().zip(&o.value) {
        if gv.options.is_some() && ov.options.is_some() {
            gv.options = ov.options.clone();
        }
    }
    if g.options.is_some() && o.options.is_some() {
        g.options = o.options.clone();
    }
}

fn unlink_file(g: &mut FileDescriptorProto, o: &FileDescriptorProto) {
    for (gm, om) in g.message_type.iter_mut().zip(&o.message_type) {
        unlink_message(gm, om);
    }
    for (ge, oe) in g.enum_type.iter_mut().zip(&o.enum_type) {
        unlink_enum(ge, oe);
    }
    for (gf, of) in g.extension.iter_mut().zip(&o.extension) {
        unlink_field(gf, of);
    }
    for (gs, os) in g.service.iter_mut().zip(&o.service) {
        for (gm, om) in gs.method.iter_mut().zip(&os.method) {
            for (gt, ot) in [
                (&mut gm.input_type, &om.input_type),
                (&mut gm.output_type, &om.output_type),
            ] {
                if let (Some(a), Some(b)) = (gt.as_ref(), ot)
                    && name_matches(a, b)
                {
                    *gt = ot.clone();
                }
            }
            if gm.options.is_some() && om.options.is_some() {
                gm.options = om.options.clone();
            }
        }
        if gs.options.is_some() && os.options.is_some() {
            gs.options = os.options.clone();
        }
    }
    if g.options.is_some() && o.options.is_some() {
        g.options = o.options.clone();
    }
    g.source_code_info = None;
}

/// True for the builtin options `descriptor.proto` declares with `retention =
/// RETENTION_SOURCE` (`declaration` and `verification` of extension ranges, two features):
/// protoc drops them from its output (option interpretation's job, not lowering's), so the
/// comparison drops them from ours too.
fn is_source_retention(
    option: &protoforge::descriptor::UninterpretedOption,
    ext_range: bool,
) -> bool {
    let parts: Vec<&str> = option
        .name
        .iter()
        .map(|p| p.name_part.as_deref().unwrap_or(""))
        .collect();
    match parts.as_slice() {
        ["declaration" | "verification", ..] => ext_range,
        [
            "features",
            "enforce_naming_style" | "default_symbol_visibility",
            ..,
        ] => true,
        _ => false,
    }
}

/// Removes source-retention builtin options from `ours` (see [`is_source_retention`]) and
/// returns the paths of the locations that go with them.
fn strip_source_retention(file: &mut FileDescriptorProto) -> Vec<Vec<i32>> {
    fn strip(
        opts: &mut Vec<protoforge::descriptor::UninterpretedOption>,
        path: &[i32],
        ext_range: bool,
        dropped: &mut Vec<Vec<i32>>,
    ) -> bool {
        let mut i = 0;
        let mut any = false;
        opts.retain(|o| {
            let keep = !is_source_retention(o, ext_range);
            if !keep {
                let mut p = path.to_vec();
                p.extend([999, i]);
                dropped.push(p);
                any = true;
            }
            i += 1;
            keep
        });
        any && opts.is_empty()
    }
    fn message(m: &mut DescriptorProto, path: Vec<i32>, dropped: &mut Vec<Vec<i32>>) {
        for (i, f) in m.field.iter_mut().enumerate() {
            let p = [path.clone(), vec![2, i as i32, 8]].concat();
            if let Some(o) = &mut f.options {
                strip(&mut o.uninterpreted_option, &p, false, dropped);
            }
        }
        for (i, o) in m.oneof_decl.iter_mut().enumerate() {
            let p = [path.clone(), vec![8, i as i32, 2]].concat();
            if let Some(opts) = &mut o.options {
                strip(&mut opts.uninterpreted_option, &p, false, dropped);
            }
        }
        for (i, e) in m.enum_type.iter_mut().enumerate() {
            enum_(e, [path.clone(), vec![4, i as i32]].concat(), dropped);
        }
        for (i, r) in m.extension_range.iter_mut().enumerate() {
            let p = [path.clone(), vec![5, i as i32, 3]].concat();
            if let Some(o) = &mut r.options
                && strip(&mut o.uninterpreted_option, &p, true, dropped)
            {
                r.options = None;
                dropped.push(p);
            }
        }
        let p = [path.clone(), vec![7]].concat();
        if let Some(o) = &mut m.options {
            strip(&mut o.uninterpreted_option, &p, false, dropped);
        }
        for (i, n) in m.nested_type.iter_mut().enumerate() {
            message(n, [path.clone(), vec![3, i as i32]].concat(), dropped);
        }
    }
    fn enum_(
        e: &mut protoforge::descriptor::EnumDescriptorProto,
        path: Vec<i32>,
        dropped: &mut Vec<Vec<i32>>,
    ) {
        if let Some(o) = &mut e.options {
            strip(
                &mut o.uninterpreted_option,
                &[path.clone(), vec![3]].concat(),
                false,
                dropped,
            );
        }
        for (i, v) in e.value.iter_mut().enumerate() {
            if let Some(o) = &mut v.options {
                let p = [path.clone(), vec![2, i as i32, 3]].concat();
                strip(&mut o.uninterpreted_option, &p, false, dropped);
            }
        }
    }
    // protoc keeps an emptied options message, except on extension ranges.
    let mut dropped = Vec::new();
    for (i, m) in file.message_type.iter_mut().enumerate() {
        message(m, vec![4, i as i32], &mut dropped);
    }
    for (i, e) in file.enum_type.iter_mut().enumerate() {
        enum_(e, vec![5, i as i32], &mut dropped);
    }
    if let Some(o) = &mut file.options {
        strip(&mut o.uninterpreted_option, &[8], false, &mut dropped);
    }
    dropped
}

/// Line-by-line difference of two debug dumps, first few differing lines only.
fn diff_debug(ours: &str, golden: &str) -> String {
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = golden.lines().collect();
    let mut s = String::new();
    let mut shown = 0;
    for i in 0..a.len().max(b.len()) {
        if a.get(i) != b.get(i) {
            let _ = writeln!(s, "  line {i}: ours   {}", a.get(i).unwrap_or(&"-"));
            let _ = writeln!(s, "  line {i}: protoc {}", b.get(i).unwrap_or(&"-"));
            shown += 1;
            if shown >= 4 {
                break;
            }
        }
    }
    s
}

struct Outcome {
    files: usize,
    skipped: Vec<String>,
    locations_ok: usize,
    descriptors_ok: usize,
    failures: Vec<String>,
}

/// Lowers every distinct file of every golden set and compares it with protoc's.
fn run_corpus() -> Outcome {
    let root = corpus();
    let mut seen = HashSet::new();
    let mut out = Outcome {
        files: 0,
        skipped: Vec::new(),
        locations_ok: 0,
        descriptors_ok: 0,
        failures: Vec::new(),
    };
    for set in ["protobuf", "grpc"] {
        let ok = std::fs::read_to_string(root.join(set).join("goldens/ok.txt")).unwrap_or_default();
        for entry in ok.lines().filter(|l| !l.trim().is_empty()) {
            let golden_path = root
                .join(set)
                .join("goldens")
                .join(format!("{entry}.src.pb"));
            let bytes = std::fs::read(&golden_path).unwrap_or_default();
            let Ok(golden_set) = FileDescriptorSet::decode(&bytes[..]) else {
                out.failures
                    .push(format!("{entry}: golden does not decode"));
                continue;
            };
            for golden in golden_set.file {
                let name = golden.name.clone().unwrap_or_default();
                if !seen.insert(name.clone()) {
                    continue;
                }
                let text = [set, "protobuf"].iter().find_map(|s| {
                    std::fs::read_to_string(root.join(s).join("src").join(&name)).ok()
                });
                let Some(text) = text else {
                    // Imported from protoc's own bundled files, not part of the corpus.
                    out.skipped.push(name);
                    continue;
                };
                out.files += 1;
                compare_file(&name, &text, golden, &mut out);
            }
        }
    }
    out
}

fn compare_file(name: &str, text: &str, mut golden: FileDescriptorProto, out: &mut Outcome) {
    let (ast, parse_diags, map) = protoforge_parse::parse(name, text);
    let Some(ast) = ast else {
        out.failures.push(format!("{name}: no tree"));
        return;
    };
    if let Some(d) = parse_diags.iter().find(|d| d.severity == Severity::Error) {
        out.failures
            .push(format!("{name}: parse error {}", d.render_protoc(&map)));
        return;
    }
    let lowered = lower(name, &ast, map.get(FileId(0)).text(), true, true);
    if let Some(d) = lowered
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        out.failures
            .push(format!("{name}: lowering error {}", d.render_protoc(&map)));
    }
    let mut ours = lowered.file;
    let dropped = strip_source_retention(&mut ours);
    let ours_locs: Vec<Location> = ours
        .source_code_info
        .take()
        .map(|s| s.location)
        .unwrap_or_default()
        .into_iter()
        .filter(|l| !dropped.iter().any(|d| l.path.starts_with(d)))
        .collect();
    let golden_locs = golden
        .source_code_info
        .as_ref()
        .map(|s| s.location.clone())
        .unwrap_or_default();
    match diff_locations(
        &comparable(&ours_locs, true),
        &comparable(&golden_locs, false),
    ) {
        None => out.locations_ok += 1,
        Some(d) => out.failures.push(format!("{name}: {d}")),
    }
    unlink_file(&mut golden, &ours);
    // Compared as text: NaN option values are not equal to themselves.
    let (ours_text, golden_text) = (format!("{ours:#?}"), format!("{golden:#?}"));
    if ours_text == golden_text {
        out.descriptors_ok += 1;
    } else {
        let d = diff_debug(&ours_text, &golden_text);
        out.failures
            .push(format!("{name}: descriptor differs\n{d}"));
    }
}

#[test]
fn corpus_matches_protoc() {
    let out = run_corpus();
    let report = out.failures.join("\n");
    eprintln!(
        "lowered {} files: {} with protoc's locations, {} with protoc's descriptor\n{report}",
        out.files, out.locations_ok, out.descriptors_ok
    );
    assert!(out.files >= 180, "corpus not found: {} files", out.files);
    assert_eq!(out.skipped, ["google/protobuf/java_features.proto"]);
    // Known difference: custom options declared with `retention = RETENTION_SOURCE` are
    // dropped by protoc together with their locations; only option interpretation (which
    // knows the extension's declaration) can drop them, so this file keeps them here.
    let expected_failures = ["google/protobuf/unittest_retention.proto: location"];
    let unexpected: Vec<&String> = out
        .failures
        .iter()
        .filter(|f| !expected_failures.iter().any(|e| f.starts_with(e)))
        .collect();
    assert!(unexpected.is_empty(), "mismatches:\n{report}");
    assert_eq!(out.locations_ok + expected_failures.len(), out.files);
    assert_eq!(
        out.descriptors_ok, out.files,
        "descriptor mismatches:\n{report}"
    );
}

/// The first error parsing and lowering `text` reports, as `line:col` (1-based, like protoc).
fn first_error(text: &str) -> Option<String> {
    let (ast, parse_diags, map) = protoforge_parse::parse("t.proto", text);
    let mut diags = parse_diags;
    if let Some(ast) = ast {
        diags.extend(lower("t.proto", &ast, map.get(FileId(0)).text(), true, true).diagnostics);
    }
    let d = diags.iter().find(|d| d.severity == Severity::Error)?;
    let rendered = d.render_protoc(&map);
    let rest = rendered.strip_prefix("t.proto:")?;
    let mut parts = rest.splitn(3, ':');
    Some(format!("{}:{}", parts.next()?, parts.next()?))
}

#[test]
fn rejects_like_protoc() {
    // Each expected position is where protoc 35.1 reports the (first) error.
    let cases: &[(&str, &str)] = &[
        (
            "syntax = \"proto2\";\nmessage A {\n  int32 x = 1;\n}\n",
            "3:3",
        ),
        (
            "syntax = \"proto3\";\nmessage A {\n  required int32 x = 1;\n}\n",
            "3:12",
        ),
        (
            "syntax = \"proto3\";\nmessage A {\n  optional group G = 1 { }\n}\n",
            "3:12",
        ),
        (
            "syntax = \"proto2\";\nmessage A {\n  repeated map<string, int32> m = 1;\n}\n",
            "3:15",
        ),
        (
            "syntax = \"proto2\";\nmessage A {\n  optional int32 x = 3000000000;\n}\n",
            "3:22",
        ),
        (
            "syntax = \"proto2\";\nmessage A {\n  repeated int32 x = 1 [default = 3];\n}\n",
            "3:35",
        ),
        (
            "syntax = \"proto2\";\nmessage A {\n  optional group G = 1 [default = 3] {}\n}\n",
            "3:35",
        ),
        (
            "syntax = \"proto2\";\nmessage A { extensions 1 to 10; }\nextend A {\n  optional int32 x = 1 [json_name = \"y\"];\n}\n",
            "4:25",
        ),
        (
            "syntax = \"proto2\";\nmessage A {\n  optional int32 x = 1 [default = 3, default = 4];\n}\n",
            "3:38",
        ),
        (
            "syntax = \"proto2\";\nmessage A {\n  optional int32 x = 1 [json_name = \"a\", json_name = \"b\"];\n}\n",
            "3:42",
        ),
        ("edition = \"2025\";\nmessage A {}\n", "1:11"),
        ("edition = \"proto3\";\nmessage A {}\n", "1:11"),
        ("syntax = \"proto4\";\nmessage A {}\n", "1:10"),
        (
            "syntax = \"proto2\";\nmessage A { oneof o { map<string,int32> m = 1; } }\n",
            "2:26",
        ),
        (
            "syntax = \"proto2\";\nmessage A { extensions 1 to 10; }\nextend A { map<string,int32> m = 1; }\n",
            "3:15",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional group g = 1 {} }\n",
            "2:28",
        ),
        (
            "edition = \"2023\";\nmessage A { optional int32 x = 1; }\n",
            "2:13",
        ),
        (
            "edition = \"2023\";\nmessage A { required int32 x = 1; }\n",
            "2:13",
        ),
        (
            "edition = \"2023\";\nmessage A { reserved \"foo\"; }\n",
            "2:22",
        ),
        (
            "syntax = \"proto2\";\nmessage A { reserved foo; }\n",
            "2:22",
        ),
        (
            "syntax = \"proto2\";\nmessage A { option map_entry = true; }\n",
            "2:20",
        ),
        (
            "syntax = \"proto2\";\nenum E { option allow_alias = false; A = 1; }\nmessage B {}\n",
            "3:1",
        ),
        (
            "syntax = \"proto2\";\nenum E { option allow_alias = true; A = 1; B = 2; }\nmessage B {}\n",
            "3:1",
        ),
        ("syntax = \"proto2\";\npackage a;\npackage b;\n", "3:1"),
        (
            "syntax = \"proto2\";\nmessage A { optional uint32 x = 1 [default = -1]; }\n",
            "2:47",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional bool x = 1 [default = 1]; }\n",
            "2:44",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional int32 x = 1 [default = 3000000000]; }\n",
            "2:45",
        ),
        (
            "edition = \"2024\";\nimport weak \"google/protobuf/empty.proto\";\n",
            "2:8",
        ),
        (
            "edition = \"2023\";\nimport option \"google/protobuf/empty.proto\";\n",
            "2:8",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional int32 x = 1 [default = 1.5]; }\n",
            "2:45",
        ),
        ("syntax = \"proto2\";\nenum E { A = 2147483648; }\n", "2:14"),
        (
            "syntax = \"proto2\";\nmessage A { extensions 2147483647; }\n",
            "2:34",
        ),
        (
            "syntax = \"proto2\";\nmessage A { extensions 5 to 2147483647; }\n",
            "2:39",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional string x = 1 [default = 5]; }\n",
            "2:46",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional int32 x = 1 [json_name = 5]; }\n",
            "2:47",
        ),
        (
            "syntax = \"proto2\";\nenum E { A = -2147483649; }\n",
            "2:15",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional int32 x = 1 [default = 9223372036854775808]; }\n",
            "2:45",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional int64 x = 1 [default = -9223372036854775809]; }\n",
            "2:46",
        ),
        (
            "syntax = \"proto2\";\nmessage A { oneof o { optional int32 x = 1; } }\n",
            "2:23",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional int32 x = -1; }\n",
            "2:32",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional float x = 1 [default = foo]; }\n",
            "2:45",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional uint32 x = 1 [default = 4294967296]; }\n",
            "2:46",
        ),
        (
            "edition = \"2023\";\nmessage A { export message B {} }\n",
            "2:28",
        ),
        (
            "syntax = \"proto2\";\nmessage A { local enum B {} }\n",
            "2:13",
        ),
        (
            "syntax = \"proto3\";\nmessage A { local enum B { X = 0; } }\n",
            "2:24",
        ),
        ("edition = \"2023\";\nexport message A {}\n", "2:1"),
        (
            "syntax = \"proto2\";\nmessage M {}\nservice S { rpc A (int32) returns (M); }\n",
            "3:20",
        ),
        (
            "syntax = \"proto2\";\nextend string { optional int32 x = 1; }\n",
            "2:8",
        ),
        // protoc reports these at the token after a number, after `-` or after a `}`, past
        // any comments and line breaks between.
        (
            "syntax = \"proto2\";\nmessage A { extensions 5 to 2147483647 /* c */\n ; }\n",
            "3:2",
        ),
        (
            "syntax = \"proto2\";\nmessage A { extensions 2147483647   to max; }\n",
            "2:37",
        ),
        (
            "syntax = \"proto2\";\nmessage A { extensions 1 to 2, 2147483647 [a=1]; }\n",
            "2:43",
        ),
        (
            "syntax = \"proto2\";\nenum E { option allow_alias = false; A = 1; } // x\n\n  message B {}\n",
            "4:3",
        ),
        (
            "syntax = \"proto2\";\nenum E { option allow_alias = true; A = 1; B = 2; }\n/* end */\n\n",
            "5:1",
        ),
        (
            "syntax = \"proto2\";\nmessage A { optional uint32 x = 1 [default = - /* c */ 1]; }\n",
            "2:56",
        ),
        (
            "syntax = \"proto2\";\nenum E { A = - \n 2147483649; }\n",
            "3:2",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = first_error(text);
        if got.as_deref() != Some(*want) {
            wrong.push(format!("{text:?}: want {want}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn accepts_valid_input_silently() {
    let text = "syntax = \"proto3\";\npackage p;\nmessage A {\n  optional int32 x = 1;\n  map<string, A> m = 2;\n}\n";
    let (ast, _, map) = protoforge_parse::parse("t.proto", text);
    let ast = ast.expect("tree");
    let lowered = lower("t.proto", &ast, map.get(FileId(0)).text(), true, true);
    assert!(lowered.diagnostics.is_empty(), "{:?}", lowered.diagnostics);
    let msg = &lowered.file.message_type[0];
    assert_eq!(msg.oneof_decl[0].name.as_deref(), Some("_x"));
    assert_eq!(msg.field[0].oneof_index, Some(0));
    assert_eq!(msg.nested_type[0].name.as_deref(), Some("MEntry"));
    assert_eq!(msg.field[1].type_name.as_deref(), Some("MEntry"));
}

/// Every file of the corpus sources that parses, accepted or rejected by protoc for other
/// reasons (missing imports, unknown options), lowers without errors: protoc's parser accepts
/// them all.
#[test]
fn corpus_sources_lower_without_errors() {
    let mut files = Vec::new();
    for set in ["protobuf", "grpc"] {
        let mut stack = vec![corpus().join(set).join("src")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "proto") {
                    files.push(p);
                }
            }
        }
    }
    assert!(
        files.len() >= 200,
        "corpus sources not found: {}",
        files.len()
    );
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path.to_string_lossy();
        let (ast, parse_diags, map) = protoforge_parse::parse(&name, &text);
        let Some(ast) = ast else { continue };
        if parse_diags.iter().any(|d| d.severity == Severity::Error) {
            continue;
        }
        for d in lower(&name, &ast, map.get(FileId(0)).text(), true, true).diagnostics {
            if d.severity == Severity::Error {
                problems.push(d.render_protoc(&map));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// protoc's parser accepts 31 nested messages and rejects the 32nd at its keyword.
#[test]
fn nesting_limit_matches_protoc() {
    let nested = |n: usize| {
        let mut s = String::from("syntax = \"proto2\";\n");
        for i in 0..n {
            s.push_str(&format!("{}message M{i} {{\n", "  ".repeat(i)));
        }
        for i in (0..n).rev() {
            s.push_str(&format!("{}}}\n", "  ".repeat(i)));
        }
        s
    };
    assert_eq!(first_error(&nested(31)), None);
    assert_eq!(first_error(&nested(32)).as_deref(), Some("33:63"));
}
