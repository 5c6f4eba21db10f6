//! The evalgate binary as a real process, and watching processes through `/proc`: alive, or
//! gone within a deadline.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The binary with a clean CI environment: no GitHub Actions variables leak in from the job
/// running the tests (they would make evalgate write to that job's outputs and summary).
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_evalgate"));
    c.env_remove("CI");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GITHUB_") {
            c.env_remove(key);
        }
    }
    c
}

/// Runs the binary with `args` in `cwd` (clean CI environment, as [`command`]) and waits.
pub fn evalgate(args: &[&str], cwd: &Path) -> Output {
    evalgate_env(args, cwd, &[])
}

/// [`evalgate`] with extra environment variables.
pub fn evalgate_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    command()
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .output()
        .expect("run evalgate")
}

/// True while `pid` runs. A zombie counts as gone: it runs no code and holds no port, and an
/// orphan stays one for good where PID 1 does not reap (as in some containers).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(Path::new(&format!("/proc/{pid}/stat"))) {
        // The state follows the parenthesised command name, which may itself hold spaces.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| !matches!(state, "Z" | "X")),
        Err(_) => false,
    }
}

/// Waits up to `deadline` for `pid` to be gone; true when it is.
pub fn gone_within(pid: u32, deadline: Duration) -> bool {
    let start = Instant::now();
    loop {
        if !alive(pid) {
            return true;
        }
        if start.elapsed() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads a pid a script wrote to `path`, waiting up to 10 s for it to appear.
pub fn read_pid(path: &Path) -> u32 {
    let start = Instant::now();
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            return pid;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no pid in {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
