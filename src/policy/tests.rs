//! Unit tests for `evaluate`: floors at / above / below, gates, no data, composite, slices,
//! trials, counts and the error budget.

use std::collections::BTreeMap;

use super::evaluate;
use crate::model::{
    CaseError, CaseResult, CompositePolicy, ErrorKind, Gate, MetricName, MetricPolicy, Outcome,
    PolicySpec, RowStatus, SliceFloor, VerdictStatus,
};

use MetricName::{TaskSuccess, ToolF1, ToolRecall};

fn run(id: &str, trial: u32, metrics: &[(MetricName, f64)]) -> CaseResult {
    let success = metrics
        .iter()
        .find(|(m, _)| *m == TaskSuccess)
        .is_none_or(|(_, v)| *v >= 1.0);
    CaseResult {
        suite: "s".into(),
        case_id: id.into(),
        trial,
        file: "evals/s/v1.yaml".into(),
        line: 1,
        tags: Vec::new(),
        tier: None,
        input: "hi".into(),
        outcome: if success {
            Outcome::Passed
        } else {
            Outcome::Failed
        },
        error: None,
        trajectory: None,
        trajectory_score: None,
        scores: Vec::new(),
        metrics: metrics.iter().copied().collect(),
        judge_metrics: BTreeMap::new(),
        duration_ms: 10,
        attempts: 1,
    }
}

fn errored(id: &str, trial: u32) -> CaseResult {
    CaseResult {
        outcome: Outcome::Error,
        error: Some(CaseError {
            kind: ErrorKind::Timeout,
            message: "no answer within 1000 ms".into(),
        }),
        metrics: BTreeMap::new(),
        ..run(id, trial, &[])
    }
}

fn tagged(mut r: CaseResult, tags: &[&str], tier: Option<&str>) -> CaseResult {
    r.tags = tags.iter().map(|t| t.to_string()).collect();
    r.tier = tier.map(str::to_string);
    r
}

fn floor(floor: f64, gate: Gate) -> MetricPolicy {
    MetricPolicy {
        weight: 1.0,
        floor: Some(floor),
        max_drop: None,
        gate,
    }
}

fn policy(metrics: &[(MetricName, MetricPolicy)]) -> PolicySpec {
    PolicySpec {
        metrics: metrics.iter().cloned().collect(),
        composite: None,
        slices: Vec::new(),
        max_error_rate: 0.1,
    }
}

/// Ten cases, `passing` of which have task_success 1.
fn success_rate(passing: usize) -> Vec<CaseResult> {
    (0..10)
        .map(|i| {
            run(
                &format!("c{i}"),
                0,
                &[(TaskSuccess, if i < passing { 1.0 } else { 0.0 })],
            )
        })
        .collect()
}

#[test]
fn a_value_exactly_at_the_floor_passes_despite_float_noise() {
    let v = evaluate(
        &success_rate(7),
        &policy(&[(TaskSuccess, floor(0.7, Gate::Block))]),
    );
    assert_eq!(v.metrics[0].status, RowStatus::Pass);
    assert_eq!(v.status, VerdictStatus::Pass);
    assert!(v.reasons.is_empty(), "{:?}", v.reasons);

    // Three cases at 0.7 average to 0.6999999999999998 in floating point; still at the floor.
    let cases: Vec<_> = ["a", "b", "c"]
        .map(|id| run(id, 0, &[(ToolF1, 0.7)]))
        .into();
    let v = evaluate(&cases, &policy(&[(ToolF1, floor(0.7, Gate::Block))]));
    let row = v.metrics.iter().find(|r| r.metric == ToolF1).unwrap();
    assert!(
        row.value.unwrap() < 0.7,
        "the test needs float noise: {:?}",
        row.value
    );
    assert_eq!(
        (row.status, v.status),
        (RowStatus::Pass, VerdictStatus::Pass)
    );

    // A real shortfall, however small next to the floor, is still a breach.
    let cases = vec![run("a", 0, &[(ToolF1, 0.6999)])];
    let v = evaluate(&cases, &policy(&[(ToolF1, floor(0.7, Gate::Block))]));
    assert_eq!(v.status, VerdictStatus::Fail);
}

