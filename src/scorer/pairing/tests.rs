//! Pins the pairing on hand-made cases and checks the objective's order with proptest.

use super::*;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

fn exp(name: &str, args: Option<Value>) -> ExpectedCall {
    ExpectedCall {
        name: name.into(),
        args: args.map(|a| a.try_into().unwrap()),
        ..ExpectedCall::default()
    }
}

fn pairs_of(e: &[ExpectedCall], a: &[ToolCall], mode: ArgsMode) -> Vec<(usize, usize)> {
    let refs: Vec<&ExpectedCall> = e.iter().collect();
    align(&refs, a, mode)
        .pairs
        .iter()
        .map(|p| (p.e, p.a))
        .collect()
}

#[test]
fn identical_duplicates_pair_on_the_diagonal() {
    let e = [
        exp("f", Some(json!({"x": 1}))),
        exp("f", Some(json!({"x": 1}))),
    ];
    let a = [
        ToolCall::ok("f", json!({"x": 1})),
        ToolCall::ok("f", json!({"x": 1})),
    ];
    assert_eq!(pairs_of(&e, &a, ArgsMode::Subset), [(0, 0), (1, 1)]);
}

#[test]
fn optimal_beats_greedy() {
    // Greedy (each expected call takes its best free actual call, first on ties) gives e0
    // a0 (s = 1) and leaves e1 with a1 (s = 0.5): Σ = 1.5. The optimum crosses: Σ = 2.
    let e = [
        exp("f", Some(json!({"a": 1}))),
        exp("f", Some(json!({"a": 1, "b": 2}))),
    ];
    let a = [
        ToolCall::ok("f", json!({"a": 1, "b": 2})),
        ToolCall::ok("f", json!({"a": 1, "b": 3})),
    ];
    assert_eq!(pairs_of(&e, &a, ArgsMode::Subset), [(0, 1), (1, 0)]);
    // In exact mode, extra keys matter: the diagonal (0.5 + 0.5) loses to the cross (1 + 1).
    let e = [
        exp("f", Some(json!({"a": 1, "b": 2}))),
        exp("f", Some(json!({"a": 1}))),
    ];
    let a = [
        ToolCall::ok("f", json!({"a": 1})),
        ToolCall::ok("f", json!({"a": 1, "b": 2})),
    ];
    assert_eq!(pairs_of(&e, &a, ArgsMode::Exact), [(0, 1), (1, 0)]);
}

#[test]
fn ties_pair_kth_with_kth() {
    let e = [exp("f", None), exp("f", None), exp("f", None)];
    let a: Vec<_> = (0..3).map(|i| ToolCall::ok("f", json!({"i": i}))).collect();
    assert_eq!(pairs_of(&e, &a, ArgsMode::Subset), [(0, 0), (1, 1), (2, 2)]);
    // Unequal sizes: the k-th still goes with the k-th, the rest stays unpaired.
    assert_eq!(pairs_of(&e[..2], &a, ArgsMode::Subset), [(0, 0), (1, 1)]);
    assert_eq!(pairs_of(&e, &a[..1], ArgsMode::Subset), [(0, 0)]);
    // Equal partial scores everywhere: still the diagonal, not the first maximum found.
    let e = [
        exp("f", Some(json!({"a": 1, "b": 1}))),
        exp("f", Some(json!({"a": 1, "b": 1}))),
    ];
    let a = [
        ToolCall::ok("f", json!({"a": 1})),
        ToolCall::ok("f", json!({"a": 1})),
    ];
    assert_eq!(pairs_of(&e, &a, ArgsMode::Subset), [(0, 0), (1, 1)]);
}

#[test]
fn pairs_as_many_as_possible_even_at_zero_score() {
    let e = [exp("f", Some(json!({"x": 1}))), exp("g", None)];
    let a = [
        ToolCall::ok("h", json!({})),
        ToolCall::ok("f", json!({"x": 2})),
    ];
    let refs: Vec<&ExpectedCall> = e.iter().collect();
    let al = align(&refs, &a, ArgsMode::Subset);
    assert_eq!(al.pairs.len(), 1);
    assert_eq!((al.pairs[0].e, al.pairs[0].a), (0, 1));
    assert_eq!(al.pairs[0].score.value, 0.0);
    assert!(!al.full(0, 1) && !al.full(1, 0));
}

