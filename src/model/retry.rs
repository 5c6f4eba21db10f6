//! [`RetrySpec`]: how an HTTP endpoint evalgate calls (the agent, a judge) is retried.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Retries on connect errors, timeouts, 429 and 5xx: exponential backoff with full jitter,
/// `Retry-After` honoured (capped at `max_delay_ms`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Retries after the first attempt (0 = no retry).
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    #[serde(default = "default_base_delay")]
    pub base_delay_ms: u64,
    #[serde(default = "default_max_delay")]
    pub max_delay_ms: u64,
}

impl Default for RetrySpec {
    fn default() -> Self {
        RetrySpec {
            max_retries: default_retries(),
            base_delay_ms: default_base_delay(),
            max_delay_ms: default_max_delay(),
        }
    }
}

fn default_retries() -> u32 {
    3
}
fn default_base_delay() -> u64 {
    200
}
fn default_max_delay() -> u64 {
    10_000
}
