//! Checks of `agent`: URLs, `${VAR}` syntax, the process to start, the request body template.
//!
//! Reads the body template file (the only file I/O here) so its text can go into the Plan.
//! Must not read environment variables (whether `${VAR}` is set is checked in `env.rs`, with
//! the lookup `cli` passes), and header values are secrets, so no message here quotes one.

use std::path::{Path, PathBuf};

use crate::model::AgentSpec;

use super::error::{Diagnostic, lowercase_first};
use super::locate::{Pos, key};
use super::source::Source;
use super::template::{TemplateKind, template_error};

/// The request body template, when one is configured and readable.
pub(crate) struct BodyTemplate {
    pub text: String,
    /// The template file (display path, bytes hashed into the config hash), for `body_file`.
    pub file: Option<PathBuf>,
}

/// Any port will do to check that a `{port}` URL parses.
const SAMPLE_PORT: &str = "8080";

pub(crate) fn check_agent(
    agent: &AgentSpec,
    src: &Source,
    root: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<BodyTemplate> {
    check_url(src, "agent.url", &agent.url, agent.start.is_some(), out);
    if agent.timeout_ms == 0 {
        out.push(src.at(
            "agent.timeout_ms",
            "`agent.timeout_ms` must be at least 1, got `0`",
        ));
    }
    if agent.max_response_bytes == 0 {
        out.push(
            src.at(
                "agent.max_response_bytes",
                "`agent.max_response_bytes` must be at least 1, got `0`",
            )
            .with_help(
                "the default is 8388608 (8 MiB); a reply larger than this is an `error` outcome",
            ),
        );
    }
    for (name, value) in &agent.headers {
        if let Some(problem) = env_ref_error(value) {
            let path = [key("agent"), key("headers"), key(name.as_str())];
            out.push(
                src.at_segs(&path, format!("header `{name}`: {problem}"))
                    .with_help("header values may use `${NAME}` for environment variables; the value is not shown here (it may be a secret)"),
            );
        }
    }
    let r = &agent.response;
    for (field, pointer) in [
        ("output", &r.output),
        ("tool_calls", &r.tool_calls),
        ("usage", &r.usage),
        ("cost", &r.cost),
        ("error", &r.error),
    ] {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            out.push(src.at(
                &format!("agent.response.{field}"),
                format!("`agent.response.{field}` must be a JSON pointer such as `/{pointer}`, got `{pointer}`"),
            ));
        }
    }
    if let Some(start) = &agent.start {
        if start.command.first().is_none_or(|p| p.trim().is_empty()) {
            out.push(
                src.at("agent.start.command", "`agent.start.command` is empty")
                    .with_help("give the program and its arguments, e.g. `[python, agent.py, --port, \"{port}\"]`"),
            );
        }
        if let Some(ready) = &start.ready_url {
            check_url(src, "agent.start.ready_url", ready, true, out);
        }
        if start.ready_timeout_ms == 0 {
            out.push(src.at(
                "agent.start.ready_timeout_ms",
                "`agent.start.ready_timeout_ms` must be at least 1, got `0`",
            ));
        }
        for (name, value) in &start.env {
            if let Some(problem) = env_ref_error(value) {
                let path = [key("agent"), key("start"), key("env"), key(name.as_str())];
                out.push(src.at_segs(&path, format!("environment variable `{name}`: {problem}")));
            }
        }
        if let Some(cwd) = &start.cwd
            && !root.join(cwd).is_dir()
        {
            out.push(src.at(
                "agent.start.cwd",
                format!(
                    "working directory `{}` not found (relative to the config's folder)",
                    cwd.display()
                ),
            ));
        }
    }
    body_template(agent, src, root, out)
}

