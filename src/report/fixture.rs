//! The hand-built run every report snapshot renders: one suite, five cases (passed, failed
//! trajectory, failed response with a diff, errored, hostile agent text), fixed times.
//!
//! The verdict comes from `policy::evaluate` over these cases with [`policy`], so the fixture
//! cannot drift from what a real run would carry.

use serde_json::json;

use crate::model::{
    AlignKind, AlignRow, CaseError, CaseResult, CompositePolicy, DatasetRef, ErrorKind, Gate,
    MetricName, MetricPolicy, Outcome, PolicySpec, RunMeta, RunReport, SCHEMA_VERSION, Score,
    ScoreStatus, SliceFloor, ToolCall, Trajectory, TrajectoryChecks, TrajectoryMetrics,
    TrajectoryScore, Usage,
};

use MetricName::{ArgAccuracy, ResponseChecks, TaskSuccess, ToolF1, TrajectoryMatch};

/// The agent's answer in the hostile case: mentions, HTML, a fence that tries to close the
/// report's fence, a CDATA terminator, ANSI escapes and a bell.
pub const HOSTILE: &str = "Sure @org/team <img src=x onerror=alert(1)>\n```\n</details>\n# injected heading\n```\nend ]]> \u{1b}[31mred\u{1b}[0m \u{7}bell <script>alert(1)</script>";

pub fn report() -> RunReport {
    let cases = vec![
        passed(),
        failed_trajectory(),
        failed_response(),
        errored(),
        hostile(),
    ];
    let verdict = crate::policy::evaluate(&cases, &policy());
    RunReport {
        schema_version: SCHEMA_VERSION,
        meta: RunMeta {
            evalgate_version: "0.1.0".into(),
            started_at: "2026-11-20T10:00:00Z".into(),
            duration_ms: 125_400,
            git_sha: Some("4f1c2e9ab7d3".into()),
            config_path: "evalgate.yaml".into(),
            config_hash: "9f8e7d6c5b4a3210".into(),
            datasets: vec![DatasetRef {
                suite: "billing".into(),
                dataset: "billing".into(),
                version: 3,
                path: "evals/billing/v3.yaml".into(),
                cases: 5,
            }],
            concurrency: 4,
            trials: 1,
            filters: Vec::new(),
            judge_fingerprints: Default::default(),
        },
        verdict: Some(verdict),
        cases,
        judges: Vec::new(),
    }
}

/// A failing blocking floor, a failing composite, a failing tier slice and a warn slice.
pub fn policy() -> PolicySpec {
    let metric = |weight, floor, gate| MetricPolicy {
        weight,
        floor,
        max_drop: None,
        gate,
    };
    PolicySpec {
        metrics: [
            (TaskSuccess, metric(1.0, Some(0.8), Gate::Block)),
            (TrajectoryMatch, metric(0.5, None, Gate::Block)),
            (ResponseChecks, metric(0.5, Some(0.5), Gate::Warn)),
            (ToolF1, metric(0.0, Some(0.8), Gate::Block)),
        ]
        .into_iter()
        .collect(),
        composite: Some(CompositePolicy {
            floor: 0.6,
            gate: Gate::Block,
        }),
        slices: vec![
            SliceFloor {
                tag: None,
                tier: Some("critical".into()),
                metric: TaskSuccess,
                floor: 1.0,
                gate: Gate::Block,
            },
            SliceFloor {
                tag: Some("refund".into()),
                tier: None,
                metric: TaskSuccess,
                floor: 0.5,
                gate: Gate::Warn,
            },
        ],
        max_error_rate: 0.25,
    }
}

fn base(id: &str, line: u32, outcome: Outcome) -> CaseResult {
    CaseResult {
        suite: "billing".into(),
        case_id: id.into(),
        trial: 0,
        file: "evals/billing/v3.yaml".into(),
        line,
        tags: Vec::new(),
        tier: None,
        input: format!("input of {id}"),
        outcome,
        error: None,
        trajectory: None,
        trajectory_score: None,
        scores: Vec::new(),
        metrics: Default::default(),
        judge_metrics: Default::default(),
        duration_ms: 0,
        attempts: 1,
    }
}

fn trajectory(
    calls: Vec<ToolCall>,
    answer: &str,
    latency_ms: u64,
    tokens: (u64, u64),
) -> Trajectory {
    Trajectory {
        calls,
        final_response: Some(answer.into()),
        usage: Usage {
            prompt_tokens: Some(tokens.0),
            completion_tokens: Some(tokens.1),
            total_tokens: Some(tokens.0 + tokens.1),
            cost_usd: Some((tokens.0 + tokens.1) as f64 * 0.00001),
        },
        latency_ms,
    }
}

