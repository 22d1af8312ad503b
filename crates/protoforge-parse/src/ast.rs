//! The typed syntax tree of one `.proto` file.
//!
//! Every node keeps its [`Span`] and statements keep their [`Comments`], attached by
//! protoc's rules, so the compiler can build `SourceCodeInfo` without looking at text again.
//! Items are kept in source order (protoc's `SourceCodeInfo` and option interpretation
//! depend on it). The tree records what was written, not what it means: names are not
//! resolved, numbers are not range-checked, and `default`/`json_name` stay ordinary options.

use crate::span::Span;

/// A whole file.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct File {
    /// The whole text.
    pub span: Span,
    /// `syntax = "...";` or `edition = "...";`, if present (it must come first).
    pub syntax: Option<SyntaxDecl>,
    /// Top-level statements in source order.
    pub items: Vec<FileItem>,
}

/// Which of the two header statements was used.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SyntaxKind {
    /// `syntax = "proto2" | "proto3";`
    Syntax,
    /// `edition = "2023" | ...;`
    Edition,
}

/// The `syntax` or `edition` statement.
#[derive(Clone, PartialEq, Debug)]
pub struct SyntaxDecl {
    /// Which keyword.
    pub kind: SyntaxKind,
    /// The string value, e.g. `proto3` or `2023`.
    pub value: StringLit,
    /// The whole statement, keyword through `;`.
    pub span: Span,
    /// Comments attached to the statement.
    pub comments: Comments,
}

/// A top-level statement.
#[derive(Clone, PartialEq, Debug)]
pub enum FileItem {
    /// `package a.b.c;`
    Package(Package),
    /// `import ...;`
    Import(Import),
    /// `option name = value;`
    Option(OptionDecl),
    /// `message Name { ... }`
    Message(Message),
    /// `enum Name { ... }`
    Enum(Enum),
    /// `service Name { ... }`
    Service(Service),
    /// `extend Type { ... }`
    Extend(Extend),
    /// A lone `;`.
    Empty(Span),
}

/// An identifier as written (keywords are valid identifiers).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A dotted name such as a package name: `a.b.c`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FullIdent {
    /// The components, in order.
    pub parts: Vec<Ident>,
    /// From the first component to the last.
    pub span: Span,
}

impl FullIdent {
    /// The components joined with dots.
    pub fn to_dotted(&self) -> String {
        join_parts(&self.parts)
    }
}

/// A reference to a type: `Foo`, `foo.Bar`, `.pkg.Foo` (leading dot = fully qualified).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TypeName {
    /// True when the name starts with `.`.
    pub leading_dot: bool,
    /// The components, in order.
    pub parts: Vec<Ident>,
    /// The whole name, including the leading dot.
    pub span: Span,
}

impl TypeName {
    /// The name as written: `.a.B` or `a.B`.
    pub fn to_dotted(&self) -> String {
        let mut s = String::with_capacity(dotted_len(&self.parts) + 1);
        if self.leading_dot {
            s.push('.');
        }
        push_parts(&mut s, &self.parts);
        s
    }
}

/// The length of `parts` joined by dots.
fn dotted_len(parts: &[Ident]) -> usize {
    parts
        .iter()
        .map(|p| p.name.len() + 1)
        .sum::<usize>()
        .saturating_sub(1)
}

/// Appends `parts` joined by dots to `s`.
fn push_parts(s: &mut String, parts: &[Ident]) {
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&p.name);
    }
}

fn join_parts(parts: &[Ident]) -> String {
    let mut s = String::with_capacity(dotted_len(parts));
    push_parts(&mut s, parts);
    s
}

/// A string literal after escapes were applied and adjacent literals were joined.
///
/// The value is bytes: `\xFF` and octal escapes can produce text that is not UTF-8.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StringLit {
    /// The decoded bytes.
    pub value: Vec<u8>,
    /// From the first quote of the first literal to the last quote of the last one.
    pub span: Span,
}

impl StringLit {
    /// The value as text, with invalid UTF-8 replaced.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }
}

/// An integer literal with an optional leading minus sign.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct IntLit {
    /// True when written with a leading `-`.
    pub negative: bool,
    /// The magnitude (decimal, hex `0x` and octal `0` forms all decoded).
    pub value: u64,
    /// The literal, including the minus sign.
    pub span: Span,
    /// The literal without its minus sign: the number token after the `-` (where protoc
    /// reports a number it rejects), or `span` itself when there is no sign.
    pub unsigned_span: Span,
}

