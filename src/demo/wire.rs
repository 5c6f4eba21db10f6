//! The demo agent's HTTP contract: the `/chat` request and reply bodies, and token accounting.
//!
//! The reply uses the shapes evalgate's default response mapping reads (`/output`,
//! `/tool_calls`, `/usage`, `/cost_usd`). Parsing here is lenient on purpose (unknown request keys
//! are ignored): this is an agent under test, not evalgate configuration.

use serde::{Deserialize, Serialize};

use crate::model::ToolCall;

/// `POST /chat` body. Only `input` is needed; without it the last user message is the input.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChatRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(default)]
    pub messages: Vec<ChatMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
}

impl ChatRequest {
    /// A request with just the user's text.
    pub fn text(input: impl Into<String>) -> ChatRequest {
        ChatRequest {
            input: Some(input.into()),
            ..ChatRequest::default()
        }
    }

    /// The conversation the agent reads: `messages`, with `input` appended as the last user
    /// message unless it already is that message.
    pub fn conversation(&self) -> Vec<ChatMessage> {
        let mut conv = self.messages.clone();
        if let Some(input) = &self.input {
            let last_user = conv.iter().rev().find(|m| m.role == "user");
            if last_user.map(|m| m.content.as_str()) != Some(input.as_str()) {
                conv.push(ChatMessage {
                    role: "user".into(),
                    content: input.clone(),
                });
            }
        }
        conv
    }
}

/// One conversation message; `role` is `system`, `user`, `assistant` or `tool`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// `POST /chat` reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatReply {
    /// The final answer to the user.
    pub output: String,
    /// Every tool call, in the order made, with its arguments, status and result.
    pub tool_calls: Vec<ToolCall>,
    pub usage: TokenUsage,
    /// Cost at the demo's made-up price (see [`PRICE_PER_MTOK`]).
    pub cost_usd: f64,
}

/// Token counts in OpenAI's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

/// Made-up USD prices per million (prompt, completion) tokens of the pretend model.
pub const PRICE_PER_MTOK: (f64, f64) = (3.0, 15.0);

/// Roughly four characters per token, as for English text.
fn tokens(chars: usize) -> u64 {
    chars.div_ceil(4) as u64
}

/// Usage of a pretend tool loop: each of the `calls + 1` model steps re-reads the system prompt
/// and the conversation, plus every tool result returned so far; the completions are the tool
/// arguments and the answer. A deterministic function of the text lengths.
pub(crate) fn usage(
    system_prompt: &str,
    conversation: &[ChatMessage],
    calls: &[ToolCall],
    output: &str,
) -> (TokenUsage, f64) {
    let context: usize =
        system_prompt.len() + conversation.iter().map(|m| m.content.len()).sum::<usize>();
    let results: Vec<usize> = calls
        .iter()
        .map(|c| c.result.as_ref().map_or(0, |r| r.to_string().len()))
        .collect();
    let mut prompt_chars = context;
    for step in 1..=calls.len() {
        prompt_chars += context + results[..step].iter().sum::<usize>();
    }
    let completion_chars = output.len()
        + calls
            .iter()
            .map(|c| c.name.len() + c.arguments.to_string().len())
            .sum::<usize>();
    let usage = TokenUsage {
        prompt_tokens: tokens(prompt_chars),
        completion_tokens: tokens(completion_chars),
        total_tokens: tokens(prompt_chars) + tokens(completion_chars),
    };
    let cost = (usage.prompt_tokens as f64 * PRICE_PER_MTOK.0
        + usage.completion_tokens as f64 * PRICE_PER_MTOK.1)
        / 1e6;
    // Rounded to a millionth of a cent so the JSON stays short and stable.
    (usage, (cost * 1e8).round() / 1e8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(role: &str, content: &str) -> ChatMessage {
        ChatMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    #[test]
    fn input_is_appended_unless_it_is_the_last_user_message() {
        let req = ChatRequest {
            input: Some("b".into()),
            messages: vec![msg("user", "a"), msg("assistant", "?")],
            case_id: None,
        };
        assert_eq!(req.conversation().len(), 3);
        let req = ChatRequest {
            input: Some("a".into()),
            messages: vec![msg("user", "a")],
            case_id: None,
        };
        assert_eq!(req.conversation(), vec![msg("user", "a")]);
        let req: ChatRequest = serde_json::from_value(json!({"input": "hi", "extra": 1})).unwrap();
        assert_eq!(req.conversation(), vec![msg("user", "hi")]);
    }

    #[test]
    fn usage_grows_with_text_and_calls() {
        let conv = [msg("user", "12345678")];
        let (u, cost) = usage("abcd", &conv, &[], "xyz");
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (3, 1, 4)
        );
        assert!((cost - (3.0 * 3.0 + 15.0) / 1e6).abs() < 1e-12, "{cost}");
        let mut call = ToolCall::ok("lookup_account", json!({"a": 1}));
        call.result = Some(json!({"b": 2}));
        let (u2, _) = usage("abcd", &conv, &[call], "xyz");
        // Two steps of 12 context chars plus the 7-char result; 14 + 7 + 3 completion chars.
        assert_eq!((u2.prompt_tokens, u2.completion_tokens), (8, 6));
    }
}
