//! The octocrab client and the error type every GitHub call returns.

use octocrab::Octocrab;

/// Why a GitHub call failed; the caller prints it as a warning.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    /// GitHub answered with an error status (403 for a fork PR's read-only token, 404, …).
    #[error("GitHub answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("no GitHub token (set `GITHUB_TOKEN` or pass `--github-token`)")]
    NoToken,
    #[error("no repository (`GITHUB_REPOSITORY` is not set)")]
    NoRepo,
    #[error("the event is not a pull request, so there is nothing to comment on")]
    NoPullRequest,
    #[error("GitHub request failed: {0}")]
    Request(String),
    #[error("the baseline artifact is unusable: {0}")]
    Artifact(String),
}

impl GithubError {
    /// The status code, when GitHub answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            GithubError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl From<octocrab::Error> for GithubError {
    fn from(e: octocrab::Error) -> Self {
        match e {
            octocrab::Error::GitHub { source, .. } => GithubError::Status {
                status: source.status_code.as_u16(),
                message: source.message,
            },
            other => GithubError::Request(other.to_string()),
        }
    }
}

/// A client for `api_url` authenticated with `token`.
pub fn client(api_url: &str, token: Option<&str>) -> Result<Octocrab, GithubError> {
    // Without a process-wide provider rustls panics; a second install is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let token = token.ok_or(GithubError::NoToken)?;
    Octocrab::builder()
        .base_uri(api_url)
        .map_err(|e| GithubError::Request(format!("bad API URL `{api_url}`: {e}")))?
        .personal_token(token.to_string())
        .build()
        .map_err(GithubError::from)
}
