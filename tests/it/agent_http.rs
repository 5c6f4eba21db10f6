//! `HttpAgent` + `runner::execute` against a real local HTTP server: replies, retries,
//! Retry-After, timeouts, malformed replies, refused connections and the concurrency bound.

use std::time::{Duration, Instant};

use evalgate::adapter::HttpAgent;
use evalgate::model::{CallStatus, CaseResult, ErrorKind, Outcome, Plan, ToolCall};
use evalgate::runner::{self, ExecOptions, Filter};
use serde_json::json;

use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fixtures::{agent_spec, case, case_expecting, good_reply, plan};

fn env(name: &str) -> Option<String> {
    (name == "TEST_AGENT_KEY").then(|| "sk-test-42".to_string())
}

pub(crate) async fn run(plan: &Plan, concurrency: usize) -> Vec<CaseResult> {
    let agent = HttpAgent::new(&plan.agent, plan.body_template.as_deref(), None, &env).unwrap();
    let selected = runner::select(plan, &Filter::default()).unwrap();
    let opts = ExecOptions {
        concurrency,
        trials: 1,
    };
    runner::execute(plan, &selected, &agent, &opts, |_| {}).await
}

fn by_id<'a>(results: &'a [CaseResult], id: &str) -> &'a CaseResult {
    results.iter().find(|r| r.case_id == id).unwrap()
}

