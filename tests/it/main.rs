//! The one integration-test binary: modules share the local fake servers in `common`.

mod common;

mod agent_http;
mod agent_process;
mod cli;
mod demo;
mod promote;
