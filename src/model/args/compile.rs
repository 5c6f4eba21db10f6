//! JSON → [`ArgExpect`]: which object is a matcher, which keys go together, and the error
//! message for every bad matcher (naming the key, the bad value and the valid options).
//!
//! Messages for a key start with "`key` …" (or "in `k`: …" for a nested one) so that the
//! config layer can point at the key's value (`config/yaml.rs`, `args_error_path`).

use regex::Regex;
use serde_json::{Map, Value, json};

use super::{ArgExpect, ArgMatcher, Cmp, JsonType, MATCHER_KEYS, Matcher, Normalize};

const CMPS: [Cmp; 4] = [Cmp::Gt, Cmp::Gte, Cmp::Lt, Cmp::Lte];

/// Keys whose comparisons `normalize` changes.
const STRING_KEYS: &[&str] = &["equals", "one_of", "contains", "items", "items_any_order"];

pub(super) fn expect(value: &Value) -> Result<ArgExpect, String> {
    match value {
        Value::Object(map) if is_matcher(map) => matcher(map),
        Value::Object(map) => fields(map).map(ArgExpect::Object),
        other => Ok(ArgExpect::Literal(other.clone())),
    }
}

/// The keys of a literal object, each compiled; errors say which key.
pub(super) fn fields(map: &Map<String, Value>) -> Result<Vec<(String, ArgExpect)>, String> {
    map.iter()
        .map(|(k, v)| {
            expect(v)
                .map(|e| (k.clone(), e))
                .map_err(|e| format!("in `{k}`: {e}"))
        })
        .collect()
}

/// An option of `one_of` or an element of `items`: a matcher, or a literal compared whole
/// (a literal object here is one value, not a set of keys with partial credit).
fn element(value: &Value) -> Result<ArgExpect, String> {
    match value {
        Value::Object(map) if is_matcher(map) => matcher(map),
        other => Ok(ArgExpect::Literal(other.clone())),
    }
}

fn is_matcher(map: &Map<String, Value>) -> bool {
    map.keys().any(|k| MATCHER_KEYS.contains(&k.as_str()))
}

