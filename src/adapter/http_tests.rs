//! Unit tests of `HttpAgent` construction and request bodies (no network; the HTTP behaviour is
//! covered against a real local server in `tests/it/agent_http.rs`).

use std::collections::BTreeMap;

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::*;
use crate::model::{Expect, Input, SourceLoc};

fn spec(url: &str) -> AgentSpec {
    AgentSpec {
        url: url.into(),
        method: HttpMethod::Post,
        headers: BTreeMap::new(),
        body: None,
        body_file: None,
        response: ResponseMapping::default(),
        timeout_ms: 1_000,
        retry: RetrySpec::default(),
        max_response_bytes: crate::model::DEFAULT_MAX_RESPONSE_BYTES,
        start: None,
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn case(input: Input) -> Case {
    Case {
        id: "refund-1".into(),
        tags: vec!["billing".into(), "refund".into()],
        tier: Some("critical".into()),
        input,
        tools: Vec::new(),
        headers: Default::default(),
        expect: Expect::default(),
        source: None,
        review: None,
        fixtures: Vec::new(),
        loc: SourceLoc::default(),
    }
}

#[test]
fn a_missing_header_variable_names_header_and_variable() {
    let mut s = spec("http://127.0.0.1:9/agent");
    s.headers
        .insert("Authorization".into(), "Bearer ${AGENT_KEY}".into());
    let err = HttpAgent::new(&s, None, None, &no_env).unwrap_err();
    assert_eq!(
        err.to_string(),
        "header `Authorization` uses `${AGENT_KEY}`, but the environment variable `AGENT_KEY` is not set"
    );
}

#[test]
fn url_variables_are_expanded_and_never_shown() {
    let s = spec("http://127.0.0.1:9/${AGENT_PATH}/chat?key=${AGENT_URL_KEY}");
    let env = |name: &str| match name {
        "AGENT_PATH" => Some("v2".to_string()),
        "AGENT_URL_KEY" => Some("url-secret-123456".to_string()),
        _ => None,
    };
    let agent = HttpAgent::new(&s, None, None, &env).unwrap();
    assert_eq!(
        agent.url.as_str(),
        "http://127.0.0.1:9/v2/chat?key=url-secret-123456"
    );
    // Messages show the URL without its query, where such keys live.
    assert_eq!(agent.shown_url, "http://127.0.0.1:9/v2/chat");
    assert!(!format!("{agent:?}").contains("url-secret"));
    let err = HttpAgent::new(&s, None, None, &no_env).unwrap_err();
    assert_eq!(
        err.to_string(),
        "setting `agent.url` uses `${AGENT_PATH}`, but the environment variable `AGENT_PATH` is not set"
    );
}

#[test]
fn header_values_never_show_in_debug_or_errors() {
    let mut s = spec("http://user:pw@127.0.0.1:9/agent?token=abc");
    s.headers
        .insert("Authorization".into(), "Bearer ${AGENT_KEY}".into());
    let env = |k: &str| (k == "AGENT_KEY").then(|| "sk-live-123".to_string());
    let agent = HttpAgent::new(&s, None, None, &env).unwrap();
    let debug = format!("{agent:?}");
    assert!(debug.contains("authorization"), "{debug}");
    for secret in ["sk-live-123", "pw", "token=abc"] {
        assert!(!debug.contains(secret), "`{secret}` leaked: {debug}");
    }

    s.headers
        .insert("X-Bad".into(), "line1\nline2-${AGENT_KEY}".into());
    let err = HttpAgent::new(&s, None, None, &env)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("header `X-Bad` is invalid"), "{err}");
    assert!(
        !err.contains("sk-live-123") && !err.contains("line1"),
        "{err}"
    );
}

#[test]
fn urls_with_port_placeholders_and_bad_urls() {
    let agent = HttpAgent::new(
        &spec("http://127.0.0.1:{port}/run"),
        None,
        Some(4321),
        &no_env,
    )
    .unwrap();
    assert_eq!(agent.url.as_str(), "http://127.0.0.1:4321/run");

    let err =
        HttpAgent::new(&spec("http://127.0.0.1:{port}/run"), None, None, &no_env).unwrap_err();
    assert!(
        err.to_string()
            .contains("contains `{port}`, but no agent is started"),
        "{err}"
    );

    let err = HttpAgent::new(&spec("not a url?key=1"), None, None, &no_env).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid agent url `not a url`: relative URL without a base"
    );

    let err = HttpAgent::new(&spec("ftp://host/x"), None, None, &no_env).unwrap_err();
    assert!(
        err.to_string()
            .contains("scheme `ftp` is not supported; use `http` or `https`"),
        "{err}"
    );
}

