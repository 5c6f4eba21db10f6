//! Production traces → new dataset version: selection, redaction, dedupe, lineage.
pub mod redact;
