//! `evalgate import tau2` on the committed τ²-bench sample (tests/fixtures/tau2/), then
//! `evalgate validate` and `evalgate run` against a fake OpenAI-compatible model on 127.0.0.1
//! that answers each case with τ²'s ground truth (every case passes) or with a perturbed answer
//! (exactly the cases τ²'s action check would fail, fail).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use evalgate::import::tau2::{UserScenario, input_text};
use evalgate::model::{Outcome, RunReport};
use serde_json::Value;

use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fake_judge::{Behaviour, FakeJudge};
use crate::common::openai;
use crate::common::procs::evalgate;

const DOMAINS: [&str; 4] = ["airline", "retail", "telecom", "mock"];

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tasks(domain: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "tests/fixtures/tau2/site-packages/tau2/data/tau2/domains/{domain}/tasks.json"
    ))
}

/// The agent's ground-truth calls per input text (τ²'s `assistant` actions, in order).
fn ground_truth() -> HashMap<String, Vec<(String, Value)>> {
    let mut out = HashMap::new();
    for d in DOMAINS {
        let list: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(tasks(d)).unwrap()).unwrap();
        for t in list {
            let scenario: UserScenario =
                serde_json::from_value(t["user_scenario"].clone()).unwrap();
            let calls = t["evaluation_criteria"]["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a["requestor"] != "user")
                .map(|a| {
                    (
                        a["name"].as_str().unwrap().to_string(),
                        a["arguments"].clone(),
                    )
                })
                .collect();
            out.insert(input_text(&scenario), calls);
        }
    }
    out
}

fn config(agent: &str, judge: &str) -> String {
    let suites: String = DOMAINS
        .iter()
        .map(|d| format!("  - {{ name: {d}, dataset: tau2-{d} }}\n"))
        .collect();
    format!(
        "version: 1\n{}suites:\n{suites}judges:\n  tau2_nl_assertion:\n    provider: openai\n    base_url: {judge}\n    model: judge\n    retry: {{ max_retries: 0 }}\n    timeout_ms: 5000\n",
        openai::agent_yaml(agent)
    )
}

/// A project with the four sample domains imported, and the rubric from examples/tau2/.
fn imported_project(dir: &Path) {
    for d in DOMAINS {
        let out = evalgate(
            &[
                "import",
                "tau2",
                &tasks(d).display().to_string(),
                "--into",
                &format!("evals/tau2-{d}"),
            ],
            dir,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let rubric = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/tau2/templates/judges/tau2_nl_assertion.md.j2");
    std::fs::create_dir_all(dir.join("templates/judges")).unwrap();
    std::fs::copy(rubric, dir.join("templates/judges/tau2_nl_assertion.md.j2")).unwrap();
}

fn run(dir: &Path) -> (i32, RunReport) {
    let o = evalgate(&["run", "--out", "out", "--progress", "quiet"], dir);
    let code = o.status.code().unwrap_or(-1);
    let report = std::fs::read_to_string(dir.join("out/results.json"))
        .unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    (code, serde_json::from_str(&report).unwrap())
}

fn outcomes(r: &RunReport) -> HashMap<String, Outcome> {
    r.cases
        .iter()
        .map(|c| (c.case_id.clone(), c.outcome))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_tau2_validates_and_runs_ground_truth_passes_perturbed_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    imported_project(root);
    let truth = ground_truth();
    let judge = FakeJudge::start(Behaviour::AlwaysPass);

    let t = truth.clone();
    let agent = FakeAgent::start(move |r| {
        let calls = t
            .get(&openai::last_user(&r.body))
            .cloned()
            .unwrap_or_default();
        Reply::Json(openai::completion(&calls, Some("Done.")))
    })
    .await;
    std::fs::write(
        root.join("evalgate.yaml"),
        config(&agent.url(), &judge.base_url()),
    )
    .unwrap();
    let v = evalgate(&["validate"], root);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    let (code, report) = run(root);
    let all = outcomes(&report);
    assert_eq!(all.len(), 10, "{all:?}");
    assert!(all.values().all(|o| *o == Outcome::Passed), "{all:?}");
    assert_eq!(code, 0);

    // Perturbed: the last call dropped (τ²: that action is not found → reward 0) and, in the
    // rest, integers sent as floats and an unrelated call added (τ²: still found → 1).
    let agent = FakeAgent::start(move |r| {
        let mut calls = truth
            .get(&openai::last_user(&r.body))
            .cloned()
            .unwrap_or_default();
        if calls.len() > 1 {
            calls.pop();
        }
        for (_, args) in calls.iter_mut() {
            for v in args
                .as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                if let Some(i) = v.as_i64() {
                    *v = serde_json::json!(i as f64);
                }
            }
        }
        calls.push((
            "get_weather".to_string(),
            serde_json::json!({"city": "Paris"}),
        ));
        Reply::Json(openai::completion(&calls, Some("Done.")))
    })
    .await;
    std::fs::write(
        root.join("evalgate.yaml"),
        config(&agent.url(), &judge.base_url()),
    )
    .unwrap();
    let (code, report) = run(root);
    let failed: Vec<String> = {
        let mut f: Vec<String> = outcomes(&report)
            .into_iter()
            .filter(|(_, o)| *o == Outcome::Failed)
            .map(|(id, _)| id)
            .collect();
        f.sort();
        f
    };
    // The cases with more than one agent action: airline 2 (4 actions), retail 71 (2), retail 0 (5).
    assert_eq!(failed, ["airline-2", "retail-0", "retail-71"], "{report:?}");
    assert_eq!(code, 1);
}

#[test]
fn validate_needs_the_judge_the_import_names_and_the_import_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = evalgate(
        &[
            "import",
            "tau2",
            &tasks("airline").display().to_string(),
            "--into",
            "evals/tau2-airline",
            "--judge",
            "policy",
        ],
        root,
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("imported 3 cases into evals/tau2-airline/v1.yaml"),
        "{said}"
    );
    assert!(
        said.contains("the judge `policy`: declare it under `judges:`"),
        "{said}"
    );
    std::fs::write(
        root.join("evalgate.yaml"),
        "version: 1\nagent:\n  url: http://127.0.0.1:9/agent\nsuites:\n  - { name: airline, dataset: tau2-airline }\n",
    )
    .unwrap();
    let v = evalgate(&["validate"], root);
    assert_eq!(v.status.code(), Some(2), "{}", text(&v));
    assert!(
        text(&v).contains("undeclared judge `policy`"),
        "{}",
        text(&v)
    );
}

