//! The argument score s(e, a) of DESIGN §4: how well one actual call's arguments satisfy one
//! expected call's argument expectation.
//!
//! Owns JSON equality with numbers compared by value, the matcher semantics and the
//! description of a mismatch (dotted key path, expected, got). It must not pair calls or
//! decide checks: that is `pairing` and `trajectory`. Scoring without details allocates
//! nothing, because pairing scores every same-name (expected, actual) pair; the exceptions are
//! the matchers that need it (`normalize` builds the normalised strings, `items_any_order` its
//! bipartite graph). The matcher checks themselves are in `matcher`.

use serde_json::{Map, Value};

use crate::model::{ArgExpect, ArgsMode, ArgsSpec, ExpectedCall, Normalize, ToolCall};

mod matcher;

/// The result of scoring one (expected, actual) pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ArgScore {
    /// s(e, a) in [0, 1].
    pub value: f64,
    /// Whether every constrained key is satisfied (s = 1), decided without float comparison.
    pub full: bool,
}

const FULL: ArgScore = ArgScore {
    value: 1.0,
    full: true,
};
const NONE: ArgScore = ArgScore {
    value: 0.0,
    full: false,
};

fn of(ok: bool) -> ArgScore {
    if ok { FULL } else { NONE }
}

/// [`Mismatch::expected`] of a key that should not be there.
pub(crate) const ABSENT: &str = "absent";

/// One key whose value did not satisfy the expectation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mismatch {
    /// Dotted path from the argument object (`who.last`); empty for the whole argument value.
    pub path: String,
    /// What was expected, phrased to follow "expected" (see [`describe`]).
    pub expected: String,
    /// What was there, or `None` when the key was missing.
    pub actual: Option<String>,
    /// Why the value fails, phrased to follow it (`is not ≤ 500`); `None` when "expected …, got
    /// …" says it (literals and the original matchers).
    pub reason: Option<String>,
}

/// The arguments of an actual call as scored: `null` (no arguments reported) is `{}`.
pub(crate) fn normalized(arguments: &Value) -> &Value {
    static EMPTY: std::sync::LazyLock<Value> =
        std::sync::LazyLock::new(|| Value::Object(Map::new()));
    if arguments.is_null() {
        &EMPTY
    } else {
        arguments
    }
}

/// s(e, a). `expect` is `None` when the expected call has no `args`.
pub(crate) fn score_args(expect: Option<&ArgsSpec>, mode: ArgsMode, actual: &Value) -> ArgScore {
    match (expect, mode) {
        (None, _) | (_, ArgsMode::Ignore) => FULL,
        (Some(spec), _) => score_value(&spec.compiled, normalized(actual), mode, "", None),
    }
}

/// The keys (dotted paths) on which `actual` falls short of `expect`, with both values.
pub(crate) fn mismatches(
    expect: Option<&ArgsSpec>,
    mode: ArgsMode,
    actual: &Value,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let (Some(spec), ArgsMode::Subset | ArgsMode::Exact) = (expect, mode) {
        score_value(&spec.compiled, normalized(actual), mode, "", Some(&mut out));
    }
    out
}

/// s(e, a) of one expected call in `mode` (the call's own or the expectation's): its `args`,
/// restricted to its `compare` keys when it has them, and its `status` as one more key.
pub(crate) fn score_call(call: &ExpectedCall, mode: ArgsMode, actual: &ToolCall) -> ArgScore {
    let args = match call.compare.as_deref() {
        None => score_args(call.args.as_ref(), mode, &actual.arguments),
        Some(keys) => score_compared(call.args.as_ref(), keys, mode, &actual.arguments, None),
    };
    let Some(status) = call.status else {
        return args;
    };
    let status_ok = status == actual.status;
    if args.full && status_ok {
        return FULL;
    }
    // The argument score is a mean over `d` keys; the status is key d + 1.
    let d = counted_keys(call, mode, &actual.arguments) as f64;
    let sum = args.value * d + if status_ok { 1.0 } else { 0.0 };
    ArgScore {
        value: sum / (d + 1.0),
        full: false,
    }
}

/// How many keys s(e, a) of `call`'s arguments is a mean over (the denominator of
/// [`score_object`] at the top level; 0 when nothing is compared).
fn counted_keys(call: &ExpectedCall, mode: ArgsMode, actual: &Value) -> usize {
    let Some(spec) = &call.args else { return 0 };
    if mode == ArgsMode::Ignore {
        return 0;
    }
    let ArgExpect::Object(fields) = &spec.compiled else {
        return 1;
    };
    match (&call.compare, normalized(actual)) {
        (Some(keys), _) => fields.iter().filter(|(k, _)| keys.contains(k)).count(),
        (None, Value::Object(map)) if mode == ArgsMode::Exact => {
            fields.len()
                + map
                    .keys()
                    .filter(|k| !fields.iter().any(|(f, _)| f == *k))
                    .count()
        }
        (None, _) => fields.len(),
    }
}

