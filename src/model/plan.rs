//! The configuration file (`evalgate.yaml`) as data, and the resolved [`Plan`] a run executes.
//!
//! Shapes only: `config` parses the file into [`ConfigFile`], loads the datasets it names and
//! checks everything across files before handing out a `Plan`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::case::Case;
use super::metric::{Gate, MetricName};
use super::retry::RetrySpec;

/// `evalgate.yaml` as written.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Format version of this file; only `1` exists.
    pub version: u32,
    pub agent: AgentSpec,
    pub suites: Vec<SuiteSpec>,
    #[serde(default)]
    pub run: RunSpec,
    #[serde(default)]
    pub policy: PolicySpec,
    #[serde(default)]
    pub report: ReportSpec,
    /// LLM judges by name, for `- judge: <name>` response checks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub judges: BTreeMap<String, super::judge::JudgeSpec>,
    /// `evalgate promote` settings.
    #[serde(default)]
    pub promote: PromoteSpec,
}

/// How `evalgate promote` treats production traces.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoteSpec {
    /// Extra redaction patterns (regexes), on top of the built-in kinds; reported as `custom`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redact: Vec<String>,
    /// Keys of tool arguments and results whose string values are person names, pseudonymized
    /// everywhere in a promoted case (default: `name`, `full_name`, `customer_name`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name_keys: Vec<String>,
}

/// The agent under test, reached over HTTP.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// Endpoint URL; `{port}` is replaced by the port handed to a started agent.
    pub url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Request headers; values may use `${ENV_VAR}` and are treated as secrets (never printed).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Request body as an inline minijinja template (variables: `input`, `messages`, `case`).
    /// Default: `{"input": <last user text>, "messages": [...]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Request body template file, relative to the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_file: Option<PathBuf>,
    #[serde(default)]
    pub response: ResponseMapping,
    /// Per-request timeout in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default)]
    pub retry: RetrySpec,
    /// The largest reply body accepted, in bytes, after decompression (default 8 MiB). A larger
    /// reply is an `error` outcome; it is never read into memory past this limit.
    #[serde(default = "default_max_response_bytes")]
    #[schemars(range(min = 1))]
    pub max_response_bytes: u64,
    /// Start the agent's process before the run and stop it after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<StartSpec>,
}

fn default_timeout_ms() -> u64 {
    30_000
}

/// 8 MiB: far above any real answer, far below what would strain a CI runner.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

fn default_max_response_bytes() -> u64 {
    DEFAULT_MAX_RESPONSE_BYTES
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    #[default]
    Post,
    Put,
    Get,
}

/// Where the answer, the tool calls and the usage sit in the agent's JSON reply (JSON pointers).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseMapping {
    /// The final answer text (a string, or any JSON value that is then serialized).
    #[serde(default = "default_output")]
    pub output: String,
    /// A list of `{name, arguments}` objects or OpenAI `tool_calls` (arguments as JSON strings).
    #[serde(default = "default_tool_calls")]
    pub tool_calls: String,
    /// `{prompt_tokens, completion_tokens, total_tokens}` (OpenAI names; `input_tokens` and
    /// `output_tokens` are read too).
    #[serde(default = "default_usage")]
    pub usage: String,
    /// Cost in US dollars, a number.
    #[serde(default = "default_cost")]
    pub cost: String,
    /// Where the agent reports an error in a 2xx reply (e.g. `/error`): a value there other
    /// than `null`, `false` or `""` makes the run an `agent_error` outcome with that message.
    /// Empty (the default): replies are not checked for one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
}

impl Default for ResponseMapping {
    fn default() -> Self {
        ResponseMapping {
            output: default_output(),
            tool_calls: default_tool_calls(),
            usage: default_usage(),
            cost: default_cost(),
            error: String::new(),
        }
    }
}

fn default_output() -> String {
    "/output".into()
}
fn default_tool_calls() -> String {
    "/tool_calls".into()
}
fn default_usage() -> String {
    "/usage".into()
}
fn default_cost() -> String {
    "/cost_usd".into()
}

/// How to start the agent: a command with `{port}` in its arguments or `$PORT` in its
/// environment, and a readiness URL polled until it answers 2xx.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSpec {
    /// Program and arguments. A program named `evalgate` means this very binary.
    pub command: Vec<String>,
    /// Working directory, relative to the config file (default: its directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Extra environment; values may use `${ENV_VAR}` and `{port}`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Polled with GET until it answers 2xx; `{port}` is replaced. Default: the agent URL's
    /// origin + `/health`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_url: Option<String>,
    #[serde(default = "default_ready_timeout")]
    pub ready_timeout_ms: u64,
}

