//! Per-case summaries (outcome and per-case means over trials) for callers outside the gate,
//! such as baseline comparison, so every module averages trials the same way.

use std::collections::BTreeMap;

use crate::model::{CaseResult, MetricName, Outcome};

use super::aggregate::group;

/// One case over all its trials.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary<'a> {
    pub suite: &'a str,
    pub case_id: &'a str,
    /// `errored` when every trial errored, `failed` when a trial that ran failed, else `passed`.
    pub outcome: Outcome,
    /// Per-case means over the trials that produced each metric (errored trials skipped).
    pub metrics: BTreeMap<MetricName, f64>,
    /// The runs, sorted by trial.
    pub runs: Vec<&'a CaseResult>,
}

/// Cases keyed by (suite, case id), in sorted order, with the same trial averaging as
/// [`evaluate`](super::evaluate).
pub fn summarize(cases: &[CaseResult]) -> BTreeMap<(&str, &str), CaseSummary<'_>> {
    group(cases)
        .into_iter()
        .filter_map(|c| {
            let first = *c.runs.first()?;
            let metrics = MetricName::ALL
                .into_iter()
                .filter_map(|m| c.mean(m).map(|v| (m, v)))
                .collect();
            Some((
                (first.suite.as_str(), first.case_id.as_str()),
                CaseSummary {
                    suite: first.suite.as_str(),
                    case_id: first.case_id.as_str(),
                    outcome: c.outcome(),
                    metrics,
                    runs: c.runs,
                },
            ))
        })
        .collect()
}

/// The mean of per-case values (the suite-level rule: per case first, then over cases).
pub fn mean_over_cases(values: &[f64]) -> Option<f64> {
    super::aggregate::mean(values)
}
