//! Production traces → a new dataset version: selection, redaction, dedupe, lineage, writing.
//!
//! Owns turning selected [`TraceRecord`]s into draft cases (`review: pending`, the observed
//! trajectory as `expect`, the recorded tool results as `fixtures`, `source` lineage) and
//! writing `v<N+1>.yaml` = the previous version's text + the new cases, atomically, after
//! checking that it loads with [`crate::config::load_dataset`]. Old versions are never touched;
//! nothing new → nothing written. Everything taken from a trace passes through [`Redactor`]
//! before it is written or returned. Reads no environment and prints nothing (`cli` does).

mod build;
pub mod redact;
pub mod select;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use regex::Regex;

use crate::model::{Case, TraceRecord};

pub use build::dedupe_key;
pub use redact::Redactor;
pub use select::{Predicate, Selector};

/// How to promote.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub selector: Selector,
    /// Extra redaction patterns (kind `custom`).
    pub custom_patterns: Vec<Regex>,
    /// Written as `source.promoted_at` (the caller passes today's date).
    pub promoted_at: String,
}

/// What a promotion did (counts only: nothing from the traces' content).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub traces: usize,
    pub selected: usize,
    /// Selected traces already in the dataset, or repeated in the input.
    pub duplicates: usize,
    /// Selected traces without a user input (nothing to replay).
    pub without_input: usize,
    pub redactions: BTreeMap<String, usize>,
    /// Ids of the cases written.
    pub written: Vec<String>,
    /// The version read (`None` for a new dataset) and the one written (`None` when nothing was new).
    pub previous: Option<PathBuf>,
    pub file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    #[error(transparent)]
    Dataset(#[from] crate::config::ConfigError),
    #[error("cannot write `{path}`: {message}")]
    Io { path: PathBuf, message: String },
    #[error("the new version would not load (a bug; nothing was written): {0}")]
    Invalid(String),
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> PromoteError {
    PromoteError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The highest `v<N>.yaml` in `dir`, if any.
pub fn latest_version(dir: &Path) -> Option<(u32, PathBuf)> {
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            Some((crate::config::version_of(&name)?, e.path()))
        })
        .max_by_key(|(v, _)| *v)
}

/// Promotes the selected traces into `dataset_dir` (`evals/<dataset>`).
pub fn promote(
    records: &[TraceRecord],
    dataset_dir: &Path,
    opts: &Options,
) -> Result<Summary, PromoteError> {
    let mut summary = Summary {
        traces: records.len(),
        ..Summary::default()
    };
    let previous = latest_version(dataset_dir);
    let existing: Vec<Case> = match &previous {
        Some((_, path)) => crate::config::load_dataset(path, path)?,
        None => Vec::new(),
    };
    let mut seen: HashSet<String> = existing.iter().map(build::case_key).collect();
    let mut ids: HashSet<String> = existing.iter().map(|c| c.id.clone()).collect();
    let mut redactor = Redactor::new(opts.custom_patterns.clone());
    let mut new_cases = Vec::new();
    for rec in records {
        let Some(reason) = opts.selector.reason(rec) else {
            continue;
        };
        summary.selected += 1;
        let Some(case) = build::draft_case(rec, &reason, &opts.promoted_at, &mut redactor) else {
            summary.without_input += 1;
            continue;
        };
        if !seen.insert(build::case_key(&case)) || ids.contains(&case.id) {
            summary.duplicates += 1;
            continue;
        }
        ids.insert(case.id.clone());
        new_cases.push(case);
    }
    summary.redactions = redactor.counts().clone();
    summary.previous = previous.as_ref().map(|(_, p)| p.clone());
    if new_cases.is_empty() {
        return Ok(summary);
    }
    let version = previous.as_ref().map_or(1, |(v, _)| v + 1);
    let path = dataset_dir.join(format!("v{version}.yaml"));
    let mut text = match &previous {
        Some((_, p)) => {
            let t = std::fs::read_to_string(p).map_err(|e| io_err(p, e))?;
            format!("{}\n\n", t.trim_end())
        }
        None => String::new(),
    };
    text.push_str(&format!(
        "# Promoted from production traces by `evalgate promote` on {}: {} case{} with\n\
         # `review: pending` (advisory until a person checks `expect` and sets `review: approved`).\n",
        opts.promoted_at,
        new_cases.len(),
        if new_cases.len() == 1 { "" } else { "s" }
    ));
    text.push_str(&crate::config::to_yaml(&new_cases).map_err(PromoteError::Invalid)?);
    write_checked(&path, &text)?;
    summary.written = new_cases.into_iter().map(|c| c.id).collect();
    summary.file = Some(path);
    Ok(summary)
}

/// Writes `text` to a temporary file next to `path`, checks that it loads as a dataset, then
/// renames it into place (never over an existing version).
fn write_checked(path: &Path, text: &str) -> Result<(), PromoteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    if path.exists() {
        return Err(io_err(
            path,
            "it already exists (versions are never overwritten)",
        ));
    }
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("new")
    ));
    std::fs::write(&tmp, text).map_err(|e| io_err(&tmp, e))?;
    if let Err(e) = crate::config::load_dataset(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(PromoteError::Invalid(e.to_string()));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_err(path, e)
    })
}

#[cfg(test)]
#[path = "promote_tests.rs"]
mod tests;