fn valid_keys() -> String {
    MATCHER_KEYS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn matcher(map: &Map<String, Value>) -> Result<ArgExpect, String> {
    if let Some(bad) = map.keys().find(|k| !MATCHER_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown matcher key `{bad}`; valid keys: {}; to compare an object with these keys literally, write `equals: {{...}}`",
            valid_keys()
        ));
    }
    let has = |k: &str| map.contains_key(k);
    for alone in ["optional", "any"] {
        let any_false = alone == "any" && map.get("any") == Some(&Value::Bool(false));
        if has(alone) && map.len() > 1 && (alone == "optional" || any_false) {
            return Err(format!(
                "`{alone}` cannot be combined with other matcher keys (found {}); put them inside `optional: {{...}}`",
                keys_of(map)
            ));
        }
    }
    if let Some(inner) = map.get("optional") {
        return expect(inner)
            .map(|e| ArgExpect::Optional(Box::new(e)))
            .map_err(|e| format!("in `optional`: {e}"));
    }
    for (key, needs) in [("tol", "approx"), ("ignore_case", "contains")] {
        if has(key) && !has(needs) {
            return Err(format!("`{key}` is only valid together with `{needs}`"));
        }
    }
    if has("normalize") && !STRING_KEYS.iter().any(|k| has(k)) {
        return Err(format!(
            "`normalize` applies to string comparisons: use it with {}",
            STRING_KEYS
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(t) = map.get("type")
        && let Some(cmp) = CMPS.iter().find(|c| has(c.key()))
        && !matches!(t.as_str(), Some("integer" | "number"))
    {
        return Err(format!(
            "`{}` compares numbers, but `type` is `{}`; use `type: integer` or `type: number`",
            cmp.key(),
            t.as_str().map_or_else(|| t.to_string(), str::to_string)
        ));
    }
    let normalize = match map.get("normalize") {
        None => Normalize::default(),
        Some(v) => normalize(v)?,
    };
    let mut checks = Vec::new();
    for (key, v) in MATCHER_KEYS.iter().filter_map(|k| map.get_key_value(*k)) {
        if let Some(check) = check(key, v, map)? {
            checks.push(check);
        }
    }
    Ok(ArgExpect::Matcher(Matcher { checks, normalize }))
}

fn keys_of(map: &Map<String, Value>) -> String {
    map.keys()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One key's check; `None` for the modifiers (`tol`, `ignore_case`, `normalize`).
fn check(key: &str, v: &Value, map: &Map<String, Value>) -> Result<Option<ArgMatcher>, String> {
    let check = match key {
        "tol" | "ignore_case" | "normalize" => return Ok(None),
        "regex" => ArgMatcher::Regex(regex(v, "regex", "invalid regex")?),
        "not_regex" => ArgMatcher::NotRegex(regex(v, "not_regex", "`not_regex`: invalid regex")?),
        "any" => ArgMatcher::Any(
            v.as_bool()
                .ok_or_else(|| format!("`any` takes `true` or `false`, got `{v}`"))?,
        ),
        "one_of" => ArgMatcher::OneOf(list(v, "one_of")?),
        "approx" => {
            let value = number(v, "approx")?;
            let tol = match map.get("tol") {
                None => 0.0,
                Some(t) => t
                    .as_f64()
                    .filter(|t| *t >= 0.0)
                    .ok_or_else(|| format!("`tol` takes a number ≥ 0, got `{t}`"))?,
            };
            ArgMatcher::Approx { value, tol }
        }
        "contains" => ArgMatcher::Contains {
            needle: v.clone(),
            ignore_case: match map.get("ignore_case") {
                None => false,
                Some(b) => b
                    .as_bool()
                    .ok_or_else(|| format!("`ignore_case` takes `true` or `false`, got `{b}`"))?,
            },
        },
        "equals" => ArgMatcher::Equals(v.clone()),
        "gt" | "gte" | "lt" | "lte" => {
            let cmp = *CMPS.iter().find(|c| c.key() == key).expect("listed");
            ArgMatcher::Cmp(cmp, number(v, key)?)
        }
        "type" => {
            let t = JsonType::ALL
                .into_iter()
                .find(|t| v.as_str() == Some(t.as_str()));
            ArgMatcher::Type(t.ok_or_else(|| {
                format!(
                    "`type` takes one of {}; got `{}`",
                    JsonType::ALL
                        .iter()
                        .map(|t| format!("`{}`", t.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                )
            })?)
        }
        "items" => ArgMatcher::Items(list(v, "items")?),
        "items_any_order" => ArgMatcher::ItemsAnyOrder(list(v, "items_any_order")?),
        "each" => ArgMatcher::Each(Box::new(expect(v).map_err(|e| format!("in `each`: {e}"))?)),
        "length" => ArgMatcher::Length(Box::new(length(v)?)),
        _ => unreachable!("checked against MATCHER_KEYS"),
    };
    Ok(Some(check))
}

fn regex(v: &Value, key: &str, invalid: &str) -> Result<Regex, String> {
    let pattern = v
        .as_str()
        .ok_or_else(|| format!("`{key}` takes a string, got `{v}`"))?;
    Regex::new(pattern)
        .map_err(|e| format!("{invalid} `{pattern}`: {}", first_line(&e.to_string())))
}

fn number(v: &Value, key: &str) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("`{key}` takes a number, got `{v}`"))
}

fn list(v: &Value, key: &str) -> Result<Vec<ArgExpect>, String> {
    let items = v
        .as_array()
        .ok_or_else(|| format!("`{key}` takes a list of values or matchers, got `{v}`"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| element(item).map_err(|e| format!("`{key}` item {}: {e}", i + 1)))
        .collect()
}

fn length(v: &Value) -> Result<ArgExpect, String> {
    let bad = || {
        format!(
            "`length` takes a whole number ≥ 0 or a matcher of `gt`, `gte`, `lt`, `lte`, got `{v}`"
        )
    };
    match v {
        Value::Number(n) if n.as_u64().is_some() => Ok(ArgExpect::Literal(v.clone())),
        Value::Object(map)
            if !map.is_empty() && map.keys().all(|k| CMPS.iter().any(|c| c.key() == k)) =>
        {
            matcher(map).map_err(|e| format!("in `length`: {e}"))
        }
        _ => Err(bad()),
    }
}

fn normalize(v: &Value) -> Result<Normalize, String> {
    let bad = |got: &Value| {
        format!(
            "`normalize` takes a list of the steps {} (or one step alone), got `{got}`",
            Normalize::STEPS
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let steps: Vec<&Value> = match v {
        Value::String(_) => vec![v],
        Value::Array(a) if !a.is_empty() => a.iter().collect(),
        _ => return Err(bad(v)),
    };
    let mut n = Normalize::default();
    for step in steps {
        match step.as_str() {
            Some("case") => n.case = true,
            Some("whitespace") => n.whitespace = true,
            Some("punctuation") => n.punctuation = true,
            Some("bfcl") => n.bfcl = true,
            _ => return Err(bad(step)),
        }
    }
    Ok(n)
}

pub(super) fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// The JSON Schema of one argument expectation (matcher keys described; any other value is a
/// literal). Nested expectations are `{}`: the schema does not recurse.
pub(super) fn expect_schema() -> Value {
    let num = json!({"type": "number"});
    json!({
        "description": "A literal, a literal object, or a matcher object whose keys combine (all must hold).",
        "properties": {
            "regex": {"type": "string", "description": "The string matches this regex (search)."},
            "not_regex": {"type": "string", "description": "The string does not match this regex."},
            "any": {"type": "boolean", "description": "true: the key is present; false: absent (alone)."},
            "one_of": {"type": "array", "description": "Equal to one of these literals or matching one of these matchers."},
            "approx": num, "tol": {"type": "number", "minimum": 0},
            "contains": {"description": "Substring of a string, or an element of an array."},
            "ignore_case": {"type": "boolean", "description": "With contains: compare case-insensitively."},
            "equals": {"description": "Compared as a literal, whole."},
            "gt": num, "gte": num, "lt": num, "lte": num,
            "type": {"enum": JsonType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>()},
            "optional": {"description": "Absent, or present and satisfying this literal or matcher (alone)."},
            "normalize": {
                "description": "String normalisation for equals, one_of, contains, items.",
                "anyOf": [
                    {"enum": Normalize::STEPS},
                    {"type": "array", "items": {"enum": Normalize::STEPS}}
                ]
            },
            "items": {"type": "array", "description": "An array whose items match these, in order."},
            "items_any_order": {"type": "array", "description": "An array whose items match these one to one, in any order."},
            "each": {"description": "Every item of the array matches this."},
            "length": {
                "description": "The array's length: a number, or gt/gte/lt/lte.",
                "anyOf": [
                    {"type": "integer", "minimum": 0},
                    {"type": "object", "properties": {"gt": num, "gte": num, "lt": num, "lte": num}, "additionalProperties": false}
                ]
            }
        }
    })
}

#[cfg(test)]
#[path = "compile_tests.rs"]
mod tests;
