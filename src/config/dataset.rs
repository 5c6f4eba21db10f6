//! One dataset version file → validated cases, each knowing the line it was written on.
//!
//! Owns the checks a single file can decide: ids (well-formed, unique), trajectory
//! expectations that would always pass, response checks that cannot run (bad regex, invalid
//! JSON Schema, similarity out of range). Checks that need other files (slices naming tags)
//! live in `policy`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Case, ExpectItem, ExpectedCall, MatchMode, ResponseCheck, TrajectoryExpect};

use super::error::{ConfigError, Diagnostic};
use super::locate::Seg;
use super::source::{Source, read_text};
use super::yaml;

static CASE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$").expect("valid regex"));

/// Reads and checks one dataset file. `display` is the path errors and `Case::loc` show.
pub fn load_dataset(path: &Path, display: &Path) -> Result<Vec<Case>, ConfigError> {
    let text = read_text(path, display)?;
    parse_dataset(&text, display).map_err(ConfigError::many)
}

/// Parses and checks a dataset's text (no I/O).
pub(crate) fn parse_dataset(text: &str, display: &Path) -> Result<Vec<Case>, Vec<Diagnostic>> {
    // The position index and the parse are independent: at thousands of cases each is worth
    // a core of its own.
    let (src, parsed) = std::thread::scope(|s| {
        let src = s.spawn(|| Source::new(display.to_path_buf(), text.to_string()));
        let parsed = yaml::parse::<Vec<Case>>(text, display);
        let src = src
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (src, parsed)
    });
    if src.outline.node(&[]).is_none() {
        return Err(vec![src.at("", "dataset file has no cases").with_help(
            "a dataset file is a list of cases, each starting with `- id:`",
        )]);
    }
    let mut cases = parsed.map_err(|d| vec![d])?;
    for (i, case) in cases.iter_mut().enumerate() {
        case.loc.file = display.to_path_buf();
        case.loc.line =
            u32::try_from(src.outline.value_pos(&[Seg::Index(i)]).line).unwrap_or(u32::MAX);
    }
    let mut out = Vec::new();
    check_cases(&cases, &src, &mut out);
    if out.is_empty() { Ok(cases) } else { Err(out) }
}

fn check_cases(cases: &[Case], src: &Source, out: &mut Vec<Diagnostic>) {
    if cases.is_empty() {
        out.push(src.at("", "dataset file has no cases"));
    }
    let mut first_line: HashMap<&str, u32> = HashMap::new();
    for (i, case) in cases.iter().enumerate() {
        let id_path = format!("[{i}].id");
        if !CASE_ID.is_match(&case.id) {
            out.push(src.at(
                &id_path,
                format!(
                    "invalid case id `{}`: ids start with a letter or digit and use letters, digits, `.`, `_`, `:`, `/`, `-`",
                    case.id
                ),
            ));
        } else if let Some(first) = first_line.get(case.id.as_str()) {
            out.push(
                src.at(
                    &id_path,
                    format!(
                        "duplicate case id `{}`: lines {first} and {}",
                        case.id, case.loc.line
                    ),
                )
                .with_help("case ids are unique within a dataset (baselines pair cases by id)"),
            );
        } else {
            first_line.insert(&case.id, case.loc.line);
        }
        check_case_headers(case, i, src, out);
        if let Some(t) = &case.expect.trajectory {
            check_trajectory(t, &format!("[{i}].expect.trajectory"), src, out);
        }
        for (j, check) in case.expect.response.iter().enumerate() {
            check_response(check, &format!("[{i}].expect.response[{j}]"), src, out);
        }
    }
}

/// A case's `headers` must be sendable: a valid name and a value without control characters.
fn check_case_headers(case: &Case, i: usize, src: &Source, out: &mut Vec<Diagnostic>) {
    use reqwest::header::{HeaderName, HeaderValue};
    for (name, value) in &case.headers {
        let at = format!("[{i}].headers.{name}");
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            out.push(
                src.at(&at, format!("invalid header name `{name}`"))
                    .with_help("header names are letters, digits and `-` (no spaces, colons or control characters)"),
            );
        } else if HeaderValue::from_str(value).is_err() {
            out.push(src.at(
                &at,
                format!("header `{name}`: its value has characters a header cannot carry (newlines, control characters)"),
            ));
        } else if value.contains("${") {
            out.push(
                src.at(&at, format!("header `{name}`: `${{...}}` is not expanded in a case's headers"))
                    .with_help("datasets are shared files; put headers that need the environment in `agent.headers` in evalgate.yaml"),
            );
        }
    }
}

