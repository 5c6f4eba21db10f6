//! The broken-input table, continued: inputs of commands other than `validate` and `run`'s
//! config (`traces score` rules and trace files, `score` input, baselines, flags of `run`).

use super::{
    CONFIG, CONFIG_FILE, DEEP, assert_rejected, dashes, evalgate, flow, project, stderr, text,
};

/// A file of a broken project: its path and bytes.
type Files = Vec<(&'static str, Vec<u8>)>;

/// Rows for other commands: (name, files, args).
fn command_rows() -> Vec<(&'static str, Files, Vec<&'static str>)> {
    let deep_rules = format!(
        "rules:\n  - id: r\n    expect:\n      trajectory:\n        calls:\n          - name: a\n            args: {{ x: {} }}\n",
        flow(DEEP)
    );
    let deep_block_rules = format!(
        "rules:\n  - id: r\n    expect:\n      response:\n        - json_schema:\n            {}\n",
        dashes(DEEP)
    );
    // An attribute holding an array in an array…: 100,000 levels of JSON in all.
    let deep_trace = format!(
        "{{\"resourceSpans\": [{{\"resource\": {{\"attributes\": [{{\"key\": \"k\", \"value\": {}{}}}]}}}}]}}\n",
        "{\"arrayValue\": {\"values\": [".repeat(DEEP / 3),
        "]}}".repeat(DEEP / 3)
    );
    let deep_pair = format!(
        "{{\"id\": \"p\", \"expected\": {{}}, \"actual\": [{{\"name\": \"a\", \"arguments\": {}}}]}}\n",
        flow(DEEP)
    );
    let deep_results = format!("{{\"schema_version\": 1, \"extra\": {}}}\n", flow(DEEP));
    let mut bad_utf8_pairs = br#"{"id": "p", "expected": {}, "actual": []}"#.to_vec();
    bad_utf8_pairs.extend_from_slice(b"\n{\"id\": \"q\xff\"}\n");
    let judge_config = format!(
        "{CONFIG}judges:\n  helpful:\n    provider: openai\n    base_url: http://127.0.0.1:9/v1\n    model: m\n    rubric: rubric.md.j2\n"
    );
    let deep_labels = format!(
        "- {{input: q, response: r, label: pass, extra: {}}}\n",
        flow(DEEP)
    );
    vec![
        (
            "calibration_set_deep_flow",
            vec![
                text(CONFIG_FILE, judge_config),
                text("rubric.md.j2", "Q: {{ input }} A: {{ response }}\n"),
                text("evals/calibration/helpful.yaml", deep_labels),
            ],
            vec!["calibrate", "helpful"],
        ),
        (
            "rules_deep_flow",
            vec![text("rules.yaml", deep_rules)],
            vec!["traces", "score", "t.json", "--rules", "rules.yaml"],
        ),
        (
            "rules_deep_block",
            vec![text("rules.yaml", deep_block_rules)],
            vec!["traces", "score", "t.json", "--rules", "rules.yaml"],
        ),
        (
            "trace_file_deep_json",
            vec![text("t.json", deep_trace)],
            vec!["traces", "score", "t.json"],
        ),
        (
            "score_input_deep_json",
            vec![text("pairs.jsonl", deep_pair)],
            vec!["score", "pairs.jsonl"],
        ),
        (
            "score_input_invalid_utf8",
            vec![("pairs.jsonl", bad_utf8_pairs)],
            vec!["score", "pairs.jsonl"],
        ),
        (
            "baseline_deep_json",
            vec![text("base.json", deep_results)],
            vec!["run", "--out", "out", "--baseline", "base.json"],
        ),
        (
            "comment_template_undefined_variable",
            vec![text(
                "comment.md.j2",
                "## {{ view.title }}\n{{ verdict }}\n",
            )],
            vec!["run", "--out", "out", "--comment-template", "comment.md.j2"],
        ),
        (
            "comment_template_syntax_error",
            vec![text("comment.md.j2", "{% if view %}\nunclosed\n")],
            vec!["run", "--out", "out", "--comment-template", "comment.md.j2"],
        ),
        (
            "out_names_a_file",
            vec![text("out", "keep me\n")],
            vec!["run", "--out", "out"],
        ),
    ]
}

#[test]
fn every_other_broken_input_is_exit_2_and_writes_nothing() {
    for (name, files, args) in command_rows() {
        let dir = project(&files);
        let before: Option<Vec<u8>> = std::fs::read(dir.path().join("out")).ok();
        let o = evalgate(&args, dir.path(), &[]);
        let msg = assert_rejected(&o, name);
        let out = dir.path().join("out");
        match before {
            Some(bytes) => assert_eq!(std::fs::read(&out).unwrap(), bytes, "{name}: --out changed"),
            None => assert!(!out.exists(), "{name}: wrote into --out"),
        }
        assert!(
            !dir.path().join("evalgate-traces").exists(),
            "{name}: wrote traces reports"
        );
        insta::assert_snapshot!(name, msg);
    }
}

#[test]
fn score_passes_a_pairs_metadata_through() {
    let line = r#"{"id": "p", "category": "refund", "perturbation": {"kind": "swap"}, "expected": {"calls": [{"name": "a"}]}, "actual": [{"name": "a"}]}"#;
    let dir = project(&[text("pairs.jsonl", format!("{line}\n"))]);
    let o = evalgate(&["score", "pairs.jsonl"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["category"], "refund");
    assert_eq!(v["perturbation"]["kind"], "swap");
    assert_eq!(v["metrics"]["tool_f1"], 1.0);
    let bad = r#"{"id": "p", "expected": {"calls": [], "category": "x"}, "actual": []}"#;
    let dir = project(&[text("pairs.jsonl", format!("{bad}\n"))]);
    let o = evalgate(&["score", "pairs.jsonl"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown field `category`"),
        "{}",
        stderr(&o)
    );
}
