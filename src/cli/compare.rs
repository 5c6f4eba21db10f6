//! Baseline comparison in the CLI: `evalgate compare`, the `--baseline` hook of `run`, and the
//! shared ending of both (gate with the baseline, write reports, GitHub outputs, exit code).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{ConfigArg, GateArgs, INFRA, USAGE, exit};
use crate::model::{Comparison, Plan, RunReport, VerdictStatus};
use crate::report::comment::{CommentInput, render_comment};

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The head run's results.json.
    pub head: PathBuf,
    /// The baseline run's results.json.
    pub base: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Where reports go (results.json with the combined verdict, junit.xml, report.md).
    #[arg(long, short, default_value = "evalgate-out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// `evalgate compare`: no re-run; the head's cases are gated again under the config's policy
/// with the baseline.
pub(super) async fn compare(args: CompareArgs) -> u8 {
    let plan = match crate::config::load(&args.config.config) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    if let Err(e) = check_outputs(&args.out, &args.gate) {
        eprintln!("{e}");
        return USAGE;
    }
    let head = match read_results(&args.head, "head results") {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    let base = match read_results(&args.base, "baseline") {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    let mut report = head;
    report.verdict = Some(crate::policy::evaluate(&report.cases, &plan.policy));
    // The head's results come from an earlier run: what is posted is masked again.
    let env = |name: &str| std::env::var(name).ok();
    let secrets = super::secrets::of_plan(&plan, args.gate.github_token.as_deref(), &env);
    let ending = Ending {
        out: &args.out,
        config_path: &args.config.config,
        cases_log: false,
        secrets: &secrets,
    };
    finish(report, Some(base), &plan, &ending, &args.gate).await
}

/// What `run` and `compare` check before they start: `--out` is not a file, and the
/// `--comment-template` (read and returned) is a template that renders. The message is the
/// whole error to print.
pub(super) fn check_outputs(out: &Path, gate: &GateArgs) -> Result<Option<String>, String> {
    if out.exists() && !out.is_dir() {
        return Err(format!(
            "error: `--out {}` is a file, not a folder\n  = help: reports go into a folder (results.json, cases.jsonl, junit.xml, report.md); name a folder, or remove the file",
            out.display()
        ));
    }
    gate.comment_template
        .as_deref()
        .map(|p| crate::config::load_template(p, crate::config::TemplateKind::Comment))
        .transpose()
        .map_err(|e| e.to_string())
}

/// Reads a results.json; the message names the file and what is wrong with it.
pub(super) fn read_results(path: &Path, what: &str) -> Result<RunReport, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("error: cannot read the {what} `{}`: {e}", path.display()))?;
    let not_results = |why: String| {
        format!(
            "error: the {what} `{}` is not a results.json: {why}",
            path.display()
        )
    };
    let text = crate::input::decode(bytes)
        .map_err(|bad| not_results(format!("{bad} at line {} column {}", bad.line, bad.column)))?;
    if let Some((line, column)) = crate::input::too_deep_at(&text) {
        let deep = crate::input::too_deep();
        return Err(not_results(format!(
            "{deep} at line {line} column {column}"
        )));
    }
    let report: RunReport =
        serde_json::from_str(&text).map_err(|e| not_results(crate::input::json_error(&e)))?;
    if report.schema_version > crate::model::SCHEMA_VERSION {
        return Err(format!(
            "error: the {what} `{}` has schema_version {}; this evalgate reads up to {}",
            path.display(),
            report.schema_version,
            crate::model::SCHEMA_VERSION
        ));
    }
    Ok(report)
}

/// Where the reports go and what the run was.
pub(super) struct Ending<'a> {
    pub out: &'a Path,
    pub config_path: &'a Path,
    /// `run` wrote a cases.jsonl (listed with the reports).
    pub cases_log: bool,
    /// Masked once more in everything published (comment, step summary, outputs).
    pub secrets: &'a crate::model::Secrets,
}

