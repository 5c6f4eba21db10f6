//! `ConfigError`: every problem found in the user's files, each with `path:line:col`.
//!
//! Owns the rendering of config errors (just-style: a lowercase message, then ` --> file:L:C`,
//! then an optional `= help:` line). Decides no exit code; `cli` maps any `ConfigError` to 2.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// As the user would type it: the config path as given, other files relative to the
    /// config's directory.
    pub path: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file (it cannot be read).
    pub line: usize,
    /// 1-based, in characters; 0 with `line`.
    pub column: usize,
    /// A lowercase fragment naming the bad value in backticks and the valid options.
    pub message: String,
    /// What to do about it, when that is not obvious from the message.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `line:column` of `path` (0:0 for the whole file).
    pub fn new(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            column,
            message: crate::input::cut_values(&message.into()),
            help: None,
        }
    }

    /// Adds an `= help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if self.line > 0 {
            write!(
                f,
                "\n  --> {}:{}:{}",
                self.path.display(),
                self.line,
                self.column
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Everything wrong with a configuration, sorted by file, line and column. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub diagnostics: Vec<Diagnostic>,
}

impl ConfigError {
    /// Wraps problems found together, sorted so the output is stable and reads top-down.
    pub fn many(mut diagnostics: Vec<Diagnostic>) -> Self {
        assert!(
            !diagnostics.is_empty(),
            "a ConfigError needs at least one diagnostic"
        );
        diagnostics.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        diagnostics.dedup();
        ConfigError { diagnostics }
    }

    /// A file that could not be read (`display` is the path as the user would type it).
    pub fn io(display: &Path, err: &std::io::Error) -> Self {
        let reason = lowercase_first(&err.to_string());
        Diagnostic::new(
            display,
            0,
            0,
            format!("cannot read `{}`: {reason}", display.display()),
        )
        .into()
    }

    /// The first problem's file.
    pub fn path(&self) -> &Path {
        &self.diagnostics[0].path
    }

    /// The first problem's line (0: the whole file).
    pub fn line(&self) -> usize {
        self.diagnostics[0].line
    }

    /// The first problem's column (0: the whole file).
    pub fn column(&self) -> usize {
        self.diagnostics[0].column
    }
}

impl From<Diagnostic> for ConfigError {
    fn from(d: Diagnostic) -> Self {
        ConfigError {
            diagnostics: vec![d],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// `p` as a user in `root` would type it: relative to `root` when it lies inside it.
pub fn display_path(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root)
        .map_or_else(|_| p.to_path_buf(), Path::to_path_buf)
}

pub(crate) fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `` `a`, `b`, `c` `` — how valid options are listed.
pub(crate) fn backticked<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: fmt::Display,
{
    let list: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

/// The option closest to a probable typo, if one is close enough to suggest.
pub(crate) fn closest<'a>(
    word: &str,
    options: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    options
        .into_iter()
        .map(|o| (edit_distance(word, o), o))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, o)| o)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_just_and_sorts_by_file_then_line() {
        let err = ConfigError::many(vec![
            Diagnostic::new("evals/b/v1.yaml", 3, 5, "second"),
            Diagnostic::new("evalgate.yaml", 9, 1, "first").with_help("do this"),
            Diagnostic::new("evals/b/v1.yaml", 1, 7, "between"),
        ]);
        assert_eq!(
            err.to_string(),
            "error: first\n  --> evalgate.yaml:9:1\n  = help: do this\n\n\
             error: between\n  --> evals/b/v1.yaml:1:7\n\n\
             error: second\n  --> evals/b/v1.yaml:3:5"
        );
        assert_eq!(
            (err.path(), err.line(), err.column()),
            (Path::new("evalgate.yaml"), 9, 1)
        );
    }

    #[test]
    fn io_errors_name_the_file_and_have_no_position() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let err = ConfigError::io(Path::new("evalgate.yaml"), &io);
        assert_eq!(
            err.to_string(),
            "error: cannot read `evalgate.yaml`: no such file"
        );
        assert_eq!(err.line(), 0);
    }

    #[test]
    fn suggests_only_close_matches() {
        assert_eq!(closest("supprt", ["billing", "support"]), Some("support"));
        assert_eq!(closest("refnd", ["refund", "refunds"]), Some("refund"));
        assert_eq!(closest("xyz", ["billing", "support"]), None);
    }

    #[test]
    fn display_paths_are_relative_to_the_root() {
        let root = Path::new("/repo/ci");
        assert_eq!(
            display_path(root, Path::new("/repo/ci/evals/a/v1.yaml")),
            Path::new("evals/a/v1.yaml")
        );
        assert_eq!(
            display_path(root, Path::new("/elsewhere/x.yaml")),
            Path::new("/elsewhere/x.yaml")
        );
        assert_eq!(
            display_path(Path::new(""), Path::new("evals/a/v1.yaml")),
            Path::new("evals/a/v1.yaml")
        );
    }
}