#[test]
fn a_second_import_writes_nothing_and_a_new_domain_adds_only_new_ids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let import = |d: &str| {
        evalgate(
            &[
                "import",
                "tau2",
                &tasks(d).display().to_string(),
                "--into",
                "evals/tau2",
            ],
            root,
        )
    };
    assert_eq!(import("retail").status.code(), Some(0));
    let v1 = std::fs::read_to_string(root.join("evals/tau2/v1.yaml")).unwrap();
    let again = import("retail");
    assert_eq!(again.status.code(), Some(0));
    assert!(
        text(&again).contains("nothing new to import"),
        "{}",
        text(&again)
    );
    assert!(!root.join("evals/tau2/v2.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(root.join("evals/tau2/v1.yaml")).unwrap(),
        v1
    );

    let mock = import("mock");
    assert!(
        text(&mock).contains("imported 3 cases into evals/tau2/v2.yaml"),
        "{}",
        text(&mock)
    );
    let v2 = std::fs::read_to_string(root.join("evals/tau2/v2.yaml")).unwrap();
    assert!(v2.starts_with(v1.trim_end()), "v2 keeps v1's text");
    assert_eq!(v2.matches("- id: retail-").count(), 2);
    assert_eq!(v2.matches("- id: mock-").count(), 3);
}

#[test]
fn bad_inputs_exit_2_and_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let missing = evalgate(
        &["import", "tau2", "nope/tasks.json", "--into", "evals/t"],
        root,
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing).contains("nope/tasks.json: cannot read"),
        "{}",
        text(&missing)
    );

    std::fs::write(root.join("tasks.json"), "[\n  {\"id\": \"1\",,}\n]\n").unwrap();
    let bad = evalgate(&["import", "tau2", "tasks.json", "--into", "evals/t"], root);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("tasks.json:2:14:"), "{}", text(&bad));

    let domain = evalgate(
        &[
            "import",
            "tau2",
            &tasks("mock").display().to_string(),
            "--into",
            "evals/t",
            "--domain",
            "bank",
        ],
        root,
    );
    assert_eq!(domain.status.code(), Some(2));
    assert!(
        text(&domain)
            .contains("unknown domain `bank`; τ²-bench's domains: airline, retail, telecom, mock"),
        "{}",
        text(&domain)
    );
    assert!(!root.join("evals/t").exists(), "nothing written");
}