/// [`mismatches`] of one expected call, as [`score_call`] scores it.
pub(crate) fn call_mismatches(
    call: &ExpectedCall,
    mode: ArgsMode,
    actual: &Value,
) -> Vec<Mismatch> {
    match call.compare.as_deref() {
        None => mismatches(call.args.as_ref(), mode, actual),
        Some(keys) => {
            let mut out = Vec::new();
            score_compared(call.args.as_ref(), keys, mode, actual, Some(&mut out));
            out
        }
    }
}

/// s(e, a) over the top-level keys `keys` only: other expected keys and (in `exact`) the
/// actual keys outside `keys` do not count, so `keys = []` scores the name alone.
fn score_compared(
    expect: Option<&ArgsSpec>,
    keys: &[String],
    mode: ArgsMode,
    actual: &Value,
    sink: Option<&mut Vec<Mismatch>>,
) -> ArgScore {
    let Some(spec) = expect else { return FULL };
    if keys.is_empty() || mode == ArgsMode::Ignore {
        return FULL;
    }
    match (&spec.compiled, normalized(actual)) {
        (ArgExpect::Object(fields), Value::Object(map)) => {
            score_object(fields, map, mode, "", sink, Some(keys))
        }
        // Arguments that are not an object: the whole value differs, as without `compare`.
        (compiled, actual) => score_value(compiled, actual, mode, "", sink),
    }
}

fn score_value(
    expect: &ArgExpect,
    actual: &Value,
    mode: ArgsMode,
    path: &str,
    sink: Option<&mut Vec<Mismatch>>,
) -> ArgScore {
    let score = match expect {
        ArgExpect::Object(fields) => {
            let Value::Object(map) = actual else {
                // Not an object at all: nothing to recurse into, so the whole value differs.
                if let Some(sink) = sink {
                    sink.push(mismatch(path, describe(expect), Some(actual)));
                }
                return NONE;
            };
            return score_object(fields, map, mode, path, sink, None);
        }
        // Present: scored as the inner expectation (partial credit for an inner object).
        ArgExpect::Optional(inner) => return score_value(inner, actual, mode, path, sink),
        ArgExpect::Literal(lit) => of(json_eq(lit, actual)),
        ArgExpect::Matcher(m) => {
            let failed = m
                .checks
                .iter()
                .find(|c| !matcher::holds(c, actual, m.normalize, mode));
            if let (Some(check), Some(sink)) = (failed, sink) {
                let (expected, reason) = matcher::explain(check, actual, m.normalize, mode);
                let mut found = mismatch(path, expected, Some(actual));
                found.reason = reason;
                sink.push(found);
            }
            return of(failed.is_none());
        }
    };
    if !score.full
        && let Some(sink) = sink
    {
        sink.push(mismatch(path, describe(expect), Some(actual)));
    }
    score
}

/// Whether `actual` satisfies `expect` fully (matchers nested in matchers are all or nothing).
fn holds(expect: &ArgExpect, actual: &Value, norm: Normalize, mode: ArgsMode) -> bool {
    match expect {
        // A literal under a matcher compares with the matcher's normalisation.
        ArgExpect::Literal(lit) => json_eq_norm(lit, actual, norm),
        other => score_value(other, actual, mode, "", None).full,
    }
}

fn score_object(
    fields: &[(String, ArgExpect)],
    map: &Map<String, Value>,
    mode: ArgsMode,
    path: &str,
    mut sink: Option<&mut Vec<Mismatch>>,
    only: Option<&[String]>,
) -> ArgScore {
    let mut sum = 0.0;
    let mut full = true;
    let mut denom = 0;
    for (key, expect) in fields {
        if only.is_some_and(|keys| !keys.contains(key)) {
            continue;
        }
        denom += 1;
        let sub = join(path, key);
        let got = match (map.get(key), expect) {
            (None, e) if absent_ok(e) => FULL,
            (None, _) => {
                if let Some(sink) = sink.as_deref_mut() {
                    sink.push(mismatch(&sub, describe(expect), None));
                }
                NONE
            }
            (Some(v), _) => score_value(expect, v, mode, &sub, sink.as_deref_mut()),
        };
        sum += got.value;
        full &= got.full;
    }
    // With `compare`, only its keys count: the actual keys outside it are not penalised.
    if mode == ArgsMode::Exact && only.is_none() {
        // Keys the expectation does not mention count against the score.
        for (key, v) in map {
            if !fields.iter().any(|(k, _)| k == key) {
                denom += 1;
                full = false;
                if let Some(sink) = sink.as_deref_mut() {
                    sink.push(mismatch(&join(path, key), ABSENT.to_string(), Some(v)));
                }
            }
        }
    }
    if denom == 0 {
        return FULL;
    }
    ArgScore {
        value: if full { 1.0 } else { sum / denom as f64 },
        full,
    }
}

