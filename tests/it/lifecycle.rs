//! evalgate as a process among processes, on the real binary: a started agent and its own
//! child die with evalgate, even on SIGKILL; SIGTERM and SIGINT stop a run with 143 and 130; a
//! killed run leaves no older verdict beside its cases.jsonl, and the next run no temp file; a
//! low open-file limit lowers the concurrency instead of failing cases.

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use evalgate::model::{Outcome, RunReport};
use rustix::process::{Pid, Signal, kill_process};

use crate::common::procs::{alive, command, gone_within, read_pid};

const BIN: &str = env!("CARGO_BIN_EXE_evalgate");
const REPORTS: [&str; 3] = ["results.json", "junit.xml", "report.md"];

/// A project of `cases` cases the demo agent passes. With `grandchild`, the started agent is a
/// shell that runs the demo agent as its child (both write their pid into the project), so
/// stopping it must reach a process evalgate never started itself.
fn project(cases: usize, latency_ms: u64, grandchild: bool) -> tempfile::TempDir {
    let command = if grandchild {
        format!(
            r#"[sh, -c, "echo $$ > agent.pid; '{BIN}' demo-agent --latency-ms {latency_ms} --port {{port}} & echo $! > grandchild.pid; wait"]"#
        )
    } else {
        format!(r#"[evalgate, demo-agent, --latency-ms, "{latency_ms}", --port, "{{port}}"]"#)
    };
    project_starting(&command, cases)
}

/// A project of `cases` cases whose `agent.start.command` is `command` (a YAML flow list).
fn project_starting(command: &str, cases: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "version: 1\nagent:\n  url: http://127.0.0.1:{{port}}/chat\n  start:\n    command: {command}\nsuites:\n  - name: s\n    dataset: s\n"
    );
    std::fs::write(dir.path().join("evalgate.yaml"), config).unwrap();
    let mut dataset = String::with_capacity(cases * 80);
    for i in 0..cases {
        dataset.push_str(&format!(
            "- id: c{i}\n  input: hello\n  expect:\n    response:\n      - contains: billing\n"
        ));
    }
    std::fs::create_dir_all(dir.path().join("evals/s")).unwrap();
    std::fs::write(dir.path().join("evals/s/v1.yaml"), dataset).unwrap();
    dir
}

fn start_run(dir: &Path, extra: &[&str]) -> Child {
    command()
        .args(["run", "--out", "out", "--progress", "lines"])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start evalgate")
}

fn case_lines(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("out/cases.jsonl")).map_or(0, |t| t.lines().count())
}

