//! Hostile replies over real HTTP: too large (with and without `Content-Length`), compressed,
//! in an unknown encoding, a redirect loop, nested 100,000 deep; and, on the real binary, the
//! cap on text kept in reports (marker present, junit.xml valid against the JUnit schema).

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use evalgate::model::{CaseResult, ErrorKind, Outcome, ToolCall};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;

use crate::agent_http::run;
use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fixtures::{agent_spec, case, good_reply, plan};

const MIB: u64 = 1024 * 1024;

/// One case against an agent that always sends `reply`, with a 1 MiB reply limit.
async fn one(reply: Reply) -> (CaseResult, FakeAgent) {
    let fake = FakeAgent::always(reply).await;
    let mut spec = agent_spec(&fake.url());
    spec.max_response_bytes = MIB;
    let p = plan(spec, vec![("s", vec![case("c", "hello")])]);
    let mut results = run(&p, 1).await;
    (results.remove(0), fake)
}

/// The error of an errored run, with the fake's port replaced so snapshots are stable.
fn error(r: &CaseResult, fake: &FakeAgent) -> (ErrorKind, String) {
    assert_eq!(r.outcome, Outcome::Error, "{r:?}");
    let e = r.error.as_ref().unwrap();
    let message = e.message.replace(&fake.addr.port().to_string(), "PORT");
    (e.kind, message)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn a_reply_over_the_limit_is_an_error_named_by_its_size_and_not_retried() {
    let (r, fake) = one(Reply::Raw("x".repeat(3 * MIB as usize))).await;
    let (kind, message) = error(&r, &fake);
    assert_eq!(kind, ErrorKind::BadResponse);
    insta::assert_snapshot!(message, @"`http://127.0.0.1:PORT/agent`: the reply's Content-Length is 3145728 bytes (3.0 MiB), over `agent.max_response_bytes` of 1048576 bytes (1.0 MiB)");
    assert_eq!((r.attempts, fake.request_count()), (1, 1));

    // Streamed without a length: read up to the limit, then abandoned.
    let (r, fake) = one(Reply::Chunked {
        chunk: vec![b' '; 64 * 1024],
        times: 100,
    })
    .await;
    let (kind, message) = error(&r, &fake);
    assert_eq!(kind, ErrorKind::BadResponse);
    insta::assert_snapshot!(message, @"`http://127.0.0.1:PORT/agent`: the reply is larger than `agent.max_response_bytes` of 1048576 bytes (1.0 MiB); reading stopped there");
    assert_eq!((r.attempts, fake.request_count()), (1, 1));

    // An error status still decides, and is retried, when its body is too large to quote.
    let (r, fake) = one(Reply::Status(500, "x".repeat(2 * MIB as usize))).await;
    let (kind, message) = error(&r, &fake);
    assert_eq!(kind, ErrorKind::HttpStatus);
    insta::assert_snapshot!(message, @"HTTP 500 Internal Server Error after 3 attempts: (`http://127.0.0.1:PORT/agent`: the reply's Content-Length is 2097152 bytes (2.0 MiB), over `agent.max_response_bytes` of 1048576 bytes (1.0 MiB))");
    assert_eq!(fake.request_count(), 3);

    // Just under the limit, streamed: read whole.
    let body = good_reply("hello").to_string();
    let (r, _fake) = one(Reply::Chunked {
        chunk: body.into_bytes(),
        times: 1,
    })
    .await;
    assert_ne!(r.outcome, Outcome::Error, "{r:?}");
}

#[tokio::test]
async fn a_gzip_reply_is_decoded_and_only_decodable_encodings_are_asked_for() {
    let body = gzip(good_reply("hello").to_string().as_bytes());
    let (r, fake) = one(Reply::Encoded(
        vec![
            ("content-encoding", "gzip".into()),
            ("content-type", "application/json".into()),
        ],
        body,
    ))
    .await;
    assert_ne!(r.outcome, Outcome::Error, "{r:?}");
    let t = r.trajectory.unwrap();
    assert_eq!(t.final_response.as_deref(), Some("done: hello"));
    assert_eq!(t.calls, vec![ToolCall::ok("lookup", json!({"q": "hello"}))]);
    assert_eq!(
        fake.requests()[0].headers["accept-encoding"],
        "gzip, deflate"
    );

    // 64 MiB of spaces in ~64 KiB of gzip: refused once decoding passes the limit.
    let bomb = gzip(&vec![b' '; 64 * MIB as usize]);
    let (r, fake) = one(Reply::Encoded(
        vec![("content-encoding", "gzip".into())],
        bomb,
    ))
    .await;
    insta::assert_snapshot!(error(&r, &fake).1, @"`http://127.0.0.1:PORT/agent`: the reply's gzip body decodes to more than `agent.max_response_bytes` of 1048576 bytes (1.0 MiB); decoding stopped there");
}

#[tokio::test]
async fn an_unsupported_encoding_is_refused_clearly() {
    let (r, fake) = one(Reply::Encoded(
        vec![("content-encoding", "br".into())],
        b"\x0b\x02\x80{}\x03".to_vec(),
    ))
    .await;
    let (kind, message) = error(&r, &fake);
    assert_eq!(kind, ErrorKind::BadResponse);
    insta::assert_snapshot!(message, @"`http://127.0.0.1:PORT/agent`: the reply has `Content-Encoding: br`, which evalgate does not decode (it asks for `gzip, deflate`)");
    assert_eq!(fake.request_count(), 1, "not retried");
}

#[tokio::test]
async fn a_redirect_loop_is_one_chain_of_requests_and_no_retry() {
    let (r, fake) = one(Reply::Redirect("/agent".into())).await;
    let (kind, message) = error(&r, &fake);
    assert_eq!(kind, ErrorKind::HttpStatus);
    insta::assert_snapshot!(message, @"`http://127.0.0.1:PORT/agent` redirected more than 10 times (a redirect loop?); not retried");
    assert_eq!(r.attempts, 1);
    // The request and reqwest's 10 redirects; the spec allows 2 retries, none was made.
    assert_eq!(fake.request_count(), 11);
}

#[tokio::test]
async fn replies_nested_100000_deep_are_errors_not_crashes() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (r, fake) = one(Reply::Raw(deep)).await;
    let (kind, message) = error(&r, &fake);
    assert_eq!(kind, ErrorKind::BadResponse);
    insta::assert_snapshot!(message, @"reply is nested more than 127 levels deep (at line 1 column 128)");

    let arguments = format!("{}0{}", "[".repeat(100_000), "]".repeat(100_000));
    let (r, fake) = one(Reply::Json(json!({"output": null, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "search", "arguments": arguments}}
    ]})))
    .await;
    insta::assert_snapshot!(error(&r, &fake).1, @"tool call 0 at `/tool_calls`: `search`: its arguments string is nested more than 127 levels deep (at line 1 column 128)");
}

