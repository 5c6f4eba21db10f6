//! The PR comment's view model: the head report's verdict rows with baseline columns, the
//! changed cases with links to their file and line, per-case diffs and usage deltas.
//!
//! Pure. Strings are raw (the template escapes them); only numbers are formatted here.

use serde::Serialize;

use crate::model::{ChangeKind, Comparison, DeltaStatus, MetricDelta, RunReport};

use super::comment_format::{UsageRow, cut, signed, url_path, usage_rows};
use super::format::{fmt_opt, status_label};
use super::view::ReportView;

/// Where the comment's links point: the repository and the PR head commit.
#[derive(Debug, Clone, Serialize)]
pub struct Links {
    /// `https://github.com`.
    pub server_url: String,
    /// `owner/name`.
    pub repo: String,
    pub sha: String,
    /// The config's directory relative to the repository root (`""` at the root), since case
    /// files are recorded relative to the config.
    pub path_prefix: String,
}

/// What the comment is about, besides the report.
#[derive(Debug, Clone, Default)]
pub struct CommentInput<'a> {
    pub comparison: Option<&'a Comparison>,
    /// The config path (the sticky comment's marker).
    pub config_path: String,
    pub links: Option<Links>,
    /// The workflow run, for the footer.
    pub run_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CommentView {
    pub marker: String,
    pub report: ReportView,
    pub baseline: Option<BaselineView>,
    pub metrics: Vec<MetricView>,
    pub newly_failing: Vec<CaseLink>,
    pub fixed: Vec<CaseLink>,
    pub still_failing: Vec<CaseLink>,
    pub new: Vec<CaseLink>,
    pub removed: Vec<CaseLink>,
    /// Entries dropped from each list to fit the size limit (0 = none).
    pub newly_failing_more: usize,
    pub fixed_more: usize,
    pub still_failing_more: usize,
    pub new_more: usize,
    pub removed_more: usize,
    pub diffs: Vec<CaseDiffView>,
    /// Per-case diffs dropped to fit the size limit.
    pub diffs_more: usize,
    pub usage: Vec<UsageRow>,
    pub run_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BaselineView {
    pub sha: Option<String>,
    pub started_at: String,
    pub shared_cases: usize,
    /// `suite: v1 → v2` sentences.
    pub dataset_changes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct MetricView {
    pub name: String,
    pub head: String,
    pub base: String,
    pub delta: String,
    pub floor: String,
    pub status_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseLink {
    pub title: String,
    /// `evals/x/v1.yaml:12`.
    pub location: String,
    /// A link to the line at the head commit, when links are known.
    pub url: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDiffView {
    pub title: String,
    /// `newly failing`, `fixed`, …
    pub kind: &'static str,
    pub expected: Option<String>,
    pub trajectory_diff: Option<String>,
    pub response_diff: Option<String>,
    /// `task_success 1.000 → 0.000` lines.
    pub scores: Vec<String>,
}

pub fn kind_str(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::NewlyFailing => "newly failing",
        ChangeKind::Fixed => "fixed",
        ChangeKind::StillFailing => "still failing",
        ChangeKind::New => "new",
        ChangeKind::Removed => "removed",
        ChangeKind::ScoresChanged => "scores changed",
    }
}

impl CommentView {
    pub fn new(report: &RunReport, input: &CommentInput<'_>) -> CommentView {
        let view = ReportView::new(report);
        let cmp = input.comparison;
        let multi_suite = report.meta.datasets.len() > 1;
        let title = |suite: &str, id: &str| {
            if multi_suite {
                format!("{suite}/{id}")
            } else {
                id.to_string()
            }
        };
        let list = |kind: ChangeKind| -> Vec<CaseLink> {
            cmp.map(|c| {
                c.cases
                    .iter()
                    .filter(|x| x.kind == kind)
                    .map(|x| {
                        let path = x.file.to_string_lossy().replace('\\', "/");
                        CaseLink {
                            title: title(&x.suite, &x.case_id),
                            location: format!("{path}:{}", x.line),
                            url: input
                                .links
                                .as_ref()
                                .filter(|_| kind != ChangeKind::Removed)
                                .map(|l| {
                                    format!(
                                        "{}/{}/blob/{}/{}{}#L{}",
                                        l.server_url.trim_end_matches('/'),
                                        l.repo,
                                        l.sha,
                                        l.path_prefix,
                                        url_path(&path),
                                        x.line
                                    )
                                }),
                            reason: x.reason.as_deref().map(cut),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
        };
        let diffs = cmp
            .map(|c| {
                c.cases
                    .iter()
                    .filter(|x| {
                        x.trajectory.is_some() || x.response_diff.is_some() || !x.scores.is_empty()
                    })
                    .map(|x| CaseDiffView {
                        title: title(&x.suite, &x.case_id),
                        kind: kind_str(x.kind),
                        expected: x
                            .trajectory
                            .as_ref()
                            .filter(|t| !t.expected.is_empty())
                            .map(|t| t.expected.join(" → ")),
                        trajectory_diff: x.trajectory.as_ref().map(|t| t.diff.clone()),
                        response_diff: x.response_diff.clone(),
                        scores: x
                            .scores
                            .iter()
                            .map(|s| {
                                format!("{} {} → {}", s.metric, fmt_opt(s.base), fmt_opt(s.head))
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        CommentView {
            marker: marker(&input.config_path),
            baseline: cmp.map(|c| BaselineView {
                // 12 characters identify a commit and keep the line short.
                sha: c
                    .base
                    .git_sha
                    .as_deref()
                    .map(|s| s.chars().take(12).collect()),
                started_at: c.base.started_at.clone(),
                shared_cases: c.shared_cases,
                dataset_changes: c
                    .dataset_changes
                    .iter()
                    .map(|d| {
                        let v = |v: Option<u32>| {
                            v.map(|v| format!("v{v}"))
                                .unwrap_or_else(|| "absent".into())
                        };
                        format!("{}: {} → {}", d.suite, v(d.base_version), v(d.head_version))
                    })
                    .collect(),
            }),
            metrics: metric_views(report, cmp),
            newly_failing: list(ChangeKind::NewlyFailing),
            fixed: list(ChangeKind::Fixed),
            still_failing: list(ChangeKind::StillFailing),
            new: list(ChangeKind::New),
            removed: list(ChangeKind::Removed),
            newly_failing_more: 0,
            fixed_more: 0,
            still_failing_more: 0,
            new_more: 0,
            removed_more: 0,
            diffs,
            diffs_more: 0,
            usage: cmp
                .map(|c| usage_rows(&c.usage.head, &c.usage.base))
                .unwrap_or_default(),
            run_url: input.run_url.clone(),
            report: view,
        }
    }

    /// Keeps the first `n` per-case diffs.
    pub fn keep_diffs(&mut self, n: usize) {
        if self.diffs.len() > n {
            self.diffs_more += self.diffs.len() - n;
            self.diffs.truncate(n);
        }
    }

    /// Keeps at most `n` entries of each case list.
    pub fn keep_list_items(&mut self, n: usize) {
        let cut_list = |v: &mut Vec<CaseLink>, more: &mut usize| {
            if v.len() > n {
                *more += v.len() - n;
                v.truncate(n);
            }
        };
        cut_list(&mut self.newly_failing, &mut self.newly_failing_more);
        cut_list(&mut self.fixed, &mut self.fixed_more);
        cut_list(&mut self.still_failing, &mut self.still_failing_more);
        cut_list(&mut self.new, &mut self.new_more);
        cut_list(&mut self.removed, &mut self.removed_more);
    }

    pub fn diff_count(&self) -> usize {
        self.diffs.len()
    }

    pub fn longest_list(&self) -> usize {
        [
            &self.newly_failing,
            &self.fixed,
            &self.still_failing,
            &self.new,
            &self.removed,
        ]
        .iter()
        .map(|v| v.len())
        .max()
        .unwrap_or(0)
    }
}

/// The hidden HTML comment that identifies the sticky comment of one config. `--` cannot
/// appear in it (it would end the HTML comment early).
pub fn marker(config_path: &str) -> String {
    let path = config_path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut safe = path.replace("--", "-");
    while safe.contains("--") {
        safe = safe.replace("--", "-");
    }
    format!("<!-- evalgate:{} -->", safe.replace('>', ""))
}

fn metric_views(report: &RunReport, cmp: Option<&Comparison>) -> Vec<MetricView> {
    let Some(verdict) = report.verdict.as_ref() else {
        return Vec::new();
    };
    verdict
        .metrics
        .iter()
        .map(|m| {
            let d: Option<&MetricDelta> =
                cmp.and_then(|c| c.metrics.iter().find(|d| d.metric == m.metric));
            let mut label = status_label(m.status).to_string();
            match d.map(|d| d.status) {
                Some(DeltaStatus::Regression) => {
                    label = format!(
                        "❌ regression (max drop {})",
                        fmt_opt(d.and_then(|d| d.max_drop))
                    )
                }
                Some(DeltaStatus::Inconclusive) => label.push_str(" · ❔ inconclusive"),
                Some(DeltaStatus::Improvement) => label.push_str(" · 📈"),
                _ => {}
            }
            MetricView {
                name: m.metric.to_string(),
                head: fmt_opt(m.value),
                base: d.map(|d| fmt_opt(d.base)).unwrap_or_else(|| "—".into()),
                delta: d
                    .and_then(|d| d.delta)
                    .map(signed)
                    .unwrap_or_else(|| "—".into()),
                floor: fmt_opt(m.floor),
                status_label: label,
            }
        })
        .collect()
}
