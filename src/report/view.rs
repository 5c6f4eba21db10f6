//! The report's view model: a [`RunReport`] with numbers formatted, failing and errored runs
//! picked out, and usage totals computed, so templates and the console only lay text out.
//!
//! Pure and deterministic (sorted by suite, case id, trial). Strings here are raw: agent text is
//! escaped by whoever renders it (`md_text`, `code_block`, `term_line`).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{CaseResult, MetricRow, Outcome, RunReport, ScoreStatus, VerdictStatus};

use super::align::render_alignment;
use super::format::{fmt_ms, fmt_opt, fmt_weight, gate_str, percentile, status_label, status_str};

#[derive(Debug, Serialize)]
pub struct ReportView {
    /// `pass`, `fail`, `error`, or `pending` (no verdict yet).
    pub status: &'static str,
    /// `✅ evalgate: pass` and so on.
    pub banner: String,
    pub reasons: Vec<String>,
    pub metrics: Vec<RowView>,
    pub composite: Option<RowView>,
    pub slices: Vec<RowView>,
    pub counts: CountsView,
    /// Failed runs (case × trial), sorted.
    pub failing: Vec<CaseView>,
    /// Errored runs, sorted.
    pub errored: Vec<CaseView>,
    /// Runs of `review: pending` cases whose advisory checks fail, sorted (what a reviewer
    /// should look at before approving).
    pub pending: Vec<CaseView>,
    pub usage: UsageView,
    pub meta: MetaView,
    /// One line per LLM judge: blocking or advisory (and why), counts, observed and corrected
    /// pass rates.
    pub judges: Vec<String>,
}

