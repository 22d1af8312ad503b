//! Comments: trailing, detached and closing-brace comments, and the gaps around them.

use super::*;

impl P<'_, '_> {
    pub(super) fn emit_trailing(&mut self, trailing: &[usize]) {
        for &t in trailing {
            if !self.t.is_comment(t) {
                continue;
            }
            let is_line = self.t.is_line_comment(t);
            if !is_line && self.ctx.trailing_block_on_new_line {
                self.doc.newline();
            } else {
                self.doc.space();
            }
            if self.ctx.line_to_block && is_line {
                self.emit_line_as_block(t);
            } else {
                self.emit_comment(t);
                if is_line {
                    // Nothing may follow a `//` comment on its line.
                    self.doc.newline();
                }
            }
        }
    }

    /// A `//` comment as `/* ... */`, for places where a line comment would swallow code.
    pub(super) fn emit_line_as_block(&mut self, t: usize) {
        let text = self.t.text(t).trim_end_matches([' ', '\t']);
        let body = text.strip_prefix("//").unwrap_or(text).replace("*/", "* /");
        self.doc.text(format!("/*{body} */"));
    }

    pub(super) fn emit_comma_trivia(&mut self, comma: Option<usize>) {
        if let Some(c) = comma
            && let Some(att) = self.tr.token(c)
        {
            self.emit_trailing(&att.trailing);
        }
    }

    pub(super) fn emit_slot(&mut self, trivia: &Detached, i: usize) {
        if let Some(slot) = trivia.slots.get(i) {
            self.pending.extend_from_slice(slot);
        }
    }

    pub(super) fn emit_remaining(&mut self, trivia: &Detached, from: usize) {
        for i in from..trivia.slots.len() {
            self.emit_slot(trivia, i);
        }
    }

    pub(super) fn emit_gap(&mut self, gap: Gap) {
        match gap {
            Gap::Space => self.doc.space(),
            Gap::Newline => self.doc.newline(),
            Gap::Softline => self.doc.softline(),
            Gap::Blankline => self.doc.blankline(),
            Gap::None | Gap::Inline | Gap::Preserve | Gap::PreserveTight => {}
        }
    }

    /// Prints the pending comments, then `gap`.
    pub(super) fn emit_trivia(&mut self, gap: Gap) {
        let after = match gap {
            Gap::Space => Gap::Space,
            Gap::Preserve | Gap::PreserveTight | Gap::Inline => Gap::None,
            _ => Gap::Softline,
        };
        let first = if gap == Gap::Inline { Gap::Space } else { gap };
        let inherit = |base: Gap, has_space: bool| {
            if matches!(gap, Gap::Preserve | Gap::PreserveTight) && has_space {
                Gap::Space
            } else {
                base
            }
        };
        let mut has_comment = false;
        let mut prev_is_line = false;
        let mut newline_run = 0usize;
        let mut has_non_newline_space = false;
        let mut pre_comment_newline = false;
        let pending = std::mem::take(&mut self.pending);
        for &tok in &pending {
            match self.t.kind(tok) {
                Kind::Newline => {
                    newline_run += 1;
                    if !has_comment {
                        pre_comment_newline = true;
                    }
                    continue;
                }
                Kind::Space => {
                    has_non_newline_space = true;
                    continue;
                }
                Kind::Comment => {}
                _ => continue,
            }
            let mut fg = inherit(first, has_non_newline_space);
            let ag = inherit(after, has_non_newline_space);
            if gap == Gap::PreserveTight && !has_comment {
                fg = first;
            }
            // Code follows on the same line: a `//` comment would swallow it.
            let inline = matches!(after, Gap::Space | Gap::None);
            if !has_comment {
                self.emit_gap(fg);
            } else if inline && newline_run < 2 {
                self.emit_gap(Gap::Space);
            } else {
                self.emit_gap(comment_gap(ag, prev_is_line, newline_run));
            }
            has_non_newline_space = false;
            newline_run = 0;
            prev_is_line = self.t.is_line_comment(tok);
            if inline && prev_is_line {
                self.emit_line_as_block(tok);
                prev_is_line = false;
            } else {
                self.emit_comment(tok);
            }
            has_comment = true;
        }
        if has_comment {
            if gap == Gap::Newline
                && !prev_is_line
                && newline_run == 0
                && pre_comment_newline
                && self.ctx.pair_leading_block
            {
                self.emit_gap(Gap::Space);
                return;
            }
            let mut fin = comment_gap(
                inherit(after, has_non_newline_space),
                prev_is_line,
                newline_run,
            );
            if gap == Gap::Newline && !prev_is_line && newline_run >= 1 && fin == Gap::Space {
                fin = Gap::Newline;
            }
            self.emit_gap(fin);
            return;
        }
        self.emit_gap(gap);
    }

