//! `AgentProcess` against real processes: a Python HTTP server started on a free port and
//! stopped, a command that dies at once, and one that never becomes ready.

use std::path::Path;
use std::time::{Duration, Instant};

use evalgate::adapter::{AdapterError, AgentProcess};
use evalgate::model::StartSpec;

use crate::common::procs::{alive, gone_within};

fn env(_: &str) -> Option<String> {
    None
}

fn start_spec(command: &[&str], ready_url: Option<&str>, ready_timeout_ms: u64) -> StartSpec {
    StartSpec {
        command: command.iter().map(|s| s.to_string()).collect(),
        cwd: None,
        env: Default::default(),
        ready_url: ready_url.map(str::to_string),
        ready_timeout_ms,
    }
}

/// Starts `spec` against the agent URL every test uses.
fn start(
    spec: &StartSpec,
    root: &Path,
    supervisor: Option<&Path>,
) -> impl std::future::Future<Output = Result<(AgentProcess, u16), AdapterError>> {
    AgentProcess::start(
        spec,
        "http://127.0.0.1:{port}/agent",
        root,
        &env,
        supervisor,
    )
}

/// The production path: the agent runs under evalgate's supervisor.
fn supervisor() -> Option<&'static Path> {
    Some(Path::new(env!("CARGO_BIN_EXE_evalgate")))
}

#[tokio::test]
async fn start_waits_for_readiness_and_stop_ends_the_process() {
    let spec = start_spec(
        &[
            "python3",
            "-m",
            "http.server",
            "{port}",
            "--bind",
            "127.0.0.1",
        ],
        Some("http://127.0.0.1:{port}/"),
        30_000,
    );
    let dir = tempfile::tempdir().unwrap();
    let (process, port) = start(&spec, dir.path(), supervisor()).await.unwrap();
    let pid = process.id().unwrap();
    assert!(alive(pid));
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok(),
        "the agent listens on the port it was given"
    );

    let started = Instant::now();
    process.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "SIGTERM was enough: {:?}",
        started.elapsed()
    );
    assert!(!alive(pid), "pid {pid} is gone");
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "port {port} is closed"
    );
}

#[tokio::test]
async fn a_process_that_exits_early_reports_status_and_stderr() {
    let spec = start_spec(
        &["sh", "-c", "echo starting; echo boom >&2; exit 3"],
        None,
        5_000,
    );
    let started = Instant::now();
    let err = start(&spec, Path::new("."), None).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, AdapterError::Exited { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the agent `sh` exited with exit code 3 before it was ready; its stderr ended with:\nboom"
    );
}

#[tokio::test]
async fn a_never_ready_process_is_killed_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let script = format!("echo $$ > {}; exec sleep 30", pid_file.display());
    let spec = start_spec(&["sh", "-c", &script], None, 400);
    let started = Instant::now();
    let err = start(&spec, dir.path(), supervisor()).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        // The upper bound only has to tell "killed at the deadline" from "waited for sleep 30";
        // a loaded 2-core CI machine took 3.2 s once.
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(8),
        "{elapsed:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("the agent `sh` was not ready at `http://127.0.0.1:")
            && message.contains("/health` within 400 ms (it was killed)"),
        "{message}"
    );
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The agent is the supervisor's child: killed with its group, it may take a moment to die.
    assert!(
        gone_within(pid, Duration::from_secs(1)),
        "pid {pid} was killed"
    );
}
