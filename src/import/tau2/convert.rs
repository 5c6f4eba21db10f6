//! One τ² task's parts → evalgate's: an action → an expected call, the user scenario → the
//! input text, the task id → a case id. Values only, no I/O.
//!
//! The call conversion follows `Action.compare_with_tool_call` (τ² `data_model/tasks.py`):
//!
//! ```python
//! if self.name != tool_call.name: return False
//! compare_args = tool_call.arguments.keys() if self.compare_args is None else self.compare_args
//! if len(compare_args) == 0: return True
//! tool_args = {k: v for k, v in tool_call.arguments.items() if k in compare_args}
//! action_args = {k: v for k, v in self.arguments.items() if k in compare_args}
//! return tool_args == action_args
//! ```
//!
//! Without `compare_args` the keys compared are the *tool call's*: every key the call has must be
//! one of the action's, with an equal value, and a key the call leaves out is not compared. So
//! each argument becomes `{optional: <value>}` under `args_mode: exact` (absent is fine, present
//! must be equal, a key the action lacks fails). With `compare_args`, only those keys count and
//! each must be equal on both sides, absent on both included: `compare: [keys]`, a key the action
//! lacks being `{any: false}`. Python `==` after JSON compares numbers by value (`1 == 1.0`),
//! strings exactly, lists in order and dicts key by key, as evalgate's literals do; an object
//! value is written `{equals: …}` so that keys such as `type` inside it are data, not matchers.

use serde_json::{Map, Value, json};

use super::{Action, UserScenario};
use crate::model::{ArgsMode, ArgsSpec, ExpectedCall};

/// The expected call that an agent's tool call matches exactly when τ²'s
/// `Action.compare_with_tool_call` says it does.
pub fn expected_call(a: &Action) -> ExpectedCall {
    let (args, args_mode) = match &a.compare_args {
        None => {
            let optional: Map<String, Value> = a
                .arguments
                .iter()
                .map(|(k, v)| (k.clone(), json!({ "optional": literal(v) })))
                .collect();
            (Value::Object(optional), Some(ArgsMode::Exact))
        }
        Some(keys) => {
            let mut args: Map<String, Value> = a
                .arguments
                .iter()
                .map(|(k, v)| (k.clone(), literal(v)))
                .collect();
            for k in keys {
                if !a.arguments.contains_key(k) {
                    // τ² compares the key on both sides: absent in the action, so absent in the call.
                    args.insert(k.clone(), json!({ "any": false }));
                }
            }
            (Value::Object(args), None)
        }
    };
    let no_args = args.as_object().is_some_and(Map::is_empty) && a.compare_args.is_some();
    ExpectedCall {
        name: a.name.as_str().into(),
        args: (!no_args).then(|| {
            ArgsSpec::try_from(args).expect("literals, `optional`, `equals` and `any` compile")
        }),
        args_mode,
        compare: a.compare_args.clone(),
        status: None,
    }
}

/// A value compared whole by JSON equality: objects behind `equals` (their keys are data).
fn literal(v: &Value) -> Value {
    match v {
        Value::Object(_) => json!({ "equals": v }),
        other => other.clone(),
    }
}

/// The user scenario as one message to the agent: the reason for the call first (what the
/// user asks), then what the user knows and does not know, how they go about it, and the
/// persona. τ² gives these to its user simulator; a single-turn run gives them to the agent
/// as the user's message (the simulated conversation is a later feature).
pub fn input_text(s: &UserScenario) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &s.instructions {
        Value::String(t) => parts.push(t.trim().to_string()),
        Value::Object(o) => {
            let field = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim);
            for (key, label) in [
                ("reason_for_call", None),
                ("known_info", Some("What I know")),
                ("unknown_info", Some("What I do not know")),
                ("task_instructions", Some("How I go about it")),
            ] {
                match (field(key), label) {
                    (Some(""), _) => {}
                    (Some(t), None) => parts.push(t.to_string()),
                    (Some(t), Some(l)) => parts.push(format!("{l}: {t}")),
                    (None, _) => {}
                }
            }
            if parts.is_empty() {
                parts.push(Value::Object(o.clone()).to_string());
            }
        }
        other => parts.push(other.to_string()),
    }
    if let Some(p) = s
        .persona
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        parts.push(format!("About me: {p}"));
    }
    parts.join("\n\n")
}

/// `<domain>-<task id>` with every run of characters a case id cannot hold (ids are
/// `[A-Za-z0-9][A-Za-z0-9._:/-]*`) replaced by one `-`: `[mobile_data_issue]airplane_mode_on`
/// → `telecom-mobile-data-issue-airplane-mode-on`. The task id itself stays in the lineage.
pub fn case_id(domain: &str, task: &str) -> String {
    let mut out = String::new();
    for c in format!("{domain}-{task}").chars() {
        let ok = c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '/' | '-');
        if ok {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}