#[tokio::test]
async fn a_normal_agent_passes_with_trajectories_usage_and_cost() {
    let fake = FakeAgent::start(|r| Reply::Json(good_reply(&r.input))).await;
    let mut spec = agent_spec(&fake.url());
    spec.headers
        .insert("Authorization".into(), "Bearer ${TEST_AGENT_KEY}".into());
    let cases = vec![
        case_expecting(
            "a",
            "refund INV-1",
            &[("lookup", json!({"q": "refund INV-1"}))],
        ),
        case_expecting(
            "b",
            "where is my order",
            &[("lookup", json!({"q": "where is my order"}))],
        ),
    ];
    let p = plan(spec, vec![("smoke", cases)]);
    let results = run(&p, 2).await;

    assert_eq!(results.len(), 2);
    for r in &results {
        assert_eq!(r.outcome, Outcome::Passed, "{r:?}");
        assert_eq!(r.attempts, 1);
        let t = r.trajectory.as_ref().unwrap();
        assert_eq!(t.calls, vec![ToolCall::ok("lookup", json!({"q": r.input}))]);
        assert_eq!(t.final_response, Some(format!("done: {}", r.input)));
        assert_eq!(t.usage.total_tokens, Some(15));
        assert_eq!(t.usage.cost_usd, Some(0.001));
    }
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    for req in &requests {
        assert_eq!(req.headers["authorization"], "Bearer sk-test-42");
        assert_eq!(req.headers["content-type"], "application/json");
        assert_eq!(
            req.body["messages"][0],
            json!({"role": "user", "content": req.input})
        );
    }
    let mut ids: Vec<&str> = requests
        .iter()
        .map(|r| r.body["case_id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["a", "b"]);
}

#[tokio::test]
async fn a_body_template_and_an_openai_shaped_reply() {
    let fake = FakeAgent::start(|r| {
        let question = r.body["messages"][1]["content"].as_str().unwrap_or_default().to_string();
        Reply::Json(json!({"choices": [{"message": {"role": "assistant", "content": null,
            "tool_calls": [{"id": "c1", "type": "function",
                            "function": {"name": "search", "arguments": json!({"q": question}).to_string()}}]}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}))
    })
    .await;
    let mut spec = agent_spec(&fake.url());
    spec.response.output = "/choices/0/message/content".into();
    spec.response.tool_calls = "/choices/0/message/tool_calls".into();
    let mut p = plan(spec, vec![("s", vec![case("x", "find \"quotes\"")])]);
    p.body_template = Some(
        r#"{"model": "m", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": {{ input | tojson }}}], "metadata": {"case": {{ case.id | tojson }}}}"#
            .into(),
    );
    let results = run(&p, 1).await;
    let r = &results[0];
    assert_eq!(r.outcome, Outcome::Passed, "{r:?}");
    let t = r.trajectory.as_ref().unwrap();
    assert_eq!(
        t.calls,
        vec![ToolCall::ok("search", json!({"q": "find \"quotes\""}))]
    );
    assert_eq!(t.final_response, None);
    assert_eq!(t.usage.total_tokens, Some(7));
    assert_eq!(fake.requests()[0].body["metadata"], json!({"case": "x"}));
}

#[tokio::test]
async fn a_500_then_200_is_retried_and_passes() {
    let fake = FakeAgent::start(|r| match r.nth_for_input {
        1 => Reply::Status(500, "boom".into()),
        _ => Reply::Json(good_reply(&r.input)),
    })
    .await;
    let p = plan(
        agent_spec(&fake.url()),
        vec![("s", vec![case("a", "one"), case("b", "two")])],
    );
    let results = run(&p, 2).await;
    for r in &results {
        assert_eq!(r.outcome, Outcome::Passed, "{r:?}");
        assert_eq!(r.attempts, 2);
    }
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let fake = FakeAgent::start(|r| match r.n {
        1 => Reply::TooManyRequests("1".into()),
        _ => Reply::Json(good_reply(&r.input)),
    })
    .await;
    let p = plan(agent_spec(&fake.url()), vec![("s", vec![case("a", "one")])]);
    let started = Instant::now();
    let results = run(&p, 1).await;
    let waited = started.elapsed();
    assert_eq!(results[0].outcome, Outcome::Passed, "{:?}", results[0]);
    assert_eq!(results[0].attempts, 2);
    // The base delay is 10 ms, so a wait of about a second can only come from Retry-After.
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_millis(1_900), "waited {waited:?}");
    assert!(results[0].duration_ms >= 950);
}

#[tokio::test]
async fn persistent_5xx_and_4xx_become_http_status_errors() {
    let fake = FakeAgent::start(|r| match r.input.as_str() {
        "down" => Reply::Status(503, format!("upstream down {}", "x".repeat(300))),
        _ => Reply::Status(404, "no such route".into()),
    })
    .await;
    let p = plan(
        agent_spec(&fake.url()),
        vec![("s", vec![case("down", "down"), case("lost", "lost")])],
    );
    let results = run(&p, 2).await;

    let down = by_id(&results, "down");
    assert_eq!(down.outcome, Outcome::Error);
    assert_eq!(down.attempts, 3, "the first attempt and 2 retries");
    let e = down.error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::HttpStatus);
    let expected = format!(
        "HTTP 503 Service Unavailable after 3 attempts: upstream down {}…",
        "x".repeat(186)
    );
    assert_eq!(e.message, expected);

    let lost = by_id(&results, "lost");
    assert_eq!(lost.attempts, 1, "4xx other than 429 are not retried");
    assert_eq!(
        lost.error.as_ref().unwrap().message,
        "HTTP 404 Not Found after 1 attempt: no such route"
    );
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test]
async fn a_hanging_case_times_out_and_the_others_finish() {
    let fake = FakeAgent::start(|r| match r.input.as_str() {
        "hang" => Reply::Hang,
        _ => Reply::Json(good_reply(&r.input)),
    })
    .await;
    let mut spec = agent_spec(&fake.url());
    spec.timeout_ms = 200;
    spec.retry.max_retries = 1;
    let cases = vec![case("a", "one"), case("h", "hang"), case("b", "two")];
    let p = plan(spec, vec![("s", cases)]);
    let started = Instant::now();
    let results = run(&p, 3).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let hung = by_id(&results, "h");
    assert_eq!(hung.outcome, Outcome::Error);
    assert_eq!(hung.attempts, 2);
    let e = hung.error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert_eq!(
        e.message,
        format!(
            "no reply from `{}` within 200 ms (after 2 attempts)",
            fake.url()
        )
    );
    assert!(
        hung.duration_ms >= 400,
        "two timed-out attempts: {}",
        hung.duration_ms
    );
    for id in ["a", "b"] {
        assert_eq!(by_id(&results, id).outcome, Outcome::Passed);
    }
}

#[tokio::test]
async fn malformed_json_is_a_bad_response_quoting_the_body() {
    let fake = FakeAgent::always(Reply::Raw("<html>oops</html>".into())).await;
    let p = plan(agent_spec(&fake.url()), vec![("s", vec![case("a", "one")])]);
    let results = run(&p, 1).await;
    let r = &results[0];
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(r.attempts, 1, "a malformed reply is not retried");
    let e = r.error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::BadResponse);
    assert_eq!(
        e.message,
        "reply is not JSON (expected value at line 1 column 1): `<html>oops</html>`"
    );
}

#[tokio::test]
async fn a_refused_connection_errors_every_case_quickly() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/agent?api_key=hush");
    let cases = (0..10).map(|i| case(&format!("c{i}"), "hi")).collect();
    let p = plan(agent_spec(&url), vec![("s", cases)]);
    let started = Instant::now();
    let results = run(&p, 4).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(results.len(), 10);
    for r in &results {
        assert_eq!(r.outcome, Outcome::Error);
        assert_eq!(r.attempts, 3);
        let e = r.error.as_ref().unwrap();
        assert_eq!(e.kind, ErrorKind::Connect);
        let prefix = format!("could not connect to `http://127.0.0.1:{port}/agent`: ");
        assert!(e.message.starts_with(&prefix), "{}", e.message);
        assert!(e.message.ends_with("(after 3 attempts)"), "{}", e.message);
        assert!(
            !e.message.contains("hush"),
            "the query is stripped: {}",
            e.message
        );
    }
}

