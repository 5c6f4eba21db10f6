//! One selected trace → one draft case, redacted; and the dedupe key of a case.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::model::{
    ArgsSpec, Case, Expect, ExpectItem, ExpectedCall, Input, Lineage, MatchMode, Message, Review,
    Role, ToolCall, TraceRecord, TrajectoryExpect,
};

use super::redact::Redactor;

/// Builds the draft case; `None` when the trace has no user input to replay.
pub(super) fn draft_case(
    rec: &TraceRecord,
    reason: &str,
    promoted_at: &str,
    red: &mut Redactor,
) -> Option<Case> {
    // Fakes are consistent within the case, and names are learnt before any text is redacted
    // so the user's own words lose them too.
    red.begin_case(&rec.trace_id);
    for c in &rec.trajectory.calls {
        red.learn_names(&c.arguments);
        if let Some(r) = &c.result {
            red.learn_names(r);
        }
    }
    let inputs: Vec<String> = rec.inputs.iter().map(|t| red.text(t)).collect();
    let input = match inputs.as_slice() {
        [] => return None,
        [one] => Input::Text(one.clone()),
        many => Input::Messages(
            many.iter()
                .map(|t| Message {
                    role: Role::User,
                    content: t.clone(),
                })
                .collect(),
        ),
    };
    let fixtures: Vec<ToolCall> = rec
        .trajectory
        .calls
        .iter()
        .map(|c| ToolCall {
            name: c.name.clone(),
            arguments: red.json(&c.arguments),
            status: c.status,
            result: c.result.as_ref().map(|r| red.json(r)),
        })
        .collect();
    let calls = fixtures
        .iter()
        .map(|c| {
            ExpectItem::Call(ExpectedCall {
                name: c.name.clone().into(),
                args: match &c.arguments {
                    Value::Object(m) if !m.is_empty() => {
                        ArgsSpec::try_from(c.arguments.clone()).ok()
                    }
                    _ => None,
                },
                ..ExpectedCall::default()
            })
        })
        .collect::<Vec<_>>();
    let trajectory = TrajectoryExpect {
        match_mode: Some(if calls.is_empty() {
            MatchMode::Exact
        } else {
            MatchMode::InOrder
        }),
        calls,
        ..TrajectoryExpect::default()
    };
    let short = &rec.trace_id[..rec.trace_id.len().min(16)];
    Some(Case {
        id: format!("prod-{short}"),
        tags: vec!["production".to_string()],
        tier: None,
        input,
        tools: Vec::new(),
        headers: Default::default(),
        expect: Expect {
            trajectory: Some(trajectory),
            response: Vec::new(),
        },
        source: Some(Lineage {
            kind: "production_trace".to_string(),
            trace_id: Some(rec.trace_id.clone()),
            root_span_id: rec.root_span_id.clone(),
            service: rec.service.as_ref().map(|s| red.text(s)),
            captured_at: rec.started_at.clone(),
            promoted_at: Some(promoted_at.to_string()),
            reason: Some(red.text(reason)),
            ..Lineage::default()
        }),
        review: Some(Review::Pending),
        fixtures,
        loc: Default::default(),
    })
}

static ID_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}_$#]*\d[\p{L}\d_.,:/-]*").expect("valid regex"));
static SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").expect("valid regex"));

/// Normalized input text: lowercase, numbers and id-like tokens masked as `#`, whitespace
/// collapsed.
pub fn normalize_input(text: &str) -> String {
    let lower = text.to_lowercase();
    let masked = ID_LIKE.replace_all(&lower, "#");
    SPACE.replace_all(masked.trim(), " ").into_owned()
}

/// Dedupe key: the normalized user turns and the tool-name sequence.
pub fn dedupe_key(user_turns: &[&str], tools: &[&str]) -> String {
    let turns: Vec<String> = user_turns.iter().map(|t| normalize_input(t)).collect();
    format!("{}\u{1f}{}", turns.join("\u{1e}"), tools.join(","))
}

/// The dedupe key of a case: its user messages and its expected tool names.
pub(super) fn case_key(case: &Case) -> String {
    let msgs = case.input.messages();
    let turns: Vec<&str> = msgs
        .iter()
        .filter(|m| m.role == Role::User)
        .map(|m| m.content.as_str())
        .collect();
    let names: Vec<String> = case
        .expect
        .trajectory
        .as_ref()
        .map(|t| {
            t.flat_calls()
                .into_iter()
                .map(|(_, c)| c.name.label())
                .collect()
        })
        .unwrap_or_default();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    dedupe_key(&turns, &names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_masks_numbers_ids_case_and_spacing() {
        assert_eq!(
            normalize_input("Refund  INV-2207, it's $740\n please"),
            normalize_input("refund inv-3301, it's $12 please")
        );
        assert_ne!(
            normalize_input("refund invoice"),
            normalize_input("cancel invoice")
        );
    }
}
