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
