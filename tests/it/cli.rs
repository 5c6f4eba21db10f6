//! The CLI contract on the real binary: exit codes, files written (or not), the demo end to end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use evalgate::model::{Outcome, RunReport, VerdictStatus};

use crate::common::procs::{command, evalgate};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A free loopback port nobody listens on (bound, read, released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn write(dir: &Path, rel: &str, body: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

const TWO_CASES: &str = r#"
- id: hello
  input: "hello"
  expect:
    response:
      - contains: "hi"
- id: refund
  tags: [billing]
  input: "refund INV-1"
  expect:
    trajectory:
      calls:
        - name: issue_refund
"#;

/// A project of [`TWO_CASES`] whose agent is a closed loopback port, retried `retries` times.
fn unreachable_project(retries: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let port = closed_port();
    write(
        dir.path(),
        "evalgate.yaml",
        &format!(
            "version: 1\nagent:\n  url: http://127.0.0.1:{port}/chat\n  retry: {{ max_retries: {retries}, base_delay_ms: 5, max_delay_ms: 10 }}\nsuites:\n  - name: s\n    dataset: s\n"
        ),
    );
    write(dir.path(), "evals/s/v1.yaml", TWO_CASES);
    dir
}

#[test]
fn the_demo_runs_end_to_end_and_passes_its_gate() {
    let out = tempfile::tempdir().unwrap();
    let o = evalgate(
        &[
            "run",
            "--out",
            out.path().to_str().unwrap(),
            "--progress",
            "lines",
        ],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in ["results.json", "cases.jsonl", "junit.xml", "report.md"] {
        assert!(out.path().join(f).is_file(), "{f} missing\n{}", text(&o));
    }
    let report: RunReport =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("results.json")).unwrap())
            .unwrap();
    assert!(report.cases.len() >= 30);
    assert_eq!(report.verdict.as_ref().unwrap().status, VerdictStatus::Pass);
    // The demo agent's flaws are caught: some cases fail, none errors.
    let failed = report
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .count();
    assert!(failed >= 3, "the flaws should fail some cases");
    assert!(
        report.cases.iter().all(|c| c.outcome != Outcome::Error),
        "{}",
        text(&o)
    );
    let lines = std::fs::read_to_string(out.path().join("cases.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), report.cases.len());
    assert!(report.meta.config_hash.len() >= 16);
    // The commit is probed on a thread while the cases run.
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|h| h.status.success());
    if let Some(head) = head {
        let sha = String::from_utf8_lossy(&head.stdout).trim().to_string();
        assert_eq!(report.meta.git_sha.as_deref(), Some(sha.as_str()));
    }
}

/// A plain local run skips rendering the PR comment, but a comment template the user names is
/// always rendered, so a broken one fails the run (exit 2) with no reports written.
#[test]
fn a_broken_comment_template_is_reported_even_without_a_baseline() {
    let dir = unreachable_project(0);
    write(
        dir.path(),
        "comment.md.j2",
        "line one\n{{ view.no_such_field }}\n",
    );
    let o = evalgate(
        &[
            "run",
            "--out",
            "out",
            "--progress",
            "quiet",
            "--comment-template",
            "comment.md.j2",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("2 | {{ view.no_such_field }}"),
        "{}",
        text(&o)
    );
    assert!(!dir.path().join("out/results.json").exists());
}

#[test]
fn validate_accepts_the_demo_config() {
    let o = evalgate(&["validate"], &repo_root());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("ok: evalgate.yaml"));
}

#[test]
fn a_config_error_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "evalgate.yaml",
        "version: 1\nagent:\n  url: http://127.0.0.1:9/chat\n  timeout_ms: soon\nsuites:\n  - name: s\n    dataset: s\n",
    );
    write(dir.path(), "evals/s/v1.yaml", TWO_CASES);
    let o = evalgate(&["run", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("evalgate.yaml:4:"), "{err}");
    assert!(err.contains("soon"), "{err}");
    assert!(
        !dir.path().join("out").exists(),
        "nothing may be written on a config error"
    );
}

#[test]
fn an_unreachable_agent_exits_3_with_every_case_an_error() {
    let dir = unreachable_project(1);
    let o = evalgate(&["run", "--out", "out", "--progress", "quiet"], dir.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let report: RunReport = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report.cases.len(), 2);
    assert!(report.cases.iter().all(|c| c.outcome == Outcome::Error));
    assert!(report.cases.iter().all(|c| c.attempts == 2));
    assert_eq!(report.verdict.unwrap().status, VerdictStatus::Error);
}

#[test]
fn filters_that_select_nothing_exit_4() {
    let o = evalgate(
        &["run", "--tag", "no-such-tag", "--out", "unused"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(!repo_root().join("unused").exists());
}

#[test]
fn an_unknown_suite_filter_is_a_usage_error() {
    let o = evalgate(&["run", "--suite", "nope", "--out", "unused"], &repo_root());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope"));
}

#[test]
fn help_documents_the_exit_codes() {
    let o = evalgate(&["run", "--help"], &repo_root());
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    for line in [
        "0  the gate passed",
        "3  infrastructure error",
        "4  the filters selected no case",
    ] {
        assert!(help.contains(line), "{help}");
    }
}

#[test]
fn score_reads_the_peers_example_pairs() {
    // The peers' example pairs (tests/fixtures/peers) use their own field names; convert to ours.
    let src = repo_root().join("tests/fixtures/peers/trajectory_pairs.example.jsonl");
    let Ok(body) = std::fs::read_to_string(&src) else {
        panic!("missing {}", src.display());
    };
    let dir = tempfile::tempdir().unwrap();
    let mut pairs = String::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let calls: Vec<_> = v["expected_tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| serde_json::json!({"name": t["name"], "args": t["arguments"]}))
            .collect();
        let pair = serde_json::json!({
            "id": v["id"],
            "expected": {"calls": calls, "args_mode": "exact"},
            "actual": v["actual_tools"],
        });
        pairs.push_str(&pair.to_string());
        pairs.push('\n');
    }
    write(dir.path(), "pairs.jsonl", &pairs);
    let o = evalgate(&["score", "pairs.jsonl"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        out.len(),
        body.lines().filter(|l| !l.trim().is_empty()).count()
    );
    let by_id = |id: &str| out.iter().find(|r| r["id"] == id).unwrap().clone();
    // Pinned against the peers' table (README "Cross-check"): optimal pairing gives recall 1 on
    // duplicate identical calls where DeepEval's default gives 0.5.
    assert_eq!(
        by_id("duplicate-identical-calls")["metrics"]["tool_recall"],
        1.0
    );
    assert_eq!(by_id("swapped-order")["metrics"]["ordering"], 0.5);
    assert_eq!(by_id("swapped-order")["checks"]["unordered"], true);
    assert_eq!(by_id("swapped-order")["checks"]["in_order"], false);
    assert_eq!(by_id("int-vs-float")["checks"]["exact"], true);
    assert_eq!(by_id("extra-call-superset")["checks"]["superset"], true);
    assert_eq!(
        by_id("extra-call-superset")["metrics"]["tool_precision"],
        0.5
    );
    assert_eq!(by_id("missing-call-subset")["checks"]["subset"], true);
    assert_eq!(by_id("both-empty")["metrics"]["tool_f1"], 1.0);
    assert_eq!(
        by_id("expected-empty-actual-some")["metrics"]["tool_precision"],
        0.0
    );
}

#[test]
fn score_reports_a_bad_line_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pairs.jsonl",
        "{\"id\": 1, \"expected\": {\"calls\": []}, \"actual\": []}\nnot json\n",
    );
    let o = evalgate(&["score", "pairs.jsonl"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("pairs.jsonl:2:"),
        "{}",
        text(&o)
    );
}

/// Ctrl-C during a run: exit 130, the started agent is stopped, finished cases stay on disk.
#[test]
fn ctrl_c_stops_the_started_agent() {
    let dir = tempfile::tempdir().unwrap();
    // A latency no other process uses, so the agent can be found by its command line.
    let marker = format!("{}", 40_000 + std::process::id() % 10_000);
    write(
        dir.path(),
        "evalgate.yaml",
        &format!(
            "version: 1\nagent:\n  url: http://127.0.0.1:{{port}}/chat\n  start:\n    command: [evalgate, demo-agent, --port, \"{{port}}\", --latency-ms, \"{marker}\"]\nsuites:\n  - name: s\n    dataset: s\n"
        ),
    );
    write(dir.path(), "evals/s/v1.yaml", TWO_CASES);
    let child = command()
        .args(["run", "--out", "out", "--progress", "quiet"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let agent_running = || {
        Command::new("pgrep")
            .args([
                "-f",
                &format!("demo-agent --port [0-9]+ --latency-ms {marker}"),
            ])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    // Wait until the agent is up and requests are in flight (each takes `marker` ms).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !agent_running() {
        assert!(
            std::time::Instant::now() < deadline,
            "the agent never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert!(!agent_running(), "the agent outlived evalgate");
    assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted"));
    assert!(
        !dir.path().join("out/results.json").exists(),
        "no report from a cut-short run"
    );
}
