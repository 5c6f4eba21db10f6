//! runner: selects cases, runs each case × trial against the agent with bounded concurrency,
//! scores every run and reports progress as events.
//!
//! Owns scheduling only. It formats nothing, decides no exit code and reads no environment:
//! the CLI turns [`Event`]s into progress and `cases.jsonl` lines, and the returned
//! `CaseResult`s into reports and a verdict. Agent failures arrive as values
//! ([`crate::adapter::AgentReply`]) and become `error` outcomes; nothing here aborts a run.

mod event;
mod execute;
mod select;

pub use event::Event;
pub use execute::{ExecOptions, execute, execute_judged};
pub use select::{Filter, Selected, select};
