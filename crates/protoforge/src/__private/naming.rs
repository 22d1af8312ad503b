//! protoc's derived names that more than one crate computes: `ToJsonName`, the default
//! `json_name` of a field, and `ToCamelCase`, which names map entry messages. One implementation for descriptor pools (reflect) and for the
//! compiler, which writes it into every field it outputs. Not a stable API.

/// protoc's `ToJsonName`: drops every underscore and upper-cases the letter after it
/// (`foo_bar_baz` -> `fooBarBaz`, `_foo` -> `Foo`); everything else is kept as it is.
pub fn to_json_name(name: &str) -> String {
    camel_case(name, false)
}

/// protoc's `ToCamelCase` with an upper-case first letter, as map entry names use it
/// (`foo_bar` -> `FooBar`); otherwise like [`to_json_name`].
pub fn to_upper_camel(name: &str) -> String {
    camel_case(name, true)
}

/// Drops underscores and upper-cases the letter after each (and the first when `upper_first`).
fn camel_case(name: &str, upper_first: bool) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = upper_first;
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
    use super::{to_json_name, to_upper_camel};

    #[test]
    fn json_names_like_protoc() {
        // Expected values from protoc's descriptors (`json_name` of such fields).
        assert_eq!(to_json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(to_json_name("_foo"), "Foo");
        assert_eq!(to_json_name("foo__bar_"), "fooBar");
        assert_eq!(to_json_name("FooBar"), "FooBar");
        assert_eq!(to_json_name("foo_1bar"), "foo1bar");
        assert_eq!(to_upper_camel("foo_bar_baz"), "FooBarBaz");
        assert_eq!(to_upper_camel("_x1y"), "X1y");
    }
}
