//! Agreement between a judge and human labels (pass = positive class).
//!
//! Conventions for degenerate input, chosen so a judge can never look better than the data
//! shows: a rate with an empty denominator is 0; κ is 0 when chance agreement is 1 (both
//! sides used one class only), since such a set says nothing about agreement beyond chance.

use serde::{Deserialize, Serialize};

/// Counts of (human, judge) pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// Human pass, judge pass.
    pub tp: usize,
    /// Human pass, judge fail.
    pub fn_: usize,
    /// Human fail, judge pass.
    pub fp: usize,
    /// Human fail, judge fail.
    pub tn: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl Confusion {
    /// From `(human, judge)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, bool)>) -> Confusion {
        let mut c = Confusion::default();
        for (h, j) in pairs {
            match (h, j) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                (false, false) => c.tn += 1,
            }
        }
        c
    }

    pub fn n(&self) -> usize {
        self.tp + self.fn_ + self.fp + self.tn
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.n())
    }

    /// Sensitivity: judge passes among human passes (0 when there are none).
    pub fn tpr(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Specificity: judge fails among human fails (0 when there are none).
    pub fn tnr(&self) -> f64 {
        ratio(self.tn, self.tn + self.fp)
    }

    /// Cohen's κ = (p_o − p_e) / (1 − p_e); 0 when p_e = 1 or there are no items.
    pub fn kappa(&self) -> f64 {
        let n = self.n() as f64;
        if self.n() == 0 {
            return 0.0;
        }
        let po = (self.tp + self.tn) as f64 / n;
        let human_pass = (self.tp + self.fn_) as f64 / n;
        let judge_pass = (self.tp + self.fp) as f64 / n;
        let pe = human_pass * judge_pass + (1.0 - human_pass) * (1.0 - judge_pass);
        if 1.0 - pe <= f64::EPSILON {
            return 0.0;
        }
        (po - pe) / (1.0 - pe)
    }
}

/// A 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Percentile bootstrap 95% interval of κ over `pairs`, resampling items `resamples` times
/// with a generator seeded by `seed` (same input, same interval).
pub fn kappa_bootstrap_ci(pairs: &[(bool, bool)], resamples: usize, seed: u64) -> Interval {
    if pairs.is_empty() || resamples == 0 {
        return Interval {
            low: 0.0,
            high: 0.0,
        };
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut kappas: Vec<f64> = (0..resamples)
        .map(|_| {
            Confusion::from_pairs((0..pairs.len()).map(|_| pairs[rng.usize(..pairs.len())])).kappa()
        })
        .collect();
    kappas.sort_by(f64::total_cmp);
    let at = |q: f64| kappas[((q * (resamples - 1) as f64).round() as usize).min(resamples - 1)];
    Interval {
        low: at(0.025),
        high: at(0.975),
    }
}

/// The threshold (a judge passes at `score >= t`) that maximizes κ against the human labels;
/// candidates are the observed scores, ties go to the lowest. `None` without items.
pub fn best_threshold(items: &[(bool, f64)]) -> Option<(f64, f64)> {
    let mut candidates: Vec<f64> = items.iter().map(|(_, s)| *s).collect();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let mut best: Option<(f64, f64)> = None;
    for t in candidates {
        let k = Confusion::from_pairs(items.iter().map(|(h, s)| (*h, *s >= t))).kappa();
        if best.is_none_or(|(_, bk)| k > bk + 1e-12) {
            best = Some((t, k));
        }
    }
    best
}

/// Rogan–Gladen: θ = (p_obs + TNR − 1) / (TPR + TNR − 1), clipped to [0, 1]; `None` when
/// TPR + TNR − 1 ≤ 0 (the judge is no better than chance, so nothing can be corrected).
pub fn rogan_gladen(p_obs: f64, tpr: f64, tnr: f64) -> Option<f64> {
    let youden = tpr + tnr - 1.0;
    if youden <= 0.0 {
        return None;
    }
    Some(((p_obs + tnr - 1.0) / youden).clamp(0.0, 1.0))
}

/// The length-bias probe: the judge's pass rate on the longer vs the shorter half of the
/// responses, split at the median length within each human label and pooled over labels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LengthBias {
    pub longer_pass_rate: f64,
    pub shorter_pass_rate: f64,
    /// longer − shorter.
    pub gap: f64,
    pub longer_n: usize,
    pub shorter_n: usize,
}

/// Items are `(human_pass, response_length, judge_pass)`. Within each label, lengths above
/// the label's median are "longer", the rest "shorter".
pub fn length_bias(items: &[(bool, usize, bool)]) -> LengthBias {
    let (mut long, mut long_pass, mut short, mut short_pass) = (0, 0, 0, 0);
    for label in [true, false] {
        let mut lens: Vec<usize> = items.iter().filter(|i| i.0 == label).map(|i| i.1).collect();
        if lens.is_empty() {
            continue;
        }
        lens.sort_unstable();
        let m = lens.len();
        let median = if m % 2 == 1 {
            lens[m / 2] as f64
        } else {
            (lens[m / 2 - 1] + lens[m / 2]) as f64 / 2.0
        };
        for &(_, len, pass) in items.iter().filter(|i| i.0 == label) {
            if len as f64 > median {
                long += 1;
                long_pass += usize::from(pass);
            } else {
                short += 1;
                short_pass += usize::from(pass);
            }
        }
    }
    let (l, s) = (ratio(long_pass, long), ratio(short_pass, short));
    LengthBias {
        longer_pass_rate: l,
        shorter_pass_rate: s,
        gap: l - s,
        longer_n: long,
        shorter_n: short,
    }
}

/// Fraction of items whose samples all agree (items with fewer than two samples are skipped;
/// 1 when none has two).
pub fn self_agreement(samples: &[Vec<bool>]) -> f64 {
    let multi: Vec<&Vec<bool>> = samples.iter().filter(|s| s.len() > 1).collect();
    if multi.is_empty() {
        return 1.0;
    }
    let agree = multi
        .iter()
        .filter(|s| s.iter().all(|v| *v == s[0]))
        .count();
    agree as f64 / multi.len() as f64
}

#[cfg(test)]
mod tests;
