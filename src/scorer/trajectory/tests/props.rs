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
        // The issue-11 matchers, alone and combined.
        json!({"type": "integer", "gte": 1}),
        json!({"type": "number", "lt": 2}),
        json!({"optional": 1}),
        json!({"optional": {"one_of": [{"gt": 1}, "s"]}}),
        json!({"not_regex": "^S$", "type": "string"}),
        json!({"equals": "S", "normalize": ["case"]}),
        json!({"contains": "S", "ignore_case": true}),
        json!({"items": [1, {"type": "string"}]}),
        json!({"items_any_order": ["s", 1]}),
        json!({"each": {"gte": 1}, "length": {"gte": 1}}),
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
    let value = select(vec![
        json!(1),
        json!(2),
        json!(1.0),
        json!("s"),
        json!([1, "s"]),
        json!(["s", 1.0]),
    ]);
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

/// The best (number of full matches, Σ s), compared in that order (DESIGN §4), over one-to-one
/// pairings of `rows` with `cols` that pair min(|rows|, |cols|).
fn brute(
    s: &dyn Fn(usize, usize) -> (usize, f64),
    rows: &[usize],
    cols: &[usize],
    used: &mut Vec<bool>,
) -> (usize, f64) {
    let better = |x: (usize, f64), y: (usize, f64)| {
        if (x.0, x.1) > (y.0, y.1) { x } else { y }
    };
    let Some((&r, rest)) = rows.split_first() else {
        return (0, 0.0);
    };
    let free = used.iter().filter(|u| !**u).count();
    // More rows than free columns: this row may stay unpaired.
    let mut best = if rest.len() >= free {
        brute(s, rest, cols, used)
    } else {
        (0, f64::MIN)
    };
    for (k, &c) in cols.iter().enumerate() {
        if !used[k] {
            used[k] = true;
            let (f, v) = brute(s, rest, cols, used);
            let (f0, v0) = s(r, c);
            best = better((f + f0, v + v0), best);
            used[k] = false;
        }
    }
    best
}

proptest! {
    // Since issue 11 the objective counts full matches before Σ s (DESIGN §4), so the optimum
    // checked here is the lexicographic one, no longer the largest Σ s alone.
    #[test]
    fn pairing_is_optimal((e, a, _) in case()) {
        let expect = expect(e);
        let actual = calls(Value::from(a));
        let score = score_trajectory(&expect, &actual);
        let flat = expect.flat_calls();
        let s = |i: usize, j: usize| {
            let s = crate::scorer::args::score_args(flat[i].1.args.as_ref(), expect.args_mode, &actual[j].arguments);
            (usize::from(s.full), s.value)
        };
        let (mut best_full, mut best) = (0, 0.0);
        let mut names: Vec<&str> = flat.iter().filter_map(|(_, c)| c.name.exact()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let rows: Vec<usize> = (0..flat.len()).filter(|&i| flat[i].1.name.exact() == Some(name)).collect();
            let cols: Vec<usize> = (0..actual.len()).filter(|&j| actual[j].name == name).collect();
            let (f, v) = brute(&s, &rows, &cols, &mut vec![false; cols.len()]);
            best_full += f;
            best += v;
        }
        let got: f64 = score.alignment.iter().filter_map(|r| r.arg_score).sum();
        let got_full = score.alignment.iter().filter(|r| r.kind == AlignKind::Matched).count();
        prop_assert_eq!(got_full, best_full);
        prop_assert!((got - best).abs() < 1e-5, "pairing Σ s = {got}, optimum {best}");
    }
}

/// An expected call whose name may be a pattern.
fn pattern_call() -> impl Strategy<Value = Value> {
    let name = select(vec![
        json!("a"),
        json!("b"),
        json!({"regex": "^[ab]$"}),
        json!({"regex": ".*"}),
        json!({"regex": "c|d"}),
    ]);
    let args = proptest::option::of(proptest::collection::btree_map(
        select(vec!["x", "y"]),
        arg_value(),
        0..3,
    ));
    (name, args).prop_map(|(name, args)| match args {
        Some(a) => json!({"name": name, "args": a}),
        None => json!({"name": name}),
    })
}

/// [`case`] with name patterns among the expected names, `match: covers` and conditional
/// `forbid` items in the expectation.
fn pattern_case() -> impl Strategy<Value = (Value, Vec<Value>, Vec<Value>)> {
    let item = prop_oneof![
        3 => pattern_call(),
        1 => proptest::collection::vec(pattern_call(), 1..3).prop_map(|b| json!({"any_order": b})),
    ];
    let forbid = select(vec![
        json!([]),
        json!(["d"]),
        json!([{"name": "a", "args": {"x": {"gt": 1}}}]),
        json!([{"name": {"regex": "^[cd]$"}, "args": {"y": {"optional": "s"}}}]),
    ]);
    let expect = (
        proptest::collection::vec(item, 0..5),
        select(vec!["subset", "exact", "ignore"]),
        forbid,
    )
        .prop_map(|(calls, mode, forbid)| {
            json!({"match": "covers", "calls": calls, "args_mode": mode, "forbid": forbid})
        });
    (expect, proptest::collection::vec(actual_call(), 0..7))
        .prop_flat_map(|(e, a)| (Just(e), Just(a.clone()), Just(a).prop_shuffle()))
}

proptest! {
    #[test]
    fn with_patterns_and_covers_metrics_stay_in_range_and_covers_means_a_full_match_each(
        (e, a, shuffled) in pattern_case()
    ) {
        let s = run(e.clone(), Value::from(a.clone()));
        let m = s.metrics;
        for v in [m.tool_recall, m.tool_precision, m.tool_f1, m.arg_accuracy, m.strict_recall, m.ordering, m.efficiency] {
            prop_assert!((0.0..=1.0).contains(&v), "{m:?}");
        }
        let n_e = expect(e.clone()).flat_calls().len();
        // superset ⇒ covers; a covers pass with one-to-one pairs for all is a superset pass.
        prop_assert!(!s.checks.superset || s.checks.covers);
        prop_assert!(!s.checks.covers || n_e == 0 || !a.is_empty());
        prop_assert!(!(s.checks.covers && m.strict_recall == 1.0) || s.checks.superset);
        // Order-free, like superset.
        let t = run(e.clone(), Value::from(shuffled));
        prop_assert_eq!(s.checks.covers, t.checks.covers);
        // covers(E, A) = superset(E, A with every call repeated |E| times): shared calls are
        // exactly what one copy per expected call makes one-to-one.
        let repeated: Vec<Value> = a.iter().flat_map(|c| vec![c.clone(); n_e.max(1)]).collect();
        let r = run(e, Value::from(repeated));
        prop_assert_eq!(s.checks.covers, r.checks.superset);
        // Every call shows up once in the alignment.
        prop_assert_eq!(s.alignment.iter().filter(|r| r.actual.is_some()).count(), a.len());
        // Forbidden calls are actual calls, listed once each in call order.
        prop_assert!(s.forbidden_calls.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(s.forbidden_calls.iter().all(|&c| c < a.len()));
    }
}
