//! `evalgate promote`: selected production traces → a new, redacted dataset version.

use std::collections::HashSet;
use std::path::Path;

use regex::Regex;

use super::{NOTHING_SELECTED, PASS, PromoteArgs, USAGE};
use crate::model::{Outcome, RunReport};
use crate::promote::{Options, Predicate, Selector, Summary};

pub(super) fn promote(args: PromoteArgs) -> u8 {
    let mut selector = Selector {
        all: args.all,
        trace_ids: args.trace_ids.clone(),
        ..Selector::default()
    };
    for w in &args.wheres {
        match Predicate::parse(w) {
            Ok(p) => selector.wheres.push(p),
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    }
    if let Some(path) = &args.results {
        match failed_trace_ids(path) {
            Ok(ids) => selector.failed_scores = Some(ids),
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    }
    let (mut custom, secrets, name_keys) = match super::traces::read_config(args.config.clone()) {
        Ok(c) => (c.patterns, c.secrets, c.name_keys),
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    for p in &args.redact_patterns {
        match Regex::new(p) {
            Ok(re) => custom.push(re),
            Err(e) => {
                eprintln!("error: invalid `--redact-pattern` `{p}`: {e}");
                return USAGE;
            }
        }
    }
    // Nothing from the traces reaches the terminal unredacted, parser messages included.
    let mut log_redactor = crate::promote::Redactor::new(custom.clone());
    let (mut records, stats) = match crate::trace::read_all(&args.traces) {
        Ok(r) => r,
        Err(e) => {
            let e = secrets.mask(&e.to_string()).into_owned();
            eprintln!("error: {}", log_redactor.text(&e));
            return USAGE;
        }
    };
    records.iter_mut().for_each(|r| secrets.mask_trace(r));
    super::traces::report_stats(&stats, &secrets, Some(&mut log_redactor));
    let opts = Options {
        selector,
        custom_patterns: custom,
        name_keys,
        promoted_at: chrono::Utc::now().format("%Y-%m-%d").to_string(),
    };
    let summary = match crate::promote::promote(&records, &args.into, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    print!("{}", render_table(&args.into, &summary));
    if summary.selected == 0 {
        eprintln!(
            "error: no trace was selected (default: traces with an ERROR span; see --where, --results, --trace-id, --all)"
        );
        return NOTHING_SELECTED;
    }
    PASS
}

/// Trace ids of the failed cases of a `traces score` results.json (case ids `<rule>@<trace id>`).
fn failed_trace_ids(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let report: RunReport = serde_json::from_str(&text)
        .map_err(|e| format!("`{}` is not a results.json: {e}", path.display()))?;
    Ok(report
        .cases
        .iter()
        .filter(|c| c.outcome != Outcome::Passed)
        .map(|c| {
            c.case_id
                .rsplit_once('@')
                .map_or(c.case_id.as_str(), |(_, t)| t)
                .to_string()
        })
        .collect())
}

/// The summary table (counts and case ids only: nothing from the traces' content).
pub(crate) fn render_table(into: &Path, s: &Summary) -> String {
    let name = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .and_then(|p| p.file_name())
            .map_or("-".to_string(), |n| n.to_string_lossy().into_owned())
    };
    let redactions = if s.redactions.is_empty() {
        "none".to_string()
    } else {
        s.redactions
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "promote into {} ({} → {})\n",
        into.display(),
        name(&s.previous),
        name(&s.file)
    );
    for (label, value) in [
        ("traces read", s.traces.to_string()),
        ("selected", s.selected.to_string()),
        ("duplicates skipped", s.duplicates.to_string()),
        ("without user input", s.without_input.to_string()),
        ("redactions", redactions),
        ("cases written", s.written.len().to_string()),
    ] {
        out.push_str(&format!("  {label:<20} {value}\n"));
    }
    match &s.file {
        Some(f) => {
            out.push_str(&format!(
                "wrote {}: {}\n",
                f.display(),
                s.written.join(", ")
            ));
            out.push_str(
                "next: review the new cases (`review: pending` runs as advisory), then point the suite's `version` at the new file\n",
            );
        }
        None => out.push_str("nothing new: no version written\n"),
    }
    out
}
