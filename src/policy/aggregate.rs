//! Groups runs by case and averages metrics: per case over its trials first, then over cases.
//!
//! Errored runs carry no metrics (they count against the error budget, not in the means), so
//! they are skipped here even if a runner wrote values for them.

use std::collections::BTreeMap;

use crate::model::{CaseResult, MetricName, Outcome};

/// The runs of one case (all trials), in input order.
pub(super) struct CaseRuns<'a> {
    pub runs: Vec<&'a CaseResult>,
}

impl CaseRuns<'_> {
    /// Mean of `metric` over the trials that produced it; `None` when none did.
    pub fn mean(&self, metric: MetricName) -> Option<f64> {
        let values: Vec<f64> = self
            .runs
            .iter()
            .filter(|r| r.outcome != Outcome::Error)
            .filter_map(|r| r.metrics.get(&metric).copied())
            .collect();
        mean(&values)
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.runs.iter().any(|r| r.tags.iter().any(|t| t == tag))
    }

    pub fn has_tier(&self, tier: &str) -> bool {
        self.runs.iter().any(|r| r.tier.as_deref() == Some(tier))
    }

    /// The case's outcome over its trials: `errored` when every trial errored, `pending` for a
    /// `review: pending` case that ran, `failed` when a trial that ran failed, else `passed` (an
    /// errored trial next to passing ones is an infrastructure blip, counted by the error
    /// budget, not a failure of the agent).
    pub fn outcome(&self) -> Outcome {
        if self.runs.iter().all(|r| r.outcome == Outcome::Error) {
            Outcome::Error
        } else if self.runs.iter().any(|r| r.outcome == Outcome::Pending) {
            Outcome::Pending
        } else if self.runs.iter().any(|r| r.outcome == Outcome::Failed) {
            Outcome::Failed
        } else {
            Outcome::Passed
        }
    }
}

/// Runs grouped by (suite, case id), sorted, so every mean is order-independent.
pub(super) fn group(cases: &[CaseResult]) -> Vec<CaseRuns<'_>> {
    let mut by_case: BTreeMap<(&str, &str), Vec<&CaseResult>> = BTreeMap::new();
    for r in cases {
        by_case
            .entry((r.suite.as_str(), r.case_id.as_str()))
            .or_default()
            .push(r);
    }
    by_case
        .into_values()
        .map(|mut runs| {
            runs.sort_by_key(|r| r.trial);
            CaseRuns { runs }
        })
        .collect()
}

/// Mean over cases of the per-case means; `(value, n)` with `n` the cases that had data.
pub(super) fn suite_mean<'a>(
    cases: impl IntoIterator<Item = &'a CaseRuns<'a>>,
    metric: MetricName,
) -> (Option<f64>, usize) {
    let values: Vec<f64> = cases.into_iter().filter_map(|c| c.mean(metric)).collect();
    (mean(&values), values.len())
}

pub(super) fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}
