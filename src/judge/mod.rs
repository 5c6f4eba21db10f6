//! judge: LLM judges over HTTP, their rubrics, cache, calibration and gating standing (DESIGN §5).
//!
//! Owns the provider requests (OpenAI chat completions, Anthropic messages), rubric rendering,
//! answer parsing, samples and their aggregation, per-judge concurrency and rate limits, the
//! fingerprint and the cache, running a calibration, and deciding from a calibration file
//! whether a judge may block. It reads no environment (the CLI hands in API keys) and decides
//! no exit code. Every failure is a value: a judge that errs or answers unreadably yields an
//! `unscored` score with the reason, never a pass. The [`Secrets`] the CLI hands in are masked
//! in every prompt before it is sent or hashed and in every reply and error before it is parsed
//! or cached.

mod cache;
mod calibrate;
mod fingerprint;
mod limit;
mod parse;
mod prompt;
mod provider;
mod standing;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::{
    Aggregate, Case, JudgeKind, JudgeSpec, LoadedJudge, ResponseCheck, ScoreStatus, Secrets,
    Trajectory,
};
use crate::scorer::{CaseScoring, JUDGE_PENDING, NO_RESPONSE};

pub use cache::CACHE_DIR;
pub use calibrate::calibrate;
pub use fingerprint::{describe_change, fingerprint_of, fingerprint_parts};
pub use parse::{Sample, extract_object, parse_answer};
pub use prompt::{JudgeInput, render};
pub use standing::{Standing, calibration_report_path, label_set_hash, standing, summarize};

/// A judge's aggregated verdict on one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub pass: bool,
    /// Aggregated score in the judge's units (1/0 for pass/fail judges).
    pub score: f64,
    pub reason: String,
    /// Each sample's pass/fail, in sample order.
    pub samples: Vec<bool>,
}

/// One ready judge.
struct Client {
    spec: JudgeSpec,
    rubric: String,
    fingerprint: String,
    provider: provider::Provider,
    limits: limit::Limits,
    /// Whether its scores may block (set from its calibration standing).
    blocking: bool,
    requests: AtomicUsize,
}

/// Every declared judge, ready to call. Shared by the concurrent runs of a run.
pub struct Judges {
    clients: BTreeMap<String, Client>,
    cache: Option<cache::Cache>,
    /// Masked in prompts before they are sent or hashed, and in replies and errors before
    /// they are parsed or cached.
    secrets: Secrets,
}

