//! Issue 11's acceptance case for the refined pairing rule (DESIGN §4): full matches are counted
//! before Σ s, so an actual call that exactly equals an expected call is paired with it.

use super::*;

#[test]
fn an_exact_copy_is_paired_with_its_original_not_crosswise() {
    // Crosswise would score Σ s = 4/5 + 1/2 = 1.3 with no full match (strict_recall 0, and the
    // exact copy reported out of order); the diagonal scores 1 + 0 with one full match.
    let s = run(
        json!({"calls": [
            {"name": "f", "args": {"k1": 1, "k2": 1, "k3": 1, "k4": 1, "k5": 1}},
            {"name": "f", "args": {"k1": 1, "m": 5}}
        ]}),
        json!([
            {"name": "f", "arguments": {"k1": 1, "k2": 1, "k3": 1, "k4": 1, "k5": 1}},
            {"name": "f", "arguments": {"k1": 0, "k2": 1, "k3": 1, "k4": 1, "k5": 1}}
        ]),
    );
    assert_eq!(s.metrics.strict_recall, 0.5);
    assert_eq!(s.metrics.ordering, 1.0);
    assert_eq!(s.metrics.tool_recall, 1.0);
    assert!(close(s.metrics.arg_accuracy, 0.5));
    let paired: Vec<_> = s
        .alignment
        .iter()
        .map(|r| (r.expected, r.actual, r.kind))
        .collect();
    assert_eq!(
        paired,
        [
            (Some(0), Some(0), AlignKind::Matched),
            (Some(1), Some(1), AlignKind::WrongArgs)
        ]
    );
    insta::assert_snapshot!(s.explanation);
}
