//! Names of the suite metrics a policy can weigh and floor.
//!
//! One enum so a typo in `policy.metrics` is a parse error listing the valid names.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A metric computed per case and averaged over cases (per-case mean over trials first).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MetricName {
    /// 1 when every blocking expectation of the case passed, else 0.
    TaskSuccess,
    /// 1 when the trajectory's `match` check (and `forbid`, `max_calls`, `min_calls`,
    /// `no_redundant_calls`) passed.
    TrajectoryMatch,
    /// Fraction of the case's response checks that passed.
    ResponseChecks,
    ToolRecall,
    ToolPrecision,
    ToolF1,
    ArgAccuracy,
    StrictRecall,
    Ordering,
    Efficiency,
}

impl MetricName {
    pub const ALL: [MetricName; 10] = [
        MetricName::TaskSuccess,
        MetricName::TrajectoryMatch,
        MetricName::ResponseChecks,
        MetricName::ToolRecall,
        MetricName::ToolPrecision,
        MetricName::ToolF1,
        MetricName::ArgAccuracy,
        MetricName::StrictRecall,
        MetricName::Ordering,
        MetricName::Efficiency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MetricName::TaskSuccess => "task_success",
            MetricName::TrajectoryMatch => "trajectory_match",
            MetricName::ResponseChecks => "response_checks",
            MetricName::ToolRecall => "tool_recall",
            MetricName::ToolPrecision => "tool_precision",
            MetricName::ToolF1 => "tool_f1",
            MetricName::ArgAccuracy => "arg_accuracy",
            MetricName::StrictRecall => "strict_recall",
            MetricName::Ordering => "ordering",
            MetricName::Efficiency => "efficiency",
        }
    }
}

impl std::fmt::Display for MetricName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a breach fails the gate or only warns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    #[default]
    Block,
    Warn,
}
