//! The parser driver: runs the lexer and the generated lalrpop parser, turns lalrpop's
//! errors into readable diagnostics, and holds the small helpers the grammar's actions call.

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::{
    self, Comments, CompactOptions, Field, FieldKind, Ident, IntLit, Range, RangeEnd, TypeName,
    TypeRef, Value, ValueKind,
};
use crate::diagnostic::Diagnostic;
use crate::lexer::{self, Tok};
use crate::span::{FileId, Span};

lalrpop_util::lalrpop_mod!(
    #[allow(
        clippy::all,
        missing_docs,
        unused_parens,
        unused_qualifications,
        dead_code
    )]
    grammar
);

/// The statement list an error was recovered in, for the wording of its message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rec {
    File,
    Message,
    Oneof,
    Extend,
    Enum,
    Service,
    Method,
}

/// The span `l..r` in `file`.
pub(crate) fn sp(file: FileId, l: u32, r: u32) -> Span {
    Span::new(file, l, r)
}

/// Parses one file: tokens, tree, then (when `comments` is set) comments.
pub(crate) fn parse_file(
    file: FileId,
    source: &str,
    comments: bool,
) -> (Option<ast::File>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let lexed = lexer::lex(file, source, &mut diags);
    let end = source.len() as u32;
    let mut tokens = lexed.tokens;
    let positions: Vec<(u32, u32)> = tokens.iter().map(|(l, _, r)| (*l, *r)).collect();
    if !lexed.hashes.is_empty() {
        let keep = lexer::hash_comments(file, &tokens, &lexed.hashes, &mut diags);
        let mut kept = keep.iter();
        tokens.retain(|_| kept.next().copied().unwrap_or(true));
    }
    let mut parse_diags = Vec::new();
    let result = grammar::FileParser::new().parse(
        file,
        &mut parse_diags,
        tokens.into_iter().map(Ok::<_, ()>),
    );
    let tree = match result {
        Ok(mut f) => {
            f.span = sp(file, 0, end);
            if let Some(ast::FileItem::Enum(e)) = f.items.last_mut()
                && positions.last().is_some_and(|&(_, r)| r == e.span.end)
            {
                // No token follows the file's last enum: protoc's next token is the end of
                // the text (after any trailing comments and whitespace).
                e.next_token = sp(file, end, end);
            }
            Some(*f)
        }
        Err(e) => {
            if !lexed.truncated {
                parse_diags.push(error_diag(file, Rec::File, &e));
            }
            None
        }
    };
    if lexed.truncated {
        // The lexer stopped early and said why; "unexpected end of file" would only echo it.
        parse_diags.retain(|d| d.span.is_none_or(|s| s.start != EOF_MARK));
    }
    for d in parse_diags.iter_mut() {
        if let Some(span) = d.span.as_mut()
            && span.start == EOF_MARK
        {
            *span = sp(file, end, end);
        }
    }
    parse_diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
    // One syntax error per statement: an error is kept only when a `;`, `{` or `}` was
    // passed since the previous kept one (later ones are usually echoes of the first).
    let mut kept: Vec<Diagnostic> = Vec::new();
    let mut last: Option<u32> = None;
    for d in parse_diags {
        let at = d.span.map_or(0, |s| s.start);
        let fresh = match last {
            None => true,
            Some(prev) => {
                let i = positions.partition_point(|t| t.0 < prev);
                positions[i..].iter().take_while(|t| t.0 < at).any(|t| {
                    matches!(
                        source.as_bytes().get(t.0 as usize),
                        Some(b';' | b'{' | b'}')
                    )
                })
            }
        };
        if fresh {
            last = Some(at);
            kept.push(d);
        }
    }
    for d in kept.iter_mut() {
        name_what_was_expected(d, source, &positions);
    }
    if diags
        .iter()
        .chain(&kept)
        .any(|d| d.message.starts_with(NEGATIVE_IDENT))
    {
        let defaults = negated_defaults(source, &positions);
        for d in diags.iter_mut().chain(kept.iter_mut()) {
            place_negative_ident(d, &positions, &defaults);
        }
    }
    diags.extend(kept);
    if let Some(f) = &tree {
        crate::checks::check(f, &mut diags);
    }
    diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
    let tree = tree.map(|mut f| {
        if comments {
            crate::comments::attach(source, &positions, &mut f);
        }
        f
    });
    (tree, diags)
}

