//! The command line: clap definitions, wiring of concrete types, exit codes.
//!
//! The only module that reads the environment (CI detection, `${VAR}` header values), wires
//! concrete implementations together and maps outcomes to exit codes. It holds no evaluation
//! logic of its own: everything it calls lives in the library modules.

mod calibrate;
mod compare;
mod exit;
mod github;
mod import;
mod init;
mod limits;
mod promote;
mod run;
mod score;
mod secrets;
mod shutdown;
mod traces;
mod traces_score;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use exit::{GATE_FAILED, INFRA, INTERRUPTED, NOTHING_SELECTED, PASS, TERMINATED, USAGE};
pub(crate) use shutdown::Shutdown;

/// The merge gate for AI agents: run the agent under test over HTTP on golden cases, score its
/// trajectory and response, apply the policy, write reports.
#[derive(Debug, Parser)]
#[command(name = "evalgate", version, about, after_help = exit::HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the suites against the agent, gate on the policy, write the reports.
    #[command(after_help = exit::HELP)]
    Run(RunArgs),
    /// Check the config and every dataset it names, without running anything.
    Validate(ConfigArg),
    /// Print the JSON Schema of evalgate.yaml or of a dataset file.
    Schema {
        #[arg(value_enum, default_value_t = SchemaKind::Config)]
        kind: SchemaKind,
    },
    /// Score trajectory pairs (JSONL `{id, expected, actual}` → JSONL metrics, DESIGN §4).
    Score {
        /// Input file, or `-` for stdin.
        #[arg(default_value = "-")]
        input: PathBuf,
    },
    /// Run an LLM judge on its human-labelled items (`evals/calibration/<judge>.yaml`) and write
    /// `<judge>.calibration.json`: agreement, κ with a 95% interval, bias probes.
    Calibrate(CalibrateArgs),
    /// Compare a run's results.json with a baseline's (no re-run): gate, reports, PR comment.
    #[command(after_help = exit::HELP)]
    Compare(compare::CompareArgs),
    /// Scaffold evalgate.yaml, a first dataset and the PR-gate workflow (never overwrites).
    Init(init::InitArgs),
    /// Production traces (OTLP JSON: OpenInference or GenAI semantic conventions).
    #[command(subcommand)]
    Traces(TracesCommand),
    /// Promote production traces into a new dataset version (redacted, deduplicated, pending
    /// review).
    #[command(after_help = exit::HELP)]
    Promote(PromoteArgs),
    /// Import a standard benchmark (BFCL, τ²-bench) into a new dataset version.
    #[command(subcommand, after_help = exit::HELP)]
    Import(import::ImportCommand),
    /// Serve the built-in demo agent (a deterministic customer-support agent) over HTTP.
    DemoAgent(DemoArgs),
    /// Internal: runs a started agent so that it dies with evalgate (`adapter::supervise`).
    #[command(name = crate::adapter::SUPERVISOR_COMMAND, hide = true)]
    AgentSupervisor {
        /// evalgate's pid: the agent is killed when this process is no longer the parent.
        #[arg(long)]
        parent: u32,
        /// The agent's program and arguments.
        #[arg(last = true, required = true)]
        command: Vec<OsString>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TracesCommand {
    /// Print one JSON line per trace: inputs, calls, final response, usage, error.
    Export {
        /// OTLP JSON files (`.json`: requests; `.jsonl`: one request per line) or directories.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Mask this config's secrets (`${VAR}` values, judge keys) in the output (default:
        /// `evalgate.yaml` when it exists).
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Score traces in place (no agent re-run) with rules; same reports and exit codes as `run`.
    #[command(after_help = exit::HELP)]
    Score(traces_score::ScoreArgs),
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// OTLP JSON trace files or directories.
    #[arg(required = true)]
    pub traces: Vec<PathBuf>,
    /// The dataset folder, e.g. `evals/support` (a new `v<N+1>.yaml` is written there).
    #[arg(long)]
    pub into: PathBuf,
    /// Select traces whose attribute matches, e.g. `feedback.score < 0` or
    /// `user.feedback = "thumbs_down"` (repeatable; all must hold).
    #[arg(long = "where")]
    pub wheres: Vec<String>,
    /// Select the traces that failed in this `evalgate traces score` results.json.
    #[arg(long)]
    pub results: Option<PathBuf>,
    /// Select this trace (repeatable).
    #[arg(long = "trace-id")]
    pub trace_ids: Vec<String>,
    /// Select every trace.
    #[arg(long)]
    pub all: bool,
    /// An extra redaction pattern (regex; repeatable), reported as `custom`.
    #[arg(long = "redact-pattern")]
    pub redact_patterns: Vec<String>,
    /// Read `promote.redact` patterns from this config (default: `evalgate.yaml` when it exists).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Config,
    Dataset,
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The config file.
    #[arg(long, short, default_value = "evalgate.yaml")]
    pub config: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Where reports go (results.json, cases.jsonl, junit.xml, report.md).
    #[arg(long, short, default_value = "evalgate-out")]
    pub out: PathBuf,
    /// Cases in flight at once (default: `run.concurrency` from the config).
    #[arg(long, short = 'j')]
    pub concurrency: Option<usize>,
    /// Runs of each case (default: `run.trials` from the config).
    #[arg(long)]
    pub trials: Option<u32>,
    /// Only these suites (repeatable).
    #[arg(long = "suite")]
    pub suites: Vec<String>,
    /// Only cases whose id matches this glob (repeatable).
    #[arg(long = "case")]
    pub cases: Vec<String>,
    /// Only cases with this tag (repeatable; any of them).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Progress display (auto: a bar on a terminal, plain lines otherwise and under CI).
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
    /// Neither read nor write the judge cache (`.evalgate/cache` next to the config).
    #[arg(long)]
    pub no_cache: bool,
    /// Compare with this baseline results.json (regressions beyond `max_drop` fail the gate).
    #[arg(
        long,
        value_name = "RESULTS_JSON",
        conflicts_with = "baseline_artifact"
    )]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// Flags shared by `run` and `compare` for the pull-request gate.
#[derive(Debug, Args, Default)]
pub struct GateArgs {
    /// In GitHub Actions: download the newest artifact of this name from a successful run on
    /// the default branch and compare against its results.json.
    #[arg(long, value_name = "NAME")]
    pub baseline_artifact: Option<String>,
    /// Post (or update) the sticky PR comment.
    #[arg(long)]
    pub comment: bool,
    /// Print the PR comment that would be posted, post nothing (even with `--comment`).
    #[arg(long)]
    pub comment_dry_run: bool,
    /// The login the token writes comments as, when `GET /user` cannot tell (a GitHub App's
    /// installation token: `my-app[bot]`). Default: the token's user, or
    /// `github-actions[bot]` for the Actions `GITHUB_TOKEN`.
    #[arg(long, value_name = "LOGIN")]
    pub comment_author: Option<String>,
    /// A minijinja template replacing templates/pr_comment.md.j2.
    #[arg(long, value_name = "FILE")]
    pub comment_template: Option<PathBuf>,
    /// Token for the GitHub API (default: `GITHUB_TOKEN`).
    #[arg(long, env = "GITHUB_TOKEN", hide_env_values = true)]
    pub github_token: Option<String>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The judge, as declared under `judges:` in the config.
    pub judge: String,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Exit 1 when κ is below this.
    #[arg(long)]
    pub min_kappa: Option<f64>,
    /// Neither read nor write the judge cache.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    Auto,
    Bar,
    Lines,
    Quiet,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Port on 127.0.0.1 (0 = any free port, printed on start).
    #[arg(long, env = "PORT", default_value_t = 8700)]
    pub port: u16,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// `regressed` simulates a prompt change gone wrong (for baseline demos).
    #[arg(long, value_enum, default_value_t = DemoVariant::Baseline)]
    pub variant: DemoVariant,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DemoVariant {
    Baseline,
    Regressed,
}

/// Runs the CLI on `args` (including the program name) and returns the exit code.
pub async fn run(args: Vec<OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { USAGE } else { PASS };
        }
    };
    limits::raise_open_files();
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Validate(args) => validate(args),
        Command::Schema { kind } => {
            let text = match kind {
                SchemaKind::Config => crate::config::config_schema(),
                SchemaKind::Dataset => crate::config::dataset_schema(),
            };
            println!("{text}");
            PASS
        }
        Command::Score { input } => score::score(&input),
        Command::Calibrate(args) => calibrate::calibrate(args).await,
        Command::Compare(args) => compare::compare(args).await,
        Command::Init(args) => init::init(args),
        Command::Traces(TracesCommand::Export { files, config }) => traces::export(&files, config),
        Command::Traces(TracesCommand::Score(args)) => traces_score::score(args),
        Command::Promote(args) => promote::promote(args),
        Command::Import(cmd) => import::import(cmd),
        Command::DemoAgent(args) => demo_agent(args).await,
        Command::AgentSupervisor { parent, command } => {
            crate::adapter::supervise(parent, command).await
        }
    }
}

