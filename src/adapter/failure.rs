//! [`Failure`]: what one failed HTTP attempt of [`HttpAgent`](super::HttpAgent) was, kept
//! apart from its message until the retry loop knows whether it was the last attempt; then
//! [`Failure::into_case_error`] words it, with the attempt count where a retry was possible.
//!
//! Pure data and wording: it must not decide what is retried (the agent's retry loop does)
//! nor see header values; text reaching it is masked by the caller.

use std::time::Duration;

use reqwest::StatusCode;

use crate::model::{CaseError, ErrorKind};

/// A failed attempt, before we know whether it is the last one.
pub(super) struct Failure {
    pub(super) kind: ErrorKind,
    pub(super) retryable: bool,
    pub(super) retry_after: Option<Duration>,
    pub(super) detail: Detail,
}

pub(super) enum Detail {
    Status {
        status: StatusCode,
        body: String,
    },
    Transport(String),
    /// Not retried, so no attempt count is added.
    Final(String),
}

impl Failure {
    pub(super) fn into_case_error(self, attempts: u32) -> CaseError {
        let after = match attempts {
            1 => "after 1 attempt".to_string(),
            n => format!("after {n} attempts"),
        };
        let message = match self.detail {
            Detail::Status { status, body } => {
                let reason = status.canonical_reason().unwrap_or("");
                let head = format!("HTTP {} {reason}", status.as_u16());
                let head = head.trim_end();
                if body.is_empty() {
                    format!("{head} {after}")
                } else {
                    format!("{head} {after}: {body}")
                }
            }
            Detail::Transport(text) => format!("{text} ({after})"),
            Detail::Final(text) => text,
        };
        CaseError {
            kind: self.kind,
            message,
        }
    }
}
