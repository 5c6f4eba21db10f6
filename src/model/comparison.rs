//! A head run compared with a baseline run: paired cases, metric deltas, per-case diffs.
//!
//! Built by `compare::compare` (pure), folded into the verdict by `policy::with_baseline`,
//! rendered by `report`. Shape only; no logic beyond small accessors.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::metric::{Gate, MetricName};
use super::result::Outcome;

/// Everything a reviewer needs to see what changed between the baseline and the head run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comparison {
    pub base: BaseRef,
    /// Suites whose dataset version differs (or exists on one side only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset_changes: Vec<DatasetChange>,
    /// Cases (suite, id) present in both runs; metric deltas are computed on these only.
    pub shared_cases: usize,
    /// One row per metric with data on either side or a policy entry, in `MetricName` order.
    pub metrics: Vec<MetricDelta>,
    /// Cases that changed (every kind but unchanged), sorted by kind then suite, id.
    pub cases: Vec<CaseChange>,
    pub usage: UsageDelta,
}

/// Which run the baseline was.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BaseRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_sha: Option<String>,
    pub started_at: String,
    pub config_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetChange {
    pub suite: String,
    /// `None` when the suite is absent from that run.
    pub base_version: Option<u32>,
    pub head_version: Option<u32>,
}

/// A metric on the shared cases: head, base, Δ = head − base, and what the policy makes of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricDelta {
    pub metric: MetricName,
    pub head: Option<f64>,
    pub base: Option<f64>,
    pub delta: Option<f64>,
    /// Shared cases with the metric on both sides.
    pub n: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_drop: Option<f64>,
    pub gate: Gate,
    pub status: DeltaStatus,
    pub significance: Significance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeltaStatus {
    /// Dropped by more than `max_drop` (and significant, once significance is tested).
    Regression,
    Improvement,
    /// No change, or a drop within `max_drop`.
    Unchanged,
    /// A drop beyond `max_drop` that is not significant (reserved for the statistics issue).
    Inconclusive,
    /// No value on one side.
    NoData,
}

/// How a delta was judged. The seam for the statistics issue: a paired bootstrap interval for
/// means and McNemar for pass/fail will add variants; today only the threshold is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Significance {
    /// Judged by `max_drop` alone: no statistical test was run.
    Threshold,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Passed on the baseline, does not pass on head.
    NewlyFailing,
    /// Did not pass on the baseline, passes on head.
    Fixed,
    /// Failing on both (listed when its scores or trajectory changed).
    StillFailing,
    /// Only in head.
    New,
    /// Only in the baseline.
    Removed,
    /// Passing on both with different scores.
    ScoresChanged,
}

/// One case that changed between the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseChange {
    pub suite: String,
    pub case_id: String,
    pub kind: ChangeKind,
    /// Where the case is written (head's location, else the baseline's).
    pub file: PathBuf,
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_outcome: Option<Outcome>,
    /// The first failing blocking reason on head (or the error), for lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Metrics whose per-case value differs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScoreChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectory: Option<TrajectoryDiff>,
    /// Unified diff of the final answers (base → head), when they differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_diff: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScoreChange {
    pub metric: MetricName,
    pub head: Option<f64>,
    pub base: Option<f64>,
}

/// Tool calls expected, made on the baseline and made on head (first trial), one line each as
/// `name {args}`, and a unified diff base → head of those lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrajectoryDiff {
    pub expected: Vec<String>,
    pub base: Vec<String>,
    pub head: Vec<String>,
    pub diff: String,
}

/// Cost, latency and tokens of each whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UsageDelta {
    pub head: UsageTotals,
    pub base: UsageTotals,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UsageTotals {
    pub cost_usd: Option<f64>,
    pub total_tokens: Option<u64>,
    /// Nearest-rank percentiles of agent latency over runs with a trajectory.
    pub latency_p50_ms: Option<u64>,
    pub latency_p95_ms: Option<u64>,
}