/// Comments attached to a statement, by protoc's rules.
///
/// Texts are exactly what protoc stores in `SourceCodeInfo`: for `//` comments the text after
/// the slashes of each line, newline included; for block comments the text between the
/// delimiters with leading `*` decoration removed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Comments {
    /// Comment immediately before the statement.
    pub leading: Option<String>,
    /// Comment after the statement on the same line (or right below it, by protoc's rules).
    pub trailing: Option<String>,
    /// Earlier comments before the statement, separated from it by blank lines.
    pub detached: Vec<String>,
}

impl Comments {
    /// True when there is no comment at all.
    pub fn is_empty(&self) -> bool {
        self.leading.is_none() && self.trailing.is_none() && self.detached.is_empty()
    }
}

/// `package a.b.c;`
#[derive(Clone, PartialEq, Debug)]
pub struct Package {
    /// The package name.
    pub name: FullIdent,
    /// The whole statement.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// Which kind of import.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ImportKind {
    /// `import "x";`
    Default,
    /// `import public "x";`
    Public,
    /// `import weak "x";`
    Weak,
    /// `import option "x";` (edition 2024)
    Option,
}

/// `import [public|weak|option] "path";`
#[derive(Clone, PartialEq, Debug)]
pub struct Import {
    /// Which kind.
    pub kind: ImportKind,
    /// The `public`/`weak`/`option` keyword, when present.
    pub kind_span: Option<Span>,
    /// The imported path.
    pub path: StringLit,
    /// The whole statement.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// One component of an option name.
#[derive(Clone, PartialEq, Debug)]
pub enum OptionNamePart {
    /// A plain field name: `java_package`, `features`, `field_presence`.
    Ident(Ident),
    /// A parenthesised extension name: `(my.ext)`; the span covers the parentheses.
    Extension {
        /// The extension's name.
        name: TypeName,
        /// Including the parentheses.
        span: Span,
    },
}

impl OptionNamePart {
    /// Where the part is (for extensions, including the parentheses).
    pub fn span(&self) -> Span {
        match self {
            OptionNamePart::Ident(i) => i.span,
            OptionNamePart::Extension { span, .. } => *span,
        }
    }
}

/// An option name: `a`, `(a.b)`, `(a.b).c.(d)`.
#[derive(Clone, PartialEq, Debug)]
pub struct OptionName {
    /// The dot-separated parts.
    pub parts: Vec<OptionNamePart>,
    /// The whole name.
    pub span: Span,
}

/// An option value: a constant or a message literal.
#[derive(Clone, PartialEq, Debug)]
pub struct Value {
    /// What was written.
    pub kind: ValueKind,
    /// The whole value, including any minus sign or braces.
    pub span: Span,
    /// The value without its minus sign: the token after the `-` (where protoc reports a value
    /// it rejects), or `span` itself when there is no sign.
    pub unsigned_span: Span,
}

/// The forms a constant can take.
#[derive(Clone, PartialEq, Debug)]
pub enum ValueKind {
    /// An identifier: `true`, `FOO`, `inf`, `nan`, possibly negated (`-inf`).
    Ident {
        /// Written with a leading `-`.
        negative: bool,
        /// The identifier.
        name: String,
    },
    /// An integer literal, possibly negated.
    Int {
        /// Written with a leading `-`.
        negative: bool,
        /// The magnitude.
        value: u64,
    },
    /// A float literal (or an integer too large for `u64`), possibly negated.
    Float {
        /// Written with a leading `-`.
        negative: bool,
        /// The magnitude.
        value: f64,
    },
    /// A string (adjacent literals joined).
    String(Vec<u8>),
    /// `{ ... }`: a text-format message literal.
    Aggregate(MessageLiteral),
}

/// A text-format message literal, as used in aggregate option values.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct MessageLiteral {
    /// The fields in order.
    pub fields: Vec<MessageLiteralField>,
    /// The braces (or angle brackets) and everything between.
    pub span: Span,
}

