//! `evaluate`: metric rows, composite, slices, counts and the error budget → a verdict.

use crate::model::{
    CaseResult, CompositeRow, Counts, ErrorBudget, Gate, MetricName, MetricRow, Outcome,
    PolicySpec, RowStatus, SliceFloor, SliceRow, Verdict, VerdictStatus,
};

use super::aggregate::{CaseRuns, group, suite_mean};

/// Floors are compared with this slack so that float noise (0.7 vs 0.69999999) is not a breach.
const EPS: f64 = 1e-9;

/// Applies `spec` to the runs of a suite (every case × trial) and decides the gate.
///
/// Suite values are means over cases of per-case means over trials; errored runs count only in
/// the error budget. A blocking floor with no data fails: a gate that passes on nothing is a lie.
/// A slice selects the cases having its tag and its tier (whichever are given; neither means
/// every case). A case counts as passed when no trial failed and not every trial errored.
pub fn evaluate(cases: &[CaseResult], spec: &PolicySpec) -> Verdict {
    let grouped = group(cases);
    let mut reasons = Reasons::default();

    let metrics = metric_rows(&grouped, spec, &mut reasons);
    let composite =
        spec.composite.as_ref().map(|c| {
            let value = composite_value(&metrics);
            let status = judge(value, Some(c.floor), c.gate);
            match (status, value) {
            (RowStatus::Fail | RowStatus::Warn, Some(v)) => reasons.push(
                c.gate,
                format!("the composite score is {v:.3}, below its floor {:.3}", c.floor),
            ),
            (RowStatus::Fail | RowStatus::NoData, None) => reasons.push(
                c.gate,
                format!(
                    "no weighted metric has data, so the composite floor {:.3} cannot be checked",
                    c.floor
                ),
            ),
            _ => {}
        }
            CompositeRow {
                value,
                floor: c.floor,
                gate: c.gate,
                status,
            }
        });
    let slices: Vec<SliceRow> = spec
        .slices
        .iter()
        .map(|s| slice_row(&grouped, s, &mut reasons))
        .collect();

    let counts = counts(&grouped, cases.len());
    let error_budget = error_budget(cases, spec.max_error_rate);

    let blocked = metrics.iter().any(|r| r.status == RowStatus::Fail)
        || composite
            .as_ref()
            .is_some_and(|c| c.status == RowStatus::Fail)
        || slices.iter().any(|s| s.status == RowStatus::Fail);
    let status = if error_budget.exceeded {
        VerdictStatus::Error
    } else if blocked {
        VerdictStatus::Fail
    } else {
        VerdictStatus::Pass
    };

    let mut all_reasons = Vec::new();
    if error_budget.exceeded {
        all_reasons.push(format!(
            "{} of {} runs errored ({:.1}%), above the error budget of {:.1}%",
            error_budget.errors,
            error_budget.runs,
            error_budget.rate * 100.0,
            error_budget.max_rate * 100.0
        ));
    }
    all_reasons.extend(reasons.blocking);
    all_reasons.extend(
        reasons
            .warnings
            .into_iter()
            .map(|w| format!("warning: {w}")),
    );

    Verdict {
        status,
        metrics,
        composite,
        slices,
        counts,
        error_budget,
        reasons: all_reasons,
    }
}

/// Reason sentences, blocking ones before warnings, each in the order found.
#[derive(Default)]
struct Reasons {
    blocking: Vec<String>,
    warnings: Vec<String>,
}

impl Reasons {
    fn push(&mut self, gate: Gate, sentence: String) {
        match gate {
            Gate::Block => self.blocking.push(sentence),
            Gate::Warn => self.warnings.push(sentence),
        }
    }
}

/// Status of a value against an optional floor. A blocking floor with no data is a failure; a
/// warn-only one is `no_data`.
fn judge(value: Option<f64>, floor: Option<f64>, gate: Gate) -> RowStatus {
    match (floor, value) {
        (None, _) => RowStatus::Info,
        (Some(_), None) => match gate {
            Gate::Block => RowStatus::Fail,
            Gate::Warn => RowStatus::NoData,
        },
        (Some(f), Some(v)) if v >= f - EPS => RowStatus::Pass,
        (Some(_), Some(_)) => match gate {
            Gate::Block => RowStatus::Fail,
            Gate::Warn => RowStatus::Warn,
        },
    }
}

