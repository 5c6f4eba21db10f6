//! Judge calibration as data: the human-labelled items of `evals/calibration/<judge>.yaml`,
//! the judge fingerprint, and the `<judge>.calibration.json` report (DESIGN §5).
//!
//! Shapes only: `config` parses the labelled items, `judge` runs the judge on them and `stats`
//! computes the agreement numbers.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One labelled item (a row of `evals/calibration/<judge>.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrationItem {
    /// Rows with the same `id` are the same item labelled by different raters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub input: String,
    pub response: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The human verdict; exactly one of `label` and `score`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<HumanLabel>,
    /// A human score in the judge's units; it passes at the judge's threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rater: Option<String>,
    /// 1-based line of the item in its file (set by `config`).
    #[serde(skip)]
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HumanLabel {
    Pass,
    Fail,
}

/// What a judge's fingerprint is made of; the fingerprint is the blake3 of its JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FingerprintParts {
    pub provider: String,
    pub model: String,
    /// Host (and port) of the endpoint; never the path, query or credentials.
    pub host: String,
    /// blake3 of the rubric template text, hex.
    pub rubric_hash: String,
    pub kind: String,
    pub threshold: f64,
    pub scale: Option<u32>,
    pub samples: u32,
    pub aggregate: String,
    pub temperature: f64,
    pub max_tokens: u32,
}

/// `<judge>.calibration.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CalibrationReport {
    pub judge: String,
    pub fingerprint: String,
    pub fingerprint_parts: FingerprintParts,
    /// blake3 of the labelled items (canonical JSON), hex.
    pub label_set_hash: String,
    /// Items (unique ids) the judge was run on.
    pub items: usize,
    /// Items the judge could not score (left out of every number below).
    pub unscored: usize,
    pub confusion: ConfusionCounts,
    pub accuracy: f64,
    pub tpr: f64,
    pub tnr: f64,
    pub kappa: f64,
    pub kappa_ci: [f64; 2],
    /// For `score` and `scale` judges: the threshold that maximizes κ, and that κ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_threshold: Option<[f64; 2]>,
    pub length_bias: LengthBiasProbe,
    /// Share of items whose samples all agreed (with `samples` > 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_agreement: Option<f64>,
    /// κ between the first two raters on the items both labelled: the ceiling for a judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_rater_kappa: Option<f64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub raters: BTreeMap<String, usize>,
    /// Unscored items, by id, with the reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unscored_reasons: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConfusionCounts {
    pub tp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub fp: usize,
    pub tn: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LengthBiasProbe {
    pub longer_pass_rate: f64,
    pub shorter_pass_rate: f64,
    /// longer − shorter, within the same human label.
    pub gap: f64,
    /// True when the gap is at least [`LENGTH_BIAS_FLAG`].
    pub flagged: bool,
}

/// A pass-rate gap this large between longer and shorter responses flags length bias.
pub const LENGTH_BIAS_FLAG: f64 = 0.2;
