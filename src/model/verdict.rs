//! The policy's decision: metric rows against floors, slices, composite, error budget.
//!
//! Built by `policy::evaluate` (pure), rendered by `report`, mapped to an exit code by `cli`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::metric::{Gate, MetricName};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// One row per metric with data or a policy entry, in `MetricName` order.
    pub metrics: Vec<MetricRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composite: Option<CompositeRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slices: Vec<SliceRow>,
    pub counts: Counts,
    pub error_budget: ErrorBudget,
    /// Sentences saying why the gate failed or warned, most important first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// Every blocking floor met.
    Pass,
    /// A blocking floor breached.
    Fail,
    /// Too many infrastructure errors to judge (exit 3).
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricRow {
    pub metric: MetricName,
    /// Mean over cases (of per-case means over trials); `None` when no case has data.
    pub value: Option<f64>,
    /// Cases that contributed.
    pub n: usize,
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    pub gate: Gate,
    pub status: RowStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// At or above its floor.
    Pass,
    /// Below a blocking floor.
    Fail,
    /// Below a warn-only floor.
    Warn,
    /// No floor: reported only.
    Info,
    /// A floor but no data.
    NoData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompositeRow {
    pub value: Option<f64>,
    pub floor: f64,
    pub gate: Gate,
    pub status: RowStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SliceRow {
    /// `tag:refund`, `tier:critical`.
    pub selector: String,
    pub metric: MetricName,
    pub value: Option<f64>,
    pub n: usize,
    pub floor: f64,
    pub gate: Gate,
    pub status: RowStatus,
}

/// Case counts (cases, not trials: a case passes when its trials' mean task success is 1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub cases: usize,
    pub runs: usize,
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    /// `review: pending` cases: scored, reported, never counted as passed or failed.
    #[serde(default)]
    pub pending: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBudget {
    pub errors: usize,
    pub runs: usize,
    pub rate: f64,
    pub max_rate: f64,
    pub exceeded: bool,
}
