//! `format_source` on broken and truncated input: an answer or an error, never a panic, and
//! whatever it formats formats to itself again.

use protoforge_check::format::format_source;

/// The offset after the character at `at`.
fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(0, char::len_utf8)
}

#[test]
fn truncated_and_mangled_files_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors");
    let files = [
        "protobuf/src/google/protobuf/unittest_custom_options.proto",
        "grpc/src/grpc/health/v1/health.proto",
    ];
    let mut formatted = 0;
    for f in files {
        let text = std::fs::read_to_string(root.join(f)).expect("read corpus file");
        let cuts = (0..text.len())
            .step_by(61)
            .filter(|&i| text.is_char_boundary(i));
        for cut in cuts {
            for variant in [
                text[..cut].to_string(),
                format!("{}{}", &text[..cut], &text[next_char(&text, cut)..]),
                format!("{}\"é\\é/*{}", &text[..cut], &text[cut..]),
            ] {
                if let Ok(out) = format_source(f, &variant) {
                    formatted += 1;
                    assert_eq!(
                        format_source(f, &out).as_deref(),
                        Ok(out.as_str()),
                        "{f} at {cut}"
                    );
                }
            }
        }
    }
    assert!(formatted > 0);
}
