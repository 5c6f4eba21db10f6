//! Provider-shaped JSON replies → [`Trajectory`]: the one place agent output is normalized.
//!
//! JSON pointers from [`ResponseMapping`] say where the answer, the tool calls, the usage and
//! the cost sit. Tool calls are accepted as `{name, arguments}` objects or OpenAI `tool_calls`
//! (`{function: {name, arguments: "<json string>"}}`), so an OpenAI chat completion can be read
//! directly with `/choices/0/message/...` pointers. Errors are messages for a `bad_response`;
//! the caller attaches the kind. Nothing here does I/O or knows about expectations.

use serde_json::{Map, Value};

use crate::input::MAX_DEPTH;
use crate::model::{CallStatus, ErrorKind, ResponseMapping, ToolCall, Trajectory, Usage};

/// How much of a bad body an error message quotes.
const QUOTE_CHARS: usize = 80;

/// Parses an agent's reply body. `latency_ms` is left at 0 for the caller to fill. A reply
/// that is not what the mapping describes is a `bad_response`; one that reports an error at
/// `mapping.error` is an `agent_error` with the agent's message.
pub fn parse_reply(
    body: &[u8],
    mapping: &ResponseMapping,
) -> Result<Trajectory, (ErrorKind, String)> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| match crate::input::json_too_deep(&e) {
            Some(at) => format!("reply is nested more than {MAX_DEPTH} levels deep ({at})"),
            None => format!("reply is not JSON ({e}): `{}`", quote(body, QUOTE_CHARS)),
        })
        .map_err(|m| (ErrorKind::BadResponse, m))?;
    if let Some(message) = reported_error(&json, &mapping.error) {
        return Err((ErrorKind::AgentError, message));
    }
    map_reply(&json, body, mapping).map_err(|m| (ErrorKind::BadResponse, m))
}

/// How much of an agent's own error message is kept.
const ERROR_CHARS: usize = 500;

/// The error the reply reports at `pointer`, if any: a string as it is, an object by its
/// `message` field when it has one, anything else as JSON.
fn reported_error(json: &Value, pointer: &str) -> Option<String> {
    if pointer.is_empty() {
        return None;
    }
    let text = match json.pointer(pointer)? {
        Value::Null | Value::Bool(false) => return None,
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => s.clone(),
        Value::Object(o) => match o.get("message") {
            Some(Value::String(m)) => m.clone(),
            _ => Value::Object(o.clone()).to_string(),
        },
        other => other.to_string(),
    };
    Some(format!(
        "the agent reported an error at `{pointer}`: {}",
        quote(text.as_bytes(), ERROR_CHARS)
    ))
}

fn map_reply(json: &Value, body: &[u8], mapping: &ResponseMapping) -> Result<Trajectory, String> {
    let final_response = match json.pointer(&mapping.output) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let calls = match json.pointer(&mapping.tool_calls) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                parse_call(item)
                    .map_err(|e| format!("tool call {i} at `{}`: {e}", mapping.tool_calls))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(format!(
                "`{}` is not a list of tool calls: `{}`",
                mapping.tool_calls,
                quote(other.to_string().as_bytes(), QUOTE_CHARS)
            ));
        }
    };
    if final_response.is_none() && calls.is_empty() {
        return Err(format!(
            "reply has no output at `{}` and no tool calls at `{}`: `{}`",
            mapping.output,
            mapping.tool_calls,
            quote(body, QUOTE_CHARS)
        ));
    }

    let mut usage = json
        .pointer(&mapping.usage)
        .and_then(Value::as_object)
        .map(parse_usage)
        .unwrap_or_default();
    usage.cost_usd = json.pointer(&mapping.cost).and_then(number);

    Ok(Trajectory {
        calls,
        final_response,
        usage,
        latency_ms: 0,
    })
}