/// The name of a field inside a message literal.
#[derive(Clone, PartialEq, Debug)]
pub enum LiteralFieldName {
    /// `name`
    Ident(Ident),
    /// `[pkg.ext]`: an extension.
    Extension(TypeName),
    /// `[type.googleapis.com/pkg.Msg]`: an expanded `Any`; `prefix` is the part before the
    /// last `/` and `type_name` the message name after it.
    Any {
        /// The domain and path before the last `/`, e.g. `type.googleapis.com`.
        prefix: String,
        /// The message's full name.
        type_name: TypeName,
    },
}

/// `name: value`, `name { ... }` or `name: [a, b]` inside a message literal.
#[derive(Clone, PartialEq, Debug)]
pub struct MessageLiteralField {
    /// The field name.
    pub name: LiteralFieldName,
    /// The span of the name (for extensions, including the brackets).
    pub name_span: Span,
    /// True when a `:` separated name and value.
    pub has_colon: bool,
    /// The value.
    pub value: LiteralValue,
    /// The whole field.
    pub span: Span,
}

/// A value inside a message literal.
#[derive(Clone, PartialEq, Debug)]
pub enum LiteralValue {
    /// A scalar (never [`ValueKind::Aggregate`]).
    Scalar(Value),
    /// A nested message.
    Message(MessageLiteral),
    /// `[v, v, ...]`; each element a scalar or a message.
    List(Vec<LiteralValue>, Span),
}

/// `option name = value;` (a statement).
#[derive(Clone, PartialEq, Debug)]
pub struct OptionDecl {
    /// The option's name.
    pub name: OptionName,
    /// The value.
    pub value: Value,
    /// The whole statement, `option` through `;`.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// One `name = value` inside `[...]`.
#[derive(Clone, PartialEq, Debug)]
pub struct CompactOption {
    /// The option's name.
    pub name: OptionName,
    /// The value.
    pub value: Value,
    /// From the name to the end of the value.
    pub span: Span,
}

/// `[a = 1, b = 2]` after a field, enum value or extension range.
#[derive(Clone, PartialEq, Debug)]
pub struct CompactOptions {
    /// The options in order.
    pub options: Vec<CompactOption>,
    /// The brackets and everything between.
    pub span: Span,
}

/// `export` / `local` before a message or enum (edition 2024).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Visibility {
    /// `export`
    Export,
    /// `local`
    Local,
}

/// `message Name { ... }`
#[derive(Clone, PartialEq, Debug)]
pub struct Message {
    /// `export`/`local`, when written.
    pub visibility: Option<(Visibility, Span)>,
    /// The message's name.
    pub name: Ident,
    /// The body.
    pub body: MessageBody,
    /// The whole definition, keyword through `}`. Like protoc's location, it starts at
    /// `message`, after any `export`/`local`.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// What is between the braces of a message or group.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct MessageBody {
    /// Statements in source order.
    pub items: Vec<MessageItem>,
    /// The braces and everything between.
    pub span: Span,
}

/// A statement inside a message.
#[derive(Clone, PartialEq, Debug)]
pub enum MessageItem {
    /// A field, map field or group.
    Field(Field),
    /// `oneof name { ... }`
    Oneof(Oneof),
    /// A nested message.
    Message(Message),
    /// A nested enum.
    Enum(Enum),
    /// A nested `extend` block.
    Extend(Extend),
    /// `extensions ...;`
    Extensions(ExtensionRange),
    /// `reserved ...;`
    Reserved(Reserved),
    /// `option ...;`
    Option(OptionDecl),
    /// A lone `;`.
    Empty(Span),
}

/// A field label.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Label {
    /// `optional`
    Optional,
    /// `required`
    Required,
    /// `repeated`
    Repeated,
}

/// The built-in scalar types.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ScalarType {
    /// `double`
    Double,
    /// `float`
    Float,
    /// `int64`
    Int64,
    /// `uint64`
    Uint64,
    /// `int32`
    Int32,
    /// `fixed64`
    Fixed64,
    /// `fixed32`
    Fixed32,
    /// `bool`
    Bool,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// `uint32`
    Uint32,
    /// `sfixed32`
    Sfixed32,
    /// `sfixed64`
    Sfixed64,
    /// `sint32`
    Sint32,
    /// `sint64`
    Sint64,
}

