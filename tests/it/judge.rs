//! LLM judges end to end against the fake judge on 127.0.0.1: calibration numbers, gating on a
//! current calibration only, unscored failures, the cache, concurrency and rate limits.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use evalgate::model::{CalibrationReport, Outcome, RunReport, ScoreStatus};
use serde_json::json;

use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fake_judge::{Behaviour, FakeJudge};

const RUBRIC: &str = "Grade the support answer.\nQuestion: {{ input }}\nAnswer: {{ response }}\nReply with JSON: {\"pass\": true or false, \"reason\": \"...\"}\n";

/// Four good and four bad items; within each label two short and two long responses.
const LABELS: &str = r#"
- { id: g1, input: "q", response: "ok [good]", label: pass }
- { id: g2, input: "q", response: "fine [good]", label: pass }
- { id: g3, input: "q", response: "a long and thorough answer that explains everything [good]", label: pass }
- { id: g4, input: "q", response: "another long and thorough answer with all the details [good]", label: pass }
- { id: b1, input: "q", response: "no [bad]", label: fail }
- { id: b2, input: "q", response: "nah [bad]", label: fail }
- { id: b3, input: "q", response: "a long rambling answer that never addresses the question [bad]", label: fail }
- { id: b4, input: "q", response: "another long rambling answer that is confidently wrong [bad]", label: fail }
"#;

const CASES: &str = r#"
- id: good-1
  input: "where is order 1 [good]"
  expect:
    response:
      - judge: helpfulness
- id: bad-1
  input: "where is order 2 [bad]"
  expect:
    response:
      - judge: helpfulness
"#;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(agent: &FakeAgent, judge: &FakeJudge, extra: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let p = Project { dir };
        p.write(
            "evalgate.yaml",
            &config(&agent.url(), &judge.base_url(), "judge-1", extra),
        );
        p.write("evals/support/v1.yaml", CASES);
        p.write("templates/judges/helpfulness.md.j2", RUBRIC);
        p.write("evals/calibration/helpfulness.yaml", LABELS);
        p
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, body: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }

    fn config_path(&self) -> String {
        self.root().join("evalgate.yaml").display().to_string()
    }

    fn out(&self) -> PathBuf {
        self.root().join("out")
    }

    async fn calibrate(&self, extra: &[&str]) -> (u8, CalibrationReport) {
        let mut args = vec!["calibrate", "helpfulness", "-c"];
        let config = self.config_path();
        args.push(&config);
        args.extend_from_slice(extra);
        let code = cli(&args).await;
        let path = self
            .root()
            .join("evals/calibration/helpfulness.calibration.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("exit {code}: {e}"));
        (code, serde_json::from_str(&text).unwrap())
    }

    async fn run(&self, extra: &[&str]) -> (u8, RunReport) {
        let config = self.config_path();
        let out = self.out().display().to_string();
        let mut args = vec!["run", "-c", &config, "-o", &out, "--progress", "quiet"];
        args.extend_from_slice(extra);
        let code = cli(&args).await;
        let text = std::fs::read_to_string(self.out().join("results.json")).unwrap();
        (code, serde_json::from_str(&text).unwrap())
    }
}

fn config(agent_url: &str, judge_url: &str, model: &str, extra: &str) -> String {
    format!(
        r#"version: 1
agent:
  url: {agent_url}
  retry: {{ max_retries: 0 }}
suites:
  - {{ name: support, dataset: support }}
judges:
  helpfulness:
    provider: openai
    base_url: {judge_url}
    model: {model}
    retry: {{ max_retries: 1, base_delay_ms: 1, max_delay_ms: 5 }}
    timeout_ms: 2000
{extra}"#
    )
}

async fn cli(args: &[&str]) -> u8 {
    let mut argv: Vec<OsString> = vec!["evalgate".into()];
    argv.extend(args.iter().map(OsString::from));
    evalgate::cli::run(argv).await
}

/// Echoes the input back as the final answer.
async fn echo_agent() -> FakeAgent {
    FakeAgent::start(|r| Reply::Json(json!({"output": format!("answer to {}", r.input)}))).await
}

fn judge_score<'a>(report: &'a RunReport, case: &str) -> &'a evalgate::model::Score {
    report
        .cases
        .iter()
        .find(|c| c.case_id == case)
        .unwrap()
        .scores
        .iter()
        .find(|s| s.name == "judge.helpfulness")
        .unwrap()
}

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
async fn malformed_answers_server_errors_and_timeouts_are_unscored_never_passes() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Malformed);
    let p = Project::new(&agent, &judge, "");
    for (behaviour, reason) in [
        (Behaviour::Malformed, "has no JSON object"),
        (Behaviour::ServerError, "answered HTTP 500"),
        (
            Behaviour::Slow(Duration::from_secs(5)),
            "timed out after 2000 ms",
        ),
    ] {
        judge.set(behaviour);
        let (_, report) = p.run(&[]).await;
        let j = &report.judges[0];
        assert_eq!((j.passed, j.failed, j.unscored), (0, 0, 2), "{reason}");
        assert_eq!(j.observed_pass_rate, None);
        for case in ["good-1", "bad-1"] {
            let s = judge_score(&report, case);
            assert_eq!(s.status, ScoreStatus::Unscored);
            assert!(s.reason.contains(reason), "{}", s.reason);
        }
        let summary = evalgate::report::render_summary(&report);
        assert!(
            summary.contains("0 passed, 0 failed, 2 unscored"),
            "{summary}"
        );
    }
}

