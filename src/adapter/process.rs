//! [`AgentProcess`]: starts the agent under test on a free port, waits until it is ready, stops it.
//!
//! Owns the child process: `{port}` substitution, `PORT`, the readiness poll, the last lines of
//! its stderr (for error messages) and a graceful stop of its whole process group (SIGTERM,
//! then SIGKILL after 3 s), so a shell script's children stop too. The group is also killed
//! when the handle is dropped, and (under [`super::supervise`]) when evalgate dies. It must not
//! read the environment itself (the CLI passes a lookup function and the supervisor's path).

use std::collections::VecDeque;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;

use super::endpoint::show_url;
use super::{AdapterError, install_crypto_provider};
use crate::model::StartSpec;
use crate::model::expand_vars;

/// Lines of stderr kept for error messages.
const TAIL_LINES: usize = 50;
/// Longer lines are cut (a minified stack trace must not eat memory).
const TAIL_LINE_CHARS: usize = 500;
const POLL_INTERVAL: Duration = Duration::from_millis(50);
const STOP_GRACE: Duration = Duration::from_secs(3);

type Tail = Arc<Mutex<VecDeque<String>>>;

/// A running agent process. Dropping it kills its process group; [`AgentProcess::stop`] is
/// gentler.
#[derive(Debug)]
pub struct AgentProcess {
    child: Child,
    /// The pid of the process, which leads its own group.
    group: Option<u32>,
    program: String,
    stderr: Tail,
}

/// Everything decided before spawning (so the returned future holds no reference to `env`).
struct Prepared {
    program: PathBuf,
    shown_program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: PathBuf,
    ready_url: String,
    ready_timeout: Duration,
    port: u16,
    supervisor: Option<PathBuf>,
}

impl AgentProcess {
    /// Starts `spec.command` on a free port and waits until its readiness URL answers 2xx.
    ///
    /// `agent_url` is the agent's URL as configured (with `{port}`); its origin + `/health` is
    /// the readiness URL unless `spec.ready_url` is set. `root` is the directory `spec.cwd` is
    /// relative to. `env` resolves `${VAR}` in `spec.env` values. `supervisor` is the evalgate
    /// binary to run the agent under (`evalgate __agent-supervisor`), so it dies with this
    /// process even on SIGKILL; `None` starts it directly. Returns the process and the port it
    /// was given (to build the `HttpAgent` with).
    pub fn start(
        spec: &StartSpec,
        agent_url: &str,
        root: &Path,
        env: &dyn Fn(&str) -> Option<String>,
        supervisor: Option<&Path>,
    ) -> impl Future<Output = Result<(AgentProcess, u16), AdapterError>> + Send + 'static {
        let prepared = prepare(spec, agent_url, root, env).map(|mut p| {
            p.supervisor = supervisor.map(Path::to_path_buf);
            p
        });
        async move {
            let prepared = prepared?;
            let port = prepared.port;
            launch(prepared).await.map(|p| (p, port))
        }
    }

    /// The process id, while it runs: the supervisor's when there is one. It leads the agent's
    /// process group.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// The last lines the process wrote to stderr.
    pub fn stderr_tail(&self) -> String {
        read_tail(&self.stderr)
    }

    /// Stops the process group: SIGTERM, up to 3 s for the process to exit, then SIGKILL for
    /// whatever is left of the group. Never fails.
    pub async fn stop(mut self) {
        if matches!(self.child.try_wait(), Ok(None)) && self.signal(Signal::Term) {
            let _ = tokio::time::timeout(STOP_GRACE, self.child.wait()).await;
        }
        // Also when the leader exited in time: a child that ignored SIGTERM is still there.
        self.kill_now().await;
    }

    /// SIGKILL to the whole group, then reaps the process.
    async fn kill_now(&mut self) {
        self.signal(Signal::Kill);
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// Signals the group the process leads. The group outlives a reaped leader only while
    /// members remain, and a pid still in use as a group id is never reused, so this cannot
    /// reach an unrelated process.
    fn signal(&self, signal: Signal) -> bool {
        #[cfg(unix)]
        if let Some(pid) = self.group {
            use rustix::process::Signal as Sys;
            let sys = match signal {
                Signal::Term => Sys::TERM,
                Signal::Kill => Sys::KILL,
            };
            return super::supervise::signal_group(pid, sys);
        }
        let _ = signal;
        false
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        // `kill_on_drop` reaches the leader only; the agent's own children share its group.
        if matches!(self.child.try_wait(), Ok(None)) {
            self.signal(Signal::Kill);
        }
    }
}

