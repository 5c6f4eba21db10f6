//! The bits of the workflow's event payload (`GITHUB_EVENT_PATH`) evalgate needs.

use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInfo {
    /// Set for `pull_request` / `pull_request_target` events.
    pub pr_number: Option<u64>,
    /// The PR head commit (links point at it).
    pub head_sha: Option<String>,
    pub default_branch: Option<String>,
    /// The PR comes from another repository (its token is read-only).
    pub fork: bool,
}

/// Reads the event JSON; anything missing stays `None` (a push event has no PR).
pub fn parse_event(json: &str) -> Result<EventInfo, serde_json::Error> {
    let v: Value = serde_json::from_str(json)?;
    let pr = v.get("pull_request");
    let str_at = |v: Option<&Value>, path: &[&str]| -> Option<String> {
        let mut cur = v?;
        for p in path {
            cur = cur.get(p)?;
        }
        cur.as_str().map(str::to_string)
    };
    let head_repo = str_at(pr, &["head", "repo", "full_name"]);
    let base_repo = str_at(pr, &["base", "repo", "full_name"]);
    Ok(EventInfo {
        pr_number: pr
            .and_then(|p| p.get("number"))
            .and_then(Value::as_u64)
            .or_else(|| {
                v.get("number")
                    .and_then(Value::as_u64)
                    .filter(|_| pr.is_some())
            }),
        head_sha: str_at(pr, &["head", "sha"]),
        default_branch: str_at(Some(&v), &["repository", "default_branch"]),
        fork: matches!((head_repo, base_repo), (Some(h), Some(b)) if h != b),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pull_request_event() {
        let e = parse_event(
            r#"{"number": 7, "pull_request": {"number": 7, "head": {"sha": "abc", "repo": {"full_name": "me/fork"}},
                "base": {"repo": {"full_name": "acme/agent"}}}, "repository": {"default_branch": "main"}}"#,
        )
        .unwrap();
        assert_eq!(
            e,
            EventInfo {
                pr_number: Some(7),
                head_sha: Some("abc".into()),
                default_branch: Some("main".into()),
                fork: true
            }
        );
    }

    #[test]
    fn a_push_event_has_no_pr() {
        let e =
            parse_event(r#"{"ref": "refs/heads/main", "repository": {"default_branch": "trunk"}}"#)
                .unwrap();
        assert_eq!(e.pr_number, None);
        assert_eq!(e.default_branch.as_deref(), Some("trunk"));
        assert!(parse_event("not json").is_err());
    }
}