fn score(name: &str, status: ScoreStatus, blocking: bool, reason: &str) -> Score {
    Score {
        name: name.into(),
        status,
        value: None,
        blocking,
        reason: reason.into(),
        diff: None,
    }
}

fn row(kind: AlignKind, name: &str, expected: Option<usize>, actual: Option<usize>) -> AlignRow {
    AlignRow {
        kind,
        name: name.into(),
        expected,
        position: expected,
        actual,
        arg_score: actual.and(expected).map(|_| 1.0),
        differing_keys: Vec::new(),
        note: String::new(),
    }
}

fn traj_score(
    metrics: [f64; 5],
    in_order: bool,
    alignment: Vec<AlignRow>,
    explanation: &str,
) -> TrajectoryScore {
    let [recall, precision, f1, args, strict] = metrics;
    TrajectoryScore {
        metrics: TrajectoryMetrics {
            tool_recall: recall,
            tool_precision: precision,
            tool_f1: f1,
            arg_accuracy: args,
            strict_recall: strict,
            ordering: 1.0,
            efficiency: 1.0,
            redundant_calls: 0,
        },
        checks: TrajectoryChecks {
            exact: in_order,
            in_order,
            any_order: in_order,
            superset: in_order,
            subset: in_order,
            unordered: in_order,
            covers: in_order,
        },
        forbidden_called: Vec::new(),
        forbidden_calls: Vec::new(),
        alignment,
        explanation: explanation.into(),
    }
}

fn passed() -> CaseResult {
    let mut r = base("balance-lookup", 4, Outcome::Passed);
    r.tier = Some("critical".into());
    r.tags = vec!["account".into()];
    r.trajectory = Some(trajectory(
        vec![ToolCall::ok("lookup_account", json!({"account_id": "A-1"}))],
        "Your balance is $12.40.",
        800,
        (120, 30),
    ));
    r.trajectory_score = Some(traj_score(
        [1.0; 5],
        true,
        vec![row(AlignKind::Matched, "lookup_account", Some(0), Some(0))],
        "1 of 1 expected calls matched",
    ));
    r.scores = vec![
        score(
            "trajectory.in_order",
            ScoreStatus::Pass,
            true,
            "calls matched in order",
        ),
        score(
            "response.contains",
            ScoreStatus::Pass,
            true,
            "the response contains `balance`",
        ),
    ];
    r.metrics = [
        (TaskSuccess, 1.0),
        (TrajectoryMatch, 1.0),
        (ResponseChecks, 1.0),
        (ToolF1, 1.0),
        (ArgAccuracy, 1.0),
    ]
    .into();
    r.duration_ms = 812;
    r
}

fn failed_trajectory() -> CaseResult {
    let mut r = base("refund-over-limit-escalates", 12, Outcome::Failed);
    r.tier = Some("critical".into());
    r.tags = vec!["billing".into(), "refund".into(), "adversarial".into()];
    r.trajectory = Some(trajectory(
        vec![
            ToolCall::ok("lookup_account", json!({"account_id": "A-7"})),
            ToolCall::ok("fetch_invoice", json!({"invoice_id": "INV-2270"})),
            ToolCall::ok("issue_refund", json!({"amount": 740, "currency": "USD"})),
        ],
        "I've refunded $740 to your card.",
        2350,
        (900, 80),
    ));
    let mut wrong = row(AlignKind::WrongArgs, "fetch_invoice", Some(1), Some(1));
    wrong.arg_score = Some(0.0);
    wrong.differing_keys = vec!["invoice_id".into()];
    wrong.note = "expected `INV-2207`, got `INV-2270`".into();
    let mut extra = row(AlignKind::Extra, "issue_refund", None, Some(2));
    extra.note = "forbidden".into();
    let mut ts = traj_score(
        [2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 0.5, 1.0 / 3.0],
        false,
        vec![
            row(AlignKind::Matched, "lookup_account", Some(0), Some(0)),
            wrong,
            row(AlignKind::Missing, "escalate", Some(2), None),
            extra,
        ],
        "2 of 3 expected calls matched; `escalate` was never called; `issue_refund` is forbidden",
    );
    ts.forbidden_called = vec!["issue_refund".into()];
    r.trajectory_score = Some(ts);
    r.scores = vec![
        score(
            "trajectory.in_order",
            ScoreStatus::Fail,
            true,
            "expected `escalate` after `fetch_invoice`; it was never called",
        ),
        score(
            "trajectory.forbid",
            ScoreStatus::Fail,
            true,
            "`issue_refund` is forbidden and was called (call 3)",
        ),
        score(
            "response.contains",
            ScoreStatus::Fail,
            true,
            "expected the response to contain `escalat`",
        ),
    ];
    r.metrics = [
        (TaskSuccess, 0.0),
        (TrajectoryMatch, 0.0),
        (ResponseChecks, 0.0),
        (ToolF1, 2.0 / 3.0),
        (ArgAccuracy, 0.5),
    ]
    .into();
    r.duration_ms = 2410;
    r
}

