//! One matcher check: whether a (present) value satisfies it, what it asks for, and why a
//! value fails it ("740 is not ≤ 500"). Checks of one matcher object all must hold; the
//! caller (`score_value`) reports the first that fails.

use serde_json::Value;

use super::{holds as expect_holds, json_eq_norm, short_json, truncate};
use crate::model::{ArgExpect, ArgMatcher, ArgsMode, Normalize};

/// Whether `actual` (present) satisfies `check`; allocates nothing unless `norm` is set.
pub(super) fn holds(check: &ArgMatcher, actual: &Value, norm: Normalize, mode: ArgsMode) -> bool {
    let el = |e: &ArgExpect, v: &Value| expect_holds(e, v, norm, mode);
    match check {
        ArgMatcher::Regex(re) => actual.as_str().is_some_and(|s| re.is_match(s)),
        ArgMatcher::NotRegex(re) => actual.as_str().is_some_and(|s| !re.is_match(s)),
        // Reaching here means the key is present.
        ArgMatcher::Any(present) => *present,
        ArgMatcher::OneOf(options) => options.iter().any(|o| el(o, actual)),
        ArgMatcher::Approx { value, tol } => actual.as_f64().is_some_and(|x| {
            // A relative epsilon so that `1.6` is within `0.1` of `1.5` despite binary floats.
            let slack = 1e-12 * (1.0 + value.abs().max(x.abs()));
            (x - value).abs() <= tol + slack
        }),
        ArgMatcher::Contains {
            needle,
            ignore_case,
        } => {
            let norm = Normalize {
                case: norm.case || *ignore_case,
                ..norm
            };
            match (actual, needle) {
                (Value::String(s), Value::String(n)) if norm.is_none() => s.contains(n.as_str()),
                (Value::String(s), Value::String(n)) => norm.apply(s).contains(&norm.apply(n)),
                (Value::Array(items), _) => items.iter().any(|i| json_eq_norm(needle, i, norm)),
                _ => false,
            }
        }
        ArgMatcher::Equals(lit) => json_eq_norm(lit, actual, norm),
        ArgMatcher::Cmp(cmp, bound) => number(actual).is_some_and(|x| cmp.holds(x, *bound)),
        ArgMatcher::Type(t) => t.holds(actual),
        ArgMatcher::Items(expected) => actual.as_array().is_some_and(|items| {
            items.len() == expected.len() && expected.iter().zip(items).all(|(e, v)| el(e, v))
        }),
        ArgMatcher::ItemsAnyOrder(expected) => actual.as_array().is_some_and(|items| {
            items.len() == expected.len() && perfect_matching(expected, items, &el)
        }),
        ArgMatcher::Each(e) => actual
            .as_array()
            .is_some_and(|items| items.iter().all(|v| el(e, v))),
        ArgMatcher::Length(e) => actual
            .as_array()
            .is_some_and(|items| el(e, &Value::from(items.len()))),
    }
}

/// A JSON number as f64 (`true` is not a number).
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Whether every expected item can be given its own actual item (Kuhn's augmenting paths; the
/// arrays are argument lists, small enough for the O(n³) worst case).
fn perfect_matching(
    expected: &[ArgExpect],
    items: &[Value],
    ok: &dyn Fn(&ArgExpect, &Value) -> bool,
) -> bool {
    let fits: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| (0..items.len()).filter(|&j| ok(e, &items[j])).collect())
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; items.len()];
    fn augment(
        i: usize,
        fits: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &j in &fits[i] {
            if !seen[j] {
                seen[j] = true;
                if owner[j].is_none_or(|k| augment(k, fits, seen, owner)) {
                    owner[j] = Some(i);
                    return true;
                }
            }
        }
        false
    }
    (0..expected.len()).all(|i| augment(i, &fits, &mut vec![false; items.len()], &mut owner))
}

