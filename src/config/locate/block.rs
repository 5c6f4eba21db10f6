//! The block-style indexer: reads a document a line at a time (indentation, `key:` lines,
//! `- ` items) and builds the [`Outline`](super::Outline)'s nodes; flow values it meets are
//! handed to [`flow`].
//!
//! Part of the best-effort position index: it must never reject input, only index less of it.

use super::flow;
use super::{Entry, Kind, MAX_INDEXED_DEPTH, Node, Pos};

/// The root node of `text`, or `None` for a document with no content.
pub(super) fn index(text: &str) -> Option<Node> {
    let mut p = Parser {
        text,
        cur: None,
        next: 0,
        next_no: 1,
        depth: 0,
    };
    p.advance();
    p.current().map(|l| l.indent).map(|indent| p.node(indent))
}

/// A non-blank line without its comment; `indent` is the 0-based column where `text` starts
/// and `start` the byte offset of the raw line in the document.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
    start: usize,
}

/// `raw` (line `no`, at byte `start`) as a logical line, or `None` for a blank line, a comment,
/// a document marker or a directive.
fn logical(raw: &str, no: usize, start: usize) -> Option<Line<'_>> {
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let content = raw.trim_start_matches(' ');
    let indent = raw.len() - content.len();
    let content = strip_comment(content).trim_end();
    let is_marker = content == "---" || content == "..." || content.starts_with("--- ");
    if content.is_empty() || is_marker || content.starts_with('%') {
        return None;
    }
    Some(Line {
        no,
        indent,
        text: content,
        start,
    })
}

/// Cuts a ` # comment`, leaving `#` inside quoted scalars alone.
fn strip_comment(s: &str) -> &str {
    let (mut in_dq, mut in_sq, mut escaped) = (false, false, false);
    let mut prev_token = None::<char>;
    let mut prev = None::<char>;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_dq {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_dq = false,
                _ => {}
            }
        } else if in_sq {
            if c == '\'' {
                if chars.peek().map(|&(_, n)| n) == Some('\'') {
                    chars.next();
                } else {
                    in_sq = false;
                }
            }
        } else {
            // A quote opens a quoted scalar only where a token starts; `it's` is plain text.
            let at_token_start = matches!(prev_token, None | Some(':' | '-' | '[' | '{' | ','));
            match c {
                '"' if at_token_start => in_dq = true,
                '\'' if at_token_start => in_sq = true,
                '#' if prev.is_none_or(char::is_whitespace) => return &s[..i],
                _ => {}
            }
        }
        if !c.is_whitespace() {
            prev_token = Some(c);
        }
        prev = Some(c);
    }
    s
}

/// Reads the document a line at a time, on demand: a document that is one flow collection (a
/// JSON dataset) is handed to [`flow`] whole and never split into lines.
struct Parser<'a> {
    text: &'a str,
    /// The line being read (rewritten for `- key:` items), `None` at the end.
    cur: Option<Line<'a>>,
    /// Byte offset and number of the next raw line.
    next: usize,
    next_no: usize,
    /// Nodes open around the current line (see [`MAX_INDEXED_DEPTH`]).
    depth: usize,
}

