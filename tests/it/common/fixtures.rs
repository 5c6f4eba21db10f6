//! Model fixtures built in code (no YAML): cases, an agent spec with test-sized timeouts and
//! retry delays, and a plan around them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use evalgate::model::{
    AgentSpec, ArgsSpec, Case, Expect, ExpectItem, ExpectedCall, HttpMethod, Input, MatchMode,
    Plan, PolicySpec, ResponseMapping, RetrySpec, RunSpec, SourceLoc, Suite, TrajectoryExpect,
};
use serde_json::{Value, json};

/// A single-turn case with no expectations.
pub fn case(id: &str, input: &str) -> Case {
    Case {
        id: id.into(),
        tags: Vec::new(),
        tier: None,
        input: Input::Text(input.into()),
        tools: Vec::new(),
        headers: Default::default(),
        expect: Expect::default(),
        source: None,
        review: None,
        fixtures: Vec::new(),
        loc: SourceLoc {
            file: "evals/fixture/v1.yaml".into(),
            line: 1,
        },
    }
}

/// A case expecting exactly these calls, in order, with these arguments.
pub fn case_expecting(id: &str, input: &str, calls: &[(&str, Value)]) -> Case {
    let mut c = case(id, input);
    c.expect.trajectory = Some(TrajectoryExpect {
        match_mode: Some(MatchMode::Exact),
        calls: calls
            .iter()
            .map(|(name, args)| {
                ExpectItem::Call(ExpectedCall {
                    name: (*name).into(),
                    args: Some(ArgsSpec::try_from(args.clone()).unwrap()),
                    ..ExpectedCall::default()
                })
            })
            .collect(),
        ..TrajectoryExpect::default()
    });
    c
}

/// An agent spec for tests: 2 s timeout, 2 retries with 10 ms base delay (max 2 s, so a
/// `Retry-After: 1` is honoured in full).
pub fn agent_spec(url: &str) -> AgentSpec {
    AgentSpec {
        url: url.into(),
        method: HttpMethod::Post,
        headers: BTreeMap::new(),
        body: None,
        body_file: None,
        response: ResponseMapping::default(),
        timeout_ms: 2_000,
        retry: RetrySpec {
            max_retries: 2,
            base_delay_ms: 10,
            max_delay_ms: 2_000,
        },
        max_response_bytes: evalgate::model::DEFAULT_MAX_RESPONSE_BYTES,
        start: None,
    }
}

/// A plan with one suite per `(name, cases)` entry.
pub fn plan(agent: AgentSpec, suites: Vec<(&str, Vec<Case>)>) -> Plan {
    Plan {
        config_path: "evalgate.yaml".into(),
        root: ".".into(),
        config_hash: "test".into(),
        agent,
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

/// The reply of a well-behaved agent: one tool call echoing the input, usage and cost.
pub fn good_reply(input: &str) -> Value {
    json!({
        "output": format!("done: {input}"),
        "tool_calls": [{"name": "lookup", "arguments": {"q": input}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
        "cost_usd": 0.001
    })
}