/// The offsets of the words negated in `default = -word` (protoc checks a default value's
/// sign and word itself, and reports a bad one at the word), found from the tokens' text.
fn negated_defaults(source: &str, positions: &[(u32, u32)]) -> Vec<usize> {
    let text = |&(l, r): &(u32, u32)| source.get(l as usize..r as usize).unwrap_or("");
    positions
        .windows(4)
        .filter(|w| text(&w[0]) == "default" && text(&w[1]) == "=" && text(&w[2]) == "-")
        .map(|w| w[3].0 as usize)
        .collect()
}

/// Puts "identifier after `-` must be `inf` or `nan`" where protoc reports it: at the token
/// after the word in an option value (protoc has read the word when it checks it), at the word
/// itself in a `default` value.
fn place_negative_ident(d: &mut Diagnostic, positions: &[(u32, u32)], defaults: &[usize]) {
    if !d.message.starts_with(NEGATIVE_IDENT) {
        return;
    }
    let (Some(span), Some(word)) = (d.span.as_mut(), d.labels.first().map(|l| l.span)) else {
        return;
    };
    if defaults.contains(&(word.start as usize)) {
        *span = word.shrink_to_lo();
        return;
    }
    let next = positions.partition_point(|t| t.0 < word.end);
    if let Some(&(start, _)) = positions.get(next) {
        *span = Span::new(span.file, start, start);
    }
}

/// Rewords "expected identifier" after a keyword that introduces a name, such as
/// `message {` becoming "expected message name".
fn name_what_was_expected(d: &mut Diagnostic, source: &str, positions: &[(u32, u32)]) {
    let Some(rest) = d.message.strip_prefix("expected identifier,") else {
        return;
    };
    let Some(span) = d.span else {
        return;
    };
    let i = positions.partition_point(|t| t.0 < span.start);
    let Some(prev) = i.checked_sub(1).and_then(|k| positions.get(k)) else {
        return;
    };
    let prev_text = source.get(prev.0 as usize..prev.1 as usize).unwrap_or("");
    let what = match prev_text {
        "message" => "message name",
        "enum" => "enum name",
        "service" => "service name",
        "oneof" => "oneof name",
        "rpc" => "method name",
        "package" => "package name",
        "extend" => "type name",
        "group" => "group name",
        _ => return,
    };
    d.message = format!("expected {what},{rest}");
}

/// Stands for "the end of the file" in spans made before the file's length is known.
const EOF_MARK: u32 = u32::MAX;

/// Records a recovered error and yields no statement.
pub(crate) fn recovered<T>(
    file: FileId,
    rec: Rec,
    e: ErrorRecovery<u32, Tok<'_>, ()>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    diags.push(error_diag(file, rec, &e.error));
    None
}

/// Describes a token for "found ..." wording.
fn describe(tok: &Tok<'_>) -> String {
    match tok {
        Tok::Ident(s) => format!("identifier `{s}`"),
        Tok::Int(v) => format!("integer `{v}`"),
        Tok::BigInt(_) => "integer".to_string(),
        Tok::Float(_) => "number".to_string(),
        Tok::Str(_) => "string".to_string(),
        other => format!("`{}`", token_text(other)),
    }
}

