//! The argument score s(e, a) of DESIGN §4: how well one actual call's arguments satisfy one
//! expected call's argument expectation.
//!
//! Owns JSON equality with numbers compared by value, the matcher semantics and the
//! description of a mismatch (dotted key path, expected, got). It must not pair calls or
//! decide checks: that is `pairing` and `trajectory`. Scoring without details allocates
//! nothing, because pairing scores every same-name (expected, actual) pair.

use serde_json::{Map, Value};

use crate::model::{ArgExpect, ArgMatcher, ArgsMode, ArgsSpec};

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
            return score_object(fields, map, mode, path, sink);
        }
        ArgExpect::Literal(lit) => of(json_eq(lit, actual)),
        ArgExpect::Matcher(m) => of(matcher_holds(m, actual)),
    };
    if !score.full
        && let Some(sink) = sink
    {
        sink.push(mismatch(path, describe(expect), Some(actual)));
    }
    score
}

fn score_object(
    fields: &[(String, ArgExpect)],
    map: &Map<String, Value>,
    mode: ArgsMode,
    path: &str,
    mut sink: Option<&mut Vec<Mismatch>>,
) -> ArgScore {
    let mut sum = 0.0;
    let mut full = true;
    let mut denom = fields.len();
    for (key, expect) in fields {
        let sub = join(path, key);
        let got = match (map.get(key), expect) {
            (None, ArgExpect::Matcher(ArgMatcher::Any(false))) => FULL,
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
    if mode == ArgsMode::Exact {
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

fn matcher_holds(m: &ArgMatcher, actual: &Value) -> bool {
    match m {
        ArgMatcher::Regex(re) => actual.as_str().is_some_and(|s| re.is_match(s)),
        // Reaching here means the key is present.
        ArgMatcher::Any(present) => *present,
        ArgMatcher::OneOf(options) => options.iter().any(|o| json_eq(o, actual)),
        ArgMatcher::Approx { value, tol } => actual.as_f64().is_some_and(|x| {
            // A relative epsilon so that `1.6` is within `0.1` of `1.5` despite binary floats.
            let slack = 1e-12 * (1.0 + value.abs().max(x.abs()));
            (x - value).abs() <= tol + slack
        }),
        ArgMatcher::Contains(needle) => match (actual, needle) {
            (Value::String(s), Value::String(n)) => s.contains(n.as_str()),
            (Value::Array(items), _) => items.iter().any(|i| json_eq(needle, i)),
            _ => false,
        },
        ArgMatcher::Equals(lit) => json_eq(lit, actual),
    }
}

/// JSON equality with numbers compared by value (`100 == 100.0`, `true != 1`); arrays whole and
/// in order, objects key by key.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
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
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
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
        ArgExpect::Matcher(m) => match m {
            ArgMatcher::Regex(re) => format!("matching regex `{}`", truncate(re.as_str(), 40)),
            ArgMatcher::Any(true) => "present".to_string(),
            ArgMatcher::Any(false) => ABSENT.to_string(),
            ArgMatcher::OneOf(options) => {
                format!("one of `{}`", short_json(&Value::from(options.clone()), 40))
            }
            ArgMatcher::Approx { value, tol } => format!("within {tol} of `{value}`"),
            ArgMatcher::Contains(v) => format!("containing `{}`", short_json(v, 40)),
            ArgMatcher::Equals(v) => format!("`{}`", short_json(v, 40)),
        },
    }
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
