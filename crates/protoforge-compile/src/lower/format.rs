//! Text formats protoc's parser produces while lowering: the text of aggregate option values
//! with comments blanked out, and the names of synthesized map entry messages. (`default_value`
//! strings come from the runtime's `protoforge::__private::c_format`, shared with the text format.)

/// The name protoc gives the entry message of map field `field_name`: camel case plus `Entry`.
pub(crate) fn map_entry_name(field_name: &str) -> String {
    let mut name = protoforge::__private::naming::to_upper_camel(field_name);
    name.push_str("Entry");
    name
}

/// The `aggregate_value` protoc stores for a `{ ... }` option value: the text between the
/// braces as written, except that comments are removed. A line comment disappears (its newline
/// stays), a block comment becomes as many newlines as it spans plus spaces up to the column
/// where it ends, which is how protoc re-pads the tokens it copies. A `#` ends the text: protoc
/// reads everything after it as one comment.
pub(crate) fn aggregate_text(inner: &str) -> String {
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'#' => {
                // protoc's text format parser sees `#` start a comment that runs to the end of
                // the value (its copy of the value does not end the comment at the newline).
                out.push_str(&inner[copied..i]);
                return out;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                out.push_str(&inner[copied..i]);
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                copied = i;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.push_str(&inner[copied..i]);
                let start = i;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                let comment = &inner[start..i];
                let newlines = comment.matches('\n').count();
                if newlines == 0 {
                    out.extend(std::iter::repeat_n(' ', comment.chars().count()));
                } else {
                    out.extend(std::iter::repeat_n('\n', newlines));
                    let last_line = comment.rsplit('\n').next().unwrap_or("");
                    out.extend(std::iter::repeat_n(' ', last_line.chars().count()));
                }
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&inner[copied.min(inner.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_entry_names() {
        assert_eq!(map_entry_name("foo_bar_baz"), "FooBarBazEntry");
        assert_eq!(map_entry_name("_x1y"), "X1yEntry");
        assert_eq!(map_entry_name("map_int32_int32"), "MapInt32Int32Entry");
    }

    #[test]
    fn aggregate_comments_are_blanked() {
        assert_eq!(aggregate_text(" a: 1 // c\n b: 2 "), " a: 1 \n b: 2 ");
        assert_eq!(aggregate_text(" a: /* x */ 1 "), " a:         1 ");
        assert_eq!(
            aggregate_text(" a: \"//\" /* x\n */ 1"),
            " a: \"//\" \n    1"
        );
    }
}
