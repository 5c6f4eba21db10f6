//! The broken-input table on the real binary: every bad file evalgate reads is exit 2 with
//! `file:line:col`, never a crash, and nothing is written.
//!
//! A row starts from a small valid project and breaks one thing. Config rows run both
//! `validate` and `run --out out`: the same message, exit 2, and no `out` folder. The other rows
//! (`score`, `traces score`, `compare`, flags of `run`) run their own command. Every message is
//! pinned with insta; the deep rows nest 100,000 levels, which used to overflow the stack (exit
//! 134), so they need a process of their own to observe.

use std::process::Output;

use crate::common::procs::evalgate_env as evalgate;

const DEEP: usize = 100_000;

const CONFIG: &str = "\
version: 1
agent:
  url: http://127.0.0.1:9/chat
  timeout_ms: 1000
suites:
  - name: s
    dataset: s
";

const DATASET: &str = "\
- id: a
  input: hi
  expect:
    response:
      - contains: hi
";

const CONFIG_FILE: &str = "evalgate.yaml";
const DATASET_FILE: &str = "evals/s/v1.yaml";

fn flow(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

fn dashes(n: usize) -> String {
    format!("{}x", "- ".repeat(n))
}

/// One broken project: files over the valid one, and the environment it runs in.
struct Row {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    env: Vec<(&'static str, &'static str)>,
}

fn row(name: &'static str, files: Vec<(&'static str, Vec<u8>)>) -> Row {
    Row {
        name,
        files,
        env: Vec::new(),
    }
}

fn text(path: &'static str, body: impl Into<String>) -> (&'static str, Vec<u8>) {
    (path, body.into().into_bytes())
}

fn config_with(extra: &str) -> (&'static str, Vec<u8>) {
    text(CONFIG_FILE, format!("{CONFIG}{extra}"))
}

