//! [`Finding`]: one problem a check reports, located as buf locates it; shared by `lint` and
//! `breaking`.

/// One problem found, located like buf locates it (1-based lines and columns; the end column
/// is one past the last character). Findings without a place in the file are at 1:1; breaking
/// findings with no place in the current files (a deleted file) have an empty `path`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The rule id, e.g. `FIELD_LOWER_SNAKE_CASE`.
    pub rule: &'static str,
    /// The file, relative to the module root ([`crate::lint::lint`], [`crate::breaking::check`])
    /// or to the directory linted ([`crate::lint::lint_dir`]).
    pub path: String,
    /// First line.
    pub start_line: u32,
    /// First column.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// One past the last column.
    pub end_column: u32,
    /// What is wrong, as buf words it.
    pub message: String,
}

impl Finding {
    /// The finding as buf's text format prints it: `path:line:column:message`, with
    /// `<input>` for a finding without a file.
    pub fn to_text(&self) -> String {
        let path = if self.path.is_empty() {
            "<input>"
        } else {
            &self.path
        };
        format!(
            "{path}:{}:{}:{}",
            self.start_line, self.start_column, self.message
        )
    }

    /// The finding as one line of buf's JSON format (`--error-format=json`), without the
    /// newline; `path` is left out for a finding without a file.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        if !self.path.is_empty() {
            out.push_str("\"path\":");
            push_json_string(&mut out, &self.path);
            out.push(',');
        }
        out.push_str(&format!(
            "\"start_line\":{},\"start_column\":{},\"end_line\":{},\"end_column\":{},\"type\":",
            self.start_line, self.start_column, self.end_line, self.end_column
        ));
        push_json_string(&mut out, self.rule);
        out.push_str(",\"message\":");
        push_json_string(&mut out, &self.message);
        out.push('}');
        out
    }
}

/// Appends `s` as a JSON string, escaped as Go's `encoding/json` escapes it (`<`, `>`, `&`,
/// U+2028 and U+2029 too), since buf's JSON output is compared byte for byte.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::Finding;

    fn finding(path: &str, message: &str) -> Finding {
        Finding {
            rule: "COMPILE",
            path: path.to_string(),
            start_line: 3,
            start_column: 1,
            end_line: 3,
            end_column: 24,
            message: message.to_string(),
        }
    }

    #[test]
    fn json_escapes_like_go() {
        assert_eq!(
            finding("a.proto", "a\"<b>&\n\u{1}").to_json(),
            "{\"path\":\"a.proto\",\"start_line\":3,\"start_column\":1,\"end_line\":3,\
             \"end_column\":24,\"type\":\"COMPILE\",\"message\":\"a\\\"\\u003cb\\u003e\\u0026\\n\\u0001\"}"
        );
    }

    #[test]
    fn a_finding_without_a_file_has_no_path() {
        let f = finding("", "gone");
        assert_eq!(f.to_text(), "<input>:3:1:gone");
        assert!(f.to_json().starts_with("{\"start_line\":3,"));
    }
}
