//! The issue-11 matchers: each key, keys combined, and the explanation of every mismatch.

use super::super::{mismatches, score_args};
use crate::model::{ArgsMode, ArgsSpec};
use serde_json::{Value, json};

fn spec(v: Value) -> ArgsSpec {
    ArgsSpec::try_from(v).unwrap()
}

/// Whether `actual` satisfies the single argument `x: expect` (subset mode).
fn ok(expect: Value, actual: Value) -> bool {
    score_args(
        Some(&spec(json!({ "x": expect }))),
        ArgsMode::Subset,
        &json!({ "x": actual }),
    )
    .full
}

/// The alignment's sentence for `x: expect` against `x: actual` (`None` = `x` missing).
fn why(expect: Value, actual: Option<Value>) -> String {
    let args = match actual {
        Some(a) => json!({ "x": a }),
        None => json!({}),
    };
    let found = mismatches(Some(&spec(json!({ "x": expect }))), ArgsMode::Subset, &args);
    assert_eq!(found.len(), 1, "{found:?}");
    crate::scorer::explain::say_mismatch(&found[0])
}

#[test]
fn numeric_comparisons_hold_for_numbers_only() {
    assert!(ok(json!({"gt": 100}), json!(100.5)));
    assert!(!ok(json!({"gt": 100}), json!(100)));
    assert!(ok(json!({"gte": 100}), json!(100)));
    assert!(ok(json!({"lt": 0}), json!(-1)));
    assert!(ok(json!({"lte": 500}), json!(500.0)));
    assert!(!ok(json!({"lte": 500}), json!(740)));
    assert!(!ok(json!({"gte": 1}), json!("5")));
    assert!(!ok(json!({"gte": 0}), json!(true)));
    assert_eq!(
        why(json!({"lte": 500}), Some(json!(740))),
        "`x` 740 is not ≤ 500"
    );
    assert_eq!(
        why(json!({"gt": 1}), Some(json!("2"))),
        "`x` \"2\" is not a number (expected > 1)"
    );
}

#[test]
fn type_tells_integers_from_other_numbers() {
    assert!(ok(json!({"type": "integer"}), json!(90)));
    assert!(ok(json!({"type": "integer"}), json!(-3)));
    assert!(!ok(json!({"type": "integer"}), json!(90.0)));
    assert!(ok(json!({"type": "number"}), json!(90.0)));
    assert!(!ok(json!({"type": "number"}), json!(true)));
    assert!(ok(json!({"type": "string"}), json!("")));
    assert!(ok(json!({"type": "boolean"}), json!(false)));
    assert!(ok(json!({"type": "array"}), json!([])));
    assert!(ok(json!({"type": "object"}), json!({})));
    assert!(ok(json!({"type": "null"}), Value::Null));
    assert!(!ok(json!({"type": "null"}), json!(0)));
    assert_eq!(
        why(json!({"type": "integer"}), Some(json!(90.0))),
        "`x` 90.0 is not an integer"
    );
}

#[test]
fn combined_keys_all_must_hold_and_the_first_failure_is_named() {
    let e = json!({"type": "integer", "gte": 1, "lte": 10});
    assert!(ok(e.clone(), json!(5)));
    assert!(!ok(e.clone(), json!(5.5)));
    assert!(!ok(e.clone(), json!(11)));
    assert_eq!(why(e.clone(), Some(json!(11))), "`x` 11 is not ≤ 10");
    assert_eq!(
        why(e, None),
        "`x` missing (expected an integer and ≥ 1 and ≤ 10)"
    );
    let e = json!({"regex": "^INV-", "not_regex": "-0+$"});
    assert!(ok(e.clone(), json!("INV-22")));
    assert!(!ok(e, json!("INV-000")));
}

