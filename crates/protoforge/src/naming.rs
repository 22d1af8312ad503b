//! protoc's derived names that more than one crate computes: `ToJsonName`, the default
//! `json_name` of a field. One implementation for descriptor pools (reflect) and for the
//! compiler, which writes it into every field it outputs. Not a stable API.

/// protoc's `ToJsonName`: drops every underscore and upper-cases the letter after it
/// (`foo_bar_baz` -> `fooBarBaz`, `_foo` -> `Foo`); everything else is kept as it is.
pub fn to_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_json_name;

    #[test]
    fn json_names_like_protoc() {
        // Expected values from protoc's descriptors (`json_name` of such fields).
        assert_eq!(to_json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(to_json_name("_foo"), "Foo");
        assert_eq!(to_json_name("foo__bar_"), "fooBar");
        assert_eq!(to_json_name("FooBar"), "FooBar");
        assert_eq!(to_json_name("foo_1bar"), "foo1bar");
    }
}