fn metric_rows(cases: &[CaseRuns<'_>], spec: &PolicySpec, reasons: &mut Reasons) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    for metric in MetricName::ALL {
        let policy = spec.metrics.get(&metric);
        let (value, n) = suite_mean(cases, metric);
        if value.is_none() && policy.is_none() {
            continue;
        }
        let floor = policy.and_then(|p| p.floor);
        let gate = policy.map(|p| p.gate).unwrap_or_default();
        let status = judge(value, floor, gate);
        match (status, value, floor) {
            (RowStatus::Fail | RowStatus::Warn, Some(v), Some(f)) => reasons.push(
                gate,
                format!("`{metric}` is {v:.3}, below its floor {f:.3}"),
            ),
            (RowStatus::Fail | RowStatus::NoData, None, Some(f)) => reasons.push(
                gate,
                format!("no case produced `{metric}`, so its floor {f:.3} cannot be checked"),
            ),
            _ => {}
        }
        rows.push(MetricRow {
            metric,
            value,
            n,
            weight: policy.map(|p| p.weight).unwrap_or(0.0),
            floor,
            gate,
            status,
        });
    }
    rows
}

/// Weighted mean over the rows with a positive weight and data.
fn composite_value(rows: &[MetricRow]) -> Option<f64> {
    let (sum, weights) = rows
        .iter()
        .filter(|r| r.weight > 0.0)
        .filter_map(|r| r.value.map(|v| (v * r.weight, r.weight)))
        .fold((0.0, 0.0), |(s, w), (sv, wv)| (s + sv, w + wv));
    (weights > 0.0).then(|| sum / weights)
}

fn slice_row(cases: &[CaseRuns<'_>], slice: &SliceFloor, reasons: &mut Reasons) -> SliceRow {
    let selected = cases.iter().filter(|c| {
        slice.tag.as_deref().is_none_or(|t| c.has_tag(t))
            && slice.tier.as_deref().is_none_or(|t| c.has_tier(t))
    });
    let (value, n) = suite_mean(selected, slice.metric);
    let status = judge(value, Some(slice.floor), slice.gate);
    let selector = slice.selector();
    let metric = slice.metric;
    match (status, value) {
        (RowStatus::Fail | RowStatus::Warn, Some(v)) => reasons.push(
            slice.gate,
            format!("slice `{selector}`: `{metric}` {v:.3} < {:.3}", slice.floor),
        ),
        (RowStatus::Fail | RowStatus::NoData, None) => reasons.push(
            slice.gate,
            format!("slice `{selector}`: no case produced `{metric}`"),
        ),
        _ => {}
    }
    SliceRow {
        selector,
        metric,
        value,
        n,
        floor: slice.floor,
        gate: slice.gate,
        status,
    }
}

fn counts(cases: &[CaseRuns<'_>], runs: usize) -> Counts {
    let mut counts = Counts {
        cases: cases.len(),
        runs,
        ..Counts::default()
    };
    for c in cases {
        match c.outcome() {
            Outcome::Passed => counts.passed += 1,
            Outcome::Failed => counts.failed += 1,
            Outcome::Error => counts.errored += 1,
            Outcome::Pending => counts.pending += 1,
        }
    }
    counts
}

/// Errored runs over all runs; at the limit is within budget.
fn error_budget(cases: &[CaseResult], max_rate: f64) -> ErrorBudget {
    let errors = cases.iter().filter(|r| r.outcome == Outcome::Error).count();
    let runs = cases.len();
    let rate = if runs == 0 {
        0.0
    } else {
        errors as f64 / runs as f64
    };
    ErrorBudget {
        errors,
        runs,
        rate,
        max_rate,
        exceeded: rate > max_rate + EPS,
    }
}