impl std::fmt::Debug for Judges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judges")
            .field("judges", &self.clients.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Judges {
    /// Builds the clients. `api_key` maps a judge's `api_key_env` name to its value (the CLI
    /// reads the environment); a named variable that is unset is an error naming the variable,
    /// never a value. `cache_dir` is `None` for `--no-cache`. Every judge starts advisory.
    pub fn new(
        judges: &BTreeMap<String, LoadedJudge>,
        api_key: &dyn Fn(&str) -> Option<String>,
        cache_dir: Option<PathBuf>,
    ) -> Result<Judges, String> {
        let mut clients = BTreeMap::new();
        for (name, j) in judges {
            let key = match &j.spec.api_key_env {
                Some(var) => Some(api_key(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                    format!("judge `{name}`: environment variable `{var}` is not set")
                })?),
                None => None,
            };
            let provider = provider::Provider::new(&j.spec, key.as_deref())
                .map_err(|e| format!("judge `{name}`: {e}"))?;
            clients.insert(
                name.clone(),
                Client {
                    fingerprint: fingerprint_of(&fingerprint_parts(&j.spec, &j.rubric)),
                    spec: j.spec.clone(),
                    rubric: j.rubric.clone(),
                    limits: limit::Limits::new(j.spec.concurrency, j.spec.requests_per_minute),
                    provider,
                    blocking: false,
                    requests: AtomicUsize::new(0),
                },
            );
        }
        Ok(Judges {
            clients,
            cache: cache_dir.map(cache::Cache::new),
            secrets: Secrets::default(),
        })
    }

    /// The secrets to mask in what judges are sent and answer.
    pub fn set_secrets(&mut self, secrets: Secrets) {
        self.secrets = secrets;
    }

    /// Lets a judge's scores block (only for a current calibration; see [`standing`]).
    pub fn set_blocking(&mut self, name: &str, blocking: bool) {
        if let Some(c) = self.clients.get_mut(name) {
            c.blocking = blocking;
        }
    }

    pub fn fingerprints(&self) -> BTreeMap<String, String> {
        self.clients
            .iter()
            .map(|(n, c)| (n.clone(), c.fingerprint.clone()))
            .collect()
    }

    /// HTTP requests sent so far (cache hits send none).
    pub fn requests(&self) -> usize {
        self.clients
            .values()
            .map(|c| c.requests.load(Ordering::SeqCst))
            .sum()
    }

    /// Runs judge `name` on `item` (`trial` is part of the cache key). `Err` is the reason the
    /// item is unscored.
    pub async fn judge(
        &self,
        name: &str,
        item: &JudgeInput,
        trial: u32,
    ) -> Result<Verdict, String> {
        let client = self
            .clients
            .get(name)
            .ok_or_else(|| format!("judge `{name}` is not declared"))?;
        let prompt =
            render(&client.rubric, item).map_err(|e| self.secrets.mask(&e).into_owned())?;
        let prompt = self.secrets.mask(&prompt);
        let runs = (0..client.spec.samples.max(1))
            .map(|k| client.sample(self.cache.as_ref(), &self.secrets, &prompt, trial, k));
        let samples: Vec<Sample> = futures::future::join_all(runs)
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        Ok(aggregate(&client.spec, samples))
    }

    /// Fills in the judge checks of one scored run (the placeholders `score_case` left) and
    /// finishes the case's outcome. Returns the per-judge values for `judge_metrics`.
    pub async fn judge_case(
        &self,
        case: &Case,
        trajectory: &Trajectory,
        trial: u32,
        scoring: &mut CaseScoring,
    ) -> BTreeMap<String, f64> {
        let checks = case.expect.response.iter().filter_map(|c| match c {
            ResponseCheck::Judge(j) => Some(j),
            _ => None,
        });
        let pending: Vec<usize> = scoring
            .scores
            .iter()
            .enumerate()
            .filter(|(_, s)| s.name.starts_with("judge.") && s.reason == JUDGE_PENDING)
            .map(|(i, _)| i)
            .collect();
        let mut metrics = BTreeMap::new();
        let jobs = checks.zip(pending).map(|(check, at)| async move {
            let blocking = self.clients.get(&check.name).is_some_and(|c| c.blocking);
            let Some(response) = trajectory.final_response.as_deref() else {
                return (at, check, blocking, Err(NO_RESPONSE.to_string()), true);
            };
            let item = JudgeInput {
                input: case.input.last_user_text().to_string(),
                response: response.to_string(),
                reference: check.reference.clone(),
                trajectory: serde_json::to_value(&trajectory.calls).unwrap_or_default(),
                case_id: case.id.clone(),
                tags: case.tags.clone(),
                tier: case.tier.clone(),
            };
            (
                at,
                check,
                blocking,
                self.judge(&check.name, &item, trial).await,
                false,
            )
        });
        for (at, check, blocking, verdict, no_response) in futures::future::join_all(jobs).await {
            let kind = self.clients.get(&check.name).map(|c| c.spec.kind);
            let score = &mut scoring.scores[at];
            score.blocking = blocking;
            match verdict {
                Ok(v) => {
                    score.status = if v.pass {
                        ScoreStatus::Pass
                    } else {
                        ScoreStatus::Fail
                    };
                    score.value = Some(v.score);
                    score.reason = v.reason;
                    if kind == Some(JudgeKind::PassFail) || score.reason.is_empty() {
                        score.reason = format!(
                            "{}{}",
                            if v.pass {
                                "judged a pass"
                            } else {
                                "judged a fail"
                            },
                            if score.reason.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", score.reason)
                            }
                        );
                    }
                    metrics.insert(check.name.clone(), v.score);
                }
                // No response is a fail like every other check's; a judge failure is unscored.
                Err(reason) if no_response => {
                    score.status = ScoreStatus::Fail;
                    score.reason = reason;
                    metrics.insert(check.name.clone(), 0.0);
                }
                Err(reason) => {
                    score.status = ScoreStatus::Unscored;
                    score.reason = format!("unscored: {reason}");
                }
            }
        }
        crate::scorer::finish_case(case, scoring);
        metrics
    }
}

