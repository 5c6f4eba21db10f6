//! s(e, a): every matcher, partial credit, argument modes, number and bool equality.

use super::*;
use serde_json::json;

fn spec(v: Value) -> ArgsSpec {
    ArgsSpec::try_from(v).unwrap()
}

fn s(expect: Value, actual: Value) -> f64 {
    score_args(Some(&spec(expect)), ArgsMode::Subset, &actual).value
}

fn s_mode(expect: Value, mode: ArgsMode, actual: Value) -> ArgScore {
    score_args(Some(&spec(expect)), mode, &actual)
}

#[test]
fn no_args_or_ignore_mode_scores_one() {
    assert_eq!(score_args(None, ArgsMode::Exact, &json!({"x": 1})), FULL);
    assert_eq!(
        s_mode(json!({"x": 1}), ArgsMode::Ignore, json!({"x": 2})),
        FULL
    );
    assert_eq!(s(json!({}), json!({"x": 1})), 1.0);
    assert_eq!(s(json!({}), Value::Null), 1.0);
}

#[test]
fn partial_credit_is_the_fraction_of_keys() {
    let e = json!({"amount": 100, "from": "USD", "to": "EUR"});
    let r = s_mode(
        e.clone(),
        ArgsMode::Subset,
        json!({"amount": 100, "from": "USD", "to": "GBP"}),
    );
    assert!((r.value - 2.0 / 3.0).abs() < 1e-12 && !r.full);
    // A missing key scores 0 for that key.
    assert_eq!(s(e, json!({"amount": 100})), 1.0 / 3.0);
    // Non-object arguments satisfy no key.
    assert_eq!(s(json!({"a": 1}), json!("a=1")), 0.0);
}

#[test]
fn nested_literal_objects_score_recursively() {
    let e = json!({"who": {"first": "Ada", "last": "Lovelace"}, "seat": "1A"});
    let a = json!({"who": {"first": "Ada", "last": "Byron"}, "seat": "1A"});
    assert_eq!(s(e.clone(), a.clone()), 0.75);
    let m = mismatches(Some(&spec(e)), ArgsMode::Subset, &a);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].path, "who.last");
    assert_eq!(m[0].expected, "`\"Lovelace\"`");
    assert_eq!(m[0].actual.as_deref(), Some("\"Byron\""));
}

#[test]
fn exact_mode_counts_extra_keys_also_nested() {
    let e = json!({"city": "Paris"});
    assert_eq!(
        s_mode(
            e.clone(),
            ArgsMode::Exact,
            json!({"city": "Paris", "unit": "c"})
        )
        .value,
        0.5
    );
    assert_eq!(
        s_mode(
            e.clone(),
            ArgsMode::Subset,
            json!({"city": "Paris", "unit": "c"})
        )
        .value,
        1.0
    );
    assert_eq!(s_mode(e, ArgsMode::Exact, json!({"city": "Paris"})), FULL);
    let e = json!({"who": {"first": "Ada"}, "seat": "1A"});
    let a = json!({"who": {"first": "Ada", "last": "Byron"}, "seat": "1A"});
    assert_eq!(s_mode(e.clone(), ArgsMode::Exact, a.clone()).value, 0.75);
    let m = mismatches(Some(&spec(e)), ArgsMode::Exact, &a);
    assert_eq!(m[0].path, "who.last");
    assert_eq!(m[0].expected, "absent");
    // `args: {}` in exact mode means "no arguments".
    assert_eq!(
        s_mode(json!({}), ArgsMode::Exact, json!({"x": 1})).value,
        0.0
    );
    assert_eq!(s_mode(json!({}), ArgsMode::Exact, json!({})), FULL);
}

#[test]
fn numbers_compare_by_value_and_bools_are_not_numbers() {
    assert_eq!(s(json!({"n": 100}), json!({"n": 100.0})), 1.0);
    assert_eq!(s(json!({"n": [1, 2.0]}), json!({"n": [1.0, 2]})), 1.0);
    assert_eq!(s(json!({"n": true}), json!({"n": 1})), 0.0);
    assert_eq!(s(json!({"n": 1}), json!({"n": true})), 0.0);
    assert_eq!(s(json!({"n": u64::MAX}), json!({"n": u64::MAX})), 1.0);
    assert_eq!(s(json!({"n": -1}), json!({"n": u64::MAX})), 0.0);
}