#[test]
fn above_passes_and_below_fails_with_a_reason() {
    let spec = policy(&[(TaskSuccess, floor(0.8, Gate::Block))]);
    let v = evaluate(&success_rate(9), &spec);
    assert_eq!(
        (v.status, v.metrics[0].status),
        (VerdictStatus::Pass, RowStatus::Pass)
    );
    assert_eq!(v.metrics[0].value, Some(0.9));
    assert_eq!(v.metrics[0].n, 10);

    let v = evaluate(&success_rate(7), &spec);
    assert_eq!(
        (v.status, v.metrics[0].status),
        (VerdictStatus::Fail, RowStatus::Fail)
    );
    assert_eq!(
        v.reasons,
        ["`task_success` is 0.700, below its floor 0.800"]
    );
}

#[test]
fn a_warn_floor_warns_without_failing_the_gate() {
    let spec = policy(&[
        (TaskSuccess, floor(0.5, Gate::Block)),
        (ToolF1, floor(0.9, Gate::Warn)),
    ]);
    let cases = vec![run("a", 0, &[(TaskSuccess, 1.0), (ToolF1, 0.5)])];
    let v = evaluate(&cases, &spec);
    assert_eq!(v.status, VerdictStatus::Pass);
    let f1 = v.metrics.iter().find(|r| r.metric == ToolF1).unwrap();
    assert_eq!((f1.status, f1.gate), (RowStatus::Warn, Gate::Warn));
    assert_eq!(
        v.reasons,
        ["warning: `tool_f1` is 0.500, below its floor 0.900"]
    );
}

#[test]
fn no_data_fails_a_blocking_floor_and_only_warns_on_a_warn_floor() {
    let cases = vec![run("a", 0, &[(TaskSuccess, 1.0)])];
    let v = evaluate(&cases, &policy(&[(ToolF1, floor(0.5, Gate::Block))]));
    assert_eq!(v.status, VerdictStatus::Fail);
    let f1 = v.metrics.iter().find(|r| r.metric == ToolF1).unwrap();
    assert_eq!((f1.value, f1.n, f1.status), (None, 0, RowStatus::Fail));
    assert_eq!(
        v.reasons,
        ["no case produced `tool_f1`, so its floor 0.500 cannot be checked"]
    );

    let v = evaluate(&cases, &policy(&[(ToolF1, floor(0.5, Gate::Warn))]));
    assert_eq!(v.status, VerdictStatus::Pass);
    let f1 = v.metrics.iter().find(|r| r.metric == ToolF1).unwrap();
    assert_eq!(f1.status, RowStatus::NoData);
    assert!(v.reasons[0].starts_with("warning: no case produced `tool_f1`"));
}

#[test]
fn rows_cover_metrics_with_data_or_policy_in_metric_order() {
    let cases = vec![run("a", 0, &[(ToolRecall, 1.0), (TaskSuccess, 1.0)])];
    let spec = policy(&[(
        ToolF1,
        MetricPolicy {
            floor: None,
            ..floor(0.0, Gate::Block)
        },
    )]);
    let v = evaluate(&cases, &spec);
    let names: Vec<_> = v.metrics.iter().map(|r| r.metric).collect();
    assert_eq!(names, [TaskSuccess, ToolRecall, ToolF1]);
    assert!(v.metrics.iter().all(|r| r.status == RowStatus::Info));
    // Metrics without a policy entry have weight 0.
    assert_eq!(v.metrics[0].weight, 0.0);
    assert_eq!(v.metrics[2].weight, 1.0);
}

#[test]
fn trials_are_averaged_per_case_before_cases_are_averaged() {
    // Case a: 3 trials with 1, 0, 0 → 1/3; case b: 1 trial with 1. Mean over cases 2/3,
    // not 2/4 as a mean over runs would give.
    let cases = vec![
        run("a", 0, &[(TaskSuccess, 1.0)]),
        run("a", 1, &[(TaskSuccess, 0.0)]),
        run("a", 2, &[(TaskSuccess, 0.0)]),
        run("b", 0, &[(TaskSuccess, 1.0)]),
    ];
    let v = evaluate(&cases, &policy(&[(TaskSuccess, floor(0.5, Gate::Block))]));
    let row = &v.metrics[0];
    assert!(
        (row.value.unwrap() - 2.0 / 3.0).abs() < 1e-12,
        "{:?}",
        row.value
    );
    assert_eq!(row.n, 2);
    assert_eq!((v.counts.cases, v.counts.runs), (2, 4));
    assert_eq!(
        (v.counts.passed, v.counts.failed, v.counts.errored),
        (1, 1, 0)
    );
}

