//! scorer: turns a case's expectations and one trajectory into scores, metrics and an outcome.
//!
//! Owns DESIGN §4 (trajectory metrics and checks, `trajectory`/`pairing`/`args`/`forbid`), the
//! one trajectory verdict runs and `evalgate score` share (`trajectory_verdict`), the
//! deterministic response checks of §5 (`response`), the explanations (`explain`, `render`)
//! and the `evalgate score` line format (`pairs`). Pure: no I/O, no network, no env; judges
//! are not called here. Failures of the agent are values in the returned scores, never errors.

pub(crate) mod args;
mod explain;
mod forbid;
mod pairing;
mod pairs;
mod render;
mod response;
mod trajectory;

use std::collections::BTreeMap;

use crate::model::{
    Case, Expect, MatchMode, MetricName, Outcome, ResponseCheck, Review, Score, ScoreStatus,
    ToolCall, Trajectory, TrajectoryExpect, TrajectoryScore,
};

pub use pairs::score_pair_line;
pub use render::render_alignment;
pub use response::{JUDGE_PENDING, NO_RESPONSE, score_response};
pub use trajectory::score_trajectory;

/// Everything scoring one case run yields.
#[derive(Debug, Clone)]
pub struct CaseScoring {
    /// `Failed` when a blocking score did not pass, else `Passed` (never `Error`: the runner
    /// records agent errors without scoring).
    pub outcome: Outcome,
    /// `trajectory.<match>`, `trajectory.forbid`, `trajectory.max_calls`, `response.<kind>`.
    pub scores: Vec<Score>,
    /// The full trajectory result, when the case expects a trajectory.
    pub trajectory_score: Option<TrajectoryScore>,
    /// Per-case metric values; only the metrics the case has data for; empty when pending.
    pub metrics: BTreeMap<MetricName, f64>,
}

/// One thing a case checks.
enum Expectation<'a> {
    Trajectory(&'a TrajectoryExpect),
    Response(&'a [ResponseCheck]),
}

fn expectations(expect: &Expect) -> Vec<Expectation<'_>> {
    let mut out = Vec::new();
    if let Some(t) = &expect.trajectory {
        out.push(Expectation::Trajectory(t));
    }
    if !expect.response.is_empty() {
        out.push(Expectation::Response(&expect.response));
    }
    out
}

/// Scores one run of a case: one score per expectation, the trajectory score, the per-case
/// metrics and the outcome. A `review: pending` case is advisory: its scores do not block and
/// it yields no metrics, so it cannot move the gate.
pub fn score_case(case: &Case, trajectory: &Trajectory) -> CaseScoring {
    let mut scores = Vec::new();
    let mut trajectory_score = None;
    let mut metrics = BTreeMap::new();
    for expectation in expectations(&case.expect) {
        match expectation {
            Expectation::Trajectory(expect) => {
                let TrajectoryVerdict {
                    score: ts,
                    checks: own,
                    passed,
                } = trajectory_verdict(expect, &trajectory.calls);
                metrics.insert(MetricName::TrajectoryMatch, indicator(passed));
                let m = &ts.metrics;
                metrics.extend([
                    (MetricName::ToolRecall, m.tool_recall),
                    (MetricName::ToolPrecision, m.tool_precision),
                    (MetricName::ToolF1, m.tool_f1),
                    (MetricName::ArgAccuracy, m.arg_accuracy),
                    (MetricName::StrictRecall, m.strict_recall),
                    (MetricName::Ordering, m.ordering),
                    (MetricName::Efficiency, m.efficiency),
                ]);
                scores.extend(own);
                trajectory_score = Some(ts);
            }
            Expectation::Response(checks) => {
                let own = score_response(checks, trajectory.final_response.as_deref());
                // `response_checks` is the deterministic checks' metric; judges have their own.
                let deterministic: Vec<&Score> = own
                    .iter()
                    .filter(|s| !s.name.starts_with("judge."))
                    .collect();
                if !deterministic.is_empty() {
                    let passed = deterministic
                        .iter()
                        .filter(|s| s.status == ScoreStatus::Pass)
                        .count();
                    metrics.insert(
                        MetricName::ResponseChecks,
                        passed as f64 / deterministic.len() as f64,
                    );
                }
                scores.extend(own);
            }
        }
    }
    let pending = case.review == Some(Review::Pending);
    if pending {
        scores.iter_mut().for_each(|s| s.blocking = false);
        metrics.clear();
    }
    let mut scoring = CaseScoring {
        outcome: Outcome::Passed,
        scores,
        trajectory_score,
        metrics,
    };
    finish_case(case, &mut scoring);
    scoring
}