impl<'a> Parser<'a> {
    fn current(&self) -> Option<&Line<'a>> {
        self.cur.as_ref()
    }

    /// Moves to the next logical line.
    fn advance(&mut self) {
        self.cur = None;
        while self.next < self.text.len() {
            let rest = &self.text[self.next..];
            let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let (start, no) = (self.next, self.next_no);
            self.next += len;
            self.next_no += 1;
            let raw = rest[..len].strip_suffix('\n').unwrap_or(&rest[..len]);
            if let Some(line) = logical(raw, no, start) {
                self.cur = Some(line);
                return;
            }
        }
    }

    /// Parses the node starting at the current line, whose indent is `indent`.
    fn node(&mut self, indent: usize) -> Node {
        let line = self.cur.expect("node() is called on a line");
        if self.depth >= MAX_INDEXED_DEPTH {
            self.advance();
            self.skip_deeper(indent);
            return Node {
                pos: Pos {
                    line: line.no,
                    column: indent + 1,
                },
                kind: Kind::Scalar(String::new()),
            };
        }
        self.depth += 1;
        let node = self.node_within(indent, line);
        self.depth -= 1;
        node
    }

    fn node_within(&mut self, indent: usize, line: Line<'a>) -> Node {
        if is_seq_item(line.text) {
            self.seq(indent)
        } else if split_key(line.text).is_some() {
            self.map(indent)
        } else {
            self.advance();
            self.flow(line, line.indent, line.indent, indent)
        }
    }

    /// The flow value or scalar that starts `line` at byte `byte_col` (character column `col0`),
    /// after which the parser moves past its lines (the caller has advanced past `line`). A
    /// flow collection left open on its line (a JSON document, a list over several lines) is
    /// read on through the document until it closes.
    fn flow(&mut self, line: Line<'a>, byte_col: usize, col0: usize, indent: usize) -> Node {
        let one_line = flow::value(&line.text[byte_col - line.indent..], line.no, col0);
        if one_line.closed {
            self.skip_deeper(indent);
            return one_line.node;
        }
        let start = line.start + byte_col;
        let whole = flow::value(&self.text[start..], line.no, col0);
        // Go on after the line the collection closed on.
        let end = start + whole.end;
        self.next = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |i| end + i + 1);
        self.next_no = whole.end_line + 1;
        self.advance();
        self.skip_deeper(indent);
        whole.node
    }

    fn skip_deeper(&mut self, indent: usize) {
        while self.current().is_some_and(|l| l.indent > indent) {
            self.advance();
        }
    }

    fn seq(&mut self, indent: usize) -> Node {
        let pos = Pos {
            line: self.cur.map_or(0, |l| l.no),
            column: indent + 1,
        };
        let mut items = Vec::new();
        while let Some(line) = self.cur {
            if line.indent != indent || !is_seq_item(line.text) {
                break;
            }
            let rest = &line.text[1..];
            let item = rest.trim_start();
            if item.is_empty() {
                self.advance();
                match self.current() {
                    Some(next) if next.indent > indent => {
                        let deeper = next.indent;
                        items.push(self.node(deeper));
                    }
                    _ => items.push(Node {
                        pos: Pos {
                            line: line.no,
                            column: indent + 2,
                        },
                        kind: Kind::Scalar(String::new()),
                    }),
                }
            } else {
                // `- key: v` opens a mapping whose keys line up with `key`: re-read the rest of
                // the line as if it were a line of its own, indented that far.
                let item_indent = indent + 1 + (rest.len() - item.len());
                self.cur = Some(Line {
                    indent: item_indent,
                    text: item,
                    ..line
                });
                items.push(self.node(item_indent));
            }
        }
        Node {
            pos,
            kind: Kind::Seq(items),
        }
    }

    fn map(&mut self, indent: usize) -> Node {
        let pos = Pos {
            line: self.cur.map_or(0, |l| l.no),
            column: indent + 1,
        };
        let mut entries = Vec::new();
        while let Some(line) = self.cur {
            if line.indent != indent || is_seq_item(line.text) {
                break;
            }
            let Some((key, after)) = split_key(line.text) else {
                break;
            };
            let key_pos = Pos {
                line: line.no,
                column: indent + 1,
            };
            let (value_text, value_off) = value_start(line.text, after);
            let value_pos = Pos {
                line: line.no,
                column: indent + line.text[..value_off].chars().count() + 1,
            };
            self.advance();
            let value = if value_text.is_empty() {
                match self.current() {
                    Some(next) if next.indent > indent => {
                        let deeper = next.indent;
                        self.node(deeper)
                    }
                    // YAML allows a sequence under a key at the key's own indent.
                    Some(next) if next.indent == indent && is_seq_item(next.text) => {
                        self.seq(indent)
                    }
                    _ => Node {
                        pos: value_pos,
                        kind: Kind::Scalar(String::new()),
                    },
                }
            } else if value_text.starts_with(['|', '>']) {
                self.skip_deeper(indent);
                Node {
                    pos: value_pos,
                    kind: Kind::Scalar(value_text.chars().take(1).collect()),
                }
            } else {
                self.flow(line, line.indent + value_off, value_pos.column - 1, indent)
            };
            entries.push(Entry {
                key,
                key_pos,
                value,
            });
        }
        Node {
            pos,
            kind: Kind::Map(entries),
        }
    }
}

fn is_seq_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// The value text after a key's colon, past spaces, anchors (`&a`) and tags (`!t`), with its
/// byte offset in the line.
fn value_start(text: &str, after: usize) -> (&str, usize) {
    let mut off = after;
    loop {
        let rest = &text[off..];
        let trimmed = rest.trim_start();
        off += rest.len() - trimmed.len();
        if trimmed.starts_with(['&', '!']) {
            off += trimmed.find(' ').unwrap_or(trimmed.len());
        } else {
            return (trimmed, off);
        }
    }
}

/// `key: rest` → the key (unquoted) and the byte offset just past the colon.
fn split_key(text: &str) -> Option<(String, usize)> {
    let ends_key = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    if let Some(q) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = quoted_end(text, q)?;
        let after = text[close..].trim_start();
        let colon = text.len() - after.len();
        return (after.starts_with(':') && ends_key(&after[1..]))
            .then(|| (text[1..close - 1].to_string(), colon + 1));
    }
    if text.starts_with(['{', '[', '|', '>', '#']) {
        return None;
    }
    let idx = text
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| ends_key(&text[i + 1..]))?;
    Some((text[..idx].trim_end().to_string(), idx + 1))
}

/// The byte offset just past the quote that closes a scalar opened by `text`'s first char.
fn quoted_end(text: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            _ if escaped => escaped = false,
            '\\' if q == '"' => escaped = true,
            '\'' if q == '\'' && chars.peek().map(|&(_, n)| n) == Some('\'') => {
                chars.next();
            }
            _ if c == q => return Some(i + 1),
            _ => {}
        }
    }
    None
}
