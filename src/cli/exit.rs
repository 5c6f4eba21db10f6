//! Exit codes: the documented contract between evalgate and CI (DESIGN §3).

/// The gate passed.
pub const PASS: u8 = 0;
/// The gate failed: a blocking floor was breached.
pub const GATE_FAILED: u8 = 1;
/// Usage or configuration error (bad flags, invalid YAML, unknown keys, bad input lines).
pub const USAGE: u8 = 2;
/// Infrastructure error: the agent could not be started or reached, or the error budget was
/// exceeded.
pub const INFRA: u8 = 3;
/// The filters selected no case.
pub const NOTHING_SELECTED: u8 = 4;
/// Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
pub const INTERRUPTED: u8 = 130;
/// Terminated (SIGTERM, e.g. a cancelled CI job): 128 + SIGTERM.
pub const TERMINATED: u8 = 143;

/// The table printed in `--help` and the README.
pub const HELP: &str = "\
Exit codes:
    0  the gate passed
    1  the gate failed (a blocking floor was breached)
    2  usage or configuration error
    3  infrastructure error (agent unreachable or not starting, error budget exceeded)
    4  the filters selected no case
  130  interrupted (SIGINT, Ctrl-C): the agent is stopped, finished cases are in cases.jsonl
  143  terminated (SIGTERM, e.g. a cancelled CI job): as 130";
