//! Text edits and reads of `bench codegen`: counting generated lines, making prost-build's
//! include file relative, moving a `.proto` copy into its own package, and the cause of a
//! failed cargo run.

/// Lines as `wc -l` counts them, plus a last line without its newline.
pub(super) fn count_lines(text: &str) -> u64 {
    let newlines = text.bytes().filter(|&b| b == b'\n').count() as u64;
    newlines + u64::from(!text.is_empty() && !text.ends_with('\n'))
}

/// prost-build's include file names `concat!(env!("OUT_DIR"), "/x.rs")`; the copy beside the
/// files needs `"x.rs"`.
pub(super) fn relative_includes(text: &str) -> String {
    text.replace("include!(concat!(env!(\"OUT_DIR\"), \"/", "include!(\"")
        .replace(".rs\"));", ".rs\");")
}

/// A copy of a `.proto` text moved under `copyN/` into package `copyN.<package>`: imports of
/// `files` get the directory, the package statement the prefix, and references to
/// `google.protobuf.*` (which stays where it is) become fully qualified, so the new first
/// package component does not capture them.
pub(super) fn rename_package(text: &str, n: usize, files: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("package ") {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(&format!("{indent}package copy{n}.{}", rest.trim_start()));
        } else if trimmed.starts_with("import ") {
            let mut l = line.to_string();
            for f in files {
                l = l.replace(&format!("\"{f}\""), &format!("\"copy{n}/{f}\""));
            }
            out.push_str(&l);
        } else {
            out.push_str(&qualify(line, "google.protobuf."));
        }
    }
    out
}

/// `name` at the start of a dotted name in `line` gets a leading `.`.
fn qualify(line: &str, name: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let starts_name =
            !matches!(before, Some(c) if c == '.' || c == '/' || c == '_' || c.is_alphanumeric());
        out.push_str(&rest[..at]);
        if starts_name {
            out.push('.');
        }
        out.push_str(name);
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

/// The first error line of cargo's output and the build script's last stderr line.
pub(super) fn first_error(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    let error = lines.iter().find(|l| l.starts_with("error"))?;
    let detail = lines
        .iter()
        .rev()
        .find(|l| !l.is_empty() && !l.starts_with("error") && !l.starts_with("warning"));
    Some(match detail {
        Some(d) => format!("{error} ({d})"),
        None => error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_as_wc_does_plus_an_unterminated_last() {
        assert_eq!(count_lines(""), 0);
        assert_eq!(count_lines("a\n"), 1);
        assert_eq!(count_lines("a\nb"), 2);
        assert_eq!(count_lines("\n\n"), 2);
    }

    #[test]
    fn prost_include_files_become_relative() {
        let text = "pub mod a {\n    include!(concat!(env!(\"OUT_DIR\"), \"/a.b.rs\"));\n}\n";
        assert_eq!(
            relative_includes(text),
            "pub mod a {\n    include!(\"a.b.rs\");\n}\n"
        );
        let ours = "pub mod a { include!(\"a.rs\"); }\n";
        assert_eq!(relative_includes(ours), ours);
    }

    #[test]
    fn copies_get_their_own_package_path_and_qualified_well_known_types() {
        let files = vec!["a/b.proto".to_string()];
        let text = "syntax = \"proto3\";\npackage a.v1;\nimport \"a/b.proto\";\n\
                    import \"google/protobuf/any.proto\";\n\
                    message M { google.protobuf.Any x = 1; .google.protobuf.Any y = 2; \
                    my_google.protobuf.X z = 3; }\n";
        assert_eq!(
            rename_package(text, 2, &files),
            "syntax = \"proto3\";\npackage copy2.a.v1;\nimport \"copy2/a/b.proto\";\n\
             import \"google/protobuf/any.proto\";\n\
             message M { .google.protobuf.Any x = 1; .google.protobuf.Any y = 2; \
             my_google.protobuf.X z = 3; }\n"
        );
    }

    #[test]
    fn cargo_errors_keep_the_cause() {
        let stderr = "   Compiling x\nerror: failed to run custom build command for `gen`\n\
                      --- stderr\nError: protoc failed: foo.proto: not found\n";
        assert_eq!(
            first_error(stderr).as_deref(),
            Some(
                "error: failed to run custom build command for `gen` \
                 (Error: protoc failed: foo.proto: not found)"
            )
        );
    }
}
