//! Folds a baseline [`Comparison`] into a [`Verdict`]: a regression on a blocking metric fails
//! the gate, one on a warn-only metric is a warning, a changed dataset version is noted.
//!
//! Pure, like the rest of `policy`; the comparison itself is computed by `compare`.

use crate::model::{Comparison, DeltaStatus, Gate, Verdict, VerdictStatus};

/// The verdict with the baseline's regressions added to its status and reasons. An error
/// verdict (error budget) stays an error: infrastructure trouble outranks regressions.
pub fn with_baseline(mut verdict: Verdict, comparison: &Comparison) -> Verdict {
    let mut blocking = Vec::new();
    let mut warnings = Vec::new();
    for m in &comparison.metrics {
        let (Some(delta), Some(max_drop)) = (m.delta, m.max_drop) else {
            continue;
        };
        let sentence = format!(
            "`{}` dropped by {:.3} against the baseline ({:.3} → {:.3} on {} shared cases), more than its max_drop {:.3}",
            m.metric,
            -delta,
            m.base.unwrap_or_default(),
            m.head.unwrap_or_default(),
            m.n,
            max_drop
        );
        match (m.status, m.gate) {
            (DeltaStatus::Regression, Gate::Block) => blocking.push(sentence),
            (DeltaStatus::Regression, Gate::Warn) => warnings.push(sentence),
            (DeltaStatus::Inconclusive, _) => warnings.push(format!("{sentence}, not significant")),
            _ => {}
        }
    }
    for d in &comparison.dataset_changes {
        let v = |v: Option<u32>| {
            v.map(|v| format!("v{v}"))
                .unwrap_or_else(|| "absent".into())
        };
        warnings.push(format!(
            "suite `{}` uses dataset {} on head and {} on the baseline; only shared cases are compared",
            d.suite,
            v(d.head_version),
            v(d.base_version)
        ));
    }
    if !blocking.is_empty() && verdict.status == VerdictStatus::Pass {
        verdict.status = VerdictStatus::Fail;
    }
    // Blocking sentences go after the existing blocking ones, before the warnings.
    let split = verdict
        .reasons
        .iter()
        .position(|r| r.starts_with("warning: "))
        .unwrap_or(verdict.reasons.len());
    let tail = verdict.reasons.split_off(split);
    verdict.reasons.extend(blocking);
    verdict.reasons.extend(tail);
    verdict
        .reasons
        .extend(warnings.into_iter().map(|w| format!("warning: {w}")));
    verdict
}
