//! `execute`: every selected case × trial through agent → scorer → `CaseResult`, concurrently.
//!
//! Concurrency is a `buffer_unordered` window over a lazy stream of runs, so at most
//! `concurrency` agent calls are in flight and nothing is materialized per run beyond its
//! result. Results are reported as they finish and returned in report order.

use std::collections::BTreeMap;

use futures::StreamExt;

use super::event::Event;
use super::select::Selected;
use crate::adapter::Agent;
use crate::judge::Judges;
use crate::model::{CaseResult, Outcome, Plan};
use crate::scorer::score_case;

/// How a run is executed (CLI flags override the config's `run:` section before this is built).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecOptions {
    /// Agent calls in flight at most (0 is treated as 1).
    pub concurrency: usize,
    /// Runs of each case (0 is treated as 1).
    pub trials: u32,
}

/// Runs `selected` × `opts.trials` against `agent` and scores each run.
///
/// `on_event` sees [`Event::Started`] once, then [`Event::CaseFinished`] per run in completion
/// order. The result is sorted by suite (plan order), case id, trial. Never fails: agent errors
/// are `error` outcomes.
pub async fn execute<A: Agent>(
    plan: &Plan,
    selected: &[Selected],
    agent: &A,
    opts: &ExecOptions,
    on_event: impl FnMut(Event<'_>),
) -> Vec<CaseResult> {
    execute_judged(plan, selected, agent, None, opts, on_event).await
}

/// [`execute`] with LLM judges: after each run is scored, its `- judge:` checks are judged
/// and the outcome finished again (`scorer::finish_case`). Without `judges`, judge checks stay
/// `unscored` and non-blocking.
pub async fn execute_judged<A: Agent>(
    plan: &Plan,
    selected: &[Selected],
    agent: &A,
    judges: Option<&Judges>,
    opts: &ExecOptions,
    mut on_event: impl FnMut(Event<'_>),
) -> Vec<CaseResult> {
    let trials = opts.trials.max(1);
    let total = selected.len() * trials as usize;
    on_event(Event::Started { runs: total });

    let runs = selected
        .iter()
        .flat_map(|sel| (0..trials).map(move |trial| (*sel, trial)));
    let mut finished = futures::stream::iter(runs)
        .map(|(sel, trial)| run_one(plan, sel, trial, agent, judges))
        .buffer_unordered(opts.concurrency.max(1));

    let mut results: Vec<(usize, CaseResult)> = Vec::with_capacity(total);
    while let Some((suite, result)) = finished.next().await {
        results.push((suite, result));
        on_event(Event::CaseFinished {
            result: &results[results.len() - 1].1,
            done: results.len(),
            total,
        });
    }
    results.sort_by(|(sa, a), (sb, b)| {
        sa.cmp(sb)
            .then_with(|| a.case_id.cmp(&b.case_id))
            .then_with(|| a.trial.cmp(&b.trial))
    });
    results.into_iter().map(|(_, r)| r).collect()
}

/// One case × trial. Returns the suite index alongside, for sorting.
async fn run_one<A: Agent>(
    plan: &Plan,
    sel: Selected,
    trial: u32,
    agent: &A,
    judges: Option<&Judges>,
) -> (usize, CaseResult) {
    let (suite, case) = sel.resolve(plan);
    let reply = agent.call(case).await;
    let mut result = CaseResult {
        suite: suite.name.clone(),
        case_id: case.id.clone(),
        trial,
        file: if case.loc.file.as_os_str().is_empty() {
            suite.path.clone()
        } else {
            case.loc.file.clone()
        },
        line: case.loc.line,
        tags: case.tags.clone(),
        tier: case.tier.clone(),
        input: case.input.last_user_text().to_string(),
        outcome: Outcome::Error,
        error: None,
        trajectory: None,
        trajectory_score: None,
        scores: Vec::new(),
        metrics: BTreeMap::new(),
        judge_metrics: BTreeMap::new(),
        duration_ms: reply.duration_ms,
        attempts: reply.attempts,
    };
    match reply.result {
        Ok(trajectory) => {
            let mut scoring = score_case(case, &trajectory);
            if let Some(j) = judges {
                result.judge_metrics = j.judge_case(case, &trajectory, trial, &mut scoring).await;
            }
            result.outcome = scoring.outcome;
            result.scores = scoring.scores;
            result.trajectory_score = scoring.trajectory_score;
            result.metrics = scoring.metrics;
            result.trajectory = Some(trajectory);
        }
        Err(error) => result.error = Some(error),
    }
    // Once, after scoring and judging saw the whole reply: every report, and the memory the
    // run keeps until they are written, hold at most the cap per text field.
    crate::model::cap::cap_case(&mut result);
    (sel.suite, result)
}

#[cfg(test)]
#[path = "execute_tests.rs"]
pub(crate) mod tests;
