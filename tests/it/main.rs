//! The one integration-test binary: modules share the local fake servers in `common`.

mod common;

mod action;
mod agent_bounds;
mod agent_http;
mod agent_process;
mod broken;
mod cli;
mod demo;
mod gate;
mod github;
mod github_owner;
mod import_bfcl;
mod import_tau2;
mod judge;
mod judge_calls;
mod lifecycle;
mod promote;
mod secrets;
mod verdict;