impl ScalarType {
    /// The type for a keyword such as `int32`, if it is one.
    pub fn from_name(name: &str) -> Option<ScalarType> {
        Some(match name {
            "double" => ScalarType::Double,
            "float" => ScalarType::Float,
            "int64" => ScalarType::Int64,
            "uint64" => ScalarType::Uint64,
            "int32" => ScalarType::Int32,
            "fixed64" => ScalarType::Fixed64,
            "fixed32" => ScalarType::Fixed32,
            "bool" => ScalarType::Bool,
            "string" => ScalarType::String,
            "bytes" => ScalarType::Bytes,
            "uint32" => ScalarType::Uint32,
            "sfixed32" => ScalarType::Sfixed32,
            "sfixed64" => ScalarType::Sfixed64,
            "sint32" => ScalarType::Sint32,
            "sint64" => ScalarType::Sint64,
            _ => return None,
        })
    }

    /// The keyword.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::Double => "double",
            ScalarType::Float => "float",
            ScalarType::Int64 => "int64",
            ScalarType::Uint64 => "uint64",
            ScalarType::Int32 => "int32",
            ScalarType::Fixed64 => "fixed64",
            ScalarType::Fixed32 => "fixed32",
            ScalarType::Bool => "bool",
            ScalarType::String => "string",
            ScalarType::Bytes => "bytes",
            ScalarType::Uint32 => "uint32",
            ScalarType::Sfixed32 => "sfixed32",
            ScalarType::Sfixed64 => "sfixed64",
            ScalarType::Sint32 => "sint32",
            ScalarType::Sint64 => "sint64",
        }
    }
}

/// A field's type as written: a scalar keyword or a (possibly qualified) type name.
///
/// Like protoc, a bare scalar keyword (`string`) is always the scalar, even where a message
/// of that name exists; `.string` or `pkg.string` is a type name.
#[derive(Clone, PartialEq, Debug)]
pub enum TypeRef {
    /// A scalar keyword.
    Scalar(ScalarType, Span),
    /// A message or enum name, resolved later.
    Named(TypeName),
}

impl TypeRef {
    /// Where the type is written.
    pub fn span(&self) -> Span {
        match self {
            TypeRef::Scalar(_, s) => *s,
            TypeRef::Named(n) => n.span,
        }
    }
}

/// What kind of field a [`Field`] is.
#[derive(Clone, PartialEq, Debug)]
pub enum FieldKind {
    /// `[label] type name = N [opts];`
    Normal {
        /// The type.
        ty: TypeRef,
    },
    /// `map<K, V> name = N [opts];`
    Map {
        /// The key type (validated later).
        key: TypeRef,
        /// The value type.
        value: TypeRef,
        /// From `map` to `>`.
        span: Span,
        /// The `<` after `map`, where protoc reports a map field that is not allowed.
        angle_span: Span,
    },
    /// `[label] group Name = N [opts] { ... }`: a field and a nested message in one.
    Group {
        /// The `group` keyword.
        keyword_span: Span,
        /// The group message's body.
        body: MessageBody,
    },
}

/// A field, map field or group.
#[derive(Clone, PartialEq, Debug)]
pub struct Field {
    /// The label and its span, when written.
    pub label: Option<(Label, Span)>,
    /// Normal, map or group.
    pub kind: FieldKind,
    /// The field name (for groups, the group's type name as written, e.g. `Foo`).
    pub name: Ident,
    /// The field number.
    pub number: IntLit,
    /// `[...]` options, when written.
    pub options: Option<CompactOptions>,
    /// The whole statement, label through `;` (or `}` for groups).
    pub span: Span,
    /// Attached comments. For a group, protoc records these on the group's nested message
    /// location (`DescriptorProto.nested_type`), not on the field's location; both
    /// locations have this span.
    pub comments: Comments,
}

/// `oneof name { ... }`
#[derive(Clone, PartialEq, Debug)]
pub struct Oneof {
    /// The oneof's name.
    pub name: Ident,
    /// Statements in source order.
    pub items: Vec<OneofItem>,
    /// The whole definition.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// A statement inside a oneof.
#[derive(Clone, PartialEq, Debug)]
pub enum OneofItem {
    /// A field or group (no label allowed; the parser reports one if written).
    Field(Field),
    /// `option ...;`
    Option(OptionDecl),
    /// A lone `;`.
    Empty(Span),
}

/// The end of a range: a number or `max`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RangeEnd {
    /// An explicit number.
    Int(IntLit),
    /// `max`, with the keyword's span.
    Max(Span),
}

