//! Checks of `policy` and `run`: ranges of floors, weights and counts, slice selectors.
//!
//! Pure: works on parsed values and the config's [`Source`]; evaluating the policy against
//! results is `policy`'s job, not this module's.

use std::collections::BTreeSet;

use crate::model::{Case, PolicySpec, RunSpec};

use super::error::{Diagnostic, backticked, closest};
use super::source::Source;

pub(crate) fn check_run(run: &RunSpec, src: &Source, out: &mut Vec<Diagnostic>) {
    if run.concurrency == 0 {
        out.push(src.at(
            "run.concurrency",
            "`run.concurrency` must be at least 1, got `0`",
        ));
    }
    if run.trials == 0 {
        out.push(src.at("run.trials", "`run.trials` must be at least 1, got `0`"));
    }
}

pub(crate) fn check_policy(policy: &PolicySpec, src: &Source, out: &mut Vec<Diagnostic>) {
    for (metric, p) in &policy.metrics {
        let base = format!("policy.metrics.{metric}");
        if !p.weight.is_finite() || p.weight < 0.0 {
            out.push(src.at(
                &format!("{base}.weight"),
                format!("`{base}.weight` must be a number ≥ 0, got `{}`", p.weight),
            ));
        }
        fraction(src, &format!("{base}.floor"), p.floor, out);
        fraction(src, &format!("{base}.max_drop"), p.max_drop, out);
    }
    if let Some(c) = &policy.composite {
        fraction(src, "policy.composite.floor", Some(c.floor), out);
        if !policy.metrics.values().any(|p| p.weight > 0.0) {
            out.push(
                src.at_key("policy.composite", "`policy.composite` needs a metric with `weight` > 0")
                    .with_help("the composite is the weighted mean of `policy.metrics`; give at least one metric a positive weight"),
            );
        }
    }
    for (i, slice) in policy.slices.iter().enumerate() {
        let base = format!("policy.slices[{i}]");
        match (&slice.tag, &slice.tier) {
            (Some(_), Some(_)) => out.push(
                src.at_key(
                    &format!("{base}.tier"),
                    "a slice selects by `tag` or by `tier`, not both",
                )
                .with_help("write two slices, one per selector"),
            ),
            (None, None) => out.push(src.at(&base, "a slice needs `tag` or `tier`")),
            _ => {}
        }
        fraction(src, &format!("{base}.floor"), Some(slice.floor), out);
    }
    fraction(
        src,
        "policy.max_error_rate",
        Some(policy.max_error_rate),
        out,
    );
}

/// Floors, drops and rates are fractions.
fn fraction(src: &Source, path: &str, value: Option<f64>, out: &mut Vec<Diagnostic>) {
    if let Some(v) = value
        && !(0.0..=1.0).contains(&v)
    {
        out.push(src.at(path, format!("`{path}` must be between 0 and 1, got `{v}`")));
    }
}

/// A slice whose tag or tier no case carries is a typo: it would gate on nothing.
pub(crate) fn check_slice_usage<'a>(
    policy: &PolicySpec,
    cases: impl Iterator<Item = &'a Case> + Clone,
    src: &Source,
    out: &mut Vec<Diagnostic>,
) {
    let tags: BTreeSet<&str> = cases
        .clone()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let tiers: BTreeSet<&str> = cases.filter_map(|c| c.tier.as_deref()).collect();
    for (i, slice) in policy.slices.iter().enumerate() {
        let (kind, value, found) = match (&slice.tag, &slice.tier) {
            (Some(tag), None) => ("tag", tag, &tags),
            (None, Some(tier)) => ("tier", tier, &tiers),
            _ => continue,
        };
        if found.contains(value.as_str()) {
            continue;
        }
        let d = src.at(
            &format!("policy.slices[{i}].{kind}"),
            format!(
                "no case has {kind} `{value}`; {kind}s found: {}",
                backticked(found)
            ),
        );
        out.push(match closest(value, found.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d,
        });
    }
}
