//! A deterministic stand-in for the `fuzz/` parse target that runs on stable: mutated
//! corpus files, random bytes and pathological nesting must never panic or overflow the
//! stack, must yield diagnostics that render, and deep nesting must be reported.

use std::path::Path;

/// A small xorshift generator, so runs are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    ";",
    "=",
    ".",
    ",",
    ":",
    "-",
    "/",
    "\"",
    "'",
    "/*",
    "*/",
    "//",
    "\n",
    "message",
    "enum",
    "option",
    "group",
    "map",
    "stream",
    "max",
    "to",
    "reserved",
    "extend",
    "oneof",
    "rpc",
    "returns",
    "0x",
    "1e",
    "99999999999999999999",
    "\\u12",
    "\\x",
    "é",
    "\t",
    "inf",
    "-inf",
];

fn check(text: &str) {
    let (_tree, diags, map) = protoforge_parse::parse("fuzz.proto", text);
    for d in &diags {
        let line = d.render_protoc(&map);
        assert!(!line.contains("internal error"), "{line}");
        let _ = d.render_rich(&map, false);
    }
}

#[test]
fn mutated_corpus_files_never_panic() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors/protobuf/src");
    let names = [
        "google/protobuf/descriptor.proto",
        "google/protobuf/unittest.proto",
        "google/protobuf/unittest_custom_options.proto",
        "google/protobuf/unittest_features.proto",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for name in names {
        let text = std::fs::read_to_string(root.join(name)).expect("corpus file");
        for _ in 0..60 {
            let mut t: Vec<u8> = text.clone().into_bytes();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(t.len());
                match rng.below(4) {
                    0 => {
                        let end = (at + rng.below(40)).min(t.len());
                        t.drain(at..end);
                    }
                    1 => {
                        let p = PIECES[rng.below(PIECES.len())];
                        t.splice(at..at, p.bytes());
                    }
                    2 => t.truncate(at),
                    _ => {
                        let end = (at + rng.below(200)).min(t.len());
                        let copy = t[at..end].to_vec();
                        t.splice(at..at, copy);
                    }
                }
            }
            check(&String::from_utf8_lossy(&t));
        }
    }
}

#[test]
fn random_token_soup_never_panics() {
    let mut rng = Rng(12345);
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..rng.below(80) {
            s.push_str(PIECES[rng.below(PIECES.len())]);
            s.push(' ');
        }
        check(&s);
        let bytes: Vec<u8> = (0..rng.below(100)).map(|_| rng.next() as u8).collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_bounded_with_a_diagnostic() {
    let n = 100_000;
    let inputs = [
        "message A {".repeat(n),
        format!(
            "syntax = \"proto2\"; message A {{ {} }}",
            "optional group G = 1 {".repeat(n)
        ),
        format!("option (x) = {};", "{ a ".repeat(n)),
        format!("option (x) = {{ a: {} }};", "[".repeat(n)),
        "(".repeat(n),
        "<".repeat(n),
    ];
    for text in &inputs {
        let (_tree, diags, _) = protoforge_parse::parse("deep.proto", text);
        assert!(
            diags.iter().any(|d| d.message.contains("nest")),
            "no nesting diagnostic: {:?}",
            diags.first()
        );
    }
}
