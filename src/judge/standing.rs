//! Whether a judge may block: a calibration file whose fingerprint and label-set hash match
//! the current ones and whose κ reaches `min_kappa`; otherwise the judge is advisory and this
//! says why. Also the per-run [`JudgeSummary`] rows (observed and Rogan–Gladen corrected pass
//! rates) that every report shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{CALIBRATION_DIR, calibration_set_path, load_calibration_set};
use crate::model::{
    CalibrationItem, CalibrationReport, CaseResult, Gate, JudgeSummary, LoadedJudge, Outcome,
    ScoreStatus,
};

use super::fingerprint::{describe_change, fingerprint_of, fingerprint_parts};

/// A judge's gating standing for this run.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub fingerprint: String,
    pub blocking: bool,
    /// Why it does not block (absent when it does).
    pub reason: Option<String>,
    pub kappa: Option<f64>,
    /// TPR and TNR of a calibration made with the current fingerprint (for the correction).
    pub rates: Option<(f64, f64)>,
}

/// `evals/calibration/<judge>.calibration.json`, relative to the config's folder.
pub fn calibration_report_path(judge: &str) -> PathBuf {
    Path::new(CALIBRATION_DIR).join(format!("{judge}.calibration.json"))
}

/// blake3 of the labelled items' canonical JSON (comments and layout do not count).
pub fn label_set_hash(items: &[CalibrationItem]) -> String {
    let json = serde_json::to_string(items).expect("plain data serializes");
    blake3::hash(json.as_bytes()).to_hex().to_string()
}

/// Reads the judge's calibration (relative to `root`, the config's folder) and decides.
pub fn standing(root: &Path, name: &str, judge: &LoadedJudge) -> Standing {
    let parts = fingerprint_parts(&judge.spec, &judge.rubric);
    let fingerprint = fingerprint_of(&parts);
    let advisory = |reason: String, kappa, rates| Standing {
        fingerprint: fingerprint.clone(),
        blocking: false,
        reason: Some(reason),
        kappa,
        rates,
    };
    let report_path = calibration_report_path(name);
    let text = match std::fs::read_to_string(root.join(&report_path)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return advisory(
                format!("no calibration (run `evalgate calibrate {name}`)"),
                None,
                None,
            );
        }
        Err(e) => {
            return advisory(
                format!("cannot read `{}`: {e}", report_path.display()),
                None,
                None,
            );
        }
    };
    let report: CalibrationReport = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            return advisory(
                format!(
                    "`{}` is not a calibration report: {e}",
                    report_path.display()
                ),
                None,
                None,
            );
        }
    };
    if report.fingerprint != fingerprint {
        return advisory(
            describe_change(&report.fingerprint_parts, &parts),
            None,
            None,
        );
    }
    let rates = Some((report.tpr, report.tnr));
    let set_path = calibration_set_path(name);
    match load_calibration_set(&root.join(&set_path), &set_path) {
        Err(_) => {
            return advisory(
                format!(
                    "its label set `{}` is missing or invalid",
                    set_path.display()
                ),
                Some(report.kappa),
                rates,
            );
        }
        Ok(items) if label_set_hash(&items) != report.label_set_hash => {
            return advisory(
                "its label set changed since calibration".to_string(),
                Some(report.kappa),
                rates,
            );
        }
        Ok(_) => {}
    }
    if report.kappa < judge.spec.min_kappa {
        return advisory(
            format!("κ {:.2} < {:.2}", report.kappa, judge.spec.min_kappa),
            Some(report.kappa),
            rates,
        );
    }
    if judge.spec.gate == Gate::Warn {
        return advisory(
            "its `gate` is `warn`".to_string(),
            Some(report.kappa),
            rates,
        );
    }
    Standing {
        fingerprint,
        blocking: true,
        reason: None,
        kappa: Some(report.kappa),
        rates,
    }
}

/// One row per judge: counts over the scored runs, observed and corrected pass rates.
pub fn summarize(
    results: &[CaseResult],
    standings: &BTreeMap<String, Standing>,
) -> Vec<JudgeSummary> {
    standings
        .iter()
        .map(|(name, st)| {
            let score_name = format!("judge.{name}");
            let (mut passed, mut failed, mut unscored) = (0, 0, 0);
            for s in results
                .iter()
                .filter(|r| r.outcome != Outcome::Error)
                .flat_map(|r| &r.scores)
                .filter(|s| s.name == score_name)
            {
                match s.status {
                    ScoreStatus::Pass => passed += 1,
                    ScoreStatus::Fail => failed += 1,
                    ScoreStatus::Unscored => unscored += 1,
                }
            }
            let observed = (passed + failed > 0).then(|| passed as f64 / (passed + failed) as f64);
            let (corrected, note) = match (observed, st.rates) {
                (None, _) => (None, None),
                (Some(_), None) => (None, Some("no current calibration to correct with".to_string())),
                (Some(p), Some((tpr, tnr))) => match crate::stats::rogan_gladen(p, tpr, tnr) {
                    Some(c) => (Some(c), None),
                    None => (
                        None,
                        Some(format!(
                            "undefined: TPR + TNR − 1 = {:.2} ≤ 0 (the judge is no better than chance)",
                            tpr + tnr - 1.0
                        )),
                    ),
                },
            };
            JudgeSummary {
                name: name.clone(),
                fingerprint: st.fingerprint.clone(),
                blocking: st.blocking,
                advisory_reason: st.reason.clone(),
                kappa: st.kappa,
                passed,
                failed,
                unscored,
                observed_pass_rate: observed,
                corrected_pass_rate: corrected,
                corrected_note: note,
            }
        })
        .collect()
}