#[test]
fn optional_is_absent_or_matching() {
    let e = json!({"unit": {"optional": {"one_of": ["c", "f"]}}, "city": "Oslo"});
    let s = |a: Value| score_args(Some(&spec(e.clone())), ArgsMode::Exact, &a);
    assert!(s(json!({"city": "Oslo"})).full);
    assert!(s(json!({"city": "Oslo", "unit": "f"})).full);
    assert_eq!(s(json!({"city": "Oslo", "unit": "k"})).value, 0.5);
    assert!(ok(json!({"optional": 3}), json!(3.0)));
    assert!(!ok(json!({"optional": 3}), Value::Null));
    // An optional literal object keeps partial credit when present.
    let e = spec(json!({"who": {"optional": {"first": "Ada", "last": "L"}}}));
    let r = score_args(
        Some(&e),
        ArgsMode::Subset,
        &json!({"who": {"first": "Ada"}}),
    );
    assert_eq!(r.value, 0.5);
    assert_eq!(
        why(json!({"optional": {"gt": 0}}), Some(json!(-1))),
        "`x` -1 is not > 0"
    );
}

#[test]
fn one_of_takes_matchers_and_literals() {
    let e = json!({"one_of": [{"type": "integer", "gt": 10}, "none", [1, 2]]});
    assert!(ok(e.clone(), json!(11)));
    assert!(ok(e.clone(), json!("none")));
    assert!(ok(e.clone(), json!([1, 2.0])));
    assert!(!ok(e.clone(), json!(10)));
    assert!(!ok(e.clone(), json!(10.5)));
    assert_eq!(
        why(e, Some(json!(3))),
        "`x` expected one of `[(an integer and > 10), \"none\", [1,2]]`, got `3`"
    );
    // A literal object option is compared whole.
    assert!(!ok(json!({"one_of": [{"a": 1, "b": 2}]}), json!({"a": 1})));
}

#[test]
fn not_regex_and_contains_ignore_case() {
    assert!(ok(json!({"not_regex": "(?i)refund"}), json!("a question")));
    assert!(!ok(json!({"not_regex": "(?i)refund"}), json!("REFUND me")));
    assert!(!ok(json!({"not_regex": "x"}), json!(1)));
    assert_eq!(
        why(json!({"not_regex": "(?i)refund"}), Some(json!("REFUND"))),
        "`x` \"REFUND\" matches regex `(?i)refund`"
    );
    let e = json!({"contains": "inv-22", "ignore_case": true});
    assert!(ok(e.clone(), json!("see INV-2207")));
    assert!(ok(e.clone(), json!(["INV-22"])));
    assert!(!ok(json!({"contains": "inv-22"}), json!("see INV-2207")));
    assert_eq!(
        why(e, Some(json!("none"))),
        "`x` expected containing `\"inv-22\"`, ignoring case, got `\"none\"`"
    );
}

#[test]
fn normalize_reaches_literals_under_equals_one_of_contains_and_items() {
    let n = json!(["case", "whitespace", "punctuation"]);
    assert!(ok(
        json!({"equals": "New York, NY", "normalize": n}),
        json!("new york ny")
    ));
    assert!(ok(
        json!({"equals": ["A b"], "normalize": n}),
        json!(["ab"])
    ));
    assert!(ok(
        json!({"one_of": ["San Francisco"], "normalize": n}),
        json!("san-francisco")
    ));
    assert!(ok(
        json!({"contains": "newyork", "normalize": n}),
        json!("I live in New York!")
    ));
    assert!(ok(
        json!({"items": ["A", "B"], "normalize": ["case"]}),
        json!(["a", "b"])
    ));
    assert!(!ok(
        json!({"equals": "ab", "normalize": ["case"]}),
        json!("a b")
    ));
    // Numbers and regexes are not normalised.
    assert!(ok(json!({"equals": 1, "normalize": n}), json!(1.0)));
    let bfcl = json!({"one_of": ["Los Angeles, CA"], "normalize": "bfcl"});
    assert!(ok(bfcl.clone(), json!("los angeles ca")));
    assert!(!ok(bfcl.clone(), json!("Los Angeles; CA")));
    assert_eq!(
        why(bfcl, Some(json!("LA"))),
        "`x` expected one of `[\"Los Angeles, CA\"]` (normalized: bfcl), got `\"LA\"`"
    );
}

