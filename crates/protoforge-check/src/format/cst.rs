//! The statements of a file as the printer needs them: every keyword, name, punctuation mark
//! and literal by its token index, so each can be printed with its comments.
//!
//! The file has already been parsed by `protoforge-parse` without errors, so this reader only
//! has to recognise the shapes; anything it does not recognise is reported as an error rather
//! than printed half-way.

use super::tokens::{Kind, Tokens};

/// A dotted name, possibly with extension components: `.a.b`, `(foo.bar).baz`.
#[derive(Debug, Default)]
pub(crate) struct Path {
    pub comps: Vec<Comp>,
}

#[derive(Debug)]
pub(crate) struct Comp {
    /// The `.` or `/` before the component.
    pub sep: Option<usize>,
    pub name: CompName,
}

#[derive(Debug)]
pub(crate) enum CompName {
    Ident(usize),
    /// `( path )`: the open and close parentheses and the path inside.
    Ext(usize, usize, Path),
}

#[derive(Debug)]
pub(crate) enum Type {
    Path(Path),
    /// `repeated T`, `stream T`, ...
    Prefixed(usize, Box<Type>),
    /// `map<K, V>`: the path, `<`, `>`, the arguments and the commas between them.
    Generic(Path, usize, usize, Vec<Type>, Vec<usize>),
}

/// `( T )` of a method.
#[derive(Debug)]
pub(crate) struct TypeList {
    pub open: usize,
    pub close: usize,
    pub items: Vec<Type>,
    pub commas: Vec<usize>,
}

#[derive(Debug)]
pub(crate) enum Expr {
    /// A number or string; a fused run of strings is its first token.
    Literal(usize),
    Path(Path),
    /// `-x`
    Prefixed(usize, Box<Expr>),
    /// `a to b`
    Range(Box<Expr>, usize, Box<Expr>),
    Array {
        open: usize,
        close: usize,
        elems: Vec<Expr>,
        commas: Vec<usize>,
    },
    Dict {
        open: usize,
        close: usize,
        fields: Vec<Field>,
    },
}

/// `key: value` in a message literal.
#[derive(Debug)]
pub(crate) struct Field {
    pub key: Expr,
    pub colon: Option<usize>,
    pub value: Option<Expr>,
    /// The `,` or `;` after the field.
    pub sep: Option<usize>,
}

/// `[a = 1, b = 2]`
#[derive(Debug)]
pub(crate) struct CompactOptions {
    pub open: usize,
    pub close: usize,
    pub entries: Vec<OptEntry>,
    pub commas: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct OptEntry {
    pub path: Path,
    pub eq: Option<usize>,
    pub value: Option<Expr>,
}

#[derive(Debug)]
pub(crate) struct Body {
    pub open: usize,
    pub close: usize,
    pub decls: Vec<Decl>,
}

/// Where a declaration sorts in a file: syntax, package, imports, options, the rest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Rank {
    Syntax,
    Package,
    Import,
    Option,
    Body,
}

#[derive(Debug)]
pub(crate) enum Decl {
    /// A lone `;`.
    Empty(usize),
    /// `syntax`/`edition` `=` value options `;`
    Syntax {
        kw: usize,
        eq: usize,
        value: Expr,
        opts: Option<CompactOptions>,
        semi: usize,
    },
    Package {
        kw: usize,
        path: Path,
        opts: Option<CompactOptions>,
        semi: usize,
    },
    Import {
        kw: usize,
        mods: Vec<usize>,
        path: Expr,
        opts: Option<CompactOptions>,
        semi: usize,
    },
    Option {
        kw: usize,
        path: Path,
        eq: usize,
        value: Expr,
        semi: usize,
    },
    /// message, enum, service, oneof, extend: keyword, name (extendee), body.
    Def {
        /// `export`/`local` (edition 2024).
        prefixes: Vec<usize>,
        kw: usize,
        name: Path,
        body: Body,
    },
    /// `[label] group Name = N [opts] { ... }`
    Group {
        prefixes: Vec<usize>,
        kw: usize,
        name: Path,
        eq: Option<usize>,
        tag: Option<Expr>,
        opts: Option<CompactOptions>,
        body: Body,
    },
    Field {
        ty: Type,
        name: Path,
        eq: Option<usize>,
        tag: Option<Expr>,
        opts: Option<CompactOptions>,
        semi: usize,
    },
    EnumValue {
        name: Path,
        eq: Option<usize>,
        tag: Option<Expr>,
        opts: Option<CompactOptions>,
        semi: usize,
    },
    Method {
        kw: usize,
        name: Path,
        inputs: TypeList,
        returns: usize,
        outputs: TypeList,
        body: Option<Body>,
        semi: Option<usize>,
    },
    /// `reserved`/`extensions` ranges options `;`
    Range {
        kw: usize,
        ranges: Vec<Expr>,
        commas: Vec<usize>,
        opts: Option<CompactOptions>,
        semi: usize,
    },
}

