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

/// How a list of findings is printed: buf's `--error-format` values (lint's
/// `config-ignore-yaml` is the command line's, since it depends on the modules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorFormat {
    /// `path:line:column:message`, one per line.
    Text,
    /// One JSON object per line.
    Json,
    /// `path(line,column) : error RULE : message`, one per line.
    Msvs,
    /// A JUnit XML report, one test suite per file.
    Junit,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    GithubActions,
    /// A GitLab code quality report (one JSON array).
    GitlabCodeQuality,
}

impl ErrorFormat {
    /// The format buf calls `name` (`text`, `json`, `msvs`, `junit`, `github-actions`,
    /// `gitlab-code-quality`).
    pub fn from_name(name: &str) -> Option<ErrorFormat> {
        Some(match name {
            "text" => ErrorFormat::Text,
            "json" => ErrorFormat::Json,
            "msvs" => ErrorFormat::Msvs,
            "junit" => ErrorFormat::Junit,
            "github-actions" => ErrorFormat::GithubActions,
            "gitlab-code-quality" => ErrorFormat::GitlabCodeQuality,
            _ => return None,
        })
    }
}

/// `findings` printed as buf prints them in `format`, byte for byte; nothing when there are
/// none.
pub fn render(findings: &[Finding], format: ErrorFormat) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let per_line =
        |line: fn(&Finding) -> String| findings.iter().map(|f| line(f) + "\n").collect::<String>();
    match format {
        ErrorFormat::Text => per_line(Finding::to_text),
        ErrorFormat::Json => per_line(Finding::to_json),
        ErrorFormat::Msvs => per_line(Finding::to_msvs),
        ErrorFormat::GithubActions => per_line(Finding::to_github_actions),
        ErrorFormat::Junit => junit(findings),
        ErrorFormat::GitlabCodeQuality => {
            let issues: Vec<String> = findings.iter().map(Finding::to_gitlab_issue).collect();
            format!("[{}]\n", issues.join(","))
        }
    }
}