#[test]
fn errored_runs_are_left_out_of_means_and_counted_by_case() {
    let mut noisy = errored("a", 1);
    // Even if a runner wrote a value for an errored run, it must not count.
    noisy.metrics.insert(TaskSuccess, 0.0);
    let cases = vec![
        run("a", 0, &[(TaskSuccess, 1.0)]),
        noisy,
        errored("b", 0),
        errored("b", 1),
    ];
    let mut spec = policy(&[(TaskSuccess, floor(1.0, Gate::Block))]);
    spec.max_error_rate = 1.0;
    let v = evaluate(&cases, &spec);
    assert_eq!((v.metrics[0].value, v.metrics[0].n), (Some(1.0), 1));
    // a: one trial passed, one errored → passed; b: all errored → errored.
    assert_eq!(
        (v.counts.passed, v.counts.failed, v.counts.errored),
        (1, 0, 1)
    );
    assert_eq!((v.error_budget.errors, v.error_budget.runs), (3, 4));
    assert_eq!(v.status, VerdictStatus::Pass);
}

#[test]
fn composite_is_the_weighted_mean_of_weighted_metrics_with_data() {
    let cases = vec![run(
        "a",
        0,
        &[(TaskSuccess, 1.0), (ToolF1, 0.4), (ToolRecall, 0.0)],
    )];
    let mut spec = policy(&[
        (
            TaskSuccess,
            MetricPolicy {
                weight: 3.0,
                floor: None,
                ..floor(0.0, Gate::Block)
            },
        ),
        (
            ToolF1,
            MetricPolicy {
                weight: 1.0,
                floor: None,
                ..floor(0.0, Gate::Block)
            },
        ),
        // A weight without data does not drag the composite down.
        (
            MetricName::Ordering,
            MetricPolicy {
                weight: 5.0,
                floor: None,
                ..floor(0.0, Gate::Block)
            },
        ),
        (
            ToolRecall,
            MetricPolicy {
                weight: 0.0,
                floor: None,
                ..floor(0.0, Gate::Block)
            },
        ),
    ]);
    spec.composite = Some(CompositePolicy {
        floor: 0.85,
        gate: Gate::Block,
    });
    let v = evaluate(&cases, &spec);
    let c = v.composite.as_ref().unwrap();
    // (3·1 + 1·0.4) / 4 = 0.85: exactly at the floor.
    assert!((c.value.unwrap() - 0.85).abs() < 1e-12);
    assert_eq!((c.status, v.status), (RowStatus::Pass, VerdictStatus::Pass));

    spec.composite = Some(CompositePolicy {
        floor: 0.9,
        gate: Gate::Block,
    });
    let v = evaluate(&cases, &spec);
    assert_eq!(v.status, VerdictStatus::Fail);
    assert_eq!(
        v.reasons,
        ["the composite score is 0.850, below its floor 0.900"]
    );

    spec.composite = Some(CompositePolicy {
        floor: 0.9,
        gate: Gate::Warn,
    });
    let v = evaluate(&cases, &spec);
    assert_eq!(
        (v.status, v.composite.unwrap().status),
        (VerdictStatus::Pass, RowStatus::Warn)
    );
}

#[test]
fn no_composite_policy_means_no_composite_row() {
    let v = evaluate(&success_rate(10), &PolicySpec::default());
    assert!(v.composite.is_none());
    assert_eq!(v.status, VerdictStatus::Pass);
}

