//! Scores: the outcome of checking one expectation, and the trajectory metrics of DESIGN §4.
//!
//! Every score carries a human reason; the trajectory score carries the alignment it was
//! computed from, so a report can show expected vs actual call by call.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The result of checking one expectation of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Score {
    /// `trajectory.in_order`, `trajectory.forbid`, `trajectory.max_calls`, `response.contains`, …
    pub name: String,
    pub status: ScoreStatus,
    /// A value in [0, 1] where the check has one (ratios, metrics); `None` for plain booleans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Whether a failure fails the case (advisory checks are reported, not counted).
    pub blocking: bool,
    /// A sentence a reviewer can act on.
    pub reason: String,
    /// A unified diff (expected vs actual) for text mismatches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl Score {
    /// A blocking pass/fail check with its reason (no value, no diff).
    pub fn check(name: impl Into<String>, pass: bool, reason: impl Into<String>) -> Score {
        Score {
            name: name.into(),
            status: if pass {
                ScoreStatus::Pass
            } else {
                ScoreStatus::Fail
            },
            value: None,
            blocking: true,
            reason: reason.into(),
            diff: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreStatus {
    Pass,
    Fail,
    /// Could not be scored (e.g. a judge failed); never counted as a pass.
    Unscored,
}

/// The eight trajectory metrics of DESIGN §4.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrajectoryMetrics {
    pub tool_recall: f64,
    pub tool_precision: f64,
    pub tool_f1: f64,
    pub arg_accuracy: f64,
    pub strict_recall: f64,
    pub ordering: f64,
    pub efficiency: f64,
    pub redundant_calls: u32,
}

/// The boolean checks of DESIGN §4 (`forbid` is reported separately, it needs names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TrajectoryChecks {
    pub exact: bool,
    pub in_order: bool,
    pub any_order: bool,
    pub superset: bool,
    pub subset: bool,
    pub unordered: bool,
    /// Every expected call fully matches some actual call (several may share one). Defaults
    /// to false when reading results written before it existed.
    #[serde(default)]
    pub covers: bool,
}

/// Everything the trajectory scorer found for one (expected, actual) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrajectoryScore {
    pub metrics: TrajectoryMetrics,
    pub checks: TrajectoryChecks,
    /// Names of the forbidden calls made, in call order (deduplicated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_called: Vec<String>,
    /// The actual calls (indices) that a `forbid` item matches, in call order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_calls: Vec<usize>,
    /// Expected vs actual, call by call, in a readable order.
    pub alignment: Vec<AlignRow>,
    /// A short human summary of the alignment.
    pub explanation: String,
}

/// One row of the alignment table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AlignRow {
    pub kind: AlignKind,
    pub name: String,
    /// Index into the flattened expected calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<usize>,
    /// Top-level position of the expected call (calls of an any-order block share one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// Index into the actual calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<usize>,
    /// Argument score s(e, a) for matched rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arg_score: Option<f64>,
    /// Keys whose values did not satisfy the expectation (dotted paths for nested objects).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differing_keys: Vec<String>,
    /// A short note ("expected `INV-2207`, got `INV-2270`", "out of order", "forbidden").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlignKind {
    /// Paired, s = 1.
    Matched,
    /// Paired, s < 1.
    WrongArgs,
    /// Expected, never paired.
    Missing,
    /// Called, never paired.
    Extra,
}
