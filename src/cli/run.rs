//! `evalgate run`: load → select → start the agent → execute → gate → report → exit code.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use super::{INFRA, INTERRUPTED, NOTHING_SELECTED, Progress, RunArgs, USAGE};
use crate::adapter::{AgentProcess, HttpAgent};
use crate::model::{DatasetRef, RunMeta, RunReport, SCHEMA_VERSION, Secrets};
use crate::report::{CasesLog, Console, ProgressMode};
use crate::runner::{Event, ExecOptions, Filter};

pub(super) async fn run(args: RunArgs) -> u8 {
    let mut shutdown = super::Shutdown::catch();
    let plan = match crate::config::load_for_run(&args.config.config, &super::env_var) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    if let Err(e) = super::compare::check_outputs(&args.out, &args.gate) {
        eprintln!("{e}");
        return USAGE;
    }
    // A bad baseline is a usage error, found before anything runs.
    let baseline = match args
        .baseline
        .as_deref()
        .map(|p| super::compare::read_results(p, "baseline"))
    {
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            eprintln!("{e}");
            return USAGE;
        }
        None => None,
    };
    let filter = Filter {
        suites: args.suites.clone(),
        cases: args.cases.clone(),
        tags: args.tags.clone(),
    };
    let selected = match crate::runner::select(&plan, &filter) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    if selected.is_empty() {
        eprintln!(
            "error: the filters selected no case ({})",
            describe_filters(&args).join(" ")
        );
        return NOTHING_SELECTED;
    }
    let opts = ExecOptions {
        concurrency: args.concurrency.unwrap_or(plan.run.concurrency),
        trials: args.trials.unwrap_or(plan.run.trials),
    };
    if opts.concurrency == 0 || opts.trials == 0 {
        eprintln!("error: `--concurrency` and `--trials` must be at least 1");
        return USAGE;
    }
    let opts = super::limits::fit_concurrency(opts, &plan);

    let env = |name: &str| std::env::var(name).ok();
    let secrets = super::secrets::of_plan(&plan, args.gate.github_token.as_deref(), &env);
    // Before the agent starts: a missing API key is a usage error, not a half-run.
    let judges = match super::calibrate::build_judges(&plan, !args.no_cache, &env, &secrets) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let mut process = None;
    let mut port = None;
    if let Some(start) = &plan.agent.start {
        eprintln!("starting the agent: {}", start.command.join(" "));
        // The agent runs under this binary's supervisor, so it dies with evalgate.
        let supervisor = std::env::current_exe().ok();
        let starting = AgentProcess::start(
            start,
            &plan.agent.url,
            &plan.root,
            &env,
            supervisor.as_deref(),
        );
        // A signal while it starts drops the half-started process, which kills its group.
        let started = tokio::select! {
            started = starting => started,
            code = shutdown.recv() => {
                eprintln!("{}", signal_message(code, None));
                return code;
            }
        };
        match started {
            Ok((p, assigned)) => {
                process = Some(p);
                port = Some(assigned);
            }
            Err(e) => {
                // The message quotes the agent's stderr.
                eprintln!("error: {}", secrets.mask(&e.to_string()));
                return INFRA;
            }
        }
    }
    let code = match HttpAgent::new(&plan.agent, plan.body_template.as_deref(), port, &env) {
        Ok(agent) => {
            let agent = agent.with_secrets(secrets.clone());
            let run = Run {
                args: &args,
                plan: &plan,
                selected: &selected,
                secrets: &secrets,
            };
            run_with_agent(&run, opts, (agent, judges, baseline), &mut shutdown).await
        }
        Err(e) => {
            eprintln!("error: {e}");
            USAGE
        }
    };
    if let Some(p) = process {
        p.stop().await;
    }
    // As with the report (`compare::finish`): the process exits next, the cases need no freeing.
    std::mem::forget(plan);
    code
}

/// What `run` decided before the agent was built.
struct Run<'a> {
    args: &'a RunArgs,
    plan: &'a crate::model::Plan,
    selected: &'a [crate::runner::Selected],
    secrets: &'a Secrets,
}

