//! The open-file limit: raised to its hard maximum at start, and the concurrency a run can
//! afford under it, so a low `ulimit -n` slows a run down instead of failing its cases with
//! "Too many open files".
//!
//! Owns the `RLIMIT_NOFILE` calls and the estimate of descriptors per case in flight. It
//! decides no exit code.

use crate::model::Plan;
use crate::runner::ExecOptions;

/// Descriptors kept free beside the cases in flight: the reports staged at the end (3),
/// cases.jsonl, git's pipes, the started agent's pipes, the runtime's own, stdio.
const RESERVE: u64 = 32;

/// Raises the soft open-file limit to the hard one (a no-op where it cannot be raised).
pub(super) fn raise_open_files() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current.is_some() && limit.current != limit.maximum {
            // macOS refuses an unlimited soft limit; the old one then stays, which is fine.
            let _ = setrlimit(
                Resource::Nofile,
                rustix::process::Rlimit {
                    current: limit.maximum,
                    maximum: limit.maximum,
                },
            );
        }
    }
}

/// `opts` with the concurrency lowered (and a warning printed) when the requested one cannot
/// fit the open-file limit.
pub(super) fn fit_concurrency(opts: ExecOptions, plan: &Plan) -> ExecOptions {
    let Some(limit) = open_file_limit() else {
        return opts;
    };
    let judge_slots = plan.judges.values().map(|j| j.spec.concurrency).sum();
    let fitted = fitting_concurrency(opts.concurrency, limit, open_descriptors(), judge_slots);
    if fitted < opts.concurrency {
        eprintln!("{}", lowered_warning(opts.concurrency, fitted, limit));
    }
    ExecOptions {
        concurrency: fitted,
        ..opts
    }
}

/// The largest concurrency up to `requested` whose descriptors fit `limit` with `open` in use.
/// Each case in flight holds an agent connection; a judge call holds a connection and a cache
/// file, and at most `judge_slots` judge calls run at once.
fn fitting_concurrency(requested: usize, limit: u64, open: u64, judge_slots: usize) -> usize {
    let budget = limit.saturating_sub(open + RESERVE);
    let slots = judge_slots as u64;
    // need(c) = c + 2·min(c, slots), solved for the largest c with need(c) ≤ budget.
    let beyond_slots = budget.saturating_sub(2 * slots);
    let fits = if beyond_slots >= slots {
        beyond_slots
    } else {
        budget / 3
    };
    usize::try_from(fits)
        .map_or(requested, |f| f.min(requested))
        .max(1)
}

fn lowered_warning(requested: usize, fitted: usize, limit: u64) -> String {
    format!(
        "warning: lowered the concurrency from {requested} to {fitted}: the open-file limit is \
         {limit} (each case in flight needs an agent connection, a judged one also a judge \
         connection); raise it with `ulimit -n` to run more cases at once"
    )
}

/// The soft limit in force; `None` when unlimited or unknown.
fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rustix::process::getrlimit(rustix::process::Resource::Nofile).current
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Descriptors open now (Linux; elsewhere an estimate of the fixed ones).
fn open_descriptors() -> u64 {
    std::fs::read_dir("/proc/self/fd").map_or(16, |d| d.count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_concurrency_fits_the_limit() {
        // Plenty of room: unchanged.
        assert_eq!(fitting_concurrency(512, 1_048_576, 10, 0), 512);
        // 256 − 10 open − 32 reserved = 214 agent connections.
        assert_eq!(fitting_concurrency(512, 256, 10, 0), 214);
        // Four judge slots take a connection and a cache file each.
        assert_eq!(fitting_concurrency(512, 256, 10, 4), 206);
        // More judge slots than cases could fill: three descriptors per case.
        assert_eq!(fitting_concurrency(512, 256, 10, 500), 71);
        // Nothing left: still one case at a time.
        assert_eq!(fitting_concurrency(8, 20, 10, 0), 1);
    }

    #[test]
    fn the_warning_names_the_lowered_concurrency() {
        insta::assert_snapshot!(lowered_warning(512, 214, 256), @"warning: lowered the concurrency from 512 to 214: the open-file limit is 256 (each case in flight needs an agent connection, a judged one also a judge connection); raise it with `ulimit -n` to run more cases at once");
    }
}
