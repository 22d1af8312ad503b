//! `.proto` comments to rustdoc text. Comments are written for people reading `.proto`
//! files, not for rustdoc, so they are made safe before they become doc attributes: every
//! code block (fenced or indented) becomes a ```` ```text ```` block so rustdoc never compiles
//! it as a doctest, brackets that are not Markdown links are escaped so they are not read as
//! (broken) intra-doc links, `<` that does not open an autolink is escaped so it is not read
//! as an HTML tag, and bare URLs are wrapped in `<...>`. The result passes
//! `cargo doc` with `-D warnings`.

/// The lines of rustdoc text for the comment `text` (each without the leading space the
/// doc attribute adds).
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect();

    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    let mut previous_blank = true;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if let Some(marker) = &fence {
            if line.trim_start().starts_with(marker.as_str()) {
                out.push("```".to_string());
                fence = None;
                previous_blank = false;
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(marker) = fence_marker(trimmed) {
            out.push("```text".to_string());
            fence = Some(marker);
            continue;
        }
        if trimmed.is_empty() {
            out.push(String::new());
            previous_blank = true;
            continue;
        }
        if previous_blank && is_indented_code(line) {
            // An indented code block: this line and the following indented or blank lines,
            // without trailing blank lines.
            let mut end = i;
            while end < lines.len()
                && (lines[end].trim().is_empty() || is_indented_code(lines[end]))
            {
                end += 1;
            }
            while end > i && lines[end - 1].trim().is_empty() {
                end -= 1;
            }
            out.push("```text".to_string());
            for code in std::iter::once(line).chain(lines[i..end].iter().copied()) {
                out.push(strip_code_indent(code).to_string());
            }
            out.push("```".to_string());
            i = end;
            previous_blank = false;
            continue;
        }
        out.push(escape_line(line));
        previous_blank = false;
    }
    if fence.is_some() {
        out.push("```".to_string());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// The clippy lints on Markdown style that `lines` may trip: the comment's author wrote for
/// `.proto` readers, so their list and quote layout and their tabs are not ours to lint.
/// Lines that start no list item or block quote and hold no tab need no allowance.
pub(crate) fn style_lints(lines: &[String]) -> Vec<&'static str> {
    let mut lints = Vec::new();
    if lines.iter().any(|line| line.contains('\t')) {
        lints.push("tabs_in_doc_comments");
    }
    if lines.iter().any(|line| starts_block(line.trim_start())) {
        lints.extend(["doc_lazy_continuation", "doc_overindented_list_items"]);
    }
    lints
}

/// Whether `line` (without indentation) opens a Markdown list item or block quote.
fn starts_block(line: &str) -> bool {
    let bullet = |c: char| matches!(c, '-' | '*' | '+');
    let mut chars = line.chars();
    match chars.next() {
        Some('>') => true,
        Some(c) if bullet(c) => chars.next().is_none_or(char::is_whitespace),
        Some(c) if c.is_ascii_digit() => {
            let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
            let mut rest = rest.chars();
            matches!(rest.next(), Some('.' | ')')) && rest.next().is_none_or(char::is_whitespace)
        }
        _ => false,
    }
}

/// The closing marker if `line` opens a fenced code block (three or more backticks or
/// tildes).
fn fence_marker(line: &str) -> Option<String> {
    for c in ['`', '~'] {
        let run = line.chars().take_while(|&x| x == c).count();
        if run >= 3 {
            return Some(c.to_string().repeat(run));
        }
    }
    None
}

/// Whether `line` is indented enough (four columns) to be part of an indented code block.
fn is_indented_code(line: &str) -> bool {
    line.starts_with('\t') || line.starts_with("    ")
}

/// `line` without the four columns of code block indentation.
fn strip_code_indent(line: &str) -> &str {
    line.strip_prefix('\t')
        .or_else(|| line.strip_prefix("    "))
        .unwrap_or(line.trim_start())
}

/// Escapes one line of Markdown text outside its inline code spans.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        match rest.find('`') {
            Some(start) => {
                out.push_str(&escape_text(&rest[..start]));
                let run = rest[start..].chars().take_while(|&c| c == '`').count();
                let ticks = &rest[start..start + run];
                let after = &rest[start + run..];
                match after.find(ticks) {
                    Some(close) => {
                        out.push_str(ticks);
                        out.push_str(&after[..close + run]);
                        rest = &after[close + run..];
                    }
                    None => {
                        // An unmatched backtick is literal text.
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        rest = after;
                    }
                }
            }
            None => {
                out.push_str(&escape_text(rest));
                rest = "";
            }
        }
    }
    out
}

