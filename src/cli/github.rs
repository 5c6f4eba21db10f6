//! The GitHub Actions side of the CLI: reads the Actions environment into a
//! [`GithubContext`], fetches a baseline artifact, writes `$GITHUB_OUTPUT`,
//! `$GITHUB_STEP_SUMMARY` and annotations, and posts the sticky comment.
//!
//! Every GitHub failure here is a warning: a failed comment never changes the verdict.

use std::path::{Path, PathBuf};

use crate::github::{Author, CommentOutcome, GithubContext, GithubError, workflow};
use crate::model::{ChangeKind, Comparison, Outcome, RunReport, Secrets};
use crate::report::WrittenReports;
use crate::report::comment::Links;

use super::GateArgs;

/// The Actions environment, read once.
pub(super) struct Env {
    pub ctx: GithubContext,
    pub server_url: String,
    pub run_id: Option<String>,
    pub sha: Option<String>,
    pub output: Option<PathBuf>,
    pub summary: Option<PathBuf>,
    /// Running under GitHub Actions (annotations are printed).
    pub actions: bool,
    /// Masked once more in everything published (set by the caller, which collected them).
    pub secrets: Secrets,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Env {
    pub fn read(token: Option<String>) -> Env {
        let event = var("GITHUB_EVENT_PATH")
            .and_then(|p| match std::fs::read_to_string(&p) {
                Ok(text) => match crate::github::parse_event(&text) {
                    Ok(e) => Some(e),
                    Err(e) => {
                        eprintln!("warning: cannot parse the event payload `{p}`: {e}");
                        None
                    }
                },
                Err(e) => {
                    eprintln!("warning: cannot read the event payload `{p}`: {e}");
                    None
                }
            })
            .unwrap_or_default();
        Env {
            ctx: GithubContext {
                api_url: var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
                token: token.filter(|t| !t.is_empty()),
                repo: var("GITHUB_REPOSITORY"),
                event,
            },
            server_url: var("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            run_id: var("GITHUB_RUN_ID"),
            sha: var("GITHUB_SHA"),
            output: var("GITHUB_OUTPUT").map(PathBuf::from),
            summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            actions: var("GITHUB_ACTIONS").as_deref() == Some("true"),
            secrets: Secrets::default(),
        }
    }

    /// Links to case files at the PR head commit (the pushed commit outside PRs).
    pub fn links(&self, config_path: &Path) -> Option<Links> {
        let repo = self.ctx.repo.clone()?;
        let sha = self
            .ctx
            .event
            .head_sha
            .clone()
            .or_else(|| self.sha.clone())?;
        // Case files are recorded relative to the config's directory; links need it relative
        // to the repository root (the workspace, where the job runs).
        let abs;
        let config_path = if config_path.is_absolute() {
            let root = var("GITHUB_WORKSPACE")
                .map(PathBuf::from)
                .or_else(|| std::env::current_dir().ok())?;
            abs = config_path.strip_prefix(root).ok()?.to_path_buf();
            abs.as_path()
        } else {
            config_path
        };
        let dir = config_path.parent().unwrap_or(Path::new(""));
        let mut prefix: String = dir
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/");
        if !prefix.is_empty() {
            prefix.push('/');
        }
        Some(Links {
            server_url: self.server_url.clone(),
            repo,
            sha,
            path_prefix: prefix,
        })
    }

    pub fn run_url(&self) -> Option<String> {
        Some(format!(
            "{}/{}/actions/runs/{}",
            self.server_url.trim_end_matches('/'),
            self.ctx.repo.as_deref()?,
            self.run_id.as_deref()?
        ))
    }
}

fn warn(env: &Env, message: &str) {
    // GitHub's error replies are outside data too.
    let message = &*env.secrets.mask(message);
    eprintln!("warning: {message}");
    if env.actions {
        println!("{}", workflow::warning(message));
    }
}

/// The baseline from the newest artifact `name`; `None` (with a warning) when there is none or
/// it cannot be fetched: the run is then reported without baseline columns.
pub(super) async fn fetch_baseline(env: &Env, name: &str) -> Option<RunReport> {
    let result = async {
        let repo = env.ctx.repo.as_deref().ok_or(GithubError::NoRepo)?;
        let client = crate::github::client(&env.ctx.api_url, env.ctx.token.as_deref())?;
        crate::github::fetch_baseline(
            &client,
            &env.ctx.api_url,
            repo,
            name,
            env.ctx.event.default_branch.as_deref(),
        )
        .await
    }
    .await;
    match result {
        Ok(Some(found)) => {
            eprintln!(
                "baseline: artifact `{name}` (id {}) from workflow run {}",
                found.artifact_id, found.run_id
            );
            Some(found.report)
        }
        Ok(None) => {
            warn(
                env,
                &format!(
                    "no artifact `{name}` from a successful run on the default branch; reporting without a baseline"
                ),
            );
            None
        }
        Err(e) => {
            warn(
                env,
                &format!(
                    "cannot fetch the baseline artifact `{name}`: {e}; reporting without a baseline"
                ),
            );
            None
        }
    }
}

/// Outputs, step summary, annotations and the comment. Never fails the run.
pub(super) async fn publish(
    env: &Env,
    report: &RunReport,
    cmp: Option<&Comparison>,
    written: &WrittenReports,
    body: &str,
    gate: &GateArgs,
    marker: &str,
) {
    let secrets = &env.secrets;
    // Defence in depth: the data was masked where it entered; what leaves is masked again.
    let body = &*secrets.mask(body);
    let verdict = report.verdict.as_ref();
    if let Some(path) = &env.output {
        let status = verdict.map(|v| match v.status {
            crate::model::VerdictStatus::Pass => "pass",
            crate::model::VerdictStatus::Fail => "fail",
            crate::model::VerdictStatus::Error => "error",
        });
        let composite = verdict
            .and_then(|v| v.composite.as_ref())
            .and_then(|c| c.value)
            .map(|v| format!("{v:.3}"))
            .unwrap_or_default();
        let text = [
            workflow::output_entry("verdict", status.unwrap_or("error")),
            workflow::output_entry("composite", &composite),
            workflow::output_entry("results", &written.results_json.to_string_lossy()),
            workflow::output_entry("junit", &written.junit_xml.to_string_lossy()),
            workflow::output_entry("report", &written.report_md.to_string_lossy()),
        ]
        .concat();
        if let Err(e) = workflow::append(path, &secrets.mask(&text)) {
            warn(
                env,
                &format!("cannot write `$GITHUB_OUTPUT` ({}): {e}", path.display()),
            );
        }
    }
    if let Some(path) = &env.summary
        && let Err(e) = workflow::append(path, &format!("{body}\n"))
    {
        warn(
            env,
            &format!(
                "cannot write `$GITHUB_STEP_SUMMARY` ({}): {e}",
                path.display()
            ),
        );
    }
    if env.actions {
        for line in annotations(report, cmp) {
            println!("{}", secrets.mask(&line));
        }
    }
    // The dry run wins over `--comment`: asking to see the comment must never post it.
    if gate.comment_dry_run {
        let body = crate::github::sticky_body(marker, body);
        println!("--- PR comment (dry run: not posted) ---\n{body}\n--- end of PR comment ---");
    } else if gate.comment {
        post_comment(env, marker, body, gate.comment_author.as_deref()).await;
    }
}

/// `::error` lines: the newly failing cases with a baseline, the failing ones without.
fn annotations(report: &RunReport, cmp: Option<&Comparison>) -> Vec<String> {
    let mut out = Vec::new();
    match cmp {
        Some(cmp) => {
            for c in cmp
                .cases
                .iter()
                .filter(|c| c.kind == ChangeKind::NewlyFailing)
            {
                out.push(workflow::error_annotation(
                    &c.file.to_string_lossy(),
                    c.line,
                    &format!("evalgate: {} newly failing", c.case_id),
                    &cut(c
                        .reason
                        .as_deref()
                        .unwrap_or("passed on the baseline, fails now")),
                ));
            }
        }
        None => {
            for r in report.cases.iter().filter(|r| r.outcome == Outcome::Failed) {
                out.push(workflow::error_annotation(
                    &r.file.to_string_lossy(),
                    r.line,
                    &format!("evalgate: {} failed", r.case_id),
                    &cut(&crate::report::view::first_failure(r).unwrap_or_else(|| "failed".into())),
                ));
            }
        }
    }
    out
}

fn cut(s: &str) -> String {
    s.chars().take(500).collect()
}

async fn post_comment(env: &Env, marker: &str, body: &str, given_author: Option<&str>) {
    let result = async {
        let repo = env.ctx.repo.as_deref().ok_or(GithubError::NoRepo)?;
        let pr = env.ctx.event.pr_number.ok_or(GithubError::NoPullRequest)?;
        let client = crate::github::client(&env.ctx.api_url, env.ctx.token.as_deref())?;
        let author = crate::github::comment_author(&client, given_author).await;
        if let Author::Unknown(why) = &author {
            warn(
                env,
                &format!(
                    "cannot tell which login the token comments as ({why}); posting a new PR comment instead of updating one (pass `--comment-author LOGIN`)"
                ),
            );
        }
        let outcome =
            crate::github::upsert_comment(&client, repo, pr, marker, author.login(), body).await?;
        Ok::<_, GithubError>((author, outcome))
    }
    .await;
    match result {
        Ok((author, CommentOutcome::Created { id, login })) => {
            eprintln!("PR comment created (id {id})");
            // A wrong or missing login posts a new comment on every run: say how to fix it.
            if let Some(actual) = login.as_deref()
                && author
                    .login()
                    .is_none_or(|expected| !expected.eq_ignore_ascii_case(actual))
            {
                let not = author
                    .login()
                    .map(|expected| format!(", not `{expected}`"))
                    .unwrap_or_default();
                warn(
                    env,
                    &format!(
                        "the PR comment was written as `{actual}`{not}: pass `--comment-author {actual}` so the next run updates it"
                    ),
                );
            }
        }
        Ok((_, CommentOutcome::Updated(id))) => eprintln!("PR comment updated (id {id})"),
        Err(e) => {
            let hint = match e.status() {
                Some(403) if env.ctx.event.fork => " (a fork PR's token is read-only)",
                Some(403) => " (the token needs `pull-requests: write`)",
                _ => "",
            };
            warn(
                env,
                &format!(
                    "could not post the PR comment: {e}{hint}; the report is in the step summary"
                ),
            );
        }
    }
}
