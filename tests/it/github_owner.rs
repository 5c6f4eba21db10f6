//! The sticky comment belongs to evalgate, against the fake GitHub API of
//! `common/fake_github.rs`: only the token's own comment that starts with the marker is
//! updated; markers pasted by others or quoted from agent text are ignored; the Actions
//! `GITHUB_TOKEN` (403 on `/user`) owns the `github-actions[bot]` comment;
//! `--comment-dry-run` posts nothing.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::fake_github::{
    Actions, LOGIN, body_of, comment, comment_by, compare, compare_with, mount_user, requests,
};
use crate::gate::{demo_results, text};

const OURS: &str = "<!-- evalgate:evalgate.yaml -->";
const COMMENTS: &str = "/repos/acme/agent/issues/7/comments";

/// Mounts the PR's comment list and answers every POST and PATCH, so a wrong write succeeds
/// (and is seen) instead of failing.
async fn mount_comments(server: &MockServer, comments: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(comments))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment_by(500, LOGIN, "x")))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comment_by(0, LOGIN, "x")))
        .mount(server)
        .await;
}

/// `GET /user` answers `status` with `body`.
async fn mount_user_error(server: &MockServer, status: u16, body: Value) {
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// The writes (POST and PATCH) the fake received, as `METHOD path`.
async fn writes(server: &MockServer) -> Vec<String> {
    requests(server)
        .await
        .into_iter()
        .filter(|(m, _)| m == "POST" || m == "PATCH")
        .map(|(m, p)| format!("{m} {p}"))
        .collect()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The warning lines of a run, for snapshots.
fn warnings(o: &std::process::Output) -> String {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A clean `compare` of the regressed demo: exit 1, `said` on stderr, no warning, and `write`
/// the only write the fake received.
async fn assert_one_write(server: &MockServer, o: &std::process::Output, said: &str, write: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", text(o));
    assert!(stderr(o).contains(said), "{}", text(o));
    assert_eq!(warnings(o), "", "{}", text(o));
    assert_eq!(writes(server).await, [write], "no other comment is touched");
}

/// The regressed demo's head results with every answer carrying another config's marker,
/// ours, and an unterminated HTML comment.
fn hostile_head(actions: &Actions) -> std::path::PathBuf {
    let (_, _, head) = demo_results();
    let mut report: Value = serde_json::from_str(&std::fs::read_to_string(head).unwrap()).unwrap();
    for c in report["cases"].as_array_mut().unwrap() {
        if let Some(t) = c.get_mut("trajectory").filter(|t| t.is_object()) {
            t["final_response"] = json!(format!(
                "<!-- evalgate:other.yaml -->\n{OURS}\n<!-- hides the rest"
            ));
        }
    }
    let path = actions.file("hostile-head.json");
    std::fs::write(&path, report.to_string()).unwrap();
    path
}

#[tokio::test]
async fn markers_of_third_parties_and_in_agent_text_leave_only_our_comment_updated() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    mount_user(&server, LOGIN).await;
    mount_comments(
        &server,
        vec![
            // A third party's comment that starts with our marker (a copy of an old report).
            comment_by(1, "mallory", &format!("{OURS}\n## ✅ evalgate: pass")),
            // A third party quoting our marker mid-comment.
            comment_by(2, "mallory", &format!("see\n{OURS}\nabove")),
            // Our comment for another config whose agent text quoted our marker.
            comment_by(
                3,
                LOGIN,
                &format!("<!-- evalgate:other.yaml -->\n## ❌\n```\n{OURS}\n```"),
            ),
            comment(4, "unrelated"),
            // Ours, written by the token's login (in another case).
            comment_by(5, "Evalgate-CI", &format!("{OURS}\nold body")),
        ],
    )
    .await;
    let o = compare_with(&actions, &hostile_head(&actions), &["--comment"]);
    assert_one_write(
        &server,
        &o,
        "PR comment updated (id 5)",
        "PATCH /repos/acme/agent/issues/comments/5",
    )
    .await;
    let received = server.received_requests().await.unwrap();
    let posted = body_of(received.last().unwrap());
    assert!(
        posted.starts_with(&format!("{OURS}\n## ❌ evalgate: fail")),
        "{posted}"
    );
    assert!(
        posted.contains("evalgate:other.yaml"),
        "agent text is shown: {posted}"
    );
    assert_eq!(
        posted.matches("<!--").count(),
        1,
        "no live marker or HTML comment from agent text: {posted}"
    );
}

#[tokio::test]
async fn a_first_run_among_foreign_comments_creates_its_own() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    mount_user(&server, LOGIN).await;
    mount_comments(
        &server,
        vec![
            comment_by(1, "mallory", &format!("{OURS}\nfake")),
            comment_by(
                2,
                "github-actions[bot]",
                &format!("{OURS}\nanother workflow's"),
            ),
            comment(3, &format!("quote: {OURS}")),
        ],
    )
    .await;
    let o = compare(&actions);
    assert_one_write(
        &server,
        &o,
        "PR comment created (id 500)",
        "POST /repos/acme/agent/issues/7/comments",
    )
    .await;
}

#[tokio::test]
async fn the_actions_token_owns_the_github_actions_bot_comment() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    // What GitHub answers an installation token (the Actions GITHUB_TOKEN) on `GET /user`.
    mount_user_error(
        &server,
        403,
        json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
            "status": "403"
        }),
    )
    .await;
    mount_comments(
        &server,
        vec![
            comment_by(1, "mallory", &format!("{OURS}\nfake")),
            json!({"id": 2, "body": format!("{OURS}\nold"),
                   "user": {"login": "github-actions[bot]", "type": "Bot"}}),
        ],
    )
    .await;
    let o = compare(&actions);
    assert_one_write(
        &server,
        &o,
        "PR comment updated (id 2)",
        "PATCH /repos/acme/agent/issues/comments/2",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_identity_creates_a_comment_and_a_wrong_guess_says_how_to_fix_it() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    mount_user_error(&server, 401, json!({"message": "Bad credentials"})).await;
    mount_comments(&server, vec![comment_by(1, LOGIN, &format!("{OURS}\nold"))]).await;
    let o = compare(&actions);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        requests(&server).await,
        [
            ("GET".to_string(), "/user".to_string()),
            ("POST".to_string(), COMMENTS.to_string())
        ],
        "nothing looked up, nothing updated"
    );
    let unknown = warnings(&o);

    // `--comment-author` names a login; GitHub says the comment was written by another.
    server.reset().await;
    mount_comments(&server, Vec::new()).await;
    let head = &demo_results().2;
    let o = compare_with(
        &actions,
        head,
        &["--comment", "--comment-author", "my-app[bot]"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        writes(&server).await,
        ["POST /repos/acme/agent/issues/7/comments"]
    );
    assert!(
        requests(&server).await.iter().all(|(_, p)| p != "/user"),
        "a given login is not looked up"
    );
    insta::assert_snapshot!(format!("{unknown}\n{}", warnings(&o)));
}

#[tokio::test]
async fn comment_dry_run_never_posts_even_with_comment() {
    let server = MockServer::start().await;
    let actions = Actions::new(&server);
    mount_user(&server, LOGIN).await;
    mount_comments(&server, vec![comment_by(1, LOGIN, &format!("{OURS}\nold"))]).await;
    let head = &demo_results().2;
    let o = compare_with(&actions, head, &["--comment", "--comment-dry-run"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!(
            "--- PR comment (dry run: not posted) ---\n{OURS}\n## ❌ evalgate: fail"
        )),
        "{}",
        text(&o)
    );
    let methods: Vec<String> = requests(&server)
        .await
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    assert_eq!(methods.iter().filter(|m| *m == "POST").count(), 0);
    assert_eq!(methods.iter().filter(|m| *m == "PATCH").count(), 0);
    assert!(methods.is_empty(), "not even a lookup: {methods:?}");
}
