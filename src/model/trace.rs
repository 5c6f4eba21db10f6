//! One production trace, normalized: what the user asked by turn and what the agent did.
//!
//! Written by `trace` (OTLP → this), read by `promote` and `traces score`. The trajectory is the
//! same [`Trajectory`] live runs produce, so the same scorers apply.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::trajectory::Trajectory;

/// A trace rebuilt from its spans.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// Lowercase hex, 32 digits.
    pub trace_id: String,
    /// Lowercase hex span id of the root span, when the root was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_span_id: Option<String>,
    /// `service.name` of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Start of the earliest span, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// The user's messages, in turn order.
    #[serde(default)]
    pub inputs: Vec<String>,
    pub trajectory: Trajectory,
    /// Scalar attributes of the root and non-model spans (`user.id`, `session.id`,
    /// `user.feedback`, …) and of the resource; the first value seen wins.
    #[serde(default)]
    pub attributes: BTreeMap<String, Value>,
    /// The first span that ended with status ERROR: `<span name>: <message>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A rules file for `evalgate traces score`: expectations applied to the production traces they
/// match (DESIGN §3 `trace/`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceRules {
    pub rules: Vec<TraceRule>,
    /// Set by `config` after parsing.
    #[serde(skip)]
    pub path: std::path::PathBuf,
}

/// One rule: which traces it applies to and what they must show.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceRule {
    /// Unique within the file; shown as the prefix of the rule's scores.
    pub id: String,
    #[serde(default)]
    pub when: TraceMatch,
    /// The same expectations a case has (trajectory, deterministic response checks).
    #[serde(default)]
    pub expect: super::case::Expect,
    /// Fail when a call repeats an earlier `ok` call (same name and arguments): the scorer's
    /// `trajectory.no_redundant_calls`, as if the rule's trajectory expectation asked for it.
    #[serde(default)]
    pub no_redundant_calls: bool,
    /// Set by `config` after parsing: the line of the rule's `- id:`.
    #[serde(skip)]
    pub line: u32,
}

/// A rule applies to a trace when every given condition holds (no condition: every trace).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceMatch {
    /// A regex searched in each user turn; one match is enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// Attributes that must equal these values (compared as text).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}
