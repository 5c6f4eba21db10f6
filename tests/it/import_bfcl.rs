//! `evalgate import bfcl` on the committed BFCL sample (`tests/fixtures/bfcl`): the YAML it
//! writes, versions (v2 with new ids only, never an overwrite), bad input (exit 2), and the
//! imported dataset validated and run against a fake OpenAI-compatible model on 127.0.0.1
//! that answers with the ground truth (all pass) or a perturbed answer (those cases fail).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use evalgate::model::{Outcome, RunReport};
use serde_json::{Value, json};

use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::openai::{completion, last_user};
use crate::common::procs::evalgate;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bfcl")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn import(dir: &Path, extra: &[&str]) -> Output {
    let data = sample().display().to_string();
    let mut args = vec!["import", "bfcl", data.as_str(), "--into", "evals/bfcl"];
    args.extend_from_slice(extra);
    evalgate(&args, dir)
}

#[test]
fn the_written_yaml_states_the_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let o = import(
        dir.path(),
        &["--category", "simple_python", "--category", "parallel"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let yaml = std::fs::read_to_string(dir.path().join("evals/bfcl/v1.yaml")).unwrap();
    let yaml = yaml.split_once('\n').map(|(_, rest)| rest).unwrap();
    insta::assert_snapshot!(yaml);
}

#[test]
fn a_second_import_writes_v2_with_the_new_ids_only_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let first = import(dir.path(), &["--category", "simple_python"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let v1 = std::fs::read_to_string(dir.path().join("evals/bfcl/v1.yaml")).unwrap();
    let all = import(dir.path(), &[]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all));
    assert!(
        text(&all).contains("already in the dataset: 4"),
        "{}",
        text(&all)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("evals/bfcl/v1.yaml")).unwrap(),
        v1
    );
    let v2 = std::fs::read_to_string(dir.path().join("evals/bfcl/v2.yaml")).unwrap();
    // The whole dataset again, each id once: v1's cases as they were, then the new ones.
    assert!(v2.starts_with(v1.trim_end()), "v1's cases stay as they are");
    assert_eq!(v2.matches("- id: simple_python_0\n").count(), 1);
    assert_eq!(v2.matches("\n- id: ").count(), 18, "{v2}");
    let again = import(dir.path(), &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        text(&again).contains("nothing new to import"),
        "{}",
        text(&again)
    );
    assert!(!dir.path().join("evals/bfcl/v3.yaml").exists());
}

#[test]
fn bad_input_exits_2_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let missing = evalgate(
        &["import", "bfcl", "no-such-dir", "--into", "evals/bfcl"],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing).contains("no-such-dir: not a folder"),
        "{}",
        text(&missing)
    );
    let unknown = import(dir.path(), &["--category", "simple"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).contains("unknown category `simple`"),
        "{}",
        text(&unknown)
    );
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("BFCL_v4_irrelevance.json"), "{\"id\": \"x\",\n").unwrap();
    let o = evalgate(
        &["import", "bfcl", "broken", "--into", "evals/bfcl"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("BFCL_v4_irrelevance.json:1:11: not valid JSON"),
        "{}",
        text(&o)
    );
    assert!(!dir.path().join("evals/bfcl").exists());
}

/// Each sample question's ground-truth calls (the first acceptable value of each parameter,
/// dicts filled in the same way), by its last user message.
fn ground_truth() -> HashMap<String, Vec<(String, Value)>> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir(sample()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.ends_with(".json") {
            continue;
        }
        let answers: HashMap<String, Value> =
            std::fs::read_to_string(sample().join("possible_answer").join(&name))
                .unwrap_or_default()
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .map(|v| (v["id"].as_str().unwrap().to_string(), v))
                .collect();
        for line in std::fs::read_to_string(entry.path()).unwrap().lines() {
            let item: Value = serde_json::from_str(line).unwrap();
            let question = item["question"][0].as_array().unwrap();
            let user = question.iter().rev().find(|m| m["role"] == "user").unwrap();
            let calls = match answers.get(item["id"].as_str().unwrap()) {
                Some(a) => a["ground_truth"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        let (name, params) = c.as_object().unwrap().iter().next().unwrap();
                        (name.replace('.', "_"), pick(params))
                    })
                    .collect(),
                // Relevance: any call; irrelevance: none.
                None if name.contains("_relevance") => {
                    let f = item["function"][0]["name"].as_str().unwrap();
                    vec![(f.replace('.', "_"), json!({}))]
                }
                None => Vec::new(),
            };
            out.insert(user["content"].as_str().unwrap().to_string(), calls);
        }
    }
    out
}