async fn run_with_agent(
    run: &Run<'_>,
    opts: ExecOptions,
    (agent, setup, baseline): (
        HttpAgent,
        Option<super::calibrate::JudgeSetup>,
        Option<RunReport>,
    ),
    shutdown: &mut super::Shutdown,
) -> u8 {
    let (args, plan, selected) = (run.args, run.plan, run.selected);
    let mut log = match CasesLog::create(&args.out) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return INFRA;
        }
    };
    let git = GitSha::start(&plan.root);
    let total = selected.len() * opts.trials as usize;
    let console = Console::new(progress_mode(args.progress), total);
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    let mut log_error = None;
    let judges = setup.as_ref().map(|(j, _)| j);
    let execution = crate::runner::execute_judged(plan, selected, &agent, judges, &opts, |event| {
        if let Event::CaseFinished {
            result,
            done,
            total,
        } = event
        {
            if let Err(e) = log.append(result) {
                log_error.get_or_insert(e);
            }
            console.on_case(result, done, total);
        }
    });
    let results = tokio::select! {
        results = execution => results,
        code = shutdown.recv() => {
            console.finish();
            eprintln!("{}", signal_message(code, Some(log.path())));
            return code;
        }
    };
    console.finish();
    // Its idle connections go before the reports are written: under a low open-file limit
    // they are the descriptors the reports need.
    drop(agent);
    if let Some(e) = log_error {
        eprintln!("warning: could not append to cases.jsonl: {e}");
    }

    let meta = RunMeta {
        evalgate_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at: started_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        duration_ms: clock.elapsed().as_millis() as u64,
        git_sha: git.wait(),
        config_path: args.config.config.clone(),
        config_hash: plan.config_hash.clone(),
        datasets: plan
            .suites
            .iter()
            .enumerate()
            .map(|(i, s)| DatasetRef {
                suite: s.name.clone(),
                dataset: s.dataset.clone(),
                version: s.version,
                path: s
                    .path
                    .strip_prefix(&plan.root)
                    .unwrap_or(&s.path)
                    .to_path_buf(),
                cases: selected.iter().filter(|sel| sel.suite == i).count(),
            })
            .collect(),
        concurrency: opts.concurrency,
        trials: opts.trials,
        filters: describe_filters(args),
        judge_fingerprints: judges.map(|j| j.fingerprints()).unwrap_or_default(),
    };
    let verdict = crate::policy::evaluate(&results, &plan.policy);
    let report = RunReport {
        schema_version: SCHEMA_VERSION,
        meta,
        verdict: Some(verdict),
        judges: setup
            .as_ref()
            .map(|(_, standings)| crate::judge::summarize(&results, standings))
            .unwrap_or_default(),
        cases: results,
    };
    // Judges share the agent's error budget: an unreachable or unreadable judge is
    // infrastructure trouble (exit 3), reported after the reports are written.
    let over_budget = judge_budget_breaches(&report, plan.policy.max_error_rate);
    let ending = super::compare::Ending {
        out: &args.out,
        config_path: &args.config.config,
        cases_log: true,
        secrets: run.secrets,
    };
    let code = super::compare::finish(report, baseline, plan, &ending, &args.gate).await;
    for line in &over_budget {
        eprintln!("error: {line}");
    }
    if !over_budget.is_empty() && matches!(code, super::PASS | super::GATE_FAILED) {
        return INFRA;
    }
    code
}

/// What a run stopped by a signal says: which signal, and where the finished cases are.
fn signal_message(code: u8, cases: Option<&Path>) -> String {
    let what = if code == INTERRUPTED {
        "interrupted (SIGINT)"
    } else {
        "terminated (SIGTERM)"
    };
    match cases {
        Some(path) => format!(
            "{what}: the run stopped; the cases finished so far are in {}",
            path.display()
        ),
        None => format!("{what} while the agent was starting; no case ran"),
    }
}

/// Judges whose unscored share of answers exceeds `max_error_rate`.
fn judge_budget_breaches(report: &RunReport, max_error_rate: f64) -> Vec<String> {
    report
        .judges
        .iter()
        .filter_map(|j| {
            let n = j.passed + j.failed + j.unscored;
            let rate = j.unscored as f64 / n.max(1) as f64;
            (rate > max_error_rate).then(|| {
                format!(
                    "judge `{}`: {} of {n} answers unscored ({:.1}%), over the error budget of {:.1}%",
                    j.name,
                    j.unscored,
                    rate * 100.0,
                    max_error_rate * 100.0
                )
            })
        })
        .collect()
}

fn progress_mode(p: Progress) -> ProgressMode {
    match p {
        Progress::Bar => ProgressMode::Bar,
        Progress::Lines => ProgressMode::Lines,
        Progress::Quiet => ProgressMode::Quiet,
        Progress::Auto => {
            let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
            if std::io::stderr().is_terminal() && !ci {
                ProgressMode::Bar
            } else {
                ProgressMode::Lines
            }
        }
    }
}

fn describe_filters(args: &RunArgs) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(args.suites.iter().map(|s| format!("--suite {s}")));
    out.extend(args.cases.iter().map(|s| format!("--case {s}")));
    out.extend(args.tags.iter().map(|s| format!("--tag {s}")));
    out
}

/// `git rev-parse HEAD` for the config's directory, run on its own thread while the cases run,
/// so neither starting git nor waiting for it adds to the run.
struct GitSha(std::thread::JoinHandle<Option<String>>);

impl GitSha {
    fn start(dir: &Path) -> GitSha {
        let dir = dir.to_path_buf();
        GitSha(std::thread::spawn(move || {
            let out = std::process::Command::new("git")
                .arg("-C")
                .arg(&dir)
                .args(["rev-parse", "HEAD"])
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .output()
                .ok()?;
            let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !sha.is_empty()).then_some(sha)
        }))
    }

    /// The commit, when the directory is in a git checkout (and git is installed).
    fn wait(self) -> Option<String> {
        self.0.join().ok().flatten()
    }
}