/// The process environment, as the lookup the library takes (`cli` is the only reader).
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn validate(args: ConfigArg) -> u8 {
    match crate::config::load_for_run(&args.config, &env_var) {
        Ok(plan) => {
            let cases: usize = plan.suites.iter().map(|s| s.cases.len()).sum();
            println!(
                "ok: {} ({} suite{}, {} case{})",
                args.config.display(),
                plan.suites.len(),
                plural(plan.suites.len()),
                cases,
                plural(cases)
            );
            PASS
        }
        Err(e) => {
            eprintln!("{e}");
            USAGE
        }
    }
}

async fn demo_agent(args: DemoArgs) -> u8 {
    use crate::demo::{DemoOptions, Variant};
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return INFRA;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("demo agent listening on http://{addr}/chat");
        let _ = std::io::stdout().flush();
    }
    let opts = DemoOptions {
        latency_ms: args.latency_ms,
        variant: match args.variant {
            DemoVariant::Baseline => Variant::Baseline,
            DemoVariant::Regressed => Variant::Regressed,
        },
    };
    let mut shutdown = Shutdown::catch();
    tokio::select! {
        r = crate::demo::serve(listener, opts) => match r {
            Ok(()) => PASS,
            Err(e) => { eprintln!("error: demo agent: {e}"); INFRA }
        },
        _ = shutdown.recv() => PASS,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
