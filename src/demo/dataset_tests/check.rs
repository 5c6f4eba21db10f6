//! A small reference checker for the demo's tests: pass/fail of a case against a reply, and the
//! `tool_f1` / `efficiency` numbers of DESIGN §4.
//!
//! Deliberately simple (greedy pairing, full matches only), enough to pin which demo cases pass;
//! the real scoring is `scorer`'s. Pairing by name gives the exact maximum pair count, so
//! `tool_f1` and `efficiency` match DESIGN §4.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::super::wire::ChatReply;
use crate::model::{
    ArgExpect, ArgMatcher, ArgsMode, Case, ExpectItem, ExpectedCall, MatchMode, ResponseCheck,
    ToolCall,
};

fn satisfies(expect: &ArgExpect, actual: Option<&Value>) -> bool {
    match (expect, actual) {
        (ArgExpect::Matcher(ArgMatcher::Any(want)), a) => a.is_some() == *want,
        (_, None) => false,
        (ArgExpect::Literal(l), Some(a)) => same(l, a),
        (ArgExpect::Object(keys), Some(a)) => keys.iter().all(|(k, e)| satisfies(e, a.get(k))),
        (ArgExpect::Matcher(m), Some(a)) => match m {
            ArgMatcher::Regex(re) => a.as_str().is_some_and(|s| re.is_match(s)),
            ArgMatcher::OneOf(vs) => vs.iter().any(|v| same(v, a)),
            ArgMatcher::Approx { value, tol } => {
                a.as_f64().is_some_and(|x| (x - value).abs() <= *tol)
            }
            ArgMatcher::Contains(v) => match (a, v) {
                (Value::String(s), Value::String(sub)) => s.contains(sub.as_str()),
                (Value::Array(items), v) => items.iter().any(|i| same(i, v)),
                _ => false,
            },
            ArgMatcher::Equals(v) => same(v, a),
            ArgMatcher::Any(_) => unreachable!("handled above"),
        },
    }
}

/// JSON equality with numbers compared by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn call_matches(e: &ExpectedCall, a: &ToolCall, mode: ArgsMode) -> bool {
    let Some(args) = e.args.as_ref().filter(|_| mode != ArgsMode::Ignore) else {
        return e.name == a.name;
    };
    let extra_keys = mode == ArgsMode::Exact
        && a.arguments
            .as_object()
            .is_some_and(|o| o.keys().any(|k| args.raw.get(k).is_none()));
    e.name == a.name && !extra_keys && satisfies(&args.compiled, Some(&a.arguments))
}

/// Greedy one-to-one: every `want` call matched by a distinct `have` call (in `have` order).
fn all_matched<'a>(
    want: impl IntoIterator<Item = &'a ExpectedCall>,
    have: &[(usize, &ToolCall)],
    used: &mut BTreeSet<usize>,
    mode: ArgsMode,
) -> bool {
    want.into_iter().all(|e| {
        let hit = have
            .iter()
            .find(|(i, a)| !used.contains(i) && call_matches(e, a, mode));
        hit.map(|(i, _)| used.insert(*i)).is_some()
    })
}

/// Why a case fails against a reply; empty when it passes.
pub(super) fn failures(case: &Case, reply: &ChatReply) -> Vec<String> {
    let mut out = Vec::new();
    let calls: Vec<(usize, &ToolCall)> = reply.tool_calls.iter().enumerate().collect();
    if let Some(t) = &case.expect.trajectory {
        let flat: Vec<&ExpectedCall> = t.flat_calls().into_iter().map(|(_, c)| c).collect();
        let mut cursor = 0;
        let in_order = t.calls.iter().all(|item| {
            let block: Vec<&ExpectedCall> = match item {
                ExpectItem::Call(c) => vec![c],
                ExpectItem::AnyOrder(b) => b.iter().collect(),
            };
            let mut used = BTreeSet::new();
            let ok = all_matched(
                block,
                &calls[cursor.min(calls.len())..],
                &mut used,
                t.args_mode,
            );
            cursor = used.iter().max().map_or(cursor, |m| m + 1);
            ok
        });
        let superset = all_matched(
            flat.iter().copied(),
            &calls,
            &mut BTreeSet::new(),
            t.args_mode,
        );
        let subset = calls
            .iter()
            .all(|(_, a)| flat.iter().any(|e| call_matches(e, a, t.args_mode)));
        let ok = match t.match_mode.unwrap_or(MatchMode::InOrder) {
            MatchMode::Exact => in_order && calls.len() == flat.len(),
            MatchMode::InOrder => in_order,
            MatchMode::AnyOrder | MatchMode::Superset => superset,
            MatchMode::Subset => subset,
            MatchMode::Unordered => superset && subset && calls.len() == flat.len(),
        };
        if !ok {
            out.push("trajectory".to_string());
        }
        for f in &t.forbid {
            if reply.tool_calls.iter().any(|c| &c.name == f) {
                out.push(format!("forbid {f}"));
            }
        }
        if t.max_calls.is_some_and(|m| calls.len() > m as usize) {
            out.push("max_calls".to_string());
        }
    }
    for check in &case.expect.response {
        let text = reply.output.as_str();
        let ok = match check {
            ResponseCheck::Contains(s) => text.contains(s.as_str()),
            ResponseCheck::NotContains(s) => !text.contains(s.as_str()),
            ResponseCheck::Regex(r) => regex::Regex::new(r).unwrap().is_match(text),
            ResponseCheck::Equals(s) => text.trim() == s.trim(),
            other => panic!("the demo dataset does not use `{}`", other.kind()),
        };
        if !ok {
            out.push(format!("response {}", check.kind()));
        }
    }
    out
}

/// `tool_f1` and `efficiency` of DESIGN §4 (pairing by name gives the maximum pair count).
pub(super) fn f1_and_efficiency(case: &Case, reply: &ChatReply) -> (f64, f64) {
    let t = case.expect.trajectory.as_ref().unwrap();
    let mut want: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, c) in t.flat_calls() {
        *want.entry(c.name.as_str()).or_default() += 1;
    }
    let mut have: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &reply.tool_calls {
        *have.entry(c.name.as_str()).or_default() += 1;
    }
    let pairs: usize = want
        .iter()
        .map(|(n, k)| (*k).min(*have.get(n).unwrap_or(&0)))
        .sum();
    let (e, a) = (t.flat_calls().len(), reply.tool_calls.len());
    let recall = if e == 0 { 1.0 } else { pairs as f64 / e as f64 };
    let precision = if a == 0 { 1.0 } else { pairs as f64 / a as f64 };
    let f1 = match (e, a) {
        (0, 0) => 1.0,
        _ if precision + recall == 0.0 => 0.0,
        _ => 2.0 * precision * recall / (precision + recall),
    };
    let budget = t.max_calls.map_or(e, |m| m as usize);
    let efficiency = if a == 0 {
        1.0
    } else {
        (budget as f64 / a as f64).min(1.0)
    };
    (f1, efficiency)
}
