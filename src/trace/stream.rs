//! Files → spans grouped by trace → records, with memory bounded by the largest trace.
//!
//! Input: a file holding one `ExportTraceServiceRequest` (or several, concatenated), a JSONL file
//! of them (`.jsonl` / `.ndjson`: one request per line), or a directory of either (its files
//! ending in `.json`, `.jsonl`, `.ndjson`, in name order, recursively).
//!
//! Flush rule: spans are grouped by trace id; after each request, a trace is complete — and
//! normalized, handed on and forgotten — when its root span (no parent) has been seen and every
//! span's parent is present. Exporters send a span when it ends and a parent ends after its
//! children, so the root arrives last. Whatever is still open at the end of the input is flushed
//! as it is. Spans that arrive for a trace flushed recently (the last 4096) are counted as late
//! and skipped, so that a trace is never reported twice in pieces.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::model::TraceRecord;

use super::normalize::normalize;
use super::otlp::{Request, hex_id};
use super::span::RawSpan;
use super::{ReadStats, TraceError};

const RECENT: usize = 4096;

/// Groups spans by trace and emits complete traces.
pub(crate) struct Grouper<F: FnMut(TraceRecord)> {
    pending: HashMap<String, Pending>,
    recent: VecDeque<String>,
    recent_set: HashSet<String>,
    on_trace: F,
    pub(crate) stats: ReadStats,
}

#[derive(Default)]
struct Pending {
    spans: Vec<RawSpan>,
    ids: HashSet<String>,
    has_root: bool,
}

impl Pending {
    fn complete(&self) -> bool {
        self.has_root
            && self
                .spans
                .iter()
                .all(|s| s.parent.as_ref().is_none_or(|p| self.ids.contains(p)))
    }
}

impl<F: FnMut(TraceRecord)> Grouper<F> {
    pub(crate) fn new(on_trace: F) -> Self {
        Grouper {
            pending: HashMap::new(),
            recent: VecDeque::new(),
            recent_set: HashSet::new(),
            on_trace,
            stats: ReadStats::default(),
        }
    }

    /// Adds one request's spans, then flushes the traces it completed.
    pub(crate) fn add(&mut self, req: Request) {
        self.stats.requests += 1;
        let mut touched: Vec<String> = Vec::new();
        for rs in req.resource_spans {
            let service = rs
                .resource
                .attributes
                .into_iter()
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| kv.value.into_json().as_str().map(str::to_string));
            for span in rs.scope_spans.into_iter().flat_map(|s| s.spans) {
                self.stats.spans += 1;
                if span.trace_id.is_empty() || span.span_id.is_empty() {
                    self.stats.skipped_spans += 1;
                    continue;
                }
                let trace_id = hex_id(&span.trace_id);
                if self.recent_set.contains(&trace_id) {
                    self.stats.late_spans += 1;
                    continue;
                }
                let raw = RawSpan {
                    span_id: hex_id(&span.span_id),
                    parent: (!span.parent_span_id.is_empty()).then(|| hex_id(&span.parent_span_id)),
                    name: span.name,
                    start: span.start_time_unix_nano,
                    end: span.end_time_unix_nano,
                    attrs: span
                        .attributes
                        .into_iter()
                        .map(|kv| (kv.key, kv.value.into_json()))
                        .collect(),
                    events: span
                        .events
                        .into_iter()
                        .map(|e| {
                            let attrs = e
                                .attributes
                                .into_iter()
                                .map(|kv| (kv.key, kv.value.into_json()))
                                .collect();
                            (e.name, attrs)
                        })
                        .collect(),
                    error: span.status.code,
                    message: span.status.message,
                    service: service.clone(),
                    trace_id: trace_id.clone(),
                };
                let p = self.pending.entry(trace_id.clone()).or_default();
                p.has_root |= raw.parent.is_none();
                p.ids.insert(raw.span_id.clone());
                p.spans.push(raw);
                if !touched.contains(&trace_id) {
                    touched.push(trace_id);
                }
            }
        }
        for id in touched {
            if self.pending.get(&id).is_some_and(Pending::complete) {
                self.flush(&id);
            }
        }
    }

    fn flush(&mut self, id: &str) {
        let Some(p) = self.pending.remove(id) else {
            return;
        };
        let (rec, skipped) = normalize(p.spans);
        self.stats.skipped_spans += skipped;
        self.stats.traces += 1;
        if self.recent.len() == RECENT
            && let Some(old) = self.recent.pop_front()
        {
            self.recent_set.remove(&old);
        }
        self.recent.push_back(id.to_string());
        self.recent_set.insert(id.to_string());
        (self.on_trace)(rec);
    }

    /// Flushes every open trace (in trace id order, for stable output).
    pub(crate) fn finish(mut self) -> ReadStats {
        let mut ids: Vec<String> = self.pending.keys().cloned().collect();
        ids.sort();
        for id in ids {
            self.flush(&id);
        }
        self.stats
    }
}

/// The files a path names: itself, or the trace files under a directory in name order.
pub(crate) fn expand(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), TraceError> {
    let meta = std::fs::metadata(path).map_err(|e| TraceError::io(path, &e))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| TraceError::io(path, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if p.is_dir() || matches!(ext, "json" | "jsonl" | "ndjson") {
            expand(&p, out)?;
        }
    }
    Ok(())
}

fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

/// Reads one file into the grouper. A JSONL line that is not a request is counted and skipped;
/// a `.json` file that does not parse is an error (it is one document).
pub(crate) fn read_file<F: FnMut(TraceRecord)>(
    path: &Path,
    g: &mut Grouper<F>,
) -> Result<(), TraceError> {
    let file = File::open(path).map_err(|e| TraceError::io(path, &e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    g.stats.files += 1;
    // A byte order mark is not JSON; editors on Windows write one.
    if reader
        .fill_buf()
        .is_ok_and(|b| b.starts_with(b"\xef\xbb\xbf"))
    {
        reader.consume(3);
    }
    if is_jsonl(path) {
        let mut line = Vec::new();
        let mut n = 0usize;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| TraceError::io(path, &e))?;
            if read == 0 {
                break;
            }
            n += 1;
            g.stats.bytes += read as u64;
            let parsed = match std::str::from_utf8(&line) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => serde_json::from_str::<Request>(text).map_err(|e| {
                    format!(
                        "not an OTLP trace request: {}",
                        crate::input::json_error(&e)
                    )
                }),
                Err(e) => {
                    let valid = String::from_utf8_lossy(&line[..e.valid_up_to()])
                        .chars()
                        .count();
                    Err(format!("column {}: not valid UTF-8 text", valid + 1))
                }
            };
            match parsed {
                Ok(req) => g.add(req),
                Err(why) => {
                    g.stats.bad_lines += 1;
                    if g.stats.warnings.len() < 5 {
                        g.stats
                            .warnings
                            .push(format!("{}:{n}: {why}", path.display()));
                    }
                }
            }
        }
        return Ok(());
    }
    g.stats.bytes += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    for req in serde_json::Deserializer::from_reader(reader).into_iter::<Request>() {
        match req {
            Ok(req) => g.add(req),
            Err(e) => {
                return Err(TraceError::Parse {
                    path: path.to_path_buf(),
                    line: e.line(),
                    column: e.column(),
                    message: crate::input::json_error(&e),
                });
            }
        }
    }
    Ok(())
}
