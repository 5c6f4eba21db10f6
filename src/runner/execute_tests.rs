//! Unit tests of `execute` with an in-process fake agent (no network): every case × trial
//! runs, results come back in report order whatever the completion order, concurrency stays
//! bounded, an empty selection is an empty run. `case` and `plan` are also used by `select`'s
//! tests, hence `pub(crate)`.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::adapter::AgentReply;
use crate::model::{
    AgentSpec, Case, CaseError, ErrorKind, Expect, HttpMethod, Input, PolicySpec, ResponseMapping,
    RetrySpec, RunSpec, SourceLoc, Suite, Trajectory,
};
use crate::runner::{Filter, select};

pub(crate) fn case(id: &str, tags: &[&str]) -> Case {
    Case {
        id: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        tier: None,
        input: Input::Text(format!("input of {id}")),
        tools: Vec::new(),
        headers: Default::default(),
        expect: Expect::default(),
        source: None,
        review: None,
        fixtures: Vec::new(),
        loc: SourceLoc::default(),
    }
}

pub(crate) fn plan(suites: Vec<(&str, Vec<Case>)>) -> Plan {
    Plan {
        config_path: "evalgate.yaml".into(),
        root: ".".into(),
        config_hash: String::new(),
        agent: AgentSpec {
            url: "http://127.0.0.1:9/".into(),
            method: HttpMethod::Post,
            headers: Default::default(),
            body: None,
            body_file: None,
            response: ResponseMapping::default(),
            timeout_ms: 1_000,
            retry: RetrySpec::default(),
            max_response_bytes: crate::model::DEFAULT_MAX_RESPONSE_BYTES,
            start: None,
        },
        body_template: None,
        suites: suites
            .into_iter()
            .map(|(name, cases)| Suite {
                name: name.into(),
                dataset: name.into(),
                version: 1,
                path: PathBuf::from(format!("evals/{name}/v1.yaml")),
                cases,
            })
            .collect(),
        run: RunSpec::default(),
        policy: PolicySpec::default(),
        report_template: None,
        judges: Default::default(),
    }
}

/// Answers after a delay that shrinks with the case id's last digit (so completion order
/// differs from plan order); ids starting with `err` fail. Tracks peak concurrency.
#[derive(Default)]
struct FakeAgent {
    /// Delay per step of `10 - last digit`, in ms (0 is treated as 1).
    step_ms: u64,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    calls: AtomicUsize,
}

impl Agent for FakeAgent {
    fn call(&self, case: &Case) -> impl Future<Output = AgentReply> + Send {
        let id = case.id.clone();
        async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            let digit = id.chars().last().and_then(|c| c.to_digit(10)).unwrap_or(0);
            tokio::time::sleep(Duration::from_millis(
                u64::from(10 - digit) * self.step_ms.max(1),
            ))
            .await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            let result = if id.starts_with("err") {
                Err(CaseError {
                    kind: ErrorKind::Timeout,
                    message: "no reply".into(),
                })
            } else {
                Ok(Trajectory {
                    final_response: Some(format!("answer to {id}")),
                    ..Trajectory::default()
                })
            };
            AgentReply {
                result,
                attempts: 2,
                duration_ms: 7,
            }
        }
    }
}

