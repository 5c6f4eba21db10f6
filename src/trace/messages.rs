//! Chat messages out of a model span, in either convention: OpenInference's indexed
//! `llm.input_messages.N.message.*` / `llm.output_messages.N.message.*` attributes, GenAI's
//! `gen_ai.input.messages` / `gen_ai.output.messages` JSON attributes (parts), or GenAI message
//! events (`gen_ai.<role>.message`, `gen_ai.choice`). Pure.

use std::collections::BTreeMap;

use serde_json::Value;

use super::span::RawSpan;

/// One chat message as the instrumentations record it.
#[derive(Debug, Default, Clone)]
pub(super) struct Msg {
    pub role: String,
    pub content: String,
    pub tool_calls: Vec<(String, Value)>,
}

/// Parses a JSON string argument; a non-JSON string stays a string.
pub(super) fn json_or_string(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| v.clone()),
        other => other.clone(),
    }
}

/// OpenInference indexed messages under `prefix` (`llm.input_messages` / `llm.output_messages`).
fn oi_messages(span: &RawSpan, prefix: &str) -> Vec<Msg> {
    let mut msgs: BTreeMap<usize, Msg> = BTreeMap::new();
    let mut calls: BTreeMap<(usize, usize), (String, Value)> = BTreeMap::new();
    for (key, value) in &span.attrs {
        let Some(rest) = key.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        let Some((idx, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(i) = idx.parse::<usize>() else {
            continue;
        };
        let msg = msgs.entry(i).or_default();
        match field {
            "message.role" => msg.role = value.as_str().unwrap_or_default().to_string(),
            "message.content" => msg.content = value.as_str().unwrap_or_default().to_string(),
            _ => {
                if let Some(tc) = field.strip_prefix("message.tool_calls.")
                    && let Some((j, f)) = tc.split_once('.')
                    && let Ok(j) = j.parse::<usize>()
                {
                    let call = calls.entry((i, j)).or_default();
                    match f {
                        "tool_call.function.name" => {
                            call.0 = value.as_str().unwrap_or_default().to_string()
                        }
                        "tool_call.function.arguments" => call.1 = json_or_string(value),
                        _ => {}
                    }
                }
            }
        }
    }
    for ((i, _), call) in calls {
        if let Some(m) = msgs.get_mut(&i) {
            m.tool_calls.push(call);
        }
    }
    msgs.into_values().collect()
}

/// GenAI messages from a `gen_ai.*.messages` attribute: `[{role, parts: [{type, content | name,
/// arguments}]}]`; older shapes with a plain `content` string are read too.
fn genai_messages(value: &Value) -> Vec<Msg> {
    let parsed = json_or_string(value);
    let Some(items) = parsed.as_array() else {
        return Vec::new();
    };
    items.iter().map(genai_message).collect()
}

fn genai_message(item: &Value) -> Msg {
    let mut msg = Msg {
        role: item["role"].as_str().unwrap_or("assistant").to_string(),
        ..Msg::default()
    };
    if let Some(c) = item["content"].as_str() {
        msg.content = c.to_string();
    }
    for part in item["parts"].as_array().into_iter().flatten() {
        match part["type"].as_str() {
            Some("text") => msg
                .content
                .push_str(part["content"].as_str().unwrap_or_default()),
            Some("tool_call") => msg.tool_calls.push((
                part["name"].as_str().unwrap_or_default().to_string(),
                json_or_string(&part["arguments"]),
            )),
            _ => {}
        }
    }
    for tc in item["tool_calls"].as_array().into_iter().flatten() {
        let f = &tc["function"];
        msg.tool_calls.push((
            f["name"].as_str().unwrap_or_default().to_string(),
            json_or_string(&f["arguments"]),
        ));
    }
    msg
}

pub(super) fn input_messages(span: &RawSpan) -> Vec<Msg> {
    let oi = oi_messages(span, "llm.input_messages");
    if !oi.is_empty() {
        return oi;
    }
    if let Some(v) = span.attr("gen_ai.input.messages") {
        return genai_messages(v);
    }
    // Event form: gen_ai.system.message / gen_ai.user.message / … with a `content` attribute.
    span.events
        .iter()
        .filter_map(|(name, attrs)| {
            let role = name.strip_prefix("gen_ai.")?.strip_suffix(".message")?;
            let content = attrs.iter().find(|(k, _)| k == "content")?.1.as_str()?;
            Some(Msg {
                role: role.to_string(),
                content: content.to_string(),
                tool_calls: Vec::new(),
            })
        })
        .collect()
}

/// How long a span's input history is, without parsing it: OpenInference message count, else the
/// length of the GenAI messages attribute, else the number of message events.
pub(super) fn input_size(span: &RawSpan) -> usize {
    let oi = span
        .attrs
        .iter()
        .filter(|(k, _)| k.starts_with("llm.input_messages.") && k.ends_with(".message.role"))
        .count();
    if oi > 0 {
        return oi;
    }
    if let Some(v) = span.attr("gen_ai.input.messages") {
        return match v {
            Value::String(s) => s.len(),
            Value::Array(a) => a.len(),
            _ => 1,
        };
    }
    span.events
        .iter()
        .filter(|(n, _)| n.starts_with("gen_ai.") && n.ends_with(".message"))
        .count()
}

pub(super) fn output_messages(span: &RawSpan) -> Vec<Msg> {
    let oi = oi_messages(span, "llm.output_messages");
    if !oi.is_empty() {
        return oi;
    }
    if let Some(v) = span.attr("gen_ai.output.messages") {
        return genai_messages(v);
    }
    span.events
        .iter()
        .filter(|(name, _)| name == "gen_ai.choice")
        .filter_map(|(_, attrs)| {
            let m = attrs.iter().find(|(k, _)| k == "message")?;
            Some(genai_message(&json_or_string(&m.1)))
        })
        .collect()
}
