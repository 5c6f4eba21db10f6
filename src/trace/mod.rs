//! OTLP trace files → [`TraceRecord`]s: the production side of evalgate.
//!
//! Owns reading OTLP/JSON (`otlp`), grouping spans into traces while streaming (`stream`, whose
//! `//!` states the flush rule) and rebuilding each trace's trajectory from the OpenInference or
//! GenAI semantic-convention attributes (`normalize`, `messages`), and trace-native scoring of a
//! record against rules with the live scorer (`score`, pure). Shared by `evalgate traces` and
//! `promote`. Must not redact, apply the policy or write anything: it reads files and hands
//! records to a callback.
//! Unknown span shapes and malformed JSONL lines are counted in [`ReadStats`], never fatal.

mod messages;
mod normalize;
mod otlp;
mod score;
mod span;
mod stream;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use score::{CompiledRules, score_trace};

use crate::model::TraceRecord;

/// What a read saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub files: usize,
    pub bytes: u64,
    pub requests: usize,
    pub spans: usize,
    pub traces: usize,
    /// Spans of neither convention (and not a root), or without ids.
    pub skipped_spans: usize,
    /// Spans that arrived after their trace was complete and flushed.
    pub late_spans: usize,
    /// JSONL lines that are not a trace request.
    pub bad_lines: usize,
    /// The first few problems, `file:line: …`.
    pub warnings: Vec<String>,
}

/// A trace file that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("cannot read `{path}`: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{}:{line}:{column}: not an OTLP/JSON trace request: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl TraceError {
    fn io(path: &Path, e: &std::io::Error) -> Self {
        TraceError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

/// Reads every trace in `paths` (files or directories), calling `on_trace` for each as soon as
/// it is complete. Memory is bounded by the open traces, not by the files.
pub fn read_paths(
    paths: &[PathBuf],
    on_trace: impl FnMut(TraceRecord),
) -> Result<ReadStats, TraceError> {
    let mut files = Vec::new();
    for p in paths {
        stream::expand(p, &mut files)?;
    }
    let mut g = stream::Grouper::new(on_trace);
    for f in &files {
        stream::read_file(f, &mut g)?;
    }
    Ok(g.finish())
}

/// Reads every trace into memory (for promote and score, whose inputs are selections).
pub fn read_all(paths: &[PathBuf]) -> Result<(Vec<TraceRecord>, ReadStats), TraceError> {
    let mut out = Vec::new();
    let stats = read_paths(paths, |r| out.push(r))?;
    Ok((out, stats))
}