#[test]
fn hungarian_matches_brute_force_on_small_matrices() {
    // Pseudo-random matrices; compare the optimum weight against all permutations.
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as i128 % 10
    };
    for (rows, cols) in [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4)] {
        let m: Vec<i128> = (0..rows * cols).map(|_| next()).collect();
        let got: i128 = hungarian(rows, cols, |r, c| m[r * cols + c])
            .iter()
            .map(|&(r, c)| m[r * cols + c])
            .sum();
        assert_eq!(got, brute(rows, cols, &m, 0, &mut vec![false; cols]));
    }
}

fn brute(rows: usize, cols: usize, m: &[i128], r: usize, used: &mut Vec<bool>) -> i128 {
    if r == rows {
        return 0;
    }
    let mut best = i128::MAX;
    for c in 0..cols {
        if !used[c] {
            used[c] = true;
            best = best.min(m[r * cols + c] + brute(rows, cols, m, r + 1, used));
            used[c] = false;
        }
    }
    best
}

#[test]
fn full_matches_beat_a_higher_sum() {
    // DESIGN §4's example. Crosswise: e0 ↔ a1 = 4/5 (k1 differs), e1 ↔ a0 = 1/2 (m missing),
    // Σ 1.3 with no full match. Diagonal: e0 ↔ a0 = 1 (full), e1 ↔ a1 = 0, Σ 1.0. The old
    // objective (Σ s first) took the cross; the full match now comes first.
    let first = json!({"k1": 1, "k2": 1, "k3": 1, "k4": 1, "k5": 1});
    let e = [
        exp("f", Some(first.clone())),
        exp("f", Some(json!({"k1": 1, "m": 5}))),
    ];
    let a = [
        ToolCall::ok("f", first),
        ToolCall::ok("f", json!({"k1": 0, "k2": 1, "k3": 1, "k4": 1, "k5": 1})),
    ];
    assert_eq!(pairs_of(&e, &a, ArgsMode::Subset), [(0, 0), (1, 1)]);
}

#[test]
fn weights_are_exact_for_every_realistic_size_and_degrade_safely() {
    for (m, n) in [(1, 1), (5, 40), (1000, 1000), (100, 100_000)] {
        assert!(Weights::new(m, n).exact(), "m = {m}, n = {n}");
    }
    // Too large for the tie-break levels: still full matches first, then Σ s, exactly.
    let w = Weights::new(100_000, 100_000);
    assert!(!w.exact());
    let full = ArgScore {
        value: 1.0,
        full: true,
    };
    let partial = ArgScore {
        value: 0.999_999,
        full: false,
    };
    // One full match outweighs 100,000 pairs at s just below 1, and one more pair outweighs
    // every Σ s below it.
    assert!(w.of(full, 0, 1) > 100_000 * w.of(partial, 0, 0));
    assert!(w.cp > 100_000 * (w.of(partial, 0, 0) - w.cp));
    // The exact weights: every level's largest possible total over m pairs stays below the
    // next level's unit (m = 3 pairs among n = 4 calls; k ≤ n − 1).
    let (m, n) = (3, 4);
    let w = Weights::new(m as usize, n as usize);
    let below_c1 = w.c2 + (n - 1) * (n - 1) * w.c3 + n;
    assert!(m * below_c1 < w.c1);
    assert!(m * (S_UNIT * w.c1 + below_c1) < w.cp);
    assert!(m * (w.cp + S_UNIT * w.c1 + below_c1) < w.c0);
}

/// Expected calls, and actual calls that are copies of them with some keys kept, changed or
/// dropped: near-copies make crosses with a higher Σ s but fewer full matches frequent (the shape
/// that the old Σ-s-first objective got wrong).
fn calls_strategy() -> impl Strategy<Value = (Vec<ExpectedCall>, Vec<ToolCall>)> {
    let keys = select(vec!["k1", "k2", "k3", "k4", "k5"]);
    let args = proptest::collection::btree_map(keys, select(vec![1, 2]), 1..6);
    let expected = proptest::collection::vec((select(vec!["f", "f", "g"]), args), 1..6);
    let edits = proptest::collection::vec((0..8usize, proptest::collection::vec(0..5u8, 5)), 0..7);
    (expected, edits).prop_map(|(e, edits)| {
        let actual = edits
            .iter()
            .map(|(idx, edit)| {
                let (name, args) = &e[idx % e.len()];
                let mut out = serde_json::Map::new();
                for ((k, v), op) in args.iter().zip(edit) {
                    match op {
                        3 => {}
                        4 => drop(out.insert(k.to_string(), json!(v + 10))),
                        _ => drop(out.insert(k.to_string(), json!(v))),
                    }
                }
                ToolCall::ok(*name, Value::Object(out))
            })
            .collect();
        let expected = e.into_iter().map(|(n, a)| exp(n, Some(json!(a)))).collect();
        (expected, actual)
    })
}

