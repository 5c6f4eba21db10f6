//! The only file that names `serde_yaml`: text → typed value, or a positioned [`Diagnostic`].
//!
//! Owns turning serde_yaml's messages into evalgate's style: the position moves out of the
//! text into `path:line:col`, values go in backticks, Rust type names become words, and a few
//! coarse positions (errors raised by `TryFrom` conversions, duplicate keys) are sharpened with
//! [`Outline`]. Must not check meaning (that is `check`/`dataset`); switching YAML crates must
//! stay a change to this file alone.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::de::DeserializeOwned;

use super::error::Diagnostic;
use super::locate::{Kind, Node, Outline, Pos, Seg, key, parse_path};

/// Parses `text` (shown to the user as `display`) into `T`: JSON text through serde_json
/// ([`parse_json`]), everything else, and anything serde_json rejects, through serde_yaml.
///
/// Both parsers stop at [`crate::input::MAX_DEPTH`] levels of nesting; that error is reported
/// here, before anything indexes the text.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, display: &Path) -> Result<T, Diagnostic> {
    let text = crate::input::strip_bom(text);
    if let Some((line, column)) = crate::input::too_deep_at(text) {
        return Err(too_deep(display, Pos { line, column }));
    }
    if let Some(value) = parse_json(text) {
        return Ok(value);
    }
    serde_yaml::from_str(text).map_err(|e| {
        let pos = e.location().map_or(Pos::START, |l| Pos {
            line: l.line(),
            column: l.column(),
        });
        let raw = e.to_string();
        if raw.starts_with("recursion limit exceeded") {
            return too_deep(display, pos);
        }
        diagnose(&raw, pos, text, display)
    })
}

fn too_deep(display: &Path, pos: Pos) -> Diagnostic {
    Diagnostic::new(display, pos.line, pos.column, crate::input::too_deep())
        .with_help(crate::input::too_deep_help())
}

/// `text` read by serde_json, when it is JSON after its leading comment lines; `None` otherwise.
///
/// YAML 1.2 is a superset of JSON, and generated datasets are often JSON: serde_json reads them
/// about ten times faster than the YAML parser, into the same values (both keep the last of
/// duplicated map keys; both reject a duplicated field). A fast path only: whatever serde_json
/// rejects (comments inside, YAML syntax, a wrong field) goes to the YAML parser, whose messages
/// are the ones users see.
fn parse_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    let mut rest = text.trim_start();
    while let Some(comment) = rest.strip_prefix('#') {
        rest = comment.split_once('\n').map_or("", |(_, r)| r).trim_start();
    }
    if !rest.starts_with(['[', '{']) {
        return None;
    }
    serde_json::from_str(rest).ok()
}

/// A value as YAML text: how `promote` writes dataset files (serde_yaml lives only here).
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// YAML text → JSON value (for validating files against the published JSON Schemas).
#[cfg(test)]
pub(crate) fn to_json(text: &str) -> Result<serde_json::Value, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

static MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r" at (?:line (\d+) column (\d+)|position \d+)").expect("valid regex")
});
static QUOTED_STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(string|char) "((?:[^"\\]|\\.)*)""#).expect("valid regex"));
static RUST_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"expected (?:u8|u16|u32|u64|usize|i8|i16|i32|i64|isize|f32|f64|struct \w+|a sequence|a map)\b")
        .expect("valid regex")
});

