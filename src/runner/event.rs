//! Progress events the runner emits while a run is under way.
//!
//! Borrowed views for the length of one callback; whoever wants to keep something clones it.

use crate::model::CaseResult;

/// What happened, in the order it happened.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The run begins; `runs` = selected cases × trials.
    Started { runs: usize },
    /// One case × trial finished (in completion order, not report order).
    CaseFinished {
        result: &'a CaseResult,
        /// Runs finished so far, this one included.
        done: usize,
        total: usize,
    },
}
