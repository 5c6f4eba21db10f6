//! The spans of one trace → one [`TraceRecord`], for both attribute conventions.
//!
//! OpenInference: `openinference.span.kind` LLM / TOOL / CHAIN / AGENT, indexed
//! `llm.input_messages.N.message.*` / `llm.output_messages.N.message.*` (tool calls under
//! `tool_calls.M.tool_call.function.*`), `tool.name`, `tool.parameters`, `input.value`,
//! `output.value`, `llm.token_count.*`. GenAI semconv: `gen_ai.operation.name` chat /
//! execute_tool / invoke_agent, `gen_ai.tool.name`, `gen_ai.tool.call.arguments` / `.result`,
//! messages as `gen_ai.input.messages` / `gen_ai.output.messages` attributes (parts) or as span
//! events (`gen_ai.user.message`, `gen_ai.choice`), `gen_ai.usage.*`. Pure: no I/O.

use std::collections::HashSet;

use serde_json::Value;

use crate::model::{CallStatus, ToolCall, TraceRecord, Trajectory};

use super::messages::{input_messages, input_size, json_or_string, output_messages};
use super::span::RawSpan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Llm,
    Tool,
    Agent,
    Other,
}

fn kind(span: &RawSpan) -> Option<Kind> {
    if let Some(k) = span.str_attr("openinference.span.kind") {
        return Some(match k.to_ascii_uppercase().as_str() {
            "LLM" => Kind::Llm,
            "TOOL" => Kind::Tool,
            "AGENT" | "CHAIN" => Kind::Agent,
            _ => Kind::Other,
        });
    }
    span.str_attr("gen_ai.operation.name").map(|op| match op {
        "chat" | "text_completion" | "generate_content" => Kind::Llm,
        "execute_tool" => Kind::Tool,
        "invoke_agent" | "create_agent" => Kind::Agent,
        _ => Kind::Other,
    })
}

/// Keys too large or too model-specific to keep as trace attributes.
fn keep_attribute(key: &str, value: &Value) -> bool {
    !(key.starts_with("llm.")
        || key.starts_with("gen_ai.input")
        || key.starts_with("gen_ai.output")
        || key.starts_with("gen_ai.tool.call")
        || key == "input.value"
        || key == "output.value"
        || key == "tool.parameters"
        || value.is_array()
        || value.is_object())
}

