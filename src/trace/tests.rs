//! Both fixture flavours (real instrumentation output) normalize to the same trajectories.

use std::path::PathBuf;

use serde_json::json;

use super::*;
use crate::model::CallStatus;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/traces")
        .join(name)
}

fn sorted(mut v: Vec<TraceRecord>) -> Vec<TraceRecord> {
    v.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    v
}

#[test]
fn openinference_and_genai_fixtures_normalize_to_the_same_trajectories() {
    let (oi, oi_stats) = read_all(&[fixture("openinference.json")]).unwrap();
    let (ga, ga_stats) = read_all(&[fixture("genai.jsonl")]).unwrap();
    assert_eq!(oi.len(), 4, "{oi_stats:?}");
    assert_eq!(ga.len(), 4, "{ga_stats:?}");
    assert_eq!(oi_stats.skipped_spans + ga_stats.skipped_spans, 0);
    let (oi, ga) = (sorted(oi), sorted(ga));
    for (a, b) in oi.iter().zip(&ga) {
        assert_eq!(a.inputs, b.inputs);
        type Call = (
            String,
            serde_json::Value,
            CallStatus,
            Option<serde_json::Value>,
        );
        let names = |r: &TraceRecord| -> Vec<Call> {
            r.trajectory
                .calls
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        c.arguments.clone(),
                        c.status,
                        c.result.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(names(a), names(b));
        assert_eq!(a.trajectory.final_response, b.trajectory.final_response);
        assert_eq!(
            a.trajectory.usage.prompt_tokens,
            b.trajectory.usage.prompt_tokens
        );
        assert_eq!(
            a.attributes.get("session.id"),
            b.attributes.get("session.id")
        );
        assert_eq!(a.attributes.get("user.id"), b.attributes.get("user.id"));
        assert_eq!(a.error.is_some(), b.error.is_some());
        assert_eq!(a.service.as_deref(), Some("support-agent"));
    }
    let refund = &oi[0];
    assert_eq!(
        refund
            .trajectory
            .calls
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["lookup_account", "fetch_invoice", "issue_refund"]
    );
    assert_eq!(
        refund.trajectory.calls[1].arguments,
        json!({"invoice_id": "INV-2207"})
    );
    assert_eq!(refund.trajectory.calls[2].status, CallStatus::Error);
    assert_eq!(
        refund.trajectory.calls[1].result,
        Some(json!({"invoice_id": "INV-2207", "amount": 740, "status": "paid"}))
    );
    assert_eq!(
        refund.error.as_deref(),
        Some("issue_refund: refund over limit: needs escalation")
    );
    assert_eq!(
        refund.trajectory.usage.prompt_tokens,
        Some(60 + 80 + 100 + 120)
    );
    // The multi-turn session: the second turn carries both user turns and the feedback.
    let second = &ga[2];
    assert_eq!(second.inputs.len(), 2);
    assert_eq!(second.attributes["user.feedback"], json!("thumbs_down"));
    assert_eq!(second.attributes["feedback.score"], json!(-1));
    assert_eq!(oi[2].attributes["user.feedback"], json!("thumbs_down"));
}

#[test]
fn genai_jsonl_streams_one_request_per_span_and_flushes_at_the_root() {
    let mut order = Vec::new();
    let stats = read_paths(&[fixture("genai.jsonl")], |r| order.push(r.inputs.len())).unwrap();
    assert_eq!(stats.requests, 24);
    assert_eq!(stats.traces, 4);
    assert_eq!(stats.late_spans, 0);
}

#[test]
fn unknown_spans_and_bad_lines_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    let line = json!({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
         "name": "db.query", "parentSpanId": "00f067aa0ba902b7", "startTimeUnixNano": 5},
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00f067aa0ba902b7",
         "name": "root", "startTimeUnixNano": "1", "endTimeUnixNano": "2000001",
         "attributes": [{"key": "input.value", "value": {"stringValue": "hi"}}]}
    ]}]}]});
    std::fs::write(
        &path,
        format!("{line}\nnot json\n{{\"resourceSpans\": 3}}\n"),
    )
    .unwrap();
    let (recs, stats) = read_all(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].inputs, ["hi"]);
    assert_eq!(recs[0].trajectory.latency_ms, 2);
    assert_eq!(stats.skipped_spans, 1);
    assert_eq!(stats.bad_lines, 2);
    assert!(
        stats.warnings[0].contains("t.jsonl:2:"),
        "{:?}",
        stats.warnings
    );
}

#[test]
fn a_broken_json_file_is_an_error_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    std::fs::write(&path, "{\"resourceSpans\": [\n  {\"scopeSpans\": 7}]}").unwrap();
    let err = read_all(&[path]).unwrap_err().to_string();
    assert!(err.contains("t.json:2:"), "{err}");
}

#[test]
fn genai_message_events_and_model_tool_calls_without_tool_spans() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.json");
    let doc = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "bot"}}]},
        "scopeSpans": [{"spans": [
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
         "parentSpanId": "00f067aa0ba902b7", "name": "chat gpt", "startTimeUnixNano": 10,
         "endTimeUnixNano": 20, "status": {"code": 2, "message": "rate limited"},
         "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": 11}},
            {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "5"}}],
         "events": [
            {"name": "gen_ai.system.message", "attributes": [{"key": "content", "value": {"stringValue": "be nice"}}]},
            {"name": "gen_ai.user.message", "attributes": [{"key": "content", "value": {"stringValue": "refund INV-9"}}]},
            {"name": "gen_ai.choice", "attributes": [{"key": "message", "value": {"stringValue":
              "{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"fetch_invoice\",\"arguments\":\"{\\\"invoice_id\\\":\\\"INV-9\\\"}\"}}]}"}}]}
         ]},
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00f067aa0ba902b7",
         "name": "agent", "startTimeUnixNano": 1, "endTimeUnixNano": 3000001}
    ]}]}]});
    std::fs::write(&path, doc.to_string()).unwrap();
    let (recs, stats) = read_all(&[path]).unwrap();
    assert_eq!(stats.skipped_spans, 0);
    let r = &recs[0];
    assert_eq!(r.inputs, ["refund INV-9"]);
    assert_eq!(r.service.as_deref(), Some("bot"));
    assert_eq!(r.trajectory.calls.len(), 1);
    assert_eq!(r.trajectory.calls[0].name, "fetch_invoice");
    assert_eq!(
        r.trajectory.calls[0].arguments,
        json!({"invoice_id": "INV-9"})
    );
    assert_eq!(r.trajectory.usage.total_tokens, Some(16));
    assert_eq!(r.trajectory.latency_ms, 3);
    assert_eq!(r.error.as_deref(), Some("chat gpt: rate limited"));
}