/// `findings` in buf's text format, one per line, without a newline after the last: what an
/// error holding them displays.
pub(crate) fn text_lines(findings: &[Finding]) -> String {
    let text = render(findings, ErrorFormat::Text);
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

/// `list`, whose paths are relative to the root of module `module` (a directory of the
/// workspace), with paths relative to the workspace.
pub(crate) fn in_module(mut list: Vec<Finding>, module: &std::path::Path) -> Vec<Finding> {
    if module.as_os_str() != "." {
        for f in &mut list {
            f.path = format!("{}/{}", module.to_string_lossy(), f.path);
        }
    }
    list
}

impl Finding {
    /// The file as buf shows it: `<input>` for a finding without one.
    fn shown_path(&self) -> &str {
        if self.path.is_empty() {
            "<input>"
        } else {
            &self.path
        }
    }

    /// The finding as buf's text format prints it: `path:line:column:message`, with
    /// `<input>` for a finding without a file.
    pub fn to_text(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.shown_path(),
            self.start_line,
            self.start_column,
            self.message
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

    /// The finding as buf's `msvs` format prints it, without the newline.
    pub fn to_msvs(&self) -> String {
        format!(
            "{}({},{}) : error {} : {}",
            self.shown_path(),
            self.start_line,
            self.start_column,
            self.rule,
            self.message
        )
    }

    /// The finding as a GitHub Actions `::error` command, without the newline; a finding
    /// without a file has no position.
    pub fn to_github_actions(&self) -> String {
        let mut out = format!("::error file={}", self.shown_path());
        if !self.path.is_empty() {
            out.push_str(&format!(
                ",line={},col={},endLine={},endColumn={}",
                self.start_line, self.start_column, self.end_line, self.end_column
            ));
        }
        out.push_str("::");
        out.push_str(&self.message);
        out
    }

    /// The finding as one issue of a GitLab code quality report. Its fingerprint is the
    /// SHAKE256 digest (64 bytes) of the issue's JSON without the fingerprint, as buf's is,
    /// so that GitLab matches the same finding across buf and protoforge runs.
    fn to_gitlab_issue(&self) -> String {
        let position = |line: u32, column: u32| {
            if self.path.is_empty() {
                "{}".to_string()
            } else {
                format!("{{\"line\":{line},\"column\":{column}}}")
            }
        };
        let mut location = String::from("{");
        if !self.path.is_empty() {
            location.push_str("\"path\":");
            push_json_string(&mut location, &self.path);
            location.push(',');
        }
        location.push_str(&format!(
            "\"positions\":{{\"begin\":{},\"end\":{}}}}}",
            position(self.start_line, self.start_column),
            position(self.end_line, self.end_column)
        ));
        let mut head = String::from("{\"description\":");
        push_json_string(&mut head, &self.message);
        head.push_str(",\"check_name\":");
        push_json_string(&mut head, self.rule);
        let tail = format!("\"location\":{location},\"severity\":\"minor\"}}");
        let fingerprint = shake256_hex(format!("{head},{tail}").as_bytes());
        format!("{head},\"fingerprint\":\"{fingerprint}\",{tail}")
    }
}

/// A JUnit report of `findings`, as buf writes it: one test suite per file (in the order the
/// files first appear, named by the path less `.proto`), one failing test case per finding.
fn junit(findings: &[Finding]) -> String {
    let mut files: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in findings {
        match files.iter_mut().find(|(p, _)| *p == f.path) {
            Some((_, list)) => list.push(f),
            None => files.push((&f.path, vec![f])),
        }
    }
    let mut out = String::from("<testsuites>\n");
    for (_, list) in files {
        let name = list[0].shown_path();
        let name = name.strip_suffix(".proto").unwrap_or(name);
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">\n",
            xml_escape(name),
            n = list.len()
        ));
        for f in list {
            let mut case = f.rule.to_string();
            if !f.path.is_empty() {
                case.push_str(&format!("_{}_{}", f.start_line, f.start_column));
            }
            out.push_str(&format!(
                "    <testcase name=\"{}\">\n      <failure message=\"{}\" type=\"{}\"></failure>\n    </testcase>\n",
                xml_escape(&case),
                xml_escape(&f.to_text()),
                xml_escape(f.rule)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// `s` escaped for an XML attribute as Go's `encoding/xml` escapes it.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// The SHAKE256 digest of `data` (FIPS 202: Keccak-f[1600], rate 136 bytes, domain bits
/// `1111`), 64 bytes, in lowercase hex.
fn shake256_hex(data: &[u8]) -> String {
    const RATE: usize = 136;
    let mut state = [0u64; 25];
    let mut digest = [0u8; 64];
    keccak::Keccak::new().with_f1600(|permute| {
        let absorb = |state: &mut [u64; 25], block: &[u8; RATE]| {
            for (lane, bytes) in state.iter_mut().zip(block.chunks_exact(8)) {
                let mut word = [0u8; 8];
                word.copy_from_slice(bytes);
                *lane ^= u64::from_le_bytes(word);
            }
            permute(state);
        };
        let mut blocks = data.chunks_exact(RATE);
        for block in &mut blocks {
            absorb(&mut state, block.try_into().expect("a whole block"));
        }
        let rest = blocks.remainder();
        let mut last = [0u8; RATE];
        last[..rest.len()].copy_from_slice(rest);
        last[rest.len()] ^= 0x1f;
        last[RATE - 1] ^= 0x80;
        absorb(&mut state, &last);
    });
    for (bytes, lane) in digest.chunks_exact_mut(8).zip(state) {
        bytes.copy_from_slice(&lane.to_le_bytes());
    }
    digest.iter().map(|b| format!("{b:02x}")).collect()
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
    fn shake256_matches_fips_202() {
        // SHAKE256("") and SHAKE256 of 200 bytes of 0xa3 (two blocks), 64 bytes of output, from
        // Python's hashlib.
        assert_eq!(
            super::shake256_hex(b""),
            "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f\
             d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"
        );
        assert_eq!(
            super::shake256_hex(&[0xa3; 200]),
            "cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d\
             2d700caae7396ece96604440577da4f3aa22aeb8857f961c4cd8e06f0ae6610b"
        );
    }

    #[test]
    fn gitlab_fingerprints_are_bufs() {
        // buf 1.75's report for this finding (`buf lint --error-format=gitlab-code-quality`).
        let f = Finding {
            rule: "PACKAGE_DEFINED",
            path: "new/a.proto".to_string(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            message: "Files must have a package defined.".to_string(),
        };
        assert_eq!(
            super::render(&[f], super::ErrorFormat::GitlabCodeQuality),
            "[{\"description\":\"Files must have a package defined.\",\"check_name\":\"PACKAGE_DEFINED\",\
             \"fingerprint\":\"9c5e43e04cbac3ca5873c43128c63bad7e0032f2bb9b4eb8f5da649d4970d0c3\
             ad0f791707c4f9b4c84cee3183614f0ac7ddb5e57d4520cab8a847c3fdaf581e\",\"location\":\
             {\"path\":\"new/a.proto\",\"positions\":{\"begin\":{\"line\":1,\"column\":1},\
             \"end\":{\"line\":1,\"column\":1}}},\"severity\":\"minor\"}]\n"
        );
    }

    #[test]
    fn a_finding_without_a_file_has_no_path() {
        let f = finding("", "gone");
        assert_eq!(f.to_text(), "<input>:3:1:gone");
        assert!(f.to_json().starts_with("{\"start_line\":3,"));
    }
}
