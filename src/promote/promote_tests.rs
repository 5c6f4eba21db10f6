//! Promotion on the real fixture traces: what is written, redaction, idempotence.

use std::path::PathBuf;

use super::*;
use crate::model::Review;

fn records(name: &str) -> Vec<TraceRecord> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/traces")
        .join(name);
    crate::trace::read_all(&[p]).unwrap().0
}

fn opts(selector: Selector) -> Options {
    Options {
        selector,
        custom_patterns: Vec::new(),
        name_keys: Vec::new(),
        promoted_at: "2026-11-21".to_string(),
    }
}

#[test]
fn failing_trace_becomes_a_pending_case_with_lineage_and_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("support");
    let recs = records("openinference.json");
    let s = promote(&recs, &ds, &opts(Selector::default())).unwrap();
    assert_eq!((s.traces, s.selected, s.duplicates), (4, 1, 0));
    assert_eq!(s.file.as_deref(), Some(ds.join("v1.yaml").as_path()));
    let text = std::fs::read_to_string(ds.join("v1.yaml")).unwrap();
    assert!(!text.contains("jane.doe@example.com"), "{text}");
    let cases = crate::config::load_dataset(&ds.join("v1.yaml"), &ds.join("v1.yaml")).unwrap();
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    // One pseudonym for the one address, in the input and in the argument the agent sent, so
    // a replay makes the same call.
    let fake = regex::Regex::new(r"user-[0-9a-f]{4}@example\.invalid").unwrap();
    let in_input = fake
        .find(c.input.last_user_text())
        .expect("pseudonym in the input");
    let lookup = serde_json::to_string(&c.fixtures[0].arguments).unwrap();
    assert!(
        lookup.contains(in_input.as_str()),
        "{lookup} vs {}",
        in_input.as_str()
    );
    assert!(!text.contains("[redacted:email]"), "{text}");
    assert_eq!(c.review, Some(Review::Pending));
    let src = c.source.as_ref().unwrap();
    assert_eq!(src.kind, "production_trace");
    assert_eq!(src.trace_id.as_deref(), Some(recs[0].trace_id.as_str()));
    assert_eq!(src.root_span_id, recs[0].root_span_id);
    assert_eq!(src.service.as_deref(), Some("support-agent"));
    assert!(
        src.reason
            .as_deref()
            .unwrap()
            .starts_with("span status ERROR: issue_refund")
    );
    let names: Vec<&str> = c.fixtures.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["lookup_account", "fetch_invoice", "issue_refund"]);
    assert!(c.fixtures[1].result.is_some());
    assert_eq!(
        s.redactions.get("email"),
        Some(&2),
        "the input and the lookup argument"
    );
}

#[test]
fn promoting_twice_writes_nothing_new_and_other_flavour_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("support");
    let all = Selector {
        all: true,
        ..Selector::default()
    };
    let first = promote(&records("genai.jsonl"), &ds, &opts(all.clone())).unwrap();
    assert_eq!(first.written.len(), 4);
    let again = promote(&records("genai.jsonl"), &ds, &opts(all.clone())).unwrap();
    assert_eq!((again.duplicates, again.file.clone()), (4, None));
    // Same conversations, other instrumentation, other trace ids: still duplicates by content.
    let other = promote(&records("openinference.json"), &ds, &opts(all)).unwrap();
    assert_eq!((other.duplicates, other.file), (4, None));
    assert!(!ds.join("v2.yaml").exists());
}

#[test]
fn new_version_keeps_the_previous_text_and_never_touches_it() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("support");
    std::fs::create_dir_all(&ds).unwrap();
    let v1 = "# hand-written\n- id: hello\n  input: \"hi\"\n";
    std::fs::write(ds.join("v1.yaml"), v1).unwrap();
    let sel = Selector {
        wheres: vec![Predicate::parse("user.feedback = \"thumbs_down\"").unwrap()],
        ..Selector::default()
    };
    let s = promote(&records("genai.jsonl"), &ds, &opts(sel)).unwrap();
    assert_eq!(s.written.len(), 1);
    assert_eq!(std::fs::read_to_string(ds.join("v1.yaml")).unwrap(), v1);
    let v2 = std::fs::read_to_string(ds.join("v2.yaml")).unwrap();
    assert!(v2.starts_with(v1.trim_end()));
    assert!(!v2.contains("4111 1111 1111 1111"), "{v2}");
    assert!(!v2.contains("bob.smith@example.org"), "{v2}");
    let cases = crate::config::load_dataset(&ds.join("v2.yaml"), &ds.join("v2.yaml")).unwrap();
    assert_eq!(cases.len(), 2);
    assert!(matches!(cases[1].input, crate::model::Input::Messages(ref m) if m.len() == 2));
}
