//! The fake GitHub side shared by `github.rs` and `github_owner.rs`: an Actions environment
//! (event payload, workflow files, env) pointing at a wiremock GitHub API on 127.0.0.1, the
//! `compare` runs that post through it, and builders and readers of comments and requests.
//! It mounts only what every test needs (`GET /user`); each test mounts its own endpoints and
//! asserts nothing here.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

// The demo project and the binary runner are the gate tests' own helpers; reused, not copied.
use crate::gate::{demo_results, evalgate};

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