    pub(super) fn emit_comment(&mut self, tok: usize) {
        let text = self.t.text(tok).trim_end_matches([' ', '\t']);
        if text.starts_with("/*") {
            self.emit_block_comment(text);
        } else {
            self.doc.text(text);
        }
    }

    /// A block comment over several lines, re-indented: a shared decoration character (`*`)
    /// is kept one space in; otherwise the lines keep their relative indentation, three in.
    pub(super) fn emit_block_comment(&mut self, text: &str) {
        let lines: Vec<&str> = text.split('\n').collect();
        if lines.len() <= 1 {
            self.doc.text(text);
            return;
        }
        let last = lines[lines.len() - 1].trim_start_matches([' ', '\t']);
        let standalone_close = last.trim_end_matches([' ', '\t']) == "*/";
        let mut min_indent: Option<usize> = None;
        let mut prefix: Option<u8> = None;
        let mut prefix_set = false;
        for line in &lines[1..] {
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed == "*/" {
                continue;
            }
            let indent = visual_indent(line);
            min_indent = Some(min_indent.map_or(indent, |m| m.min(indent)));
            let ch = trimmed.as_bytes()[0];
            if is_comment_prefix(ch) {
                if !prefix_set {
                    prefix = Some(ch);
                    prefix_set = true;
                } else if prefix != Some(ch) {
                    prefix = None;
                }
            } else {
                prefix = None;
            }
        }
        let min_indent = min_indent.unwrap_or(0);
        self.doc.text(lines[0].trim_end_matches([' ', '\t']));
        let end = if standalone_close {
            lines.len() - 1
        } else {
            lines.len()
        };
        let mut pending_newlines = 0;
        for line in &lines[1..end] {
            pending_newlines += 1;
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() {
                continue;
            }
            let content = if prefix.is_some() {
                format!(" {}", trimmed.trim_end_matches([' ', '\t']))
            } else {
                let l = unindent(line, min_indent);
                let l = l.trim_end_matches([' ', '\t']);
                if l.is_empty() {
                    continue;
                }
                format!("   {l}")
            };
            self.doc.text("\n".repeat(pending_newlines));
            self.doc.text(content);
            pending_newlines = 0;
        }
        if standalone_close {
            pending_newlines += 1;
            self.doc.text("\n".repeat(pending_newlines));
            self.doc
                .text(if prefix == Some(b'*') { " */" } else { "*/" });
        }
    }

    pub(super) fn extract_close_comments(&self, close: usize) -> (Vec<usize>, Vec<usize>) {
        match self.tr.token(close) {
            Some(att) if has_comment(self.t, &att.leading) => {
                (att.leading.clone(), att.trailing.clone())
            }
            _ => (Vec::new(), Vec::new()),
        }
    }

    pub(super) fn extract_open_trailing(&self, open: usize) -> Vec<usize> {
        match self.tr.token(open) {
            Some(att) if has_comment(self.t, &att.trailing) => att.trailing.clone(),
            _ => Vec::new(),
        }
    }