fn project(files: &[(&'static str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![text(CONFIG_FILE, CONFIG), text(DATASET_FILE, DATASET)];
    all.extend(files.iter().cloned());
    for (path, body) in all {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2, a positioned message, no panic or crash; returns the message.
fn assert_rejected(o: &Output, what: &str) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{what}: {err}"
    );
    assert!(err.len() < 4000, "{what}: a message of {} bytes", err.len());
    err
}

fn config_rows() -> Vec<Row> {
    let deep_json_case = format!(
        "[{{\"id\": \"a\", \"input\": \"hi\", \"expect\": {{\"response\": [{{\"json_schema\": {}}}]}}}}]\n",
        flow(DEEP)
    );
    let deep_config_json = format!(
        "{{\"version\": 1, \"agent\": {{\"url\": \"http://127.0.0.1:9/chat\", \"headers\": {}}}, \"suites\": []}}\n",
        flow(DEEP)
    );
    let mut bom_config = b"\xef\xbb\xbf".to_vec();
    bom_config.extend_from_slice(b"version: 1\nagent:\n  url: \"http://127.0.0.1:9/chat\n");
    let mut bad_utf8_dataset = DATASET.as_bytes().to_vec();
    bad_utf8_dataset.extend_from_slice(b"- id: b\n  input: caf\xe9\n");
    let mut bad_utf8_config = b"version: 1\n# r\xc3sum\xc3\xa9\n".to_vec();
    bad_utf8_config.extend_from_slice(&CONFIG.as_bytes()[11..]);
    let mega = "x".repeat(1 << 20);
    vec![
        row(
            "dataset_deep_flow_yaml",
            vec![text(
                DATASET_FILE,
                format!("- id: a\n  input: hi\n  expect:\n    response:\n      - json_schema: {}\n", flow(DEEP)),
            )],
        ),
        row(
            "dataset_deep_block_yaml",
            vec![text(
                DATASET_FILE,
                format!("- id: a\n  input: hi\n  expect:\n    response:\n      - json_schema:\n          {}\n", dashes(DEEP)),
            )],
        ),
        row(
            "dataset_deep_nested_maps",
            vec![text(
                DATASET_FILE,
                format!(
                    "- id: a\n  input: hi\n  expect:\n    response:\n      - json_schema: {}1{}\n",
                    "{a: ".repeat(DEEP),
                    "}".repeat(DEEP)
                ),
            )],
        ),
        row("dataset_deep_json", vec![text(DATASET_FILE, deep_json_case)]),
        row(
            "config_deep_flow_yaml",
            vec![config_with(&format!("run: {}\n", flow(DEEP)))],
        ),
        row(
            "config_deep_block_yaml",
            vec![config_with(&format!("policy:\n  {}\n", dashes(DEEP)))],
        ),
        row("config_deep_json", vec![text(CONFIG_FILE, deep_config_json)]),
        row("config_bom_then_error", vec![(CONFIG_FILE, bom_config)]),
        row("dataset_invalid_utf8", vec![(DATASET_FILE, bad_utf8_dataset)]),
        row("config_invalid_utf8", vec![(CONFIG_FILE, bad_utf8_config)]),
        row(
            "body_inline_undefined_variable",
            vec![text(
                CONFIG_FILE,
                CONFIG.replace(
                    "  timeout_ms: 1000\n",
                    "  timeout_ms: 1000\n  body: |\n    {\n      \"input\": {{ inptu | tojson }}\n    }\n",
                ),
            )],
        ),
        row(
            "body_file_unknown_filter",
            vec![
                text(
                    CONFIG_FILE,
                    CONFIG.replace("  timeout_ms: 1000\n", "  timeout_ms: 1000\n  body_file: body.j2\n"),
                ),
                text("body.j2", "{\n  \"input\": {{ input | to_json }},\n  \"id\": {{ case.id | tojson }}\n}\n"),
            ],
        ),
        row(
            "body_file_undefined_case_field",
            vec![
                text(
                    CONFIG_FILE,
                    CONFIG.replace("  timeout_ms: 1000\n", "  timeout_ms: 1000\n  body_file: body.j2\n"),
                ),
                text("body.j2", "{\"input\": {{ input | tojson }},\n \"id\": {{ case.name | tojson }}}\n"),
            ],
        ),
        row(
            "body_file_fails_on_the_sample_case",
            vec![
                text(
                    CONFIG_FILE,
                    CONFIG.replace("  timeout_ms: 1000\n", "  timeout_ms: 1000\n  body_file: body.j2\n"),
                ),
                text("body.j2", "{\"input\": {{ input | tojson }},\n \"last\": {{ messages[2].content | tojson }}}\n"),
            ],
        ),
        row(
            "report_template_undefined_variable",
            vec![
                config_with("report:\n  template: report.md.j2\n"),
                text("report.md.j2", "# Report\n\n{{ verdict.status }}\n"),
            ],
        ),
        row(
            "rubric_undefined_variable",
            vec![
                config_with("judges:\n  helpful:\n    provider: openai\n    base_url: http://127.0.0.1:9/v1\n    model: m\n    rubric: rubric.md.j2\n"),
                text("rubric.md.j2", "Question: {{ input }}\nAnswer: {{ answer }}\nReply PASS or FAIL.\n"),
            ],
        ),
        row(
            "unset_judge_api_key",
            vec![
                config_with("judges:\n  helpful:\n    provider: openai\n    base_url: http://127.0.0.1:9/v1\n    model: m\n    api_key_env: EVALGATE_TEST_UNSET_9F2C\n    rubric: rubric.md.j2\n"),
                text("rubric.md.j2", "Question: {{ input }}\nAnswer: {{ response }}\n"),
            ],
        ),
        row(
            "bad_header_name",
            vec![text(
                CONFIG_FILE,
                CONFIG.replace(
                    "  timeout_ms: 1000\n",
                    "  timeout_ms: 1000\n  headers:\n    \"X Api Key\": abc\n",
                ),
            )],
        ),
        Row {
            name: "bad_header_value_from_env",
            files: vec![text(
                CONFIG_FILE,
                CONFIG.replace(
                    "  timeout_ms: 1000\n",
                    "  timeout_ms: 1000\n  headers:\n    Authorization: \"Bearer ${EVALGATE_TEST_TOKEN}\"\n",
                ),
            )],
            env: vec![("EVALGATE_TEST_TOKEN", "s3cret\nX-Injected: 1")],
        },
        row(
            "unset_variable_in_header",
            vec![text(
                CONFIG_FILE,
                CONFIG.replace(
                    "  timeout_ms: 1000\n",
                    "  timeout_ms: 1000\n  headers:\n    Authorization: \"Bearer ${EVALGATE_TEST_UNSET_9F2C}\"\n",
                ),
            )],
        ),
        row(
            "case_header_name_invalid",
            vec![text(
                DATASET_FILE,
                "- id: a\n  input: hi\n  headers:\n    X-Ok: fine\n    \"Bad Name\": x\n",
            )],
        ),
        row(
            "case_header_uses_a_variable",
            vec![text(
                DATASET_FILE,
                "- id: a\n  input: hi\n  headers:\n    Authorization: \"Bearer ${TOKEN}\"\n",
            )],
        ),
        row(
            "unset_variable_in_agent_url",
            vec![text(
                CONFIG_FILE,
                CONFIG.replace(
                    "http://127.0.0.1:9/chat",
                    "\"http://127.0.0.1:9/chat?key=${EVALGATE_TEST_UNSET_9F2C}\"",
                ),
            )],
        ),
        row(
            "unset_variable_in_agent_env",
            vec![text(
                CONFIG_FILE,
                CONFIG
                    .replace("http://127.0.0.1:9/chat", "http://127.0.0.1:{port}/chat")
                    .replace(
                        "  timeout_ms: 1000\n",
                        "  timeout_ms: 1000\n  start:\n    command: [agent, --port, \"{port}\"]\n    env:\n      API_KEY: \"${EVALGATE_TEST_UNSET_9F2C}\"\n",
                    ),
            )],
        ),
        row(
            "megabyte_bad_value_in_config",
            vec![text(CONFIG_FILE, CONFIG.replace("timeout_ms: 1000", &format!("timeout_ms: {mega}")))],
        ),
        row(
            "megabyte_bad_case_id",
            vec![text(DATASET_FILE, DATASET.replace("id: a", &format!("id: \"a {mega}\"")))],
        ),
        row(
            "undeclared_judge_points_at_its_check",
            vec![text(
                DATASET_FILE,
                format!("{DATASET}- id: b\n  input: hi\n  expect:\n    response:\n      - contains: x\n      - judge: helpfulness\n"),
            )],
        ),
    ]
}

#[test]
fn every_broken_config_is_exit_2_at_its_place_in_validate_and_run() {
    for r in config_rows() {
        let dir = project(&r.files);
        let validate = evalgate(&["validate"], dir.path(), &r.env);
        let msg = assert_rejected(&validate, r.name);
        let run = evalgate(&["run", "--out", "out"], dir.path(), &r.env);
        assert_eq!(
            assert_rejected(&run, r.name),
            msg,
            "{}: run and validate differ",
            r.name
        );
        assert!(
            !dir.path().join("out").exists(),
            "{}: run wrote into --out",
            r.name
        );
        assert!(msg.contains(" --> "), "{}: no position in {msg}", r.name);
        insta::assert_snapshot!(r.name, msg);
    }
}

#[test]
fn a_byte_order_mark_is_read_past_in_every_file() {
    let bom = |s: &str| [b"\xef\xbb\xbf".as_slice(), s.as_bytes()].concat();
    let dir = project(&[
        (
            CONFIG_FILE,
            bom(&format!("{CONFIG}report:\n  template: report.md.j2\n")),
        ),
        (DATASET_FILE, bom(DATASET)),
        ("report.md.j2", bom("# {{ view | dash }}\n")),
    ]);
    let o = evalgate(&["validate"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("bom_validates", String::from_utf8_lossy(&o.stdout));

    let json = bom(
        r#"{"version": 1, "agent": {"url": "http://127.0.0.1:9/chat"}, "suites": [{"name": "s", "dataset": "s"}]}"#,
    );
    let dir = project(&[(CONFIG_FILE, json)]);
    let o = evalgate(&["validate"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let pairs =
        bom(r#"{"id": "p", "expected": {"calls": [{"name": "a"}]}, "actual": [{"name": "a"}]}"#);
    let dir = project(&[("pairs.jsonl", pairs)]);
    let o = evalgate(&["score", "pairs.jsonl"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[path = "broken_commands.rs"]
mod commands;
