//! Reports: pure renderers (JSON, JUnit, Markdown, console summary) and the only file writes of
//! a run's outputs.
//!
//! Renderers are functions of a [`RunReport`], sorted deterministically and snapshot-tested;
//! agent-produced text is neutralized on the way out ([`escape`]). Only the `write*` functions
//! and [`CasesLog`] touch files, and [`console::Console`] draws progress on stderr. This module
//! decides no exit code and reads no environment.

mod align;
pub mod calibration;
pub mod comment;
mod comment_format;
mod comment_view;
pub mod console;
pub mod escape;
mod format;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod view;

#[cfg(test)]
pub(crate) mod fixture;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::{CaseResult, RunReport};

pub use calibration::{judge_line, render_calibration};
pub use console::{Console, ProgressMode, render_summary};
pub use json::{render_case_line, render_results};
pub use junit::render_junit;
pub use markdown::{DEFAULT_TEMPLATE, render_markdown};

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The report template failed to parse or render (message names the template line).
    #[error("invalid report template: {message}")]
    Template { message: String },
    #[error("failed to write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Where [`write_reports`] put the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenReports {
    pub results_json: PathBuf,
    pub junit_xml: PathBuf,
    pub report_md: PathBuf,
}

/// Renders `results.json`, `junit.xml` and `report.md` and writes them into `out_dir` (created
/// if missing). Each file is staged in a temp file in the same directory and renamed into place
/// only once all three are complete, so a bad template or a failed write never leaves a
/// half-written report (nor a directory this call created).
///
/// The three renderers run on their own threads: at 2000 cases this tail of the run is
/// ~0.1 s of CPU, which would otherwise all be wall time after the last agent reply.
pub fn write_reports(
    out_dir: &Path,
    report: &RunReport,
    template: Option<&str>,
) -> Result<WrittenReports, ReportError> {
    let created = !out_dir.exists();
    fs::create_dir_all(out_dir).map_err(|source| ReportError::Write {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let [results_json, junit_xml, report_md] = REPORT_FILES.map(|name| out_dir.join(name));
    let written = WrittenReports {
        results_json,
        junit_xml,
        report_md,
    };
    let (json, junit, markdown) = std::thread::scope(|s| {
        let json = s.spawn(|| stage(&written.results_json, |w| json::write_results(report, w)));
        let junit = s.spawn(|| stage(&written.junit_xml, |w| junit::write_junit(report, w)));
        let markdown = render_markdown(report, template)
            .and_then(|md| stage(&written.report_md, |w| w.write_all(md.as_bytes())));
        let join = |h: std::thread::ScopedJoinHandle<'_, _>| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        (join(json), join(junit), markdown)
    });
    let staged = match (json, junit, markdown) {
        (Ok(a), Ok(b), Ok(c)) => [a, b, c],
        (json, junit, markdown) => {
            let mut first = None;
            for r in [markdown, json, junit] {
                match r {
                    Ok((tmp, _)) => {
                        let _ = fs::remove_file(tmp);
                    }
                    Err(e) => {
                        first.get_or_insert(e);
                    }
                }
            }
            if created {
                let _ = fs::remove_dir(out_dir);
            }
            return Err(first.expect("one of the three failed"));
        }
    };
    for (tmp, path) in &staged {
        if let Err(source) = fs::rename(tmp, path) {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            return Err(ReportError::Write {
                path: path.clone(),
                source,
            });
        }
    }
    Ok(written)
}

/// Writes `path`'s future contents into a temp file beside it; returns (temp, path).
///
/// No fsync: the rename makes the report appear whole or not at all to every reader; surviving
/// a power cut is not worth the tens of milliseconds a sync of several megabytes costs.
fn stage(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
) -> Result<(PathBuf, PathBuf), ReportError> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut w = io::BufWriter::with_capacity(64 * 1024, File::create(&tmp)?);
        write(&mut w)?;
        w.flush()
    })();
    match result {
        Ok(()) => Ok((tmp, path.to_path_buf())),
        Err(source) => {
            let _ = fs::remove_file(&tmp);
            Err(ReportError::Write {
                path: path.to_path_buf(),
                source,
            })
        }
    }
}

/// Ends every temp file's name, so the next run can recognise a killed write's leftovers.
const TEMP_SUFFIX: &str = ".evalgate-tmp";

/// The reports a run writes beside its cases.jsonl; an earlier run's are removed when a run
/// starts ([`CasesLog::create`]).
pub const REPORT_FILES: [&str; 3] = ["results.json", "junit.xml", "report.md"];

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()))
}

