//! Comment attachment, following protoc's rules for `SourceCodeInfo`.
//!
//! protoc reads comments only at the end of a declaration: when it consumes a statement's
//! `;` or `{` (or a block's closing `}`), it splits the comments between that token and the
//! next one into a trailing comment of the token before, detached comments, and a leading
//! comment of the token after ([`split_gap`] reproduces that split line by line). A statement
//! then receives the leading and detached comments collected at the previous declaration end
//! and the trailing comment collected at its own. [`attach`] replays those steps over the
//! syntax tree in source order.

use crate::ast::*;

/// What the parser does at one end-of-declaration token.
struct Event<'a> {
    /// Byte offset of the token (`;`, `{` or `}`).
    offset: u32,
    /// The statement whose declaration ends here, if any.
    slot: Option<&'a mut Comments>,
    /// A block's closing brace (dropped when the text there is not `}`).
    close: bool,
}

/// The comments found between two tokens, split the way protoc splits them.
#[derive(Default, Debug, PartialEq)]
pub(crate) struct Gap {
    /// Trailing comment of the token before.
    pub trailing: String,
    /// Comments attached to neither token.
    pub detached: Vec<String>,
    /// Leading comment of the token after (`None` when there is none).
    pub leading: Option<String>,
}

/// Fills in the comments of every statement in `file`. `tokens` are the byte ranges of all
/// tokens, in order.
pub(crate) fn attach(source: &str, tokens: &[(u32, u32)], file: &mut File) {
    let mut events: Vec<Event<'_>> = Vec::new();
    let bytes = source.as_bytes();
    {
        let File { syntax, items, .. } = file;
        if let Some(s) = syntax {
            events.push(Event {
                offset: s.span.end.saturating_sub(1),
                slot: Some(&mut s.comments),
                close: false,
            });
        }
        for item in items.iter_mut() {
            match item {
                FileItem::Package(p) => semi(&mut events, p.span, &mut p.comments),
                FileItem::Import(i) => semi(&mut events, i.span, &mut i.comments),
                FileItem::Option(o) => semi(&mut events, o.span, &mut o.comments),
                FileItem::Message(m) => message(&mut events, m),
                FileItem::Enum(e) => enumeration(&mut events, e),
                FileItem::Service(s) => service(&mut events, s),
                FileItem::Extend(e) => extend(&mut events, e),
                FileItem::Empty(s) => empty(&mut events, *s),
            }
        }
    }
    // Resolve offsets that point before their token, and drop closes that are not `}`.
    for ev in events.iter_mut() {
        if ev.offset & BRACE_FLAG != 0 {
            let semi_ok = ev.offset & SEMI_OK_FLAG != 0;
            let from = ev.offset & !(BRACE_FLAG | SEMI_OK_FLAG);
            let i = tokens.partition_point(|t| t.0 < from);
            ev.offset = tokens[i..]
                .iter()
                .find(|t| match bytes.get(t.0 as usize) {
                    Some(b'{') => true,
                    Some(b';') => semi_ok,
                    _ => false,
                })
                .map_or(u32::MAX, |t| t.0);
        }
    }
    events.retain(|e| !e.close || bytes.get(e.offset as usize) == Some(&b'}'));
    events.sort_by_key(|e| e.offset);

    let Some(first) = tokens.first() else {
        return;
    };
    let start = split_gap(source, None, Some(first.0 as usize));
    let mut upcoming_leading = start.leading;
    let mut upcoming_detached = start.detached;
    for ev in events {
        let Ok(k) = tokens.binary_search_by_key(&ev.offset, |t| t.0) else {
            continue;
        };
        let next = tokens.get(k + 1).map(|t| t.0 as usize);
        let gap = split_gap(source, Some(tokens[k].1 as usize), next);
        let leading = std::mem::replace(&mut upcoming_leading, gap.leading);
        match ev.slot {
            Some(c) => {
                let detached = std::mem::replace(&mut upcoming_detached, gap.detached);
                c.leading = leading.filter(|s| !s.is_empty());
                c.trailing = Some(gap.trailing).filter(|s| !s.is_empty());
                c.detached = detached;
            }
            None if bytes.get(ev.offset as usize) == Some(&b'}') => {
                upcoming_detached = gap.detached
            }
            None => upcoming_detached.extend(gap.detached),
        }
    }
}

fn semi<'a>(events: &mut Vec<Event<'a>>, span: crate::span::Span, c: &'a mut Comments) {
    events.push(Event {
        offset: span.end.saturating_sub(1),
        slot: Some(c),
        close: false,
    });
}

fn empty(events: &mut Vec<Event<'_>>, span: crate::span::Span) {
    events.push(Event {
        offset: span.start,
        slot: None,
        close: false,
    });
}

