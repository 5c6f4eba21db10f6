//! The bytes of a user's file → text evalgate can read, and the limits every reader shares.
//!
//! Owns what all readers of user files (config, datasets, rules, calibration sets, baselines,
//! `score` input, trace files) agree on: a UTF-8 byte order mark is dropped, invalid UTF-8 is
//! reported at its line and column, nesting is limited to [`MAX_DEPTH`] levels, and a value
//! quoted in a message is cut to [`MAX_SHOWN`] characters. Pure: callers read the files and
//! word the errors in their own types; nothing here touches the file system.

use std::fmt;

/// The deepest nesting of lists and mappings any input may have (the outermost list or mapping
/// is level 1), files and network replies alike. It is what serde_json and the YAML parser
/// accept by themselves (their recursion limit of 128 refuses the 128th level); the readers that
/// recurse over the text on their own (the position index) are bounded by it, so no input can
/// overflow the stack.
pub const MAX_DEPTH: usize = 127;

/// The most characters of a bad value a message quotes.
pub const MAX_SHOWN: usize = 200;

/// Text that is not UTF-8, at the first bad byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters of the valid text before the bad byte.
    pub column: usize,
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the file is not valid UTF-8 text")
    }
}

/// `bytes` as text without a leading byte order mark, or where it stops being UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(e) => {
            let bytes = e.as_bytes();
            let valid = &bytes[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
            let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
            Err(NotUtf8 {
                line: valid.matches('\n').count() + 1,
                column: valid[line_start..].chars().count() + 1,
            })
        }
    }
}

/// Where `text` (YAML or JSON) opens its flow collection (`[`, `{`) number `MAX_DEPTH + 1`
/// deep, as a 1-based line and column in characters.
///
/// A cheap scan that runs before the YAML parser, whose scanner is quadratic in the depth of
/// flow collections (100,000 levels take minutes). It over-counts rather than under-counts:
/// quotes only hide brackets up to the end of their line, and brackets in plain text count too
/// (a real file never leaves a hundred of them open). Block nesting (`- - -`, indentation) is
/// left to the parsers, which stop at [`MAX_DEPTH`] on their own.
pub fn too_deep_at(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut quote = None::<u8>;
    let mut prev = b'\n';
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            quote = None;
            line += 1;
            line_start = i + 1;
        } else if let Some(q) = quote {
            if c == b'\\' && q == b'"' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                // A quote opens a scalar only where a token starts (`it's` is plain text).
                b'"' | b'\'' if prev.is_ascii_whitespace() || b"[{,:".contains(&prev) => {
                    quote = Some(c);
                }
                b'#' if prev.is_ascii_whitespace() => {
                    while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                        i += 1;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        let column = text[line_start..i].chars().count() + 1;
                        return Some((line, column));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        prev = c;
        i += 1;
    }
    None
}

/// `text` without a leading byte order mark (for text read line by line).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// What every reader says about a file nested deeper than [`MAX_DEPTH`].
pub fn too_deep() -> String {
    format!("nesting is deeper than {MAX_DEPTH} levels")
}

/// A serde_json error in evalgate's words (its recursion limit refuses level [`MAX_DEPTH`] + 1);
/// keeps serde_json's `at line L column C`.
pub fn json_error(e: &serde_json::Error) -> String {
    if let Some(at) = json_too_deep(e) {
        return format!("{} {at}", too_deep());
    }
    e.to_string()
}

/// `Some("at line L column C")` when `e` is serde_json's recursion limit.
pub fn json_too_deep(e: &serde_json::Error) -> Option<String> {
    e.to_string()
        .starts_with("recursion limit exceeded")
        .then(|| format!("at line {} column {}", e.line(), e.column()))
}

/// The help line that goes with [`too_deep`].
pub fn too_deep_help() -> String {
    format!("evalgate reads lists and mappings nested at most {MAX_DEPTH} levels deep")
}

/// `message` with every backticked value longer than [`MAX_SHOWN`] characters cut, saying how
/// much was cut: a 1 MB bad value must not become a 1 MB error.
pub fn cut_values(message: &str) -> String {
    if message.len() <= MAX_SHOWN {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len().min(4 * MAX_SHOWN));
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(&cut(first, 4 * MAX_SHOWN));
    }
    // Odd parts are inside backticks; an unpaired backtick leaves the tail as text.
    for (i, part) in parts.enumerate() {
        out.push('`');
        let limit = if i % 2 == 0 { MAX_SHOWN } else { 4 * MAX_SHOWN };
        out.push_str(&cut(part, limit));
    }
    out
}

/// `s` cut to `max` characters, with a marker saying how many more there were.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((end, _)) => {
            let rest = s[end..].chars().count();
            format!("{}… ({rest} more characters)", &s[..end])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(
            decode(b"\xef\xbb\xbfversion: 1\n".to_vec()).unwrap(),
            "version: 1\n"
        );
        assert_eq!(strip_bom("\u{feff}{}"), "{}");
        assert_eq!(decode(b"a: 1".to_vec()).unwrap(), "a: 1");
    }

    #[test]
    fn invalid_utf8_is_found_by_line_and_column() {
        let e = decode(b"a: 1\nb: \xc3\xa9\xff\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
        let e = decode(b"\xef\xbb\xbf\xff".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn flow_nesting_is_bounded_where_it_goes_too_deep() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(too_deep_at(&ok), None);
        let deep = format!("a:\n  b: {}", "{x: [".repeat(100_000));
        // Level 128 is the `[` of the 64th `{x: [`.
        assert_eq!(too_deep_at(&deep), Some((2, 6 + 5 * 63 + 4)));
        // Quoted and commented brackets do not count; a quote ends with its line at the latest.
        let quoted = format!(
            "a: \"{}\"\nb: '{}'  # {}",
            "[".repeat(200),
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(too_deep_at(&quoted), None);
        let open_quote = format!("a: 'x\nb: {}", "[".repeat(200));
        assert_eq!(too_deep_at(&open_quote), Some((2, 4 + MAX_DEPTH)));
        let mid_word = format!("a: -'{}", "[".repeat(200));
        assert_eq!(too_deep_at(&mid_word), Some((1, 6 + MAX_DEPTH)));
    }

    #[test]
    fn long_values_are_cut_with_a_count() {
        let long = "x".repeat(1000);
        let msg = cut_values(&format!("unknown variant `{long}`, expected `a`, `b`"));
        assert_eq!(
            msg,
            format!(
                "unknown variant `{}… (800 more characters)`, expected `a`, `b`",
                "x".repeat(200)
            )
        );
        assert_eq!(cut_values("short `v`"), "short `v`");
        assert_eq!(cut("héllo", 2), "hé… (3 more characters)");
    }
}