/// A metric, composite or slice row, formatted.
#[derive(Debug, Serialize)]
pub struct RowView {
    /// Metric name, `composite`, or the selector of a slice (`tier:critical`).
    pub name: String,
    /// The metric (empty for the composite).
    pub metric: String,
    pub value: String,
    pub n: String,
    pub floor: String,
    pub weight: String,
    pub gate: &'static str,
    /// `pass`, `fail`, `warn`, `info`, `no_data`.
    pub status: &'static str,
    /// With an emoji, for Markdown.
    pub status_label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct CountsView {
    pub cases: usize,
    pub runs: usize,
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub pending: usize,
    /// `1 of 5 runs errored (20.0%, budget 10.0%)`.
    pub error_budget: String,
    pub error_budget_exceeded: bool,
}

#[derive(Debug, Serialize)]
pub struct CaseView {
    pub suite: String,
    pub case_id: String,
    /// Case id, with the suite when the run has several and `[trial k]` when it has trials.
    pub title: String,
    /// 1-based.
    pub trial: u32,
    /// `evals/billing/v3.yaml:12`.
    pub location: String,
    pub tier: Option<String>,
    pub tags: Vec<String>,
    pub outcome: &'static str,
    /// The first failing blocking score's reason (or the error message).
    pub first_reason: String,
    /// Every score that did not pass, in expectation order.
    pub scores: Vec<ScoreView>,
    /// The alignment table (plain text), when the case expected a trajectory.
    pub alignment: Option<String>,
    /// The agent's final answer.
    pub response: Option<String>,
    pub error_kind: Option<&'static str>,
    pub error_message: Option<String>,
    pub duration: String,
}

#[derive(Debug, Serialize)]
pub struct ScoreView {
    pub name: String,
    /// `fail` or `unscored`.
    pub status: &'static str,
    pub blocking: bool,
    pub reason: String,
    pub diff: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UsageView {
    /// Nearest-rank percentiles of the agent latency over runs that produced a trajectory.
    pub latency_p50: Option<String>,
    pub latency_p95: Option<String>,
    /// Sums over the runs that reported them; `None` when none did.
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub total_tokens: Option<u64>,
    pub cost_usd: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MetaView {
    pub evalgate_version: String,
    pub config_hash: String,
    pub git_sha: Option<String>,
    pub started_at: String,
    pub duration: String,
    pub trials: u32,
    /// `billing` v3 (5 cases) as `{suite, dataset, version, cases}`.
    pub datasets: Vec<DatasetView>,
}

#[derive(Debug, Serialize)]
pub struct DatasetView {
    pub suite: String,
    pub dataset: String,
    pub version: u32,
    pub cases: usize,
}

impl ReportView {
    pub fn new(report: &RunReport) -> ReportView {
        let mut runs: Vec<&CaseResult> = report.cases.iter().collect();
        runs.sort_by(|a, b| (&a.suite, &a.case_id, a.trial).cmp(&(&b.suite, &b.case_id, b.trial)));
        let naming = Naming::new(report);
        let pick = |outcome: Outcome| -> Vec<CaseView> {
            runs.iter()
                .filter(|r| r.outcome == outcome)
                .map(|r| case_view(r, &naming))
                .collect()
        };
        // A pending case whose checks all pass has nothing to review yet.
        let pick_pending = || -> Vec<CaseView> {
            runs.iter()
                .filter(|r| r.outcome == Outcome::Pending)
                .filter(|r| r.scores.iter().any(|s| s.status != ScoreStatus::Pass))
                .map(|r| case_view(r, &naming))
                .collect()
        };
        let (status, banner) = match report.verdict.as_ref().map(|v| v.status) {
            Some(VerdictStatus::Pass) => ("pass", "✅ evalgate: pass"),
            Some(VerdictStatus::Fail) => ("fail", "❌ evalgate: fail"),
            Some(VerdictStatus::Error) => ("error", "⚠️ evalgate: error"),
            None => ("pending", "⏳ evalgate: no verdict yet"),
        };
        let verdict = report.verdict.as_ref();
        ReportView {
            judges: report.judges.iter().map(super::judge_line).collect(),
            status,
            banner: banner.to_string(),
            reasons: verdict.map(|v| v.reasons.clone()).unwrap_or_default(),
            metrics: verdict
                .map(|v| v.metrics.iter().map(metric_row).collect())
                .unwrap_or_default(),
            composite: verdict.and_then(|v| v.composite.as_ref()).map(|c| RowView {
                name: "composite".into(),
                metric: String::new(),
                value: fmt_opt(c.value),
                n: String::new(),
                floor: format!("{:.3}", c.floor),
                weight: String::new(),
                gate: gate_str(c.gate),
                status: status_str(c.status),
                status_label: status_label(c.status),
            }),
            slices: verdict
                .map(|v| {
                    v.slices
                        .iter()
                        .map(|s| RowView {
                            name: s.selector.clone(),
                            metric: s.metric.to_string(),
                            value: fmt_opt(s.value),
                            n: s.n.to_string(),
                            floor: format!("{:.3}", s.floor),
                            weight: String::new(),
                            gate: gate_str(s.gate),
                            status: status_str(s.status),
                            status_label: status_label(s.status),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            counts: counts_view(report),
            failing: pick(Outcome::Failed),
            errored: pick(Outcome::Error),
            pending: pick_pending(),
            usage: usage_view(&runs),
            meta: meta_view(report),
        }
    }
}

/// How a run is titled: the suite is shown only when there are several, the trial only when
/// cases ran more than once.
pub struct Naming {
    multi_suite: bool,
    trials: bool,
}

impl Naming {
    pub fn new(report: &RunReport) -> Naming {
        let suites: BTreeSet<&str> = report.cases.iter().map(|c| c.suite.as_str()).collect();
        Naming {
            multi_suite: suites.len() > 1,
            trials: report.meta.trials > 1 || report.cases.iter().any(|c| c.trial > 0),
        }
    }

    /// Whether runs get a ` [trial k]` suffix.
    pub fn has_trials(&self) -> bool {
        self.trials
    }

    pub fn title(&self, r: &CaseResult) -> String {
        let mut t = if self.multi_suite {
            format!("{}/{}", r.suite, r.case_id)
        } else {
            r.case_id.clone()
        };
        if self.trials {
            t.push_str(&format!(" [trial {}]", r.trial + 1));
        }
        t
    }
}

fn case_view(r: &CaseResult, naming: &Naming) -> CaseView {
    let failing: Vec<_> = r
        .scores
        .iter()
        .filter(|s| s.status != ScoreStatus::Pass)
        .collect();
    let first_reason = match &r.error {
        Some(e) => e.message.clone(),
        None => first_failure(r).unwrap_or_else(|| "failed".to_string()),
    };
    CaseView {
        suite: r.suite.clone(),
        case_id: r.case_id.clone(),
        title: naming.title(r),
        trial: r.trial + 1,
        location: format!("{}:{}", r.file.display(), r.line),
        tier: r.tier.clone(),
        tags: r.tags.clone(),
        outcome: match r.outcome {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
            Outcome::Pending => "pending",
        },
        first_reason,
        scores: failing
            .into_iter()
            .map(|s| ScoreView {
                name: s.name.clone(),
                status: if s.status == ScoreStatus::Fail {
                    "fail"
                } else {
                    "unscored"
                },
                blocking: s.blocking,
                reason: s.reason.clone(),
                diff: s.diff.clone(),
            })
            .collect(),
        alignment: r
            .trajectory_score
            .as_ref()
            .map(|ts| render_alignment(ts, r.trajectory.as_ref())),
        response: r.trajectory.as_ref().and_then(|t| t.final_response.clone()),
        error_kind: r.error.as_ref().map(|e| e.kind.as_str()),
        error_message: r.error.as_ref().map(|e| e.message.clone()),
        duration: fmt_ms(r.duration_ms),
    }
}

/// The reason of the first failing blocking score, else of the first score that did not pass.
pub fn first_failure(r: &CaseResult) -> Option<String> {
    r.scores
        .iter()
        .find(|s| s.blocking && s.status == ScoreStatus::Fail)
        .or_else(|| r.scores.iter().find(|s| s.status != ScoreStatus::Pass))
        .map(|s| s.reason.clone())
}

fn metric_row(m: &MetricRow) -> RowView {
    RowView {
        name: m.metric.to_string(),
        metric: m.metric.to_string(),
        value: fmt_opt(m.value),
        n: m.n.to_string(),
        floor: m
            .floor
            .map(|f| format!("{f:.3}"))
            .unwrap_or_else(|| "—".into()),
        weight: fmt_weight(m.weight),
        // A gate only means something next to a floor.
        gate: if m.floor.is_some() {
            gate_str(m.gate)
        } else {
            "—"
        },
        status: status_str(m.status),
        status_label: status_label(m.status),
    }
}

fn counts_view(report: &RunReport) -> CountsView {
    let counts = report
        .verdict
        .as_ref()
        .map(|v| v.counts)
        .unwrap_or_default();
    let (error_budget, exceeded) = match report.verdict.as_ref().map(|v| v.error_budget) {
        Some(b) => (
            format!(
                "{} of {} runs errored ({:.1}%, budget {:.1}%)",
                b.errors,
                b.runs,
                b.rate * 100.0,
                b.max_rate * 100.0
            ),
            b.exceeded,
        ),
        None => (String::new(), false),
    };
    CountsView {
        cases: counts.cases,
        runs: counts.runs,
        passed: counts.passed,
        failed: counts.failed,
        errored: counts.errored,
        pending: counts.pending,
        error_budget,
        error_budget_exceeded: exceeded,
    }
}

fn usage_view(runs: &[&CaseResult]) -> UsageView {
    let mut latencies: Vec<u64> = runs
        .iter()
        .filter_map(|r| r.trajectory.as_ref().map(|t| t.latency_ms))
        .collect();
    latencies.sort_unstable();
    let usages = || {
        runs.iter()
            .filter_map(|r| r.trajectory.as_ref().map(|t| &t.usage))
    };
    let sum = |f: fn(&crate::model::Usage) -> Option<u64>| {
        usages()
            .filter_map(f)
            .fold(None, |acc: Option<u64>, v| Some(acc.unwrap_or(0) + v))
    };
    let cost = usages()
        .filter_map(|u| u.cost_usd)
        .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v));
    UsageView {
        latency_p50: percentile(&latencies, 0.50).map(fmt_ms),
        latency_p95: percentile(&latencies, 0.95).map(fmt_ms),
        prompt_tokens: sum(|u| u.prompt_tokens),
        completion_tokens: sum(|u| u.completion_tokens),
        total_tokens: sum(|u| u.total_tokens),
        cost_usd: cost.map(|c| format!("${c:.4}")),
    }
}

fn meta_view(report: &RunReport) -> MetaView {
    let m = &report.meta;
    let mut datasets: Vec<DatasetView> = m
        .datasets
        .iter()
        .map(|d| DatasetView {
            suite: d.suite.clone(),
            dataset: d.dataset.clone(),
            version: d.version,
            cases: d.cases,
        })
        .collect();
    datasets.sort_by(|a, b| (&a.suite, &a.dataset).cmp(&(&b.suite, &b.dataset)));
    MetaView {
        evalgate_version: m.evalgate_version.clone(),
        config_hash: m.config_hash.clone(),
        git_sha: m.git_sha.clone(),
        started_at: m.started_at.clone(),
        duration: fmt_ms(m.duration_ms),
        trials: m.trials,
        datasets,
    }
}
