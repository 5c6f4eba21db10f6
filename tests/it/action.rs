//! The composite action's `run:` steps under bash, as the runner would execute them: temporary
//! GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH, the demo agent, the outputs set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::gate::{demo_project, demo_results, text};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_action_passes_inputs_only_through_env_and_calls_the_scripts() {
    let action = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    for line in action
        .lines()
        .filter(|l| l.trim_start().starts_with("run:"))
    {
        assert!(!line.contains("${{"), "an expression inside `run:`: {line}");
    }
    assert!(action.contains(r#"run: '"$GITHUB_ACTION_PATH/scripts/action/run.sh"'"#));
    assert!(action.contains(r#"run: '"$GITHUB_ACTION_PATH/scripts/action/install.sh"'"#));
    for input in [
        "config",
        "args",
        "baseline-artifact",
        "comment",
        "github-token",
    ] {
        assert!(
            action.contains(&format!("${{{{ inputs.{input} }}}}")),
            "{input} is not passed"
        );
    }
}

/// Runs scripts/action/run.sh as the `Run the gate` step does.
fn run_step(project: &Path, files: &Path, env: &[(&str, &str)]) -> Output {
    let event = files.join("event.json");
    std::fs::write(
        &event,
        json!({"number": 7, "pull_request": {"number": 7, "head": {"sha": "abc123"}},
               "repository": {"default_branch": "main"}})
        .to_string(),
    )
    .unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("scripts/action/run.sh"))
        .current_dir(project)
        .env_remove("CI")
        .env_remove("GITHUB_TOKEN")
        .env("EVALGATE_BIN", env!("CARGO_BIN_EXE_evalgate"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_OUTPUT", files.join("output"))
        .env("GITHUB_STEP_SUMMARY", files.join("summary"))
        .env("GITHUB_REPOSITORY", "acme/agent")
        .env("EVALGATE_CONFIG", "evalgate.yaml")
        .env("EVALGATE_BASELINE_ARTIFACT", "");
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

/// `$GITHUB_OUTPUT` parsed (heredoc form only, as evalgate writes it).
fn outputs(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let (name, delim) = line.split_once("<<").expect("heredoc form");
        let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
        out.push((name.to_string(), value.join("\n")));
    }
    out
}

#[test]
fn the_run_step_on_the_demo_sets_the_outputs() {
    let project = tempfile::tempdir().unwrap();
    demo_project(project.path(), false);
    let files = tempfile::tempdir().unwrap();
    let o = run_step(
        project.path(),
        files.path(),
        &[
            ("EVALGATE_COMMENT", "false"),
            ("EVALGATE_ARGS", "--progress quiet"),
            ("EVALGATE_OUT", "gate-out"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let outs = outputs(&files.path().join("output"));
    let names: Vec<&str> = outs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["verdict", "composite", "results", "junit", "report"]
    );
    assert_eq!(outs[0].1, "pass");
    let composite: f64 = outs[1].1.parse().unwrap();
    assert!((0.85..=1.0).contains(&composite), "{composite}");
    assert_eq!(outs[2].1, "gate-out/results.json");
    assert!(project.path().join(&outs[2].1).is_file());
    assert!(project.path().join(&outs[3].1).is_file());
    let summary = std::fs::read_to_string(files.path().join("summary")).unwrap();
    assert!(
        summary.starts_with("<!-- evalgate:evalgate.yaml -->\n## ✅ evalgate: pass"),
        "{summary}"
    );
}

#[tokio::test]
async fn the_run_step_with_a_baseline_fails_and_comments() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/agent/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5, "body": "x"})))
        .mount(&server)
        .await;
    let (_, base, _) = demo_results();
    let project = tempfile::tempdir().unwrap();
    demo_project(project.path(), true);
    let files = tempfile::tempdir().unwrap();
    let args = format!("--progress quiet --baseline {}", base.display());
    let api = server.uri();
    let o = run_step(
        project.path(),
        files.path(),
        &[
            ("EVALGATE_COMMENT", "true"),
            ("EVALGATE_COMMENT_AUTHOR", "github-actions[bot]"),
            ("EVALGATE_ARGS", &args),
            ("GITHUB_API_URL", &api),
            ("GITHUB_TOKEN", "ghs_fake_t0ken_for_tests"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let outs = outputs(&files.path().join("output"));
    assert_eq!(outs[0], ("verdict".to_string(), "fail".to_string()));
    let reqs = server.received_requests().await.unwrap();
    // The `comment-author` input names the login, so `GET /user` is not asked.
    let seen: Vec<String> = reqs
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        seen,
        [
            "GET /repos/acme/agent/issues/7/comments",
            "POST /repos/acme/agent/issues/7/comments"
        ],
        "list, then create"
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("::error file=evals/support/v1.yaml,line=")
    );
}

/// A release archive holding a stand-in `evalgate` and its `.sha256` line.
fn release(dir: &Path) -> (Vec<u8>, String) {
    let bin = dir.join("pkg/evalgate");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::write(&bin, "#!/bin/sh\necho \"evalgate 0.1.0 (stand-in)\"\n").unwrap();
    let archive = dir.join("evalgate-x86_64-unknown-linux-gnu.tar.gz");
    let o = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(dir.join("pkg"))
        .args(["--mode=755", "evalgate"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = Command::new("sha256sum").arg(&archive).output().unwrap();
    let sum = String::from_utf8(o.stdout).unwrap();
    let sum = sum.split_whitespace().next().unwrap().to_string();
    (std::fs::read(&archive).unwrap(), sum)
}

async fn install(server: &MockServer, dir: &Path) -> Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/action/install.sh"))
        .env("EVALGATE_VERSION", "v0.1.0")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TOOL_CACHE", dir.join("cache"))
        .env("GITHUB_PATH", dir.join("path"))
        .env("GITHUB_SERVER_URL", server.uri())
        .env("GITHUB_ACTION_REPOSITORY", "acme/evalgate")
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_install_step_verifies_the_release_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, sum) = release(dir.path());
    let base = "/acme/evalgate/releases/download/v0.1.0/evalgate-x86_64-unknown-linux-gnu.tar.gz";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(base))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(archive))
        .mount(&server)
        .await;
    let sums = Mock::given(method("GET"))
        .and(path(format!("{base}.sha256")))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("{sum}  evalgate.tar.gz\n")),
        )
        .mount_as_scoped(&server)
        .await;
    let o = install(&server, dir.path()).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("evalgate 0.1.0 (stand-in)"));
    let added = std::fs::read_to_string(dir.path().join("path")).unwrap();
    assert_eq!(
        added.trim_end(),
        dir.path().join("cache/evalgate/bin").to_str().unwrap()
    );
    drop(sums);

    // A tampered archive (its checksum does not match) is refused and nothing is installed.
    std::fs::remove_dir_all(dir.path().join("cache")).unwrap();
    Mock::given(method("GET"))
        .and(path(format!("{base}.sha256")))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("{}  x\n", "0".repeat(64))),
        )
        .mount(&server)
        .await;
    let o = install(&server, dir.path()).await;
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("::error::checksum mismatch"),
        "{}",
        text(&o)
    );
    assert!(!dir.path().join("cache/evalgate/bin/evalgate").exists());
}