proptest! {
    #[test]
    fn the_pairing_has_a_maximum_full_matching_and_is_maximal(
        (e, a) in calls_strategy(),
        exact in any::<bool>(),
    ) {
        let mode = if exact { ArgsMode::Exact } else { ArgsMode::Subset };
        let refs: Vec<&ExpectedCall> = e.iter().collect();
        let al = align(&refs, &a, mode);
        let full = al.pairs.iter().filter(|p| p.score.full).count();
        prop_assert_eq!(full, al.full_matching_size());
        let maximal: usize = al
            .groups
            .iter()
            .map(|g| g.e.len().min(g.a.len()))
            .sum();
        prop_assert_eq!(al.pairs.len(), maximal);
        // One-to-one, equal names.
        let mut seen_a: Vec<usize> = al.pairs.iter().map(|p| p.a).collect();
        seen_a.sort();
        seen_a.dedup();
        prop_assert_eq!(seen_a.len(), al.pairs.len());
        for p in &al.pairs {
            prop_assert!(e[p.e].name.matches(&a[p.a].name));
        }
    }
}

/// Expected calls whose names are exact or patterns (`f`, `g`, `/^[fg]$/`, `/.*/`), against
/// actual calls named `f`, `g` or `h`: small enough to brute-force every pairing.
fn pattern_calls_strategy() -> impl Strategy<Value = (Vec<ExpectedCall>, Vec<ToolCall>)> {
    let name = select(vec!["f", "g", "/^[fg]$/", "/.*/"]);
    let args = proptest::collection::btree_map(select(vec!["k1", "k2"]), select(vec![1, 2]), 0..3);
    let expected = proptest::collection::vec((name, args.clone()), 0..5);
    let actual = proptest::collection::vec((select(vec!["f", "g", "h"]), args), 0..6);
    (expected, actual).prop_map(|(e, a)| {
        let expected = e
            .into_iter()
            .map(|(n, args)| {
                let name = match n.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
                    Some(p) => CallName::Pattern(regex::Regex::new(p).unwrap()),
                    None => n.into(),
                };
                ExpectedCall {
                    name,
                    args: Some(json!(args).try_into().unwrap()),
                    ..ExpectedCall::default()
                }
            })
            .collect();
        let actual = a
            .into_iter()
            .map(|(n, args)| ToolCall::ok(n, json!(args)))
            .collect();
        (expected, actual)
    })
}

/// The best (full matches, pairs, Σ s in millionths) over every one-to-one pairing of
/// expected calls `i..` with the free actual calls, pairs allowed where the names match.
fn brute_best(
    e: &[ExpectedCall],
    a: &[ToolCall],
    i: usize,
    used: &mut Vec<bool>,
) -> (usize, usize, i64) {
    if i == e.len() {
        return (0, 0, 0);
    }
    let mut best = brute_best(e, a, i + 1, used);
    for j in 0..a.len() {
        if used[j] || !e[i].name.matches(&a[j].name) {
            continue;
        }
        used[j] = true;
        let s = score_call(&e[i], ArgsMode::Subset, &a[j]);
        let (f, p, v) = brute_best(e, a, i + 1, used);
        let here = (
            f + usize::from(s.full),
            p + 1,
            v + (s.value * 1e6).round() as i64,
        );
        best = best.max(here);
        used[j] = false;
    }
    best
}

proptest! {
    #[test]
    fn with_name_patterns_the_pairing_is_the_lexicographic_optimum(
        (e, a) in pattern_calls_strategy(),
    ) {
        let refs: Vec<&ExpectedCall> = e.iter().collect();
        let al = align(&refs, &a, ArgsMode::Subset);
        let got = (
            al.pairs.iter().filter(|p| p.score.full).count(),
            al.pairs.len(),
            al.pairs.iter().map(|p| (p.score.value * 1e6).round() as i64).sum::<i64>(),
        );
        prop_assert_eq!(got, brute_best(&e, &a, 0, &mut vec![false; a.len()]));
        // The chosen pairing's full matches are a maximum full matching.
        prop_assert_eq!(got.0, al.full_matching_size());
        let mut seen_a: Vec<usize> = al.pairs.iter().map(|p| p.a).collect();
        seen_a.sort();
        seen_a.dedup();
        prop_assert_eq!(seen_a.len(), al.pairs.len());
        for p in &al.pairs {
            prop_assert!(e[p.e].name.matches(&a[p.a].name));
        }
    }
}