#[derive(Clone, Copy)]
enum Signal {
    Term,
    Kill,
}

fn prepare(
    spec: &StartSpec,
    agent_url: &str,
    root: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Prepared, AdapterError> {
    let (first, rest) = spec
        .command
        .split_first()
        .ok_or(AdapterError::EmptyCommand)?;
    let port = free_port()?;
    let with_port = |s: &str| s.replace("{port}", &port.to_string());
    // `evalgate` means this very binary, so a config can start the built-in demo agent without
    // knowing where the binary is installed.
    let program = if first == "evalgate" {
        std::env::current_exe().map_err(|source| AdapterError::Spawn {
            program: first.clone(),
            source,
        })?
    } else {
        PathBuf::from(first)
    };
    let mut vars = Vec::with_capacity(spec.env.len() + 1);
    for (key, value) in &spec.env {
        let value = expand_vars(value, env).map_err(|var| AdapterError::MissingVar {
            place: "agent.start.env",
            name: key.clone(),
            var,
        })?;
        vars.push((key.clone(), with_port(&value)));
    }
    vars.push(("PORT".to_string(), port.to_string()));
    let ready_url = match &spec.ready_url {
        Some(url) => with_port(url),
        None => default_ready_url(&with_port(agent_url))?,
    };
    Ok(Prepared {
        program,
        shown_program: first.clone(),
        args: rest.iter().map(|a| with_port(a)).collect(),
        env: vars,
        cwd: spec
            .cwd
            .as_ref()
            .map_or_else(|| root.to_path_buf(), |c| root.join(c)),
        ready_url,
        ready_timeout: Duration::from_millis(spec.ready_timeout_ms),
        port,
        supervisor: None,
    })
}

/// The agent URL's origin + `/health`.
fn default_ready_url(agent_url: &str) -> Result<String, AdapterError> {
    let mut url = Url::parse(agent_url).map_err(|e| AdapterError::InvalidUrl {
        url: agent_url
            .split(['?', '#'])
            .next()
            .unwrap_or(agent_url)
            .to_string(),
        reason: e.to_string(),
    })?;
    url.set_path("/health");
    url.set_query(None);
    url.set_fragment(None);
    Ok(url.to_string())
}

/// Asks the OS for a free port. Another process could take it before the agent binds it; the
/// readiness check then fails with a clear message, which is acceptable for a test harness.
fn free_port() -> Result<u16, AdapterError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(AdapterError::Port)?;
    Ok(listener.local_addr().map_err(AdapterError::Port)?.port())
}

