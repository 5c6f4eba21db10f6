//! What an agent did: the normalized trajectory every adapter and trace reader produces.
//!
//! Provider shapes (OpenAI `tool_calls` with JSON-string arguments, `{name, arguments}` objects,
//! OTLP spans) are turned into this once, at the edge; scorers only ever see this type.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One run of the agent on one input: the tool calls in the order they were made and the answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Trajectory {
    /// Tool calls in the order they were made.
    #[serde(default)]
    pub calls: Vec<ToolCall>,
    /// The final answer text, if the agent produced one.
    #[serde(default)]
    pub final_response: Option<String>,
    /// Token usage and cost as reported by the agent.
    #[serde(default)]
    pub usage: Usage,
    /// Wall time of the agent call(s) in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
}

/// One tool call, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolCall {
    pub name: String,
    /// Arguments as a JSON value (an object for every real tool; JSON-string arguments are parsed
    /// at the edge).
    #[serde(default)]
    pub arguments: Value,
    #[serde(default)]
    pub status: CallStatus,
    /// The tool's result, when the agent or trace reports it (kept for replay fixtures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

impl ToolCall {
    /// A successful call with the given arguments (handy for tests and fixtures).
    pub fn ok(name: impl Into<String>, arguments: Value) -> Self {
        ToolCall {
            name: name.into(),
            arguments,
            status: CallStatus::Ok,
            result: None,
        }
    }
}

/// Whether a tool call succeeded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    #[default]
    Ok,
    Error,
}

impl CallStatus {
    /// As written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Ok => "ok",
            CallStatus::Error => "error",
        }
    }
}

/// Tokens and cost of one agent run. Missing numbers stay `None`, never a fake zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Usage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    /// Cost in US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
}
