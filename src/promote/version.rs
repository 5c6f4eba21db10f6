//! Dataset versions on disk: find the latest `v<N>.yaml`, write `v<N+1>.yaml` = the previous
//! version's text + new cases, atomically and never over an existing file.
//!
//! Shared by `promote` and `import` (one writer for "a new dataset version"). The new text is
//! checked to load with [`crate::config::load_dataset`] before it is renamed into place, so a
//! bug can never leave a half-written or unloadable version. Old versions are never touched.

use std::path::{Path, PathBuf};

use crate::model::Case;

use super::PromoteError;

pub(super) fn io_err(path: &Path, e: impl std::fmt::Display) -> PromoteError {
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

/// The latest version of the dataset in `dir` and its cases (none for a new dataset).
#[allow(clippy::type_complexity)]
pub fn load_latest(dir: &Path) -> Result<(Option<(u32, PathBuf)>, Vec<Case>), PromoteError> {
    let previous = latest_version(dir);
    let existing = match &previous {
        Some((_, path)) => crate::config::load_dataset(path, path)?,
        None => Vec::new(),
    };
    Ok((previous, existing))
}

/// Writes `v<N+1>.yaml` in `dir` (`v1.yaml` when `previous` is `None`): the previous version's
/// text, then `header` (YAML comment lines), then `cases`. Returns the path written.
pub fn write_next(
    dir: &Path,
    previous: Option<&(u32, PathBuf)>,
    header: &str,
    cases: &[Case],
) -> Result<PathBuf, PromoteError> {
    let version = previous.map_or(1, |(v, _)| v + 1);
    let path = dir.join(format!("v{version}.yaml"));
    let mut text = match previous {
        Some((_, p)) => {
            let t = std::fs::read_to_string(p).map_err(|e| io_err(p, e))?;
            format!("{}\n\n", t.trim_end())
        }
        None => String::new(),
    };
    text.push_str(header);
    text.push_str(&crate::config::to_yaml(&cases).map_err(PromoteError::Invalid)?);
    write_checked(&path, &text)?;
    Ok(path)
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