async fn launch(p: Prepared) -> Result<AgentProcess, AdapterError> {
    install_crypto_provider();
    let mut child = super::supervise::spawn(p.supervisor.as_deref(), &p.program, &p.args, |c| {
        c.envs(p.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&p.cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
    })
    .map_err(|source| AdapterError::Spawn {
        program: p.shown_program.clone(),
        source,
    })?;
    let group = child.id();
    let stderr: Tail = Arc::default();
    // Both pipes must be drained, or a chatty agent blocks once a pipe buffer fills.
    let stderr_reader = child
        .stderr
        .take()
        .map(|pipe| tokio::spawn(keep_tail(pipe, stderr.clone())));
    if let Some(mut out) = child.stdout.take() {
        tokio::spawn(async move {
            let _ = tokio::io::copy(&mut out, &mut tokio::io::sink()).await;
        });
    }
    let mut process = AgentProcess {
        child,
        group,
        program: p.shown_program,
        stderr,
    };

    // The started agent is local: a proxy from the environment could not reach it.
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| AdapterError::Client(e.without_url().to_string()))?;
    let shown_ready =
        Url::parse(&p.ready_url).map_or_else(|_| p.ready_url.clone(), |u| show_url(&u));
    let deadline = Instant::now() + p.ready_timeout;
    loop {
        if let Ok(Some(status)) = process.child.try_wait() {
            // Let the reader collect what the process wrote before it died.
            if let Some(reader) = stderr_reader {
                let _ = tokio::time::timeout(Duration::from_secs(1), reader).await;
            }
            process.kill_now().await;
            return Err(AdapterError::Exited {
                program: process.program.clone(),
                status: describe(status),
                stderr: process.stderr_tail(),
            });
        }
        let now = Instant::now();
        if now >= deadline {
            let error = AdapterError::NotReady {
                program: process.program.clone(),
                url: shown_ready,
                timeout: p.ready_timeout,
                stderr: process.stderr_tail(),
            };
            process.kill_now().await;
            return Err(error);
        }
        let probe = client
            .get(&p.ready_url)
            .timeout((deadline - now).min(Duration::from_secs(1)))
            .send()
            .await;
        if probe.is_ok_and(|r| r.status().is_success()) {
            return Ok(process);
        }
        tokio::time::sleep(POLL_INTERVAL.min(deadline.saturating_duration_since(Instant::now())))
            .await;
    }
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => status.to_string(),
    }
}

async fn keep_tail(pipe: impl AsyncRead + Unpin, tail: Tail) {
    let mut reader = BufReader::new(pipe);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text: String = String::from_utf8_lossy(&line)
                    .trim_end()
                    .chars()
                    .take(TAIL_LINE_CHARS)
                    .collect();
                let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                if tail.len() == TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(text);
            }
        }
    }
}

fn read_tail(tail: &Tail) -> String {
    let tail = tail.lock().unwrap_or_else(|e| e.into_inner());
    tail.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn start_spec(command: &[&str]) -> StartSpec {
        StartSpec {
            command: command.iter().map(|s| s.to_string()).collect(),
            cwd: Some("sub".into()),
            env: BTreeMap::from([
                ("API".to_string(), "http://127.0.0.1:{port}/x".to_string()),
                ("TOKEN".to_string(), "${SECRET}".to_string()),
            ]),
            ready_url: None,
            ready_timeout_ms: 2_000,
        }
    }

    #[test]
    fn prepare_substitutes_the_port_everywhere() {
        let env = |k: &str| (k == "SECRET").then(|| "t0k".to_string());
        let spec = start_spec(&["evalgate", "demo", "--port", "{port}"]);
        let p = prepare(
            &spec,
            "http://127.0.0.1:{port}/agent?x=1",
            Path::new("/r"),
            &env,
        )
        .unwrap();
        let port = p.port.to_string();
        assert_eq!(p.program, std::env::current_exe().unwrap());
        assert_eq!(p.args, ["demo", "--port", port.as_str()]);
        assert_eq!(p.cwd, Path::new("/r/sub"));
        assert!(
            p.env
                .contains(&("API".into(), format!("http://127.0.0.1:{port}/x")))
        );
        assert!(p.env.contains(&("TOKEN".into(), "t0k".into())));
        assert!(p.env.contains(&("PORT".into(), port.clone())));
        assert_eq!(p.ready_url, format!("http://127.0.0.1:{port}/health"));
    }

    #[test]
    fn prepare_errors() {
        let no_env = |_: &str| None;
        let err = prepare(&start_spec(&[]), "http://x/", Path::new("/"), &no_env)
            .err()
            .unwrap();
        assert!(matches!(err, AdapterError::EmptyCommand));
        let err = prepare(
            &start_spec(&["agent"]),
            "http://x/",
            Path::new("/"),
            &no_env,
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "agent.start.env `TOKEN` uses `${SECRET}`, but the environment variable `SECRET` is not set"
        );
    }
}
