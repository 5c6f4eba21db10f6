//! LLM judges end to end against the fake judge on 127.0.0.1: calibration numbers and bias
//! probes, and gating on a current calibration only.

use std::path::Path;

use evalgate::model::{Outcome, ScoreStatus};

use crate::common::fake_judge::{Behaviour, FakeJudge};
use crate::common::judge_project::{CASES, LABELS, Project, RUBRIC, cli, echo_agent, judge_score};

#[tokio::test]
async fn an_always_pass_judge_calibrates_to_kappa_zero_and_cannot_block() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::AlwaysPass);
    let p = Project::new(&agent, &judge, "");
    let (code, cal) = p.calibrate(&["--min-kappa", "0.6"]).await;
    assert_eq!(code, 1, "κ below --min-kappa exits 1");
    assert_eq!(cal.kappa, 0.0);
    assert_eq!((cal.tpr, cal.tnr, cal.accuracy), (1.0, 0.0, 0.5));
    assert_eq!((cal.confusion.tp, cal.confusion.fp), (4, 4));
    assert_eq!(cal.items, 8);

    let (code, report) = p.run(&[]).await;
    assert_eq!(code, 0);
    let j = &report.judges[0];
    assert!(!j.blocking);
    assert_eq!(
        j.advisory_line().unwrap(),
        "judge `helpfulness` is advisory: κ 0.00 < 0.60"
    );
    assert_eq!(
        j.corrected_pass_rate, None,
        "TPR + TNR − 1 = 0: no correction"
    );
    assert!(
        j.corrected_note
            .as_deref()
            .unwrap()
            .contains("no better than chance")
    );
    assert!(!judge_score(&report, "bad-1").blocking);
    let md = std::fs::read_to_string(p.out().join("report.md")).unwrap();
    assert!(
        md.contains(
            "\n### Judges\n\n- judge `helpfulness` is advisory: κ 0.00 &lt; 0.60; 2 passed"
        ),
        "{md}"
    );
}

#[tokio::test]
async fn a_calibrated_judge_blocks_until_its_rubric_changes() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Accurate);
    let p = Project::new(&agent, &judge, "");
    let (code, cal) = p.calibrate(&["--min-kappa", "0.6"]).await;
    assert_eq!(code, 0);
    assert_eq!((cal.kappa, cal.accuracy), (1.0, 1.0));

    let (code, report) = p.run(&[]).await;
    assert_eq!(code, 1, "a calibrated judge's fail blocks");
    let j = &report.judges[0];
    assert!(j.blocking && j.advisory_reason.is_none());
    assert_eq!((j.passed, j.failed, j.unscored), (1, 1, 0));
    assert_eq!(
        (j.observed_pass_rate, j.corrected_pass_rate),
        (Some(0.5), Some(0.5))
    );
    let bad = judge_score(&report, "bad-1");
    assert_eq!((bad.status, bad.blocking), (ScoreStatus::Fail, true));
    assert_eq!(
        report.meta.judge_fingerprints["helpfulness"],
        cal.fingerprint
    );

    // One character of the rubric.
    p.write(
        "templates/judges/helpfulness.md.j2",
        &RUBRIC.replace("Grade", "grade"),
    );
    let (code, report) = p.run(&[]).await;
    assert_eq!(code, 0, "a stale calibration cannot block");
    assert_eq!(
        report.judges[0].advisory_line().unwrap(),
        "judge `helpfulness` is advisory: its rubric changed since calibration"
    );
    assert!(!judge_score(&report, "bad-1").blocking);
    let case = report.cases.iter().find(|c| c.case_id == "bad-1").unwrap();
    assert_eq!(case.outcome, Outcome::Passed);
    assert_eq!(case.judge_metrics["helpfulness"], 0.0);

    // Relabelling an item makes the calibration stale too.
    p.write("templates/judges/helpfulness.md.j2", RUBRIC);
    p.write(
        "evals/calibration/helpfulness.yaml",
        &LABELS.replacen("label: pass", "label: fail", 1),
    );
    let (_, report) = p.run(&[]).await;
    assert_eq!(
        report.judges[0].advisory_reason.as_deref(),
        Some("its label set changed since calibration")
    );
}