/// One tool call in either accepted shape.
fn parse_call(item: &Value) -> Result<ToolCall, String> {
    let Value::Object(obj) = item else {
        return Err(format!(
            "expected an object, got `{}`",
            quote(item.to_string().as_bytes(), QUOTE_CHARS)
        ));
    };
    // OpenAI: `{id, type: "function", function: {name, arguments}}`.
    let (name, arguments) = match obj.get("function") {
        Some(Value::Object(f)) => (f.get("name"), f.get("arguments")),
        _ => (
            obj.get("name"),
            obj.get("arguments")
                .or_else(|| obj.get("args"))
                .or_else(|| obj.get("input")),
        ),
    };
    let name =
        match name {
            Some(Value::String(n)) if !n.is_empty() => n.clone(),
            _ => return Err(
                "has no `name` (expected `{name, arguments}` or `{function: {name, arguments}}`)"
                    .into(),
            ),
        };
    Ok(ToolCall {
        arguments: parse_arguments(arguments).map_err(|e| format!("`{name}`: {e}"))?,
        name,
        status: parse_status(obj),
        result: obj.get("result").filter(|v| !v.is_null()).cloned(),
    })
}

/// Arguments may be an object or a JSON string (OpenAI). A string that is not JSON is kept as
/// a string value: the scorer then reports wrong arguments instead of the case erroring. A
/// string nested too deep is an error, as it would be in the reply itself.
fn parse_arguments(arguments: Option<&Value>) -> Result<Value, String> {
    Ok(match arguments {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Value::Object(Map::new()),
        Some(Value::String(s)) => match serde_json::from_str(s) {
            Ok(v) => v,
            Err(e) => match crate::input::json_too_deep(&e) {
                Some(at) => {
                    return Err(format!(
                        "its arguments string is nested more than {MAX_DEPTH} levels deep ({at})"
                    ));
                }
                None => Value::String(s.clone()),
            },
        },
        Some(other) => other.clone(),
    })
}

/// `status: ok | error`, or any non-null `error` field, says whether the call failed.
fn parse_status(obj: &Map<String, Value>) -> CallStatus {
    let failed_status = obj.get("status").and_then(Value::as_str).is_some_and(|s| {
        matches!(
            s.to_ascii_lowercase().as_str(),
            "error" | "failed" | "failure"
        )
    });
    let has_error = obj
        .get("error")
        .is_some_and(|e| !e.is_null() && *e != Value::Bool(false));
    if failed_status || has_error {
        CallStatus::Error
    } else {
        CallStatus::Ok
    }
}

/// OpenAI (`prompt_tokens`, `completion_tokens`, `total_tokens`) or Anthropic (`input_tokens`,
/// `output_tokens`) names; the total is computed when both parts are known.
fn parse_usage(u: &Map<String, Value>) -> Usage {
    let field = |names: &[&str]| names.iter().find_map(|n| u.get(*n).and_then(Value::as_u64));
    let prompt_tokens = field(&["prompt_tokens", "input_tokens"]);
    let completion_tokens = field(&["completion_tokens", "output_tokens"]);
    let total_tokens = field(&["total_tokens"]).or(match (prompt_tokens, completion_tokens) {
        (Some(p), Some(c)) => Some(p + c),
        _ => None,
    });
    Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens,
        cost_usd: None,
    }
}

