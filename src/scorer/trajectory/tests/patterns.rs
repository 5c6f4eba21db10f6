//! Name patterns (`name: {regex}`) and `match: covers`: which calls may pair, the metrics of the
//! one-to-one pairing, the covers check (not one-to-one) and their words.

use super::*;

#[test]
fn a_pattern_pairs_with_any_name_it_finds_and_an_exact_name_keeps_its_own() {
    // e0 = some call matching refund, e1 = exactly `lookup`. Search semantics (as the `regex`
    // argument matcher): /refund/ finds `issue_refund`.
    let s = run(
        json!({"calls": [{"name": {"regex": "refund"}}, {"name": "lookup"}]}),
        json!([{"name": "lookup"}, {"name": "issue_refund"}, {"name": "refund_lookup"}]),
    );
    let pairs: Vec<_> = s
        .alignment
        .iter()
        .filter_map(|r| Some((r.expected?, r.actual?)))
        .collect();
    assert_eq!(pairs, [(1, 0), (0, 1)]);
    assert!(close(s.metrics.tool_precision, 2.0 / 3.0));
    assert_eq!(s.metrics.tool_recall, 1.0);
    assert!(s.checks.superset && !s.checks.in_order);
}

#[test]
fn a_pattern_must_not_steal_the_only_call_an_exact_name_can_have() {
    // /.*/ could take `a`, but then `a` expected would stay unpaired: the pairing pairs as many
    // calls as possible, so /.*/ takes `b`.
    let s = run(
        json!({"match": "unordered", "calls": [{"name": {"regex": ".*"}}, {"name": "a"}]}),
        json!([{"name": "a"}, {"name": "b"}]),
    );
    assert_eq!(s.metrics.tool_recall, 1.0);
    assert_eq!(s.metrics.strict_recall, 1.0);
    assert!(s.checks.unordered);
    assert_eq!(s.alignment[0].expected, Some(1));
    assert_eq!(s.alignment[1].expected, Some(0));
}

#[test]
fn some_call_is_a_pattern_that_matches_everything_and_needs_a_call() {
    let e = json!({"match": "superset", "calls": [{"name": {"regex": ".*"}}]});
    let s = run(
        e.clone(),
        json!([{"name": "get_weather", "arguments": {"city": "Oslo"}}]),
    );
    assert!(s.checks.superset);
    assert_eq!(s.explanation, "the expected call matched.");
    let s = run(e, json!([]));
    assert!(!s.checks.superset);
    assert_eq!(
        s.explanation,
        "expected a call matching /.*/ first; it was never called."
    );
    assert_eq!(s.alignment[0].name, "/.*/");
}

#[test]
fn a_pattern_name_keeps_its_arguments_and_explains_with_the_pattern() {
    let s = run(
        json!({"calls": [
            {"name": "lookup"},
            {"name": {"regex": "^refund_"}, "args": {"amount": {"lte": 500}}}
        ]}),
        json!([{"name": "lookup"}, {"name": "refund_card", "arguments": {"amount": 740}}]),
    );
    assert!(close(s.metrics.arg_accuracy, 0.5));
    assert_eq!(
        s.explanation,
        "`refund_card` #2: `amount` 740 is not ≤ 500."
    );
    let s = run(
        json!({"calls": [{"name": "lookup"}, {"name": {"regex": "^refund_"}}]}),
        json!([{"name": "lookup"}, {"name": "issue_refund"}]),
    );
    assert_eq!(
        s.explanation,
        "expected a call matching /^refund_/ after `lookup`; it was never called. extra call #2 `issue_refund`."
    );
}

#[test]
fn covers_lets_two_expected_calls_share_one_actual_call() {
    // τ²-bench: two expected actions that the same call satisfies both pass `covers`, while the
    // one-to-one checks see one expected call unpaired.
    let e = json!({"match": "covers", "calls": [
        {"name": "cancel", "args": {"order": "A1"}, "compare": ["order"]},
        {"name": "cancel", "args": {"order": "A1", "reason": "x"}, "compare": ["order"]}
    ]});
    let s = run(
        e,
        json!([{"name": "get_order"}, {"name": "cancel", "arguments": {"order": "A1"}}]),
    );
    assert!(s.checks.covers);
    assert!(!s.checks.superset);
    // Metrics stay those of the one-to-one pairing.
    assert_eq!(s.metrics.tool_recall, 0.5);
    assert_eq!(
        s.explanation,
        "every expected call matches an actual call (covers: several may share one). expected `cancel` after `cancel`; it was called once, expected twice. extra call #1 `get_order`."
    );
}

#[test]
fn covers_fails_naming_each_expected_call_that_matches_no_actual_call() {
    let e = json!({"match": "covers", "calls": [
        {"name": "lookup"},
        {"name": "refund", "args": {"amount": 20}},
        {"name": {"regex": "^notify_"}}
    ]});
    let s = run(
        e,
        json!([{"name": "lookup"}, {"name": "refund", "arguments": {"amount": 25}}]),
    );
    assert!(!s.checks.covers);
    assert_eq!(
        s.explanation,
        "expected call 2 (`refund`) matches no actual call. expected call 3 (a call matching /^notify_/) matches no actual call. `refund` #2: `amount` expected `20`, got `25`."
    );
}

#[test]
fn covers_ignores_order_and_extras_and_is_implied_by_superset() {
    let e = json!({"match": "covers", "calls": [{"name": "a"}, {"name": "b"}]});
    let s = run(e, json!([{"name": "b"}, {"name": "x"}, {"name": "a"}]));
    assert!(s.checks.covers && s.checks.superset && !s.checks.in_order);
    // No expected call: nothing to cover.
    let s = run(json!({"calls": []}), json!([{"name": "x"}]));
    assert!(s.checks.covers);
}