#[tokio::test]
async fn a_length_biased_judge_is_flagged_by_the_probe() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::LengthBiased(RUBRIC.len() + 30));
    let p = Project::new(&agent, &judge, "");
    let (_, cal) = p.calibrate(&[]).await;
    assert!(cal.length_bias.flagged, "{:?}", cal.length_bias);
    assert_eq!(
        (
            cal.length_bias.longer_pass_rate,
            cal.length_bias.shorter_pass_rate
        ),
        (1.0, 0.0)
    );
    // Accurate judges are not flagged.
    judge.set(Behaviour::Accurate);
    let (_, cal) = p.calibrate(&["--no-cache"]).await;
    assert!(!cal.length_bias.flagged, "{:?}", cal.length_bias);
}

#[tokio::test]
async fn config_errors_name_undeclared_judges_and_broken_rubrics() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Accurate);
    let p = Project::new(&agent, &judge, "");
    p.write(
        "evals/support/v1.yaml",
        &CASES.replacen("judge: helpfulness", "judge: helpfulnes", 1),
    );
    p.write(
        "templates/judges/helpfulness.md.j2",
        "{% if input %}unclosed",
    );
    let err = evalgate::config::load(Path::new(&p.config_path()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("case `good-1` names an undeclared judge `helpfulnes`"),
        "{err}"
    );
    assert!(err.contains("declared judges: `helpfulness`"), "{err}");
    // At the check itself, not at its case.
    assert!(err.contains("v1.yaml:6:16"), "{err}");
    assert!(err.contains("helpfulness.md.j2:1:"), "{err}");
    assert_eq!(cli(&["validate", "-c", &p.config_path()]).await, 2);
}

#[tokio::test]
async fn samples_and_two_raters_give_self_agreement_and_the_inter_rater_ceiling() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Random(7));
    let p = Project::new(&agent, &judge, "    samples: 3\n");
    // ann and bob label the same four items; they disagree on b1 only.
    p.write(
        "evals/calibration/helpfulness.yaml",
        r#"
- { id: g1, input: "q", response: "ok [good]", label: pass, rater: ann }
- { id: g1, input: "q", response: "ok [good]", label: pass, rater: bob }
- { id: g2, input: "q", response: "fine [good]", label: pass, rater: ann }
- { id: g2, input: "q", response: "fine [good]", label: pass, rater: bob }
- { id: b1, input: "q", response: "no [bad]", label: fail, rater: ann }
- { id: b1, input: "q", response: "no [bad]", label: pass, rater: bob }
- { id: b2, input: "q", response: "nah [bad]", label: fail, rater: ann }
- { id: b2, input: "q", response: "nah [bad]", label: fail, rater: bob }
"#,
    );
    let (_, cal) = p.calibrate(&[]).await;
    assert_eq!(cal.items, 4, "one item per id");
    assert_eq!(judge.request_count(), 12, "3 samples × 4 items");
    // ann: P P F F, bob: P P P F → p_o = 0.75, p_e = 0.5·0.75 + 0.5·0.25 = 0.5, κ = 0.5.
    assert_eq!(cal.inter_rater_kappa, Some(0.5));
    assert_eq!(cal.raters.len(), 2);
    let a = cal.self_agreement.expect("reported with samples > 1");
    assert!((0.0..=1.0).contains(&a));
    // A coin-flipping judge: the same seed gives the same report (fixed bootstrap seed too).
    let (_, again) = p.calibrate(&[]).await;
    assert_eq!(
        cal.kappa_ci, again.kappa_ci,
        "cached samples, same interval"
    );
}

#[tokio::test]
async fn a_score_judge_reports_the_threshold_that_maximizes_kappa() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Scored);
    // A threshold above every score the judge gives: it fails everything at 0.9.
    let p = Project::new(&agent, &judge, "    kind: score\n    threshold: 0.9\n");
    // Human scores instead of labels: they pass at the judge's threshold too.
    p.write(
        "evals/calibration/helpfulness.yaml",
        &LABELS
            .replace("label: pass", "score: 0.95")
            .replace("label: fail", "score: 0.1"),
    );
    let (_, cal) = p.calibrate(&[]).await;
    assert_eq!((cal.kappa, cal.tpr, cal.tnr), (0.0, 0.0, 1.0));
    assert_eq!(cal.best_threshold, Some([0.8, 1.0]));
}