impl Decl {
    pub fn rank(&self) -> Rank {
        match self {
            Decl::Syntax { .. } => Rank::Syntax,
            Decl::Package { .. } => Rank::Package,
            Decl::Import { .. } => Rank::Import,
            Decl::Option { .. } => Rank::Option,
            _ => Rank::Body,
        }
    }
}

/// Which kind of body a statement is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    File,
    Message,
    Enum,
    Service,
    Method,
}

/// Reads the file's statements.
pub(crate) fn parse(tokens: &Tokens<'_>) -> Result<Vec<Decl>, usize> {
    let sig: Vec<usize> = (0..tokens.toks.len())
        .filter(|&i| !tokens.skippable(i))
        .collect();
    let mut r = Reader {
        t: tokens,
        sig,
        pos: 0,
    };
    let end = r.sig.len();
    r.decls(Scope::File, end)
}

struct Reader<'t, 'a> {
    t: &'t Tokens<'a>,
    /// The non-trivia tokens, in order.
    sig: Vec<usize>,
    pos: usize,
}

type R<T> = Result<T, usize>;

impl Reader<'_, '_> {
    fn peek(&self) -> Option<usize> {
        self.sig.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<usize> {
        self.sig.get(self.pos + n).copied()
    }

    fn err(&self) -> usize {
        self.peek()
            .map(|i| self.t.toks[i].start as usize)
            .unwrap_or(self.t.text.len())
    }

    fn bump(&mut self) -> R<usize> {
        let i = self.peek().ok_or_else(|| self.err())?;
        self.pos += 1;
        Ok(i)
    }

    fn is(&self, c: &str) -> bool {
        self.peek().is_some_and(|i| self.t.is_punct(i, c))
    }

    fn is_at(&self, n: usize, c: &str) -> bool {
        self.peek_at(n).is_some_and(|i| self.t.is_punct(i, c))
    }

    fn is_word(&self, w: &str) -> bool {
        self.peek()
            .is_some_and(|i| self.t.kind(i) == Kind::Ident && self.t.text(i) == w)
    }

    fn expect(&mut self, c: &str) -> R<usize> {
        if self.is(c) {
            self.bump()
        } else {
            Err(self.err())
        }
    }

    /// Moves past the fused pair whose open token was just read, to its close token.
    fn skip_to(&mut self, close: usize) -> R<usize> {
        while let Some(i) = self.peek() {
            self.pos += 1;
            if i == close {
                return Ok(i);
            }
        }
        Err(self.err())
    }

    /// The position in `sig` of token `tok`.
    fn sig_index(&self, tok: usize) -> usize {
        self.sig.partition_point(|&i| i < tok)
    }

    fn decls(&mut self, scope: Scope, end: usize) -> R<Vec<Decl>> {
        let mut out = Vec::new();
        while self.pos < end {
            out.push(self.decl(scope)?);
        }
        if self.pos != end {
            return Err(self.err());
        }
        Ok(out)
    }

    fn body(&mut self, scope: Scope) -> R<Body> {
        let open = self.expect("{")?;
        let close = self.t.close_of(open).ok_or_else(|| self.err())?;
        let end = self.sig_index(close);
        let decls = self.decls(scope, end)?;
        let close_tok = self.expect("}")?;
        debug_assert_eq!(close_tok, close);
        Ok(Body {
            open,
            close: close_tok,
            decls,
        })
    }

    fn opts(&mut self) -> R<Option<CompactOptions>> {
        if !self.is("[") {
            return Ok(None);
        }
        let open = self.bump()?;
        let close = self.t.close_of(open).ok_or_else(|| self.err())?;
        let end = self.sig_index(close);
        let mut entries = Vec::new();
        let mut commas = Vec::new();
        while self.pos < end {
            let path = self.path()?;
            let (eq, value) = if self.is("=") {
                let eq = self.bump()?;
                (Some(eq), Some(self.expr()?))
            } else {
                (None, None)
            };
            entries.push(OptEntry { path, eq, value });
            if self.pos < end {
                commas.push(self.expect(",")?);
            }
        }
        self.expect("]")?;
        Ok(Some(CompactOptions {
            open,
            close,
            entries,
            commas,
        }))
    }

    fn path(&mut self) -> R<Path> {
        let mut comps = Vec::new();
        loop {
            let sep = if comps.is_empty() {
                if self.is(".") {
                    Some(self.bump()?)
                } else {
                    None
                }
            } else if self.is(".") || self.is("/") {
                Some(self.bump()?)
            } else {
                break;
            };
            let name = if self.is("(") {
                let open = self.bump()?;
                let close = self.t.close_of(open).ok_or_else(|| self.err())?;
                let inner = self.path()?;
                let c = self.expect(")")?;
                if c != close {
                    return Err(self.err());
                }
                CompName::Ext(open, close, inner)
            } else {
                match self.peek() {
                    Some(i) if self.t.kind(i) == Kind::Ident => {
                        self.pos += 1;
                        CompName::Ident(i)
                    }
                    _ => return Err(self.err()),
                }
            };
            comps.push(Comp { sep, name });
        }
        if comps.is_empty() {
            return Err(self.err());
        }
        Ok(Path { comps })
    }

    /// A type; `stream` is a prefix only in method signatures, labels only in fields.
    fn ty(&mut self, method: bool) -> R<Type> {
        if let Some(i) = self.peek()
            && self.t.kind(i) == Kind::Ident
            && (if method {
                self.t.text(i) == "stream"
            } else {
                matches!(self.t.text(i), "optional" | "repeated" | "required")
            })
            && self
                .peek_at(1)
                .is_some_and(|n| self.t.kind(n) == Kind::Ident || self.t.is_punct(n, "."))
        {
            self.pos += 1;
            return Ok(Type::Prefixed(i, Box::new(self.ty(method)?)));
        }
        let path = self.path()?;
        if self.is("<") {
            let open = self.bump()?;
            let close = self.t.close_of(open).ok_or_else(|| self.err())?;
            let end = self.sig_index(close);
            let mut args = Vec::new();
            let mut commas = Vec::new();
            while self.pos < end {
                args.push(self.ty(false)?);
                if self.pos < end {
                    commas.push(self.expect(",")?);
                }
            }
            self.expect(">")?;
            return Ok(Type::Generic(path, open, close, args, commas));
        }
        Ok(Type::Path(path))
    }

    fn type_list(&mut self) -> R<TypeList> {
        let open = self.expect("(")?;
        let close = self.t.close_of(open).ok_or_else(|| self.err())?;
        let end = self.sig_index(close);
        let mut items = Vec::new();
        let mut commas = Vec::new();
        while self.pos < end {
            items.push(self.ty(true)?);
            if self.pos < end {
                commas.push(self.expect(",")?);
            }
        }
        self.expect(")")?;
        Ok(TypeList {
            open,
            close,
            items,
            commas,
        })
    }

    /// A value: literal, name, signed value, range, array or message literal.
    fn expr(&mut self) -> R<Expr> {
        let e = self.expr_no_range()?;
        if self.is_word("to") && !self.is_at(1, ":") && !self.is_at(1, "{") && !self.is_at(1, "<") {
            let kw = self.bump()?;
            let end = self.expr_no_range()?;
            return Ok(Expr::Range(Box::new(e), kw, Box::new(end)));
        }
        Ok(e)
    }

    fn expr_no_range(&mut self) -> R<Expr> {
        let i = self.peek().ok_or_else(|| self.err())?;
        match self.t.kind(i) {
            Kind::Number => {
                self.pos += 1;
                Ok(Expr::Literal(i))
            }
            Kind::String => {
                self.pos += 1;
                if let Some(last) = self.t.close_of(i) {
                    self.skip_to(last)?;
                }
                Ok(Expr::Literal(i))
            }
            Kind::Ident => Ok(Expr::Path(self.path()?)),
            Kind::Punct => match self.t.text(i) {
                "-" | "+" => {
                    self.pos += 1;
                    Ok(Expr::Prefixed(i, Box::new(self.expr_no_range()?)))
                }
                "." => Ok(Expr::Path(self.path()?)),
                "[" => self.array(),
                "{" | "<" => self.dict(),
                _ => Err(self.err()),
            },
            _ => Err(self.err()),
        }
    }

    fn array(&mut self) -> R<Expr> {
        let open = self.bump()?;
        let close = self.t.close_of(open).ok_or_else(|| self.err())?;
        let end = self.sig_index(close);
        let mut elems = Vec::new();
        let mut commas = Vec::new();
        while self.pos < end {
            elems.push(self.expr()?);
            if self.pos < end {
                commas.push(self.expect(",")?);
            }
        }
        self.skip_to(close)?;
        Ok(Expr::Array {
            open,
            close,
            elems,
            commas,
        })
    }

    fn dict(&mut self) -> R<Expr> {
        let open = self.bump()?;
        let close = self.t.close_of(open).ok_or_else(|| self.err())?;
        let end = self.sig_index(close);
        let mut fields = Vec::new();
        while self.pos < end {
            let key = if self.is("[") {
                self.array()?
            } else {
                Expr::Path(self.path()?)
            };
            let colon = if self.is(":") {
                Some(self.bump()?)
            } else {
                None
            };
            let value = if self.pos < end && !self.is(",") && !self.is(";") {
                Some(self.expr()?)
            } else {
                None
            };
            let sep = if self.pos < end && (self.is(",") || self.is(";")) {
                Some(self.bump()?)
            } else {
                None
            };
            fields.push(Field {
                key,
                colon,
                value,
                sep,
            });
        }
        self.skip_to(close)?;
        Ok(Expr::Dict {
            open,
            close,
            fields,
        })
    }

    fn decl(&mut self, scope: Scope) -> R<Decl> {
        if self.is(";") {
            return Ok(Decl::Empty(self.bump()?));
        }
        // Visibility prefixes of edition 2024 definitions.
        let mut prefixes = Vec::new();
        while self.peek().is_some_and(|i| {
            self.t.kind(i) == Kind::Ident && matches!(self.t.text(i), "export" | "local")
        }) && self.peek_at(1).is_some_and(|i| {
            self.t.kind(i) == Kind::Ident
                && matches!(
                    self.t.text(i),
                    "message" | "enum" | "service" | "export" | "local"
                )
        }) {
            prefixes.push(self.bump()?);
        }
        let first = self.peek().ok_or_else(|| self.err())?;
        if self.t.kind(first) != Kind::Ident && !self.is(".") {
            return Err(self.err());
        }
        let word = self.t.text(first);
        if !prefixes.is_empty() && !matches!(word, "message" | "enum" | "service") {
            return Err(self.err());
        }
        let second_is = |r: &Self, c: &str| r.is_at(1, c);
        match (scope, word) {
            (Scope::File, "syntax" | "edition") if second_is(self, "=") => {
                let kw = self.bump()?;
                let eq = self.bump()?;
                let value = self.expr()?;
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                return Ok(Decl::Syntax {
                    kw,
                    eq,
                    value,
                    opts,
                    semi,
                });
            }
            (Scope::File, "package") => {
                let kw = self.bump()?;
                let path = self.path()?;
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                return Ok(Decl::Package {
                    kw,
                    path,
                    opts,
                    semi,
                });
            }
            (Scope::File, "import") => {
                let kw = self.bump()?;
                let mut mods = Vec::new();
                while self.peek().is_some_and(|i| {
                    self.t.kind(i) == Kind::Ident
                        && matches!(self.t.text(i), "public" | "weak" | "option")
                }) {
                    mods.push(self.bump()?);
                }
                let path = self.expr()?;
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                return Ok(Decl::Import {
                    kw,
                    mods,
                    path,
                    opts,
                    semi,
                });
            }
            (_, "option") if !second_is(self, "=") => {
                let kw = self.bump()?;
                let path = self.path()?;
                let eq = self.expect("=")?;
                let value = self.expr()?;
                let semi = self.expect(";")?;
                return Ok(Decl::Option {
                    kw,
                    path,
                    eq,
                    value,
                    semi,
                });
            }
            (Scope::File | Scope::Message, "message" | "enum" | "extend")
            | (Scope::File, "service")
            | (Scope::Message, "oneof")
                if self.def_follows() =>
            {
                let kw = self.bump()?;
                let name = self.path()?;
                let inner = match word {
                    "enum" => Scope::Enum,
                    "service" => Scope::Service,
                    _ => Scope::Message,
                };
                let body = self.body(inner)?;
                return Ok(Decl::Def {
                    prefixes,
                    kw,
                    name,
                    body,
                });
            }
            (Scope::Message, "reserved" | "extensions") if self.range_follows() => {
                let kw = self.bump()?;
                let mut ranges = Vec::new();
                let mut commas = Vec::new();
                loop {
                    ranges.push(self.expr()?);
                    if self.is(",") {
                        commas.push(self.bump()?);
                    } else {
                        break;
                    }
                }
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                return Ok(Decl::Range {
                    kw,
                    ranges,
                    commas,
                    opts,
                    semi,
                });
            }
            (Scope::Enum, "reserved") if self.range_follows() => {
                let kw = self.bump()?;
                let mut ranges = Vec::new();
                let mut commas = Vec::new();
                loop {
                    ranges.push(self.expr()?);
                    if self.is(",") {
                        commas.push(self.bump()?);
                    } else {
                        break;
                    }
                }
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                return Ok(Decl::Range {
                    kw,
                    ranges,
                    commas,
                    opts,
                    semi,
                });
            }
            (Scope::Service, "rpc") => {
                let kw = self.bump()?;
                let name = self.path()?;
                let inputs = self.type_list()?;
                if !self.is_word("returns") {
                    return Err(self.err());
                }
                let returns = self.bump()?;
                let outputs = self.type_list()?;
                let (body, semi) = if self.is("{") {
                    (Some(self.body(Scope::Method)?), None)
                } else {
                    (None, Some(self.expect(";")?))
                };
                return Ok(Decl::Method {
                    kw,
                    name,
                    inputs,
                    returns,
                    outputs,
                    body,
                    semi,
                });
            }
            _ => {}
        }
        match scope {
            Scope::Enum => {
                let name = self.path()?;
                let (eq, tag) = if self.is("=") {
                    (Some(self.bump()?), Some(self.expr()?))
                } else {
                    (None, None)
                };
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                Ok(Decl::EnumValue {
                    name,
                    eq,
                    tag,
                    opts,
                    semi,
                })
            }
            Scope::Message => {
                // A group: labels, `group`, name, `=`, number, options, body.
                let mut n = 0;
                while self.peek_at(n).is_some_and(|i| {
                    self.t.kind(i) == Kind::Ident
                        && matches!(self.t.text(i), "optional" | "repeated" | "required")
                }) {
                    n += 1;
                }
                let is_group = self
                    .peek_at(n)
                    .is_some_and(|i| self.t.kind(i) == Kind::Ident && self.t.text(i) == "group")
                    && self
                        .peek_at(n + 1)
                        .is_some_and(|i| self.t.kind(i) == Kind::Ident)
                    && (self.is_at(n + 2, "=") || self.is_at(n + 2, "{"));
                if is_group {
                    let mut prefixes = Vec::new();
                    for _ in 0..n {
                        prefixes.push(self.bump()?);
                    }
                    let kw = self.bump()?;
                    let name = self.path()?;
                    let (eq, tag) = if self.is("=") {
                        (Some(self.bump()?), Some(self.expr()?))
                    } else {
                        (None, None)
                    };
                    let opts = self.opts()?;
                    let body = self.body(Scope::Message)?;
                    return Ok(Decl::Group {
                        prefixes,
                        kw,
                        name,
                        eq,
                        tag,
                        opts,
                        body,
                    });
                }
                let ty = self.ty(false)?;
                let name = self.path()?;
                let (eq, tag) = if self.is("=") {
                    (Some(self.bump()?), Some(self.expr()?))
                } else {
                    (None, None)
                };
                let opts = self.opts()?;
                let semi = self.expect(";")?;
                Ok(Decl::Field {
                    ty,
                    name,
                    eq,
                    tag,
                    opts,
                    semi,
                })
            }
            _ => Err(self.err()),
        }
    }

    /// After a definition keyword: a name and then `{`.
    fn def_follows(&self) -> bool {
        let mut n = 1;
        while let Some(i) = self.peek_at(n) {
            if self.t.is_punct(i, "{") {
                return n > 1;
            }
            if self.t.kind(i) != Kind::Ident && !self.t.is_punct(i, ".") {
                return false;
            }
            n += 1;
        }
        false
    }

    /// After `reserved`/`extensions`: ranges, not a field named like that (no `=` before `;`).
    fn range_follows(&self) -> bool {
        let mut n = 1;
        while let Some(i) = self.peek_at(n) {
            if self.t.is_punct(i, ";") || self.t.is_punct(i, "[") {
                return true;
            }
            if self.t.is_punct(i, "=") {
                return false;
            }
            n += 1;
        }
        false
    }
}
