//! Setup errors of the adapter: bad agent settings, and agent processes that do not start.
//!
//! Per-case failures are not here (they are `model::CaseError` values). Messages are lowercase
//! fragments with the bad value in backticks; they never contain a header value, and URLs in
//! them are stripped of userinfo and query.

use std::time::Duration;

/// Why the agent could not be set up or started.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error("invalid agent url `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error(
        "agent url `{url}` contains `{{port}}`, but no agent is started (add `agent.start` or put the port in the url)"
    )]
    PortWithoutStart { url: String },

    /// A `${VAR}` in a header (or a start env value) names an unset variable.
    #[error("{place} `{name}` uses `${{{var}}}`, but the environment variable `{var}` is not set")]
    MissingVar {
        /// `header`, `setting` (`agent.url`) or `agent.start.env`.
        place: &'static str,
        name: String,
        var: String,
    },

    #[error("header `{name}` is invalid: {reason}")]
    InvalidHeader { name: String, reason: String },

    #[error("request body template does not compile: {0}")]
    Template(String),

    #[error("could not build the http client: {0}")]
    Client(String),

    #[error("`agent.start.command` is empty; give the program and its arguments")]
    EmptyCommand,

    #[error("could not pick a free port for the agent: {0}")]
    Port(#[source] std::io::Error),

    #[error("could not start the agent `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },

    #[error("the agent `{program}` exited with {status} before it was ready{}", tail(.stderr))]
    Exited {
        program: String,
        status: String,
        stderr: String,
    },

    #[error(
        "the agent `{program}` was not ready at `{url}` within {} ms (it was killed){}",
        .timeout.as_millis(),
        tail(.stderr)
    )]
    NotReady {
        program: String,
        url: String,
        timeout: Duration,
        stderr: String,
    },
}

fn tail(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("; its stderr ended with:\n{}", stderr.trim_end())
    }
}