#[tokio::test]
async fn an_unscored_calibrated_judge_fails_its_case() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Accurate);
    let p = Project::new(&agent, &judge, "");
    p.calibrate(&[]).await;
    judge.set(Behaviour::ServerError);
    let (code, report) = p.run(&["--no-cache"]).await;
    assert_eq!(code, 1);
    let good = report.cases.iter().find(|c| c.case_id == "good-1").unwrap();
    assert_eq!(good.outcome, Outcome::Failed, "unscored is never a pass");
}

#[tokio::test]
async fn a_second_identical_run_is_served_from_the_cache() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Accurate);
    let p = Project::new(&agent, &judge, "");
    p.run(&[]).await;
    assert_eq!(judge.request_count(), 2);
    let (_, first) = p.run(&[]).await;
    assert_eq!(
        judge.request_count(),
        2,
        "zero judge requests the second time"
    );
    assert_eq!(first.judges[0].passed, 1);

    p.run(&["--no-cache"]).await;
    assert_eq!(judge.request_count(), 4, "--no-cache bypasses it");

    p.write("templates/judges/helpfulness.md.j2", &format!("{RUBRIC}."));
    p.run(&[]).await;
    assert_eq!(judge.request_count(), 6, "a changed rubric misses");

    p.write(
        "evalgate.yaml",
        &config(&agent.url(), &judge.base_url(), "judge-2", ""),
    );
    p.run(&[]).await;
    assert_eq!(judge.request_count(), 8, "a changed model misses");
    assert!(judge.seen()[7].model == "judge-2");
}

#[tokio::test]
async fn judge_calls_respect_their_concurrency_limit() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Slow(Duration::from_millis(100)));
    let p = Project::new(&agent, &judge, "    concurrency: 2\n    samples: 3\n");
    let (_, report) = p.run(&["-j", "8"]).await;
    assert_eq!(judge.request_count(), 6);
    assert_eq!(judge.peak_in_flight(), 2);
    let good = judge_score(&report, "good-1");
    assert!(
        good.reason.contains("(3 of 3 samples passed)"),
        "{}",
        good.reason
    );
}

#[tokio::test]
async fn judge_calls_respect_their_rate_limit() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Accurate);
    // 600 a minute: starts at least 100 ms apart.
    let p = Project::new(
        &agent,
        &judge,
        "    concurrency: 8\n    samples: 3\n    requests_per_minute: 600\n",
    );
    p.run(&["-j", "8"]).await;
    let seen = judge.seen();
    assert_eq!(seen.len(), 6);
    let span = seen[5].at - seen[0].at;
    assert!(span >= Duration::from_millis(450), "{span:?}");
}

#[test]
fn the_api_key_is_sent_but_never_written() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let agent = rt.block_on(echo_agent());
    let judge = FakeJudge::start(Behaviour::Accurate);
    let p = Project::new(&agent, &judge, "    api_key_env: EVALGATE_TEST_JUDGE_KEY\n");
    let cfg = std::fs::read_to_string(p.root().join("evalgate.yaml"))
        .unwrap()
        .replace("provider: openai", "provider: anthropic");
    p.write("evalgate.yaml", &cfg);
    let secret = "sk-ant-very-secret-123";
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_evalgate"))
        .args(["run", "-c", &p.config_path(), "-o"])
        .arg(p.out())
        .args(["--progress", "quiet"])
        .env("EVALGATE_TEST_JUDGE_KEY", secret)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let seen = judge.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.path == "/v1/messages"));
    assert_eq!(seen[0].headers["x-api-key"], secret);
    assert!(seen[0].headers.contains_key("anthropic-version"));
    let mut written = String::from_utf8_lossy(&out.stdout).to_string();
    written += &String::from_utf8_lossy(&out.stderr);
    for entry in walk(p.root()) {
        written += &std::fs::read_to_string(entry).unwrap_or_default();
    }
    assert!(written.contains("judge.helpfulness"));
    assert!(!written.contains(secret));

    // Unset: a clear error naming the variable, exit 2.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_evalgate"))
        .args(["run", "-c", &p.config_path(), "--progress", "quiet"])
        .env_remove("EVALGATE_TEST_JUDGE_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "judge `helpfulness`: environment variable `EVALGATE_TEST_JUDGE_KEY` is not set"
    ));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
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
    assert!(err.contains("v1.yaml:2:"), "{err}");
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
