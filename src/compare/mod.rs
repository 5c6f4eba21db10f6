//! Baseline comparison: pairs the cases of a head run and a baseline run by (suite, case id)
//! and says what changed: newly failing, fixed, still failing, new, removed, changed scores,
//! per-metric head / base / Δ on the shared cases, trajectory and response diffs.
//!
//! Pure: no I/O, no env. Trial averaging comes from `policy::summarize` (the gate's own rule),
//! and the policy's `max_drop` decides regressions; `policy::with_baseline` folds the result
//! into the verdict.

mod diff;

use std::collections::BTreeMap;

use crate::model::{
    BaseRef, CaseChange, ChangeKind, Comparison, DatasetChange, DeltaStatus, MetricDelta,
    MetricName, Outcome, PolicySpec, RunReport, ScoreChange, Significance, UsageDelta, UsageTotals,
};
use crate::policy::{CaseSummary, mean_over_cases, summarize};

pub use diff::{response_diff, trajectory_diff};

/// Deltas smaller than this are float noise, not a change.
const EPS: f64 = 1e-9;

/// Compares `head` with `base` under `policy` (for `max_drop` and gates).
pub fn compare(head: &RunReport, base: &RunReport, policy: &PolicySpec) -> Comparison {
    let heads = summarize(&head.cases);
    let bases = summarize(&base.cases);

    let mut metrics = Vec::new();
    for metric in MetricName::ALL {
        let pol = policy.metrics.get(&metric);
        let pairs: Vec<(f64, f64)> = heads
            .iter()
            .filter_map(|(k, h)| {
                let b = bases.get(k)?;
                Some((*h.metrics.get(&metric)?, *b.metrics.get(&metric)?))
            })
            .collect();
        let any_data = heads
            .values()
            .chain(bases.values())
            .any(|c| c.metrics.contains_key(&metric));
        if !any_data && pol.is_none() {
            continue;
        }
        let head_v = mean_over_cases(&pairs.iter().map(|p| p.0).collect::<Vec<_>>());
        let base_v = mean_over_cases(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
        let delta = head_v.zip(base_v).map(|(h, b)| h - b);
        let max_drop = pol.and_then(|p| p.max_drop);
        let (status, significance) = judge(delta, max_drop, &pairs);
        metrics.push(MetricDelta {
            metric,
            head: head_v,
            base: base_v,
            delta,
            n: pairs.len(),
            max_drop,
            gate: pol.map(|p| p.gate).unwrap_or_default(),
            status,
            significance,
        });
    }

    let mut cases: Vec<CaseChange> = Vec::new();
    for (key, h) in &heads {
        match bases.get(key) {
            Some(b) => cases.extend(paired_change(h, b)),
            None => cases.push(one_sided(h, ChangeKind::New)),
        }
    }
    for (key, b) in &bases {
        if !heads.contains_key(key) {
            cases.push(one_sided(b, ChangeKind::Removed));
        }
    }
    cases.sort_by(|a, b| (a.kind, &a.suite, &a.case_id).cmp(&(b.kind, &b.suite, &b.case_id)));

    Comparison {
        base: BaseRef {
            git_sha: base.meta.git_sha.clone(),
            started_at: base.meta.started_at.clone(),
            config_hash: base.meta.config_hash.clone(),
        },
        dataset_changes: dataset_changes(head, base),
        shared_cases: heads.keys().filter(|k| bases.contains_key(*k)).count(),
        metrics,
        cases,
        usage: UsageDelta {
            head: usage_totals(head),
            base: usage_totals(base),
        },
    }
}

/// The status of a delta. This is the seam for the statistics issue: a paired test over
/// `_pairs` will turn a drop beyond `max_drop` into `regression` only when it is significant
/// (else `inconclusive`); today the threshold alone decides.
fn judge(
    delta: Option<f64>,
    max_drop: Option<f64>,
    _pairs: &[(f64, f64)],
) -> (DeltaStatus, Significance) {
    let status = match delta {
        None => DeltaStatus::NoData,
        Some(d) if max_drop.is_some_and(|m| -d > m + EPS) => DeltaStatus::Regression,
        Some(d) if d > EPS => DeltaStatus::Improvement,
        Some(_) => DeltaStatus::Unchanged,
    };
    (status, Significance::Threshold)
}

fn passes(o: Outcome) -> bool {
    o == Outcome::Passed
}

fn paired_change(h: &CaseSummary<'_>, b: &CaseSummary<'_>) -> Option<CaseChange> {
    let scores = score_changes(h, b);
    let traj = trajectory_diff(h.runs.first().copied(), b.runs.first().copied());
    // A pending case blocks nothing, so it is neither fixed nor newly failing; once approved,
    // a failing case is newly failing (it blocks now) and a passing one is no news.
    if h.outcome == Outcome::Pending
        || (b.outcome == Outcome::Pending && h.outcome != Outcome::Failed)
    {
        return None;
    }
    let kind = match (
        passes(b.outcome) || b.outcome == Outcome::Pending,
        passes(h.outcome),
    ) {
        (true, false) => ChangeKind::NewlyFailing,
        (false, true) => ChangeKind::Fixed,
        (false, false) if !scores.is_empty() || traj.is_some() || b.outcome != h.outcome => {
            ChangeKind::StillFailing
        }
        (true, true) if !scores.is_empty() => ChangeKind::ScoresChanged,
        _ => return None,
    };
    let mut change = one_sided(h, kind);
    change.base_outcome = Some(b.outcome);
    change.scores = scores;
    change.trajectory = traj;
    change.response_diff = response_diff(final_response(b), final_response(h));
    Some(change)
}

/// A change naming one side's case (head's for everything but `removed`).
fn one_sided(c: &CaseSummary<'_>, kind: ChangeKind) -> CaseChange {
    let first = c.runs[0];
    let removed = kind == ChangeKind::Removed;
    CaseChange {
        suite: c.suite.to_string(),
        case_id: c.case_id.to_string(),
        kind,
        file: first.file.clone(),
        line: first.line,
        tier: first.tier.clone(),
        head_outcome: (!removed).then_some(c.outcome),
        base_outcome: removed.then_some(c.outcome),
        reason: (!removed && !passes(c.outcome))
            .then(|| first_reason(c))
            .flatten(),
        scores: Vec::new(),
        trajectory: None,
        response_diff: None,
    }
}

fn first_reason(c: &CaseSummary<'_>) -> Option<String> {
    c.runs.iter().find_map(|r| {
        r.error.as_ref().map(|e| e.message.clone()).or_else(|| {
            r.scores
                .iter()
                .find(|s| s.blocking && s.status == crate::model::ScoreStatus::Fail)
                .map(|s| s.reason.clone())
        })
    })
}

fn final_response<'a>(c: &CaseSummary<'a>) -> Option<&'a str> {
    c.runs
        .first()
        .and_then(|r| r.trajectory.as_ref())
        .and_then(|t| t.final_response.as_deref())
}

