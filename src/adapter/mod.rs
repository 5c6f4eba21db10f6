//! adapter: the agent under test, reached over HTTP, and optionally started as a local process.
//!
//! Owns the request (body template, `${VAR}` headers, retries with backoff, timeouts), the
//! normalization of the agent's JSON reply into [`Trajectory`] (done here, once) and the start
//! and stop of an agent process. It must not know about expectations, scores, reports or policy,
//! and it never reads the environment itself: the CLI passes a lookup function.
//!
//! Per-case problems (timeouts, HTTP errors, malformed replies) are values in [`AgentReply`];
//! [`AdapterError`] is only for setup problems (a bad URL, a missing header variable, an agent
//! process that never became ready). Header values are secrets: no error, log or `Debug` output
//! contains them, and the [`Secrets`](crate::model::Secrets) the CLI hands in are masked in each
//! reply and error message as it is read, before the trajectory is built.

pub(crate) mod body;
pub(crate) mod endpoint;
mod error;
mod failure;
mod http;
mod mapping;
mod process;
pub(crate) mod retry;
mod supervise;

use std::future::Future;

use crate::model::{Case, CaseError, Trajectory};

pub use error::AdapterError;
pub use http::HttpAgent;
pub use mapping::parse_reply;
pub use process::AgentProcess;
pub use supervise::{SUPERVISOR_COMMAND, supervise};

/// What one call of the agent on one case yielded: a trajectory or the reason there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentReply {
    pub result: Result<Trajectory, CaseError>,
    /// HTTP attempts made (1 = no retry; 0 = the request could not even be built).
    pub attempts: u32,
    /// Wall time including retries and backoff.
    pub duration_ms: u64,
}

/// The seam between the runner and the agent: one real implementation ([`HttpAgent`]) and
/// in-memory fakes in tests.
///
/// Declared with `-> impl Future + Send` rather than `async fn` so the public trait does not
/// trip `async_fn_in_trait`; implementations may still be written as `async fn`.
pub trait Agent {
    /// Runs the agent on one case. Never panics; every failure is in [`AgentReply::result`].
    fn call(&self, case: &Case) -> impl Future<Output = AgentReply> + Send;
}

impl Agent for HttpAgent {
    fn call(&self, case: &Case) -> impl Future<Output = AgentReply> + Send {
        HttpAgent::call(self, case)
    }
}

/// Installs the ring crypto provider for rustls once per process. reqwest is built with
/// `rustls-no-provider`, so building a client without this panics; a second install (the CLI
/// or a test did it already) fails harmlessly.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
