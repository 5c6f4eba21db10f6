use serde_json::json;

use super::*;
use crate::model::{
    CaseResult, DatasetRef, Gate, MetricPolicy, RunMeta, SCHEMA_VERSION, ToolCall, Trajectory,
    VerdictStatus,
};

fn run(id: &str, trial: u32, ok: bool, calls: &[&str], answer: &str) -> CaseResult {
    CaseResult {
        suite: "s".into(),
        case_id: id.into(),
        trial,
        file: "evals/s/v1.yaml".into(),
        line: 3,
        tags: Vec::new(),
        tier: None,
        input: "hi".into(),
        outcome: if ok { Outcome::Passed } else { Outcome::Failed },
        error: None,
        trajectory: Some(Trajectory {
            calls: calls
                .iter()
                .map(|c| ToolCall::ok(*c, json!({"id": 1})))
                .collect(),
            final_response: Some(answer.into()),
            ..Trajectory::default()
        }),
        trajectory_score: None,
        scores: Vec::new(),
        metrics: [(MetricName::TaskSuccess, if ok { 1.0 } else { 0.0 })]
            .into_iter()
            .collect(),
        judge_metrics: Default::default(),
        duration_ms: 1,
        attempts: 1,
    }
}

fn report(cases: Vec<CaseResult>, version: u32) -> RunReport {
    RunReport {
        schema_version: SCHEMA_VERSION,
        meta: RunMeta {
            started_at: "t".into(),
            config_hash: "h".into(),
            datasets: vec![DatasetRef {
                suite: "s".into(),
                dataset: "s".into(),
                version,
                path: "evals/s/v1.yaml".into(),
                cases: cases.len(),
            }],
            ..RunMeta::default()
        },
        verdict: None,
        judges: Vec::new(),
        cases,
    }
}

fn policy(max_drop: Option<f64>) -> PolicySpec {
    let mut p = PolicySpec::default();
    p.metrics.insert(
        MetricName::TaskSuccess,
        MetricPolicy {
            weight: 1.0,
            floor: None,
            max_drop,
            gate: Gate::Block,
        },
    );
    p
}

#[test]
fn identical_runs_have_no_changes_and_zero_deltas() {
    let r = report(
        vec![
            run("a", 0, true, &["x"], "ok"),
            run("b", 0, false, &["y"], "no"),
        ],
        1,
    );
    let c = compare(&r, &r, &policy(Some(0.05)));
    assert!(c.cases.is_empty(), "{:?}", c.cases);
    assert_eq!(c.shared_cases, 2);
    let ts = &c.metrics[0];
    assert_eq!(
        (ts.head, ts.base, ts.delta),
        (Some(0.5), Some(0.5), Some(0.0))
    );
    assert_eq!(ts.status, DeltaStatus::Unchanged);
}

#[test]
fn a_newly_failing_case_beyond_max_drop_is_a_blocking_regression() {
    let base = report(
        vec![
            run("a", 0, true, &["lookup", "refund"], "done"),
            run("b", 0, true, &["x"], "ok"),
        ],
        1,
    );
    let head = report(
        vec![
            run("a", 0, false, &["refund"], "refunded"),
            run("b", 0, true, &["x"], "ok"),
        ],
        1,
    );
    let c = compare(&head, &base, &policy(Some(0.05)));
    assert_eq!(c.cases.len(), 1);
    let a = &c.cases[0];
    assert_eq!(a.kind, ChangeKind::NewlyFailing);
    assert_eq!(
        (a.base_outcome, a.head_outcome),
        (Some(Outcome::Passed), Some(Outcome::Failed))
    );
    let t = a.trajectory.as_ref().unwrap();
    assert_eq!(t.base, ["lookup {\"id\":1}", "refund {\"id\":1}"]);
    assert!(t.diff.contains("-lookup {\"id\":1}\n"), "{}", t.diff);
    assert!(
        a.response_diff
            .as_ref()
            .unwrap()
            .contains("-done\n+refunded\n")
    );
    let ts = &c.metrics[0];
    assert_eq!(ts.delta, Some(-0.5));
    assert_eq!(ts.status, DeltaStatus::Regression);

    let verdict = crate::policy::evaluate(&head.cases, &policy(Some(0.05)));
    assert_eq!(
        verdict.status,
        VerdictStatus::Pass,
        "no floor: passes alone"
    );
    let v = crate::policy::with_baseline(verdict, &c);
    assert_eq!(v.status, VerdictStatus::Fail);
    assert!(
        v.reasons[0].starts_with("`task_success` dropped by 0.500"),
        "{:?}",
        v.reasons
    );

    // Within max_drop, or without one, the drop is reported but does not block.
    let c = compare(&head, &base, &policy(Some(0.6)));
    assert_eq!(c.metrics[0].status, DeltaStatus::Unchanged);
    let c = compare(&head, &base, &policy(None));
    assert_eq!(c.metrics[0].status, DeltaStatus::Unchanged);
    let v = crate::policy::with_baseline(crate::policy::evaluate(&head.cases, &policy(None)), &c);
    assert_eq!(v.status, VerdictStatus::Pass);
}

