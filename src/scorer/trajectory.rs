//! Trajectory metrics and boolean checks of DESIGN §4 for one (expected, actual) pair.
//!
//! Owns the formulas (recall, precision, F1, argument accuracy, strict recall, ordering,
//! efficiency, redundant calls) and the checks (exact, in_order, any_order, superset, subset,
//! unordered, covers); which calls `forbid` matches is `forbid`'s. Pairing is `pairing`'s job and the words are `explain`'s; this
//! file must not format text.

use crate::model::{
    CallStatus, ExpectItem, ExpectedCall, MatchMode, ToolCall, TrajectoryChecks, TrajectoryExpect,
    TrajectoryMetrics, TrajectoryScore,
};

use super::args::{json_eq, normalized};
use super::effective_match;
use super::explain::{Facts, explain};
use super::forbid::forbidden;
use super::pairing::{Alignment, Pair, align, augment};

/// Scores an actual trajectory against an expectation: metrics, checks, alignment, explanation.
pub fn score_trajectory(expect: &TrajectoryExpect, actual: &[ToolCall]) -> TrajectoryScore {
    let flat = expect.flat_calls();
    let calls: Vec<&ExpectedCall> = flat.iter().map(|(_, c)| *c).collect();
    let al = align(&calls, actual, expect.args_mode);
    let positions: Vec<usize> = flat.iter().map(|(p, _)| *p).collect();
    let (in_sequence, ordering_len) = longest_ordered(&al.pairs, &positions);
    let repeats = repeats(actual);
    let metrics = metrics(
        expect,
        calls.len(),
        actual.len(),
        &al.pairs,
        ordering_len,
        &repeats,
    );
    let checks = checks(expect, calls.len(), actual.len(), &al);
    let hits = forbidden(expect, actual);
    let mut forbidden_called: Vec<String> = Vec::new();
    let mut is_forbidden = vec![false; actual.len()];
    for hit in &hits {
        is_forbidden[hit.call] = true;
        let name = &actual[hit.call].name;
        if !forbidden_called.contains(name) {
            forbidden_called.push(name.clone());
        }
    }
    let out_of_order: Vec<bool> = in_sequence.iter().map(|ok| !ok).collect();
    // Only a `covers` check explains which expected call matches no actual call at all.
    let uncovered: Option<Vec<usize>> =
        (effective_match(expect) == Some(MatchMode::Covers)).then(|| {
            (0..calls.len())
                .filter(|&e| !covered(&al, e, actual.len()))
                .collect()
        });
    let (alignment, explanation) = explain(&Facts {
        expect,
        flat: &flat,
        actual,
        pairs: &al.pairs,
        out_of_order: &out_of_order,
        repeats: &repeats,
        forbidden: &is_forbidden,
        uncovered: uncovered.as_deref(),
    });
    TrajectoryScore {
        metrics,
        checks,
        forbidden_called,
        forbidden_calls: hits.iter().map(|h| h.call).collect(),
        alignment,
        explanation,
    }
}

/// Whether expected call `e` fully matches (s = 1) some actual call, shared or not.
fn covered(al: &Alignment, e: usize, n_a: usize) -> bool {
    (0..n_a).any(|a| al.full(e, a))
}

fn ratio(num: usize, den: usize, if_empty: f64) -> f64 {
    if den == 0 {
        if_empty
    } else {
        num as f64 / den as f64
    }
}

fn metrics(
    expect: &TrajectoryExpect,
    n_e: usize,
    n_a: usize,
    pairs: &[Pair],
    ordering_len: usize,
    repeats: &[Option<usize>],
) -> TrajectoryMetrics {
    let m = pairs.len();
    let recall = ratio(m, n_e, 1.0);
    let precision = ratio(m, n_a, 1.0);
    let f1 = if n_e == 0 && n_a == 0 {
        1.0
    } else if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let arg_accuracy = if m == 0 {
        if n_e > 0 { 0.0 } else { 1.0 }
    } else {
        pairs.iter().map(|p| p.score.value).sum::<f64>() / m as f64
    };
    let strict = pairs.iter().filter(|p| p.score.full).count();
    let budget = expect.max_calls.map_or(n_e, |b| b as usize);
    TrajectoryMetrics {
        tool_recall: recall,
        tool_precision: precision,
        tool_f1: f1,
        arg_accuracy,
        strict_recall: ratio(strict, n_e, 1.0),
        ordering: if m <= 1 {
            1.0
        } else {
            ordering_len as f64 / m as f64
        },
        efficiency: ratio(budget, n_a, 1.0).min(1.0),
        redundant_calls: repeats.iter().filter(|r| r.is_some()).count() as u32,
    }
}

