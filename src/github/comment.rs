//! The sticky comment: one per config, owned by evalgate. It is the first comment, across every
//! page of the PR's comments, written by the token's own login whose body starts with the
//! config's marker; it is updated in place (PATCH, the documented verb) or created once.
//!
//! Anyone can paste a marker into a comment and agent text is quoted in ours, so neither the
//! marker alone nor a marker anywhere but at the start identifies the comment: without a known
//! login nothing is updated, a new comment is created instead.

use octocrab::{Octocrab, Page};
use serde::Deserialize;
use serde_json::json;

use super::GithubError;

/// The login GitHub shows for comments written with the Actions `GITHUB_TOKEN`. Logins with
/// `[bot]` belong to GitHub Apps: no user can register one.
pub const ACTIONS_LOGIN: &str = "github-actions[bot]";

/// Only the fields we read, so any GitHub-compatible server's comment JSON deserializes.
#[derive(Debug, Deserialize)]
struct MinComment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    user: Option<MinUser>,
}

#[derive(Debug, Deserialize)]
struct MinUser {
    login: String,
}

/// Who the token writes comments as, and how evalgate knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// Given by `--comment-author`.
    Given(String),
    /// `GET /user` answered: a personal token or a GitHub App's user token.
    User(String),
    /// `GET /user` answered 403, which is what an integration token gets: taken to be the
    /// Actions `GITHUB_TOKEN`, whose comments are [`ACTIONS_LOGIN`]'s.
    Actions,
    /// `GET /user` failed otherwise; the reason.
    Unknown(String),
}

impl Author {
    /// The login to match comments against; `None` when unknown.
    pub fn login(&self) -> Option<&str> {
        match self {
            Author::Given(l) | Author::User(l) => Some(l),
            Author::Actions => Some(ACTIONS_LOGIN),
            Author::Unknown(_) => None,
        }
    }
}

/// The token's login: `given` when set, else `GET /user`.
pub async fn comment_author(client: &Octocrab, given: Option<&str>) -> Author {
    if let Some(login) = given.filter(|l| !l.is_empty()) {
        return Author::Given(login.to_string());
    }
    match client.get::<MinUser, _, ()>("/user", None).await {
        Ok(user) => Author::User(user.login),
        Err(e) => match GithubError::from(e) {
            GithubError::Status { status: 403, .. } => Author::Actions,
            other => Author::Unknown(other.to_string()),
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentOutcome {
    /// The new comment's id and the login GitHub says wrote it.
    Created {
        id: u64,
        login: Option<String>,
    },
    Updated(u64),
}

/// Whether a comment is the sticky one: written by `login` (GitHub logins are
/// case-insensitive) and starting with `marker`.
fn is_sticky(body: Option<&str>, author: Option<&str>, login: &str, marker: &str) -> bool {
    author.is_some_and(|a| a.eq_ignore_ascii_case(login))
        && body.is_some_and(|b| b.starts_with(marker))
}

/// `body` as posted: starting with `marker`, so the next run finds it (a user template may
/// have left the marker out or moved it).
pub fn sticky_body(marker: &str, body: &str) -> String {
    if body.starts_with(marker) {
        body.to_string()
    } else {
        format!("{marker}\n{body}")
    }
}

/// Updates the sticky comment of `repo` PR `pr` written by `login` (see [`is_sticky`]), or
/// creates it. With no `login` nothing is looked up: a new comment is created.
pub async fn upsert_comment(
    client: &Octocrab,
    repo: &str,
    pr: u64,
    marker: &str,
    login: Option<&str>,
    body: &str,
) -> Result<CommentOutcome, GithubError> {
    let body = sticky_body(marker, body);
    if let Some(login) = login {
        let mut page: Option<Page<MinComment>> = Some(
            client
                .get(
                    format!("/repos/{repo}/issues/{pr}/comments"),
                    Some(&[("per_page", "100")]),
                )
                .await?,
        );
        while let Some(p) = page {
            if let Some(c) = p.items.iter().find(|c| {
                is_sticky(
                    c.body.as_deref(),
                    c.user.as_ref().map(|u| u.login.as_str()),
                    login,
                    marker,
                )
            }) {
                let _: MinComment = client
                    .patch(
                        format!("/repos/{repo}/issues/comments/{}", c.id),
                        Some(&json!({ "body": body })),
                    )
                    .await?;
                return Ok(CommentOutcome::Updated(c.id));
            }
            page = client.get_page(&p.next).await?;
        }
    }
    let created: MinComment = client
        .post(
            format!("/repos/{repo}/issues/{pr}/comments"),
            Some(&json!({ "body": body })),
        )
        .await?;
    Ok(CommentOutcome::Created {
        id: created.id,
        login: created.user.map(|u| u.login),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "<!-- evalgate:evalgate.yaml -->";

    #[test]
    fn only_our_login_with_the_marker_first_is_the_sticky_comment() {
        let ours = format!("{M}\n## ✅ evalgate: pass");
        assert!(is_sticky(Some(&ours), Some("ci-bot"), "ci-bot", M));
        assert!(
            is_sticky(Some(&ours), Some("CI-Bot"), "ci-bot", M),
            "logins ignore case"
        );
        assert!(
            is_sticky(Some(&ours), Some(ACTIONS_LOGIN), ACTIONS_LOGIN, M),
            "the GITHUB_TOKEN's comments"
        );
        // A third party quoting or pasting our marker.
        assert!(!is_sticky(Some(&ours), Some("mallory"), "ci-bot", M));
        assert!(!is_sticky(Some(&ours), None, "ci-bot", M), "a deleted user");
        // Our own comment with the marker elsewhere: agent text quoting another config's marker.
        let quoted = format!("<!-- evalgate:other.yaml -->\n```\n{M}\n```");
        assert!(!is_sticky(Some(&quoted), Some("ci-bot"), "ci-bot", M));
        assert!(!is_sticky(
            Some(&format!(" {M}")),
            Some("ci-bot"),
            "ci-bot",
            M
        ));
        assert!(!is_sticky(None, Some("ci-bot"), "ci-bot", M));
        // Another config whose path extends ours is not ours: the marker ends with `-->`.
        let longer = "<!-- evalgate:evalgate.yaml.bak -->\nx";
        assert!(!is_sticky(Some(longer), Some("ci-bot"), "ci-bot", M));
    }

    #[test]
    fn the_posted_body_starts_with_the_marker() {
        assert_eq!(sticky_body(M, &format!("{M}\nbody")), format!("{M}\nbody"));
        assert_eq!(sticky_body(M, "## custom"), format!("{M}\n## custom"));
        assert_eq!(sticky_body(M, &format!("x {M}")), format!("{M}\nx {M}"));
    }

    #[test]
    fn the_login_comes_from_the_flag_the_user_or_the_actions_token() {
        assert_eq!(Author::Given("a[bot]".into()).login(), Some("a[bot]"));
        assert_eq!(Author::User("me".into()).login(), Some("me"));
        assert_eq!(Author::Actions.login(), Some("github-actions[bot]"));
        assert_eq!(Author::Unknown("404".into()).login(), None);
    }
}
