//! Shared helpers of the integration tests: local fake servers on 127.0.0.1:0 and model
//! fixtures. No mocks of our own code; everything talks real HTTP over loopback.

// Each test module uses a different subset of these helpers.
#![allow(dead_code)]

pub mod fake_agent;
pub mod fake_github;
pub mod fake_judge;
pub mod fixtures;
pub mod gauge;
pub mod judge_project;
pub mod openai;
pub mod procs;
pub mod server;
