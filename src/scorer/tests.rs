//! `score_case`: which scores a case yields, blocking, outcome and metrics.

use super::*;
use crate::model::Input;
use serde_json::{Value, json};

fn case(expect: Value) -> Case {
    Case {
        id: "c".into(),
        tags: Vec::new(),
        tier: None,
        input: Input::Text("hi".into()),
        tools: Vec::new(),
        headers: Default::default(),
        expect: serde_json::from_value(expect).unwrap(),
        source: None,
        review: None,
        fixtures: Vec::new(),
        loc: Default::default(),
    }
}

fn traj(calls: Value, response: Option<&str>) -> Trajectory {
    Trajectory {
        calls: serde_json::from_value(calls).unwrap(),
        final_response: response.map(str::to_string),
        ..Default::default()
    }
}

fn names(s: &CaseScoring) -> Vec<&str> {
    s.scores.iter().map(|s| s.name.as_str()).collect()
}

fn design_case() -> Case {
    case(json!({
        "trajectory": {
            "calls": [
                {"name": "lookup_account"},
                {"name": "fetch_invoice", "args": {"invoice_id": "INV-2207"}},
                {"name": "escalate", "args": {"priority": "high"}}
            ],
            "forbid": ["issue_refund"],
            "max_calls": 4
        },
        "response": [{"contains": "escalat"}, {"not_contains": "refunded"}]
    }))
}

