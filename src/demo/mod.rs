//! The built-in demo: an **example agent under test**, not part of the gate.
//!
//! A deterministic customer-support agent for a made-up billing product, served over HTTP so
//! `evalgate run` can evaluate it on a fresh clone with no API key (`evalgate demo-agent`). It
//! stands in for an LLM agent: rule-based "understanding" ([`parse`]), tool calls against an
//! in-memory billing system ([`backend`]), and three deliberate, realistic flaws that the golden
//! dataset `evals/support/v1.yaml` exposes (a disguised large refund that skips escalation, a
//! redundant account lookup, a garbled invoice id). [`Variant::Regressed`] adds a "prompt change
//! gone wrong" for the baseline-comparison demo.
//!
//! It must not be imported by the gate's own modules (runner, scorer, policy, report): evalgate
//! talks to it only over HTTP, like to any other agent.

mod agent;
mod backend;
mod parse;
mod server;
mod wire;

use std::fmt;
use std::str::FromStr;

pub use agent::respond;
pub use server::{router, serve, spawn_on_loopback};
pub use wire::{ChatMessage, ChatReply, ChatRequest, PRICE_PER_MTOK, TokenUsage};

/// Which agent to serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Variant {
    /// The normal agent (with its three known flaws).
    #[default]
    Baseline,
    /// A "prompt change gone wrong": refunds up to $1,000 are issued instead of escalated, and
    /// invoice questions fetch the invoice before looking the account up.
    Regressed,
}

impl Variant {
    /// Every variant, in the order `--help` lists them.
    pub const ALL: [Variant; 2] = [Variant::Baseline, Variant::Regressed];

    /// The name on the command line (`--variant regressed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Baseline => "baseline",
            Variant::Regressed => "regressed",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Variant, String> {
        Variant::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown variant `{s}`, expected `baseline` or `regressed`"))
    }
}

/// How the demo agent behaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoOptions {
    /// Added to every `/chat` answer, to make latency visible in reports.
    pub latency_ms: u64,
    pub variant: Variant,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_parse_by_name() {
        for v in Variant::ALL {
            assert_eq!(v.to_string().parse::<Variant>(), Ok(v));
        }
        assert_eq!(
            "regresed".parse::<Variant>().unwrap_err(),
            "unknown variant `regresed`, expected `baseline` or `regressed`"
        );
    }
}