#[tokio::test]
async fn runs_every_case_and_trial_and_returns_them_in_report_order() {
    let mut c = case("b2", &["x"]);
    c.loc = SourceLoc {
        file: "evals/one/v3.yaml".into(),
        line: 12,
    };
    let p = plan(vec![
        ("zeta", vec![c, case("a1", &[]), case("err3", &[])]),
        ("alpha", vec![case("c4", &[])]),
    ]);
    let sel = select(&p, &Filter::default()).unwrap();
    let agent = FakeAgent::default();
    let mut events = Vec::new();
    let results = execute(
        &p,
        &sel,
        &agent,
        &ExecOptions {
            concurrency: 3,
            trials: 2,
        },
        |e| {
            events.push(match e {
                Event::Started { runs } => format!("started {runs}"),
                Event::CaseFinished {
                    result,
                    done,
                    total,
                } => {
                    format!("{done}/{total} {}#{}", result.case_id, result.trial)
                }
            })
        },
    )
    .await;

    let order: Vec<String> = results
        .iter()
        .map(|r| format!("{}/{}#{}", r.suite, r.case_id, r.trial))
        .collect();
    assert_eq!(
        order,
        [
            "zeta/a1#0",
            "zeta/a1#1",
            "zeta/b2#0",
            "zeta/b2#1",
            "zeta/err3#0",
            "zeta/err3#1",
            "alpha/c4#0",
            "alpha/c4#1"
        ],
        "suite in plan order, then case id, then trial"
    );
    assert_eq!(agent.calls.load(Ordering::SeqCst), 8);
    assert_eq!(events[0], "started 8");
    assert_eq!(events.len(), 9);
    for (i, e) in events[1..].iter().enumerate() {
        assert!(e.starts_with(&format!("{}/8 ", i + 1)), "{e}");
    }

    let b2 = &results[2];
    assert_eq!(b2.outcome, Outcome::Passed);
    assert_eq!((b2.file.to_str(), b2.line), (Some("evals/one/v3.yaml"), 12));
    assert_eq!(b2.tags, ["x"]);
    assert_eq!(b2.input, "input of b2");
    assert_eq!((b2.duration_ms, b2.attempts), (7, 2));
    assert_eq!(
        b2.trajectory
            .as_ref()
            .and_then(|t| t.final_response.as_deref()),
        Some("answer to b2")
    );
    assert_eq!(
        results[0].file,
        PathBuf::from("evals/zeta/v1.yaml"),
        "falls back to the suite file"
    );

    let err = &results[4];
    assert_eq!(err.outcome, Outcome::Error);
    assert_eq!(err.error.as_ref().map(|e| e.kind), Some(ErrorKind::Timeout));
    assert!(err.trajectory.is_none() && err.scores.is_empty() && err.metrics.is_empty());
}

#[tokio::test]
async fn completion_order_is_not_report_order() {
    // Later cases answer faster, so with enough concurrency they finish first.
    let p = plan(vec![(
        "s",
        (1..=5).map(|i| case(&format!("c{i}"), &[])).collect(),
    )]);
    let sel = select(&p, &Filter::default()).unwrap();
    let mut finished = Vec::new();
    let results = execute(
        &p,
        &sel,
        &FakeAgent::default(),
        &ExecOptions {
            concurrency: 5,
            trials: 1,
        },
        |e| {
            if let Event::CaseFinished { result, .. } = e {
                finished.push(result.case_id.clone());
            }
        },
    )
    .await;
    assert_eq!(finished, ["c5", "c4", "c3", "c2", "c1"]);
    let ids: Vec<&str> = results.iter().map(|r| r.case_id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let p = plan(vec![(
        "s",
        (0..20).map(|i| case(&format!("c{i}"), &[])).collect(),
    )]);
    let sel = select(&p, &Filter::default()).unwrap();
    for concurrency in [1, 4] {
        let agent = FakeAgent::default();
        let results = execute(
            &p,
            &sel,
            &agent,
            &ExecOptions {
                concurrency,
                trials: 1,
            },
            |_| {},
        )
        .await;
        assert_eq!(results.len(), 20);
        assert_eq!(agent.peak.load(Ordering::SeqCst), concurrency);
    }
    let agent = FakeAgent::default();
    execute(
        &p,
        &sel,
        &agent,
        &ExecOptions {
            concurrency: 0,
            trials: 0,
        },
        |_| {},
    )
    .await;
    assert_eq!(agent.calls.load(Ordering::SeqCst), 20, "0 trials means 1");
    assert_eq!(
        agent.peak.load(Ordering::SeqCst),
        1,
        "0 concurrency means 1"
    );
}

#[tokio::test]
async fn nothing_selected_is_an_empty_run() {
    let p = plan(vec![("s", vec![case("a", &[])])]);
    let mut started = None;
    let results = execute(
        &p,
        &[],
        &FakeAgent::default(),
        &ExecOptions {
            concurrency: 2,
            trials: 3,
        },
        |e| {
            if let Event::Started { runs } = e {
                started = Some(runs);
            }
        },
    )
    .await;
    assert!(results.is_empty());
    assert_eq!(started, Some(0));
}