fn close(events: &mut Vec<Event<'_>>, span: crate::span::Span) {
    events.push(Event {
        offset: span.end.saturating_sub(1),
        slot: None,
        close: true,
    });
}

fn message<'a>(events: &mut Vec<Event<'a>>, m: &'a mut Message) {
    let Message { body, comments, .. } = m;
    events.push(Event {
        offset: body.span.start,
        slot: Some(comments),
        close: false,
    });
    message_body(events, body);
}

fn message_body<'a>(events: &mut Vec<Event<'a>>, body: &'a mut MessageBody) {
    close(events, body.span);
    for item in body.items.iter_mut() {
        match item {
            MessageItem::Field(f) => field(events, f),
            MessageItem::Oneof(o) => {
                let Oneof {
                    name,
                    items,
                    span,
                    comments,
                } = o;
                // The `{` follows the oneof's name directly.
                events.push(Event {
                    offset: name.span.end,
                    slot: Some(comments),
                    close: false,
                });
                fix_brace(events);
                close(events, *span);
                for it in items.iter_mut() {
                    match it {
                        OneofItem::Field(f) => field(events, f),
                        OneofItem::Option(o) => semi(events, o.span, &mut o.comments),
                        OneofItem::Empty(s) => empty(events, *s),
                    }
                }
            }
            MessageItem::Message(m) => message(events, m),
            MessageItem::Enum(e) => enumeration(events, e),
            MessageItem::Extend(e) => extend(events, e),
            MessageItem::Extensions(e) => semi(events, e.span, &mut e.comments),
            MessageItem::Reserved(r) => semi(events, r.span, &mut r.comments),
            MessageItem::Option(o) => semi(events, o.span, &mut o.comments),
            MessageItem::Empty(s) => empty(events, *s),
        }
    }
}

/// Marks the last pushed event as "the first `{` at or after this offset", resolved later.
fn fix_brace(events: &mut [Event<'_>]) {
    if let Some(e) = events.last_mut() {
        e.offset |= BRACE_FLAG;
    }
}

/// Set on an event offset that still needs resolving to the next `{` token.
const BRACE_FLAG: u32 = 1 << 31;

fn field<'a>(events: &mut Vec<Event<'a>>, f: &'a mut Field) {
    let Field {
        kind,
        span,
        comments,
        ..
    } = f;
    match kind {
        FieldKind::Group { body, .. } => {
            events.push(Event {
                offset: body.span.start,
                slot: Some(comments),
                close: false,
            });
            message_body(events, body);
        }
        _ => semi(events, *span, comments),
    }
}

fn enumeration<'a>(events: &mut Vec<Event<'a>>, e: &'a mut Enum) {
    let Enum {
        name,
        items,
        span,
        comments,
        ..
    } = e;
    events.push(Event {
        offset: name.span.end,
        slot: Some(comments),
        close: false,
    });
    fix_brace(events);
    close(events, *span);
    for it in items.iter_mut() {
        match it {
            EnumItem::Value(v) => semi(events, v.span, &mut v.comments),
            EnumItem::Option(o) => semi(events, o.span, &mut o.comments),
            EnumItem::Reserved(r) => semi(events, r.span, &mut r.comments),
            EnumItem::Empty(s) => empty(events, *s),
        }
    }
}

fn service<'a>(events: &mut Vec<Event<'a>>, s: &'a mut Service) {
    let Service {
        name,
        items,
        span,
        comments,
    } = s;
    events.push(Event {
        offset: name.span.end,
        slot: Some(comments),
        close: false,
    });
    fix_brace(events);
    close(events, *span);
    for it in items.iter_mut() {
        match it {
            ServiceItem::Method(m) => {
                let Method {
                    output,
                    options,
                    span,
                    comments,
                    ..
                } = m;
                events.push(Event {
                    offset: output.ty.span.end,
                    slot: Some(comments),
                    close: false,
                });
                // Either `;` or `{` comes after the closing parenthesis.
                fix_brace(events);
                if let Some(last) = events.last_mut() {
                    last.offset |= SEMI_OK_FLAG;
                }
                close(events, *span);
                for o in options.iter_mut() {
                    semi(events, o.span, &mut o.comments);
                }
            }
            ServiceItem::Option(o) => semi(events, o.span, &mut o.comments),
            ServiceItem::Empty(s) => empty(events, *s),
        }
    }
}

/// Set on an event offset that may resolve to a `;` as well as a `{`.
const SEMI_OK_FLAG: u32 = 1 << 30;

fn extend<'a>(events: &mut Vec<Event<'a>>, e: &'a mut Extend) {
    let Extend {
        extendee,
        fields,
        span,
        comments,
    } = e;
    events.push(Event {
        offset: extendee.span.end,
        slot: Some(comments),
        close: false,
    });
    fix_brace(events);
    close(events, *span);
    for f in fields.iter_mut() {
        field(events, f);
    }
}

