//! Single-line values: flow collections (`{ floor: 0.8 }`, `[a, {b: c}]`) and scalars.
//!
//! Part of the best-effort position index; never rejects input.

use super::{Entry, Kind, Node, Pos};

/// Indexes a value written on one line: a flow collection or a scalar. `col0` is the 0-based
/// column of `text`'s first character.
pub(super) fn inline(text: &str, line: usize, col0: usize) -> Node {
    let mut f = Flow {
        chars: text.chars().collect(),
        i: 0,
        line,
        col0,
    };
    f.value(false)
}

struct Flow {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col0: usize,
}

impl Flow {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.col0 + self.i + 1,
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    fn value(&mut self, in_flow: bool) -> Node {
        self.skip_ws();
        let pos = self.pos();
        let kind = match self.peek() {
            Some('{') => self.map(),
            Some('[') => self.seq(),
            Some(q @ ('"' | '\'')) => Kind::Scalar(self.quoted(q)),
            _ => Kind::Scalar(self.plain(in_flow, false)),
        };
        Node { pos, kind }
    }

    fn quoted(&mut self, q: char) -> String {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                _ if escaped => escaped = false,
                '\\' if q == '"' => escaped = true,
                _ if c == q => return self.chars[start..self.i - 1].iter().collect(),
                _ => {}
            }
        }
        self.chars[start..].iter().collect()
    }

    /// A plain scalar: in flow context it ends at `,` `]` `}` (and, for a key, at `: `).
    fn plain(&mut self, in_flow: bool, is_key: bool) -> String {
        let start = self.i;
        while let Some(c) = self.peek() {
            let next = self.chars.get(self.i + 1).copied();
            let key_end = c == ':' && next.is_none_or(|n| n.is_whitespace() || ",]}".contains(n));
            if in_flow && (",]}".contains(c) || (is_key && key_end)) {
                break;
            }
            self.i += 1;
        }
        self.chars[start..self.i]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }

    fn map(&mut self) -> Kind {
        self.i += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some('}') => {
                    self.i += 1;
                    break;
                }
                Some(',') => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let key_pos = self.pos();
            let key = match self.peek() {
                Some(q @ ('"' | '\'')) => self.quoted(q),
                _ => self.plain(true, true),
            };
            self.skip_ws();
            let value = if self.peek() == Some(':') {
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
                None => break,
                Some(']') => {
                    self.i += 1;
                    break;
                }
                Some(',') => {
                    self.i += 1;
                    continue;
                }
                _ => items.push(self.value(true)),
            }
        }
        Kind::Seq(items)
    }
}
