//! Standard benchmarks → a new dataset version: `evalgate import bfcl|tau2`.
//!
//! Each importer (`bfcl`, `tau2`) reads a benchmark's own files and returns [`Imported`]: the
//! cases, with `source: {kind: benchmark, name, version, id}` lineage, and what it skipped and
//! why. [`write`] then adds the cases whose ids are new to the dataset as `v<N+1>.yaml` through
//! the one versioned writer (`promote::write_next`: checked to load, atomic, never over an
//! existing file). Importers read files and build values; they print nothing and read no
//! environment (`cli` does both).

pub mod bfcl;
pub mod tau2;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::model::Case;
use crate::promote::PromoteError;

/// What an importer read.
#[derive(Debug, Default)]
pub struct Imported {
    /// The benchmark's name and version, as written in each case's lineage (e.g. `bfcl`, `v4`).
    pub benchmark: String,
    pub version: String,
    pub cases: Vec<Case>,
    /// Cases per category (BFCL's test categories, τ²'s domain), for the summary.
    pub per_category: BTreeMap<String, usize>,
    /// Items not imported: `(id, why)`.
    pub skipped: Vec<(String, String)>,
    /// What the user should know about the import as a whole (parts left out of every case,
    /// what the config needs), printed after the counts.
    pub notes: Vec<String>,
}

/// What [`write`] did.
#[derive(Debug, Default)]
pub struct Summary {
    pub previous: Option<PathBuf>,
    /// `None` when every case was already in the dataset.
    pub file: Option<PathBuf>,
    pub written: usize,
    /// Cases whose id the latest version already has (left as they are).
    pub duplicates: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A benchmark file that cannot be read or is not in the expected shape; `at` is
    /// `path[:line[:column]]`.
    #[error("{at}: {message}")]
    Input { at: String, message: String },
    #[error(transparent)]
    Write(#[from] PromoteError),
}

impl ImportError {
    pub fn input(at: impl std::fmt::Display, message: impl Into<String>) -> Self {
        ImportError::Input {
            at: at.to_string(),
            message: message.into(),
        }
    }
}

/// Adds the imported cases that are new (by id) to the dataset in `dir` as a new version.
pub fn write(dir: &Path, imported: Imported, today: &str) -> Result<Summary, ImportError> {
    let (previous, existing) = crate::promote::load_latest(dir)?;
    let ids: HashSet<&str> = existing.iter().map(|c| c.id.as_str()).collect();
    let total = imported.cases.len();
    let new: Vec<Case> = imported
        .cases
        .into_iter()
        .filter(|c| !ids.contains(c.id.as_str()))
        .collect();
    let mut summary = Summary {
        previous: previous.as_ref().map(|(_, p)| p.clone()),
        duplicates: total - new.len(),
        ..Summary::default()
    };
    if new.is_empty() {
        return Ok(summary);
    }
    let header = format!(
        "# Imported from {} {} by `evalgate import` on {today}: {} case{}.\n",
        imported.benchmark,
        imported.version,
        new.len(),
        if new.len() == 1 { "" } else { "s" }
    );
    let path = crate::promote::write_next(dir, previous.as_ref(), &header, &new)?;
    summary.written = new.len();
    summary.file = Some(path);
    Ok(summary)
}