/// The text of a keyword or symbol token.
pub(crate) fn token_text(tok: &Tok<'_>) -> &'static str {
    match tok {
        Tok::Syntax => "syntax",
        Tok::Edition => "edition",
        Tok::Package => "package",
        Tok::Import => "import",
        Tok::Public => "public",
        Tok::Weak => "weak",
        Tok::Option => "option",
        Tok::Message => "message",
        Tok::Enum => "enum",
        Tok::Service => "service",
        Tok::Extend => "extend",
        Tok::Rpc => "rpc",
        Tok::Returns => "returns",
        Tok::Stream => "stream",
        Tok::Oneof => "oneof",
        Tok::Map => "map",
        Tok::Group => "group",
        Tok::Optional => "optional",
        Tok::Required => "required",
        Tok::Repeated => "repeated",
        Tok::Extensions => "extensions",
        Tok::Reserved => "reserved",
        Tok::To => "to",
        Tok::Max => "max",
        Tok::Export => "export",
        Tok::Local => "local",
        Tok::Semi => ";",
        Tok::Comma => ",",
        Tok::Dot => ".",
        Tok::Eq => "=",
        Tok::Colon => ":",
        Tok::Minus => "-",
        Tok::Plus => "+",
        Tok::Slash => "/",
        Tok::LBrace => "{",
        Tok::RBrace => "}",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::Lt => "<",
        Tok::Gt => ">",
        Tok::Ident(_) | Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Str(_) => "",
    }
}

/// "expected ..." for lalrpop's list of expected terminals, naming the statement where a
/// missing `;` would end one.
fn expectation(rec: Rec, expected: &[String]) -> String {
    let has = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    if has(";") && has("[") && !has("=") {
        let what = match rec {
            Rec::Enum => "enum value",
            _ => "field",
        };
        return format!("expected `;` after {what}");
    }
    if has("message") && has("import") && !has("identifier") {
        return "expected a top-level statement such as `message`".to_string();
    }
    if has("}") && has("identifier") && has(";") && has("oneof") {
        return "expected a field, a statement or `}`".to_string();
    }
    if has("{") && has("-") && has("string") {
        return "expected an option value".to_string();
    }
    format!("expected {}", summarize_expected(expected))
}

/// Summarises lalrpop's expected-terminal list: "identifier" swallows the keywords, symbols
/// are quoted.
fn summarize_expected(expected: &[String]) -> String {
    let has = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    let has_ident = has("identifier");
    let mut items: Vec<String> = Vec::new();
    for e in expected {
        let name = e.trim_matches('"');
        let is_keyword = name.chars().all(|c| c.is_ascii_alphabetic())
            && !matches!(name, "identifier" | "integer" | "string" | "float");
        // Keywords are identifiers too; a sign or a dot is implied by the main expectation.
        if (is_keyword && has_ident)
            || (name == "-" && has("integer"))
            || (name == "." && has_ident)
        {
            continue;
        }
        let shown = match name {
            "identifier" | "integer" | "string" | "float" => name.to_string(),
            "big integer" => continue,
            _ => format!("`{name}`"),
        };
        if !items.contains(&shown) {
            items.push(shown);
        }
    }
    match items.len() {
        0 => "something else".to_string(),
        1 => items.remove(0),
        2 => format!("{} or {}", items[0], items[1]),
        _ => {
            let last = items.pop().unwrap_or_default();
            format!("{}, or {last}", items.join(", "))
        }
    }
}

/// Turns a lalrpop error into a diagnostic.
fn error_diag(file: FileId, rec: Rec, e: &ParseError<u32, Tok<'_>, ()>) -> Diagnostic {
    match e {
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => Diagnostic::error(
            sp(file, *l, *r),
            format!("{}, found {}", expectation(rec, expected), describe(tok)),
        ),
        ParseError::UnrecognizedEof { expected, .. } => Diagnostic::error(
            Span::new(file, EOF_MARK, EOF_MARK),
            format!("{}, found end of file", expectation(rec, expected)),
        ),
        ParseError::ExtraToken { token: (l, tok, r) } => {
            Diagnostic::error(sp(file, *l, *r), format!("unexpected {}", describe(tok)))
        }
        ParseError::InvalidToken { location } => {
            Diagnostic::error(sp(file, *location, *location), "invalid token")
        }
        ParseError::User { .. } => Diagnostic::bare_error("invalid input"),
    }
}

/// Checks a field's type once the field is read: protoc reads a scalar keyword followed by a
/// dot (`int32.Foo`) as the scalar and then wants the field name.
pub(crate) fn type_ref(ty: TypeRef, diags: &mut Vec<Diagnostic>) -> TypeRef {
    if let TypeRef::Named(t) = &ty
        && !t.leading_dot
        && let [first, second, ..] = t.parts.as_slice()
        && ast::ScalarType::from_name(&first.name).is_some()
    {
        let dot = Span::new(first.span.file, first.span.end, second.span.start);
        diags.push(
            Diagnostic::error(
                dot,
                format!("expected field name after scalar type `{}`", first.name),
            )
            .with_help("a message named like a scalar type needs a leading `.` or its package"),
        );
    }
    ty
}

/// The type of a field written as one word at `l..r`: the scalar it names, or a type name.
pub(crate) fn word_type(file: FileId, word: &str, l: u32, r: u32) -> TypeRef {
    match ast::ScalarType::from_name(word) {
        Some(s) => TypeRef::Scalar(s, sp(file, l, r)),
        None => TypeRef::Named(type_name(file, false, l, word, l, r)),
    }
}

/// A type name starting at `l` whose first part is `word` at `wl..r`. Room is made for a few
/// more parts: most dotted names have two to four.
pub(crate) fn type_name(
    file: FileId,
    leading_dot: bool,
    l: u32,
    word: &str,
    wl: u32,
    r: u32,
) -> TypeName {
    let mut parts = Vec::with_capacity(4);
    parts.push(Ident {
        name: word.to_string(),
        span: sp(file, wl, r),
    });
    TypeName {
        leading_dot,
        parts,
        span: sp(file, l, r),
    }
}

/// `t` followed by `.word`, the word at `l..r`.
pub(crate) fn dotted(file: FileId, mut t: TypeName, word: &str, l: u32, r: u32) -> TypeName {
    t.parts.push(Ident {
        name: word.to_string(),
        span: sp(file, l, r),
    });
    t.span.end = r;
    t
}

/// `list` with `item` appended (list rules in the grammar build their vectors with it).
pub(crate) fn pushed<T>(mut list: Vec<T>, item: T) -> Vec<T> {
    list.push(item);
    list
}

/// `first` followed by `rest`, in a vector allocated once.
pub(crate) fn prepend<T>(first: T, rest: Vec<T>) -> Vec<T> {
    let mut all = Vec::with_capacity(1 + rest.len());
    all.push(first);
    all.extend(rest);
    all
}

/// `list` with `item` appended when there is one.
pub(crate) fn extended<T>(mut list: Vec<T>, item: Option<T>) -> Vec<T> {
    list.extend(item);
    list
}

/// A field without its label, boxed; the grammar fills in the label and the span.
pub(crate) fn field(
    kind: FieldKind,
    name: Ident,
    number: IntLit,
    options: Option<CompactOptions>,
) -> Box<Field> {
    let span = name.span;
    Box::new(Field {
        label: None,
        kind,
        name,
        number,
        options,
        span,
        comments: Comments::default(),
    })
}

/// An integer literal at `l..r` whose number (after any minus sign) starts at `nl`.
pub(crate) fn int_lit(file: FileId, negative: bool, value: u64, l: u32, nl: u32, r: u32) -> IntLit {
    IntLit {
        negative,
        value,
        span: sp(file, l, r),
        unsigned_span: sp(file, nl, r),
    }
}

/// A constant at `l..r` whose token after any minus sign starts at `nl`.
pub(crate) fn value(file: FileId, kind: ValueKind, l: u32, nl: u32, r: u32) -> Value {
    Value {
        kind,
        span: sp(file, l, r),
        unsigned_span: sp(file, nl, r),
    }
}

/// The range `start` or `start to end` (`end` with the span `tl..tr` of its `to`), followed by
/// a token starting at `next`, boxed for the parser's stack. The range's own span is taken
/// from its numbers: a location after an optional part would be the next token's start when
/// the part is missing.
pub(crate) fn range(
    file: FileId,
    start: IntLit,
    end: Option<(u32, u32, RangeEnd)>,
    next: u32,
) -> Box<Range> {
    let last = match end {
        None => start.span,
        Some((_, _, RangeEnd::Int(n))) => n.span,
        Some((_, _, RangeEnd::Max(s))) => s,
    };
    Box::new(Range {
        start,
        to_span: end.map(|(tl, tr, _)| sp(file, tl, tr)),
        end: end.map(|(_, _, e)| e),
        span: start.span.to(last),
        next_token: sp(file, next, next),
    })
}

/// The value of an integer constant: a negative number below `i64::MIN` becomes a float, as
/// in protoc.
pub(crate) fn int_value(negative: bool, value: u64) -> ValueKind {
    if negative && value > 1u64 << 63 {
        ValueKind::Float {
            negative,
            value: value as f64,
        }
    } else {
        ValueKind::Int { negative, value }
    }
}

/// An integer literal that did not fit in `u64` (its number starting at `nl`): an error where
/// an integer is required.
pub(crate) fn number_lit(
    file: FileId,
    l: u32,
    nl: u32,
    r: u32,
    negative: bool,
    _value: f64,
    diags: &mut Vec<Diagnostic>,
) -> IntLit {
    let lit = int_lit(file, negative, u64::MAX, l, nl, r);
    diags.push(Diagnostic::error(lit.span, "integer out of range"));
    lit
}

/// Checks a negated identifier constant: after `-` only `inf` and `nan` may follow.
/// The start of the message for a negated word other than `inf` and `nan`.
const NEGATIVE_IDENT: &str = "identifier after `-` must be `inf` or `nan`";

pub(crate) fn negative_ident(name: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if name != "inf" && name != "nan" {
        // protoc reports the position after the word; the label shows the word itself.
        // Moved to protoc's position once the tokens are known (`place_negative_ident`).
        diags.push(
            Diagnostic::error(
                span.shrink_to_hi(),
                format!("{NEGATIVE_IDENT}, found `{name}`"),
            )
            .with_label(span, "only `inf` and `nan` can be negated"),
        );
    }
}
