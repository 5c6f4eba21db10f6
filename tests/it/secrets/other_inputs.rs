//! Secret masking beyond the main exchange: traces read with a config, a judge's error body,
//! a started agent's stderr, and the warning for a value too short to mask.

use std::path::Path;

use serde_json::json;

use crate::common::fake_agent::{FakeAgent, Reply};
use crate::common::fake_judge::{Behaviour, FakeJudge};
use crate::common::judge_project::{Project, walk};
use crate::gate::{evalgate, text};

/// Traces read with a config: `traces export`, `traces score` and `promote` mask the config's
/// secrets in what the traces carry (inputs, tool arguments, attributes).
#[test]
fn traces_read_with_a_config_are_masked() {
    const TOKEN: &str = "horse-battery-staple-Q42";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/traces");
    // The fixture's planted e-mail becomes the token, as if the app had logged its key.
    let traces = std::fs::read_to_string(fixture.join("openinference.json"))
        .unwrap()
        .replace("jane.doe@example.com", TOKEN);
    std::fs::write(root.join("traces.json"), traces).unwrap();
    one_case_project(
        root,
        "version: 1\nagent:\n  url: http://127.0.0.1:9/agent\n  headers:\n    Authorization: \"Bearer ${EG_TRACE_TOKEN}\"\nsuites:\n  - { name: support, dataset: support }\n",
    );
    let env = [("EG_TRACE_TOKEN", TOKEN)];
    let all = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    // Without a config there is nothing to mask: the token is really in the traces.
    let bare = tempfile::tempdir().unwrap();
    let traces_path = root.join("traces.json");
    let traces_arg = traces_path.to_str().unwrap();
    let o = evalgate(&["traces", "export", traces_arg], bare.path(), &env);
    assert!(all(&o).contains(TOKEN), "{}", text(&o));

    let mut leaked = Vec::new();
    let o = evalgate(&["traces", "export", traces_arg], root, &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let exported = all(&o);
    leaked.extend(exported.contains(TOKEN).then_some("traces export"));

    let o = evalgate(
        &[
            "traces",
            "score",
            "traces.json",
            "-c",
            "evalgate.yaml",
            "-o",
            "scored",
        ],
        root,
        &env,
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    leaked.extend(all(&o).contains(TOKEN).then_some("traces score output"));

    let o = evalgate(
        &["promote", "traces.json", "--into", "evals/support", "--all"],
        root,
        &env,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    leaked.extend(all(&o).contains(TOKEN).then_some("promote output"));
    let mut files = Vec::new();
    for f in walk(root) {
        let body = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        if body.contains(TOKEN) && !f.ends_with("traces.json") {
            files.push(f.display().to_string());
        }
    }
    assert!(
        leaked.is_empty() && files.is_empty(),
        "leaked in {leaked:?} and {files:?}"
    );
    assert!(exported.contains("***"), "{exported}");
    assert!(root.join("evals/support/v2.yaml").exists());
}

/// A value too short to mask is named in a warning, never shown.
#[tokio::test(flavor = "multi_thread")]
async fn a_short_secret_warns_by_name() {
    let agent = FakeAgent::always(Reply::Json(json!({"output": "ok"}))).await;
    let judge = FakeJudge::start(Behaviour::AlwaysPass);
    let p = Project::new(&agent, &judge, "");
    p.write(
        "evalgate.yaml",
        &format!(
            "version: 1\nagent:\n  url: {}\n  headers:\n    X-Key: \"k-${{EG_TEST_SHORT}}\"\nsuites:\n  - {{ name: support, dataset: support }}\n",
            agent.url()
        ),
    );
    p.write("evals/support/v1.yaml", "- { id: a, input: hi }\n");
    let out = p.out().to_string_lossy().into_owned();
    let o = evalgate(
        &["run", "--progress", "quiet", "--out", &out],
        p.root(),
        &[("EG_TEST_SHORT", "q7Zx")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("q7Zx"), "{stderr}");
    insta::assert_snapshot!(stderr.lines().next().unwrap_or_default(), @"warning: `${EG_TEST_SHORT}` is shorter than 8 characters, so its value is not masked in reports, comments or the judge cache");
}

/// A started agent that prints its key to stderr and dies: the error quotes its stderr, masked.
#[test]
fn a_started_agents_stderr_is_masked() {
    const KEY: &str = "agent-start-key-0042";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    one_case_project(
        root,
        "version: 1\nagent:\n  url: http://127.0.0.1:{port}/agent\n  start:\n    command: [sh, -c, 'echo \"booting with $AGENT_KEY\" >&2; exit 3']\n    env: { AGENT_KEY: \"${EG_TEST_AGENT_KEY}\" }\nsuites:\n  - { name: support, dataset: support }\n",
    );
    let o = evalgate(
        &["run", "--progress", "quiet"],
        root,
        &[("EG_TEST_AGENT_KEY", KEY)],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("booting with ***"), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
}

/// A judge that rejects the key and echoes it in its error body: the `unscored` reason quotes
/// the body, masked.
#[tokio::test(flavor = "multi_thread")]
async fn a_judge_error_body_is_masked() {
    const KEY: &str = "sk-judge-rejected-0099";
    let agent = crate::common::judge_project::echo_agent().await;
    let judge = FakeJudge::start(Behaviour::EchoHeadersRejected);
    let p = Project::new(&agent, &judge, "    api_key_env: EG_TEST_REJECTED_KEY\n");
    let config = p.config_path();
    let out = p.out().to_string_lossy().into_owned();
    let o = evalgate(
        &["run", "-c", &config, "--out", &out, "--progress", "lines"],
        p.root(),
        &[("EG_TEST_REJECTED_KEY", KEY)],
    );
    assert_eq!(
        judge.seen()[0].headers["authorization"],
        format!("Bearer {KEY}")
    );
    let results = std::fs::read_to_string(p.out().join("results.json")).unwrap();
    assert!(
        results.contains("answered HTTP 401: ") && results.contains("authorization: Bearer ***"),
        "{results}"
    );
    assert!(!results.contains(KEY), "{results}");
    assert!(!text(&o).contains(KEY), "{}", text(&o));
}

/// `config` as evalgate.yaml beside a one-case `support` dataset.
fn one_case_project(root: &Path, config: &str) {
    std::fs::write(root.join("evalgate.yaml"), config).unwrap();
    std::fs::create_dir_all(root.join("evals/support")).unwrap();
    std::fs::write(
        root.join("evals/support/v1.yaml"),
        "- { id: a, input: hi }\n",
    )
    .unwrap();
}