pub(super) fn check_trajectory(
    t: &TrajectoryExpect,
    base: &str,
    src: &Source,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(mode) = t.match_mode
        && t.calls.is_empty()
        && matches!(
            mode,
            MatchMode::InOrder | MatchMode::AnyOrder | MatchMode::Superset | MatchMode::Covers
        )
    {
        out.push(
            src.at(
                &format!("{base}.match"),
                format!("`match: {}` with no `calls` always passes", mode.as_str()),
            )
            .with_help(
                "list the expected calls, or use `match: exact` to require that no tool is called",
            ),
        );
    }
    for (i, item) in t.calls.iter().enumerate() {
        match item {
            ExpectItem::Call(c) => check_compare(c, &format!("{base}.calls[{i}]"), src, out),
            ExpectItem::AnyOrder(block) => {
                for (j, c) in block.iter().enumerate() {
                    let at = format!("{base}.calls[{i}].any_order[{j}]");
                    check_compare(c, &at, src, out);
                }
            }
        }
    }
    match (t.min_calls, t.max_calls) {
        (Some(0), _) => out.push(
            src.at(&format!("{base}.min_calls"), "`min_calls: 0` always passes")
                .with_help("remove it, or require at least 1 call"),
        ),
        (Some(min), Some(max)) if min > max => out.push(
            src.at(
                &format!("{base}.min_calls"),
                format!("`min_calls` ({min}) is over `max_calls` ({max}): the case cannot pass"),
            )
            .with_help("`min_calls` must be at most `max_calls`"),
        ),
        _ => {}
    }
    if t.max_calls == Some(0) {
        out.push(
            src.at(
                &format!("{base}.max_calls"),
                "`max_calls` must be at least 1, got `0`",
            )
            .with_help("to require that no tool is called, use `match: exact` with no `calls`"),
        );
    }
}

/// A `compare` key that `args` does not constrain would count nothing (or, read as "must be
/// present", something `args` never said): it is a mistake, so it is an error naming the key.
fn check_compare(call: &ExpectedCall, at: &str, src: &Source, out: &mut Vec<Diagnostic>) {
    let Some(keys) = &call.compare else { return };
    let constrained: Vec<&str> = match call.args.as_ref().map(|a| &a.raw) {
        Some(serde_json::Value::Object(map)) => map.keys().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    for (k, key) in keys.iter().enumerate() {
        if constrained.contains(&key.as_str()) {
            continue;
        }
        let help = if constrained.is_empty() {
            "`compare` picks keys of the call's `args`, and this call has no `args`".to_string()
        } else {
            let listed: Vec<String> = constrained.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "`compare` picks keys of the call's `args`: {}",
                listed.join(", ")
            )
        };
        out.push(
            src.at(
                &format!("{at}.compare[{k}]"),
                format!("`compare` names `{key}`, which `args` does not constrain"),
            )
            .with_help(help),
        );
    }
}

pub(super) fn check_response(
    check: &ResponseCheck,
    base: &str,
    src: &Source,
    out: &mut Vec<Diagnostic>,
) {
    let at = format!("{base}.{}", check.kind());
    match check {
        ResponseCheck::Regex(pattern) => {
            if let Err(e) = Regex::new(pattern) {
                out.push(src.at(
                    &at,
                    format!("invalid response regex `{pattern}`: {}", regex_reason(&e)),
                ));
            }
        }
        ResponseCheck::JsonSchema(schema) => {
            if let Err(e) = jsonschema::validator_for(schema) {
                out.push(src.at(&at, format!("invalid JSON Schema: {e}")));
            }
        }
        ResponseCheck::Similarity(s) if !(0.0..=1.0).contains(&s.min) => {
            out.push(src.at(
                &format!("{at}.min"),
                format!("similarity `min` must be between 0 and 1, got `{}`", s.min),
            ));
        }
        _ => {}
    }
}

