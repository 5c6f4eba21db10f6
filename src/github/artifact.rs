//! The baseline from CI: the newest unexpired artifact of a name uploaded by a successful run
//! on the default branch, downloaded as a zip, its `results.json` parsed.

use std::io::{Cursor, Read};

use http_body_util::BodyExt;
use octocrab::Octocrab;
use serde::Deserialize;

use crate::model::RunReport;

use super::GithubError;

/// Artifacts looked at, newest first (one page: older baselines are not worth paging for).
const PER_PAGE: &str = "100";
/// The largest `results.json` read from an artifact.
const MAX_RESULTS_BYTES: u64 = 512 * 1024 * 1024;
/// The largest artifact zip downloaded (the results compress well, so the same bound is ample).
const MAX_ZIP_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Deserialize)]
struct ArtifactList {
    #[serde(default)]
    artifacts: Vec<Artifact>,
}

#[derive(Debug, Deserialize)]
struct Artifact {
    id: u64,
    name: String,
    #[serde(default)]
    expired: bool,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    workflow_run: Option<ArtifactRun>,
}

#[derive(Debug, Deserialize)]
struct ArtifactRun {
    id: u64,
    #[serde(default)]
    head_branch: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WorkflowRun {
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    head_branch: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Repository {
    default_branch: String,
}

/// A baseline found in CI.
#[derive(Debug)]
pub struct ArtifactBaseline {
    pub artifact_id: u64,
    pub run_id: u64,
    pub report: RunReport,
}

/// The newest artifact `name` of a successful default-branch run, or `None` when there is none.
/// `default_branch` comes from the event when known, else from the repository.
pub async fn fetch_baseline(
    client: &Octocrab,
    api_url: &str,
    repo: &str,
    name: &str,
    default_branch: Option<&str>,
) -> Result<Option<ArtifactBaseline>, GithubError> {
    let branch = match default_branch {
        Some(b) => b.to_string(),
        None => {
            let r: Repository = client.get(format!("/repos/{repo}"), None::<&()>).await?;
            r.default_branch
        }
    };
    let list: ArtifactList = client
        .get(
            format!("/repos/{repo}/actions/artifacts"),
            Some(&[("name", name), ("per_page", PER_PAGE)]),
        )
        .await?;
    let mut candidates: Vec<Artifact> = list
        .artifacts
        .into_iter()
        .filter(|a| a.name == name && !a.expired)
        .filter(|a| {
            a.workflow_run
                .as_ref()
                .is_some_and(|r| r.head_branch.as_deref().is_none_or(|b| b == branch))
        })
        .collect();
    // RFC 3339 timestamps in UTC sort as strings.
    candidates.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    for a in candidates {
        let Some(run_ref) = a.workflow_run.as_ref() else {
            continue;
        };
        let run: WorkflowRun = client
            .get(
                format!("/repos/{repo}/actions/runs/{}", run_ref.id),
                None::<&()>,
            )
            .await?;
        if run.conclusion.as_deref() != Some("success")
            || run.head_branch.as_deref().is_some_and(|b| b != branch)
        {
            continue;
        }
        let bytes = download(client, api_url, repo, a.id).await?;
        let report = results_from_zip(&bytes)?;
        return Ok(Some(ArtifactBaseline {
            artifact_id: a.id,
            run_id: run_ref.id,
            report,
        }));
    }
    Ok(None)
}

/// The artifact's zip (GitHub answers with a redirect to storage, which the client follows).
async fn download(
    client: &Octocrab,
    api_url: &str,
    repo: &str,
    id: u64,
) -> Result<Vec<u8>, GithubError> {
    let url = format!(
        "{}/repos/{repo}/actions/artifacts/{id}/zip",
        api_url.trim_end_matches('/')
    );
    let resp = client._get(url.as_str()).await?;
    let status = resp.status();
    // Bounded like every other reply read from the network: never buffered past the limit.
    let body = http_body_util::Limited::new(resp.into_body(), MAX_ZIP_BYTES)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                GithubError::Artifact(format!(
                    "artifact {id} is larger than {} MiB",
                    MAX_ZIP_BYTES >> 20
                ))
            } else {
                GithubError::Request(e.to_string())
            }
        })?
        .to_bytes();
    if !status.is_success() {
        return Err(GithubError::Status {
            status: status.as_u16(),
            message: format!("downloading artifact {id}"),
        });
    }
    Ok(body.to_vec())
}

/// `results.json` from the archive (at the root or in one folder).
pub(crate) fn results_from_zip(bytes: &[u8]) -> Result<RunReport, GithubError> {
    let bad = |m: String| GithubError::Artifact(m);
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(format!("not a zip: {e}")))?;
    let name = archive
        .file_names()
        .filter(|n| *n == "results.json" || n.ends_with("/results.json"))
        .min_by_key(|n| n.len())
        .map(str::to_string)
        .ok_or_else(|| bad("it holds no `results.json`".into()))?;
    let file = archive
        .by_name(&name)
        .map_err(|e| bad(format!("`{name}`: {e}")))?;
    let mut text = String::new();
    file.take(MAX_RESULTS_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| bad(format!("`{name}`: {e}")))?;
    serde_json::from_str(&text).map_err(|e| bad(format!("`{name}` is not a results.json: {e}")))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, text) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn results_json_is_read_from_the_root_or_a_folder() {
        let report = crate::report::render_results(&crate::report::fixture::report());
        let got = results_from_zip(&zip_of(&[
            ("out/results.json", &report),
            ("out/junit.xml", "<x/>"),
        ]))
        .unwrap();
        assert_eq!(got.cases.len(), 5);
    }

    #[test]
    fn unusable_archives_say_why() {
        let msg = |bytes: &[u8]| results_from_zip(bytes).unwrap_err().to_string();
        assert!(msg(b"not a zip").starts_with("the baseline artifact is unusable: not a zip"));
        assert_eq!(
            msg(&zip_of(&[("junit.xml", "<x/>")])),
            "the baseline artifact is unusable: it holds no `results.json`"
        );
        assert!(msg(&zip_of(&[("results.json", "{}")])).starts_with(
            "the baseline artifact is unusable: `results.json` is not a results.json: missing field"
        ));
    }
}
