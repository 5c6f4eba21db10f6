//! Invariants: every metric in [0, 1]; the pairing-based numbers do not depend on the order of
//! the actual calls.

use super::*;
use proptest::prelude::*;
use proptest::sample::select;

fn arg_value() -> impl Strategy<Value = Value> {
    select(vec![
        json!(1),
        json!(2),
        json!(1.0),
        json!("s"),
        json!({"any": true}),
        json!({"any": false}),
        json!({"one_of": [1, 2]}),
        json!({"approx": 1.5, "tol": 0.5}),
    ])
}

fn expected_call() -> impl Strategy<Value = Value> {
    let args = proptest::option::of(proptest::collection::btree_map(
        select(vec!["x", "y"]),
        arg_value(),
        0..3,
    ));
    (select(vec!["a", "b", "c"]), args).prop_map(|(name, args)| match args {
        Some(a) => json!({"name": name, "args": a}),
        None => json!({"name": name}),
    })
}

fn item() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => expected_call(),
        1 => proptest::collection::vec(expected_call(), 1..3).prop_map(|b| json!({"any_order": b})),
    ]
}

fn actual_call() -> impl Strategy<Value = Value> {
    let value = select(vec![json!(1), json!(2), json!(1.0), json!("s")]);
    let args = proptest::collection::btree_map(select(vec!["x", "y", "z"]), value, 0..3);
    (select(vec!["a", "b", "c", "d"]), args, any::<bool>())
        .prop_map(|(name, args, ok)| json!({"name": name, "arguments": args, "status": if ok {"ok"} else {"error"}}))
}

fn case() -> impl Strategy<Value = (Value, Vec<Value>, Vec<Value>)> {
    let expect = (
        proptest::collection::vec(item(), 0..5),
        select(vec!["subset", "exact", "ignore"]),
        proptest::option::of(0u32..6),
    )
        .prop_map(|(calls, mode, max)| match max {
            Some(m) => json!({"calls": calls, "args_mode": mode, "max_calls": m}),
            None => json!({"calls": calls, "args_mode": mode}),
        });
    (expect, proptest::collection::vec(actual_call(), 0..7))
        .prop_flat_map(|(e, a)| (Just(e), Just(a.clone()), Just(a).prop_shuffle()))
}

proptest! {
    #[test]
    fn metrics_stay_in_range_and_ignore_call_order((e, a, shuffled) in case()) {
        let s = run(e.clone(), Value::from(a.clone()));
        let m = s.metrics;
        for v in [m.tool_recall, m.tool_precision, m.tool_f1, m.arg_accuracy, m.strict_recall, m.ordering, m.efficiency] {
            prop_assert!((0.0..=1.0).contains(&v), "{m:?}");
        }
        prop_assert!(m.redundant_calls as usize <= a.len());
        let t = run(e, Value::from(shuffled));
        prop_assert_eq!(m.tool_recall, t.metrics.tool_recall);
        prop_assert_eq!(m.tool_precision, t.metrics.tool_precision);
        prop_assert_eq!(m.tool_f1, t.metrics.tool_f1);
        prop_assert!((m.arg_accuracy - t.metrics.arg_accuracy).abs() < 1e-5);
        prop_assert_eq!(s.checks.superset, t.checks.superset);
        prop_assert_eq!(s.checks.subset, t.checks.subset);
        prop_assert_eq!(s.checks.unordered, t.checks.unordered);
        // Every call shows up once in the alignment.
        prop_assert_eq!(s.alignment.iter().filter(|r| r.actual.is_some()).count(), a.len());
        // The strongest checks imply the weaker ones.
        prop_assert!(!s.checks.exact || (s.checks.in_order && s.checks.unordered));
        prop_assert!(!s.checks.in_order || s.checks.superset);
    }
}