/// Whether a missing key satisfies the expectation (`{any: false}`, `{optional: …}`).
fn absent_ok(expect: &ArgExpect) -> bool {
    match expect {
        ArgExpect::Optional(_) => true,
        ArgExpect::Matcher(m) => m
            .checks
            .iter()
            .any(|c| matches!(c, crate::model::ArgMatcher::Any(false))),
        _ => false,
    }
}

/// JSON equality with numbers compared by value (`100 == 100.0`, `true != 1`); arrays whole and
/// in order, objects key by key.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    json_eq_norm(a, b, Normalize::default())
}

/// [`json_eq`] with strings (also inside arrays and objects) compared after `norm`.
pub(crate) fn json_eq_norm(a: &Value, b: &Value, norm: Normalize) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) if !norm.is_none() => norm.apply(x) == norm.apply(y),
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq_norm(x, y, norm))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq_norm(v, w, norm)))
        }
        _ => a == b,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn mismatch(path: &str, expected: String, actual: Option<&Value>) -> Mismatch {
    Mismatch {
        path: path.to_string(),
        expected,
        actual: actual.map(|v| short_json(v, 40)),
        reason: None,
    }
}

/// What an expectation asks for, phrased to follow "expected" (`"INV-2207"` in backticks,
/// ``matching regex `(?i)refund` ``).
fn describe(expect: &ArgExpect) -> String {
    match expect {
        ArgExpect::Literal(v) => format!("`{}`", short_json(v, 40)),
        ArgExpect::Object(fields) => {
            let keys: Vec<String> = fields.iter().map(|(k, _)| format!("`{k}`")).collect();
            format!("an object with {}", keys.join(", "))
        }
        ArgExpect::Matcher(m) => m
            .checks
            .iter()
            .map(|c| matcher::describe(c, m.normalize))
            .collect::<Vec<_>>()
            .join(" and "),
        ArgExpect::Optional(inner) => format!("absent or {}", describe(inner)),
    }
}

/// Starts of descriptions that read after a value without "is" (`740 > 500`).
const SIGNS: [char; 4] = ['>', '≥', '<', '≤'];

/// An argument expectation in words, for a `forbid` item: "`amount` > 500 and `currency` =
/// `"usd"`".
pub(crate) fn spec_phrase(spec: &ArgsSpec) -> String {
    let ArgExpect::Object(fields) = &spec.compiled else {
        return describe(&spec.compiled);
    };
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, e)| match e {
            ArgExpect::Literal(_) => format!("`{k}` = {}", describe(e)),
            e => format!("`{k}` {}", describe(e)),
        })
        .collect();
    parts.join(" and ")
}

/// Why `actual` satisfies `spec`, key by key ("`amount` 740 > 500"), for a call that `forbid`
/// matched (every key holds).
pub(crate) fn held(spec: &ArgsSpec, actual: &Value) -> Vec<String> {
    let ArgExpect::Object(fields) = &spec.compiled else {
        return vec![format!("arguments {}", describe(&spec.compiled))];
    };
    let map = normalized(actual).as_object();
    fields
        .iter()
        .map(|(k, e)| match map.and_then(|m| m.get(k)) {
            None => format!("`{k}` absent"),
            Some(v) => {
                let v = short_json(v, 40);
                let d = describe(e);
                // The descriptions follow "expected"; after a value they read as verbs.
                let verb = [
                    ("matching ", "matches "),
                    ("not matching ", "does not match "),
                    ("containing ", "contains "),
                ]
                .iter()
                .find_map(|(from, to)| d.strip_prefix(from).map(|rest| format!("{to}{rest}")));
                match (e, verb) {
                    (ArgExpect::Literal(_), _) => format!("`{k}` is {d}"),
                    (_, Some(verb)) => format!("`{k}` {v} {verb}"),
                    _ if d.starts_with(SIGNS) => format!("`{k}` {v} {d}"),
                    _ => format!("`{k}` {v} is {d}"),
                }
            }
        })
        .collect()
}

/// Compact JSON cut to `max` characters (with `…`).
pub(crate) fn short_json(v: &Value, max: usize) -> String {
    truncate(&v.to_string(), max)
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
