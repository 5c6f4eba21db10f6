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
    mut sink: Option<&mut Vec<Mismatch>>,
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
        && let Some(sink) = sink.as_deref_mut()
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
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: Value) -> ArgsSpec {
        ArgsSpec::try_from(v).unwrap()
    }

    fn s(expect: Value, actual: Value) -> f64 {
        score_args(Some(&spec(expect)), ArgsMode::Subset, &actual).value
    }

    fn s_mode(expect: Value, mode: ArgsMode, actual: Value) -> ArgScore {
        score_args(Some(&spec(expect)), mode, &actual)
    }

    #[test]
    fn no_args_or_ignore_mode_scores_one() {
        assert_eq!(score_args(None, ArgsMode::Exact, &json!({"x": 1})), FULL);
        assert_eq!(
            s_mode(json!({"x": 1}), ArgsMode::Ignore, json!({"x": 2})),
            FULL
        );
        assert_eq!(s(json!({}), json!({"x": 1})), 1.0);
        assert_eq!(s(json!({}), Value::Null), 1.0);
    }

    #[test]
    fn partial_credit_is_the_fraction_of_keys() {
        let e = json!({"amount": 100, "from": "USD", "to": "EUR"});
        let r = s_mode(
            e.clone(),
            ArgsMode::Subset,
            json!({"amount": 100, "from": "USD", "to": "GBP"}),
        );
        assert!((r.value - 2.0 / 3.0).abs() < 1e-12 && !r.full);
        // A missing key scores 0 for that key.
        assert_eq!(s(e, json!({"amount": 100})), 1.0 / 3.0);
        // Non-object arguments satisfy no key.
        assert_eq!(s(json!({"a": 1}), json!("a=1")), 0.0);
    }

    #[test]
    fn nested_literal_objects_score_recursively() {
        let e = json!({"who": {"first": "Ada", "last": "Lovelace"}, "seat": "1A"});
        let a = json!({"who": {"first": "Ada", "last": "Byron"}, "seat": "1A"});
        assert_eq!(s(e.clone(), a.clone()), 0.75);
        let m = mismatches(Some(&spec(e)), ArgsMode::Subset, &a);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].path, "who.last");
        assert_eq!(m[0].expected, "`\"Lovelace\"`");
        assert_eq!(m[0].actual.as_deref(), Some("\"Byron\""));
    }

    #[test]
    fn exact_mode_counts_extra_keys_also_nested() {
        let e = json!({"city": "Paris"});
        assert_eq!(
            s_mode(
                e.clone(),
                ArgsMode::Exact,
                json!({"city": "Paris", "unit": "c"})
            )
            .value,
            0.5
        );
        assert_eq!(
            s_mode(
                e.clone(),
                ArgsMode::Subset,
                json!({"city": "Paris", "unit": "c"})
            )
            .value,
            1.0
        );
        assert_eq!(s_mode(e, ArgsMode::Exact, json!({"city": "Paris"})), FULL);
        let e = json!({"who": {"first": "Ada"}, "seat": "1A"});
        let a = json!({"who": {"first": "Ada", "last": "Byron"}, "seat": "1A"});
        assert_eq!(s_mode(e.clone(), ArgsMode::Exact, a.clone()).value, 0.75);
        let m = mismatches(Some(&spec(e)), ArgsMode::Exact, &a);
        assert_eq!(m[0].path, "who.last");
        assert_eq!(m[0].expected, "absent");
        // `args: {}` in exact mode means "no arguments".
        assert_eq!(
            s_mode(json!({}), ArgsMode::Exact, json!({"x": 1})).value,
            0.0
        );
        assert_eq!(s_mode(json!({}), ArgsMode::Exact, json!({})), FULL);
    }

    #[test]
    fn numbers_compare_by_value_and_bools_are_not_numbers() {
        assert_eq!(s(json!({"n": 100}), json!({"n": 100.0})), 1.0);
        assert_eq!(s(json!({"n": [1, 2.0]}), json!({"n": [1.0, 2]})), 1.0);
        assert_eq!(s(json!({"n": true}), json!({"n": 1})), 0.0);
        assert_eq!(s(json!({"n": 1}), json!({"n": true})), 0.0);
        assert_eq!(s(json!({"n": u64::MAX}), json!({"n": u64::MAX})), 1.0);
        assert_eq!(s(json!({"n": -1}), json!({"n": u64::MAX})), 0.0);
    }

    #[test]
    fn arrays_compare_whole_and_in_order() {
        assert_eq!(s(json!({"a": [1, 2]}), json!({"a": [1, 2]})), 1.0);
        assert_eq!(s(json!({"a": [1, 2]}), json!({"a": [2, 1]})), 0.0);
        assert_eq!(s(json!({"a": [1, 2]}), json!({"a": [1, 2, 3]})), 0.0);
        assert_eq!(s(json!({"a": [{"x": 1}]}), json!({"a": [{"x": 1.0}]})), 1.0);
    }

    #[test]
    fn regex_searches_strings_only() {
        assert_eq!(
            s(
                json!({"r": {"regex": "(?i)refund"}}),
                json!({"r": "Customer wants a REFUND now"})
            ),
            1.0
        );
        assert_eq!(
            s(
                json!({"r": {"regex": "^refund$"}}),
                json!({"r": "a refund"})
            ),
            0.0
        );
        assert_eq!(s(json!({"r": {"regex": "1"}}), json!({"r": 1})), 0.0);
    }

    #[test]
    fn any_true_is_presence_any_false_is_absence() {
        assert_eq!(s(json!({"k": {"any": true}}), json!({"k": null})), 1.0);
        assert_eq!(s(json!({"k": {"any": true}}), json!({})), 0.0);
        assert_eq!(s(json!({"k": {"any": false}}), json!({})), 1.0);
        assert_eq!(s(json!({"k": {"any": false}}), json!({"k": 1})), 0.0);
        // In exact mode an absent `{any: false}` key is satisfied and counts once.
        assert_eq!(
            s_mode(json!({"k": {"any": false}}), ArgsMode::Exact, json!({})),
            FULL
        );
    }

    #[test]
    fn one_of_uses_literal_equality() {
        let e = json!({"p": {"one_of": ["high", "urgent", 3]}});
        assert_eq!(s(e.clone(), json!({"p": "urgent"})), 1.0);
        assert_eq!(s(e.clone(), json!({"p": 3.0})), 1.0);
        assert_eq!(s(e, json!({"p": "low"})), 0.0);
    }

    #[test]
    fn approx_tolerance_is_absolute_and_inclusive() {
        let e = json!({"x": {"approx": 1.5, "tol": 0.1}});
        assert_eq!(s(e.clone(), json!({"x": 1.6})), 1.0);
        assert_eq!(s(e.clone(), json!({"x": 1.4})), 1.0);
        assert_eq!(s(e.clone(), json!({"x": 1.6001})), 0.0);
        assert_eq!(s(e.clone(), json!({"x": 1.3999})), 0.0);
        assert_eq!(s(e, json!({"x": "1.5"})), 0.0);
        let e = json!({"x": {"approx": 2}});
        assert_eq!(s(e.clone(), json!({"x": 2.0})), 1.0);
        assert_eq!(s(e, json!({"x": 2.000001})), 0.0);
    }

    #[test]
    fn contains_is_substring_or_array_element() {
        let e = json!({"q": {"contains": "INV-22"}});
        assert_eq!(s(e.clone(), json!({"q": "see INV-2207"})), 1.0);
        assert_eq!(s(e.clone(), json!({"q": "INV-2"})), 0.0);
        assert_eq!(s(e, json!({"q": ["INV-22"]})), 1.0);
        let e = json!({"ids": {"contains": 7}});
        assert_eq!(s(e.clone(), json!({"ids": [1, 7.0, 9]})), 1.0);
        assert_eq!(s(e.clone(), json!({"ids": [1, 9]})), 0.0);
        assert_eq!(s(e, json!({"ids": "7"})), 0.0);
        let e = json!({"ids": {"contains": {"a": 1}}});
        assert_eq!(s(e, json!({"ids": [{"a": 1}]})), 1.0);
    }

    #[test]
    fn equals_compares_a_matcher_looking_object_literally() {
        let e = json!({"filter": {"equals": {"regex": "x"}}});
        assert_eq!(s(e.clone(), json!({"filter": {"regex": "x"}})), 1.0);
        assert_eq!(s(e, json!({"filter": "x"})), 0.0);
    }

    #[test]
    fn mismatches_describe_matchers_and_missing_keys() {
        let e = spec(json!({"priority": "high", "reason": {"regex": "(?i)refund"}, "id": 1}));
        let m = mismatches(
            Some(&e),
            ArgsMode::Subset,
            &json!({"priority": "low", "reason": "other"}),
        );
        let paths: Vec<_> = m.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["priority", "reason", "id"]);
        assert_eq!(m[1].expected, "matching regex `(?i)refund`");
        assert_eq!(m[2].actual, None);
        assert!(mismatches(Some(&e), ArgsMode::Ignore, &json!({})).is_empty());
    }
}