fn rfc3339(nanos: u64) -> Option<String> {
    let secs = i64::try_from(nanos / 1_000_000_000).ok()?;
    let dt = chrono::DateTime::from_timestamp(secs, (nanos % 1_000_000_000) as u32)?;
    Some(dt.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// Builds the record of one trace. Returns it and the number of spans of unknown shape (neither
/// convention, not the root), which are skipped.
pub fn normalize(mut spans: Vec<RawSpan>) -> (TraceRecord, usize) {
    spans.sort_by_key(|s| (s.start, s.end));
    let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let root_idx = spans
        .iter()
        .position(|s| s.parent.as_deref().is_none_or(|p| !ids.contains(p)));
    let mut rec = TraceRecord {
        trace_id: spans
            .first()
            .map(|s| s.trace_id.clone())
            .unwrap_or_default(),
        root_span_id: root_idx.map(|i| spans[i].span_id.clone()),
        service: spans.iter().find_map(|s| s.service.clone()),
        started_at: spans.first().and_then(|s| rfc3339(s.start)),
        ..TraceRecord::default()
    };
    let mut skipped = 0;
    let mut traj = Trajectory::default();
    let mut llm_calls: Vec<(String, Value)> = Vec::new();
    let (mut longest_size, mut longest_span) = (0usize, None::<usize>);
    let mut last_answer: Option<(u64, String)> = None;
    let (mut prompt, mut completion, mut total) = (None::<u64>, None::<u64>, None::<u64>);
    let add = |acc: &mut Option<u64>, v: Option<u64>| {
        if let Some(v) = v {
            *acc = Some(acc.unwrap_or(0) + v);
        }
    };
    // The root first, so its attributes win over children's.
    let order = root_idx
        .into_iter()
        .chain((0..spans.len()).filter(|i| Some(*i) != root_idx));
    for i in order {
        let span = &spans[i];
        if span.error && rec.error.is_none() {
            rec.error = Some(if span.message.is_empty() {
                format!("{}: error", span.name)
            } else {
                format!("{}: {}", span.name, span.message)
            });
        }
        let k = kind(span);
        if k.is_none() && Some(i) != root_idx {
            skipped += 1;
        }
        let is_model_span = matches!(k, Some(Kind::Llm | Kind::Tool));
        for (key, value) in &span.attrs {
            let scoped = key == "session.id" || key == "user.id";
            if (scoped || !is_model_span) && keep_attribute(key, value) {
                rec.attributes
                    .entry(key.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        match k {
            Some(Kind::Tool) => traj.calls.push(tool_call(span)),
            Some(Kind::Llm) => {
                add(
                    &mut prompt,
                    span.u64_attr("llm.token_count.prompt")
                        .or_else(|| span.u64_attr("gen_ai.usage.input_tokens")),
                );
                add(
                    &mut completion,
                    span.u64_attr("llm.token_count.completion")
                        .or_else(|| span.u64_attr("gen_ai.usage.output_tokens")),
                );
                add(&mut total, span.u64_attr("llm.token_count.total"));
                // Parse only the longest history (the latest turn's): histories grow per call.
                let size = input_size(span);
                if size > 0 && size >= longest_size {
                    longest_size = size;
                    longest_span = Some(i);
                }
                for out in output_messages(span) {
                    llm_calls.extend(out.tool_calls);
                    if !out.content.is_empty()
                        && last_answer.as_ref().is_none_or(|(end, _)| span.end >= *end)
                    {
                        last_answer = Some((span.end, out.content));
                    }
                }
            }
            _ => {}
        }
    }
    if traj.calls.is_empty() {
        // No TOOL spans: fall back to the calls the model asked for (no results, no status).
        traj.calls = llm_calls
            .into_iter()
            .map(|(name, args)| ToolCall::ok(name, args))
            .collect();
    }
    rec.inputs = longest_span
        .map(|i| input_messages(&spans[i]))
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.role == "user" && !m.content.is_empty())
        .map(|m| m.content)
        .collect();
    let root = root_idx.map(|i| &spans[i]);
    if rec.inputs.is_empty()
        && let Some(v) = root.and_then(|r| r.str_attr("input.value"))
    {
        rec.inputs.push(v.to_string());
    }
    traj.final_response = last_answer
        .map(|(_, a)| a)
        .or_else(|| root.and_then(|r| r.str_attr("output.value").map(str::to_string)));
    if total.is_none() && (prompt.is_some() || completion.is_some()) {
        total = Some(prompt.unwrap_or(0) + completion.unwrap_or(0));
    }
    traj.usage.prompt_tokens = prompt;
    traj.usage.completion_tokens = completion;
    traj.usage.total_tokens = total;
    traj.latency_ms = match root {
        Some(r) => r.end.saturating_sub(r.start) / 1_000_000,
        None => {
            let start = spans.iter().map(|s| s.start).min().unwrap_or(0);
            let end = spans.iter().map(|s| s.end).max().unwrap_or(0);
            end.saturating_sub(start) / 1_000_000
        }
    };
    rec.trajectory = traj;
    (rec, skipped)
}

fn tool_call(span: &RawSpan) -> ToolCall {
    let name = span
        .str_attr("tool.name")
        .or_else(|| span.str_attr("gen_ai.tool.name"))
        .unwrap_or(&span.name)
        .to_string();
    let arguments = [
        "input.value",
        "gen_ai.tool.call.arguments",
        "tool.parameters",
    ]
    .iter()
    .find_map(|k| span.attr(k))
    .map(json_or_string)
    .unwrap_or(Value::Null);
    let result = ["output.value", "gen_ai.tool.call.result"]
        .iter()
        .find_map(|k| span.attr(k))
        .map(json_or_string);
    ToolCall {
        name,
        arguments,
        status: if span.error {
            CallStatus::Error
        } else {
            CallStatus::Ok
        },
        result,
    }
}