/// The end of `run` and `compare`: fold in the baseline (given, or fetched from CI), write the
/// reports, talk to GitHub, and map the verdict to the exit code. `report` carries the
/// policy's verdict without baseline.
pub(super) async fn finish(
    mut report: RunReport,
    base: Option<RunReport>,
    plan: &Plan,
    ending: &Ending<'_>,
    gate: &GateArgs,
) -> u8 {
    let (out, config_path) = (ending.out, ending.config_path);
    let mut gh = super::github::Env::read(gate.github_token.clone());
    gh.secrets = ending.secrets.clone();
    let base = match (base, &gate.baseline_artifact) {
        (Some(b), _) => Some(b),
        (None, Some(name)) => super::github::fetch_baseline(&gh, name).await,
        (None, None) => None,
    };
    let comparison: Option<Comparison> = base.as_ref().map(|b| {
        let cmp = crate::compare::compare(&report, b, &plan.policy);
        if let Some(v) = report.verdict.take() {
            report.verdict = Some(crate::policy::with_baseline(v, &cmp));
        }
        cmp
    });
    let comment_template = match check_outputs(out, gate) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    let input = CommentInput {
        comparison: comparison.as_ref(),
        config_path: config_path.to_string_lossy().into_owned(),
        links: gh.links(config_path),
        run_url: gh.run_url(),
    };
    // The comment body feeds report.md (with a baseline), the step summary, the dry run and the
    // PR comment; a plain local run needs none of them and skips the render. A user template is
    // always rendered, so a broken one is reported whether or not it would be used.
    let needs_body = comparison.is_some()
        || gh.summary.is_some()
        || gate.comment
        || gate.comment_dry_run
        || comment_template.is_some();
    let body = if needs_body {
        match render_comment(&report, &input, comment_template.as_deref()) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    } else {
        String::new()
    };
    let written = match crate::report::write_reports(out, &report, plan.report_template.as_deref())
    {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return INFRA;
        }
    };
    // With a baseline, report.md is the comparison (the PR comment's layout), unless the
    // config names its own report template.
    if comparison.is_some()
        && plan.report_template.is_none()
        && let Err(e) = crate::report::write_atomic(&written.report_md, &body)
    {
        eprintln!("error: {e}");
        return INFRA;
    }
    println!(
        "{}",
        ending.secrets.mask(&crate::report::render_summary(&report))
    );
    if let Some(cmp) = &comparison {
        print_comparison(cmp);
    }
    let cases_log = if ending.cases_log {
        format!(", {}", out.join("cases.jsonl").display())
    } else {
        String::new()
    };
    println!(
        "reports: {}{cases_log}, {}, {}",
        written.results_json.display(),
        written.junit_xml.display(),
        written.report_md.display()
    );
    let marker = crate::report::comment::marker(&input.config_path);
    super::github::publish(
        &gh,
        &report,
        comparison.as_ref(),
        &written,
        &body,
        gate,
        &marker,
    )
    .await;
    let code = match report.verdict.as_ref().map(|v| v.status) {
        Some(VerdictStatus::Pass) => exit::PASS,
        Some(VerdictStatus::Fail) => exit::GATE_FAILED,
        Some(VerdictStatus::Error) | None => INFRA,
    };
    // The process exits next: freeing every case's strings one by one would only delay it
    // (milliseconds at thousands of cases).
    std::mem::forget(report);
    std::mem::forget(comparison);
    code
}

fn print_comparison(cmp: &Comparison) {
    use crate::model::ChangeKind;
    use crate::report::escape::term_line;
    println!(
        "baseline: {} shared cases{}",
        cmp.shared_cases,
        cmp.base
            .git_sha
            .as_deref()
            .map(|s| format!(" (baseline commit {s})"))
            .unwrap_or_default()
    );
    for m in &cmp.metrics {
        if let (Some(h), Some(b), Some(d)) = (m.head, m.base, m.delta) {
            println!(
                "  {:<18} {b:.3} → {h:.3} ({d:+.3}) {}",
                m.metric.as_str(),
                match m.status {
                    crate::model::DeltaStatus::Regression => "REGRESSION",
                    crate::model::DeltaStatus::Improvement => "improved",
                    _ => "",
                }
            );
        }
    }
    for c in &cmp.cases {
        let label = match c.kind {
            ChangeKind::NewlyFailing => "newly failing",
            ChangeKind::Fixed => "fixed",
            _ => continue,
        };
        println!(
            "  {label}: {}/{} ({}:{}){}",
            c.suite,
            c.case_id,
            c.file.display(),
            c.line,
            c.reason
                .as_deref()
                .map(|r| format!(" {}", term_line(r).chars().take(200).collect::<String>()))
                .unwrap_or_default()
        );
    }
}
