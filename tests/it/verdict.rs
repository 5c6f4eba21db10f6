//! One trajectory verdict: the same expectations and calls scored by `evalgate run` (a fake agent
//! on 127.0.0.1 answering with the calls) and by `evalgate score` (pair lines) give the same
//! pass/fail, for name patterns, `covers`, conditional `forbid` and the dataset-level checks.

use evalgate::model::{Case, Outcome};
use serde_json::{Value, json};

use crate::agent_http::run;
use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fixtures::{agent_spec, plan};
use crate::gate::{evalgate, text};

/// (expectation, actual calls, whether the trajectory passes).
fn table() -> Vec<(Value, Value, bool)> {
    let refund = |amount: u32| json!({"name": "issue_refund", "arguments": {"amount": amount}});
    let never_over_500 = json!([{"name": "issue_refund", "args": {"amount": {"gt": 500}}}]);
    vec![
        (
            json!({"match": "superset", "calls": [{"name": {"regex": "^refund_"}}]}),
            json!([{"name": "lookup"}, {"name": "refund_card"}]),
            true,
        ),
        (
            json!({"match": "covers", "calls": [
                {"name": "cancel", "args": {"order": "A1"}, "compare": ["order"]},
                {"name": "cancel", "args": {"order": "A1", "why": "x"}, "compare": ["order"]}
            ]}),
            json!([{"name": "cancel", "arguments": {"order": "A1"}}]),
            true,
        ),
        (
            json!({"match": "covers", "calls": [{"name": "cancel"}, {"name": "notify"}]}),
            json!([{"name": "cancel"}]),
            false,
        ),
        (
            json!({"forbid": never_over_500.clone()}),
            json!([refund(740)]),
            false,
        ),
        (json!({"forbid": never_over_500}), json!([refund(20)]), true),
        (
            json!({"match": "superset", "calls": [{"name": "a"}], "min_calls": 2}),
            json!([{"name": "a"}]),
            false,
        ),
        (
            json!({"match": "superset", "calls": [{"name": "a"}], "no_redundant_calls": true}),
            json!([{"name": "a"}, {"name": "a"}]),
            false,
        ),
        (
            json!({"calls": [{"name": "a"}, {"name": "b"}]}),
            json!([{"name": "b"}, {"name": "a"}]),
            false,
        ),
        (
            json!({"match": "exact", "calls": [{"name": {"regex": ".*"}}], "max_calls": 1}),
            json!([{"name": "anything", "arguments": {"x": 1}}]),
            true,
        ),
    ]
}

#[tokio::test]
async fn evalgate_score_passed_is_the_verdict_of_evalgate_run() {
    let rows = table();
    let replies: Vec<Value> = rows.iter().map(|(_, a, _)| a.clone()).collect();
    let fake = FakeAgent::start(move |r| {
        let k: usize = r.input.parse().unwrap();
        Reply::Json(json!({"output": "ok", "tool_calls": replies[k]}))
    })
    .await;
    let cases: Vec<Case> = rows
        .iter()
        .enumerate()
        .map(|(k, (e, _, _))| {
            serde_json::from_value(json!({
                "id": format!("c{k}"),
                "input": k.to_string(),
                "expect": {"trajectory": e}
            }))
            .unwrap()
        })
        .collect();
    let results = run(&plan(agent_spec(&fake.url()), vec![("v", cases)]), 2).await;

    let dir = tempfile::tempdir().unwrap();
    let pairs: String = rows
        .iter()
        .enumerate()
        .map(|(k, (e, a, _))| {
            format!(
                "{}\n",
                json!({"id": format!("c{k}"), "expected": e, "actual": a})
            )
        })
        .collect();
    std::fs::write(dir.path().join("pairs.jsonl"), pairs).unwrap();
    let o = evalgate(&["score", "pairs.jsonl"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    for (k, (_, _, want)) in rows.iter().enumerate() {
        let id = format!("c{k}");
        let result = results.iter().find(|r| r.case_id == id).unwrap();
        let line = lines.iter().find(|l| l["id"] == id.as_str()).unwrap();
        let run_passed = result.outcome == Outcome::Passed;
        assert_eq!(run_passed, *want, "{id}: run {:?}", result.scores);
        assert_eq!(line["passed"], *want, "{id}: score {line}");
        // The same checks, by name and status, in the same order.
        let run_checks: Vec<(String, String)> = result
            .scores
            .iter()
            .map(|s| (s.name.clone(), format!("{:?}", s.status).to_lowercase()))
            .collect();
        let line_checks: Vec<(String, String)> = line["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["status"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(run_checks, line_checks, "{id}");
    }
}