/// Escapes Markdown text that is not code: brackets outside `[text](url)` links, `<`
/// outside autolinks, and bare URLs.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some(link) = inline_link(rest) {
            out.push_str(&rest[..link]);
            i += link;
            continue;
        }
        if let Some(auto) = autolink(rest) {
            out.push_str(&rest[..auto]);
            i += auto;
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            i += len;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => {
                // Keep an existing escape as it is.
                out.push('\\');
                if let Some(next) = rest[1..].chars().next() {
                    out.push(next);
                    i += next.len_utf8();
                }
            }
            other => out.push(other),
        }
        i += c.len_utf8();
    }
    out
}

/// The length of a Markdown inline link `[text](target)` at the start of `text`, whose
/// text holds no brackets and whose target no spaces.
fn inline_link(text: &str) -> Option<usize> {
    let body = text.strip_prefix('[')?;
    let close = body.find(']')?;
    if body[..close].contains('[') || close == 0 {
        return None;
    }
    let target = body[close + 1..].strip_prefix('(')?;
    let end = target.find(')')?;
    if target[..end].is_empty() || target[..end].contains(char::is_whitespace) {
        return None;
    }
    Some(1 + close + 1 + 1 + end + 1)
}

/// The length of an autolink `<scheme://...>` at the start of `text`.
fn autolink(text: &str) -> Option<usize> {
    let body = text.strip_prefix('<')?;
    if !(body.starts_with("http://") || body.starts_with("https://")) {
        return None;
    }
    let end = body.find('>')?;
    if body[..end].contains(char::is_whitespace) || body[..end].contains('<') {
        return None;
    }
    Some(end + 2)
}

/// The length of the bare URL at the start of `text`: up to whitespace or a delimiter,
/// without trailing punctuation.
fn url_len(text: &str) -> usize {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '[' | ']'))
        .unwrap_or(text.len());
    let mut url = &text[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*']);
        // A closing parenthesis belongs to the URL only if it opened one.
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    url.len()
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn code_blocks_become_text() {
        let text = " Example:\n\n     let x = 1;\n     foo(x);\n\n Done.\n";
        assert_eq!(
            doc_lines(text),
            [
                "Example:",
                "",
                "```text",
                "let x = 1;",
                "foo(x);",
                "```",
                "",
                "Done."
            ]
        );
        let fenced = " ```\n message A {}\n ```\n after";
        assert_eq!(
            doc_lines(fenced),
            ["```text", "message A {}", "```", "after"]
        );
        let unclosed = " ~~~proto\n x";
        assert_eq!(doc_lines(unclosed), ["```text", "x", "```"]);
        // Lazy continuation lines are not code.
        assert_eq!(doc_lines(" a\n     b"), ["a", "    b"]);
    }

    #[test]
    fn brackets_html_and_urls() {
        assert_eq!(
            doc_lines(" see [foo] and a[0]"),
            [r"see \[foo\] and a\[0\]"]
        );
        assert_eq!(
            doc_lines(" a [link](https://x.y/z) `[code]` <b> <https://a.b>"),
            [r"a [link](https://x.y/z) `[code]` &lt;b&gt; <https://a.b>"]
        );
        assert_eq!(
            doc_lines(" go to https://example.com/a_(b). Now"),
            ["go to <https://example.com/a_(b)>. Now"]
        );
        assert_eq!(doc_lines(" (see http://x.y/z)"), ["(see <http://x.y/z>)"]);
        assert_eq!(doc_lines(" a ` b"), [r"a \` b"]);
        assert_eq!(doc_lines(r" keep \[ and \n"), [r"keep \[ and \n"]);
    }
}
