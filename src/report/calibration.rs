//! The calibration table `evalgate calibrate` prints, and the judge lines of the run summary.
//!
//! Pure functions of the data; numbers with fixed decimals so snapshots are stable.

use crate::model::{CalibrationReport, JudgeSummary};

/// A readable table of one calibration.
pub fn render_calibration(r: &CalibrationReport, min_kappa: f64) -> String {
    let c = &r.confusion;
    let mut out = String::new();
    let line = |out: &mut String, s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(
        &mut out,
        format!(
            "judge `{}` ({} {}): {} items, {} unscored",
            r.judge, r.fingerprint_parts.provider, r.fingerprint_parts.model, r.items, r.unscored
        ),
    );
    line(&mut out, String::new());
    line(&mut out, "                 judge pass  judge fail".into());
    line(
        &mut out,
        format!("  human pass     {:>10}  {:>10}", c.tp, c.fn_),
    );
    line(
        &mut out,
        format!("  human fail     {:>10}  {:>10}", c.fp, c.tn),
    );
    line(&mut out, String::new());
    line(&mut out, format!("  accuracy       {:.3}", r.accuracy));
    line(&mut out, format!("  TPR            {:.3}", r.tpr));
    line(&mut out, format!("  TNR            {:.3}", r.tnr));
    let verdict = if r.kappa >= min_kappa {
        format!("≥ min_kappa {min_kappa:.2}: may block")
    } else {
        format!("< min_kappa {min_kappa:.2}: advisory")
    };
    line(
        &mut out,
        format!(
            "  Cohen's κ      {:.3}  95% CI [{:.3}, {:.3}]  {verdict}",
            r.kappa, r.kappa_ci[0], r.kappa_ci[1]
        ),
    );
    if let Some([t, k]) = r.best_threshold {
        line(&mut out, format!("  best threshold {t:.3} (κ {k:.3})"));
    }
    let lb = &r.length_bias;
    line(
        &mut out,
        format!(
            "  length bias    pass rate {:.2} on longer vs {:.2} on shorter responses (gap {:+.2}){}",
            lb.longer_pass_rate,
            lb.shorter_pass_rate,
            lb.gap,
            if lb.flagged { "  FLAGGED" } else { "" }
        ),
    );
    if let Some(a) = r.self_agreement {
        line(
            &mut out,
            format!("  self-agreement {a:.3} of items unanimous across samples"),
        );
    }
    if let Some(k) = r.inter_rater_kappa {
        line(
            &mut out,
            format!("  inter-rater κ  {k:.3} (the ceiling a judge can reach)"),
        );
    }
    for (id, reason) in &r.unscored_reasons {
        line(&mut out, format!("  unscored `{id}`: {reason}"));
    }
    out
}

/// One line per judge for the console summary and report.md: standing, counts, pass rates.
pub fn judge_line(j: &JudgeSummary) -> String {
    let rate =
        |r: Option<f64>| r.map_or_else(|| "n/a".to_string(), |v| format!("{:.1}%", v * 100.0));
    let standing = match j.advisory_line() {
        Some(l) => l,
        None => format!(
            "judge `{}` blocks (κ {:.2})",
            j.name,
            j.kappa.unwrap_or_default()
        ),
    };
    let corrected = match (&j.corrected_pass_rate, &j.corrected_note) {
        (Some(c), _) => format!("corrected {}", rate(Some(*c))),
        (None, Some(note)) => format!("corrected {note}"),
        (None, None) => "corrected n/a".to_string(),
    };
    format!(
        "{standing}; {} passed, {} failed, {} unscored; observed pass rate {}, {corrected}",
        j.passed,
        j.failed,
        j.unscored,
        rate(j.observed_pass_rate)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_lines_say_why_a_judge_is_advisory() {
        let mut j = JudgeSummary {
            name: "helpfulness".into(),
            fingerprint: "ab".into(),
            blocking: false,
            advisory_reason: Some("its rubric changed since calibration".into()),
            kappa: None,
            passed: 3,
            failed: 1,
            unscored: 2,
            observed_pass_rate: Some(0.75),
            corrected_pass_rate: None,
            corrected_note: Some("no current calibration to correct with".into()),
        };
        assert_eq!(
            judge_line(&j),
            "judge `helpfulness` is advisory: its rubric changed since calibration; 3 passed, 1 failed, 2 unscored; observed pass rate 75.0%, corrected no current calibration to correct with"
        );
        j.blocking = true;
        j.advisory_reason = None;
        j.kappa = Some(0.8);
        j.corrected_pass_rate = Some(0.7);
        assert!(judge_line(&j).starts_with("judge `helpfulness` blocks (κ 0.80); "));
        assert!(judge_line(&j).ends_with("corrected 70.0%"));
    }
}

#[cfg(test)]
mod snapshot {
    use super::*;
    use crate::model::{ConfusionCounts, FingerprintParts, LengthBiasProbe};

    #[test]
    fn calibration_table_snapshot() {
        let r = CalibrationReport {
            judge: "helpfulness".into(),
            fingerprint: "f".repeat(64),
            fingerprint_parts: FingerprintParts {
                provider: "openai".into(),
                model: "gpt-4o-mini".into(),
                host: "api.openai.com".into(),
                rubric_hash: "a".repeat(64),
                kind: "score".into(),
                threshold: 0.5,
                scale: None,
                samples: 3,
                aggregate: "majority".into(),
                temperature: 0.0,
                max_tokens: 512,
            },
            label_set_hash: "b".repeat(64),
            items: 11,
            unscored: 1,
            confusion: ConfusionCounts {
                tp: 5,
                fn_: 1,
                fp: 1,
                tn: 3,
            },
            accuracy: 0.8,
            tpr: 5.0 / 6.0,
            tnr: 0.75,
            kappa: 0.28 / 0.48,
            kappa_ci: [0.1, 0.95],
            best_threshold: Some([0.7, 0.8]),
            length_bias: LengthBiasProbe {
                longer_pass_rate: 0.8,
                shorter_pass_rate: 0.4,
                gap: 0.4,
                flagged: true,
            },
            self_agreement: Some(0.9),
            inter_rater_kappa: Some(0.75),
            raters: Default::default(),
            unscored_reasons: [(
                "b9".to_string(),
                "the judge's answer has no JSON object: `hm`".to_string(),
            )]
            .into_iter()
            .collect(),
        };
        insta::assert_snapshot!(render_calibration(&r, 0.6));
    }
}
