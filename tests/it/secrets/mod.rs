//! Secret masking end to end (issue 9): an agent and a judge that echo every request header
//! and put the configured secrets, in every common encoding, into tool arguments, tool
//! results, answers and error bodies. No secret, nor its JSON-escaped, percent-encoded or
//! base64 form, may reach any file under `--out`, the judge cache, stdout/stderr, the prompt
//! the judge received, the step summary, `$GITHUB_OUTPUT` or the posted PR comment.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fake_judge::{Behaviour, FakeJudge, echo_headers};
use crate::common::judge_project::{Project, RUBRIC, walk};
use crate::gate::{evalgate, text};

/// A bearer token with the characters that encode differently: `/`, `+`, a space, a quote.
const BEARER: &str = "sk-bearer-Zq8/+Xy 0\"w~tail";
const BASIC_USER: &str = "robot";
const BASIC_PASSWORD: &str = "pa55-w0rd/Basic+9";
const JUDGE_KEY: &str = "sk-judge-Kd93/xx+yy==end";
const GITHUB_TOKEN: &str = "ghs_GitHubToken0123456789/+";

fn basic_pair() -> String {
    format!("{BASIC_USER}:{BASIC_PASSWORD}")
}

/// Every secret value the run knows, including the parts of the Basic credentials.
fn secrets() -> Vec<String> {
    vec![
        BEARER.into(),
        STANDARD.encode(basic_pair()),
        basic_pair(),
        BASIC_PASSWORD.into(),
        JUDGE_KEY.into(),
        GITHUB_TOKEN.into(),
    ]
}

fn percent(value: &str, plus_for_space: bool) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' if plus_for_space => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The forms a secret is echoed in: as is, inside a JSON string, percent-encoded (`%20` and
/// `+` styles), base64 (standard and URL-safe).
fn encodings(secret: &str) -> Vec<(&'static str, String)> {
    let json = serde_json::to_string(secret).unwrap();
    vec![
        ("raw", secret.to_string()),
        ("json-escaped", json[1..json.len() - 1].to_string()),
        ("url-encoded", percent(secret, false)),
        ("form-encoded", percent(secret, true)),
        ("base64", STANDARD.encode(secret)),
        ("base64url", URL_SAFE.encode(secret)),
    ]
}

/// Everything a leaky agent could say: the headers it got and every form of every secret.
fn leak(headers: &str) -> String {
    let mut out = format!("I was sent:\n{headers}\n");
    for s in secrets() {
        for (_, form) in encodings(&s) {
            out.push_str(&format!("{form}\n"));
        }
    }
    out
}

async fn leaky_agent() -> FakeAgent {
    FakeAgent::start(|r| {
        let said = leak(&echo_headers(&r.headers));
        match r.input.as_str() {
            "fails" => Reply::Status(500, said),
            "garbage" => Reply::Raw(format!("not json {said}")),
            // Fails its check, whose reason (quoting the answer) reaches the PR comment.
            "wrong" => Reply::Json(json!({"output": format!("{BEARER} {said}")})),
            _ => Reply::Json(json!({
                "output": format!("[good] here is everything: {said}"),
                "tool_calls": [{
                    "name": "login",
                    "arguments": {
                        "said": said,
                        "url": format!("https://api.example/?token={}", percent(BEARER, true)),
                        "basic": STANDARD.encode(basic_pair()),
                    },
                    "result": {"echo": said, JUDGE_KEY: GITHUB_TOKEN},
                }],
            })),
        }
    })
    .await
}

const CASES: &str = r#"
- id: echo
  input: "echo"
  expect:
    response:
      - judge: helpfulness
- id: fails
  input: "fails"
- id: garbage
  input: "garbage"
- id: wrong
  input: "wrong"
  expect:
    response:
      - contains: "refund"
"#;

fn config(agent_url: &str, judge_url: &str) -> String {
    format!(
        r#"version: 1
agent:
  url: {agent_url}
  headers:
    Authorization: "Bearer ${{EG_TEST_BEARER}}"
    X-Upstream-Auth: "Basic ${{EG_TEST_BASIC}}"
  retry: {{ max_retries: 0 }}
suites:
  - {{ name: support, dataset: support }}
policy:
  max_error_rate: 1.0
judges:
  helpfulness:
    provider: openai
    base_url: {judge_url}
    model: judge-1
    api_key_env: EG_TEST_JUDGE_KEY
    retry: {{ max_retries: 0 }}
    timeout_ms: 2000
"#
    )
}

