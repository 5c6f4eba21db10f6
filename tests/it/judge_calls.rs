//! Judge calls against the fake judge on 127.0.0.1: failures end unscored (never passes), the
//! cache, concurrency and rate limits, and the API key (sent, never written).

use std::time::Duration;

use evalgate::model::{Outcome, ScoreStatus};

use crate::common::fake_judge::{Behaviour, FakeJudge};
use crate::common::judge_project::{Project, RUBRIC, config, echo_agent, judge_score, walk};

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
        (
            Behaviour::Huge,
            "(2.0 MiB), over the judge reply limit of 1048576 bytes (1.0 MiB)",
        ),
        (
            Behaviour::Deep,
            "the judge's reply is nested more than 127 levels deep (at line 1 column 128)",
        ),
    ] {
        judge.set(behaviour);
        let (code, report) = p.run(&[]).await;
        assert_eq!(code, 3, "over the error budget: infrastructure ({reason})");
        let j = &report.judges[0];
        assert_eq!((j.passed, j.failed, j.unscored), (0, 0, 2), "{reason}");
        assert_eq!(j.observed_pass_rate, None);
        assert_eq!(
            j.advisory_line().unwrap(),
            "judge `helpfulness` is advisory: no calibration (run `evalgate calibrate helpfulness`)"
        );
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
async fn a_gzip_reply_is_decoded() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Gzip);
    let p = Project::new(&agent, &judge, "");
    let (_, report) = p.run(&[]).await;
    let j = &report.judges[0];
    assert_eq!((j.passed, j.failed, j.unscored), (1, 1, 0));
    assert_eq!(judge.seen()[0].headers["accept-encoding"], "gzip, deflate");
}

#[tokio::test]
async fn an_unscored_calibrated_judge_fails_its_case() {
    let agent = echo_agent().await;
    let judge = FakeJudge::start(Behaviour::Accurate);
    let p = Project::new(&agent, &judge, "");
    p.calibrate(&[]).await;
    judge.set(Behaviour::ServerError);
    let (code, report) = p.run(&["--no-cache"]).await;
    assert_eq!(code, 3, "every answer unscored: over the error budget");
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