/// `{param: [acceptable values]}` → `{param: first acceptable value}` (a dict's keys likewise).
fn pick(params: &Value) -> Value {
    let mut args = serde_json::Map::new();
    for (k, values) in params.as_object().unwrap() {
        let Some(v) = values.as_array().unwrap().iter().find(|v| *v != "") else {
            continue;
        };
        let v = match v {
            Value::Object(_) => pick(v),
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                Value::Array(items.iter().map(pick).collect())
            }
            other => other.clone(),
        };
        args.insert(k.clone(), v);
    }
    Value::Object(args)
}

fn project(dir: &Path, url: &str) {
    let config = format!(
        "version: 1\nagent:\n  url: {url}/v1/chat/completions\n  body: '{{\"model\": \"fake\", \"messages\": {{{{ messages | tojson }}}}, \"tools\": [{{% for t in case.tools %}}{{\"type\": \"function\", \"function\": {{{{ t | tojson }}}}}}{{% if not loop.last %}}, {{% endif %}}{{% endfor %}}]}}'\n  response:\n    output: /choices/0/message/content\n    tool_calls: /choices/0/message/tool_calls\nsuites:\n  - name: bfcl\n    dataset: bfcl\n    version: 1\npolicy:\n  metrics:\n    task_success: {{ floor: 1.0 }}\n"
    );
    std::fs::write(dir.join("evalgate.yaml"), config).unwrap();
}

fn run_report(dir: &Path) -> (Option<i32>, RunReport, String) {
    let o = evalgate(&["run", "--out", "out", "--progress", "quiet"], dir);
    let report =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/results.json")).unwrap())
            .unwrap();
    (o.status.code(), report, text(&o))
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_cases_pass_on_the_ground_truth_and_fail_on_a_perturbed_answer() {
    let truth = ground_truth();
    let answers = truth.clone();
    let model = FakeAgent::start(move |r| {
        let calls = answers
            .get(&last_user(&r.body))
            .cloned()
            .unwrap_or_default();
        // Offered the case's tools, as OpenAI's `tools`.
        assert!(r.body["tools"].is_array(), "{}", r.body);
        Reply::Json(completion(&calls, Some("done")))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &format!("http://{}", model.addr));
    let o = import(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = evalgate(&["validate"], dir.path());
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    let (code, report, out) = run_report(dir.path());
    let failed: Vec<&str> = report
        .cases
        .iter()
        .filter(|c| c.outcome != Outcome::Passed)
        .map(|c| c.case_id.as_str())
        .collect();
    assert_eq!(failed, Vec::<&str>::new(), "{out}");
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(report.cases.len(), 18);
    let with_tools = model
        .requests()
        .iter()
        .filter(|r| r.body["tools"][0]["function"]["name"].is_string())
        .count();
    assert_eq!(with_tools, 18, "every case offers its tools");

    // Perturbed: calls reversed (order-free cases still pass), an unexpected argument in the
    // single-call cases (BFCL rejects it), a call made where none should be.
    let perturbed = FakeAgent::start(move |r| {
        let mut calls = truth.get(&last_user(&r.body)).cloned().unwrap_or_default();
        calls.reverse();
        match calls.as_mut_slice() {
            [] => calls.push(("unrelated_tool".into(), json!({}))),
            [(_, Value::Object(args))] => {
                args.insert("unexpected_param".into(), json!(1));
            }
            _ => {}
        }
        Reply::Json(completion(&calls, None))
    })
    .await;
    project(dir.path(), &format!("http://{}", perturbed.addr));
    let (code, report, out) = run_report(dir.path());
    let mut passed: Vec<&str> = report
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Passed)
        .map(|c| c.case_id.as_str())
        .collect();
    passed.sort();
    assert_eq!(
        passed,
        [
            "live_parallel_0-0-0",
            "live_parallel_multiple_0-0-0",
            "live_relevance_0-0-0",
            "parallel_0",
            "parallel_178",
            "parallel_multiple_0",
        ],
        "{out}"
    );
    assert_eq!(code, Some(1), "{out}");
}
