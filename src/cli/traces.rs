//! `evalgate traces export` (and `score`, in `traces_score.rs`): production traces on the
//! command line.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use super::{PASS, USAGE};
use crate::model::{CallStatus, Secrets, TraceRecord, Usage};
use crate::trace::ReadStats;

/// The normalized view of one trace, one JSON line each.
#[derive(Serialize)]
struct ExportLine<'a> {
    trace_id: &'a str,
    inputs: &'a [String],
    calls: Vec<ExportCall<'a>>,
    final_response: Option<&'a str>,
    usage: &'a Usage,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct ExportCall<'a> {
    name: &'a str,
    arguments: &'a Value,
    status: CallStatus,
}

fn export_line(r: &TraceRecord) -> ExportLine<'_> {
    ExportLine {
        trace_id: &r.trace_id,
        inputs: &r.inputs,
        calls: r
            .trajectory
            .calls
            .iter()
            .map(|c| ExportCall {
                name: &c.name,
                arguments: &c.arguments,
                status: c.status,
            })
            .collect(),
        final_response: r.trajectory.final_response.as_deref(),
        usage: &r.trajectory.usage,
        error: r.error.as_deref(),
    }
}

pub(super) fn export(files: &[PathBuf], config: Option<PathBuf>) -> u8 {
    let secrets = match read_config(config) {
        Ok(c) => c.secrets,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut closed = false;
    let read = crate::trace::read_paths(files, |mut rec| {
        if closed {
            return;
        }
        secrets.mask_trace(&mut rec);
        let ok = serde_json::to_writer(&mut out, &export_line(&rec)).is_ok()
            && out.write_all(b"\n").is_ok();
        // stdout closed (e.g. piped into `head`): stop writing quietly.
        closed = !ok;
    });
    let _ = out.flush();
    match read {
        Ok(stats) => {
            report_stats(&stats, &secrets, None);
            PASS
        }
        Err(e) => {
            eprintln!("error: {}", secrets.mask(&e.to_string()));
            USAGE
        }
    }
}

/// The config named, or `evalgate.yaml` when none is given and it exists, read for its
/// settings only (no dataset is loaded): its `promote.redact` patterns and its secrets.
pub(super) fn read_config(config: Option<PathBuf>) -> Result<TraceConfig, String> {
    let config = config.or_else(|| {
        let default = PathBuf::from("evalgate.yaml");
        default.exists().then_some(default)
    });
    let Some(path) = config else {
        return Ok(TraceConfig::default());
    };
    let (patterns, cfg) = crate::config::load_redact_patterns(&path).map_err(|e| e.to_string())?;
    Ok(TraceConfig {
        patterns,
        secrets: super::secrets::of_config(&cfg),
        name_keys: cfg.promote.name_keys.clone(),
    })
}

/// What the trace commands take from `evalgate.yaml` (all optional).
#[derive(Default)]
pub(super) struct TraceConfig {
    /// `promote.redact`, compiled.
    pub patterns: Vec<regex::Regex>,
    /// Every secret the config names, to mask in traces and messages.
    pub secrets: Secrets,
    /// `promote.name_keys`: keys whose values are person names (empty: the defaults).
    pub name_keys: Vec<String>,
}

/// One line on stderr: what was read and what was skipped. Warnings quote parser messages,
/// which can hold a value from the file: `promote` passes them through its redactor.
pub(super) fn report_stats(
    s: &ReadStats,
    secrets: &Secrets,
    redactor: Option<&mut crate::promote::Redactor>,
) {
    let mut redactor = redactor;
    for w in &s.warnings {
        let w = secrets.mask(w);
        match redactor.as_deref_mut() {
            Some(r) => eprintln!("warning: {}", r.text(&w)),
            None => eprintln!("warning: {w}"),
        }
    }
    eprintln!(
        "read {} trace{} ({} span{}, {} file{}); skipped: {} span{} of unknown shape, {} late span{}, {} bad line{}",
        s.traces,
        super::plural(s.traces),
        s.spans,
        super::plural(s.spans),
        s.files,
        super::plural(s.files),
        s.skipped_spans,
        super::plural(s.skipped_spans),
        s.late_spans,
        super::plural(s.late_spans),
        s.bad_lines,
        super::plural(s.bad_lines),
    );
}