#[tokio::test]
async fn the_concurrency_bound_is_respected() {
    let fake = FakeAgent::start(|r| {
        Reply::Delayed(
            Duration::from_millis(20),
            Box::new(Reply::Json(good_reply(&r.input))),
        )
    })
    .await;
    let cases = (0..24)
        .map(|i| case(&format!("c{i:02}"), &format!("q{i}")))
        .collect();
    let p = plan(agent_spec(&fake.url()), vec![("s", cases)]);
    let results = run(&p, 4).await;
    assert!(results.iter().all(|r| r.outcome == Outcome::Passed));
    assert_eq!(fake.request_count(), 24);
    let peak = fake.peak_in_flight();
    assert!(peak <= 4, "peak in flight {peak} > concurrency 4");
    assert!(peak >= 2, "the requests did overlap (peak {peak})");
}

#[tokio::test]
async fn tool_call_status_and_results_survive_the_round_trip() {
    let fake = FakeAgent::always(Reply::Json(json!({
        "output": "partial",
        "tool_calls": [
            {"name": "charge", "arguments": "{\"amount\": 10}", "status": "error", "error": "card declined"},
            {"name": "notify", "arguments": "{oops", "result": {"sent": true}}
        ]
    })))
    .await;
    let p = plan(agent_spec(&fake.url()), vec![("s", vec![case("a", "one")])]);
    let results = run(&p, 1).await;
    let t = results[0].trajectory.as_ref().unwrap();
    assert_eq!(t.calls[0].status, CallStatus::Error);
    assert_eq!(t.calls[0].arguments, json!({"amount": 10}));
    assert_eq!(
        t.calls[1].arguments,
        json!("{oops"),
        "unparseable arguments are kept raw"
    );
    assert_eq!(t.calls[1].result, Some(json!({"sent": true})));
}

#[tokio::test]
async fn an_error_in_the_reply_is_an_agent_error_for_that_case_only() {
    // The agent answers 200 but says it failed for one input; the run goes on.
    let fake = FakeAgent::start(|r| {
        if r.input == "break" {
            Reply::Json(json!({"output": null, "error": {"message": "tool `lookup` timed out"}}))
        } else {
            Reply::Json(good_reply(&r.input))
        }
    })
    .await;
    let mut spec = agent_spec(&fake.url());
    spec.response.error = "/error".into();
    let cases = vec![case("ok", "hello"), case("bad", "break")];
    let results = run(&plan(spec, vec![("smoke", cases)]), 2).await;
    let bad = by_id(&results, "bad");
    assert_eq!(bad.outcome, Outcome::Error);
    let e = bad.error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::AgentError);
    assert_eq!(
        e.message,
        "the agent reported an error at `/error`: tool `lookup` timed out"
    );
    assert_eq!(bad.attempts, 1, "an error the agent reports is not retried");
    assert_eq!(by_id(&results, "ok").outcome, Outcome::Passed);
}

#[tokio::test]
async fn a_case_sends_its_own_headers_over_the_configured_ones() {
    let fake = FakeAgent::start(|r| Reply::Json(good_reply(&r.input))).await;
    let mut spec = agent_spec(&fake.url());
    spec.headers.insert("X-Tenant".into(), "default".into());
    spec.headers.insert("X-Env".into(), "ci".into());
    let mut own = case("own", "hello");
    own.headers.insert("X-Tenant".into(), "acme".into());
    let cases = vec![own, case("plain", "hi")];
    let results = run(&plan(spec, vec![("smoke", cases)]), 2).await;
    assert!(results.iter().all(|r| r.outcome == Outcome::Passed));
    for req in fake.requests() {
        let expected = if req.input == "hello" {
            "acme"
        } else {
            "default"
        };
        assert_eq!(req.headers["x-tenant"], expected);
        assert_eq!(req.headers["x-env"], "ci");
    }
}