/// Waits until the run has finished `n` cases, so it is killed mid-way.
fn wait_for_cases(dir: &Path, n: usize) {
    let start = Instant::now();
    while case_lines(dir) < n {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no {n} cases yet"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, sig: Signal) {
    let pid = Pid::from_raw(child.id() as i32).unwrap();
    kill_process(pid, sig).unwrap();
}

/// Files in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Every line of cases.jsonl is a whole, readable case.
fn assert_cases_intact(dir: &Path) -> usize {
    let text = std::fs::read_to_string(dir.join("out/cases.jsonl")).unwrap();
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
    text.lines().count()
}

fn agent_pids(dir: &Path) -> [u32; 2] {
    [
        read_pid(&dir.join("agent.pid")),
        read_pid(&dir.join("grandchild.pid")),
    ]
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_killed_run_leaves_no_older_verdict_and_takes_its_agent_along() {
    let dir = project(40, 100, true);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for name in REPORTS {
        std::fs::write(out.join(name), "an earlier run's verdict").unwrap();
    }
    std::fs::write(out.join(".results.json.1.evalgate-tmp"), "half").unwrap();

    let mut run = start_run(dir.path(), &["-j", "1"]);
    wait_for_cases(dir.path(), 2);
    let [agent, grandchild] = agent_pids(dir.path());
    assert!(alive(agent) && alive(grandchild));
    signal(&run, Signal::KILL);
    let killed = Instant::now();
    run.wait().unwrap();
    for pid in [agent, grandchild] {
        assert!(
            gone_within(pid, Duration::from_secs(1).saturating_sub(killed.elapsed())),
            "pid {pid} outlived evalgate's SIGKILL"
        );
    }
    // Nothing but the killed run's own cases: no earlier report, no half-written temp file.
    assert_eq!(names(&out), ["cases.jsonl"]);
    assert!(assert_cases_intact(dir.path()) >= 2);

    // A report write killed half-way leaves a temp file; the next run clears it.
    std::fs::write(out.join(".junit.xml.999.evalgate-tmp"), "half").unwrap();
    let done = start_run(dir.path(), &["-j", "40"])
        .wait_with_output()
        .unwrap();
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    assert_eq!(
        names(&out),
        ["cases.jsonl", "junit.xml", "report.md", "results.json"]
    );
}

/// Stops a run with `sig` mid-way; returns its output and the agent's two pids.
fn stop_with(sig: Signal) -> (Output, [u32; 2], tempfile::TempDir) {
    let dir = project(40, 100, true);
    let run = start_run(dir.path(), &["-j", "1"]);
    wait_for_cases(dir.path(), 2);
    let pids = agent_pids(dir.path());
    signal(&run, sig);
    let out = run.wait_with_output().unwrap();
    (out, pids, dir)
}

fn last_line(o: &Output, dir: &Path) -> String {
    stderr(o)
        .lines()
        .last()
        .unwrap_or_default()
        .replace(&dir.display().to_string(), "[dir]")
}

#[test]
fn sigterm_exits_143_and_sigint_130_with_the_agent_stopped() {
    for (sig, code, name) in [(Signal::TERM, 143, "sigterm"), (Signal::INT, 130, "sigint")] {
        let (out, pids, dir) = stop_with(sig);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        // The agent was stopped before evalgate exited, its child too.
        for pid in pids {
            assert!(!alive(pid), "pid {pid} still runs after {name}");
        }
        let finished = assert_cases_intact(dir.path());
        assert!((2..40).contains(&finished), "{finished} cases");
        assert!(!dir.path().join("out/results.json").exists());
        insta::assert_snapshot!(format!("stopped_by_{name}"), last_line(&out, dir.path()));
    }
}

#[test]
fn a_signal_while_the_agent_starts_stops_it_too() {
    // An agent that never becomes ready: evalgate is still waiting for it.
    let dir = project_starting(r#"[sh, -c, "echo $$ > agent.pid; exec sleep 30"]"#, 1);
    let run = start_run(dir.path(), &[]);
    let agent = read_pid(&dir.path().join("agent.pid"));
    signal(&run, Signal::TERM);
    let out = run.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    assert!(
        gone_within(agent, Duration::from_secs(1)),
        "pid {agent} outlived the run"
    );
    assert!(
        !dir.path().join("out").exists(),
        "no case ran, nothing written"
    );
    insta::assert_snapshot!(last_line(&out, dir.path()), @"terminated (SIGTERM) while the agent was starting; no case ran");
}

#[test]
fn a_low_open_file_limit_lowers_the_concurrency_and_every_case_is_recorded() {
    const CASES: usize = 2_000;
    let dir = project(CASES, 0, false);
    let o = std::process::Command::new("prlimit")
        .arg("--nofile=256")
        .arg(BIN)
        .args(["run", "--out", "out", "-j", "512", "--progress", "quiet"])
        .current_dir(dir.path())
        .env_remove("CI")
        .stdin(Stdio::null())
        .output()
        .expect("run prlimit (util-linux)");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let warning = err
        .lines()
        .find(|l| l.starts_with("warning: lowered the concurrency"))
        .unwrap_or_else(|| panic!("no warning in:\n{err}"));
    insta::with_settings!({filters => vec![(r"from 512 to \d+:", "from 512 to [N]:")]}, {
        insta::assert_snapshot!(warning);
    });
    assert_eq!(assert_cases_intact(dir.path()), CASES);
    let out: PathBuf = dir.path().join("out");
    let report: RunReport =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(report.cases.len(), CASES);
    assert!(report.cases.iter().all(|c| c.outcome == Outcome::Passed));
    assert!(report.meta.concurrency < 256, "{}", report.meta.concurrency);
    for name in REPORTS {
        assert!(out.join(name).is_file(), "{name} missing");
    }
}