fn score_changes(h: &CaseSummary<'_>, b: &CaseSummary<'_>) -> Vec<ScoreChange> {
    MetricName::ALL
        .into_iter()
        .filter_map(|m| {
            let (hv, bv) = (h.metrics.get(&m).copied(), b.metrics.get(&m).copied());
            let same = match (hv, bv) {
                (Some(x), Some(y)) => (x - y).abs() <= EPS,
                (None, None) => true,
                _ => false,
            };
            (!same).then_some(ScoreChange {
                metric: m,
                head: hv,
                base: bv,
            })
        })
        .collect()
}

fn dataset_changes(head: &RunReport, base: &RunReport) -> Vec<DatasetChange> {
    let versions = |r: &RunReport| -> BTreeMap<String, u32> {
        r.meta
            .datasets
            .iter()
            .map(|d| (d.suite.clone(), d.version))
            .collect()
    };
    let (h, b) = (versions(head), versions(base));
    let mut suites: Vec<&String> = h.keys().chain(b.keys()).collect();
    suites.sort();
    suites.dedup();
    suites
        .into_iter()
        .filter_map(|s| {
            let (hv, bv) = (h.get(s).copied(), b.get(s).copied());
            (hv != bv).then(|| DatasetChange {
                suite: s.clone(),
                base_version: bv,
                head_version: hv,
            })
        })
        .collect()
}

fn usage_totals(r: &RunReport) -> UsageTotals {
    let trajectories: Vec<_> = r
        .cases
        .iter()
        .filter_map(|c| c.trajectory.as_ref())
        .collect();
    let mut latencies: Vec<u64> = trajectories.iter().map(|t| t.latency_ms).collect();
    latencies.sort_unstable();
    let cost = trajectories
        .iter()
        .filter_map(|t| t.usage.cost_usd)
        .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v));
    let tokens = trajectories
        .iter()
        .filter_map(|t| t.usage.total_tokens)
        .fold(None, |acc: Option<u64>, v| Some(acc.unwrap_or(0) + v));
    UsageTotals {
        cost_usd: cost,
        total_tokens: tokens,
        latency_p50_ms: nearest_rank(&latencies, 0.50),
        latency_p95_ms: nearest_rank(&latencies, 0.95),
    }
}

fn nearest_rank(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests;
