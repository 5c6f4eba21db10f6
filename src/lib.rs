//! evalgate: the merge gate for AI agents.
//!
//! The library behind the `evalgate` binary; the integration tests drive it in-process through
//! [`cli::run`]. Data flows one way (DESIGN §3): config → runner (adapter, scorer) → policy →
//! report; [`model`] holds every type that crosses a module boundary.

pub mod adapter;
pub mod cli;
pub mod compare;
pub mod config;
pub mod demo;
pub mod github;
pub mod import;
pub mod input;
pub mod judge;
pub mod model;
pub mod policy;
pub mod promote;
pub mod report;
pub mod runner;
pub mod scorer;
pub mod stats;
pub mod trace;
