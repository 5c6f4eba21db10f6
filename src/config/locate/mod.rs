//! A position index over YAML text: the line and column where a key path starts.
//!
//! serde_yaml gives positions only for its own errors and keeps no spans on parsed values, so
//! checks that run after parsing (a dataset that does not exist, a floor of 1.5) find their
//! position here by scanning the source text. Best effort by design: block mappings and
//! sequences and flow collections (`{ floor: 0.8 }`, `[a, b]`, a whole JSON document over many
//! lines) are indexed; the contents of block scalars and multi-line plain or quoted scalars are
//! not. A miss falls back to the deepest ancestor found, never to an error: this module must not
//! reject any input (serde_yaml is the parser of record).
//!
//! This file owns the outline's types and its lookups by key path; the reading is split by
//! syntax: [`block`] walks indented lines, [`flow`] reads flow collections and scalars.

mod block;
mod flow;

/// How deep the index follows nested collections. Above what the YAML parser accepts
/// ([`crate::input::MAX_DEPTH`]), so that every document it parses is indexed whole; the bound
/// keeps the recursive descent from overflowing the stack on a hostile file.
const MAX_INDEXED_DEPTH: usize = crate::input::MAX_DEPTH + 8;

/// A 1-based line and column (in characters), as serde_yaml reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// `Seg::Key` from anything string-like (keeps call sites short).
pub(crate) fn key(k: impl Into<String>) -> Seg {
    Seg::Key(k.into())
}

/// Parses a serde_yaml error path such as `suites[0].dataset` or `.[1].expect.calls[2]`.
pub(crate) fn parse_path(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in s.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Seg::Key(name.to_string()));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(Seg::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

#[derive(Debug)]
pub(crate) struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    /// The scalar's text without quotes (escapes not processed); `|`/`>` for block scalars.
    Scalar(String),
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    fn child(&self, seg: &Seg) -> Option<&Node> {
        match (&self.kind, seg) {
            (Kind::Map(entries), Seg::Key(k)) => {
                entries.iter().find(|e| &e.key == k).map(|e| &e.value)
            }
            (Kind::Seq(items), Seg::Index(i)) => items.get(*i),
            _ => None,
        }
    }

    /// The entries with this key (more than one when the key is duplicated).
    pub fn entries<'a>(&'a self, k: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        let entries: &[Entry] = match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        };
        entries.iter().filter(move |e| e.key == k)
    }

    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// The index of one YAML document.
#[derive(Debug)]
pub(crate) struct Outline {
    root: Option<Node>,
}

impl Outline {
    pub fn parse(text: &str) -> Outline {
        Outline {
            root: block::index(text),
        }
    }

    pub fn node(&self, path: &[Seg]) -> Option<&Node> {
        path.iter()
            .try_fold(self.root.as_ref()?, |node, seg| node.child(seg))
    }

    /// The deepest node on `path` that exists (the root at least).
    fn deepest(&self, path: &[Seg]) -> (Option<&Node>, usize) {
        let mut node = self.root.as_ref();
        let mut depth = 0;
        for seg in path {
            match node.and_then(|n| n.child(seg)) {
                Some(c) => {
                    node = Some(c);
                    depth += 1;
                }
                None => break,
            }
        }
        (node, depth)
    }

    /// Where the value at `path` starts, or the deepest ancestor found.
    pub fn value_pos(&self, path: &[Seg]) -> Pos {
        self.deepest(path).0.map_or(Pos::START, |n| n.pos)
    }

    /// Where the key ending `path` is written (its value when the path ends in an index), or
    /// the deepest ancestor found.
    pub fn key_pos(&self, path: &[Seg]) -> Pos {
        if let Some((Seg::Key(k), parent)) = path.split_last()
            && let Some(e) = self.node(parent).and_then(|p| p.entries(k).next())
        {
            return e.key_pos;
        }
        self.value_pos(path)
    }
}

#[cfg(test)]
mod tests;