/// What `check` asks for, phrased to follow "expected".
pub(super) fn describe(check: &ArgMatcher, norm: Normalize) -> String {
    let normed = |s: String| {
        if norm.is_none() {
            s
        } else {
            format!("{s} (normalized: {})", norm.names().join(", "))
        }
    };
    match check {
        ArgMatcher::Regex(re) => format!("matching regex `{}`", truncate(re.as_str(), 40)),
        ArgMatcher::NotRegex(re) => format!("not matching regex `{}`", truncate(re.as_str(), 40)),
        ArgMatcher::Any(true) => "present".to_string(),
        ArgMatcher::Any(false) => super::ABSENT.to_string(),
        ArgMatcher::OneOf(options) => normed(format!("one of `{}`", list(options))),
        ArgMatcher::Approx { value, tol } => format!("within {tol} of `{value}`"),
        ArgMatcher::Contains {
            needle,
            ignore_case,
        } => {
            let case = if *ignore_case { ", ignoring case" } else { "" };
            normed(format!("containing `{}`{case}", short_json(needle, 40)))
        }
        ArgMatcher::Equals(v) => normed(format!("`{}`", short_json(v, 40))),
        ArgMatcher::Cmp(cmp, bound) => format!("{} {bound}", cmp.sign()),
        ArgMatcher::Type(t) => t.phrase().to_string(),
        ArgMatcher::Items(items) => normed(format!("items `{}` in order", list(items))),
        ArgMatcher::ItemsAnyOrder(items) => normed(format!("items `{}` in any order", list(items))),
        ArgMatcher::Each(e) => format!("every item {}", super::describe(e)),
        ArgMatcher::Length(e) => format!("length {}", super::describe(e)),
    }
}

/// `[1, "a", {regex: …}]` as written, for descriptions.
fn list(items: &[ArgExpect]) -> String {
    let shown: Vec<String> = items
        .iter()
        .map(|e| match e {
            ArgExpect::Literal(v) => short_json(v, 20),
            other => format!("({})", super::describe(other)),
        })
        .collect();
    truncate(&format!("[{}]", shown.join(", ")), 60)
}

/// The failing check's description and, for the newer checks, the reason phrased to follow the
/// value ("is not ≤ 500"). The original matchers keep "expected …, got …" (`reason` `None`).
pub(super) fn explain(
    check: &ArgMatcher,
    actual: &Value,
    norm: Normalize,
    mode: ArgsMode,
) -> (String, Option<String>) {
    let expected = describe(check, norm);
    let reason = match check {
        ArgMatcher::Regex(_)
        | ArgMatcher::Any(_)
        | ArgMatcher::OneOf(_)
        | ArgMatcher::Approx { .. }
        | ArgMatcher::Contains { .. }
        | ArgMatcher::Equals(_) => None,
        ArgMatcher::NotRegex(re) if actual.is_string() => {
            Some(format!("matches regex `{}`", truncate(re.as_str(), 40)))
        }
        ArgMatcher::NotRegex(_) => Some(format!("is not a string (expected {expected})")),
        ArgMatcher::Cmp(..) if number(actual).is_none() => {
            Some(format!("is not a number (expected {expected})"))
        }
        ArgMatcher::Cmp(..) | ArgMatcher::Type(_) => Some(format!("is not {expected}")),
        _ => Some(array_reason(check, actual, norm, mode, &expected)),
    };
    (expected, reason)
}

fn array_reason(
    check: &ArgMatcher,
    actual: &Value,
    norm: Normalize,
    mode: ArgsMode,
    expected: &str,
) -> String {
    let Some(items) = actual.as_array() else {
        return format!("is not an array (expected {expected})");
    };
    let first_bad = |e: &ArgExpect| items.iter().position(|v| !expect_holds(e, v, norm, mode));
    match check {
        ArgMatcher::Items(expected_items) if expected_items.len() != items.len() => format!(
            "has {} items, not {} (expected {expected})",
            items.len(),
            expected_items.len()
        ),
        ArgMatcher::Items(expected_items) => {
            let i = expected_items
                .iter()
                .zip(items)
                .position(|(e, v)| !expect_holds(e, v, norm, mode))
                .unwrap_or(0);
            format!(
                "has item {} `{}`, expected {}",
                i + 1,
                short_json(&items[i], 30),
                super::describe(&expected_items[i])
            )
        }
        ArgMatcher::Each(e) => match first_bad(e) {
            Some(i) => format!(
                "has item {} `{}` that is not {}",
                i + 1,
                short_json(&items[i], 30),
                super::describe(e)
            ),
            None => format!("does not satisfy {expected}"),
        },
        ArgMatcher::Length(_) => format!("has length {}, not {expected}", items.len()),
        _ => format!("does not pair item for item with {expected}"),
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
