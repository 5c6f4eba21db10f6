//! From production to regression test on the real binary: promote a failing trace from the
//! committed fixtures (real instrumentation output), then `evalgate run` it against the demo
//! agent; promote again and nothing changes; nothing unredacted is written or printed.

use std::path::{Path, PathBuf};
use std::process::Output;

use evalgate::model::{Outcome, Review, RunReport};

use crate::common::procs::evalgate;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/traces")
        .join(name)
        .display()
        .to_string()
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// PII planted in the fixture conversations (see tests/fixtures/traces/make_traces.py).
const PLANTED: [&str; 4] = [
    "jane.doe@example.com",
    "bob.smith@example.org",
    "ann@example.net",
    "4111 1111 1111 1111",
];

fn assert_clean(what: &str, text: &str) {
    for p in PLANTED {
        assert!(!text.contains(p), "`{p}` unredacted in {what}:\n{text}");
    }
}

/// A copy of the demo project (config + support v1) whose suite reads version 2.
fn demo_project(dir: &Path) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = std::fs::read_to_string(root.join("evalgate.yaml"))
        .unwrap()
        .replace("version: 1                #", "version: 2                #");
    assert!(
        config.contains("version: 2 "),
        "the demo config changed shape"
    );
    std::fs::write(dir.join("evalgate.yaml"), config).unwrap();
    std::fs::create_dir_all(dir.join("evals/support")).unwrap();
    std::fs::copy(
        root.join("evals/support/v1.yaml"),
        dir.join("evals/support/v1.yaml"),
    )
    .unwrap();
}

#[test]
fn failing_trace_is_promoted_then_run_against_the_demo_agent() {
    let dir = tempfile::tempdir().unwrap();
    demo_project(dir.path());
    let v1 = std::fs::read_to_string(dir.path().join("evals/support/v1.yaml")).unwrap();

    let out = evalgate(
        &[
            "promote",
            &fixture("genai.jsonl"),
            "--into",
            "evals/support",
        ],
        dir.path(),
    );
    let printed = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(printed.contains("selected             1"), "{printed}");
    assert!(
        printed.contains("redactions           email 2"),
        "{printed}"
    );
    assert!(printed.contains("cases written        1"), "{printed}");
    assert_clean("promote output", &printed);

    let v2_path = dir.path().join("evals/support/v2.yaml");
    let v2 = std::fs::read_to_string(&v2_path).unwrap();
    assert_clean("v2.yaml", &v2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("evals/support/v1.yaml")).unwrap(),
        v1,
        "old versions are never modified"
    );
    let cases = evalgate::config::load_dataset(&v2_path, &v2_path).unwrap();
    let promoted = cases.last().unwrap();
    assert!(promoted.id.starts_with("prod-"));
    assert_eq!(promoted.review, Some(Review::Pending));
    let id = promoted.id.clone();

    // The whole suite: a pending case alone has no metrics for the floors to check.
    let run = evalgate(&["run", "--out", "out", "--progress", "quiet"], dir.path());
    assert_eq!(
        run.status.code(),
        Some(0),
        "the pending case does not move the gate: {}",
        all_output(&run)
    );
    let report: RunReport = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report.cases.len(), cases.len());
    let result = report.cases.iter().find(|c| c.case_id == id).unwrap();
    assert_eq!(result.outcome, Outcome::Pending, "the demo agent answered");
    assert!(
        result.scores.iter().all(|s| !s.blocking),
        "a pending case is advisory"
    );
    // Pending is its own count everywhere a person reads one, never a pass.
    let counts = report.verdict.as_ref().unwrap().counts;
    assert_eq!(counts.pending, 1);
    assert_eq!(
        counts.passed + counts.failed + counts.errored + counts.pending,
        counts.cases
    );
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).unwrap();
    let tc = junit
        .find(&format!("name=\"{id}\""))
        .expect("the case is in junit.xml");
    let tc_end = tc + junit[tc..].find("</testcase>").unwrap();
    assert!(
        junit[tc..tc_end].contains("<skipped") && junit[tc..tc_end].contains("review: pending"),
        "junit.xml reports the pending case as skipped with the reason: {}",
        &junit[tc..tc_end]
    );
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(md.contains("1 pending review"), "{md}");
    assert!(result.trajectory.is_some());

    // Idempotent: the same traces again, and the same conversations from the other
    // instrumentation, add nothing and write no new version.
    for f in ["genai.jsonl", "openinference.json"] {
        let again = evalgate(
            &["promote", &fixture(f), "--into", "evals/support", "--all"],
            dir.path(),
        );
        let printed = all_output(&again);
        assert_eq!(again.status.code(), Some(0), "{printed}");
        assert_clean("second promote output", &printed);
        if f == "genai.jsonl" {
            assert!(printed.contains("cases written        3"), "{printed}");
        } else {
            assert!(
                printed.contains("nothing new: no version written"),
                "{printed}"
            );
            assert!(printed.contains("duplicates skipped   4"), "{printed}");
        }
    }
    assert!(dir.path().join("evals/support/v3.yaml").exists());
    assert!(!dir.path().join("evals/support/v4.yaml").exists());
    let v3 = std::fs::read_to_string(dir.path().join("evals/support/v3.yaml")).unwrap();
    assert_clean("v3.yaml", &v3);
    assert!(
        v3.contains("4000 00"),
        "the card number has a fake of its kind: {v3}"
    );
}