/// Splits the text between the token ending at `prev_end` (`None` at the start of the file)
/// and the token starting at `next_start` (`None` at the end) as protoc's tokenizer does.
pub(crate) fn split_gap(source: &str, prev_end: Option<usize>, next_start: Option<usize>) -> Gap {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let from = prev_end.unwrap_or(bom);
    let to = next_start.unwrap_or(source.len()).max(from);
    // Both ends are token boundaries, so the slice is whole characters.
    let text = source
        .get(from.min(source.len())..to.min(source.len()))
        .unwrap_or("");
    let next_is_closer = next_start
        .and_then(|n| source.as_bytes().get(n))
        .is_some_and(|b| matches!(b, b'}' | b']' | b')'));
    let mut s = Scan {
        text,
        pos: 0,
        line: 0,
    };
    let mut c = Collector::default();
    let mut trailing_end_line: Option<u32> = None;
    if prev_end.is_none() {
        c.can_attach_to_prev = false;
    } else {
        c.can_attach_to_prev = true;
        s.skip_ws();
        match s.comment_start() {
            Some(true) => {
                trailing_end_line = Some(s.line);
                let t = s.line_comment();
                c.line_buffer(s.left()).push_str(t);
                c.flush();
            }
            Some(false) => {
                s.block_comment(c.block_buffer(s.left()));
                trailing_end_line = Some(s.line);
                s.skip_ws();
                c.flush();
            }
            None => {
                if !s.eat(b'\n') {
                    return c.finish();
                }
            }
        }
    }
    loop {
        s.skip_ws();
        match s.comment_start() {
            Some(true) => {
                let t = s.line_comment();
                c.line_buffer(s.left()).push_str(t);
            }
            Some(false) => {
                s.block_comment(c.block_buffer(s.left()));
                s.skip_ws();
                s.eat(b'\n');
            }
            None => {
                if s.eat(b'\n') {
                    c.flush();
                    c.can_attach_to_prev = false;
                } else {
                    let result = next_start.is_some();
                    if !result || next_is_closer {
                        c.flush();
                    }
                    let same_line = prev_end.is_some() && s.line == 0;
                    if result && (same_line || trailing_end_line == Some(s.line)) {
                        c.maybe_detach();
                    }
                    return c.finish();
                }
            }
        }
    }
}

/// A cursor over the text between two tokens, counting lines. Every position it stops at is
/// next to an ASCII byte, so slicing `text` there never splits a character.
struct Scan<'t> {
    text: &'t str,
    pos: usize,
    line: u32,
}

impl<'t> Scan<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// How many bytes are left after the cursor.
    fn left(&self) -> usize {
        self.text.len().saturating_sub(self.pos)
    }

    /// The text from `start` to the cursor.
    fn since(&self, start: usize) -> &'t str {
        self.text.get(start..self.pos).unwrap_or("")
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
            }
            true
        } else {
            false
        }
    }

    /// Skips whitespace other than newlines.
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | 0x0B | 0x0C)) {
            self.pos += 1;
        }
    }

    /// `Some(true)` before `//`, `Some(false)` before `/*`; consumes the opener.
    fn comment_start(&mut self) -> Option<bool> {
        if self.peek() != Some(b'/') {
            return None;
        }
        match self.text.as_bytes().get(self.pos + 1) {
            Some(b'/') => {
                self.pos += 2;
                Some(true)
            }
            Some(b'*') => {
                self.pos += 2;
                Some(false)
            }
            _ => None,
        }
    }

    /// The rest of a line comment, newline included.
    fn line_comment(&mut self) -> &'t str {
        let start = self.pos;
        // `str::find` with a `char` searches word by word (memchr), not byte by byte.
        let rest = self.text.get(self.pos..).unwrap_or("");
        match rest.find('\n') {
            Some(i) => {
                self.pos += i + 1;
                self.line += 1;
            }
            None => self.pos = self.text.len(),
        }
        self.since(start)
    }

    /// Appends the body of a block comment to `out`, decoration stripped the way protoc
    /// strips it.
    fn block_comment(&mut self, out: &mut String) {
        let mut rec = self.pos;
        loop {
            while let Some(b) = self.peek() {
                if matches!(b, b'*' | b'/' | b'\n') {
                    break;
                }
                self.pos += 1;
            }
            if self.eat(b'\n') {
                out.push_str(self.since(rec));
                self.skip_ws();
                if self.eat(b'*') && self.eat(b'/') {
                    return;
                }
                rec = self.pos;
            } else if self.peek() == Some(b'*') {
                self.pos += 1;
                if self.eat(b'/') {
                    out.push_str(self.text.get(rec..self.pos - 2).unwrap_or(""));
                    return;
                }
            } else if self.peek() == Some(b'/') {
                self.pos += 1;
            } else {
                out.push_str(self.since(rec));
                return;
            }
        }
    }
}