/// Longest non-decreasing subsequence of the pairs' expected positions read in actual order.
/// Returns, per pair (in `pairs` order), whether it is on one such subsequence, and its length.
fn longest_ordered(pairs: &[Pair], positions: &[usize]) -> (Vec<bool>, usize) {
    let mut by_actual: Vec<usize> = (0..pairs.len()).collect();
    by_actual.sort_by_key(|&k| pairs[k].a);
    let pos = |k: usize| positions[pairs[k].e];
    // Patience sorting: tails[l] = pair ending the best subsequence of length l + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for &k in &by_actual {
        let l = tails.partition_point(|&t| pos(t) <= pos(k));
        prev[k] = l.checked_sub(1).map(|l| tails[l]);
        if l == tails.len() {
            tails.push(k);
        } else {
            tails[l] = k;
        }
    }
    let mut on = vec![false; pairs.len()];
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        on[k] = true;
        cur = prev[k];
    }
    (on, tails.len())
}

/// For each call, the earlier `ok` call with the same name and equal arguments, if any.
pub(super) fn repeats(actual: &[ToolCall]) -> Vec<Option<usize>> {
    (0..actual.len())
        .map(|j| {
            (0..j).find(|&i| {
                actual[i].status == CallStatus::Ok
                    && actual[i].name == actual[j].name
                    && json_eq(
                        normalized(&actual[i].arguments),
                        normalized(&actual[j].arguments),
                    )
            })
        })
        .collect()
}

fn checks(expect: &TrajectoryExpect, n_e: usize, n_a: usize, al: &Alignment) -> TrajectoryChecks {
    let full = al.full_matching_size();
    let superset = full == n_e;
    let subset = full == n_a;
    let in_order = embeds_in_order(expect, n_a, al);
    TrajectoryChecks {
        covers: (0..n_e).all(|e| covered(al, e, n_a)),
        exact: in_order && n_a == n_e,
        in_order,
        any_order: superset,
        superset,
        subset,
        unordered: superset && subset && n_a == n_e,
    }
}

/// Whether the top-level items embed into the actual calls in order (full matches only). Each
/// item is placed at the earliest feasible end, which leaves the most room for the rest.
fn embeds_in_order(expect: &TrajectoryExpect, n_a: usize, al: &Alignment) -> bool {
    let mut next_flat = 0;
    let mut cur = 0;
    for item in &expect.calls {
        let size = match item {
            ExpectItem::Call(_) => 1,
            ExpectItem::AnyOrder(block) => block.len(),
        };
        let block: Vec<usize> = (next_flat..next_flat + size).collect();
        next_flat += size;
        match earliest_end(&block, cur, n_a, al) {
            Some(end) => cur = end,
            None => return false,
        }
    }
    true
}

/// The smallest `end` such that the calls of `block` match distinct actual calls in
/// `start..end` with s = 1, if any.
fn earliest_end(block: &[usize], start: usize, n_a: usize, al: &Alignment) -> Option<usize> {
    match block {
        [] => return Some(start),
        [e] => return (start..n_a).find(|&a| al.full(*e, a)).map(|a| a + 1),
        _ => {}
    }
    let edge = |i: usize, j: usize| al.full(block[i], start + j);
    let mut owner: Vec<Option<usize>> = Vec::new();
    let mut matched = vec![false; block.len()];
    let mut count = 0;
    for end in start..n_a {
        owner.push(None);
        // A new actual call can grow the matching by at most one.
        for (i, done) in matched.iter_mut().enumerate() {
            if !*done && augment(i, &edge, &mut owner, &mut vec![false; end - start + 1]) {
                *done = true;
                count += 1;
                break;
            }
        }
        if count == block.len() {
            return Some(end + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests;
