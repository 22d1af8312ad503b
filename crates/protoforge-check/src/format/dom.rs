//! A tiny layout document: text, groups that render flat unless they hold a newline, and
//! indentation. Runs of spaces and newlines collapse to the widest of the run, and spaces
//! before a newline vanish, so the printer can ask for gaps freely.

/// When a piece of text renders.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Cond {
    Always,
    /// Only inside a group laid out on one line.
    Flat,
    /// Only inside a broken group (or outside any group).
    Broken,
}

#[derive(Debug)]
pub(crate) enum Node {
    Text(String, Cond),
    Group(Vec<Node>),
    Indent(Vec<Node>),
}

/// Builds a document through nested frames.
pub(crate) struct Doc {
    frames: Vec<(Frame, Vec<Node>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Root,
    Group,
    Indent,
}

impl Doc {
    pub fn new() -> Doc {
        Doc {
            frames: vec![(Frame::Root, Vec::new())],
        }
    }

    fn top(&mut self) -> &mut Vec<Node> {
        &mut self.frames.last_mut().expect("root frame").1
    }

    pub fn text(&mut self, text: impl Into<String>) {
        self.text_if(Cond::Always, text);
    }

    pub fn text_if(&mut self, cond: Cond, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.top().push(Node::Text(text, cond));
        }
    }

    pub fn space(&mut self) {
        self.text(" ");
    }

    pub fn newline(&mut self) {
        self.text("\n");
    }

    pub fn blankline(&mut self) {
        self.text("\n\n");
    }

    /// A newline in a broken group, nothing in a flat one.
    pub fn softbreak(&mut self) {
        self.text_if(Cond::Broken, "\n");
    }

    /// A newline in a broken group, a space in a flat one.
    pub fn softline(&mut self) {
        self.text_if(Cond::Flat, " ");
        self.softbreak();
    }

    pub fn open_group(&mut self) {
        self.frames.push((Frame::Group, Vec::new()));
    }

    pub fn open_indent(&mut self) {
        self.frames.push((Frame::Indent, Vec::new()));
    }

    /// Closes the innermost group or indent.
    pub fn close(&mut self) {
        if self.frames.len() < 2 {
            return;
        }
        let (frame, nodes) = self.frames.pop().expect("checked");
        let node = match frame {
            Frame::Group => Node::Group(nodes),
            _ => Node::Indent(nodes),
        };
        self.top().push(node);
    }

    /// Lays the document out with `indent` per level; the result ends with one newline.
    pub fn render(mut self, indent: &str) -> String {
        while self.frames.len() > 1 {
            self.close();
        }
        let nodes = std::mem::take(self.top());
        let mut p = Printer {
            out: String::new(),
            spaces: 0,
            newlines: 0,
            indent: String::new(),
            step: indent,
        };
        p.print(Cond::Broken, &nodes);
        if !p.out.ends_with('\n') {
            p.out.push('\n');
        }
        p.out
    }
}

/// Whether `nodes`, laid out flat, contain a newline.
fn breaks(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Text(t, cond) => *cond != Cond::Broken && t.contains('\n'),
        Node::Group(c) | Node::Indent(c) => breaks(c),
    })
}

struct Printer<'a> {
    out: String,
    spaces: usize,
    newlines: usize,
    indent: String,
    step: &'a str,
}

impl Printer<'_> {
    fn print(&mut self, cond: Cond, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Text(text, c) => {
                    if *c != Cond::Always && *c != cond {
                        continue;
                    }
                    if text.bytes().all(|b| b == b' ') {
                        self.spaces = self.spaces.max(text.len());
                    } else if text.bytes().all(|b| b == b'\n') {
                        self.newlines = self.newlines.max(text.len());
                    } else {
                        self.write(text);
                    }
                }
                Node::Group(children) => {
                    let c = if breaks(children) {
                        Cond::Broken
                    } else {
                        Cond::Flat
                    };
                    self.print(c, children);
                }
                Node::Indent(children) => {
                    let len = self.indent.len();
                    self.indent.push_str(self.step);
                    self.print(cond, children);
                    self.indent.truncate(len);
                }
            }
        }
    }

    fn write(&mut self, text: &str) {
        if self.newlines > 0 {
            for _ in 0..self.newlines {
                self.out.push('\n');
            }
            self.newlines = 0;
            self.spaces = 0;
            self.out.push_str(&self.indent);
        }
        for _ in 0..self.spaces {
            self.out.push(' ');
        }
        self.spaces = 0;
        self.out.push_str(text);
    }
}