#[test]
fn a_warn_gate_regression_is_a_warning() {
    let base = report(vec![run("a", 0, true, &[], "x")], 1);
    let head = report(vec![run("a", 0, false, &[], "x")], 1);
    let mut p = policy(Some(0.0));
    p.metrics.get_mut(&MetricName::TaskSuccess).unwrap().gate = Gate::Warn;
    let c = compare(&head, &base, &p);
    let v = crate::policy::with_baseline(crate::policy::evaluate(&head.cases, &p), &c);
    assert_eq!(v.status, VerdictStatus::Pass);
    assert!(
        v.reasons[0].starts_with("warning: `task_success` dropped"),
        "{:?}",
        v.reasons
    );
}

#[test]
fn fixed_new_removed_and_dataset_versions() {
    let base = report(
        vec![
            run("fixed", 0, false, &[], "x"),
            run("gone", 0, true, &[], "x"),
            run("same", 0, true, &[], "x"),
        ],
        1,
    );
    let head = report(
        vec![
            run("fixed", 0, true, &[], "x"),
            run("new", 0, false, &[], "x"),
            run("same", 0, true, &[], "x"),
        ],
        2,
    );
    let c = compare(&head, &base, &policy(Some(0.05)));
    let kinds: Vec<_> = c
        .cases
        .iter()
        .map(|c| (c.kind, c.case_id.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::Fixed, "fixed"),
            (ChangeKind::New, "new"),
            (ChangeKind::Removed, "gone")
        ]
    );
    assert_eq!(c.shared_cases, 2);
    // Only shared cases count: head {fixed: 1, same: 1}, base {fixed: 0, same: 1}.
    let ts = &c.metrics[0];
    assert_eq!((ts.head, ts.base), (Some(1.0), Some(0.5)));
    assert_eq!(ts.status, DeltaStatus::Improvement);
    assert_eq!(
        c.dataset_changes,
        [DatasetChange {
            suite: "s".into(),
            base_version: Some(1),
            head_version: Some(2)
        }]
    );
    let v = crate::policy::with_baseline(crate::policy::evaluate(&head.cases, &policy(None)), &c);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.contains("dataset v2 on head and v1 on the baseline")),
        "{:?}",
        v.reasons
    );
}

#[test]
fn trials_are_averaged_per_case_before_the_mean() {
    // Case a: trials 1 and 0 → 0.5; case b: 1. Per case first: 0.75 (a run-level mean is 0.667).
    let head = report(
        vec![
            run("a", 0, true, &[], "x"),
            run("a", 1, false, &[], "x"),
            run("b", 0, true, &[], "x"),
        ],
        1,
    );
    let base = report(
        vec![run("a", 0, true, &[], "x"), run("b", 0, true, &[], "x")],
        1,
    );
    let c = compare(&head, &base, &policy(Some(0.2)));
    let ts = &c.metrics[0];
    assert_eq!(ts.head, Some(0.75));
    assert_eq!(ts.status, DeltaStatus::Regression);
    assert_eq!(c.cases[0].kind, ChangeKind::NewlyFailing, "a trial failed");
}

#[test]
fn an_error_verdict_stays_an_error_with_the_regression_listed() {
    let base = report(vec![run("a", 0, true, &[], "x")], 1);
    let mut failing = run("a", 0, false, &[], "x");
    failing.outcome = Outcome::Error;
    failing.metrics.clear();
    let head = report(vec![failing, run("b", 0, false, &[], "x")], 1);
    let c = compare(&head, &base, &policy(Some(0.05)));
    let mut p = policy(Some(0.05));
    p.max_error_rate = 0.0;
    let v = crate::policy::with_baseline(crate::policy::evaluate(&head.cases, &p), &c);
    assert_eq!(v.status, VerdictStatus::Error);
    assert_eq!(
        c.cases[0].kind,
        ChangeKind::NewlyFailing,
        "an errored case does not pass"
    );
}
