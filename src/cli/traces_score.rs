//! `evalgate traces score`: production traces scored in place (no agent re-run) with the same
//! scorer, policy and report formats as `evalgate run`.

use std::path::PathBuf;
use std::time::Instant;

use super::{INFRA, NOTHING_SELECTED, USAGE, exit};
use crate::model::{
    DatasetRef, PolicySpec, RunMeta, RunReport, SCHEMA_VERSION, Secrets, TraceRules, VerdictStatus,
};
use crate::trace::{CompiledRules, score_trace};

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// OTLP JSON trace files or directories.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Rules: expectations for the traces they match (by input regex or attribute).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Take the policy (floors, slices) from this evalgate.yaml (default: task_success floor 1.0).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Where reports go (results.json, junit.xml, report.md).
    #[arg(long, short, default_value = "evalgate-traces")]
    pub out: PathBuf,
}

pub(super) fn score(args: ScoreArgs) -> u8 {
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    let rules = match &args.rules {
        Some(p) => match crate::config::load_rules(p, p) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                return USAGE;
            }
        },
        None => TraceRules::default(),
    };
    let env = |name: &str| std::env::var(name).ok();
    let (policy, report_template, config_hash, secrets) = match &args.config {
        Some(c) => match crate::config::load(c) {
            Ok(plan) => {
                let secrets = super::secrets::of_plan(&plan, env("GITHUB_TOKEN").as_deref(), &env);
                (plan.policy, plan.report_template, plan.config_hash, secrets)
            }
            Err(e) => {
                eprintln!("{e}");
                return USAGE;
            }
        },
        None => (
            PolicySpec::default(),
            None,
            String::new(),
            Secrets::default(),
        ),
    };
    let compiled = CompiledRules::new(&rules);
    let mut results = Vec::new();
    let read = crate::trace::read_paths(&args.files, |mut rec| {
        secrets.mask_trace(&mut rec);
        let mut result = score_trace(&rec, &compiled);
        crate::model::cap::cap_case(&mut result);
        results.push(result);
    });
    let stats = match read {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", secrets.mask(&e.to_string()));
            return USAGE;
        }
    };
    super::traces::report_stats(&stats, &secrets, None);
    if results.is_empty() {
        eprintln!("error: no trace found in the given files");
        return NOTHING_SELECTED;
    }
    results.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    let verdict = crate::policy::evaluate(&results, &policy);
    let status = verdict.status;
    let report = RunReport {
        schema_version: SCHEMA_VERSION,
        meta: RunMeta {
            evalgate_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: started_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            duration_ms: clock.elapsed().as_millis() as u64,
            git_sha: None,
            config_path: args.config.clone().unwrap_or_default(),
            config_hash,
            datasets: vec![DatasetRef {
                suite: "traces".to_string(),
                dataset: "production traces".to_string(),
                version: 0,
                path: args.rules.clone().unwrap_or_default(),
                cases: results.len(),
            }],
            concurrency: 1,
            trials: 1,
            filters: args.files.iter().map(|f| f.display().to_string()).collect(),
            judge_fingerprints: Default::default(),
        },
        verdict: Some(verdict),
        cases: results,
        judges: Vec::new(),
    };
    let written = match crate::report::write_reports(&args.out, &report, report_template.as_deref())
    {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return INFRA;
        }
    };
    println!("{}", crate::report::render_summary(&report));
    println!(
        "reports: {}, {}, {}",
        written.results_json.display(),
        written.junit_xml.display(),
        written.report_md.display()
    );
    match status {
        VerdictStatus::Pass => exit::PASS,
        VerdictStatus::Fail => exit::GATE_FAILED,
        VerdictStatus::Error => INFRA,
    }
}