#[test]
fn a_passing_case_yields_every_score_and_metric() {
    let t = traj(
        json!([
            {"name": "lookup_account"},
            {"name": "fetch_invoice", "arguments": {"invoice_id": "INV-2207"}},
            {"name": "escalate", "arguments": {"priority": "high"}}
        ]),
        Some("I escalated your request."),
    );
    let s = score_case(&design_case(), &t);
    assert_eq!(s.outcome, Outcome::Passed);
    assert_eq!(
        names(&s),
        [
            "trajectory.in_order",
            "trajectory.forbid",
            "trajectory.max_calls",
            "response.contains",
            "response.not_contains",
        ]
    );
    assert!(
        s.scores
            .iter()
            .all(|s| s.blocking && s.status == ScoreStatus::Pass)
    );
    assert_eq!(s.scores[0].value, Some(1.0));
    assert_eq!(s.scores[0].reason, "all 3 expected calls matched in order.");
    assert_eq!(s.scores[1].reason, "none of `issue_refund` was called");
    assert_eq!(s.scores[2].reason, "3 of at most 4 calls");
    let keys: Vec<MetricName> = s.metrics.keys().copied().collect();
    assert_eq!(
        keys,
        MetricName::ALL
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert!(s.metrics.values().all(|v| *v == 1.0));
    assert!(s.trajectory_score.is_some());
}

#[test]
fn a_failing_trajectory_fails_the_case_and_says_why() {
    let t = traj(
        json!([
            {"name": "lookup_account"},
            {"name": "fetch_invoice", "arguments": {"invoice_id": "INV-2270"}},
            {"name": "issue_refund", "arguments": {"amount": 740}},
            {"name": "issue_refund", "arguments": {"amount": 740}, "status": "error"},
            {"name": "lookup_account"}
        ]),
        Some("Refunded."),
    );
    let s = score_case(&design_case(), &t);
    assert_eq!(s.outcome, Outcome::Failed);
    let status: Vec<ScoreStatus> = s.scores.iter().map(|s| s.status).collect();
    use ScoreStatus::*;
    assert_eq!(status, [Fail, Fail, Fail, Fail, Pass]);
    assert_eq!(
        s.scores[1].reason,
        "forbidden tool called: `issue_refund` was called (calls #3, #4)"
    );
    assert_eq!(s.scores[2].reason, "5 calls, over the limit of 4");
    assert_eq!(s.metrics[&MetricName::TaskSuccess], 0.0);
    assert_eq!(s.metrics[&MetricName::TrajectoryMatch], 0.0);
    assert_eq!(s.metrics[&MetricName::ResponseChecks], 0.5);
    // M = 2 of |E| = 3 and |A| = 5.
    assert!((s.metrics[&MetricName::ToolRecall] - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(s.metrics[&MetricName::ToolPrecision], 0.4);
    assert_eq!(s.metrics[&MetricName::Efficiency], 0.8);
    assert_eq!(s.scores[0].value, Some(s.metrics[&MetricName::ToolF1]));
}

#[test]
fn match_defaults_to_in_order_only_when_calls_are_expected() {
    let t = traj(json!([{"name": "a"}]), None);
    assert!(
        names(&score_case(
            &case(json!({"trajectory": {"forbid": ["x"]}})),
            &t
        )) == ["trajectory.forbid"]
    );
    let s = score_case(&case(json!({"trajectory": {}})), &t);
    assert!(s.scores.is_empty());
    assert_eq!(s.outcome, Outcome::Passed);
    // A trajectory expectation without scores still yields its metrics.
    assert_eq!(s.metrics[&MetricName::TrajectoryMatch], 1.0);
    assert_eq!(s.metrics[&MetricName::ToolPrecision], 0.0);
    // An explicit match on no calls: `exact` means "call nothing".
    let s = score_case(&case(json!({"trajectory": {"match": "exact"}})), &t);
    assert_eq!(names(&s), ["trajectory.exact"]);
    assert_eq!(s.outcome, Outcome::Failed);
    for mode in MatchMode::ALL {
        let c = case(json!({"trajectory": {"match": mode.as_str(), "calls": [{"name": "a"}]}}));
        let s = score_case(&c, &t);
        assert_eq!(names(&s), [format!("trajectory.{}", mode.as_str())]);
        assert_eq!(s.outcome, Outcome::Passed, "{mode:?}");
    }
}

#[test]
fn the_chosen_check_decides() {
    let t = traj(json!([{"name": "b"}, {"name": "a"}]), None);
    let with = |mode: &str| {
        let c =
            case(json!({"trajectory": {"match": mode, "calls": [{"name": "a"}, {"name": "b"}]}}));
        score_case(&c, &t).outcome
    };
    assert_eq!(with("in_order"), Outcome::Failed);
    assert_eq!(with("exact"), Outcome::Failed);
    assert_eq!(with("unordered"), Outcome::Passed);
    assert_eq!(with("any_order"), Outcome::Passed);
}

#[test]
fn pending_cases_are_advisory_and_yield_no_metrics() {
    let mut c = design_case();
    c.review = Some(Review::Pending);
    let t = traj(json!([{"name": "issue_refund"}]), None);
    let s = score_case(&c, &t);
    assert_eq!(s.outcome, Outcome::Pending, "never counted as passed");
    assert!(s.scores.iter().all(|s| !s.blocking));
    assert!(s.scores.iter().any(|s| s.status == ScoreStatus::Fail));
    assert!(s.metrics.is_empty());
    assert!(s.trajectory_score.is_some());
}

#[test]
fn response_only_cases_have_no_trajectory_metrics() {
    let c = case(json!({"response": [{"equals": "4"}, {"regex": "^\\d+$"}]}));
    let s = score_case(&c, &traj(json!([]), Some("4")));
    assert_eq!(s.outcome, Outcome::Passed);
    let keys: Vec<MetricName> = s.metrics.keys().copied().collect();
    assert_eq!(keys, [MetricName::TaskSuccess, MetricName::ResponseChecks]);
    assert!(s.trajectory_score.is_none());
    let s = score_case(&c, &traj(json!([]), None));
    assert_eq!(s.outcome, Outcome::Failed);
    assert_eq!(s.metrics[&MetricName::ResponseChecks], 0.0);
    assert_eq!(s.scores[0].reason, NO_RESPONSE);
}

#[test]
fn a_case_without_expectations_passes() {
    let s = score_case(&case(json!({})), &traj(json!([]), None));
    assert_eq!(s.outcome, Outcome::Passed);
    assert!(s.scores.is_empty());
    assert_eq!(
        s.metrics.keys().copied().collect::<Vec<_>>(),
        [MetricName::TaskSuccess]
    );
}

#[test]
fn min_calls_and_no_redundant_calls_are_checks_that_say_why() {
    let c = case(json!({"trajectory": {
        "match": "superset",
        "calls": [{"name": "lookup_account"}],
        "min_calls": 3,
        "no_redundant_calls": true
    }}));
    let said = |calls: Value| {
        let s = score_case(&c, &traj(calls, None));
        let lines: Vec<String> = s
            .scores
            .iter()
            .map(|s| format!("{} {:?}: {}", s.name, s.status, s.reason))
            .collect();
        format!("{:?}\n{}", s.outcome, lines.join("\n"))
    };
    insta::assert_snapshot!(said(json!([
        {"name": "lookup_account", "arguments": {"id": 1}},
        {"name": "lookup_account", "arguments": {"id": 1}}
    ])), @"
    Failed
    trajectory.superset Pass: extra call #2 `lookup_account` (repeats #1). 2 calls made, under the minimum of 3.
    trajectory.min_calls Fail: 2 calls, under the minimum of 3
    trajectory.no_redundant_calls Fail: `lookup_account` call #2 repeats #1 (same name and arguments)
    ");
    insta::assert_snapshot!(said(json!([
        {"name": "lookup_account", "arguments": {"id": 1}, "status": "error"},
        {"name": "lookup_account", "arguments": {"id": 1}},
        {"name": "fetch_invoice"}
    ])), @"
    Passed
    trajectory.superset Pass: extra call #2 `lookup_account` (retries #1). extra call #3 `fetch_invoice`.
    trajectory.min_calls Pass: 3 of at least 3 calls
    trajectory.no_redundant_calls Pass: no call repeats an earlier `ok` call
    ");
}
