//! GitHub: the sticky PR comment, baseline artifacts (octocrab), and the workflow-command files
//! (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`, `::error` annotations).
//!
//! Called only by `cli`, which reads the environment and hands over a [`GithubContext`]; this
//! module reads no env and decides no exit code. A failed comment is a value the caller turns
//! into a warning: it never changes the verdict.

mod artifact;
mod client;
mod comment;
mod event;
pub mod workflow;

pub use artifact::{ArtifactBaseline, fetch_baseline};
pub use client::{GithubError, client};
pub use comment::{Author, CommentOutcome, comment_author, sticky_body, upsert_comment};
pub use event::{EventInfo, parse_event};

/// Where and as whom to talk to GitHub; built by `cli` from the Actions environment.
#[derive(Debug, Clone, Default)]
pub struct GithubContext {
    /// `https://api.github.com` (`GITHUB_API_URL`; tests point it at 127.0.0.1).
    pub api_url: String,
    pub token: Option<String>,
    /// `owner/name` (`GITHUB_REPOSITORY`).
    pub repo: Option<String>,
    /// From `GITHUB_EVENT_PATH`.
    pub event: EventInfo,
}