fn failed_response() -> CaseResult {
    let mut r = base("greeting-tone", 31, Outcome::Failed);
    r.tags = vec!["chat".into()];
    r.trajectory = Some(trajectory(
        Vec::new(),
        "Hello! How can I help?\nHave a nice day.",
        640,
        (60, 12),
    ));
    let mut similarity = score(
        "response.similarity",
        ScoreStatus::Fail,
        true,
        "the response is 0.62 similar to the expected text, below 0.80",
    );
    similarity.value = Some(0.62);
    similarity.diff = Some(
        "--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n-Hi! How can I help you today?\n+Hello! How can I help?\n Have a nice day.\n"
            .into(),
    );
    r.scores = vec![
        similarity,
        score(
            "response.judge.helpfulness",
            ScoreStatus::Unscored,
            false,
            "judge `helpfulness` replied without a JSON object",
        ),
    ];
    r.metrics = [(TaskSuccess, 0.0), (ResponseChecks, 0.0)].into();
    r.duration_ms = 655;
    r
}

fn errored() -> CaseResult {
    let mut r = base("invoice-timeout", 47, Outcome::Error);
    r.tier = Some("critical".into());
    r.error = Some(CaseError {
        kind: ErrorKind::Timeout,
        message: "no answer within 30000 ms (4 attempts)".into(),
    });
    r.duration_ms = 120_500;
    r.attempts = 4;
    r
}

fn hostile() -> CaseResult {
    let mut r = base("hostile-echo", 58, Outcome::Failed);
    r.tags = vec!["security".into()];
    r.trajectory = Some(trajectory(
        vec![ToolCall::ok(
            "search",
            json!({"q": "]]> <script>x</script>"}),
        )],
        HOSTILE,
        910,
        (300, 95),
    ));
    r.trajectory_score = Some(traj_score(
        [1.0; 5],
        true,
        vec![row(AlignKind::Matched, "search", Some(0), Some(0))],
        "1 of 1 expected calls matched",
    ));
    let mut equals = score(
        "response.equals",
        ScoreStatus::Fail,
        true,
        "the response differs from the expected text: Sure @org/team <img src=x onerror=alert(1)> ]]>",
    );
    equals.diff = Some(format!(
        "--- expected\n+++ actual\n@@ -1 +1,6 @@\n-Sure.\n{}\n",
        HOSTILE
            .lines()
            .map(|l| format!("+{l}"))
            .collect::<Vec<_>>()
            .join("\n")
    ));
    r.scores = vec![
        score(
            "trajectory.in_order",
            ScoreStatus::Pass,
            true,
            "calls matched in order",
        ),
        equals,
    ];
    r.metrics = [
        (TaskSuccess, 0.0),
        (TrajectoryMatch, 1.0),
        (ResponseChecks, 0.0),
        (ToolF1, 1.0),
        (ArgAccuracy, 1.0),
    ]
    .into();
    r.duration_ms = 930;
    r
}

#[test]
fn the_fixture_covers_what_the_snapshots_need() {
    use crate::model::{RowStatus, VerdictStatus};
    let v = report().verdict.unwrap();
    assert_eq!(v.status, VerdictStatus::Fail);
    assert!(v.metrics.iter().any(|m| m.status == RowStatus::Fail));
    assert!(v.slices.iter().any(|s| s.status == RowStatus::Warn));
    assert_eq!(
        (v.counts.passed, v.counts.failed, v.counts.errored),
        (1, 3, 1)
    );
    assert!(!v.error_budget.exceeded);
}

/// The lines of `md` outside fenced code blocks (CommonMark: a fence closes only with a run of
/// backticks at least as long as the opening one).
pub fn outside_fences(md: &str) -> String {
    let mut out = String::new();
    let mut open: Option<usize> = None;
    for line in md.lines() {
        let ticks = line.len() - line.trim_start_matches('`').len();
        match open {
            None if ticks >= 3 => open = Some(ticks),
            None => {
                out.push_str(line);
                out.push('\n');
            }
            Some(n) if ticks >= n && line[ticks..].trim().is_empty() => open = None,
            Some(_) => {}
        }
    }
    assert!(open.is_none(), "a fence was left open");
    out
}
