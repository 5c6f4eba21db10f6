//! The words of a trajectory score: alignment rows and the one-paragraph explanation.
//!
//! Owns the readable order of the rows (actual order, each missing call placed after the
//! previous paired expected call) and the sentences ("expected `escalate` after
//! `fetch_invoice`; it was never called."). It decides nothing: every fact comes from
//! `trajectory` and `pairing`. The fixed-width table lives in `render`.

use crate::model::{AlignKind, AlignRow, CallStatus, ExpectedCall, ToolCall, TrajectoryExpect};

use super::args::{ABSENT, Mismatch, call_mismatches, json_eq, normalized, short_json};
use super::pairing::Pair;

/// Sentences beyond this many are summarized as "… and N more".
const MAX_SENTENCES: usize = 6;
/// Argument mismatches listed per call before "(+N more)".
const MAX_KEYS: usize = 3;

/// What `trajectory` found, for the explanation.
pub(crate) struct Facts<'a> {
    pub expect: &'a TrajectoryExpect,
    pub flat: &'a [(usize, &'a ExpectedCall)],
    pub actual: &'a [ToolCall],
    /// The pairing, sorted by expected index.
    pub pairs: &'a [Pair],
    /// Per pair: not on the longest in-order subsequence.
    pub out_of_order: &'a [bool],
    /// Per actual call: an earlier `ok` call it repeats.
    pub repeats: &'a [Option<usize>],
    /// Per actual call: a `forbid` item matches it.
    pub forbidden: &'a [bool],
    /// With `match: covers`: the expected calls that fully match no actual call.
    pub uncovered: Option<&'a [usize]>,
}

/// The alignment rows in reading order and the explanation.
pub(crate) fn explain(f: &Facts) -> (Vec<AlignRow>, String) {
    let mut pair_of_actual: Vec<Option<usize>> = vec![None; f.actual.len()];
    let mut pair_of_expected: Vec<Option<usize>> = vec![None; f.flat.len()];
    for (k, p) in f.pairs.iter().enumerate() {
        pair_of_actual[p.a] = Some(k);
        pair_of_expected[p.e] = Some(k);
    }
    let mut sentences = Sentences::default();

    // Missing calls, anchored after the actual call paired with the previous paired expected call.
    let mut missing_after: Vec<(Option<usize>, AlignRow)> = Vec::new();
    for (e, (pos, call)) in f.flat.iter().enumerate() {
        if pair_of_expected[e].is_some() {
            continue;
        }
        let anchor = (0..e)
            .rev()
            .find_map(|k| pair_of_expected[k])
            .map(|k| f.pairs[k].a);
        let expected_n = f.flat.iter().filter(|(_, c)| c.name == call.name).count();
        let called_n = f
            .actual
            .iter()
            .filter(|c| call.name.matches(&c.name))
            .count();
        let (note, tail) = if called_n == 0 {
            (
                "never called".to_string(),
                "it was never called".to_string(),
            )
        } else {
            (
                format!("called {}, expected {}", times(called_n), times(expected_n)),
                format!(
                    "it was called {}, expected {}",
                    times(called_n),
                    times(expected_n)
                ),
            )
        };
        let before = f
            .flat
            .iter()
            .rev()
            .find(|(p, _)| p < pos)
            .map(|(_, c)| c.name.phrase());
        let want = call.name.phrase();
        // Under `covers`, an uncovered call has its own sentence already.
        if !f.uncovered.is_some_and(|u| u.contains(&e)) {
            sentences.missing.push(match before {
                Some(prev) => format!("expected {want} after {prev}; {tail}."),
                None => format!("expected {want} first; {tail}."),
            });
        }
        missing_after.push((
            anchor,
            row(
                AlignKind::Missing,
                &call.name.label(),
                Some((e, *pos)),
                None,
                note,
            ),
        ));
    }

    let mut rows: Vec<AlignRow> = Vec::with_capacity(f.actual.len() + missing_after.len());
    let take_missing = |rows: &mut Vec<AlignRow>, anchor: Option<usize>| {
        rows.extend(
            missing_after
                .iter()
                .filter(|(a, _)| *a == anchor)
                .map(|(_, r)| r.clone()),
        );
    };
    take_missing(&mut rows, None);
    for (j, call) in f.actual.iter().enumerate() {
        let number = j + 1;
        match pair_of_actual[j] {
            None => {
                let mut notes = Vec::new();
                if f.forbidden[j] {
                    notes.push("forbidden".to_string());
                }
                if let Some(i) = f.repeats[j] {
                    notes.push(format!("repeats #{}", i + 1));
                } else if let Some(i) = retried(f.actual, j) {
                    notes.push(format!("retries #{}", i + 1));
                }
                let note = notes.join(", ");
                sentences.extra.push(if note.is_empty() {
                    format!("extra call #{number} `{}`.", call.name)
                } else {
                    format!("extra call #{number} `{}` ({note}).", call.name)
                });
                rows.push(row(AlignKind::Extra, &call.name, None, Some(j), note));
            }
            Some(k) => {
                let p = f.pairs[k];
                let (pos, expected) = f.flat[p.e];
                let mut r = row(
                    AlignKind::Matched,
                    &call.name,
                    Some((p.e, pos)),
                    Some(j),
                    String::new(),
                );
                r.arg_score = Some(p.score.value);
                let mut notes = Vec::new();
                if !p.score.full {
                    r.kind = AlignKind::WrongArgs;
                    let found = call_mismatches(
                        expected,
                        expected.args_mode_or(f.expect.args_mode),
                        &call.arguments,
                    );
                    r.differing_keys = found.iter().map(|m| m.path.clone()).collect();
                    let mut said = say_mismatches(&found);
                    if let Some(want) = expected.status
                        && want != call.status
                    {
                        let status = format!(
                            "expected status `{}`, got `{}`",
                            want.as_str(),
                            call.status.as_str()
                        );
                        said = if said.is_empty() {
                            status
                        } else {
                            format!("{said}; {status}")
                        };
                    }
                    sentences
                        .wrong
                        .push(format!("`{}` #{number}: {said}.", call.name));
                    notes.push(said);
                }
                if f.forbidden[j] {
                    notes.push("forbidden".to_string());
                }
                if f.out_of_order[k] {
                    sentences.order.push(format!(
                        "`{}` #{number} is out of order (expected at step {} of {}).",
                        call.name,
                        pos + 1,
                        f.expect.calls.len()
                    ));
                    notes.push("out of order".to_string());
                }
                r.note = notes.join("; ");
                rows.push(r);
            }
        }
        take_missing(&mut rows, Some(j));
    }

    if let Some(max) = f.expect.max_calls
        && f.actual.len() > max as usize
    {
        sentences.order.push(format!(
            "{} made, over the budget of {max}.",
            plural(f.actual.len(), "call")
        ));
    }
    if let Some(min) = f.expect.min_calls
        && f.actual.len() < min as usize
    {
        sentences.order.push(format!(
            "{} made, under the minimum of {min}.",
            plural(f.actual.len(), "call")
        ));
    }
    if let Some(uncovered) = f.uncovered {
        sentences.covers = uncovered
            .iter()
            .map(|&e| {
                format!(
                    "expected call {} ({}) matches no actual call.",
                    e + 1,
                    f.flat[e].1.name.phrase()
                )
            })
            .collect();
        sentences.covered = uncovered.is_empty();
    }
    (rows, sentences.finish(f.flat.len(), f.actual.len()))
}

