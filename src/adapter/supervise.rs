//! The started agent's lifeline: it runs in a process group of its own under a small
//! supervisor (`evalgate __agent-supervisor`, this very binary) that kills the whole group the
//! moment evalgate dies, even by SIGKILL.
//!
//! Owns the spawn of that supervisor (on a thread that lives as long as the process), the
//! supervisor itself (the group's leader and the subreaper of the agent's descendants), and
//! signalling the group. Linux delivers the supervisor a parent-death
//! signal (`PR_SET_PDEATHSIG`); elsewhere the agent still gets its own group and is killed on
//! drop, but not after a SIGKILL of evalgate. It must not read the environment: the CLI passes
//! the supervisor's path.

use std::ffi::OsString;
use std::io;
use std::path::Path;

use tokio::process::{Child, Command};

/// The hidden subcommand the supervisor runs as.
pub const SUPERVISOR_COMMAND: &str = "__agent-supervisor";

/// Starts `program args` under the supervisor at `supervisor` (or directly when `None`), as the
/// leader of a new process group. The stdio, environment and working directory `configure`
/// sets reach the agent unchanged (the supervisor passes them on).
pub(super) fn spawn(
    supervisor: Option<&Path>,
    program: &Path,
    args: &[String],
    configure: impl FnOnce(&mut Command),
) -> io::Result<Child> {
    let mut cmd = match supervisor {
        Some(exe) if cfg!(target_os = "linux") => {
            let mut c = Command::new(exe);
            c.arg(SUPERVISOR_COMMAND)
                .arg("--parent")
                .arg(std::process::id().to_string())
                .arg("--")
                .arg(program)
                .args(args);
            c
        }
        _ => {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    };
    configure(&mut cmd);
    #[cfg(unix)]
    cmd.process_group(0);
    cmd.kill_on_drop(true);
    spawn_on_lasting_thread(cmd)
}

/// The parent-death signal fires when the *thread* that forked the child exits, not the
/// process: tokio's blocking threads come and go, so every spawn happens on one thread that
/// is never joined. The runtime is entered there so the child's pipes and exit are driven by
/// the caller's runtime.
fn spawn_on_lasting_thread(mut cmd: Command) -> io::Result<Child> {
    use std::sync::OnceLock;
    use std::sync::mpsc;
    type Job = Box<dyn FnOnce() + Send>;
    static SPAWNER: OnceLock<mpsc::Sender<Job>> = OnceLock::new();

    let handle = tokio::runtime::Handle::current();
    let sender = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        // Without the thread, `rx` is dropped and every send below fails with an error.
        let _ = std::thread::Builder::new()
            .name("evalgate-spawner".into())
            .spawn(move || rx.into_iter().for_each(|job| job()));
        tx
    });
    let (reply_tx, reply_rx) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _entered = handle.enter();
        let _ = reply_tx.send(cmd.spawn());
    });
    sender
        .send(job)
        .map_err(|_| io::Error::other("the spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the spawner thread is gone"))?
}

/// Sends `signal` to the process group led by `pid`. False when it does not exist (any more).
#[cfg(unix)]
pub(super) fn signal_group(pid: u32, signal: rustix::process::Signal) -> bool {
    i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .is_some_and(|pid| rustix::process::kill_process_group(pid, signal).is_ok())
}

/// The supervisor (`evalgate __agent-supervisor --parent PID -- PROGRAM ARGS…`): runs the agent
/// in its own process group, exits with its status, and kills the group when the parent dies.
/// SIGTERM (sent by [`super::AgentProcess::stop`] to the group) reaches the agent directly; the
/// supervisor outlives it and, as the subreaper of the agent's tree, waits for what the agent
/// left behind, so a stop ends once the whole tree is gone.
#[cfg(target_os = "linux")]
pub async fn supervise(parent: u32, command: Vec<OsString>) -> u8 {
    use rustix::process::{Signal, getpgrp, getppid, set_parent_process_death_signal};
    use tokio::signal::unix::{SignalKind, signal};

    let kill_group = || {
        let _ = rustix::process::kill_process_group(getpgrp(), Signal::KILL);
    };
    let orphaned = || getppid().map(|p| p.as_raw_pid() as u32) != Some(parent);
    // The handlers come first, so the death signal can never take the default action (exit
    // without killing the group) between the prctl and the handler.
    let (Ok(mut died), Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::user_defined1()),
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        eprintln!("evalgate: cannot install the agent supervisor's signal handlers");
        return 127;
    };
    if set_parent_process_death_signal(Some(Signal::USR1)).is_err() || orphaned() {
        // The parent died before the signal was armed: nobody will stop this agent.
        kill_group();
        return 137;
    }
    let Some((program, args)) = command.split_first() else {
        return 127;
    };
    // The agent's orphaned descendants (a script's server, once the script is gone) become
    // this process's children, so they can be waited for below.
    let _ = rustix::process::set_child_subreaper(Some(rustix::process::getpid()));
    let mut child = match Command::new(program).args(args).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot start `{}`: {e}", program.to_string_lossy());
            return 127;
        }
    };
    loop {
        tokio::select! {
            status = child.wait() => {
                // The rest of the agent's tree goes with it, and a stop returns only once
                // the whole tree is gone (the handler keeps this process alive).
                let _ = rustix::process::kill_process_group(getpgrp(), Signal::TERM);
                reap_descendants().await;
                return status.map_or(127, exit_code);
            }
            _ = died.recv() => {
                // A thread of the parent may have ended rather than the parent itself.
                if orphaned() {
                    kill_group();
                }
            }
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
}

/// Waits for every remaining child (the agent's reparented descendants) to exit, up to 2.5 s
/// (within the 3 s evalgate grants a stop), then kills the group, this process included.
#[cfg(target_os = "linux")]
async fn reap_descendants() {
    use rustix::process::{Signal, WaitOptions, getpgrp, wait};
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(2_500);
    loop {
        match wait(WaitOptions::NOHANG) {
            Ok(Some(_)) => continue,
            // Children remain, none has exited yet.
            Ok(None) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            Ok(None) => {
                let _ = rustix::process::kill_process_group(getpgrp(), Signal::KILL);
                return;
            }
            // No child left.
            Err(_) => return,
        }
    }
}

/// Outside Linux there is no parent-death signal: run the agent in place (never reached, as
/// [`spawn`] starts the agent directly there).
#[cfg(not(target_os = "linux"))]
pub async fn supervise(_parent: u32, command: Vec<OsString>) -> u8 {
    let Some((program, args)) = command.split_first() else {
        return 127;
    };
    match Command::new(program).args(args).status().await {
        Ok(status) => exit_code(status),
        Err(e) => {
            eprintln!("cannot start `{}`: {e}", program.to_string_lossy());
            127
        }
    }
}

/// The agent's status as an exit code: its own code, or 128 + the signal that ended it.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return (128 + sig).clamp(0, 255) as u8;
        }
    }
    status.code().map_or(1, |c| c.clamp(0, 255) as u8)
}