fn default_ready_timeout() -> u64 {
    30_000
}

/// One suite: a dataset at one version.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteSpec {
    pub name: String,
    /// The folder `evals/<dataset>/`.
    pub dataset: String,
    /// The version file `v<N>.yaml` (default: the highest present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
}

/// Execution settings; command-line flags override them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Runs of each case (pass@k / pass^k need more than one).
    #[serde(default = "default_trials")]
    pub trials: u32,
}

impl Default for RunSpec {
    fn default() -> Self {
        RunSpec {
            concurrency: default_concurrency(),
            trials: default_trials(),
        }
    }
}

fn default_concurrency() -> usize {
    8
}
fn default_trials() -> u32 {
    1
}

/// The gate: weights, floors, slices and the error budget.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Per metric weight, floor, max drop and gate. Default: `task_success: {floor: 1.0}`.
    #[serde(default = "default_metrics")]
    pub metrics: BTreeMap<MetricName, MetricPolicy>,
    /// Floor on the weighted mean of the metrics that have a weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composite: Option<CompositePolicy>,
    /// Floors on subsets of cases selected by tag or tier.
    #[serde(default)]
    pub slices: Vec<SliceFloor>,
    /// Infrastructure errors above this fraction of case runs end the run with exit 3.
    #[serde(default = "default_max_error_rate")]
    pub max_error_rate: f64,
}

impl Default for PolicySpec {
    fn default() -> Self {
        PolicySpec {
            metrics: default_metrics(),
            composite: None,
            slices: Vec::new(),
            max_error_rate: default_max_error_rate(),
        }
    }
}

fn default_metrics() -> BTreeMap<MetricName, MetricPolicy> {
    BTreeMap::from([(
        MetricName::TaskSuccess,
        MetricPolicy {
            weight: 1.0,
            floor: Some(1.0),
            max_drop: None,
            gate: Gate::Block,
        },
    )])
}

fn default_max_error_rate() -> f64 {
    0.1
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricPolicy {
    /// Weight in the composite (0 = not part of it).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// The suite mean must be at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// The drop against the baseline must be at most this (used with `--baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_drop: Option<f64>,
    #[serde(default)]
    pub gate: Gate,
}

fn default_weight() -> f64 {
    1.0
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompositePolicy {
    pub floor: f64,
    #[serde(default)]
    pub gate: Gate,
}

/// A floor on the cases with a tag or a tier ("every `critical` case passes").
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SliceFloor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default = "default_slice_metric")]
    pub metric: MetricName,
    pub floor: f64,
    #[serde(default)]
    pub gate: Gate,
}

impl SliceFloor {
    /// `tag:refund` or `tier:critical`.
    pub fn selector(&self) -> String {
        match (&self.tag, &self.tier) {
            (Some(t), _) => format!("tag:{t}"),
            (None, Some(t)) => format!("tier:{t}"),
            (None, None) => "all".to_string(),
        }
    }
}

fn default_slice_metric() -> MetricName {
    MetricName::TaskSuccess
}

/// Report settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Markdown report template, relative to the config file (default: the built-in
    /// `templates/report.md.j2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<PathBuf>,
}

/// A suite with its cases loaded.
#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    pub dataset: String,
    pub version: u32,
    /// The dataset version file.
    pub path: PathBuf,
    pub cases: Vec<Case>,
}

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct Plan {
    pub config_path: PathBuf,
    /// The directory relative paths are resolved against (the config file's).
    pub root: PathBuf,
    /// blake3 of the config file and every dataset file, hex.
    pub config_hash: String,
    pub agent: AgentSpec,
    /// The request body template text (inline or from `body_file`), if any.
    pub body_template: Option<String>,
    pub suites: Vec<Suite>,
    pub run: RunSpec,
    pub policy: PolicySpec,
    /// The report template text (the user's or the built-in one).
    pub report_template: Option<String>,
    /// Declared judges, each with its rubric template text (checked to compile).
    pub judges: BTreeMap<String, LoadedJudge>,
}

/// A judge with its rubric loaded.
#[derive(Debug, Clone)]
pub struct LoadedJudge {
    pub spec: super::judge::JudgeSpec,
    /// The rubric template file, relative to the config's folder.
    pub rubric_path: PathBuf,
    pub rubric: String,
}
