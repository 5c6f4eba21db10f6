//! Checks of `suites` and resolution of each suite's dataset folder and version file.
//!
//! Owns the dataset layout `evals/<dataset>/v<N>.yaml` (relative to the config's folder): which
//! datasets exist, which versions, which one a suite runs. Lists directories; reads no dataset
//! file (that is `dataset`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::SuiteSpec;

use super::error::{Diagnostic, backticked, closest};
use super::source::Source;

/// The folder holding all datasets, relative to the config's folder.
pub const EVALS_DIR: &str = "evals";

/// A suite's dataset version file.
pub(crate) struct ResolvedDataset {
    pub version: u32,
    /// Relative to the config's folder (`evals/support/v2.yaml`).
    pub display: PathBuf,
}

pub(crate) fn check_suites(suites: &[SuiteSpec], src: &Source, out: &mut Vec<Diagnostic>) {
    if suites.is_empty() {
        out.push(
            src.at("suites", "`suites` is empty")
                .with_help("add a suite, e.g. `- { name: support, dataset: support }` for `evals/support/v<N>.yaml`"),
        );
    }
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for (i, s) in suites.iter().enumerate() {
        let path = format!("suites[{i}].name");
        if s.name.trim().is_empty() {
            out.push(src.at(&path, "a suite's `name` must not be empty"));
            continue;
        }
        let line = src
            .outline
            .value_pos(&super::locate::parse_path(&path))
            .line;
        match first_line.get(s.name.as_str()) {
            Some(first) => out.push(src.at(
                &path,
                format!(
                    "duplicate suite name `{}` (first used at line {first})",
                    s.name
                ),
            )),
            None => {
                first_line.insert(&s.name, line);
            }
        }
    }
}

/// Finds the version file suite `i` runs: the one it names, or the highest present.
pub(crate) fn resolve_dataset(
    root: &Path,
    i: usize,
    suite: &SuiteSpec,
    src: &Source,
) -> Result<ResolvedDataset, Vec<Diagnostic>> {
    let name = &suite.dataset;
    let at_dataset = |msg: String| src.at(&format!("suites[{i}].dataset"), msg);
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !valid_name {
        return Err(vec![at_dataset(format!(
            "invalid dataset name `{name}`: a dataset is a folder under `{EVALS_DIR}/` named with letters, digits, `.`, `_` and `-`"
        ))]);
    }
    let rel_dir = Path::new(EVALS_DIR).join(name);
    let dir = root.join(&rel_dir);
    if !dir.is_dir() {
        let found = list_datasets(&root.join(EVALS_DIR));
        let d = at_dataset(format!(
            "dataset `{name}` not found: no folder `{}/`; datasets found: {}",
            rel_dir.display(),
            backticked(&found)
        ));
        return Err(vec![
            match closest(name, found.iter().map(String::as_str)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d,
            },
        ]);
    }
    let (versions, misnamed) = list_versions(&dir);
    let mut errors: Vec<Diagnostic> = misnamed
        .iter()
        .map(|f| {
            let display = rel_dir.join(f);
            Diagnostic::new(
                &display,
                0,
                0,
                format!(
                    "dataset file `{}` is not named `v<N>.yaml`",
                    display.display()
                ),
            )
            .with_help("dataset versions are files `v1.yaml`, `v2.yaml`, … (no leading zeros)")
        })
        .collect();
    let chosen = match suite.version {
        _ if versions.is_empty() => {
            errors.push(at_dataset(format!(
                "dataset `{name}` has no versions: no `v<N>.yaml` file in `{}/`",
                rel_dir.display()
            )));
            None
        }
        Some(v) if !versions.contains(&v) => {
            errors.push(src.at(
                &format!("suites[{i}].version"),
                format!(
                    "dataset `{name}` has no version `{v}` (`{}`); versions present: {}",
                    rel_dir.join(format!("v{v}.yaml")).display(),
                    backticked(&versions)
                ),
            ));
            None
        }
        Some(v) => Some(v),
        None => versions.last().copied(),
    };
    match chosen {
        Some(version) if errors.is_empty() => Ok(ResolvedDataset {
            version,
            display: rel_dir.join(format!("v{version}.yaml")),
        }),
        _ => Err(errors),
    }
}

/// `v3.yaml` → 3. Versions start at 1 and have no leading zeros, so each has one file name.
pub fn version_of(file_name: &str) -> Option<u32> {
    let digits = file_name.strip_prefix('v')?.strip_suffix(".yaml")?;
    let canonical = !digits.is_empty()
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Versions present (ascending) and YAML files that are not named like a version.
fn list_versions(dir: &Path) -> (Vec<u32>, Vec<String>) {
    let mut versions = Vec::new();
    let mut misnamed = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_file() {
            continue;
        }
        match version_of(&name) {
            Some(v) => versions.push(v),
            None if name.ends_with(".yaml") || name.ends_with(".yml") => misnamed.push(name),
            None => {}
        }
    }
    versions.sort_unstable();
    misnamed.sort();
    (versions, misnamed)
}

/// Folders under `evals/` that hold at least one version file, sorted.
fn list_datasets(evals: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(evals)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir() && !list_versions(&e.path()).0.is_empty())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_file_names_are_canonical() {
        assert_eq!(version_of("v1.yaml"), Some(1));
        assert_eq!(version_of("v12.yaml"), Some(12));
        for bad in [
            "v0.yaml",
            "v01.yaml",
            "v1.yml",
            "V1.yaml",
            "v.yaml",
            "v1a.yaml",
            "latest.yaml",
        ] {
            assert_eq!(version_of(bad), None, "{bad}");
        }
    }
}
