//! The GitHub side against a fake GitHub API on 127.0.0.1 (wiremock): the sticky comment is
//! created once and then updated in place, found across pages, a 403 is only a warning, and
//! the baseline artifact is downloaded through the Actions API. Who owns the sticky comment is
//! in `github_owner.rs`; the fake and its Actions environment are in `common/fake_github.rs`.

use std::io::Write;

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::fake_github::{
    Actions, LOGIN, body_of, comment, comment_by, compare, compare_with, mount_user, requests,
};
use crate::gate::{demo_project, demo_results, text};

#[tokio::test]
async fn the_first_run_creates_the_comment_and_the_second_updates_it() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    mount_user(&server, LOGIN).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .and(header("authorization", "Bearer ghs_fake_t0ken_for_tests"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([comment(1, "an unrelated comment")])),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment_by(99, LOGIN, "x")))
        .mount(&server)
        .await;
    let o = compare(&actions);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("PR comment created (id 99)"),
        "{}",
        text(&o)
    );
    assert_eq!(
        requests(&server).await,
        [
            ("GET".into(), "/user".into()),
            (
                "GET".into(),
                "/repos/acme/agent/issues/7/comments?per_page=100".into()
            ),
            ("POST".into(), "/repos/acme/agent/issues/7/comments".into()),
        ]
    );
    let posted = body_of(&server.received_requests().await.unwrap()[2]);
    assert!(
        posted.starts_with("<!-- evalgate:evalgate.yaml -->\n## ❌ evalgate: fail"),
        "{posted}"
    );
    assert!(
        posted.contains("https://github.com/acme/agent/blob/abc123/evals/support/v1.yaml#L"),
        "{posted}"
    );
    assert!(
        posted.contains("[workflow run](https://github.com/acme/agent/actions/runs/42)"),
        "{posted}"
    );

    // Second run: the list now holds the comment posted above.
    server.reset().await;
    mount_user(&server, LOGIN).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            comment(1, "an unrelated comment"),
            comment_by(99, LOGIN, &posted)
        ])))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/agent/issues/comments/99"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comment(99, "x")))
        .mount(&server)
        .await;
    let o = compare(&actions);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("PR comment updated (id 99)"),
        "{}",
        text(&o)
    );
    assert_eq!(
        requests(&server).await,
        [
            ("GET".into(), "/user".into()),
            (
                "GET".into(),
                "/repos/acme/agent/issues/7/comments?per_page=100".into()
            ),
            (
                "PATCH".into(),
                "/repos/acme/agent/issues/comments/99".into()
            ),
        ],
        "updated in place, no second comment"
    );
    assert_eq!(
        body_of(&server.received_requests().await.unwrap()[2]),
        posted
    );
}

#[tokio::test]
async fn the_marker_is_found_past_the_first_hundred_comments() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    let page1: Vec<Value> = (1..=100)
        .map(|i| comment(i, &format!("comment {i}")))
        .collect();
    let mut page2: Vec<Value> = (101..=130)
        .map(|i| comment(i, &format!("comment {i}")))
        .collect();
    page2[17] = comment_by(118, LOGIN, "<!-- evalgate:evalgate.yaml -->\nold body");
    mount_user(&server, LOGIN).await;
    let next = format!(
        "<{}/repos/acme/agent/issues/7/comments?per_page=100&page=2>; rel=\"next\"",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page1)
                .insert_header("link", next.as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page2))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/agent/issues/comments/118"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comment(118, "x")))
        .mount(&server)
        .await;
    let o = compare(&actions);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        requests(&server).await,
        [
            ("GET".into(), "/user".into()),
            (
                "GET".into(),
                "/repos/acme/agent/issues/7/comments?per_page=100".into()
            ),
            (
                "GET".into(),
                "/repos/acme/agent/issues/7/comments?per_page=100&page=2".into()
            ),
            (
                "PATCH".into(),
                "/repos/acme/agent/issues/comments/118".into()
            ),
        ]
    );
}

