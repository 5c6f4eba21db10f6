//! The deterministic response checks of DESIGN §5: equals, contains, not_contains, regex,
//! json_schema, similarity.
//!
//! Owns one `Score` per check, named `response.<kind>`, each with a reason a reviewer can act
//! on and a unified diff (expected vs actual) for text mismatches. It must not call judges
//! or decide blocking: `score_case` sets `blocking`.

use std::time::Duration;

use regex::Regex;
use serde_json::Value;
use similar::{DiffOp, TextDiff};

use crate::model::{ResponseCheck, Score, ScoreStatus};

use super::args::truncate;

/// The reason every check but `not_contains` gives when there is no response.
pub const NO_RESPONSE: &str = "the agent gave no final response";
/// Schema errors listed before "(+N more)".
const MAX_SCHEMA_ERRORS: usize = 3;
/// Long inputs make the character diff approximate rather than slow.
const DIFF_TIMEOUT: Duration = Duration::from_millis(100);

/// Scores each check against the final response (blocking by default).
pub fn score_response(checks: &[ResponseCheck], response: Option<&str>) -> Vec<Score> {
    checks.iter().map(|c| score_one(c, response)).collect()
}

/// The reason a judge check carries until the judge step (`judge::judge_case`) replaces it.
pub const JUDGE_PENDING: &str = "not judged: judges are called after scoring";

fn score_one(check: &ResponseCheck, response: Option<&str>) -> Score {
    if let ResponseCheck::Judge(j) = check {
        // Judges are async and need the network: a non-blocking placeholder here, filled in
        // by the judge step, then `finish_case` recomputes the outcome.
        return Score {
            name: format!("judge.{}", j.name),
            status: ScoreStatus::Unscored,
            value: None,
            blocking: false,
            reason: JUDGE_PENDING.to_string(),
            diff: None,
        };
    }
    let name = format!("response.{}", check.kind());
    let Some(text) = response else {
        return match check {
            ResponseCheck::NotContains(needle) => Score::check(
                name,
                true,
                format!("{NO_RESPONSE}, so it does not contain `{needle}`"),
            ),
            _ => Score::check(name, false, NO_RESPONSE.to_string()),
        };
    };
    match check {
        ResponseCheck::Judge(_) => unreachable!("handled above"),
        ResponseCheck::Equals(expected) => {
            let (e, a) = (expected.trim(), text.trim());
            if e == a {
                Score::check(
                    name,
                    true,
                    "the response equals the expected text".to_string(),
                )
            } else {
                let mut s = Score::check(
                    name,
                    false,
                    "the response differs from the expected text".to_string(),
                );
                s.diff = Some(unified_diff(e, a));
                s
            }
        }
        ResponseCheck::Contains(needle) => {
            if text.contains(needle.as_str()) {
                Score::check(name, true, format!("the response contains `{needle}`"))
            } else {
                Score::check(
                    name,
                    false,
                    format!(
                        "the response does not contain `{needle}`; it starts `{}`",
                        preview(text)
                    ),
                )
            }
        }
        ResponseCheck::NotContains(needle) => match text.find(needle.as_str()) {
            None => Score::check(
                name,
                true,
                format!("the response does not contain `{needle}`"),
            ),
            Some(at) => {
                let chars = text[..at].chars().count();
                Score::check(
                    name,
                    false,
                    format!("the response contains `{needle}` (at character {chars})"),
                )
            }
        },
        ResponseCheck::Regex(pattern) => match Regex::new(pattern) {
            Err(e) => Score::check(name, false, format!("invalid regex `{pattern}`: {e}")),
            Ok(re) if re.is_match(text) => {
                Score::check(name, true, format!("the response matches `{pattern}`"))
            }
            Ok(_) => Score::check(
                name,
                false,
                format!(
                    "the response does not match `{pattern}`; it starts `{}`",
                    preview(text)
                ),
            ),
        },
        ResponseCheck::JsonSchema(schema) => check_schema(name, schema, text),
        ResponseCheck::Similarity(spec) => {
            let (e, a) = (spec.expected.trim(), text.trim());
            let ratio = similarity(e, a);
            let pass = ratio >= spec.min;
            let cmp = if pass { "≥" } else { "<" };
            let mut s = Score::check(
                name,
                pass,
                format!("similarity {ratio:.2} {cmp} {:.2}", spec.min),
            );
            s.value = Some(ratio);
            if !pass {
                s.diff = Some(unified_diff(e, a));
            }
            s
        }
    }
}

/// `similar`'s character ratio 2·matches / (|e| + |a|) in [0, 1], computed in f64 so that a
/// ratio exactly at `min` is not lost to f32 rounding; two empty texts are identical.
fn similarity(expected: &str, actual: &str) -> f64 {
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_chars(expected, actual);
    let matches: usize = diff
        .ops()
        .iter()
        .map(|op| match *op {
            DiffOp::Equal { len, .. } => len,
            _ => 0,
        })
        .sum();
    let len = diff.old_len() + diff.new_len();
    if len == 0 {
        1.0
    } else {
        (2 * matches) as f64 / len as f64
    }
}

/// A line-based unified diff with `expected` / `actual` headers.
pub(crate) fn unified_diff(expected: &str, actual: &str) -> String {
    let (e, a) = (with_newline(expected), with_newline(actual));
    TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(e.as_str(), a.as_str())
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

// Both sides end in a newline so a one-line text does not get a "No newline" marker.
fn with_newline(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

fn preview(text: &str) -> String {
    truncate(&text.trim().replace('\n', " "), 60)
}

fn check_schema(name: String, schema: &Value, text: &str) -> Score {
    let instance: Value = match serde_json::from_str(strip_fence(text)) {
        Ok(v) => v,
        Err(e) => {
            return Score::check(
                name,
                false,
                format!(
                    "the response is not JSON ({e}); it starts `{}`",
                    preview(text)
                ),
            );
        }
    };
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => return Score::check(name, false, format!("invalid JSON Schema: {e}")),
    };
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| {
            let path = e.instance_path().to_string();
            let at = if path.is_empty() {
                "(root)".to_string()
            } else {
                path
            };
            format!("`{at}`: {e}")
        })
        .collect();
    if errors.is_empty() {
        return Score::check(
            name,
            true,
            "the response is JSON that matches the schema".to_string(),
        );
    }
    let mut listed = errors[..errors.len().min(MAX_SCHEMA_ERRORS)].join("; ");
    if errors.len() > MAX_SCHEMA_ERRORS {
        listed.push_str(&format!(" (+{} more)", errors.len() - MAX_SCHEMA_ERRORS));
    }
    Score::check(
        name,
        false,
        format!("the response does not match the schema: {listed}"),
    )
}

/// The JSON inside a Markdown code fence (```json … ``` or ``` … ```), else the trimmed text.
fn strip_fence(text: &str) -> &str {
    let t = text.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let Some(body) = rest.strip_suffix("```") else {
        return t;
    };
    // Drop the info string (`json`) on the opening line.
    match body.split_once('\n') {
        Some((info, inner)) if !info.trim().contains(['{', '[']) => inner.trim(),
        _ => body.trim(),
    }
}

#[cfg(test)]
mod tests;
