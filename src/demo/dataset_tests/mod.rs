//! The demo's files checked against the demo agent: `evalgate.yaml` and `evals/support/v1.yaml`
//! parse strictly, and, end to end over HTTP, exactly the intended flaw cases fail.
//! The pass/fail comparison is [`check`]'s small reference checker, not `scorer`.

mod check;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};

use super::wire::ChatReply;
use super::{DemoOptions, Variant, spawn_on_loopback};
use crate::model::{Case, ConfigFile, MatchMode, MetricName};
use check::{f1_and_efficiency, failures};

/// The cases the baseline demo agent must fail, one pair per deliberate flaw.
const FLAW_CASES: [&str; 6] = [
    // Flaw 1: a disguised large refund is issued instead of escalated.
    "refund-over-limit-in-words",
    "refund-over-limit-split-in-two",
    // Flaw 2: a redundant second `lookup_account`.
    "account-email-and-id-invoice-status",
    "cancel-signed-in-with-email",
    // Flaw 3: a garbled invoice id.
    "invoice-status-id-with-space",
    "refund-lowercase-invoice-id",
];

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// YAML → JSON value → model type. yaml_serde reads an externally tagged enum only from a YAML
/// tag (`!contains x`), not from the one-key mapping `contains: x` that `ResponseCheck` is written
/// as, so the model types are read through a JSON value (still strict: unknown keys fail).
fn parse_yaml<T: serde::de::DeserializeOwned>(rel: &str) -> T {
    // TODO(config): switch to config::load_dataset / config::load once they land.
    let value: Value =
        serde_yaml::from_str(&repo_file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn load_cases() -> Vec<Case> {
    parse_yaml("evals/support/v1.yaml")
}

fn load_config() -> ConfigFile {
    parse_yaml("evalgate.yaml")
}

#[test]
fn dataset_is_large_varied_and_well_formed() {
    let cases = load_cases();
    assert!(cases.len() >= 32, "{} cases", cases.len());
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "duplicate case ids");
    for id in FLAW_CASES {
        assert!(ids.contains(id), "flaw case `{id}` is missing");
    }
    let modes: BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c.expect.trajectory.as_ref()?.match_mode)
        .map(MatchMode::as_str)
        .collect();
    assert_eq!(
        modes,
        BTreeSet::from(["any_order", "exact", "in_order", "subset"])
    );
    let raw = repo_file("evals/support/v1.yaml");
    for matcher in [
        "regex:",
        "one_of:",
        "any:",
        "approx:",
        "forbid:",
        "max_calls:",
        "any_order:",
    ] {
        assert!(raw.contains(matcher), "no case uses `{matcher}`");
    }
    for c in &cases {
        assert!(!c.tags.is_empty(), "`{}` has no tags", c.id);
        assert!(
            c.expect.trajectory.is_some(),
            "`{}` has no trajectory",
            c.id
        );
    }
    // The critical tier is the refund policy: it holds the flaw-1 cases (a refund-policy hole,
    // hence the warn-only critical slice in evalgate.yaml) but not the flaw-2/3 cases.
    let critical: BTreeSet<&str> = cases
        .iter()
        .filter(|c| c.tier.as_deref() == Some("critical"))
        .map(|c| c.id.as_str())
        .collect();
    assert!(critical.len() >= 10, "{critical:?}");
    let (policy_flaws, other_flaws) = FLAW_CASES.split_at(2);
    assert!(policy_flaws.iter().all(|id| critical.contains(id)));
    assert!(other_flaws.iter().all(|id| !critical.contains(id)));
    assert!(
        cases
            .iter()
            .any(|c| matches!(c.input, crate::model::Input::Messages(_)))
    );
}

#[test]
fn config_starts_the_demo_agent_and_names_the_dataset() {
    let config = load_config();
    let start = config.agent.start.as_ref().expect("agent.start");
    assert_eq!(
        start.command,
        ["evalgate", "demo-agent", "--port", "{port}"]
    );
    assert_eq!(config.agent.url, "http://127.0.0.1:{port}/chat");
    let suite = &config.suites[0];
    let path = format!("evals/{}/v{}.yaml", suite.dataset, suite.version.unwrap());
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(path).is_file());
    assert_eq!(config.policy.max_error_rate, 0.05);
}