#[test]
fn arrays_compare_whole_and_in_order() {
    assert_eq!(s(json!({"a": [1, 2]}), json!({"a": [1, 2]})), 1.0);
    assert_eq!(s(json!({"a": [1, 2]}), json!({"a": [2, 1]})), 0.0);
    assert_eq!(s(json!({"a": [1, 2]}), json!({"a": [1, 2, 3]})), 0.0);
    assert_eq!(s(json!({"a": [{"x": 1}]}), json!({"a": [{"x": 1.0}]})), 1.0);
}

#[test]
fn regex_searches_strings_only() {
    assert_eq!(
        s(
            json!({"r": {"regex": "(?i)refund"}}),
            json!({"r": "Customer wants a REFUND now"})
        ),
        1.0
    );
    assert_eq!(
        s(
            json!({"r": {"regex": "^refund$"}}),
            json!({"r": "a refund"})
        ),
        0.0
    );
    assert_eq!(s(json!({"r": {"regex": "1"}}), json!({"r": 1})), 0.0);
}

#[test]
fn any_true_is_presence_any_false_is_absence() {
    assert_eq!(s(json!({"k": {"any": true}}), json!({"k": null})), 1.0);
    assert_eq!(s(json!({"k": {"any": true}}), json!({})), 0.0);
    assert_eq!(s(json!({"k": {"any": false}}), json!({})), 1.0);
    assert_eq!(s(json!({"k": {"any": false}}), json!({"k": 1})), 0.0);
    // In exact mode an absent `{any: false}` key is satisfied and counts once.
    assert_eq!(
        s_mode(json!({"k": {"any": false}}), ArgsMode::Exact, json!({})),
        FULL
    );
}

#[test]
fn one_of_uses_literal_equality() {
    let e = json!({"p": {"one_of": ["high", "urgent", 3]}});
    assert_eq!(s(e.clone(), json!({"p": "urgent"})), 1.0);
    assert_eq!(s(e.clone(), json!({"p": 3.0})), 1.0);
    assert_eq!(s(e, json!({"p": "low"})), 0.0);
}

#[test]
fn approx_tolerance_is_absolute_and_inclusive() {
    let e = json!({"x": {"approx": 1.5, "tol": 0.1}});
    assert_eq!(s(e.clone(), json!({"x": 1.6})), 1.0);
    assert_eq!(s(e.clone(), json!({"x": 1.4})), 1.0);
    assert_eq!(s(e.clone(), json!({"x": 1.6001})), 0.0);
    assert_eq!(s(e.clone(), json!({"x": 1.3999})), 0.0);
    assert_eq!(s(e, json!({"x": "1.5"})), 0.0);
    let e = json!({"x": {"approx": 2}});
    assert_eq!(s(e.clone(), json!({"x": 2.0})), 1.0);
    assert_eq!(s(e, json!({"x": 2.000001})), 0.0);
}

#[test]
fn contains_is_substring_or_array_element() {
    let e = json!({"q": {"contains": "INV-22"}});
    assert_eq!(s(e.clone(), json!({"q": "see INV-2207"})), 1.0);
    assert_eq!(s(e.clone(), json!({"q": "INV-2"})), 0.0);
    assert_eq!(s(e, json!({"q": ["INV-22"]})), 1.0);
    let e = json!({"ids": {"contains": 7}});
    assert_eq!(s(e.clone(), json!({"ids": [1, 7.0, 9]})), 1.0);
    assert_eq!(s(e.clone(), json!({"ids": [1, 9]})), 0.0);
    assert_eq!(s(e, json!({"ids": "7"})), 0.0);
    let e = json!({"ids": {"contains": {"a": 1}}});
    assert_eq!(s(e, json!({"ids": [{"a": 1}]})), 1.0);
}

#[test]
fn equals_compares_a_matcher_looking_object_literally() {
    let e = json!({"filter": {"equals": {"regex": "x"}}});
    assert_eq!(s(e.clone(), json!({"filter": {"regex": "x"}})), 1.0);
    assert_eq!(s(e, json!({"filter": "x"})), 0.0);
}

#[test]
fn mismatches_describe_matchers_and_missing_keys() {
    let e = spec(json!({"priority": "high", "reason": {"regex": "(?i)refund"}, "id": 1}));
    let m = mismatches(
        Some(&e),
        ArgsMode::Subset,
        &json!({"priority": "low", "reason": "other"}),
    );
    let paths: Vec<_> = m.iter().map(|m| m.path.as_str()).collect();
    // Keys come in the order of the compiled object (serde_json sorts them).
    assert_eq!(paths, ["id", "priority", "reason"]);
    assert_eq!(m[0].actual, None);
    assert_eq!(m[2].expected, "matching regex `(?i)refund`");
    assert!(mismatches(Some(&e), ArgsMode::Ignore, &json!({})).is_empty());
}
