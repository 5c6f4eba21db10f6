//! `calibrate`: run a judge on human-labelled items and measure the agreement (DESIGN §5).
//!
//! Items with the same `id` are one item labelled by several raters: the judge runs once per
//! id, the first row's label is the human label, and the first two raters' agreement is the
//! inter-rater κ (the ceiling a judge can reach). Unscored items are counted and left out of
//! the statistics, which come from `stats`.

use std::collections::BTreeMap;

use crate::model::{
    CalibrationItem, CalibrationReport, ConfusionCounts, HumanLabel, JudgeKind, LENGTH_BIAS_FLAG,
    LengthBiasProbe, LoadedJudge,
};
use crate::stats::{Confusion, best_threshold, kappa_bootstrap_ci, length_bias, self_agreement};

use super::fingerprint::{fingerprint_of, fingerprint_parts};
use super::standing::label_set_hash;
use super::{JudgeInput, Judges};

/// Bootstrap resamples for κ's interval, and the fixed seed (same labels, same interval).
const RESAMPLES: usize = 2000;
const SEED: u64 = 0x5eed_ca11;

/// Runs judge `name` over `items` and computes the calibration report.
pub async fn calibrate(
    judges: &Judges,
    name: &str,
    judge: &LoadedJudge,
    items: &[CalibrationItem],
) -> CalibrationReport {
    let threshold = judge.spec.effective_threshold();
    let human_pass = |i: &CalibrationItem| match (i.label, i.score) {
        (Some(l), _) => l == HumanLabel::Pass,
        (None, Some(s)) => s >= threshold,
        (None, None) => false,
    };
    // Group rows by id (rows without an id are their own item), in file order.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<&CalibrationItem>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let id = item
            .id
            .clone()
            .unwrap_or_else(|| format!("line-{}", item.line.max(i as u32 + 1)));
        if !groups.contains_key(&id) {
            order.push(id.clone());
        }
        groups.entry(id).or_default().push(item);
    }
    let runs = order.iter().map(|id| {
        let first = groups[id][0];
        let input = JudgeInput {
            input: first.input.clone(),
            response: first.response.clone(),
            reference: first.reference.clone(),
            trajectory: serde_json::Value::Null,
            case_id: id.clone(),
            tags: Vec::new(),
            tier: None,
        };
        async move { (id, first, judges.judge(name, &input, 0).await) }
    });
    let outcomes = futures::future::join_all(runs).await;

    let mut pairs = Vec::new();
    let mut scored = Vec::new();
    let mut lengths = Vec::new();
    let mut samples = Vec::new();
    let mut unscored_reasons = BTreeMap::new();
    for (id, first, outcome) in outcomes {
        match outcome {
            Ok(v) => {
                let h = human_pass(first);
                pairs.push((h, v.pass));
                scored.push((h, v.score));
                lengths.push((h, first.response.chars().count(), v.pass));
                samples.push(v.samples);
            }
            Err(reason) => {
                unscored_reasons.insert(id.clone(), reason);
            }
        }
    }
    let c = Confusion::from_pairs(pairs.iter().copied());
    let ci = kappa_bootstrap_ci(&pairs, RESAMPLES, SEED);
    let lb = length_bias(&lengths);
    let mut raters: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        if let Some(r) = &item.rater {
            *raters.entry(r.clone()).or_default() += 1;
        }
    }
    CalibrationReport {
        judge: name.to_string(),
        fingerprint: fingerprint_of(&fingerprint_parts(&judge.spec, &judge.rubric)),
        fingerprint_parts: fingerprint_parts(&judge.spec, &judge.rubric),
        label_set_hash: label_set_hash(items),
        items: order.len(),
        unscored: unscored_reasons.len(),
        confusion: ConfusionCounts {
            tp: c.tp,
            fn_: c.fn_,
            fp: c.fp,
            tn: c.tn,
        },
        accuracy: c.accuracy(),
        tpr: c.tpr(),
        tnr: c.tnr(),
        kappa: c.kappa(),
        kappa_ci: [ci.low, ci.high],
        best_threshold: (judge.spec.kind != JudgeKind::PassFail)
            .then(|| best_threshold(&scored).map(|(t, k)| [t, k]))
            .flatten(),
        length_bias: LengthBiasProbe {
            longer_pass_rate: lb.longer_pass_rate,
            shorter_pass_rate: lb.shorter_pass_rate,
            gap: lb.gap,
            flagged: lb.gap.abs() >= LENGTH_BIAS_FLAG,
        },
        self_agreement: (judge.spec.samples > 1).then(|| self_agreement(&samples)),
        inter_rater_kappa: inter_rater(&groups, &human_pass),
        raters,
        unscored_reasons,
    }
}

/// κ between the two raters who labelled the most shared items, over the items both labelled.
fn inter_rater(
    groups: &BTreeMap<String, Vec<&CalibrationItem>>,
    human_pass: &dyn Fn(&CalibrationItem) -> bool,
) -> Option<f64> {
    let mut by_pair: BTreeMap<(String, String), Vec<(bool, bool)>> = BTreeMap::new();
    for rows in groups.values() {
        let rated: Vec<&&CalibrationItem> = rows.iter().filter(|r| r.rater.is_some()).collect();
        for (i, a) in rated.iter().enumerate() {
            for b in &rated[i + 1..] {
                let (ra, rb) = (a.rater.clone()?, b.rater.clone()?);
                let (key, pair) = if ra <= rb {
                    ((ra, rb), (human_pass(a), human_pass(b)))
                } else {
                    ((rb, ra), (human_pass(b), human_pass(a)))
                };
                by_pair.entry(key).or_default().push(pair);
            }
        }
    }
    let best = by_pair.values().max_by_key(|v| v.len())?;
    Some(Confusion::from_pairs(best.iter().copied()).kappa())
}
