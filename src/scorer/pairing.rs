//! The pairing of DESIGN §4: an optimal one-to-one matching of expected and actual calls.
//!
//! Owns grouping the calls that can pair (an exact name pairs with equal names, a name pattern
//! with every name it matches: a group is a connected component of that name graph), the
//! argument-score matrix of each group, the assignment (Hungarian, per group) and maximum
//! matchings on full-score edges (for the boolean checks). It must not compute metrics or text:
//! that is `trajectory` and `explain`.
//!
//! The assignment maximizes, lexicographically, (number of full matches (s = 1), number of pairs
//! with matching names, Σ s, number of k-th ↔ k-th pairs, Σ k_e·k_a, −Σ |k_e − k_a|), k being
//! the index of a call among the calls of its group (with exact names only, the calls of its
//! name). With exact names only this is DESIGN §4's order (as many pairs as possible, then the
//! most full matches): within one name every pair is allowed, so any full matching extends to
//! one of min(|E_n|, |A_n|) pairs. With name patterns the two orders can differ, and full
//! matches first keeps `strict_recall` equal to the largest full matching, the one the boolean
//! checks count (a pattern call taking a partial pair cannot cost an exact call its full match).
//! Full matches come before Σ s so that an actual call that exactly equals an expected call is
//! paired with it rather than crosswise for a higher Σ s (which would report it "out of order"
//! and lose strict recall). The fifth level keeps the relative order of the calls when the
//! levels above tie (an uncrossed pair of pairs always beats the crossed one). The objective is
//! an exact integer (s rounded to 1e-6, full decided by [`ArgScore::full`], not by the float) so
//! float noise cannot flip a tie; [`Weights`] documents how large a group may be before it no
//! longer fits in an `i128`.

use std::collections::BTreeMap;

use crate::model::{ArgsMode, CallName, ExpectedCall, ToolCall};

use super::args::{ArgScore, score_call};

/// The calls that can pair with one another (a connected component of the name graph: an
/// exact name links the calls of that name, a pattern links every actual call it matches) and
/// their argument scores.
#[derive(Debug)]
pub(crate) struct Group {
    /// Indices into the flattened expected calls.
    pub e: Vec<usize>,
    /// Indices into the actual calls.
    pub a: Vec<usize>,
    /// Row-major `e.len() × a.len()`; `None` where the names do not match (no pair allowed).
    pub scores: Vec<Option<ArgScore>>,
}

impl Group {
    fn score(&self, i: usize, j: usize) -> Option<ArgScore> {
        self.scores[i * self.a.len() + j]
    }

    fn full(&self, i: usize, j: usize) -> bool {
        self.score(i, j).is_some_and(|s| s.full)
    }
}

/// One expected call paired with one actual call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pair {
    pub e: usize,
    pub a: usize,
    pub score: ArgScore,
}

/// Everything the metrics and checks need from the pairing.
#[derive(Debug)]
pub(crate) struct Alignment {
    pub groups: Vec<Group>,
    /// The optimal pairing, sorted by expected index.
    pub pairs: Vec<Pair>,
    /// For each expected call: (group, index within the group).
    e_loc: Vec<(usize, usize)>,
    /// For each actual call: (group, index within the group), if some expected name matches it.
    a_loc: Vec<Option<(usize, usize)>>,
}

impl Alignment {
    /// Whether expected call `e` and actual call `a` have matching names and s = 1.
    pub fn full(&self, e: usize, a: usize) -> bool {
        let (g, i) = self.e_loc[e];
        match self.a_loc[a] {
            Some((h, j)) if h == g => self.groups[g].full(i, j),
            _ => false,
        }
    }

    /// Size of a maximum one-to-one matching that uses only full-score (s = 1) edges.
    pub fn full_matching_size(&self) -> usize {
        self.groups.iter().map(full_matching_in_group).sum()
    }
}

/// Union-find root of `x`, with path halving.
fn root(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Expected call `i` and actual call `n_e + j` are nodes; an edge joins names that match.
fn components(expected: &[&ExpectedCall], actual: &[ToolCall]) -> Vec<usize> {
    let n_e = expected.len();
    let mut parent: Vec<usize> = (0..n_e + actual.len()).collect();
    let join = |parent: &mut Vec<usize>, x: usize, y: usize| {
        let (rx, ry) = (root(parent, x), root(parent, y));
        parent[rx.max(ry)] = rx.min(ry);
    };
    // Actual calls by name, so an exact name and a pattern test each distinct name once.
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (j, call) in actual.iter().enumerate() {
        by_name.entry(call.name.as_str()).or_default().push(j);
    }
    let mut first_of_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, call) in expected.iter().enumerate() {
        let linked: Vec<&Vec<usize>> = match &call.name {
            CallName::Exact(n) => {
                // Expected calls of one name share a group even when none was called.
                let first = *first_of_name.entry(n.as_str()).or_insert(i);
                join(&mut parent, first, i);
                by_name.get(n.as_str()).into_iter().collect()
            }
            CallName::Pattern(_) => by_name
                .iter()
                .filter(|(n, _)| call.name.matches(n))
                .map(|(_, js)| js)
                .collect(),
        };
        for &j in linked.into_iter().flatten() {
            join(&mut parent, i, n_e + j);
        }
    }
    (0..parent.len()).map(|x| root(&mut parent, x)).collect()
}

