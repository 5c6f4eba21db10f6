//! The sticky comment: one per config, found by its hidden marker across every page of the
//! PR's comments, updated in place (PATCH, the documented verb) or created once.

use octocrab::{Octocrab, Page};
use serde::Deserialize;
use serde_json::json;

use super::GithubError;

/// Only the fields we read, so any GitHub-compatible server's comment JSON deserializes.
#[derive(Debug, Deserialize)]
struct MinComment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentOutcome {
    Created(u64),
    Updated(u64),
}

/// Creates or updates the comment of `repo` PR `pr` whose body contains `marker`.
pub async fn upsert_comment(
    client: &Octocrab,
    repo: &str,
    pr: u64,
    marker: &str,
    body: &str,
) -> Result<CommentOutcome, GithubError> {
    let mut page: Option<Page<MinComment>> = Some(
        client
            .get(
                format!("/repos/{repo}/issues/{pr}/comments"),
                Some(&[("per_page", "100")]),
            )
            .await?,
    );
    while let Some(p) = page {
        if let Some(c) = p
            .items
            .iter()
            .find(|c| c.body.as_deref().is_some_and(|b| b.contains(marker)))
        {
            let updated: MinComment = client
                .patch(
                    format!("/repos/{repo}/issues/comments/{}", c.id),
                    Some(&json!({ "body": body })),
                )
                .await?;
            return Ok(CommentOutcome::Updated(updated.id));
        }
        page = client.get_page(&p.next).await?;
    }
    let created: MinComment = client
        .post(
            format!("/repos/{repo}/issues/{pr}/comments"),
            Some(&json!({ "body": body })),
        )
        .await?;
    Ok(CommentOutcome::Created(created.id))
}