    pub(super) fn emit_close_tok(
        &mut self,
        close: usize,
        text: &str,
        comments: &[usize],
        trailing: &[usize],
    ) {
        if comments.is_empty() {
            self.token_as(close, Gap::Newline, text);
        } else {
            self.emit_gap(Gap::Newline);
            self.doc.text(text);
            self.emit_trailing(trailing);
        }
    }

    pub(super) fn emit_close_comments(&mut self, comments: &[usize], blank_before_close: bool) {
        let pending = std::mem::take(&mut self.pending);
        for &t in &pending {
            if self.t.is_comment(t) {
                self.emit_gap(Gap::Newline);
                self.emit_comment(t);
            }
        }
        let mut gap = if blank_before_close {
            Gap::Blankline
        } else {
            Gap::Newline
        };
        let mut newline_run = 0;
        for &t in comments {
            match self.t.kind(t) {
                Kind::Newline => {
                    newline_run += 1;
                    continue;
                }
                Kind::Comment => {}
                _ => continue,
            }
            if newline_run >= 2 {
                gap = Gap::Blankline;
            }
            newline_run = 0;
            self.emit_gap(gap);
            self.emit_comment(t);
            gap = Gap::Newline;
        }
    }

    /// The non-trivia tokens directly inside fused `open`.
    pub(super) fn children(&self, open: usize) -> Vec<usize> {
        let mut c = self.t.children(open);
        let mut out = Vec::new();
        while let Some(i) = self.t.next(&mut c) {
            if !self.t.skippable(i) {
                out.push(i);
            }
        }
        out
    }

    pub(super) fn scope_has_attached_comments(&self, open: usize) -> bool {
        let t = self.t;
        if let Some(att) = self.tr.token(open)
            && has_comment(t, &att.trailing)
        {
            return true;
        }
        if let Some(close) = t.close_of(open)
            && let Some(att) = self.tr.token(close)
            && has_comment(t, &att.leading)
        {
            return true;
        }
        self.children(open).into_iter().any(|i| {
            self.tr
                .token(i)
                .is_some_and(|a| has_comment(t, &a.leading) || has_comment(t, &a.trailing))
        })
    }

    pub(super) fn scope_has_uninlineable_leading_comments(&self, open: usize) -> bool {
        self.children(open).into_iter().any(|i| {
            let Some(att) = self.tr.token(i) else {
                return false;
            };
            let mut saw_newline = false;
            for &t in &att.leading {
                match self.t.kind(t) {
                    Kind::Newline => saw_newline = true,
                    Kind::Comment if self.t.is_line_comment(t) || saw_newline => return true,
                    _ => {}
                }
            }
            false
        })
    }
}

pub(super) fn comment_gap(context: Gap, is_line: bool, blank_run: usize) -> Gap {
    if blank_run >= 2 {
        Gap::Blankline
    } else if is_line {
        Gap::Newline
    } else {
        context
    }
}

pub(super) fn ends_with_inline_block_comment(t: &Tokens<'_>, toks: &[usize]) -> bool {
    let mut in_block = false;
    for &tok in toks {
        match t.kind(tok) {
            Kind::Comment => in_block = !t.is_line_comment(tok),
            Kind::Newline => in_block = false,
            _ => {}
        }
    }
    in_block
}

pub(super) fn is_comment_prefix(ch: u8) -> bool {
    (b'!'..=b'~').contains(&ch) && !ch.is_ascii_alphanumeric()
}

pub(super) fn visual_indent(line: &str) -> usize {
    let mut indent = 0;
    for c in line.chars() {
        match c {
            ' ' => indent += 1,
            '\t' => indent += 8 - indent % 8,
            _ => return indent,
        }
    }
    indent
}

pub(super) fn unindent(line: &str, n: usize) -> String {
    let mut pos = 0;
    for (i, c) in line.char_indices() {
        if pos == n {
            return line[i..].to_string();
        }
        if pos > n {
            return format!("{}{}", " ".repeat(pos - n), &line[i..]);
        }
        match c {
            ' ' => pos += 1,
            '\t' => pos += 8 - pos % 8,
            _ => return line[i..].to_string(),
        }
    }
    String::new()
}