/// Groups the calls that can pair, scores every pair with matching names and computes the
/// optimal pairing.
pub(crate) fn align(expected: &[&ExpectedCall], actual: &[ToolCall], mode: ArgsMode) -> Alignment {
    let n_e = expected.len();
    let comp = components(expected, actual);
    let mut group_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut e_loc = Vec::with_capacity(n_e);
    for (idx, &c) in comp[..n_e].iter().enumerate() {
        let g = *group_of.entry(c).or_insert_with(|| {
            groups.push(Group {
                e: Vec::new(),
                a: Vec::new(),
                scores: Vec::new(),
            });
            groups.len() - 1
        });
        e_loc.push((g, groups[g].e.len()));
        groups[g].e.push(idx);
    }
    let a_loc: Vec<Option<(usize, usize)>> = comp[n_e..]
        .iter()
        .enumerate()
        .map(|(idx, c)| {
            group_of.get(c).map(|&g| {
                groups[g].a.push(idx);
                (g, groups[g].a.len() - 1)
            })
        })
        .collect();
    let mut pairs = Vec::new();
    for group in &mut groups {
        group.scores = Vec::with_capacity(group.e.len() * group.a.len());
        for &e in &group.e {
            let call = expected[e];
            for &a in &group.a {
                let score = call
                    .name
                    .matches(&actual[a].name)
                    .then(|| score_call(call, call.args_mode_or(mode), &actual[a]));
                group.scores.push(score);
            }
        }
        for (i, j) in assign(group) {
            if let Some(score) = group.score(i, j) {
                pairs.push(Pair {
                    e: group.e[i],
                    a: group.a[j],
                    score,
                });
            }
        }
    }
    pairs.sort_by_key(|p| p.e);
    Alignment {
        groups,
        pairs,
        e_loc,
        a_loc,
    }
}

/// The optimal assignment within one group, as (row, column) pairs.
fn assign(group: &Group) -> Vec<(usize, usize)> {
    let (n_e, n_a) = (group.e.len(), group.a.len());
    if n_e == 0 || n_a == 0 {
        return Vec::new();
    }
    let w = Weights::new(n_e.min(n_a), n_e.max(n_a));
    // A pair whose names do not match weighs 0: below any allowed pair, so the assignment pairs
    // as many calls as possible, and such pairs are dropped after it.
    let weight = |i: usize, j: usize| group.score(i, j).map_or(0, |s| w.of(s, i, j));
    // Fast path for the usual shapes: one call on a side, or a perfect diagonal.
    if n_e == 1 || n_a == 1 {
        let candidates = (0..n_e).flat_map(|i| (0..n_a).map(move |j| (i, j)));
        let allowed = candidates.filter(|&(i, j)| group.score(i, j).is_some());
        let best = allowed.max_by_key(|&(i, j)| (weight(i, j), std::cmp::Reverse((i, j))));
        return best.into_iter().collect();
    }
    if n_e == n_a && (0..n_e).all(|i| group.full(i, i)) {
        return (0..n_e).map(|i| (i, i)).collect();
    }
    let transpose = n_e > n_a;
    let (rows, cols) = if transpose { (n_a, n_e) } else { (n_e, n_a) };
    let mut max_w = 0;
    for i in 0..n_e {
        for j in 0..n_a {
            max_w = max_w.max(weight(i, j));
        }
    }
    let cost = |r: usize, c: usize| -> i128 {
        let (i, j) = if transpose { (c, r) } else { (r, c) };
        max_w - weight(i, j)
    };
    hungarian(rows, cols, cost)
        .into_iter()
        .map(|(r, c)| if transpose { (c, r) } else { (r, c) })
        .collect()
}

/// Scaling of s: the objective counts s in millionths.
const S_UNIT: i128 = 1_000_000;

