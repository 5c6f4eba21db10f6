//! Pins each formula of DESIGN §4 on hand-made cases (the numbers are derived by hand in the
//! comments), cross-checks the peers' example pairs, and checks invariants with proptest.

use super::*;
use crate::model::AlignKind;
use serde_json::{Value, json};

fn expect(v: Value) -> TrajectoryExpect {
    serde_json::from_value(v).unwrap()
}

fn calls(v: Value) -> Vec<ToolCall> {
    serde_json::from_value(v).unwrap()
}

fn run(e: Value, a: Value) -> TrajectoryScore {
    score_trajectory(&expect(e), &calls(a))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn identical_duplicates_are_both_paired() {
    let s = run(
        json!({"calls": [{"name": "f", "args": {"x": 1}}, {"name": "f", "args": {"x": 1}}]}),
        json!([{"name": "f", "arguments": {"x": 1}}, {"name": "f", "arguments": {"x": 1}}]),
    );
    assert_eq!(s.metrics.tool_recall, 1.0);
    assert_eq!(s.metrics.tool_precision, 1.0);
    assert_eq!(s.metrics.strict_recall, 1.0);
    let paired: Vec<_> = s.alignment.iter().map(|r| (r.expected, r.actual)).collect();
    assert_eq!(paired, [(Some(0), Some(0)), (Some(1), Some(1))]);
    assert!(s.checks.exact && s.checks.unordered);
    // The second call repeats the first, even though both were expected.
    assert_eq!(s.metrics.redundant_calls, 1);
}

#[test]
fn optimal_pairing_beats_greedy() {
    // Greedy: e0 (a=1) takes a0 (s=1), e1 (a=1,b=2) gets a1 (s=0.5): accuracy 0.75.
    // Optimal: e0↔a1, e1↔a0, both s=1.
    let s = run(
        json!({"calls": [{"name": "f", "args": {"a": 1}}, {"name": "f", "args": {"a": 1, "b": 2}}]}),
        json!([{"name": "f", "arguments": {"a": 1, "b": 2}}, {"name": "f", "arguments": {"a": 1, "b": 3}}]),
    );
    assert_eq!(s.metrics.arg_accuracy, 1.0);
    assert_eq!(s.metrics.strict_recall, 1.0);
    assert!(s.checks.unordered);
}

#[test]
fn extra_calls_lower_precision_and_efficiency() {
    let s = run(
        json!({"calls": [{"name": "a"}]}),
        json!([{"name": "x"}, {"name": "a"}, {"name": "y"}]),
    );
    assert_eq!(s.metrics.tool_recall, 1.0);
    assert!(close(s.metrics.tool_precision, 1.0 / 3.0));
    // F1 = 2·(1/3)·1 / (1/3 + 1) = 0.5.
    assert!(close(s.metrics.tool_f1, 0.5));
    assert!(close(s.metrics.efficiency, 1.0 / 3.0));
    assert!(s.checks.in_order && s.checks.superset);
    assert!(!s.checks.exact && !s.checks.subset && !s.checks.unordered);
}

#[test]
fn max_calls_sets_the_efficiency_budget() {
    let e = json!({"calls": [{"name": "a"}], "max_calls": 3});
    assert_eq!(
        run(e.clone(), json!([{"name": "a"}, {"name": "b"}]))
            .metrics
            .efficiency,
        1.0
    );
    let four = json!([{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]);
    let s = run(e, four);
    assert_eq!(s.metrics.efficiency, 0.75);
    assert!(
        s.explanation
            .contains("4 calls made, over the budget of 3."),
        "{}",
        s.explanation
    );
    let zero = run(json!({"max_calls": 0}), json!([{"name": "a"}]));
    assert_eq!(zero.metrics.efficiency, 0.0);
}

#[test]
fn any_order_blocks_share_a_position() {
    let e = json!({"calls": [
        {"name": "a"},
        {"any_order": [{"name": "b"}, {"name": "c"}]},
        {"name": "d"}
    ]});
    let s = run(
        e.clone(),
        json!([{"name": "a"}, {"name": "c"}, {"name": "b"}, {"name": "d"}]),
    );
    assert_eq!(s.metrics.ordering, 1.0);
    assert!(s.checks.in_order && s.checks.exact);
    // d before b: positions in actual order 0, 1, 2, 1 → longest non-decreasing run 3 of 4.
    let s = run(
        e,
        json!([{"name": "a"}, {"name": "c"}, {"name": "d"}, {"name": "b"}]),
    );
    assert_eq!(s.metrics.ordering, 0.75);
    assert!(!s.checks.in_order && s.checks.unordered);
}

#[test]
fn any_order_blocks_need_distinct_calls_and_reroute() {
    let e = json!({"calls": [{"any_order": [{"name": "b"}, {"name": "b"}]}]});
    assert!(!run(e.clone(), json!([{"name": "b"}])).checks.in_order);
    assert!(
        run(e, json!([{"name": "b"}, {"name": "b"}]))
            .checks
            .in_order
    );
    // f{} may take either call, f{x:1} only the first: the block still fits.
    let e = json!({"calls": [
        {"any_order": [{"name": "f"}, {"name": "f", "args": {"x": 1}}]},
        {"name": "g"}
    ]});
    let a = json!([{"name": "f", "arguments": {"x": 1}}, {"name": "f", "arguments": {"x": 2}}, {"name": "g"}]);
    assert!(run(e.clone(), a).checks.exact);
    // The block must end before the next item starts.
    let a = json!([{"name": "f", "arguments": {"x": 1}}, {"name": "g"}, {"name": "f"}]);
    let s = run(e, a);
    assert!(!s.checks.in_order && s.checks.unordered);
}

#[test]
fn in_order_places_each_item_at_the_earliest_feasible_end() {
    let e = json!({"calls": [{"name": "a"}, {"name": "b"}, {"name": "a"}]});
    let s = run(
        e.clone(),
        json!([{"name": "a"}, {"name": "a"}, {"name": "b"}, {"name": "a"}]),
    );
    assert!(s.checks.in_order && !s.checks.exact);
    assert!(
        !run(e, json!([{"name": "a"}, {"name": "b"}, {"name": "b"}]))
            .checks
            .in_order
    );
}

#[test]
fn partial_argument_credit_counts_but_checks_need_full_matches() {
    let s = run(
        json!({"calls": [{"name": "convert", "args": {"amount": 100, "from": "USD", "to": "EUR"}}]}),
        json!([{"name": "convert", "arguments": {"amount": 100.0, "from": "USD", "to": "GBP"}}]),
    );
    assert!(close(s.metrics.arg_accuracy, 2.0 / 3.0));
    assert_eq!(s.metrics.strict_recall, 0.0);
    assert_eq!(s.metrics.tool_f1, 1.0);
    assert!(!s.checks.in_order && !s.checks.superset && !s.checks.subset);
    assert_eq!(s.alignment[0].kind, AlignKind::WrongArgs);
    assert_eq!(s.alignment[0].differing_keys, ["to"]);
}

#[test]
fn args_modes_exact_subset_ignore() {
    let a = json!([{"name": "w", "arguments": {"city": "Paris", "unit": "c"}}]);
    let with = |mode: &str, args: Value| {
        run(
            json!({"calls": [{"name": "w", "args": args}], "args_mode": mode}),
            a.clone(),
        )
    };
    assert_eq!(
        with("subset", json!({"city": "Paris"}))
            .metrics
            .arg_accuracy,
        1.0
    );
    assert_eq!(
        with("exact", json!({"city": "Paris"})).metrics.arg_accuracy,
        0.5
    );
    let s = with("exact", json!({"city": "Paris"}));
    assert_eq!(s.alignment[0].differing_keys, ["unit"]);
    assert!(
        s.explanation.contains("`unit` not expected (got `\"c\"`)"),
        "{}",
        s.explanation
    );
    assert_eq!(
        with("exact", json!({"city": "Paris", "unit": "c"}))
            .metrics
            .arg_accuracy,
        1.0
    );
    assert_eq!(
        with("ignore", json!({"city": "Oslo"})).metrics.arg_accuracy,
        1.0
    );
    assert!(with("ignore", json!({"city": "Oslo"})).checks.exact);
}

#[test]
fn numbers_by_value_and_bools_apart() {
    let e = json!({"calls": [{"name": "f", "args": {"n": 100, "b": true}}]});
    assert!(
        run(
            e.clone(),
            json!([{"name": "f", "arguments": {"n": 100.0, "b": true}}])
        )
        .checks
        .exact
    );
    let s = run(e, json!([{"name": "f", "arguments": {"n": 100, "b": 1}}]));
    assert_eq!(s.metrics.arg_accuracy, 0.5);
}

#[test]
fn empty_expected_and_actual_follow_the_empty_rules() {
    // |E| = |A| = 0: every metric 1, every check holds.
    let s = run(json!({}), json!([]));
    let m = s.metrics;
    let all = [
        m.tool_recall,
        m.tool_precision,
        m.tool_f1,
        m.arg_accuracy,
        m.strict_recall,
        m.ordering,
        m.efficiency,
    ];
    assert!(all.iter().all(|v| *v == 1.0), "{m:?}");
    let c = s.checks;
    assert!(c.exact && c.in_order && c.any_order && c.superset && c.subset && c.unordered);
    assert_eq!(s.explanation, "no calls expected and none made.");

    // |E| = 0, |A| = 1: recall 1 (empty E), precision 0, F1 0, accuracy 1 (M = 0, |E| = 0),
    // strict 1, ordering 1 (M ≤ 1), efficiency 0/1.
    let s = run(json!({}), json!([{"name": "f"}]));
    let m = s.metrics;
    assert_eq!(
        (m.tool_recall, m.tool_precision, m.tool_f1),
        (1.0, 0.0, 0.0)
    );
    assert_eq!(
        (m.arg_accuracy, m.strict_recall, m.ordering, m.efficiency),
        (1.0, 1.0, 1.0, 0.0)
    );
    let c = s.checks;
    assert!(c.in_order && c.superset && c.any_order && !c.exact && !c.subset && !c.unordered);

    // |E| = 1, |A| = 0: recall 0, precision 1 (empty A), F1 0, accuracy 0 (M = 0, |E| > 0),
    // strict 0, ordering 1, efficiency 1 (empty A).
    let s = run(json!({"calls": [{"name": "f"}]}), json!([]));
    let m = s.metrics;
    assert_eq!(
        (m.tool_recall, m.tool_precision, m.tool_f1),
        (0.0, 1.0, 0.0)
    );
    assert_eq!(
        (m.arg_accuracy, m.strict_recall, m.ordering, m.efficiency),
        (0.0, 0.0, 1.0, 1.0)
    );
    let c = s.checks;
    assert!(c.subset && !c.in_order && !c.superset && !c.exact && !c.unordered);
    assert_eq!(s.explanation, "expected `f` first; it was never called.");
}

#[test]
fn ties_pair_kth_with_kth() {
    let s = run(
        json!({"calls": [{"name": "f", "args": {"q": "x"}}, {"name": "f", "args": {"q": "x"}}]}),
        json!([{"name": "f", "arguments": {"q": "a"}}, {"name": "f", "arguments": {"q": "b"}}]),
    );
    let paired: Vec<_> = s.alignment.iter().map(|r| (r.expected, r.actual)).collect();
    assert_eq!(paired, [(Some(0), Some(0)), (Some(1), Some(1))]);
    assert_eq!(s.metrics.ordering, 1.0);
}

#[test]
fn ties_beyond_the_diagonal_keep_the_order() {
    // e0 needs a1; e1 fits a0 or a2 equally: a2 keeps the order.
    let s = run(
        json!({"calls": [{"name": "f", "args": {"a": 1}}, {"name": "f"}]}),
        json!([{"name": "f"}, {"name": "f", "arguments": {"a": 1}}, {"name": "f"}]),
    );
    assert_eq!(s.metrics.ordering, 1.0);
    assert!(s.checks.in_order);
    assert_eq!(s.alignment[0].kind, AlignKind::Extra);
}

#[test]
fn two_swapped_calls_order_one_half() {
    let s = run(
        json!({"calls": [{"name": "search"}, {"name": "book"}]}),
        json!([{"name": "book"}, {"name": "search"}]),
    );
    assert_eq!(s.metrics.ordering, 0.5);
    assert!(!s.checks.in_order && s.checks.unordered);
    assert_eq!(
        s.explanation,
        "`book` #1 is out of order (expected at step 2 of 2)."
    );
}

#[test]
fn redundant_calls_repeat_an_earlier_ok_call() {
    let a = json!([
        {"name": "f", "arguments": {"x": 1}, "status": "error"},
        {"name": "f", "arguments": {"x": 1.0}, "status": "ok"},
        {"name": "f", "arguments": {"x": 1}},
        {"name": "g", "arguments": {"x": 1}},
        {"name": "f", "arguments": {"x": 2}}
    ]);
    // #2 repeats only an error call; #3 repeats #2; g and f(x=2) differ.
    let s = run(json!({"calls": [{"name": "f"}]}), a);
    assert_eq!(s.metrics.redundant_calls, 1);
    let notes: Vec<&str> = s.alignment.iter().map(|r| r.note.as_str()).collect();
    assert_eq!(notes, ["", "retries #1", "repeats #2", "", ""]);
    // No arguments and `{}` are the same arguments.
    let s = run(
        json!({}),
        json!([{"name": "f"}, {"name": "f", "arguments": {}}]),
    );
    assert_eq!(s.metrics.redundant_calls, 1);
}

#[test]
fn a_retry_after_an_error_is_not_redundant_but_is_named() {
    // k-th ↔ k-th pairs the failed first call; the retry is the extra call.
    let s = run(
        json!({"calls": [{"name": "a"}]}),
        json!([{"name": "a", "status": "error"}, {"name": "a"}]),
    );
    assert_eq!(s.metrics.redundant_calls, 0);
    assert_eq!(s.explanation, "extra call #2 `a` (retries #1).");
}

#[test]
fn forbidden_tools_are_listed_once_in_call_order() {
    let s = run(
        json!({"forbid": ["refund", "delete"]}),
        json!([{"name": "delete"}, {"name": "ok"}, {"name": "refund"}, {"name": "delete"}]),
    );
    assert_eq!(s.forbidden_called, ["delete", "refund"]);
}

#[test]
fn the_design_example_explains_itself() {
    let e = json!({
        "match": "in_order",
        "calls": [
            {"name": "lookup_account"},
            {"name": "fetch_invoice", "args": {"invoice_id": "INV-2207"}},
            {"name": "escalate", "args": {"priority": "high", "reason": {"regex": "(?i)refund"}}}
        ],
        "forbid": ["issue_refund"],
        "max_calls": 4
    });
    let a = json!([
        {"name": "lookup_account", "arguments": {"account": "A-1"}},
        {"name": "fetch_invoice", "arguments": {"invoice_id": "INV-2270"}},
        {"name": "issue_refund", "arguments": {"invoice_id": "INV-2270", "amount": 740}}
    ]);
    let s = run(e, a);
    assert_eq!(
        s.explanation,
        "expected `escalate` after `fetch_invoice`; it was never called. \
         extra call #3 `issue_refund` (forbidden). \
         `fetch_invoice` #2: `invoice_id` expected `\"INV-2207\"`, got `\"INV-2270\"`."
    );
    let kinds: Vec<AlignKind> = s.alignment.iter().map(|r| r.kind).collect();
    use AlignKind::*;
    assert_eq!(kinds, [Matched, WrongArgs, Missing, Extra]);
    assert_eq!(s.alignment[2].position, Some(2));
    assert_eq!(s.alignment[2].note, "never called");
    assert_eq!(s.alignment[1].arg_score, Some(0.0));
}

#[test]
fn missing_calls_of_a_called_tool_say_how_many() {
    let s = run(
        json!({"calls": [{"name": "a"}, {"name": "f"}, {"name": "f"}]}),
        json!([{"name": "a"}, {"name": "f"}]),
    );
    assert_eq!(
        s.explanation,
        "expected `f` after `f`; it was called once, expected twice."
    );
    assert_eq!(s.alignment[2].note, "called once, expected twice");
}

#[test]
fn long_explanations_are_capped() {
    let a: Vec<Value> = (0..10).map(|i| json!({"name": format!("x{i}")})).collect();
    let s = run(json!({}), Value::from(a));
    assert!(
        s.explanation.ends_with(" … and 4 more."),
        "{}",
        s.explanation
    );
}

mod full_first;
mod patterns;
mod peers;
mod per_call;
mod props;