#[test]
fn promote_selects_by_attribute_and_rejects_bad_predicates() {
    let dir = tempfile::tempdir().unwrap();
    let out = evalgate(
        &[
            "promote",
            &fixture("openinference.json"),
            "--into",
            "evals/prod",
            "--where",
            "user.feedback = \"thumbs_down\"",
        ],
        dir.path(),
    );
    let printed = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(printed.contains("cases written        1"), "{printed}");
    assert_clean("promote output", &printed);
    let v1 = std::fs::read_to_string(dir.path().join("evals/prod/v1.yaml")).unwrap();
    assert!(v1.contains("where user.feedback = \"thumbs_down\"") || v1.contains("thumbs_down"));

    let bad = evalgate(
        &[
            "promote",
            &fixture("genai.jsonl"),
            "--into",
            "evals/prod",
            "--where",
            "score <",
        ],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2), "{}", all_output(&bad));
    assert!(!dir.path().join("evals/prod/v2.yaml").exists());

    let none = evalgate(
        &[
            "promote",
            &fixture("genai.jsonl"),
            "--into",
            "evals/prod",
            "--trace-id",
            "0000",
        ],
        dir.path(),
    );
    assert_eq!(none.status.code(), Some(4), "{}", all_output(&none));
}

#[test]
fn traces_export_prints_one_normalized_line_per_trace() {
    let dir = tempfile::tempdir().unwrap();
    let out = evalgate(&["traces", "export", &fixture("genai.jsonl")], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let first = &lines[0];
    for key in [
        "trace_id",
        "inputs",
        "calls",
        "final_response",
        "usage",
        "error",
    ] {
        assert!(first.get(key).is_some(), "missing `{key}` in {first}");
    }
    assert_eq!(first["calls"][2]["name"], "issue_refund");
    assert_eq!(first["calls"][2]["status"], "error");
    let missing = evalgate(&["traces", "export", "nope.jsonl"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn traces_score_reports_then_promote_takes_its_failures() {
    let dir = tempfile::tempdir().unwrap();
    let out = evalgate(
        &[
            "traces",
            "score",
            &fixture("openinference.json"),
            "--rules",
            &fixture("rules.yaml"),
            "--out",
            "scored",
        ],
        dir.path(),
    );
    let printed = all_output(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one trace breaks the refund rule: {printed}"
    );
    for f in ["results.json", "junit.xml", "report.md"] {
        assert!(dir.path().join("scored").join(f).exists(), "{f}");
    }
    let report: RunReport = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("scored/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report.cases.len(), 4);
    let failed: Vec<&str> = report
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .map(|c| c.case_id.as_str())
        .collect();
    assert_eq!(failed.len(), 1);

    let promoted = evalgate(
        &[
            "promote",
            &fixture("openinference.json"),
            "--into",
            "evals/prod",
            "--results",
            "scored/results.json",
        ],
        dir.path(),
    );
    assert_eq!(promoted.status.code(), Some(0), "{}", all_output(&promoted));
    let v1 = std::fs::read_to_string(dir.path().join("evals/prod/v1.yaml")).unwrap();
    assert!(v1.contains(failed[0]), "{v1}");
    assert!(v1.contains("failed `evalgate traces score`"), "{v1}");

    std::fs::write(
        dir.path().join("bad.yaml"),
        "rules:\n  - id: x\n    expect: {trajectory: {match: sometimes}}\n",
    )
    .unwrap();
    let bad = evalgate(
        &[
            "traces",
            "score",
            &fixture("genai.jsonl"),
            "--rules",
            "bad.yaml",
            "--out",
            "bad-out",
        ],
        dir.path(),
    );
    let printed = all_output(&bad);
    assert_eq!(bad.status.code(), Some(2), "{printed}");
    assert!(printed.contains("bad.yaml:3:"), "{printed}");
    assert!(
        !dir.path().join("bad-out").exists(),
        "nothing written on bad input"
    );
}

#[test]
fn parser_messages_about_bad_lines_are_redacted_too() {
    let dir = tempfile::tempdir().unwrap();
    // A JSONL line whose bad value is PII: serde quotes it in its message.
    std::fs::write(
        dir.path().join("t.jsonl"),
        "{\"resourceSpans\": \"jane.doe@example.com\"}\n",
    )
    .unwrap();
    let out = evalgate(
        &["promote", "t.jsonl", "--into", "evals/x", "--all"],
        dir.path(),
    );
    let printed = all_output(&out);
    assert!(printed.contains("t.jsonl:1:"), "{printed}");
    assert_clean("promote warnings", &printed);
}

#[test]
fn redaction_patterns_from_the_config_apply() {
    let dir = tempfile::tempdir().unwrap();
    demo_project(dir.path());
    let cfg = std::fs::read_to_string(dir.path().join("evalgate.yaml")).unwrap();
    std::fs::write(
        dir.path().join("evalgate.yaml"),
        format!("{cfg}\npromote:\n  redact:\n    - 'INV-\\d{{4}}'\n"),
    )
    .unwrap();
    let out = evalgate(
        &[
            "promote",
            &fixture("openinference.json"),
            "--into",
            "evals/support",
        ],
        dir.path(),
    );
    let printed = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(printed.contains("custom "), "{printed}");
    let v2 = std::fs::read_to_string(dir.path().join("evals/support/v2.yaml")).unwrap();
    let new_part = &v2[v2.find("# Promoted from production").unwrap()..];
    assert!(!new_part.contains("INV-2207"), "{new_part}");
    assert!(new_part.contains("[redacted:custom]"));

    std::fs::write(
        dir.path().join("evalgate.yaml"),
        format!("{cfg}\npromote:\n  redact:\n    - '(unclosed'\n"),
    )
    .unwrap();
    let bad = evalgate(
        &[
            "promote",
            &fixture("openinference.json"),
            "--into",
            "evals/support",
        ],
        dir.path(),
    );
    let printed = all_output(&bad);
    assert_eq!(bad.status.code(), Some(2), "{printed}");
    assert!(printed.contains("evalgate.yaml:"), "{printed}");
    assert!(printed.contains("`(unclosed`"), "{printed}");
    assert!(!dir.path().join("evals/support/v3.yaml").exists());
}