/// The lexicographic objective packed into one integer: each level's total over the at most m
/// pairs stays below the next level's unit, so no level can outweigh a higher one:
/// Σ near ≤ m·n < c3, Σ (kk·c3 + near) < (m·n² + 1)·c3 = c2, Σ (diag·c2 + …) < (m + 1)·c2 = c1,
/// Σ (s·c1 + …) < (m·S_UNIT + 1)·c1 = cp, Σ (cp + …) < (m + 1)·cp = c0, and
/// Σ (full·c0 + …) < (m + 1)·c0 = the bound B. The level `cp` counts the pairs whose names
/// match (a pair across non-matching names weighs 0): within one name every pair is allowed and
/// it only shifts all weights alike; with name patterns it makes the assignment pair as many
/// calls as possible once the full matches are fixed.
///
/// Overflow: the Hungarian method's potentials stay within a small multiple (≤ rows + 1) of the
/// largest cost, and its INF is `i128::MAX / 4`; so the exact objective is used only when
/// 4·(m + 2)·B fits below INF. That holds, e.g., up to 1,000 calls of one name on both sides, or
/// 100 expected against 100,000 actual (B ≈ S_UNIT·m⁶·n³). Beyond that (never in a real case)
/// the tie-break levels are dropped: weight = full·(m + 1)·(m·S_UNIT + 1) + (m·S_UNIT + 1) + s,
/// which still ranks full matches first, pairs second and Σ s third exactly, and fits for any
/// m < 10⁹.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Weights {
    n: i128,
    cp: i128,
    c0: i128,
    c1: i128,
    c2: i128,
    c3: i128,
}

impl Weights {
    /// Weights for a group pairing at most m = min(|E_g|, |A_g|) of n = max(|E_g|, |A_g|) calls.
    fn new(m: usize, n: usize) -> Weights {
        let (m, n) = (m as i128, n as i128);
        let exact = || -> Option<Weights> {
            let c3 = m.checked_mul(n)?.checked_add(1)?;
            let c2 = m
                .checked_mul(n)?
                .checked_mul(n)?
                .checked_add(1)?
                .checked_mul(c3)?;
            let c1 = (m + 1).checked_mul(c2)?;
            let cp = m.checked_mul(S_UNIT)?.checked_add(1)?.checked_mul(c1)?;
            let c0 = (m + 1).checked_mul(cp)?;
            let bound = (m + 1).checked_mul(c0)?;
            let headroom = bound.checked_mul(4 * (m + 2))?;
            (headroom < i128::MAX / 4).then_some(Weights {
                n,
                cp,
                c0,
                c1,
                c2,
                c3,
            })
        };
        exact().unwrap_or(Weights {
            n,
            cp: m * S_UNIT + 1,
            c0: (m + 1) * (m * S_UNIT + 1),
            c1: 1,
            c2: 0,
            c3: 0,
        })
    }

    /// Whether the tie-break levels are in the objective (see the type's doc).
    fn exact(&self) -> bool {
        self.c3 != 0
    }

    /// The weight of pairing the i-th expected with the j-th actual call of a group (names
    /// matching).
    fn of(&self, score: ArgScore, i: usize, j: usize) -> i128 {
        let s = (score.value * 1e6).round() as i128;
        let full = i128::from(score.full);
        let diag = i128::from(i == j);
        let (i, j) = (i as i128, j as i128);
        // Σ k_e·k_a strictly prefers uncrossed pairs, so ties keep the calls' relative order.
        let kk = i * j;
        let near = self.n - (i - j).abs();
        full * self.c0
            + self.cp
            + s * self.c1
            + diag * self.c2
            + kk * self.c3
            + near * i128::from(self.exact())
    }
}

/// Minimum-cost assignment of every row to a distinct column (`rows <= cols`), O(rows² · cols).
fn hungarian(rows: usize, cols: usize, cost: impl Fn(usize, usize) -> i128) -> Vec<(usize, usize)> {
    const INF: i128 = i128::MAX / 4;
    // 1-based potentials and matching, column 0 is the virtual start (the classic formulation).
    let mut u = vec![0i128; rows + 1];
    let mut v = vec![0i128; cols + 1];
    let mut p = vec![0usize; cols + 1];
    let mut way = vec![0usize; cols + 1];
    for i in 1..=rows {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![INF; cols + 1];
        let mut used = vec![false; cols + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = INF;
            let mut j1 = 0;
            for j in 1..=cols {
                if !used[j] {
                    let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=cols {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=cols)
        .filter(|&j| p[j] != 0)
        .map(|j| (p[j] - 1, j - 1))
        .collect()
}

/// Maximum matching on s = 1 edges inside one group (Kuhn's augmenting paths).
fn full_matching_in_group(group: &Group) -> usize {
    let mut owner: Vec<Option<usize>> = vec![None; group.a.len()];
    let mut size = 0;
    for i in 0..group.e.len() {
        let mut seen = vec![false; group.a.len()];
        if augment(i, &|i, j| group.full(i, j), &mut owner, &mut seen) {
            size += 1;
        }
    }
    size
}

/// Tries to match left vertex `i`, re-routing earlier matches (`owner[j]` = left vertex of `j`).
pub(crate) fn augment(
    i: usize,
    edge: &dyn Fn(usize, usize) -> bool,
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    for j in 0..owner.len() {
        if seen[j] || !edge(i, j) {
            continue;
        }
        seen[j] = true;
        if owner[j].is_none_or(|k| augment(k, edge, owner, seen)) {
            owner[j] = Some(i);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
