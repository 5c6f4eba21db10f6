//! [`RawSpan`]: one OTLP span as the trace reader decodes it (ids in hex, attributes as JSON),
//! the common input of the message extraction and the normalization. Pure data and lookups.

use serde_json::Value;

/// A span with its ids in hex and its attributes as JSON.
#[derive(Debug, Clone, Default)]
pub struct RawSpan {
    pub trace_id: String,
    pub span_id: String,
    pub parent: Option<String>,
    pub name: String,
    pub start: u64,
    pub end: u64,
    pub attrs: Vec<(String, Value)>,
    pub events: Vec<(String, Vec<(String, Value)>)>,
    pub error: bool,
    pub message: String,
    pub service: Option<String>,
}

impl RawSpan {
    pub(super) fn attr(&self, key: &str) -> Option<&Value> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub(super) fn str_attr(&self, key: &str) -> Option<&str> {
        self.attr(key).and_then(Value::as_str)
    }
    pub(super) fn u64_attr(&self, key: &str) -> Option<u64> {
        self.attr(key).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    }
}
