//! Results: one [`CaseResult`] per case × trial, and the [`RunReport`] of a whole run.
//!
//! This is the `results.json` / `cases.jsonl` schema (versioned by [`SCHEMA_VERSION`]); baseline
//! comparison, merging shards and `--resume` read it back, so fields are only ever added.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::metric::MetricName;
use super::score::{Score, TrajectoryScore};
use super::trajectory::Trajectory;
use super::verdict::Verdict;

/// Version of the `results.json` and `cases.jsonl` layout.
pub const SCHEMA_VERSION: u32 = 1;

/// One run of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseResult {
    pub suite: String,
    pub case_id: String,
    /// Trial index, from 0.
    pub trial: u32,
    /// The dataset file and the line of the case.
    pub file: PathBuf,
    pub line: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The last user message (for reports).
    pub input: String,
    pub outcome: Outcome,
    /// Set when `outcome` is `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<CaseError>,
    /// What the agent did (absent on error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectory: Option<Trajectory>,
    /// The trajectory scorer's full result, when the case expects a trajectory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectory_score: Option<TrajectoryScore>,
    /// One score per expectation.
    #[serde(default)]
    pub scores: Vec<Score>,
    /// Per-case metric values (absent when the case has no data for a metric).
    #[serde(default)]
    pub metrics: BTreeMap<MetricName, f64>,
    /// Per-judge values for this case (1/0 for pass/fail judges, else the aggregated score);
    /// absent when the judge was unscored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub judge_metrics: BTreeMap<String, f64>,
    /// Wall time including retries, in milliseconds.
    pub duration_ms: u64,
    /// HTTP attempts made (1 = no retry).
    pub attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every blocking expectation passed.
    Passed,
    /// At least one blocking expectation failed.
    Failed,
    /// The agent could not be run (infrastructure); not scored.
    Error,
    /// A `review: pending` case (promoted, not reviewed yet): it ran and was scored, but its
    /// checks are advisory until a person approves it, so it is neither passed nor failed.
    Pending,
}

/// Why a case could not be run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseError {
    pub kind: ErrorKind,
    /// Human message; quotes the start of a malformed body, never a secret.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Could not connect.
    Connect,
    /// No answer within the timeout.
    Timeout,
    /// A non-2xx status after retries.
    HttpStatus,
    /// The reply was not the expected JSON.
    BadResponse,
    /// The request could not be built (template error).
    Request,
    /// The agent answered, and its reply reports an error (at `agent.response.error`).
    AgentError,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::HttpStatus => "http_status",
            ErrorKind::BadResponse => "bad_response",
            ErrorKind::Request => "request",
            ErrorKind::AgentError => "agent_error",
        }
    }
}

/// Facts about a run that make it reproducible and comparable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunMeta {
    pub evalgate_version: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_sha: Option<String>,
    pub config_path: PathBuf,
    pub config_hash: String,
    pub datasets: Vec<DatasetRef>,
    pub concurrency: usize,
    pub trials: u32,
    /// Filters given on the command line, as typed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    /// Per judge: provider, model, endpoint host, rubric hash and parameters, hashed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub judge_fingerprints: BTreeMap<String, String>,
}

/// A suite's dataset and version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetRef {
    pub suite: String,
    pub dataset: String,
    pub version: u32,
    pub path: PathBuf,
    /// Cases selected from it.
    pub cases: usize,
}

/// A whole run: what `results.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunReport {
    pub schema_version: u32,
    pub meta: RunMeta,
    /// The policy's decision (absent while the run is in progress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Sorted by suite, case id, trial.
    pub cases: Vec<CaseResult>,
    /// Each judge's standing (blocking or advisory, and why) and pass rates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub judges: Vec<super::judge::JudgeSummary>,
}