/// `N` or `N to M` or `N to max`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Range {
    /// The first number.
    pub start: IntLit,
    /// The `to` keyword, when written.
    pub to_span: Option<Span>,
    /// The end, when `to` was written.
    pub end: Option<RangeEnd>,
    /// The whole range.
    pub span: Span,
    /// An empty span where the token after the range starts (`,`, `[` or `;`). protoc judges
    /// a number once it has read the token after it, and reports a rejected one there.
    pub next_token: Span,
}

/// `extensions 100 to 199, 300 [opts];`
#[derive(Clone, PartialEq, Debug)]
pub struct ExtensionRange {
    /// The ranges.
    pub ranges: Vec<Range>,
    /// `[...]` options, when written.
    pub options: Option<CompactOptions>,
    /// The whole statement.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// A reserved name: quoted (`"foo"`) or, in editions, a bare identifier.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReservedName {
    /// The name.
    pub name: String,
    /// True when written as an identifier rather than a string.
    pub is_ident: bool,
    /// Where (including quotes).
    pub span: Span,
}

/// What a `reserved` statement reserves.
#[derive(Clone, PartialEq, Debug)]
pub enum ReservedKind {
    /// Numbers and ranges.
    Ranges(Vec<Range>),
    /// Names.
    Names(Vec<ReservedName>),
}

/// `reserved ...;` in a message or enum.
#[derive(Clone, PartialEq, Debug)]
pub struct Reserved {
    /// Numbers or names.
    pub kind: ReservedKind,
    /// The whole statement.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// `enum Name { ... }`
#[derive(Clone, PartialEq, Debug)]
pub struct Enum {
    /// `export`/`local`, when written.
    pub visibility: Option<(Visibility, Span)>,
    /// The enum's name.
    pub name: Ident,
    /// Statements in source order.
    pub items: Vec<EnumItem>,
    /// The whole definition, from `enum` (after any `export`/`local`) through `}`.
    pub span: Span,
    /// An empty span where the token after the closing `}` starts, or at the end of the text
    /// when none follows. protoc checks `allow_alias` once it has read that token, and
    /// reports a misused one there.
    pub next_token: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// A statement inside an enum.
#[derive(Clone, PartialEq, Debug)]
pub enum EnumItem {
    /// `NAME = N [opts];`
    Value(EnumValue),
    /// `option ...;`
    Option(OptionDecl),
    /// `reserved ...;`
    Reserved(Reserved),
    /// A lone `;`.
    Empty(Span),
}

/// `NAME = N [opts];`
#[derive(Clone, PartialEq, Debug)]
pub struct EnumValue {
    /// The value's name.
    pub name: Ident,
    /// The number (may be negative).
    pub number: IntLit,
    /// `[...]` options, when written.
    pub options: Option<CompactOptions>,
    /// The whole statement.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// `service Name { ... }`
#[derive(Clone, PartialEq, Debug)]
pub struct Service {
    /// The service's name.
    pub name: Ident,
    /// Statements in source order.
    pub items: Vec<ServiceItem>,
    /// The whole definition.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// A statement inside a service.
#[derive(Clone, PartialEq, Debug)]
pub enum ServiceItem {
    /// `rpc ...`
    Method(Method),
    /// `option ...;`
    Option(OptionDecl),
    /// A lone `;`.
    Empty(Span),
}

/// `(stream Type)` in a method signature.
#[derive(Clone, PartialEq, Debug)]
pub struct MethodType {
    /// The `stream` keyword, when written.
    pub stream: Option<Span>,
    /// The message type.
    pub ty: TypeName,
}

/// `rpc Name (In) returns (Out);` or with a `{ option ...; }` body.
#[derive(Clone, PartialEq, Debug)]
pub struct Method {
    /// The method's name.
    pub name: Ident,
    /// Request type.
    pub input: MethodType,
    /// Response type.
    pub output: MethodType,
    /// Options from the body, in order (empty when the method ends with `;`).
    pub options: Vec<OptionDecl>,
    /// The whole statement.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}

/// `extend Type { fields }`
#[derive(Clone, PartialEq, Debug)]
pub struct Extend {
    /// The extended message.
    pub extendee: TypeName,
    /// The extension fields (and groups) in order.
    pub fields: Vec<Field>,
    /// The whole block.
    pub span: Span,
    /// Attached comments.
    pub comments: Comments,
}