/// A number, or a string holding one (some gateways send decimals as strings).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The start of a body for an error message, on one line, with `…` when cut.
pub(crate) fn quote(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(v: Value) -> Result<Trajectory, String> {
        reply(v.to_string().as_bytes(), &ResponseMapping::default())
    }

    /// `parse_reply` where only `bad_response` errors are expected.
    fn reply(body: &[u8], mapping: &ResponseMapping) -> Result<Trajectory, String> {
        parse_reply(body, mapping).map_err(|(kind, m)| {
            assert_eq!(kind, ErrorKind::BadResponse, "{m}");
            m
        })
    }

    #[test]
    fn an_error_the_agent_reports_is_an_agent_error_with_its_message() {
        let mapping = ResponseMapping {
            error: "/error".into(),
            ..ResponseMapping::default()
        };
        let err = |v: Value| parse_reply(v.to_string().as_bytes(), &mapping).unwrap_err();
        assert_eq!(
            err(json!({"output": "", "error": "tool `refund` is down"})),
            (
                ErrorKind::AgentError,
                "the agent reported an error at `/error`: tool `refund` is down".to_string()
            )
        );
        let (kind, m) = err(json!({"error": {"message": "rate limited", "code": 429}}));
        assert_eq!(
            (kind, m.as_str()),
            (
                ErrorKind::AgentError,
                "the agent reported an error at `/error`: rate limited"
            )
        );
        let (_, m) = err(json!({"error": {"code": 7}}));
        assert!(m.ends_with(r#"{"code":7}"#), "{m}");
        // No error: null, false, empty, absent.
        for quiet in [json!(null), json!(false), json!(""), json!("  ")] {
            let ok = parse_reply(
                json!({"output": "hi", "error": quiet})
                    .to_string()
                    .as_bytes(),
                &mapping,
            );
            assert!(ok.is_ok(), "{quiet}");
        }
        assert!(parse_reply(br#"{"output": "hi"}"#, &mapping).is_ok());
        // Without the pointer, an `error` field is just data.
        assert!(
            reply(
                br#"{"output": "hi", "error": "x"}"#,
                &ResponseMapping::default()
            )
            .is_ok()
        );
    }

    fn openai_mapping() -> ResponseMapping {
        ResponseMapping {
            output: "/choices/0/message/content".into(),
            tool_calls: "/choices/0/message/tool_calls".into(),
            ..ResponseMapping::default()
        }
    }

    #[test]
    fn plain_shape_with_object_arguments_usage_and_cost() {
        let t = parse(json!({
            "output": "escalated",
            "tool_calls": [
                {"name": "fetch_invoice", "arguments": {"invoice_id": "INV-2207"}, "result": {"amount": 740}},
                {"name": "escalate", "arguments": {"priority": "high"}, "status": "error"},
                {"name": "notify", "arguments": {}, "error": "timeout"}
            ],
            "usage": {"prompt_tokens": 120, "completion_tokens": 30},
            "cost_usd": 0.0042
        }))
        .unwrap();
        assert_eq!(t.final_response.as_deref(), Some("escalated"));
        assert_eq!(t.calls.len(), 3);
        assert_eq!(t.calls[0].name, "fetch_invoice");
        assert_eq!(t.calls[0].arguments, json!({"invoice_id": "INV-2207"}));
        assert_eq!(t.calls[0].status, CallStatus::Ok);
        assert_eq!(t.calls[0].result, Some(json!({"amount": 740})));
        assert_eq!(t.calls[1].status, CallStatus::Error);
        assert_eq!(t.calls[2].status, CallStatus::Error);
        assert_eq!(t.usage.prompt_tokens, Some(120));
        assert_eq!(t.usage.completion_tokens, Some(30));
        assert_eq!(
            t.usage.total_tokens,
            Some(150),
            "total computed from the parts"
        );
        assert_eq!(t.usage.cost_usd, Some(0.0042));
    }

    #[test]
    fn json_string_arguments_are_parsed_and_bad_ones_kept_raw() {
        let t = parse(json!({
            "output": "ok",
            "tool_calls": [
                {"name": "a", "arguments": "{\"x\": 1}"},
                {"name": "b", "arguments": "{not json"},
                {"name": "c", "arguments": ""},
                {"name": "d"}
            ]
        }))
        .unwrap();
        assert_eq!(t.calls[0].arguments, json!({"x": 1}));
        assert_eq!(t.calls[1].arguments, json!("{not json"));
        assert_eq!(t.calls[2].arguments, json!({}));
        assert_eq!(t.calls[3].arguments, json!({}));
    }

    #[test]
    fn openai_tool_calls_under_the_default_pointer() {
        let t = parse(json!({
            "output": null,
            "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": "lookup_account", "arguments": "{\"email\":\"a@b.c\"}"}}]
        }))
        .unwrap();
        assert_eq!(t.final_response, None);
        assert_eq!(
            t.calls,
            vec![ToolCall::ok("lookup_account", json!({"email": "a@b.c"}))]
        );
    }

    #[test]
    fn openai_chat_completion_object_directly() {
        let body = json!({
            "id": "chatcmpl-1", "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": null,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}},
                    {"id": "c2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
                ]}}],
            "usage": {"prompt_tokens": 50, "completion_tokens": 12, "total_tokens": 62}
        });
        let t = reply(body.to_string().as_bytes(), &openai_mapping()).unwrap();
        assert_eq!(t.final_response, None);
        let names: Vec<&str> = t.calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["get_weather", "get_time"]);
        assert_eq!(t.calls[0].arguments, json!({"city": "Oslo"}));
        assert_eq!(t.usage.total_tokens, Some(62));
        assert_eq!(t.usage.cost_usd, None);

        let answer =
            json!({"choices": [{"message": {"role": "assistant", "content": "It is sunny."}}]});
        let t = reply(answer.to_string().as_bytes(), &openai_mapping()).unwrap();
        assert_eq!(t.final_response.as_deref(), Some("It is sunny."));
        assert!(t.calls.is_empty());
        assert_eq!(
            t.usage,
            Usage::default(),
            "missing usage stays None, never a fake zero"
        );
    }

    #[test]
    fn anthropic_usage_names() {
        let t = parse(json!({"output": "hi", "usage": {"input_tokens": 7, "output_tokens": 3}}))
            .unwrap();
        assert_eq!(
            (
                t.usage.prompt_tokens,
                t.usage.completion_tokens,
                t.usage.total_tokens
            ),
            (Some(7), Some(3), Some(10))
        );
        let t = parse(json!({"output": "hi", "usage": {"input_tokens": 7}})).unwrap();
        assert_eq!(t.usage.total_tokens, None, "no total from one part");
    }

    #[test]
    fn non_string_output_is_serialized() {
        let t = parse(json!({"output": {"answer": 42}})).unwrap();
        assert_eq!(t.final_response.as_deref(), Some(r#"{"answer":42}"#));
    }

    #[test]
    fn tool_calls_alone_are_enough() {
        let t = parse(json!({"tool_calls": [{"name": "x", "arguments": {}}]})).unwrap();
        assert_eq!(t.final_response, None);
        assert_eq!(t.calls.len(), 1);
    }

    #[test]
    fn deep_nesting_is_an_error_in_the_reply_and_in_arguments_strings() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = reply(deep.as_bytes(), &ResponseMapping::default()).unwrap_err();
        insta::assert_snapshot!(err, @"reply is nested more than 127 levels deep (at line 1 column 128)");
        // 127 levels in all: the deepest accepted.
        let at_limit = format!("{}{}", "[".repeat(126), "]".repeat(126));
        let ok =
            json!({"output": "fine", "extra": serde_json::from_str::<Value>(&at_limit).unwrap()});
        assert!(parse(ok).is_ok());

        let args = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        let err = parse(json!({"output": "hi", "tool_calls": [
            {"type": "function", "function": {"name": "search", "arguments": args}}
        ]}))
        .unwrap_err();
        insta::assert_snapshot!(err, @"tool call 0 at `/tool_calls`: `search`: its arguments string is nested more than 127 levels deep (at line 1 column 636)");
    }

    #[test]
    fn malformed_replies_say_what_is_wrong() {
        let err = reply(b"<html>oops</html>", &ResponseMapping::default()).unwrap_err();
        assert_eq!(
            err,
            "reply is not JSON (expected value at line 1 column 1): `<html>oops</html>`"
        );

        let long = format!("<html>{}</html>", "x".repeat(200));
        let err = reply(long.as_bytes(), &ResponseMapping::default()).unwrap_err();
        assert!(err.ends_with("xxx…`"), "{err}");

        let err = parse(json!({"answer": "hi"})).unwrap_err();
        assert_eq!(
            err,
            r#"reply has no output at `/output` and no tool calls at `/tool_calls`: `{"answer":"hi"}`"#
        );
        let err = parse(json!({"output": "hi", "tool_calls": {"name": "x"}})).unwrap_err();
        assert!(
            err.starts_with("`/tool_calls` is not a list of tool calls"),
            "{err}"
        );
        let err = parse(json!({"output": "hi", "tool_calls": [{"arguments": {}}]})).unwrap_err();
        assert!(
            err.starts_with("tool call 0 at `/tool_calls`: has no `name`"),
            "{err}"
        );
        let err = parse(json!({"output": "hi", "tool_calls": ["x"]})).unwrap_err();
        assert!(err.contains("expected an object"), "{err}");
    }
}