fn event(dir: &Path) -> String {
    let p = dir.join("event.json");
    std::fs::write(
        &p,
        json!({
            "number": 7,
            "pull_request": {
                "number": 7,
                "head": {"sha": "abc123", "repo": {"full_name": "acme/agent"}},
                "base": {"repo": {"full_name": "acme/agent"}}
            },
            "repository": {"default_branch": "main"}
        })
        .to_string(),
    )
    .unwrap();
    p.to_string_lossy().into_owned()
}

/// Every secret form found in `haystack`, as `where: secret form`.
fn leaks(place: &str, haystack: &str) -> Vec<String> {
    let mut found = Vec::new();
    for s in secrets() {
        for (kind, form) in encodings(&s) {
            if haystack.contains(&form) {
                found.push(format!("{place}: {kind} form of `{s}`"));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_any_output_in_any_encoding() {
    let agent = leaky_agent().await;
    let judge = FakeJudge::start(Behaviour::EchoHeaders);
    let github = MockServer::start().await;
    // What GitHub answers the Actions `GITHUB_TOKEN` on `GET /user`.
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&github)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&github)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"id": 99, "body": "x", "user": {"login": "github-actions[bot]"}}),
        ))
        .mount(&github)
        .await;

    let p = Project::new(&agent, &judge, "");
    p.write("evalgate.yaml", &config(&agent.url(), &judge.base_url()));
    p.write("evals/support/v1.yaml", CASES);
    p.write("templates/judges/helpfulness.md.j2", RUBRIC);
    let actions = tempfile::tempdir().unwrap();
    let file = |n: &str| actions.path().join(n).to_string_lossy().into_owned();
    let (event, output, summary) = (event(actions.path()), file("output"), file("summary"));
    let basic = STANDARD.encode(basic_pair());
    let api = github.uri();
    let env = [
        ("EG_TEST_BEARER", BEARER),
        ("EG_TEST_BASIC", basic.as_str()),
        ("EG_TEST_JUDGE_KEY", JUDGE_KEY),
        ("GITHUB_TOKEN", GITHUB_TOKEN),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_API_URL", api.as_str()),
        ("GITHUB_REPOSITORY", "acme/agent"),
        ("GITHUB_EVENT_PATH", event.as_str()),
        ("GITHUB_OUTPUT", output.as_str()),
        ("GITHUB_STEP_SUMMARY", summary.as_str()),
        ("GITHUB_RUN_ID", "42"),
    ];
    let out = p.out().to_string_lossy().into_owned();
    let o = evalgate(
        &["run", "--progress", "lines", "--out", &out, "--comment"],
        p.root(),
        &env,
    );

    // The secrets were in play: sent to the agent and the judge, echoed back by both.
    let sent = agent.requests();
    assert_eq!(
        o.status.code(),
        Some(1),
        "the `wrong` case fails: {}",
        text(&o)
    );
    assert_eq!(sent.len(), 4, "{}", text(&o));
    assert_eq!(sent[0].headers["authorization"], format!("Bearer {BEARER}"));
    let seen = judge.seen();
    assert_eq!(seen.len(), 1, "{}", text(&o));
    assert_eq!(
        seen[0].headers["authorization"],
        format!("Bearer {JUDGE_KEY}")
    );
    let posted: Vec<String> = github
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            format!("{}\n{}", String::from_utf8_lossy(&r.body), v["body"])
        })
        .collect();
    assert_eq!(posted.len(), 1, "{}", text(&o));

    let mut found = Vec::new();
    // Everything under the project: `--out` and the judge cache (`.evalgate/cache`).
    let files = walk(p.root());
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains(".evalgate/cache/judges")),
        "the judge answer was cached: {files:?}"
    );
    for f in files {
        let body = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        found.extend(leaks(&f.display().to_string(), &body));
    }
    found.extend(leaks("stdout", &String::from_utf8_lossy(&o.stdout)));
    found.extend(leaks("stderr", &String::from_utf8_lossy(&o.stderr)));
    for s in &seen {
        found.extend(leaks("judge prompt", &s.prompt));
    }
    for (place, path) in [("step summary", &summary), ("$GITHUB_OUTPUT", &output)] {
        found.extend(leaks(place, &std::fs::read_to_string(path).unwrap()));
    }
    for body in &posted {
        found.extend(leaks("PR comment", body));
    }
    assert!(
        found.is_empty(),
        "leaked:\n{}\n{}",
        found.join("\n"),
        text(&o)
    );
    // … because they were masked, not because the echoes went missing.
    let results = std::fs::read_to_string(p.out().join("results.json")).unwrap();
    assert!(results.contains("***"), "{results}");
}

mod other_inputs;