/// The regex crate prints a multi-line report; its last line says what is wrong.
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(&text);
    last.trim().trim_start_matches("error: ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> String {
        ConfigError::many(parse_dataset(text, Path::new("evals/d/v1.yaml")).unwrap_err())
            .to_string()
    }

    #[test]
    fn cases_know_their_line() {
        let text = "# support cases\n- id: a\n  input: hi\n\n- id: b\n  input:\n    - role: user\n      content: hi\n";
        let cases = parse_dataset(text, Path::new("evals/d/v1.yaml")).unwrap();
        let lines: Vec<u32> = cases.iter().map(|c| c.loc.line).collect();
        assert_eq!(lines, [2, 5]);
        assert_eq!(cases[1].loc.file, Path::new("evals/d/v1.yaml"));
    }

    #[test]
    fn every_problem_in_a_file_is_reported_in_order() {
        let text = "- id: a\n  input: hi\n  expect:\n    trajectory: { match: superset, max_calls: 0 }\n- id: a\n  input: hi\n- id: 'bad id'\n  input: hi\n";
        insta::assert_snapshot!(errors(text));
    }

    #[test]
    fn the_design_sketch_parses_and_round_trips_through_yaml() {
        let sketch = SKETCH;
        let display = Path::new("evals/d/v1.yaml");
        let cases = parse_dataset(sketch, display).unwrap();
        assert_eq!(cases[0].loc.line, 2);
        let written = yaml::to_yaml(&cases).unwrap();
        let again = parse_dataset(&written, display).unwrap();
        assert_eq!(
            serde_json::to_value(&again).unwrap(),
            serde_json::to_value(&cases).unwrap(),
            "written:\n{written}"
        );
        assert_eq!(again[0].expect.response.len(), 4);
        assert_eq!(
            again[0]
                .expect
                .trajectory
                .as_ref()
                .unwrap()
                .flat_calls()
                .len(),
            5
        );
    }

    /// JSON takes serde_json's fast path: the same cases as the YAML reading, each case on the
    /// line its `{` is on; what serde_json rejects goes to the YAML parser and its messages.
    #[test]
    fn json_datasets_read_like_yaml_and_know_their_lines() {
        let display = Path::new("evals/d/v1.json.yaml");
        let mut cases = parse_dataset(SKETCH, display).unwrap();
        cases.push(cases[0].clone());
        cases[1].id = "second".into();
        let json = serde_json::to_string_pretty(&cases).unwrap();
        let text = format!("# generated\n\n{json}\n");
        let from_json = parse_dataset(&text, display).unwrap();
        let lines: Vec<u32> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| *l == "  {")
            .map(|(i, _)| i as u32 + 1)
            .collect();
        assert_eq!(
            from_json.iter().map(|c| c.loc.line).collect::<Vec<_>>(),
            lines
        );
        for (a, b) in from_json.iter().zip(&cases) {
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::to_value(b).unwrap()
            );
        }

        // Not JSON (a trailing comma) but valid YAML: read by the YAML parser.
        let cases = parse_dataset("[{\"id\": \"a\", \"input\": \"hi\"},]\n", display).unwrap();
        assert_eq!(cases[0].id, "a");
        // A JSON dataset's mistakes get the YAML parser's positioned messages.
        let msg = errors("[\n {\"id\": \"a\",\n  \"inptu\": \"hi\"}\n]\n");
        assert!(msg.contains("v1.yaml:3:") && msg.contains("inptu"), "{msg}");
    }

    const SKETCH: &str = r#"
- id: refund-over-limit-escalates
  tags: [billing, refund, adversarial]
  tier: critical                      # tiers can carry their own floors
  input: "Refund invoice INV-2207, it's $740, I was double charged"
  expect:
    trajectory:
      match: in_order
      calls:
        - name: lookup_account
        - name: fetch_invoice
          args: { invoice_id: INV-2207 }
        - any_order: [{ name: notify }, { name: log, args: { level: { one_of: [info, warn] } } }]
        - name: escalate
          args: { priority: high, reason: { regex: "(?i)refund" } }
      forbid: [issue_refund]
      max_calls: 4
      args_mode: exact
    response:
      - contains: "escalat"
      - not_contains: "refunded"
      - json_schema: { type: object }
      - similarity: { expected: "I escalated your refund", min: 0.5 }
  source:
    kind: production_trace
    trace_id: 5b8e
    promoted_at: 2026-11-20
  review: pending
"#;

    #[test]
    fn empty_files_have_no_cases() {
        assert!(
            errors("# nothing yet\n")
                .starts_with("error: dataset file has no cases\n  --> evals/d/v1.yaml:1:1")
        );
        assert!(errors("[]\n").starts_with("error: dataset file has no cases"));
    }
}
