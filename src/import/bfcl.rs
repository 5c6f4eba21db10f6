//! BFCL (Berkeley Function-Calling Leaderboard) single-turn categories → cases.

use std::path::Path;

use super::{ImportError, Imported};

/// Reads the BFCL data folder (`BFCL_v*_<category>.json` + `possible_answer/`).
pub fn read(dir: &Path, _categories: &[String]) -> Result<Imported, ImportError> {
    Err(ImportError::input(
        dir.display(),
        "the BFCL importer is not built yet",
    ))
}