#[tokio::test]
async fn a_403_is_a_warning_and_the_step_summary_still_has_the_report() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    mount_user(&server, LOGIN).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest"
        })))
        .mount(&server)
        .await;
    // The baseline against itself passes: the exit code must stay 0 despite the 403.
    let (_, base, _) = demo_results();
    let out = actions.file("out");
    let o = compare_with(&actions, base, &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("::warning::could not post the PR comment: GitHub answered 403: Resource not accessible by integration"),
        "{}",
        text(&o)
    );
    assert_eq!(
        requests(&server).await.len(),
        2,
        "GET /user, the 403; no create after it"
    );
    let summary = std::fs::read_to_string(actions.file("summary")).unwrap();
    assert!(
        summary.starts_with("<!-- evalgate:evalgate.yaml -->\n## ✅ evalgate: pass"),
        "{summary}"
    );
    let output = std::fs::read_to_string(actions.file("output")).unwrap();
    assert!(
        output
            .starts_with("verdict<<EVALGATE_EOF\npass\nEVALGATE_EOF\ncomposite<<EVALGATE_EOF\n0."),
        "{output}"
    );
    assert!(
        output.contains(&format!(
            "results<<EVALGATE_EOF\n{}\n",
            out.join("results.json").display()
        )),
        "{output}"
    );
}

#[tokio::test]
async fn annotations_mark_the_newly_failing_cases() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    let (project, base, head) = demo_results();
    let out = actions.file("out");
    let o = actions.run(
        &[
            "compare",
            head.to_str().unwrap(),
            base.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        project,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error file=evals/support/v1.yaml,line="))
        .collect();
    assert!(errors.len() >= 5, "{}", text(&o));
    assert!(
        requests(&server).await.is_empty(),
        "no --comment, no API call"
    );
}

fn zip_of(name: &str, contents: &[u8]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file(name, opts).unwrap();
        z.write_all(contents).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[tokio::test]
async fn the_baseline_artifact_is_downloaded_from_the_newest_successful_default_branch_run() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    let (_, base, _) = demo_results();
    let archive = zip_of("results.json", &std::fs::read(base).unwrap());
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/actions/artifacts"))
        .and(query_param("name", "evalgate-baseline"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 3,
            "artifacts": [
                {"id": 11, "name": "evalgate-baseline", "expired": false, "created_at": "2026-11-20T10:00:00Z",
                 "workflow_run": {"id": 501, "head_branch": "main"}},
                {"id": 12, "name": "evalgate-baseline", "expired": false, "created_at": "2026-11-21T10:00:00Z",
                 "workflow_run": {"id": 502, "head_branch": "main"}},
                {"id": 13, "name": "evalgate-baseline", "expired": false, "created_at": "2026-11-21T12:00:00Z",
                 "workflow_run": {"id": 503, "head_branch": "feature"}}
            ]
        })))
        .mount(&server)
        .await;
    // The newest main run failed; the one before succeeded.
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/actions/runs/502"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 502, "conclusion": "failure", "head_branch": "main"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/actions/runs/501"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 501, "conclusion": "success", "head_branch": "main"})),
        )
        .mount(&server)
        .await;
    let storage = format!("{}/storage/artifact-11.zip", server.uri());
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/actions/artifacts/11/zip"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", storage.as_str()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/storage/artifact-11.zip"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(archive))
        .mount(&server)
        .await;

    let dir = tempfile::tempdir().unwrap();
    demo_project(dir.path(), true);
    let o = actions.run(
        &[
            "run",
            "--progress",
            "quiet",
            "--out",
            "out",
            "--baseline-artifact",
            "evalgate-baseline",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("baseline: artifact `evalgate-baseline` (id 11) from workflow run 501"),
        "{}",
        text(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("REGRESSION"),
        "{}",
        text(&o)
    );
    let paths: Vec<String> = requests(&server)
        .await
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(
        paths,
        [
            "GET /repos/acme/agent/actions/artifacts?name=evalgate-baseline&per_page=100",
            "GET /repos/acme/agent/actions/runs/502",
            "GET /repos/acme/agent/actions/runs/501",
            "GET /repos/acme/agent/actions/artifacts/11/zip",
            "GET /storage/artifact-11.zip",
        ]
    );
}

#[tokio::test]
async fn without_a_usable_artifact_the_report_has_no_baseline_and_a_warning() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/actions/artifacts"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"total_count": 0, "artifacts": []})),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    demo_project(dir.path(), false);
    let o = actions.run(
        &[
            "run",
            "--progress",
            "quiet",
            "--out",
            "out",
            "--baseline-artifact",
            "evalgate-baseline",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "::warning::no artifact `evalgate-baseline` from a successful run on the default branch"
        ),
        "{}",
        text(&o)
    );
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(!md.contains("| base |"), "{md}");
}