#[test]
fn content_type_defaults_to_json_unless_set() {
    let agent = HttpAgent::new(&spec("http://127.0.0.1:9/"), None, None, &no_env).unwrap();
    assert_eq!(agent.headers[CONTENT_TYPE], "application/json");
    let mut s = spec("http://127.0.0.1:9/");
    s.headers
        .insert("Content-Type".into(), "application/vnd.agent+json".into());
    let agent = HttpAgent::new(&s, None, None, &no_env).unwrap();
    assert_eq!(agent.headers.get_all(CONTENT_TYPE).iter().count(), 1);
    assert_eq!(agent.headers[CONTENT_TYPE], "application/vnd.agent+json");
}

#[test]
fn default_body_carries_input_messages_and_case_id() {
    let agent = HttpAgent::new(&spec("http://127.0.0.1:9/"), None, None, &no_env).unwrap();
    let body = agent
        .render_body(&case(Input::Text("refund INV-1".into())), "s-1")
        .unwrap();
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        json!({"input": "refund INV-1", "messages": [{"role": "user", "content": "refund INV-1"}], "case_id": "refund-1"})
    );
}

#[test]
fn templates_see_input_messages_and_case() {
    let template = r#"{"q": {{ input | tojson }}, "n": {{ messages | length }}, "last_role": {{ messages[-1].role | tojson }}, "id": {{ case.id | tojson }}, "tags": {{ case.tags | tojson }}, "tier": {{ case.tier | tojson }}}"#;
    let agent =
        HttpAgent::new(&spec("http://127.0.0.1:9/"), Some(template), None, &no_env).unwrap();
    let input = Input::Messages(vec![
        Message {
            role: Role::User,
            content: "say \"hi\"\n".into(),
        },
        Message {
            role: Role::Assistant,
            content: "hi".into(),
        },
    ]);
    let body: Value =
        serde_json::from_str(&agent.render_body(&case(input), "s-1").unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"q": "say \"hi\"\n", "n": 2, "last_role": "assistant", "id": "refund-1",
               "tags": ["billing", "refund"], "tier": "critical"})
    );
}

#[test]
fn templates_see_the_turn_the_session_and_the_recorded_fixtures() {
    let template = r#"{"turn": {{ turn }}, "session": {{ session_id | tojson }}, "fixtures": {{ case.fixtures | tojson }}}"#;
    let agent =
        HttpAgent::new(&spec("http://127.0.0.1:9/"), Some(template), None, &no_env).unwrap();
    let mut c = case(Input::Text("refund INV-1".into()));
    c.fixtures = vec![crate::model::ToolCall {
        result: Some(json!({"amount": 740})),
        ..crate::model::ToolCall::ok("fetch_invoice", json!({"invoice_id": "INV-1"}))
    }];
    let body: Value =
        serde_json::from_str(&agent.render_body(&c, "refund-1-00ff").unwrap()).unwrap();
    assert_eq!(body["turn"], 1);
    assert_eq!(body["session"], "refund-1-00ff");
    assert_eq!(body["fixtures"][0]["name"], "fetch_invoice");
    assert_eq!(body["fixtures"][0]["result"], json!({"amount": 740}));
    // Each call is its own session.
    let (a, b) = (super::session_id(&c), super::session_id(&c));
    assert!(a.starts_with("refund-1-") && a != b, "{a} {b}");
}

#[test]
fn template_errors_are_setup_errors() {
    let err = HttpAgent::new(
        &spec("http://127.0.0.1:9/"),
        Some("{{ input "),
        None,
        &no_env,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("request body template does not compile:"),
        "{err}"
    );
    let err = HttpAgent::new(
        &spec("http://127.0.0.1:9/"),
        Some("{{ inptu }}"),
        None,
        &no_env,
    )
    .unwrap_err();
    assert!(err.to_string().contains("undefined"), "{err}");
}

#[test]
fn final_messages_count_attempts_and_quote_the_body() {
    let failure = Failure {
        kind: ErrorKind::HttpStatus,
        retryable: true,
        retry_after: None,
        detail: Detail::Status {
            status: StatusCode::SERVICE_UNAVAILABLE,
            body: "upstream down".into(),
        },
    };
    let e = failure.into_case_error(4);
    assert_eq!(e.kind, ErrorKind::HttpStatus);
    assert_eq!(
        e.message,
        "HTTP 503 Service Unavailable after 4 attempts: upstream down"
    );

    let failure = Failure {
        kind: ErrorKind::HttpStatus,
        retryable: false,
        retry_after: None,
        detail: Detail::Status {
            status: StatusCode::NOT_FOUND,
            body: String::new(),
        },
    };
    assert_eq!(
        failure.into_case_error(1).message,
        "HTTP 404 Not Found after 1 attempt"
    );
}
