//! The built-in demo checked with the real pipeline: `config::load` reads the root
//! `evalgate.yaml`, the runner sends every case over HTTP to the demo agent on 127.0.0.1:0, the
//! scorer and the policy decide. Exactly the deliberate flaw cases fail and the gate passes with
//! the critical-tier warning; the regressed variant breaks the gate.

use std::collections::BTreeSet;
use std::path::Path;

use evalgate::adapter::HttpAgent;
use evalgate::demo::{DemoOptions, Variant, spawn_on_loopback};
use evalgate::model::{
    CaseResult, Input, MatchMode, Outcome, Plan, RowStatus, ScoreStatus, VerdictStatus,
};
use evalgate::runner::{ExecOptions, Filter};

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

fn demo_plan() -> Plan {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("evalgate.yaml");
    evalgate::config::load(&config).unwrap_or_else(|e| panic!("{e}"))
}

async fn run_demo(variant: Variant) -> (Plan, Vec<CaseResult>) {
    let plan = demo_plan();
    let (addr, server) = spawn_on_loopback(DemoOptions {
        latency_ms: 0,
        variant,
    })
    .await
    .unwrap();
    let agent = HttpAgent::new(
        &plan.agent,
        plan.body_template.as_deref(),
        Some(addr.port()),
        &|_| None,
    )
    .unwrap();
    let selected = evalgate::runner::select(&plan, &Filter::default()).unwrap();
    let opts = ExecOptions {
        concurrency: 8,
        trials: 1,
    };
    let results = evalgate::runner::execute(&plan, &selected, &agent, &opts, |_| {}).await;
    server.abort();
    (plan, results)
}

fn failed_ids(results: &[CaseResult]) -> BTreeSet<&str> {
    results
        .iter()
        .filter(|r| r.outcome != Outcome::Passed)
        .map(|r| r.case_id.as_str())
        .collect()
}

/// Every case's calls and answer, for a reviewer to read.
fn transcript(results: &[CaseResult]) -> String {
    let mut out = String::new();
    for r in results {
        let t = r.trajectory.as_ref().expect("no errors in the demo");
        out.push_str(&format!("## {}\n> {}\n", r.case_id, r.input));
        for c in &t.calls {
            let status = serde_json::to_value(c.status).unwrap();
            out.push_str(&format!(
                "  {}({}) -> {}\n",
                c.name,
                c.arguments,
                status.as_str().unwrap()
            ));
        }
        out.push_str(&format!(
            "< {}\n\n",
            t.final_response.as_deref().unwrap_or("")
        ));
    }
    out
}

#[test]
fn the_dataset_is_large_varied_and_exercises_every_feature() {
    let plan = demo_plan();
    let cases = &plan.suites[0].cases;
    assert!(cases.len() >= 32, "{} cases", cases.len());
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert!(FLAW_CASES.iter().all(|id| ids.contains(id)));
    let modes: BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c.expect.trajectory.as_ref()?.match_mode)
        .map(MatchMode::as_str)
        .collect();
    assert_eq!(
        modes,
        BTreeSet::from(["any_order", "exact", "in_order", "subset"])
    );
    let raw = std::fs::read_to_string(plan.root.join(&plan.suites[0].path)).unwrap();
    for feature in [
        "regex:",
        "one_of:",
        "any:",
        "approx:",
        "forbid:",
        "max_calls:",
        "any_order:",
    ] {
        assert!(raw.contains(feature), "no case uses `{feature}`");
    }
    assert!(
        cases
            .iter()
            .all(|c| !c.tags.is_empty() && c.expect.trajectory.is_some())
    );
    assert!(cases.iter().any(|c| matches!(c.input, Input::Messages(_))));
    // The critical tier is the refund policy: it holds the flaw-1 cases (hence the warn-only
    // critical slice in evalgate.yaml) but not the flaw-2/3 cases.
    let critical: BTreeSet<&str> = cases
        .iter()
        .filter(|c| c.tier.as_deref() == Some("critical"))
        .map(|c| c.id.as_str())
        .collect();
    assert!(critical.len() >= 10, "{critical:?}");
    let (policy_flaws, other_flaws) = FLAW_CASES.split_at(2);
    assert!(policy_flaws.iter().all(|id| critical.contains(id)));
    assert!(other_flaws.iter().all(|id| !critical.contains(id)));
}

#[tokio::test]
async fn the_baseline_agent_fails_exactly_the_flaw_cases_and_passes_the_gate() {
    let (plan, results) = run_demo(Variant::Baseline).await;
    insta::assert_snapshot!("baseline_transcript", transcript(&results));
    assert_eq!(failed_ids(&results), BTreeSet::from(FLAW_CASES));
    // Each flaw shows in the trajectory, not only in the wording.
    for r in results.iter().filter(|r| r.outcome == Outcome::Failed) {
        assert!(
            r.scores
                .iter()
                .any(|s| s.name.starts_with("trajectory.") && s.status == ScoreStatus::Fail),
            "{}: {:?}",
            r.case_id,
            r.scores
        );
    }
    let verdict = evalgate::policy::evaluate(&results, &plan.policy);
    assert_eq!(
        verdict.status,
        VerdictStatus::Pass,
        "{:#?}",
        verdict.reasons
    );
    let critical = verdict
        .slices
        .iter()
        .find(|s| s.selector == "tier:critical")
        .unwrap();
    assert_eq!(
        critical.status,
        RowStatus::Warn,
        "the demo's visible warning"
    );
}

#[tokio::test]
async fn the_regressed_agent_breaks_the_refund_rule_and_fails_the_gate() {
    let (plan, results) = run_demo(Variant::Regressed).await;
    let by_id = |id: &str| results.iter().find(|r| r.case_id == id).unwrap();
    // Every refund between $500 and $1,000 is now issued instead of escalated.
    for id in [
        "refund-over-limit-escalates",
        "refund-over-limit-no-amount-stated",
        "refund-one-cent-over-limit",
        "refund-999-invoice-escalates",
        "double-charge-large-escalates",
        "social-engineering-ceo-refund",
    ] {
        let forbid = by_id(id)
            .scores
            .iter()
            .find(|s| s.name == "trajectory.forbid");
        assert_eq!(forbid.map(|s| s.status), Some(ScoreStatus::Fail), "{id}");
    }
    // Fetching before the lookup breaks the ordered checks of invoice questions.
    for id in ["invoice-status-paid", "invoice-status-open-signed-in"] {
        assert_eq!(by_id(id).outcome, Outcome::Failed, "{id}");
    }
    // Unaffected: refunds within the limit and the other intents.
    for id in [
        "refund-small-paid-invoice",
        "greeting",
        "cancel-subscription",
        "prompt-injection-refund",
    ] {
        assert_eq!(by_id(id).outcome, Outcome::Passed, "{id}");
    }
    let verdict = evalgate::policy::evaluate(&results, &plan.policy);
    assert_eq!(verdict.status, VerdictStatus::Fail);
    assert!(
        verdict.reasons.iter().any(|r| r.contains("task_success")),
        "{:#?}",
        verdict.reasons
    );
}
