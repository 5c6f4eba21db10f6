//! scorer (being built): turns a case's expectations and a trajectory into scores.

use std::collections::BTreeMap;

use crate::model::{Case, MetricName, Outcome, Score, Trajectory, TrajectoryScore};

/// Everything scoring one case run yields.
#[derive(Debug, Clone)]
pub struct CaseScoring {
    pub outcome: Outcome,
    pub scores: Vec<Score>,
    pub trajectory_score: Option<TrajectoryScore>,
    pub metrics: BTreeMap<MetricName, f64>,
}

/// Scores one run of a case (contract; the body is being written).
pub fn score_case(_case: &Case, _trajectory: &Trajectory) -> CaseScoring {
    CaseScoring {
        outcome: Outcome::Passed,
        scores: Vec::new(),
        trajectory_score: None,
        metrics: BTreeMap::new(),
    }
}
