//! Neutralizing untrusted text (agent answers, tool arguments, reasons quoting them) before it
//! reaches Markdown, a terminal or XML.
//!
//! Owns the escaping rules; knows nothing about reports. The Markdown helpers are also
//! registered as minijinja filters (`md_text`, `md_code`, `code_block`, `html_text`) so user
//! templates get them.
//!
//! No output of these helpers contains `<!--`: outside code it is `&lt;!--`, inside code (where
//! entities show literally) a zero-width space splits it. So agent text can neither open an HTML
//! comment that hides the rest of a report nor carry a sticky-comment marker
//! (`<!-- evalgate:… -->`) that a search of comment bodies would find.

/// Removes terminal escape sequences, control characters (except newline and tab) and bidi
/// overrides (which can make a reviewer read text in a different order than it is).
pub fn clean_control(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\n' | '\t' => out.push(c),
            '\r' => {
                // CRLF and lone CR both become a newline.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips the rest of an escape sequence whose ESC was just read: CSI (`ESC [ … final`), OSC
/// (`ESC ] … BEL` or `ESC ] … ESC \`), or a two-character sequence.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => {
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            while let Some(c) = chars.next() {
                if c == '\u{07}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        }
        _ => {}
    }
}

/// One line of text for a terminal: control characters removed, line breaks as spaces.
pub fn term_line(s: &str) -> String {
    clean_control(s).replace(['\n', '\t'], " ")
}

/// Inline Markdown that renders `s` literally: one line (safe in a table cell or a list item),
/// HTML escaped, @mentions broken, Markdown punctuation escaped. Backtick code spans in `s`
/// stay code spans (reasons quote values that way); their content is literal by Markdown's
/// own rules.
pub fn md_text(s: &str) -> String {
    let line = term_line(s);
    let mut out = String::with_capacity(line.len() + 16);
    let mut rest = line.as_str();
    while let Some(start) = rest.find('`') {
        escape_plain(&rest[..start], &mut out);
        let after = &rest[start..];
        let n = after.len() - after.trim_start_matches('`').len();
        let body = &after[n..];
        match find_run(body, n) {
            Some(end) => {
                code_span(&body[..end], n, &mut out);
                rest = &body[end + n..];
            }
            None => {
                // An unpaired run is literal text.
                out.push_str(&"\\`".repeat(n));
                rest = body;
            }
        }
    }
    escape_plain(rest, &mut out);
    out
}

/// `s` as an inline code span (one line), with a fence longer than any backtick run inside.
pub fn md_code(s: &str) -> String {
    let line = term_line(s);
    if line.trim().is_empty() {
        return md_text(&line);
    }
    let fence = "`".repeat(longest_backtick_run(&line) + 1);
    let pad = if line.starts_with('`') || line.ends_with('`') {
        " "
    } else {
        ""
    };
    md_text(&format!("{fence}{pad}{line}{pad}{fence}"))
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Byte offset of the next backtick run of exactly `n` backticks (what closes a code span).
fn find_run(s: &str, n: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if len == n {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

fn code_span(content: &str, n: usize, out: &mut String) {
    if content.contains('|') || content.trim().is_empty() {
        // A pipe would end a table cell even inside a code span, and `\|` shows literally
        // outside tables, so fall back to an HTML code element with escaped text.
        out.push_str("<code>");
        escape_plain(content, out);
        out.push_str("</code>");
        return;
    }
    let content = &split_comment_open(content);
    let fence = "`".repeat(n);
    // Padding keeps a span that starts or ends with a backtick well formed.
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    out.push_str(&fence);
    out.push_str(pad);
    out.push_str(content);
    out.push_str(pad);
    out.push_str(&fence);
}

fn escape_plain(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A zero-width space after `@` keeps GitHub from notifying users and teams.
            '@' => out.push_str("@&#8203;"),
            '\\' | '*' | '_' | '[' | ']' | '|' | '~' | '`' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Text for inside an HTML element (a `<summary>`): one line, so no blank line can end the HTML
/// block and turn the rest into Markdown; HTML escaped; @mentions broken.
pub fn html_text(s: &str) -> String {
    let line = term_line(s);
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '@' => out.push_str("@&#8203;"),
            c => out.push(c),
        }
    }
    out
}

/// Code shows `&lt;` literally, so `<!--` is split with a zero-width space instead: it still
/// reads `<!--`, but is no longer the sequence that opens an HTML comment or a marker.
fn split_comment_open(s: &str) -> String {
    s.replace("<!--", "<!\u{200b}--")
}

/// A fenced code block holding `text` verbatim. The fence is longer than any backtick run in
/// the text, so nothing inside can close it.
pub fn code_block(text: &str, lang: &str) -> String {
    let body = split_comment_open(&clean_control(text));
    let body = body.trim_end_matches('\n');
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    let lang: String = lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
        .collect();
    format!("{fence}{lang}\n{body}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_terminal_escapes_are_removed() {
        assert_eq!(
            clean_control("a\u{1b}[31mred\u{1b}[0m\u{7}b\u{0}c"),
            "aredbc"
        );
        assert_eq!(
            clean_control("x\u{1b}]0;title\u{7}y\u{1b}]8;;u\u{1b}\\z"),
            "xyz"
        );
        assert_eq!(clean_control("l1\r\nl2\rl3\tt"), "l1\nl2\nl3\tt");
        assert_eq!(clean_control("ab\u{202e}cd\u{2066}"), "abcd");
        assert_eq!(term_line("a\nb\tc"), "a b c");
    }

    #[test]
    fn md_text_escapes_html_mentions_and_markdown() {
        assert_eq!(
            md_text("@org/team <img src=x onerror=alert(1)>"),
            "@&#8203;org/team &lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            md_text("[x](http://e) *b* a|b"),
            r"\[x\](http://e) \*b\* a\|b"
        );
        assert_eq!(md_text("line1\nline2"), "line1 line2");
        assert_eq!(md_text("a & b"), "a &amp; b");
    }

    #[test]
    fn md_text_keeps_code_spans_literal_and_handles_odd_backticks() {
        assert_eq!(
            md_text("expected `escalate`, got `<b>@x</b>`"),
            "expected `escalate`, got `<b>@x</b>`"
        );
        // Unpaired backticks are literal.
        assert_eq!(md_text("a ` b"), r"a \` b");
        assert_eq!(md_text("``` fence"), r"\`\`\` fence");
        // Runs pair only with runs of the same length.
        assert_eq!(md_text("``a`b`` c"), "``a`b`` c");
        // A pipe inside a code span falls back to an escaped <code> element.
        assert_eq!(md_text("got `a|<b>`"), r"got <code>a\|&lt;b&gt;</code>");
    }

    #[test]
    fn md_code_makes_one_unbreakable_code_span() {
        assert_eq!(md_code("evals/a.yaml:3"), "`evals/a.yaml:3`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x`"), "`` `x` ``");
        assert_eq!(md_code("a|b"), r"<code>a\|b</code>");
        assert_eq!(md_code("<b>\nx"), "`<b> x`");
    }

    #[test]
    fn code_blocks_cannot_be_broken_out_of() {
        assert_eq!(code_block("plain", ""), "```\nplain\n```");
        let hostile = "before\n```\n# heading\n````\nafter\n";
        let block = code_block(hostile, "diff");
        assert!(block.starts_with("`````diff\n"), "{block}");
        assert!(block.ends_with("\nafter\n`````"), "{block}");
        assert_eq!(code_block("x", "diff\n<b>"), "```diffb\nx\n```");
        assert_eq!(code_block("a\u{1b}[1mb", ""), "```\nab\n```");
    }

    #[test]
    fn no_helper_lets_an_html_comment_or_a_marker_through() {
        let marker = "<!-- evalgate:other.yaml -->";
        for text in [
            marker.to_string(),
            format!("quoted `{marker}` here"),
            format!("`a|{marker}`"),
            format!("<!-{marker}--"),
        ] {
            for out in [
                md_text(&text),
                md_code(&text),
                code_block(&text, ""),
                html_text(&text),
            ] {
                assert!(!out.contains("<!--"), "{text:?} gave {out:?}");
            }
        }
        assert_eq!(
            md_text("see `<!-- x -->`"),
            "see `<!\u{200b}-- x -->`",
            "still reads the same"
        );
        assert_eq!(
            code_block("<!--<!--", ""),
            "```\n<!\u{200b}--<!\u{200b}--\n```"
        );
        assert_eq!(
            html_text("a\n\n## <!-- @x \"q\" &"),
            "a  ## &lt;!-- @&#8203;x &quot;q&quot; &amp;"
        );
    }
}