/// Removes an earlier run's reports and the temp files of a killed report write from
/// `out_dir`, so a run that is killed in turn never leaves an older verdict beside its
/// cases.jsonl. A missing directory or file is no error.
pub fn clear_stale_reports(out_dir: &Path) -> Result<(), ReportError> {
    let remove = |path: PathBuf| match fs::remove_file(&path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            Err(ReportError::Write { path, source: e })
        }
        _ => Ok(()),
    };
    for name in REPORT_FILES {
        remove(out_dir.join(name))?;
    }
    let Ok(entries) = fs::read_dir(out_dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(TEMP_SUFFIX) {
            remove(entry.path())?;
        }
    }
    Ok(())
}

/// Writes `contents` to `path` through a temp file in the same directory and a rename.
pub fn write_atomic(path: &Path, contents: &str) -> Result<(), ReportError> {
    let (tmp, path) = stage(path, |w| w.write_all(contents.as_bytes()))?;
    fs::rename(&tmp, &path).map_err(|source| {
        let _ = fs::remove_file(&tmp);
        ReportError::Write { path, source }
    })
}

/// `cases.jsonl`: one line per finished run, flushed as it is written so a crash keeps every
/// finished case (`--resume` reads it back).
pub struct CasesLog {
    path: PathBuf,
    file: File,
}

impl CasesLog {
    /// Creates `out_dir` if needed, removes an earlier run's reports
    /// ([`clear_stale_reports`]) and starts an empty `cases.jsonl` (truncating an old one).
    pub fn create(out_dir: &Path) -> Result<CasesLog, ReportError> {
        let path = out_dir.join("cases.jsonl");
        let err = |source| ReportError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(out_dir).map_err(err)?;
        clear_stale_reports(out_dir)?;
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(err)?;
        Ok(CasesLog { path, file })
    }

    /// Appends one run and flushes it to the OS.
    pub fn append(&mut self, result: &CaseResult) -> Result<(), ReportError> {
        let mut line = render_case_line(result);
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|source| ReportError::Write {
                path: self.path.clone(),
                source,
            })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_reports_creates_the_directory_and_all_three_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("nested/out");
        let report = fixture::report();
        let written = write_reports(&out, &report, None).unwrap();
        assert_eq!(
            fs::read_to_string(&written.results_json).unwrap(),
            render_results(&report)
        );
        assert_eq!(
            fs::read_to_string(&written.junit_xml).unwrap(),
            render_junit(&report)
        );
        assert_eq!(
            fs::read_to_string(&written.report_md).unwrap(),
            render_markdown(&report, None).unwrap()
        );
        let mut names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["junit.xml", "report.md", "results.json"],
            "no temp files left"
        );
    }

    #[test]
    fn a_bad_template_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let err = write_reports(&out, &fixture::report(), Some("{{ nope }}")).unwrap_err();
        assert!(matches!(err, ReportError::Template { .. }), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn the_cases_log_truncates_then_appends_flushed_lines() {
        let dir = tempfile::tempdir().unwrap();
        let report = fixture::report();
        fs::write(dir.path().join("cases.jsonl"), "stale\n").unwrap();
        let mut log = CasesLog::create(dir.path()).unwrap();
        assert_eq!(fs::read_to_string(log.path()).unwrap(), "");
        for (i, case) in report.cases.iter().enumerate() {
            log.append(case).unwrap();
            // Readable before the log is closed: each line is flushed as it is written.
            let text = fs::read_to_string(log.path()).unwrap();
            assert_eq!(text.lines().count(), i + 1);
        }
        let back: Vec<CaseResult> = fs::read_to_string(log.path())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, report.cases);
    }

    #[test]
    fn a_new_cases_log_clears_the_earlier_reports_and_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        write_reports(dir.path(), &fixture::report(), None).unwrap();
        for name in [
            ".junit.xml.7.evalgate-tmp",
            ".notes.evalgate-tmp",
            "notes.txt",
        ] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        CasesLog::create(dir.path()).unwrap();
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        // The user's own files stay.
        assert_eq!(names, ["cases.jsonl", "notes.txt"]);
    }

    #[test]
    fn write_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "").unwrap();
        let err = write_reports(&blocker.join("out"), &fixture::report(), None).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("failed to write `"), "{msg}");
        assert!(msg.contains("file/out"), "{msg}");
    }
}
