//! Per-case diffs between the baseline and head: tool calls (expected, base, head) and the
//! final answer, as unified diffs built with `similar`.

use std::time::Duration;

use similar::TextDiff;

use crate::model::{CaseResult, TrajectoryDiff};

/// Long inputs make the diff approximate rather than slow.
const DIFF_TIMEOUT: Duration = Duration::from_millis(100);
/// A diff longer than this is cut (a reviewer reads the start; the full text is in results.json).
const MAX_DIFF_CHARS: usize = 20_000;

/// The call lists of both runs and the expectation, with a diff base → head; `None` when the
/// calls are the same or neither run has a trajectory.
pub fn trajectory_diff(
    head: Option<&CaseResult>,
    base: Option<&CaseResult>,
) -> Option<TrajectoryDiff> {
    let calls = |r: Option<&CaseResult>| -> Vec<String> {
        r.and_then(|r| r.trajectory.as_ref())
            .map(|t| {
                t.calls
                    .iter()
                    .map(|c| format!("{} {}", c.name, compact(&c.arguments)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (h, b) = (calls(head), calls(base));
    if h == b {
        return None;
    }
    let expected = head
        .or(base)
        .and_then(|r| r.trajectory_score.as_ref())
        .map(|ts| {
            let mut rows: Vec<_> = ts
                .alignment
                .iter()
                .filter_map(|a| a.expected.map(|i| (i, a.name.clone())))
                .collect();
            rows.sort();
            rows.into_iter().map(|(_, n)| n).collect()
        })
        .unwrap_or_default();
    let diff = unified(&lines(&b), &lines(&h));
    Some(TrajectoryDiff {
        expected,
        base: b,
        head: h,
        diff,
    })
}

/// A unified diff of the final answers, base → head; `None` when they are equal.
pub fn response_diff(base: Option<&str>, head: Option<&str>) -> Option<String> {
    if base == head {
        return None;
    }
    let with_nl = |s: Option<&str>| {
        let mut s = s.unwrap_or("").to_string();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s
    };
    Some(unified(&with_nl(base), &with_nl(head)))
}

fn lines(calls: &[String]) -> String {
    calls.iter().map(|c| format!("{c}\n")).collect()
}

fn unified(base: &str, head: &str) -> String {
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(base, head)
        .unified_diff()
        .header("base", "head")
        .to_string();
    cut(diff)
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_DIFF_CHARS {
        let mut end = MAX_DIFF_CHARS;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let dropped = s.len() - end;
        s.truncate(end);
        s.push_str(&format!("\n… {dropped} more bytes (see results.json)\n"));
    }
    s
}

/// Arguments on one line with sorted keys (serde_json's map is ordered).
fn compact(v: &serde_json::Value) -> String {
    if v.is_null() {
        "{}".to_string()
    } else {
        v.to_string()
    }
}