fn slice_cases() -> Vec<CaseResult> {
    vec![
        tagged(
            run("a", 0, &[(TaskSuccess, 1.0)]),
            &["refund"],
            Some("critical"),
        ),
        tagged(
            run("b", 0, &[(TaskSuccess, 0.0)]),
            &["refund", "billing"],
            Some("critical"),
        ),
        tagged(
            run("c", 0, &[(TaskSuccess, 1.0)]),
            &["refund"],
            Some("critical"),
        ),
        tagged(run("d", 0, &[(TaskSuccess, 0.0)]), &["chat"], None),
    ]
}

fn slice(tag: Option<&str>, tier: Option<&str>, floor: f64, gate: Gate) -> SliceFloor {
    SliceFloor {
        tag: tag.map(str::to_string),
        tier: tier.map(str::to_string),
        metric: TaskSuccess,
        floor,
        gate,
    }
}

#[test]
fn slices_select_cases_by_tier_and_by_tag() {
    let mut spec = policy(&[]);
    spec.slices = vec![
        slice(None, Some("critical"), 1.0, Gate::Block),
        slice(Some("billing"), None, 0.5, Gate::Warn),
        slice(Some("chat"), None, 0.0, Gate::Block),
    ];
    let v = evaluate(&slice_cases(), &spec);
    let critical = &v.slices[0];
    assert_eq!(critical.selector, "tier:critical");
    assert_eq!((critical.n, critical.status), (3, RowStatus::Fail));
    assert!((critical.value.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let billing = &v.slices[1];
    assert_eq!((billing.selector.as_str(), billing.n), ("tag:billing", 1));
    assert_eq!(
        (billing.value, billing.status),
        (Some(0.0), RowStatus::Warn)
    );
    assert_eq!(v.slices[2].status, RowStatus::Pass);
    assert_eq!(v.status, VerdictStatus::Fail);
    assert_eq!(
        v.reasons,
        [
            "slice `tier:critical`: `task_success` 0.667 < 1.000",
            "warning: slice `tag:billing`: `task_success` 0.000 < 0.500",
        ]
    );
}

#[test]
fn a_blocking_slice_that_selects_nothing_fails() {
    let mut spec = policy(&[]);
    spec.slices = vec![slice(Some("nope"), None, 0.5, Gate::Block)];
    let v = evaluate(&slice_cases(), &spec);
    assert_eq!((v.slices[0].n, v.slices[0].status), (0, RowStatus::Fail));
    assert_eq!(
        v.reasons,
        ["slice `tag:nope`: no case produced `task_success`"]
    );
}

#[test]
fn the_error_budget_holds_at_the_limit_and_is_exceeded_above_it() {
    // 1 of 10 runs errored: exactly the 10% budget.
    let mut cases = success_rate(9);
    cases.truncate(9);
    cases.push(errored("e0", 0));
    let spec = policy(&[(TaskSuccess, floor(1.0, Gate::Block))]);
    let v = evaluate(&cases, &spec);
    assert!(!v.error_budget.exceeded);
    assert_eq!(v.status, VerdictStatus::Pass);

    cases.push(errored("e1", 0));
    let v = evaluate(&cases, &spec);
    assert!(v.error_budget.exceeded);
    assert_eq!(v.status, VerdictStatus::Error);
    assert_eq!(
        v.reasons[0],
        "2 of 11 runs errored (18.2%), above the error budget of 10.0%"
    );
}

#[test]
fn the_error_budget_comes_before_floor_failures() {
    let mut cases = success_rate(5);
    cases.extend((0..5).map(|i| errored(&format!("e{i}"), 0)));
    let v = evaluate(&cases, &policy(&[(TaskSuccess, floor(0.9, Gate::Block))]));
    assert_eq!(v.status, VerdictStatus::Error);
    assert_eq!(
        v.reasons,
        [
            "5 of 15 runs errored (33.3%), above the error budget of 10.0%",
            "`task_success` is 0.500, below its floor 0.900",
        ]
    );
}

#[test]
fn no_runs_at_all_fail_a_blocking_floor() {
    let v = evaluate(&[], &PolicySpec::default());
    assert_eq!(v.status, VerdictStatus::Fail);
    assert_eq!(v.error_budget.rate, 0.0);
    assert_eq!(v.counts.cases, 0);
}
