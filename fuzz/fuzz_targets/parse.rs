//! Fuzz target: arbitrary bytes, read as text, never make the parser panic or overflow the
//! stack, and every diagnostic renders in both forms. Deep nesting is bounded by the lexer.
//! (A stable, deterministic version runs as `crates/protoforge-parse/tests/fuzz_smoke.rs`.)

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_tree, diags, map) = protoforge_parse::parse("fuzz.proto", &text);
    for d in &diags {
        let _ = d.render_protoc(&map);
        let _ = d.render_rich(&map, false);
    }
});
