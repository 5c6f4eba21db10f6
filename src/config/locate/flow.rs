//! Flow values: flow collections (`{ floor: 0.8 }`, `[a, {b: c}]`, a whole JSON document)
//! and scalars.
//!
//! Part of the best-effort position index; never rejects input.

use super::{Entry, Kind, Node, Pos};

/// An indexed flow value and where it ended.
pub(super) struct Flow {
    pub node: Node,
    /// False when the text ran out before a collection was closed (it continues on a later
    /// line: re-read it with [`value`] over the rest of the document).
    pub closed: bool,
    /// The line of the value's last character, and the byte just past it.
    pub end_line: usize,
    pub end: usize,
}

/// Indexes the flow value at the start of `text`, which may run over several lines (the rest
/// of the document is fine: reading stops where the value ends). `line` is the 1-based line
/// and `col0` the 0-based column of `text`'s first character.
pub(super) fn value(text: &str, line: usize, col0: usize) -> Flow {
    let mut r = Reader {
        text,
        i: 0,
        closed: true,
        line,
        col: col0,
        synced: 0,
        depth: 0,
    };
    let node = r.value(false);
    let end_line = r.line_at(r.i.saturating_sub(1));
    Flow {
        node,
        closed: r.closed,
        end_line,
        end: r.i,
    }
}

/// Reads bytes: every character that matters to the structure is ASCII, and the other bytes
/// only pass through into the scalars, sliced at ASCII boundaries.
struct Reader<'a> {
    text: &'a str,
    i: usize,
    /// Cleared when a collection is cut off by the end of the text.
    closed: bool,
    /// The line and 0-based column (in characters) of byte `synced`.
    line: usize,
    col: usize,
    synced: usize,
    /// Collections open around `i`; past [`super::MAX_INDEXED_DEPTH`] the rest is skipped.
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    /// Moves the line bookkeeping forward to byte `to` (indices only ever grow).
    fn sync(&mut self, to: usize) {
        let bytes = self.text.as_bytes();
        while self.synced < to.min(bytes.len()) {
            match bytes[self.synced] {
                b'\n' => {
                    self.line += 1;
                    self.col = 0;
                }
                // A UTF-8 continuation byte is part of the character already counted.
                b if b & 0xC0 == 0x80 => {}
                _ => self.col += 1,
            }
            self.synced += 1;
        }
    }

    fn line_at(&mut self, i: usize) -> usize {
        self.sync(i);
        self.line
    }

    fn pos(&mut self) -> Pos {
        self.sync(self.i);
        Pos {
            line: self.line,
            column: self.col + 1,
        }
    }

    /// Skips whitespace and `# comments` (a `#` after whitespace or at the start).
    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(c) = self.peek() {
            let after_space = self.i == 0 || bytes[self.i - 1].is_ascii_whitespace();
            if c == b'#' && after_space {
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.i += 1;
                }
            } else if c.is_ascii_whitespace() {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self, in_flow: bool) -> Node {
        self.skip_ws();
        let pos = self.pos();
        let kind = match self.peek() {
            Some(b'{' | b'[') if self.depth >= super::MAX_INDEXED_DEPTH => {
                Kind::Scalar(self.skip_collection())
            }
            Some(b'{') => self.nested(Self::map),
            Some(b'[') => self.nested(Self::seq),
            Some(q @ (b'"' | b'\'')) => Kind::Scalar(self.quoted(q)),
            _ => Kind::Scalar(self.plain(in_flow, false)),
        };
        Node { pos, kind }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Kind) -> Kind {
        self.depth += 1;
        let kind = read(self);
        self.depth -= 1;
        kind
    }

    /// Steps over a collection nested too deep to index, without recursing: the parser rejects
    /// the document anyway, and the index must not overflow the stack on the way.
    fn skip_collection(&mut self) -> String {
        let mut open = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'"' | b'\'' => {
                    self.quoted(c);
                    continue;
                }
                b'[' | b'{' => open += 1,
                b']' | b'}' => {
                    open -= 1;
                    if open == 0 {
                        self.i += 1;
                        return String::new();
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
        self.closed = false;
        String::new()
    }

    fn quoted(&mut self, q: u8) -> String {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                _ if escaped => escaped = false,
                b'\\' if q == b'"' => escaped = true,
                _ if c == q => return self.text[start..self.i - 1].to_string(),
                _ => {}
            }
        }
        self.text[start..].to_string()
    }

    /// A plain scalar: in flow context it ends at `,` `]` `}` (and, for a key, at `: `).
    fn plain(&mut self, in_flow: bool, is_key: bool) -> String {
        let start = self.i;
        let bytes = self.text.as_bytes();
        while let Some(c) = self.peek() {
            let next = bytes.get(self.i + 1).copied();
            let key_end =
                c == b':' && next.is_none_or(|n| n.is_ascii_whitespace() || b",]}".contains(&n));
            if in_flow && (b",]}".contains(&c) || (is_key && key_end)) {
                break;
            }
            self.i += 1;
        }
        self.text[start..self.i].trim().to_string()
    }

    fn map(&mut self) -> Kind {
        self.i += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    self.closed = false;
                    break;
                }
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let key_pos = self.pos();
            let key = match self.peek() {
                Some(q @ (b'"' | b'\'')) => self.quoted(q),
                _ => self.plain(true, true),
            };
            self.skip_ws();
            let value = if self.peek() == Some(b':') {
                self.i += 1;
                self.value(true)
            } else {
                Node {
                    pos: self.pos(),
                    kind: Kind::Scalar(String::new()),
                }
            };
            entries.push(Entry {
                key,
                key_pos,
                value,
            });
        }
        Kind::Map(entries)
    }

    fn seq(&mut self) -> Kind {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    self.closed = false;
                    break;
                }
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                _ => items.push(self.value(true)),
            }
        }
        Kind::Seq(items)
    }
}
