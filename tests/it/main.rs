//! The one integration-test binary: modules share the local fake servers in `common`.

mod common;

mod action;
mod agent_http;
mod agent_process;
mod cli;
mod demo;
mod gate;
mod github;
mod judge;
mod judge_calls;
mod lifecycle;
mod promote;