/// A URL must parse and be http(s); `{port}` only makes sense for an agent evalgate starts.
fn check_url(src: &Source, path: &str, url: &str, has_start: bool, out: &mut Vec<Diagnostic>) {
    if url.contains("{port}") && !has_start {
        out.push(
            src.at(path, format!("`{{port}}` in `{path}` needs `agent.start`"))
                .with_help("`{port}` is the port of an agent that evalgate starts; add `agent.start.command`, or write the port number"),
        );
        return;
    }
    if let Some(problem) = env_ref_error(url) {
        out.push(src.at(path, format!("`{path}`: {problem}")));
        return;
    }
    // `${VAR}` is checked for being set in `env.rs`; any value will do to check the rest parses.
    let sample = crate::model::expand_vars(url, &|_| Some("x".to_string())).unwrap_or_default();
    match reqwest::Url::parse(&sample.replace("{port}", SAMPLE_PORT)) {
        Err(e) => out.push(src.at(path, format!("invalid URL `{url}` in `{path}`: {e}"))),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => out.push(src.at(
            path,
            format!("`{path}` must be an `http://` or `https://` URL, got `{url}`"),
        )),
        Ok(_) => {}
    }
}

/// Checks `${NAME}` references. The message never contains the value itself.
pub(crate) fn env_ref_error(value: &str) -> Option<String> {
    let mut rest = value;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Some("unterminated `${`: write `${NAME}`".to_string());
        };
        let name = &after[..end];
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Some(format!(
                "invalid variable `${{{name}}}`: names use letters, digits and `_` and do not start with a digit"
            ));
        }
        rest = &after[end + 1..];
    }
    None
}

fn body_template(
    agent: &AgentSpec,
    src: &Source,
    root: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<BodyTemplate> {
    match (&agent.body, &agent.body_file) {
        (Some(_), Some(_)) => {
            out.push(
                src.at_key(
                    "agent.body_file",
                    "`agent.body` and `agent.body_file` are both set",
                )
                .with_help("keep one: an inline template or a template file"),
            );
            None
        }
        (Some(text), None) => {
            if let Some(e) = template_error(text, TemplateKind::Body) {
                let pos = inline_line_pos(src, e.line);
                let d = src.at_pos(pos, format!("`agent.body`: {}", e.message));
                out.push(match e.help {
                    Some(h) => d.with_help(h),
                    None => d,
                });
                return None;
            }
            Some(BodyTemplate {
                text: text.clone(),
                file: None,
            })
        }
        (None, Some(file)) => {
            let bytes = match std::fs::read(root.join(file)) {
                Ok(b) => b,
                Err(e) => {
                    out.push(src.at(
                        "agent.body_file",
                        format!(
                            "cannot read body template `{}`: {}",
                            file.display(),
                            lowercase_first(&e.to_string())
                        ),
                    ));
                    return None;
                }
            };
            let text = match super::load::checked_template(bytes, file, TemplateKind::Body) {
                Ok(t) => t,
                Err(d) => {
                    out.push(d);
                    return None;
                }
            };
            Some(BodyTemplate {
                text,
                file: Some(file.clone()),
            })
        }
        (None, None) => None,
    }
}

/// Where line `line` of the inline `agent.body` template sits in the config file.
fn inline_line_pos(src: &Source, line: usize) -> Pos {
    let Some(node) = src.outline.node(&[key("agent"), key("body")]) else {
        return Pos::START;
    };
    let block = node.scalar().is_some_and(|s| s == "|" || s == ">");
    // A block scalar's text starts on the line after `body: |`.
    let file_line = if block {
        node.pos.line + line
    } else {
        node.pos.line + line - 1
    };
    let column = if !block && line == 1 {
        node.pos.column
    } else {
        src.text
            .lines()
            .nth(file_line - 1)
            .map_or(1, |l| l.len() - l.trim_start().len() + 1)
    };
    Pos {
        line: file_line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_references_are_checked_without_quoting_the_value() {
        assert_eq!(env_ref_error("Bearer ${TOKEN}"), None);
        assert_eq!(env_ref_error("${A}-${_B2} plain $ and {x}"), None);
        let e = env_ref_error("Bearer s3cret-${TOKEN").unwrap();
        assert!(e.starts_with("unterminated `${`"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
        assert!(env_ref_error("${}").unwrap().contains("`${}`"));
        assert!(env_ref_error("${1X}").unwrap().contains("`${1X}`"));
    }
}