impl Client {
    async fn sample(
        &self,
        cache: Option<&cache::Cache>,
        secrets: &Secrets,
        prompt: &str,
        trial: u32,
        k: u32,
    ) -> Result<Sample, String> {
        if let Some(hit) = cache.and_then(|c| c.get(&self.fingerprint, prompt, trial, k)) {
            return Ok(hit);
        }
        let _slot = self.limits.slot().await;
        let text = self
            .provider
            .complete(prompt, || async {
                self.limits.pace().await;
                self.requests.fetch_add(1, Ordering::SeqCst);
            })
            .await
            .map_err(|e| secrets.mask(&e).into_owned())?;
        // The edge for judge replies: the reason is parsed, cached and reported from this.
        let text = secrets.mask(&text);
        let sample = parse_answer(&self.spec, &text).map_err(|e| secrets.mask(&e).into_owned())?;
        if let Some(c) = cache {
            c.put(&self.fingerprint, prompt, trial, k, &sample);
        }
        Ok(sample)
    }
}

/// Majority: passes when more than half the samples pass (ties fail); the score is the mean.
/// Median: the lower median score decides (conservative for even k).
fn aggregate(spec: &JudgeSpec, samples: Vec<Sample>) -> Verdict {
    let passes: Vec<bool> = samples.iter().map(|s| s.pass).collect();
    let n = samples.len();
    let (pass, score, reason) = match spec.aggregate {
        Aggregate::Majority => {
            let k = passes.iter().filter(|p| **p).count();
            let pass = 2 * k > n;
            let mean = samples.iter().map(|s| s.score).sum::<f64>() / n as f64;
            let reason = samples
                .iter()
                .find(|s| s.pass == pass)
                .map_or_else(String::new, |s| s.reason.clone());
            (pass, mean, reason)
        }
        Aggregate::Median => {
            let mut sorted = samples.clone();
            sorted.sort_by(|a, b| a.score.total_cmp(&b.score));
            let mid = &sorted[(n - 1) / 2];
            let pass = match spec.kind {
                JudgeKind::PassFail => mid.pass,
                _ => mid.score >= spec.effective_threshold(),
            };
            (pass, mid.score, mid.reason.clone())
        }
    };
    let reason = if n > 1 {
        let k = passes.iter().filter(|p| **p).count();
        format!("{reason} ({k} of {n} samples passed)")
    } else {
        reason
    };
    Verdict {
        pass,
        score,
        reason,
        samples: passes,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{JudgeProvider, RetrySpec};

    pub(crate) fn spec(kind: JudgeKind) -> JudgeSpec {
        JudgeSpec {
            provider: JudgeProvider::Openai,
            base_url: "http://127.0.0.1:9/v1".into(),
            model: "judge-1".into(),
            api_key_env: None,
            rubric: None,
            kind,
            threshold: None,
            scale: None,
            samples: 1,
            aggregate: Aggregate::Majority,
            temperature: 0.0,
            max_tokens: 256,
            concurrency: 2,
            requests_per_minute: None,
            retry: RetrySpec::default(),
            timeout_ms: 1_000,
            min_kappa: 0.6,
            gate: crate::model::Gate::Block,
        }
    }

    fn s(pass: bool, score: f64) -> Sample {
        Sample {
            pass,
            score,
            reason: format!("r{score}"),
        }
    }

    #[test]
    fn majority_ties_fail_and_median_takes_the_lower_middle() {
        let pf = spec(JudgeKind::PassFail);
        let v = aggregate(&pf, vec![s(true, 1.0), s(false, 0.0)]);
        assert!(!v.pass, "a tie fails");
        assert_eq!(v.reason, "r0 (1 of 2 samples passed)");
        let v = aggregate(&pf, vec![s(true, 1.0), s(false, 0.0), s(true, 1.0)]);
        assert!(v.pass);
        assert!((v.score - 2.0 / 3.0).abs() < 1e-12);
        let mut med = spec(JudgeKind::Score);
        med.aggregate = Aggregate::Median;
        let v = aggregate(
            &med,
            vec![s(true, 0.9), s(false, 0.2), s(true, 0.6), s(false, 0.4)],
        );
        assert_eq!((v.pass, v.score), (false, 0.4));
        let v = aggregate(&med, vec![s(true, 0.9), s(false, 0.2), s(true, 0.6)]);
        assert_eq!((v.pass, v.score), (true, 0.6));
    }
}
