//! Tests of the position index.

use super::*;

const DOC: &str = r#"version: 1   # the format
agent:
  url: "http://127.0.0.1:{port}/chat"
  headers: { Authorization: "Bearer ${T}", X-Id: 'it''s' }
suites:
- name: support
  dataset: supprt
-   name: "billing # not a comment"
    dataset: billing
policy:
  metrics:
    tool_f1: { floor: 1.5, weight: 2 }
  slices:
    - { tier: critical, floor: 1.0 }
    - tag: refund
      floor: 0.9
body: |
  key: not indexed
  - neither
tail: [a, {b: c}]
"#;

fn at(o: &Outline, path: &str) -> (usize, usize) {
    let p = o.value_pos(&parse_path(path));
    (p.line, p.column)
}

#[test]
fn finds_values_in_block_and_flow_style() {
    let o = Outline::parse(DOC);
    assert_eq!(at(&o, "version"), (1, 10));
    assert_eq!(at(&o, "agent.url"), (3, 8));
    assert_eq!(at(&o, "agent.headers.Authorization"), (4, 29));
    assert_eq!(at(&o, "agent.headers.X-Id"), (4, 50));
    assert_eq!(at(&o, "suites[0].dataset"), (7, 12));
    assert_eq!(at(&o, "suites[1].name"), (8, 11));
    assert_eq!(at(&o, "suites[1].dataset"), (9, 14));
    assert_eq!(at(&o, "policy.metrics.tool_f1.floor"), (12, 23));
    assert_eq!(at(&o, "policy.slices[0].tier"), (14, 15));
    assert_eq!(at(&o, "policy.slices[1].floor"), (16, 14));
    assert_eq!(at(&o, "tail[1].b"), (20, 15));
    assert_eq!(
        o.node(&parse_path("body")).and_then(Node::scalar),
        Some("|")
    );
    assert_eq!(
        o.node(&parse_path("suites[1].name")).and_then(Node::scalar),
        Some("billing # not a comment")
    );
}

#[test]
fn keys_and_misses_fall_back_sensibly() {
    let o = Outline::parse(DOC);
    let k = o.key_pos(&parse_path("suites[1].dataset"));
    assert_eq!((k.line, k.column), (9, 5));
    // A missing key points at the deepest ancestor that exists.
    assert_eq!(at(&o, "suites[1].version"), (8, 5));
    assert_eq!(at(&o, "nothing.here"), (1, 1));
    // Block scalar contents are not mistaken for keys.
    assert!(o.node(&parse_path("key")).is_none());
    assert_eq!(at(&o, "tail"), (20, 7));
}

#[test]
fn top_level_sequences_of_cases() {
    let text = "# cases\n- id: a\n  input: hi\n\n-  id: b\n   expect:\n     trajectory:\n       calls:\n       - name: x\n       - {name: y, args: {q: 1}}\n";
    let o = Outline::parse(text);
    assert_eq!(at(&o, ".[0].id"), (2, 7));
    assert_eq!(at(&o, ".[1]"), (5, 4));
    assert_eq!(at(&o, ".[1].expect.trajectory.calls[1].args.q"), (10, 30));
    assert_eq!(at(&o, ".[1].expect.trajectory.calls[0].name"), (9, 16));
}

#[test]
fn a_json_document_is_indexed_across_its_lines() {
    let text = "# generated\n[\n {\n  \"id\": \"a\",\n  \"input\": \"x, [y] {z}\"\n },\n {\"id\": \"b\", \"expect\": {\n   \"calls\": [{\"name\": \"k\"}]}}\n]\n";
    let o = Outline::parse(text);
    assert_eq!(at(&o, ".[0]"), (3, 2));
    assert_eq!(at(&o, ".[0].input"), (5, 12));
    assert_eq!(at(&o, ".[1]"), (7, 2));
    assert_eq!(at(&o, ".[1].id"), (7, 9));
    assert_eq!(at(&o, ".[1].expect.calls[0].name"), (8, 23));
}

#[test]
fn a_flow_list_over_several_lines_does_not_end_its_mapping() {
    let text = "calls: [   # the tools\n  {name: a},\n  # a comment, with ] inside\n  {name: b, args: {q: 1}},\n]\nnext: 1\nlast: [x,\n  y]\n";
    let o = Outline::parse(text);
    assert_eq!(at(&o, "calls[1].args.q"), (4, 23));
    assert_eq!(at(&o, "next"), (6, 7));
    assert_eq!(at(&o, "last[1]"), (8, 3));
    // Left open to the end: still indexed as far as it goes, and nothing is rejected.
    let o = Outline::parse("a: [1,\n  {b: 2\n");
    assert_eq!(at(&o, "a[1].b"), (2, 7));
}

#[test]
fn duplicate_keys_are_all_kept() {
    let o = Outline::parse("a: 1\nb: 2\na: 3\n");
    let root = o.node(&[]).unwrap();
    let lines: Vec<usize> = root.entries("a").map(|e| e.key_pos.line).collect();
    assert_eq!(lines, [1, 3]);
}

#[test]
fn paths_parse_like_serde_yaml_prints_them() {
    assert_eq!(
        parse_path(".[1].expect.calls[2]"),
        [Seg::Index(1), key("expect"), key("calls"), Seg::Index(2)]
    );
    assert_eq!(
        parse_path("suites[0].dataset"),
        [key("suites"), Seg::Index(0), key("dataset")]
    );
    assert!(parse_path(".").is_empty());
}
