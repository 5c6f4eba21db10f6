//! τ²-bench tasks → cases.

use std::path::Path;

use super::{ImportError, Imported};

/// Reads a τ²-bench `tasks.json`.
pub fn read(file: &Path, _domain: Option<&str>) -> Result<Imported, ImportError> {
    Err(ImportError::input(
        file.display(),
        "the τ² importer is not built yet",
    ))
}
