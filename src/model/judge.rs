//! LLM judges as data: the `judges:` section of `evalgate.yaml`, the `- judge: <name>` check's
//! argument, and the per-run judge summary that reports read (DESIGN §5).
//!
//! Shapes only: whether a judge named by a case exists or its rubric compiles is checked by
//! `config`; calling a provider and calibrating live in `judge` and `stats`.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::metric::Gate;
use super::retry::RetrySpec;

/// One judge: a provider endpoint, a model and a rubric template.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JudgeSpec {
    pub provider: JudgeProvider,
    /// Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1` (OpenAI) or
    /// `https://api.anthropic.com/v1` (Anthropic); `/chat/completions` or `/messages` is appended.
    pub base_url: String,
    pub model: String,
    /// The NAME of the environment variable holding the API key (never the key itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Rubric template, relative to the config file (default: `templates/judges/<name>.md.j2`).
    /// Variables: `input`, `response`, `reference`, `trajectory`, `case`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric: Option<PathBuf>,
    #[serde(default)]
    pub kind: JudgeKind,
    /// Pass threshold: `score` (0–1, default 0.5) and `scale` (1–`scale`, default its midpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The top of a `scale` judge's 1–N range (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// Samples per item (k); their verdicts are aggregated.
    #[serde(default = "one")]
    pub samples: u32,
    #[serde(default)]
    pub aggregate: Aggregate,
    #[serde(default)]
    pub temperature: f64,
    #[serde(default = "default_max_tokens")]
    pub max_tokens: u32,
    /// Judge requests in flight at most.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Judge requests started per minute at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<u32>,
    #[serde(default)]
    pub retry: RetrySpec,
    /// Per-request timeout in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Cohen's κ a calibration must reach before this judge may block.
    #[serde(default = "default_min_kappa")]
    pub min_kappa: f64,
    /// `block` takes effect only once the judge is calibrated; until then it is advisory.
    #[serde(default)]
    pub gate: Gate,
}

fn one() -> u32 {
    1
}
fn default_max_tokens() -> u32 {
    512
}
fn default_concurrency() -> usize {
    4
}
fn default_timeout_ms() -> u64 {
    60_000
}
fn default_min_kappa() -> f64 {
    0.6
}

impl JudgeSpec {
    /// The pass threshold in the judge's own units.
    pub fn effective_threshold(&self) -> f64 {
        match self.kind {
            JudgeKind::PassFail => 0.5,
            JudgeKind::Score => self.threshold.unwrap_or(0.5),
            JudgeKind::Scale => self
                .threshold
                .unwrap_or((1.0 + f64::from(self.scale_max())) / 2.0),
        }
    }

    pub fn scale_max(&self) -> u32 {
        self.scale.unwrap_or(5)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JudgeProvider {
    /// Chat completions: OpenAI, vLLM, llama.cpp server, Ollama, LiteLLM.
    Openai,
    /// Anthropic messages.
    Anthropic,
}

impl JudgeProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            JudgeProvider::Openai => "openai",
            JudgeProvider::Anthropic => "anthropic",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JudgeKind {
    /// `pass: true|false`.
    #[default]
    PassFail,
    /// `score` in 0–1, passing at `threshold`.
    Score,
    /// `score` in 1–`scale`, passing at `threshold`.
    Scale,
}

impl JudgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JudgeKind::PassFail => "pass_fail",
            JudgeKind::Score => "score",
            JudgeKind::Scale => "scale",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Pass when more than half of the samples pass (a tie fails).
    #[default]
    Majority,
    /// The median score decides.
    Median,
}

/// `- judge: helpfulness` or `- judge: {name: helpfulness, reference: "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JudgeCheck {
    pub name: String,
    /// A reference answer the rubric may compare against (`{{ reference }}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The wire form of a judge check: a judge name, or `{name, reference}`.
pub(crate) fn judge_check_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let object = generator.subschema_for::<JudgeCheck>();
    schemars::json_schema!({ "anyOf": [{ "type": "string" }, object] })
}

/// One judge's standing in a run: whether it may block, why not, and its pass rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JudgeSummary {
    pub name: String,
    pub fingerprint: String,
    /// True when the judge's scores may block (calibrated, κ ≥ min_kappa, `gate: block`).
    pub blocking: bool,
    /// Why the judge is advisory (absent when it blocks), e.g. "its rubric changed since
    /// calibration".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisory_reason: Option<String>,
    /// κ of the matching calibration, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kappa: Option<f64>,
    pub passed: usize,
    pub failed: usize,
    /// Judge failures and unparseable answers: counted, never passes.
    pub unscored: usize,
    /// passed / (passed + failed); absent when nothing was scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_pass_rate: Option<f64>,
    /// Rogan–Gladen corrected pass rate, clipped to [0, 1]; absent without a calibration or
    /// when TPR + TNR − 1 ≤ 0 (see `corrected_note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_pass_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_note: Option<String>,
}

impl JudgeSummary {
    /// The one line every report shows for an advisory judge.
    pub fn advisory_line(&self) -> Option<String> {
        self.advisory_reason
            .as_ref()
            .map(|r| format!("judge `{}` is advisory: {r}", self.name))
    }
}