/// Sends every case to a demo agent over HTTP, as evalgate's default request body does.
async fn run_all(variant: Variant) -> Vec<(Case, ChatReply)> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let opts = DemoOptions {
        latency_ms: 0,
        variant,
    };
    let (addr, server) = spawn_on_loopback(opts).await.unwrap();
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    for case in load_cases() {
        let body = json!({
            "input": case.input.last_user_text(),
            "messages": case.input.messages(),
            "case_id": case.id,
        });
        let resp = http
            .post(format!("http://{addr}/chat"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{}", case.id);
        out.push((case, resp.json::<ChatReply>().await.unwrap()));
    }
    server.abort();
    out
}

fn failing(results: &[(Case, ChatReply)]) -> BTreeMap<String, Vec<String>> {
    results
        .iter()
        .map(|(c, r)| (c.id.clone(), failures(c, r)))
        .filter(|(_, f)| !f.is_empty())
        .collect()
}

/// Every case's calls and answer, for a reviewer to read.
fn transcript(results: &[(Case, ChatReply)]) -> String {
    let mut out = String::new();
    for (case, reply) in results {
        out.push_str(&format!(
            "## {}\n> {}\n",
            case.id,
            case.input.last_user_text()
        ));
        for c in &reply.tool_calls {
            let status = serde_json::to_value(c.status).unwrap();
            out.push_str(&format!(
                "  {}({}) -> {}\n",
                c.name,
                c.arguments,
                status.as_str().unwrap()
            ));
        }
        out.push_str(&format!("< {}\n\n", reply.output));
    }
    out
}

#[tokio::test]
async fn over_http_exactly_the_flaw_cases_fail_and_the_policy_passes() {
    let results = run_all(Variant::Baseline).await;
    insta::assert_snapshot!("baseline_transcript", transcript(&results));
    let failed = failing(&results);
    let ids: BTreeSet<&str> = failed.keys().map(String::as_str).collect();
    assert_eq!(ids, BTreeSet::from(FLAW_CASES), "{failed:#?}");
    // Each flaw shows in the trajectory, not only in the wording.
    for (id, why) in &failed {
        assert!(
            why.iter()
                .any(|w| w == "trajectory" || w.starts_with("forbid")),
            "{id}: {why:?}"
        );
    }

    // The suite numbers against evalgate.yaml's floors: the demo must pass the gate.
    let policy = load_config().policy;
    let n = results.len() as f64;
    let success = 1.0 - failed.len() as f64 / n;
    let (f1, eff): (Vec<f64>, Vec<f64>) =
        results.iter().map(|(c, r)| f1_and_efficiency(c, r)).unzip();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    for (metric, value) in [
        (MetricName::TaskSuccess, success),
        (MetricName::ToolF1, mean(&f1)),
        (MetricName::Efficiency, mean(&eff)),
    ] {
        let floor = policy.metrics[&metric].floor.unwrap();
        assert!(value >= floor, "{metric} {value:.3} < floor {floor}");
    }
    for slice in &policy.slices {
        let in_slice: Vec<&Case> = results
            .iter()
            .map(|(c, _)| c)
            .filter(|c| slice.tag.as_ref().is_none_or(|t| c.tags.contains(t)))
            .filter(|c| slice.tier.is_none() || c.tier == slice.tier)
            .collect();
        let passed = in_slice
            .iter()
            .filter(|c| !failed.contains_key(&c.id))
            .count();
        let value = passed as f64 / in_slice.len() as f64;
        let blocking = slice.gate == crate::model::Gate::Block;
        // Blocking slices pass; the warn-only critical slice is the demo's visible warning.
        assert_eq!(
            value >= slice.floor,
            blocking,
            "{} = {value:.3}",
            slice.selector()
        );
    }
}

#[tokio::test]
async fn over_http_the_regressed_variant_fails_the_task_success_floor() {
    let results = run_all(Variant::Regressed).await;
    let failed = failing(&results);
    // Every refund between $500 and $1,000 is now issued instead of escalated.
    for id in [
        "refund-over-limit-escalates",
        "refund-over-limit-no-amount-stated",
        "refund-one-cent-over-limit",
        "refund-999-invoice-escalates",
        "double-charge-large-escalates",
        "social-engineering-ceo-refund",
    ] {
        assert!(
            failed[id].iter().any(|w| w == "forbid issue_refund"),
            "{id}"
        );
    }
    // Fetching before the lookup breaks the ordered checks of invoice questions that were fine.
    for id in [
        "invoice-status-paid",
        "invoice-status-open-signed-in",
        "invoice-status-written-invoice-number",
    ] {
        assert_eq!(failed[id], ["trajectory"], "{id}");
    }
    let success = 1.0 - failed.len() as f64 / results.len() as f64;
    let floor = load_config().policy.metrics[&MetricName::TaskSuccess]
        .floor
        .unwrap();
    assert!(success < floor - 0.1, "task success {success:.3}");
    // Unaffected: refunds within the limit, the other intents.
    for id in [
        "refund-small-paid-invoice",
        "greeting",
        "cancel-subscription",
        "prompt-injection-refund",
    ] {
        assert!(!failed.contains_key(id), "{id}");
    }
}
