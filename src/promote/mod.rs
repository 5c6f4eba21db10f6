//! Production traces → a new dataset version: selection, redaction, dedupe, lineage, writing.
//!
//! Owns turning selected [`TraceRecord`]s into draft cases (`review: pending`, the observed
//! trajectory as `expect`, the recorded tool results as `fixtures`, `source` lineage) and
//! writing `v<N+1>.yaml` = the previous version's text + the new cases, atomically, after
//! checking that it loads with [`crate::config::load_dataset`]. Old versions are never touched;
//! nothing new → nothing written. Everything taken from a trace passes through [`Redactor`]
//! before it is written or returned. Reads no environment and prints nothing (`cli` does).

mod build;
pub mod pseudonym;
pub mod redact;
pub mod select;
mod version;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use regex::Regex;

use crate::model::TraceRecord;

pub use build::dedupe_key;
pub use redact::Redactor;
pub use select::{Predicate, Selector};
pub use version::{latest_version, load_latest, write_next};

/// How to promote.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub selector: Selector,
    /// Extra redaction patterns (kind `custom`).
    pub custom_patterns: Vec<Regex>,
    /// Keys whose values are person names (empty: [`pseudonym::DEFAULT_NAME_KEYS`]).
    pub name_keys: Vec<String>,
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
    let (previous, existing) = version::load_latest(dataset_dir)?;
    let mut seen: HashSet<String> = existing.iter().map(build::case_key).collect();
    let mut ids: HashSet<String> = existing.iter().map(|c| c.id.clone()).collect();
    let mut redactor = Redactor::pseudonymizing(opts.custom_patterns.clone(), &opts.name_keys);
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
    let header = format!(
        "# Promoted from production traces by `evalgate promote` on {}: {} case{} with\n\
         # `review: pending` (advisory until a person checks `expect` and sets `review: approved`).\n",
        opts.promoted_at,
        new_cases.len(),
        if new_cases.len() == 1 { "" } else { "s" }
    );
    let path = version::write_next(dataset_dir, previous.as_ref(), &header, &new_cases)?;
    summary.written = new_cases.into_iter().map(|c| c.id).collect();
    summary.file = Some(path);
    Ok(summary)
}

#[cfg(test)]
#[path = "promote_tests.rs"]
mod tests;