/// Recomputes the outcome and `task_success` from the scores as they stand. `score_case` ends
/// with it, and the judge step calls it again after filling in judge scores, so the pass/fail
/// rule lives here only. A `review: pending` case never blocks and yields no `task_success`.
pub fn finish_case(case: &Case, scoring: &mut CaseScoring) {
    let pending = case.review == Some(Review::Pending);
    if pending {
        scoring.scores.iter_mut().for_each(|s| s.blocking = false);
    }
    let failed = scoring
        .scores
        .iter()
        .any(|s| s.blocking && s.status != ScoreStatus::Pass);
    scoring.outcome = if pending {
        Outcome::Pending
    } else if failed {
        Outcome::Failed
    } else {
        Outcome::Passed
    };
    if !pending {
        scoring
            .metrics
            .insert(MetricName::TaskSuccess, indicator(!failed));
    }
}

fn indicator(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// The check `match` asks for: as written, else `in_order` when calls are expected.
pub(crate) fn effective_match(expect: &TrajectoryExpect) -> Option<MatchMode> {
    expect
        .match_mode
        .or_else(|| (!expect.calls.is_empty()).then_some(MatchMode::InOrder))
}

/// A trajectory expectation checked against the actual calls: the full score, the checks as
/// `evalgate run` reports them and whether they all pass (the case's trajectory verdict).
pub(crate) struct TrajectoryVerdict {
    pub score: TrajectoryScore,
    pub checks: Vec<Score>,
    pub passed: bool,
}

/// The one place the trajectory verdict is decided: `score_case` (runs, traces) and
/// `evalgate score` (pair lines) both call it.
pub(crate) fn trajectory_verdict(
    expect: &TrajectoryExpect,
    actual: &[ToolCall],
) -> TrajectoryVerdict {
    let score = score_trajectory(expect, actual);
    let checks = trajectory_scores(expect, &score, actual);
    let passed = checks.iter().all(|s| s.status == ScoreStatus::Pass);
    TrajectoryVerdict {
        score,
        checks,
        passed,
    }
}

/// `trajectory.<match>`, `trajectory.forbid`, `trajectory.max_calls`, `trajectory.min_calls`
/// and `trajectory.no_redundant_calls`, as the case asks.
fn trajectory_scores(
    expect: &TrajectoryExpect,
    ts: &TrajectoryScore,
    actual: &[ToolCall],
) -> Vec<Score> {
    let n_calls = actual.len();
    let mut out = Vec::new();
    if let Some(mode) = effective_match(expect) {
        let c = &ts.checks;
        let pass = match mode {
            MatchMode::Exact => c.exact,
            MatchMode::InOrder => c.in_order,
            MatchMode::AnyOrder => c.any_order,
            MatchMode::Superset => c.superset,
            MatchMode::Subset => c.subset,
            MatchMode::Unordered => c.unordered,
            MatchMode::Covers => c.covers,
        };
        let mut s = Score::check(
            format!("trajectory.{}", mode.as_str()),
            pass,
            ts.explanation.clone(),
        );
        s.value = Some(ts.metrics.tool_f1);
        out.push(s);
    }
    if !expect.forbid.is_empty() {
        let hits = forbid::forbidden(expect, actual);
        out.push(Score::check(
            "trajectory.forbid".to_string(),
            hits.is_empty(),
            forbid::reason(expect, actual, &hits),
        ));
    }
    if let Some(max) = expect.max_calls {
        let pass = n_calls <= max as usize;
        let reason = if pass {
            format!("{n_calls} of at most {max} calls")
        } else {
            format!("{n_calls} calls, over the limit of {max}")
        };
        out.push(Score::check(
            "trajectory.max_calls".to_string(),
            pass,
            reason,
        ));
    }
    if let Some(min) = expect.min_calls {
        let pass = n_calls >= min as usize;
        let reason = if pass {
            format!("{n_calls} of at least {min} calls")
        } else {
            format!("{n_calls} calls, under the minimum of {min}")
        };
        out.push(Score::check(
            "trajectory.min_calls".to_string(),
            pass,
            reason,
        ));
    }
    if expect.no_redundant_calls {
        out.push(redundant_check(actual));
    }
    out
}

/// `trajectory.no_redundant_calls`: fails on a call that repeats an earlier `ok` call (the
/// calls `redundant_calls` counts), naming the first one. Trace rules' `no_redundant_calls`
/// is this check too (`trace::score`).
pub fn redundant_check(actual: &[ToolCall]) -> Score {
    let repeats = trajectory::repeats(actual);
    let found: Vec<(usize, usize)> = repeats
        .iter()
        .enumerate()
        .filter_map(|(j, r)| r.map(|i| (j, i)))
        .collect();
    let reason = match found.first() {
        None => "no call repeats an earlier `ok` call".to_string(),
        Some(&(j, i)) => {
            let more = match found.len() {
                1 => String::new(),
                n => format!(" ({n} redundant calls)"),
            };
            format!(
                "`{}` call #{} repeats #{} (same name and arguments){more}",
                actual[j].name,
                j + 1,
                i + 1
            )
        }
    };
    Score::check(
        "trajectory.no_redundant_calls".to_string(),
        found.is_empty(),
        reason,
    )
}

#[cfg(test)]
mod tests;