#[test]
fn arrays_items_in_order_any_order_each_and_length() {
    let e = json!({"items": [1, {"type": "string"}]});
    assert!(ok(e.clone(), json!([1.0, "a"])));
    assert!(!ok(e.clone(), json!(["a", 1])));
    assert!(!ok(e.clone(), json!([1, "a", 2])));
    assert_eq!(
        why(e.clone(), Some(json!([1, 2]))),
        "`x` [1,2] has item 2 `2`, expected a string"
    );
    assert_eq!(
        why(e, Some(json!([1]))),
        "`x` [1] has 1 items, not 2 (expected items `[1, (a string)]` in order)"
    );
    let e = json!({"items_any_order": [{"gt": 5}, 7]});
    // 7 satisfies both, so it must go to `7` and 6 to `> 5`.
    assert!(ok(e.clone(), json!([7, 6])));
    assert!(!ok(e.clone(), json!([7, 1])));
    assert!(!ok(e.clone(), json!([7])));
    assert_eq!(
        why(e, Some(json!([1, 2]))),
        "`x` [1,2] does not pair item for item with items `[(> 5), 7]` in any order"
    );
    let e = json!({"each": {"type": "integer"}, "length": {"gte": 1, "lte": 3}});
    assert!(ok(e.clone(), json!([1, 2])));
    assert!(!ok(e.clone(), json!([])));
    assert!(!ok(e.clone(), json!([1, 2, 3, 4])));
    assert!(!ok(e.clone(), json!("12")));
    assert_eq!(
        why(e.clone(), Some(json!([1, 2.5]))),
        "`x` [1,2.5] has item 2 `2.5` that is not an integer"
    );
    assert_eq!(
        why(e.clone(), Some(json!([1, 2, 3, 4]))),
        "`x` [1,2,3,4] has length 4, not length ≥ 1 and ≤ 3"
    );
    assert_eq!(
        why(e, Some(json!("12"))),
        "`x` \"12\" is not an array (expected every item an integer)"
    );
    assert!(ok(json!({"length": 2}), json!([0, 0])));
    assert!(!ok(json!({"length": 2}), json!([0])));
}

mod props {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Expectations built from the new keys, nested up to two levels.
    fn expectation() -> impl Strategy<Value = Value> {
        let leaf = select(vec![
            json!(1),
            json!("a"),
            json!({"type": "integer"}),
            json!({"gt": 0, "lte": 2}),
            json!({"not_regex": "b"}),
            json!({"contains": "A", "ignore_case": true}),
            json!({"one_of": ["A", {"type": "null"}], "normalize": ["case"]}),
        ]);
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| json!({"optional": e})),
                inner
                    .clone()
                    .prop_map(|e| json!({"each": e, "length": {"lte": 2}})),
                proptest::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"items": v})),
                proptest::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| json!({"items_any_order": v})),
                proptest::collection::vec(inner, 1..3).prop_map(|v| json!({"one_of": v})),
            ]
        })
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = select(vec![
            json!(1),
            json!(1.0),
            json!(3),
            json!("a"),
            json!("B"),
            Value::Null,
        ]);
        leaf.prop_recursive(2, 8, 3, |inner| {
            proptest::collection::vec(inner, 0..3).prop_map(Value::from)
        })
    }

    proptest! {
        #[test]
        fn scores_stay_in_range_and_full_matches_have_no_mismatch(
            e in proptest::collection::btree_map(select(vec!["x", "y"]), expectation(), 0..3),
            a in proptest::collection::btree_map(select(vec!["x", "y", "z"]), value(), 0..3),
            exact in any::<bool>(),
        ) {
            let spec = spec(json!(e));
            let mode = if exact { ArgsMode::Exact } else { ArgsMode::Subset };
            let actual = json!(a);
            let s = score_args(Some(&spec), mode, &actual);
            prop_assert!((0.0..=1.0).contains(&s.value), "{s:?}");
            prop_assert_eq!(s.full, s.value == 1.0);
            prop_assert_eq!(s.full, mismatches(Some(&spec), mode, &actual).is_empty());
        }
    }
}