/// An earlier failed call with the same name and arguments that call `j` retries.
fn retried(actual: &[ToolCall], j: usize) -> Option<usize> {
    let same = |i: usize| {
        actual[i].name == actual[j].name
            && json_eq(
                normalized(&actual[i].arguments),
                normalized(&actual[j].arguments),
            )
    };
    (0..j).find(|&i| actual[i].status == CallStatus::Error && same(i))
}

#[derive(Default)]
struct Sentences {
    /// `covers`: each expected call that fully matches no actual call.
    covers: Vec<String>,
    /// `covers` passed (said first when the one-to-one sentences report problems).
    covered: bool,
    missing: Vec<String>,
    extra: Vec<String>,
    wrong: Vec<String>,
    order: Vec<String>,
}

impl Sentences {
    /// Uncovered calls first (`covers`), then structural problems (missing, extra), then
    /// arguments, then order and budget.
    fn finish(self, n_e: usize, n_a: usize) -> String {
        let mut all: Vec<String> = [
            self.covers,
            self.missing,
            self.extra,
            self.wrong,
            self.order,
        ]
        .concat();
        if self.covered && !all.is_empty() {
            // The one-to-one words below would otherwise read as a failure of `covers`.
            all.insert(
                0,
                "every expected call matches an actual call (covers: several may share one)."
                    .to_string(),
            );
        }
        if all.is_empty() {
            return match (n_e, n_a) {
                (0, _) => "no calls expected and none made.".to_string(),
                (1, _) => "the expected call matched.".to_string(),
                _ => format!("all {n_e} expected calls matched in order."),
            };
        }
        let mut out = all[..all.len().min(MAX_SENTENCES)].join(" ");
        if all.len() > MAX_SENTENCES {
            out.push_str(&format!(" … and {} more.", all.len() - MAX_SENTENCES));
        }
        out
    }
}

fn row(
    kind: AlignKind,
    name: &str,
    expected: Option<(usize, usize)>,
    actual: Option<usize>,
    note: String,
) -> AlignRow {
    AlignRow {
        kind,
        name: name.to_string(),
        expected: expected.map(|(e, _)| e),
        position: expected.map(|(_, p)| p),
        actual,
        arg_score: None,
        differing_keys: Vec::new(),
        note,
    }
}

/// "`invoice_id` expected `"INV-2207"`, got `"INV-2270"`; `unit` missing (expected `"c"`)".
fn say_mismatches(found: &[Mismatch]) -> String {
    let mut parts: Vec<String> = found.iter().take(MAX_KEYS).map(say_mismatch).collect();
    if found.len() > MAX_KEYS {
        parts.push(format!("(+{} more)", found.len() - MAX_KEYS));
    }
    parts.join("; ")
}

pub(super) fn say_mismatch(m: &Mismatch) -> String {
    let key = if m.path.is_empty() {
        "arguments".to_string()
    } else {
        format!("`{}`", m.path)
    };
    match &m.actual {
        None => format!("{key} missing (expected {})", m.expected),
        Some(got) if m.expected == ABSENT => format!("{key} not expected (got `{got}`)"),
        Some(got) if let Some(reason) = &m.reason => format!("{key} {got} {reason}"),
        Some(got) => format!("{key} expected {}, got `{got}`", m.expected),
    }
}

fn times(n: usize) -> String {
    match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A call as `name(key=value, …)` for tables, values as compact JSON.
pub(crate) fn call_label(name: &str, args: Option<&serde_json::Value>) -> String {
    match args.and_then(|a| a.as_object()) {
        Some(map) if !map.is_empty() => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", short_json(v, 24)))
                .collect();
            format!("{name}({})", inner.join(", "))
        }
        _ => name.to_string(),
    }
}