/// A project whose one case fails (the answer lacks `zzz`) against the agent at `url`.
fn capped_project(dir: &Path, url: &str) {
    let config = format!(
        "version: 1\nagent:\n  url: {url}\n  retry: {{ max_retries: 0 }}\nsuites:\n  - name: s\n    dataset: s\n"
    );
    std::fs::write(dir.join("evalgate.yaml"), config).unwrap();
    std::fs::create_dir_all(dir.join("evals/s")).unwrap();
    std::fs::write(
        dir.join("evals/s/v1.yaml"),
        "- id: long\n  input: hello\n  expect:\n    response:\n      - contains: zzz\n      - equals: short\n",
    )
    .unwrap();
}

#[tokio::test]
async fn report_text_is_capped_with_a_marker_and_junit_stays_valid() {
    // 1 MiB answers and tool arguments, control characters and `]]>` included.
    let answer = format!("start]]>\u{1}{}", "A".repeat(MIB as usize));
    let fake = FakeAgent::always(Reply::Json(json!({
        "output": answer,
        "tool_calls": [{"name": "search", "arguments": {"q": "B".repeat(MIB as usize)},
                        "result": "C".repeat(MIB as usize)}]
    })))
    .await;
    let project = tempfile::tempdir().unwrap();
    capped_project(project.path(), &fake.url());
    let out = project.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_evalgate"))
        .args(["run", "--progress", "lines", "--out"])
        .arg(&out)
        .current_dir(project.path())
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let long_run = |c: char| c.to_string().repeat(64 * 1024 + 1);
    for file in ["results.json", "cases.jsonl", "junit.xml", "report.md"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains("bytes cut"), "{file} has no cut marker");
        for c in ['A', 'B', 'C'] {
            assert!(
                !text.contains(&long_run(c)),
                "{file} keeps more than 64 KiB"
            );
        }
        assert!(
            text.len() < 2 * MIB as usize,
            "{file}: {} bytes",
            text.len()
        );
    }
    let results = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(results.contains(&format!("… {} bytes cut", MIB + 9 - 64 * 1024)));
    assert!(stderr.len() < 64 * 1024, "console: {} bytes", stderr.len());

    if Command::new("xmllint").arg("--version").output().is_err() {
        println!("notice: xmllint is not installed; skipping JUnit schema validation");
        return;
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/testdata/junit-10-ext.xsd");
    let lint = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(out.join("junit.xml"))
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
}