/// protoc's comment collector: buffers consecutive line comments, decides between trailing,
/// detached and leading.
#[derive(Default)]
struct Collector {
    gap: Gap,
    buffer: String,
    has_comment: bool,
    is_line_comment: bool,
    can_attach_to_prev: bool,
    has_trailing: bool,
    num_comments: usize,
}

impl Collector {
    /// The buffer to append a line comment to; `left` (the bytes left in the gap) bounds the
    /// size of the comment, so a fresh buffer is allocated once rather than grown line by line.
    fn line_buffer(&mut self, left: usize) -> &mut String {
        if self.has_comment && !self.is_line_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = true;
        self.reserved(left)
    }

    /// The buffer to append a block comment to (see [`Collector::line_buffer`]).
    fn block_buffer(&mut self, left: usize) -> &mut String {
        if self.has_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = false;
        self.reserved(left)
    }

    fn reserved(&mut self, left: usize) -> &mut String {
        if self.buffer.capacity() == 0 {
            self.buffer.reserve(left);
        }
        &mut self.buffer
    }

    fn clear_buffer(&mut self) {
        self.buffer.clear();
        self.has_comment = false;
    }

    fn flush(&mut self) {
        if self.has_comment {
            if self.can_attach_to_prev {
                if self.gap.trailing.is_empty() {
                    self.gap.trailing = std::mem::take(&mut self.buffer);
                } else {
                    self.gap.trailing.push_str(&self.buffer);
                }
                self.has_trailing = true;
                self.can_attach_to_prev = false;
            } else {
                self.gap.detached.push(std::mem::take(&mut self.buffer));
            }
            self.clear_buffer();
            self.num_comments += 1;
        }
    }

    fn maybe_detach(&mut self) {
        let mut count = self.num_comments;
        if self.has_comment {
            count += 1;
        }
        if count == 1 {
            if self.has_trailing {
                let t = std::mem::take(&mut self.gap.trailing);
                self.gap.detached.insert(0, t);
            }
            self.flush();
        }
    }

    fn finish(mut self) -> Gap {
        if self.has_comment {
            self.gap.leading = Some(std::mem::take(&mut self.buffer));
        }
        self.gap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_comment_decoration_is_stripped_like_protoc() {
        // protoc stores `/**\n * a\n *   b\n */` as "*\n a\n   b\n".
        let src = "x;\n/**\n * a\n *   b\n */\ny";
        let gap = split_gap(src, Some(2), Some(src.len() - 1));
        assert_eq!(gap.leading.as_deref(), Some("*\n a\n   b\n"));
        assert!(gap.trailing.is_empty());
    }

    #[test]
    fn trailing_detached_and_leading() {
        let src = "x; // t\n\n// d\n\n// l1\n// l2\ny";
        let gap = split_gap(src, Some(2), Some(src.len() - 1));
        assert_eq!(gap.trailing, " t\n");
        assert_eq!(gap.detached, vec![" d\n".to_string()]);
        assert_eq!(gap.leading.as_deref(), Some(" l1\n l2\n"));
    }

    #[test]
    fn comment_before_closing_brace_is_not_leading() {
        // Nothing follows in the scope, so the comment on the next line trails `x;`.
        let src = "x;\n// c\n}";
        let gap = split_gap(src, Some(2), Some(src.len() - 1));
        assert_eq!(gap.leading, None);
        assert_eq!(gap.trailing, " c\n");
        // With a trailing comment already taken, it is detached instead.
        let src = "x; // t\n// c\n}";
        let gap = split_gap(src, Some(2), Some(src.len() - 1));
        assert_eq!(gap.leading, None);
        assert_eq!(gap.trailing, " t\n");
        assert_eq!(gap.detached, vec![" c\n".to_string()]);
    }

    #[test]
    fn non_ascii_text_and_unclosed_comments_are_kept_whole() {
        // Comment text is sliced at ASCII delimiters only, so multi-byte characters survive.
        let src = "x; // é\n/* ü\n * ß */\n// ∑\ny";
        let gap = split_gap(src, Some(2), Some(src.len() - 1));
        assert_eq!(gap.trailing, " é\n");
        assert_eq!(gap.detached, vec![" ü\n ß ".to_string()]);
        assert_eq!(gap.leading.as_deref(), Some(" ∑\n"));
        // A line comment at the very end has no newline; a block comment may be unclosed.
        let src = "x;\n// end";
        assert_eq!(split_gap(src, Some(2), None).trailing, " end");
        let src = "x;\n/* open ö";
        assert_eq!(split_gap(src, Some(2), None).trailing, " open ö");
    }
}
