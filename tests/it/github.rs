//! The GitHub side against a fake GitHub API on 127.0.0.1 (wiremock): the sticky comment is
//! created once and then updated in place, found across pages, a 403 is only a warning, and
//! the baseline artifact is downloaded through the Actions API. Who owns the sticky comment is
//! in `github_owner.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::gate::{demo_project, demo_results, evalgate, text};

const REPO: &str = "acme/agent";

/// A temp dir with the event payload and empty workflow files, and the env pointing at them.
pub struct Actions {
    dir: tempfile::TempDir,
    api: String,
}

impl Actions {
    pub fn new(server: &MockServer) -> Actions {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("event.json"),
            json!({
                "number": 7,
                "pull_request": {
                    "number": 7,
                    "head": {"sha": "abc123", "repo": {"full_name": REPO}},
                    "base": {"repo": {"full_name": REPO}}
                },
                "repository": {"default_branch": "main"}
            })
            .to_string(),
        )
        .unwrap();
        Actions {
            dir,
            api: server.uri(),
        }
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn env(&self) -> Vec<(String, String)> {
        let f = |n: &str| self.file(n).to_string_lossy().into_owned();
        vec![
            ("GITHUB_ACTIONS".into(), "true".into()),
            ("GITHUB_API_URL".into(), self.api.clone()),
            ("GITHUB_REPOSITORY".into(), REPO.into()),
            ("GITHUB_TOKEN".into(), "ghs_fake_t0ken_for_tests".into()),
            ("GITHUB_EVENT_PATH".into(), f("event.json")),
            ("GITHUB_OUTPUT".into(), f("output")),
            ("GITHUB_STEP_SUMMARY".into(), f("summary")),
            ("GITHUB_RUN_ID".into(), "42".into()),
        ]
    }

    pub fn run(&self, args: &[&str], cwd: &Path) -> std::process::Output {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        evalgate(args, cwd, &env)
    }
}

/// `compare` of the regressed demo against its baseline, posting the comment.
pub fn compare(actions: &Actions) -> std::process::Output {
    compare_with(actions, &demo_results().2, &["--comment"])
}

/// `compare` of `head` against the demo's baseline, with `flags`.
pub fn compare_with(actions: &Actions, head: &Path, flags: &[&str]) -> std::process::Output {
    let (project, base, _) = demo_results();
    let out = actions.file("out");
    let mut args = vec![
        "compare",
        head.to_str().unwrap(),
        base.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    actions.run(&args, project)
}

/// The login the fake's `GET /user` answers for the test token.
pub const LOGIN: &str = "evalgate-ci";

pub fn comment(id: u64, body: &str) -> Value {
    comment_by(id, "someone", body)
}

pub fn comment_by(id: u64, login: &str, body: &str) -> Value {
    json!({"id": id, "body": body, "user": {"login": login, "type": "User"}})
}

/// `GET /user` answers `login`: a personal token.
pub async fn mount_user(server: &MockServer, login: &str) {
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"login": login, "id": 1})))
        .mount(server)
        .await;
}

/// (method, path?query) of every request the fake received.
pub async fn requests(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r: &Request| {
            let q = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            (r.method.to_string(), format!("{}{q}", r.url.path()))
        })
        .collect()
}

pub fn body_of(r: &Request) -> String {
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    v["body"].as_str().unwrap().to_string()
}

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
