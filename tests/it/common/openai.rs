//! The wire shape of an OpenAI-compatible chat completion, for fake models built on
//! [`super::fake_agent::FakeAgent`]: a request body template that sends the case's messages,
//! the response mapping that reads the answer and the tool calls back, and a reply builder.

use serde_json::{Value, json};

/// `agent:` lines of an `evalgate.yaml` for an OpenAI-compatible endpoint at `url`: the
/// request body is a chat completion request with the case's messages, the reply is read at
/// `/choices/0/message/...`.
pub fn agent_yaml(url: &str) -> String {
    format!(
        "agent:\n  url: {url}/v1/chat/completions\n  body: '{{\"model\": \"fake\", \"messages\": {{{{ messages | tojson }}}}}}'\n  response:\n    output: /choices/0/message/content\n    tool_calls: /choices/0/message/tool_calls\n    usage: /usage\n"
    )
}

/// The last user message of a chat completion request body.
pub fn last_user(body: &Value) -> String {
    body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string()
}

/// A chat completion whose message makes these tool calls `(name, arguments)` (arguments are
/// sent as a JSON string, as OpenAI does) and says `content`.
pub fn completion(calls: &[(String, Value)], content: Option<&str>) -> Value {
    let tool_calls: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| {
            json!({"id": format!("call_{i}"), "type": "function",
                   "function": {"name": name, "arguments": args.to_string()}})
        })
        .collect();
    json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": if calls.is_empty() { "stop" } else { "tool_calls" },
                     "message": {"role": "assistant", "content": content,
                                 "tool_calls": if calls.is_empty() { Value::Null } else { Value::Array(tool_calls) }}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    })
}
