//! Name conversions and package versions, as buf computes them for its naming rules.

/// The characters buf's case conversions split words on.
fn is_delimiter(c: char) -> bool {
    matches!(c, '.' | '-' | '_' | ' ' | '\t' | '\n' | '\r')
}

/// `PascalCase`: the first letter of each word upper-cased, later letters lower-cased unless
/// already upper-case; delimiters dropped.
pub(crate) fn to_pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous = '\0';
    for (i, c) in s.trim().char_indices() {
        if !is_delimiter(c) {
            if i == 0 || is_delimiter(previous) || c.is_uppercase() {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
        previous = c;
    }
    out
}

/// `lower_snake_case`.
pub(crate) fn to_lower_snake_case(s: &str) -> String {
    to_snake_case(s).to_lowercase()
}

/// `UPPER_SNAKE_CASE`.
pub(crate) fn to_upper_snake_case(s: &str) -> String {
    to_snake_case(s).to_uppercase()
}

/// Whether `to_lower_snake_case(s)` is `s`: answered without building the conversion when `s`
/// is plain ASCII `lower_snake_case` (the common case in real files).
pub(crate) fn is_lower_snake_case(s: &str) -> bool {
    is_plain_snake(s, |b| b.is_ascii_lowercase()) || to_lower_snake_case(s) == s
}

/// Whether `to_upper_snake_case(s)` is `s`, as [`is_lower_snake_case`] for upper case.
pub(crate) fn is_upper_snake_case(s: &str) -> bool {
    is_plain_snake(s, |b| b.is_ascii_uppercase()) || to_upper_snake_case(s) == s
}

/// Letters of one case, digits and single underscores between them: the conversion leaves
/// such a name unchanged (nothing to trim, no underscore to add or merge, no case to change).
fn is_plain_snake(s: &str, letter: fn(&u8) -> bool) -> bool {
    let b = s.as_bytes();
    let (Some(first), Some(last)) = (b.first(), b.last()) else {
        return false;
    };
    *first != b'_'
        && *last != b'_'
        && b.iter()
            .all(|c| letter(c) || c.is_ascii_digit() || *c == b'_')
        && !b.windows(2).any(|w| w == b"__")
}

/// Words split before an upper-case letter that starts a word (followed by a lower-case
/// letter, or preceded by one); delimiters become single underscores. Looks at neighbouring
/// bytes as buf does.
fn to_snake_case(s: &str) -> String {
    let s = s.trim_matches(is_delimiter);
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.char_indices() {
        let c = if is_delimiter(c) { '_' } else { c };
        if i == 0 {
            out.push(c);
            continue;
        }
        let last_is_underscore = out.ends_with('_');
        let next = bytes.get(i + 1).map(|&b| char::from(b));
        let next_starts_word = next.is_some_and(|n| {
            i < bytes.len() - 1 && !(n.is_uppercase() || n.is_ascii_digit()) && !is_delimiter(n)
        });
        let prev_lower = bytes
            .get(i - 1)
            .is_some_and(|&b| char::from(b).is_lowercase());
        if c.is_uppercase() && !last_is_underscore && (next_starts_word || prev_lower) {
            out.push('_');
            out.push(c);
        } else if !(c == '_' && last_is_underscore) {
            out.push(c);
        }
    }
    out
}

/// How stable a package version is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Stability {
    Stable,
    Alpha,
    Beta,
    Test,
}

/// The stability of the version a package ends in (`foo.v1`, `foo.v1beta1`, `foo.v2test`,
/// `foo.v1p1alpha1`); `None` when it has no well-formed version.
pub(crate) fn package_version(pkg: &str) -> Option<Stability> {
    let parts: Vec<&str> = pkg.split('.').collect();
    if parts.len() < 2 {
        return None;
    }
    let component = parts[parts.len() - 1];
    let version = component.strip_prefix('v')?;
    if version.is_empty() {
        return None;
    }
    if let Some((major, _)) = version.split_once("test") {
        number(major, 1)?;
        return Some(Stability::Test);
    }
    let (level, stability) = match (version.contains("alpha"), version.contains("beta")) {
        (false, false) => {
            number(version, 1)?;
            return Some(Stability::Stable);
        }
        (true, false) => ("alpha", Stability::Alpha),
        (false, true) => ("beta", Stability::Beta),
        (true, true) => return None,
    };
    let (head, minor) = version.split_once(level)?;
    if !minor.is_empty() {
        number(minor, 1)?;
    }
    match head.split_once('p') {
        Some((major, patch)) => {
            number(major, 1)?;
            number(patch, 1)?;
        }
        None => {
            number(head, 1)?;
        }
    }
    Some(stability)
}

/// `s` as a 32-bit number of at least `min` (Go's `strconv.ParseInt` rules: optional sign).
fn number(s: &str, min: i64) -> Option<i64> {
    let v: i32 = s.parse().ok()?;
    (i64::from(v) >= min).then_some(i64::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_checks_agree_with_the_conversions() {
        // Every string of up to five characters over letters of both cases, a digit and
        // delimiters, against comparing with the conversion.
        let alphabet = ['a', 'B', '0', '_', '.', 'é'];
        let mut words = vec![String::new()];
        let mut last = words.clone();
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        assert_eq!(words.len(), 9331);
        for w in &words {
            assert_eq!(
                is_lower_snake_case(w),
                to_lower_snake_case(w) == *w,
                "{w:?}"
            );
            assert_eq!(
                is_upper_snake_case(w),
                to_upper_snake_case(w) == *w,
                "{w:?}"
            );
        }
    }

    #[test]
    fn cases() {
        assert_eq!(to_pascal_case("foo_bar"), "FooBar");
        assert_eq!(to_pascal_case("fooBAR"), "FooBAR");
        assert_eq!(to_pascal_case("bar"), "Bar");
        assert_eq!(to_lower_snake_case("Baz"), "baz");
        assert_eq!(to_lower_snake_case("fooBar"), "foo_bar");
        assert_eq!(to_lower_snake_case("HTTPServer"), "http_server");
        assert_eq!(to_lower_snake_case("foo__bar"), "foo_bar");
        assert_eq!(to_upper_snake_case("FooBar"), "FOO_BAR");
        assert_eq!(to_upper_snake_case("Foo2Bar"), "FOO2_BAR");
    }

    #[test]
    fn versions() {
        assert_eq!(package_version("foo.v1"), Some(Stability::Stable));
        assert_eq!(package_version("foo.v1beta1"), Some(Stability::Beta));
        assert_eq!(package_version("foo.v1p1alpha1"), Some(Stability::Alpha));
        assert_eq!(package_version("foo.v2test"), Some(Stability::Test));
        assert_eq!(package_version("foo.v0"), None);
        assert_eq!(package_version("v1"), None);
        assert_eq!(package_version("foo.bar"), None);
    }
}