/// Builds the diagnostic for one serde_yaml error message reported at `pos`.
fn diagnose(raw: &str, pos: Pos, text: &str, display: &Path) -> Diagnostic {
    // libyaml's syntax errors carry a second mark for their context ("while scanning a quoted
    // scalar at line 3 column 8"): where a quote was opened is more useful than end of file.
    let marks: Vec<Pos> = MARK
        .captures_iter(raw)
        .filter_map(|c| {
            Some(Pos {
                line: c.get(1)?.as_str().parse().ok()?,
                column: c.get(2)?.as_str().parse().ok()?,
            })
        })
        .collect();
    let unmarked = MARK.replace_all(raw, "").replace(", while ", " while ");
    let (path, message) = split_path(&unmarked);
    let mut path = path.map(parse_path).unwrap_or_default();
    let mut message = readable(&message);
    let mut pos = pos;
    let outline = Outline::parse(text);

    let context = marks.get(1).copied();
    if message.contains("unexpected end of stream")
        && let Some(context) = context
    {
        pos = context;
    }
    if let Some(dup) = message
        .strip_prefix("duplicate field `")
        .and_then(|m| m.strip_suffix('`'))
        && let Some(second) = outline.node(&path).and_then(|n| n.entries(dup).nth(1))
    {
        pos = second.key_pos;
    }
    if let Some((index, item_pos)) = offending_call_item(&outline, &path, &message) {
        path.push(Seg::Index(index));
        pos = item_pos;
    }
    let (args_path, args_message) = args_error_path(&outline, &path, &message);
    if args_path.len() > path.len() {
        pos = outline.value_pos(&args_path);
        path = args_path;
        message = args_message;
    } else if message.starts_with("invalid regex") {
        // A `{regex: …}` name pattern (of a call or a `forbid` item): point at the pattern.
        let mut with_key = path.clone();
        with_key.push(key("regex"));
        if outline.node(&with_key).is_some() {
            pos = outline.value_pos(&with_key);
            path = with_key;
        }
    }

    // A dataset's cases are located by the position; `[3].` in front of every message is noise.
    if let Some(Seg::Index(_)) = path.first() {
        path.remove(0);
    }
    // "input: `input` messages need…" says the key twice.
    let names_itself =
        matches!(path.last(), Some(Seg::Key(k)) if message.starts_with(&format!("`{k}`")));
    let shown = if path.is_empty() || names_itself {
        message
    } else {
        format!("{}: {message}", render_path(&path))
    };
    let d = Diagnostic::new(display, pos.line, pos.column, shown);
    match help_for(raw, text, pos, context) {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// `agent.timeout_ms: invalid type…` → (`agent.timeout_ms`, `invalid type…`). A path has no
/// spaces or backticks; messages without one start with words (`invalid type: …`).
fn split_path(s: &str) -> (Option<&str>, String) {
    if let Some((head, rest)) = s.split_once(": ")
        && !head.is_empty()
        && !head.contains([' ', '`', '"'])
    {
        return (Some(head), rest.to_string());
    }
    (None, s.to_string())
}

/// Values in backticks, Rust type names as words, no doubled `error:` from nested errors.
fn readable(msg: &str) -> String {
    let msg = QUOTED_STRING.replace_all(msg, "$1 `$2`");
    let msg = RUST_TYPE.replace_all(&msg, |c: &regex::Captures| {
        let word = match &c[0]["expected ".len()..] {
            "f32" | "f64" => "a number",
            "a sequence" => "a list",
            t if t.starts_with('u') => "a non-negative integer",
            t if t.starts_with('i') => "an integer",
            _ => "a mapping",
        };
        format!("expected {word}")
    });
    msg.replace("unit value", "empty value")
        .replace("`: error: ", "`: ")
}

fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Errors from `ExpectItem`'s `TryFrom` are reported at the whole `calls` list; find the item.
fn offending_call_item(outline: &Outline, path: &[Seg], message: &str) -> Option<(usize, Pos)> {
    if !matches!(path.last(), Some(Seg::Key(k)) if k == "calls") {
        return None;
    }
    let Kind::Seq(items) = &outline.node(path)?.kind else {
        return None;
    };
    let has = |n: &Node, k: &str| n.entries(k).next().is_some();
    let empty = |n: &Node, k: &str| {
        n.entries(k).next().is_some_and(|e| match &e.value.kind {
            Kind::Seq(v) => v.is_empty(),
            Kind::Scalar(s) => s.is_empty(),
            Kind::Map(_) => false,
        })
    };
    let bad = |n: &Node| {
        if message.contains("not both") {
            has(n, "any_order") && (has(n, "name") || has(n, "args"))
        } else if message.contains("needs `name`") {
            !has(n, "name") && !has(n, "any_order")
        } else if message.contains("`name` must not be empty") {
            empty(n, "name")
        } else if message.contains("`any_order` block needs") {
            empty(n, "any_order")
        } else {
            false
        }
    };
    items
        .iter()
        .enumerate()
        .find(|(_, n)| bad(n))
        .map(|(i, n)| (i, n.pos))
}

/// `ArgsSpec` errors read "in `a`: in `b`: invalid regex …" and are reported at the call; turn
/// the prefixes into a path (`…calls[0].args.a.b`) pointing at the bad value.
fn args_error_path(outline: &Outline, path: &[Seg], message: &str) -> (Vec<Seg>, String) {
    let mut full = path.to_vec();
    // Every `ArgsSpec` error about a value names its argument first (the top level is always
    // argument names), so the prefix identifies them.
    let names_args = message.starts_with("in `") || message.starts_with("`args` takes");
    let at_call = matches!(path.last(), Some(Seg::Index(_)))
        && outline
            .node(path)
            .is_some_and(|n| n.entries("args").next().is_some());
    if !names_args || !at_call {
        return (full, message.to_string());
    }
    full.push(key("args"));
    let mut rest = message;
    while let Some(after) = rest.strip_prefix("in `")
        && let Some((k, tail)) = after.split_once("`: ")
    {
        full.push(key(k));
        rest = tail;
    }
    // Point at the matcher key's value (`regex: "("`), not the `{` of its mapping: the message
    // names the key first ("`type` takes …", "unknown matcher key `tpye`", "invalid regex").
    let named = rest
        .strip_prefix("unknown matcher key `")
        .or_else(|| rest.strip_prefix('`'))
        .and_then(|r| r.split_once('`'))
        .map(|(k, _)| k)
        .or_else(|| rest.starts_with("invalid regex").then_some("regex"));
    if let Some(k) = named {
        let mut with_key = full.clone();
        with_key.push(key(k));
        if outline.node(&with_key).is_some() {
            full = with_key;
        }
    }
    (full, rest.to_string())
}

/// Hints for mistakes whose message alone does not say what to do.
fn help_for(raw: &str, text: &str, pos: Pos, context: Option<Pos>) -> Option<String> {
    let at = text
        .lines()
        .nth(pos.line.saturating_sub(1))
        .and_then(|l| l.chars().nth(pos.column.saturating_sub(1)));
    if at == Some('\t') {
        return Some("indent with spaces: YAML does not allow tabs".to_string());
    }
    if raw.contains("while scanning a quoted scalar") && context == Some(pos) {
        return Some("the quote opened here is never closed".to_string());
    }
    if let Some(c) = context.filter(|c| *c != pos)
        && raw.contains(" while ")
    {
        let what = raw
            .split(", while ")
            .nth(1)
            .and_then(|w| w.split(" at ").next())
            .unwrap_or("");
        let what = what
            .trim_start_matches("parsing ")
            .trim_start_matches("scanning ");
        return Some(format!(
            "{what} starts at line {}, column {}: is a quote or bracket left open?",
            c.line, c.column
        ));
    }
    if raw == "invalid type: map, expected a sequence" {
        return Some("a dataset file is a list of cases, each starting with `- id:`".to_string());
    }
    if text.trim().is_empty() {
        return Some("the file is empty".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, ConfigFile};

    fn err<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        parse::<T>(text, Path::new("f.yaml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn floats_written_with_an_exponent_read_back_as_numbers() {
        let v =
            serde_json::json!({"tiny": 1e-9, "huge": 5e22, "s": "1e-9", "f": 0.5, "n": -2.5e-12});
        let text = to_yaml(&v).unwrap();
        let back: serde_json::Value = parse(&text, Path::new("f.yaml")).unwrap();
        assert_eq!(back, v, "{text}");
    }

    #[test]
    fn type_errors_read_as_words_with_backticked_values() {
        let e = err::<ConfigFile>(
            "version: 1\nagent:\n  url: http://x\n  timeout_ms: soon\nsuites: []\n",
        );
        assert_eq!(
            e,
            "error: agent.timeout_ms: invalid type: string `soon`, expected a non-negative integer\n  --> f.yaml:4:15"
        );
        let e = err::<ConfigFile>("version: 1\nagent: 3\nsuites: []\n");
        assert!(
            e.starts_with("error: agent: invalid type: integer `3`, expected a mapping\n"),
            "{e}"
        );
    }

    #[test]
    fn case_index_prefix_is_dropped_and_positions_kept() {
        let e = err::<Vec<Case>>("- id: a\n  input: hi\n  expct: {}\n");
        assert!(
            e.starts_with("error: unknown field `expct`, expected one of `id`,"),
            "{e}"
        );
        assert!(e.ends_with("--> f.yaml:3:3"), "{e}");
    }

    #[test]
    fn coarse_positions_are_sharpened() {
        let e = err::<ConfigFile>("version: 1\nagent:\n  url: http://x\nversion: 1\nsuites: []\n");
        assert_eq!(e, "error: duplicate field `version`\n  --> f.yaml:4:1");
        let calls = "- id: a\n  input: hi\n  expect:\n    trajectory:\n      calls:\n        - name: x\n        - name: y\n          any_order: [{name: z}]\n";
        let e = err::<Vec<Case>>(calls);
        assert!(
            e.starts_with("error: expect.trajectory.calls[1]: an item of `calls` is either"),
            "{e}"
        );
        assert!(e.ends_with("--> f.yaml:7:11"), "{e}");
        let args = "- id: a\n  input: hi\n  expect:\n    trajectory:\n      calls:\n        - name: x\n          args:\n            reason: {regex: \"(\"}\n";
        let e = err::<Vec<Case>>(args);
        assert_eq!(
            e,
            "error: expect.trajectory.calls[0].args.reason.regex: invalid regex `(`: unclosed group\n  --> f.yaml:8:29"
        );
    }

    #[test]
    fn syntax_errors_point_where_the_problem_starts() {
        let e = err::<ConfigFile>("version: 1\nagent:\n  url: \"http://x\nsuites: []\n");
        assert!(e.contains("--> f.yaml:3:8"), "{e}");
        assert!(
            e.contains("= help: the quote opened here is never closed"),
            "{e}"
        );
        let e = err::<ConfigFile>("version: 1\nagent:\n\turl: http://x\nsuites: []\n");
        assert!(
            e.contains("--> f.yaml:3:1\n  = help: indent with spaces"),
            "{e}"
        );
        assert!(!e.contains("at line"), "{e}");
    }
}
