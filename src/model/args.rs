//! Argument expectations: literals, nested objects and matchers, compiled once from JSON.
//!
//! DESIGN §4: a matcher is an object whose keys are all among `regex`, `any`, `one_of`,
//! `approx` (+ `tol`), `contains`, `equals`; any other object is a literal object scored
//! recursively. Compilation happens when a case is read (so a bad regex is a config error with
//! a position), scoring lives in `scorer`.

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Keys that turn an object into a matcher.
pub const MATCHER_KEYS: &[&str] = &[
    "regex", "any", "one_of", "approx", "tol", "contains", "equals",
];

/// What one argument (or the whole argument object) is expected to be.
#[derive(Debug, Clone)]
pub enum ArgExpect {
    /// A scalar or array literal: JSON equality, numbers by value, arrays whole and in order.
    Literal(Value),
    /// A literal object: each key scored recursively (partial credit).
    Object(Vec<(String, ArgExpect)>),
    /// A matcher object.
    Matcher(ArgMatcher),
}

/// The matcher forms of DESIGN §4.
#[derive(Debug, Clone)]
pub enum ArgMatcher {
    /// String search (the value must be a string).
    Regex(Regex),
    /// `{any: true}`: key present; `{any: false}`: key absent.
    Any(bool),
    /// One of these literals.
    OneOf(Vec<Value>),
    /// A number within `tol` (absolute) of the target.
    Approx { value: f64, tol: f64 },
    /// Substring of a string, or an element of an array.
    Contains(Value),
    /// A literal compared whole (for objects that look like matchers).
    Equals(Value),
}

impl ArgExpect {
    /// Compiles a JSON expectation. Errors are short sentences naming the bad value and the
    /// valid options; the caller adds the position.
    pub fn compile(value: &Value) -> Result<ArgExpect, String> {
        match value {
            Value::Object(map) if is_matcher(map) => compile_matcher(map).map(ArgExpect::Matcher),
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    ArgExpect::compile(v)
                        .map(|e| (k.clone(), e))
                        .map_err(|e| format!("in `{k}`: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(ArgExpect::Object),
            other => Ok(ArgExpect::Literal(other.clone())),
        }
    }
}

fn is_matcher(map: &Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|k| MATCHER_KEYS.contains(&k.as_str()))
}

fn compile_matcher(map: &Map<String, Value>) -> Result<ArgMatcher, String> {
    let forms: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "tol")
        .collect();
    if forms.len() != 1 {
        return Err(format!(
            "a matcher takes exactly one of `regex`, `any`, `one_of`, `approx`, `contains`, `equals`; found {}",
            if forms.is_empty() {
                "none (`tol` goes with `approx`)".to_string()
            } else {
                forms
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    if map.contains_key("tol") && forms[0] != "approx" {
        return Err("`tol` is only valid together with `approx`".to_string());
    }
    let v = &map[forms[0]];
    match forms[0] {
        "regex" => {
            let pattern = v
                .as_str()
                .ok_or_else(|| format!("`regex` takes a string, got `{v}`"))?;
            Regex::new(pattern)
                .map(ArgMatcher::Regex)
                .map_err(|e| format!("invalid regex `{pattern}`: {}", first_line(&e.to_string())))
        }
        "any" => v
            .as_bool()
            .map(ArgMatcher::Any)
            .ok_or_else(|| format!("`any` takes `true` or `false`, got `{v}`")),
        "one_of" => v
            .as_array()
            .map(|a| ArgMatcher::OneOf(a.clone()))
            .ok_or_else(|| format!("`one_of` takes a list of values, got `{v}`")),
        "approx" => {
            let value = v
                .as_f64()
                .ok_or_else(|| format!("`approx` takes a number, got `{v}`"))?;
            let tol = match map.get("tol") {
                None => 0.0,
                Some(t) => t
                    .as_f64()
                    .filter(|t| *t >= 0.0)
                    .ok_or_else(|| format!("`tol` takes a number ≥ 0, got `{t}`"))?,
            };
            Ok(ArgMatcher::Approx { value, tol })
        }
        "contains" => Ok(ArgMatcher::Contains(v.clone())),
        "equals" => Ok(ArgMatcher::Equals(v.clone())),
        _ => unreachable!("filtered by MATCHER_KEYS"),
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .last()
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// The expected arguments of one call: the JSON as written (for reports) and its compiled form.
#[derive(Debug, Clone)]
pub struct ArgsSpec {
    pub raw: Value,
    pub compiled: ArgExpect,
}

impl TryFrom<Value> for ArgsSpec {
    type Error = String;
    fn try_from(raw: Value) -> Result<Self, String> {
        if !raw.is_object() {
            return Err(format!(
                "`args` takes a mapping of argument names to expected values, got `{raw}`"
            ));
        }
        let compiled = ArgExpect::compile(&raw)?;
        Ok(ArgsSpec { raw, compiled })
    }
}

impl From<ArgsSpec> for Value {
    fn from(a: ArgsSpec) -> Value {
        a.raw
    }
}

impl Serialize for ArgsSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ArgsSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        ArgsSpec::try_from(raw).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ArgsSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ArgsSpec".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "Expected arguments: each value is a literal (JSON equality, numbers by value), a literal object (scored recursively) or a matcher object with exactly one of regex, any, one_of, approx (+ tol), contains, equals.",
            "additionalProperties": true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_with_only_matcher_keys_are_matchers() {
        let e = ArgExpect::compile(&json!({"regex": "(?i)refund"})).unwrap();
        assert!(matches!(e, ArgExpect::Matcher(ArgMatcher::Regex(_))));
        let e = ArgExpect::compile(&json!({"approx": 1.5, "tol": 0.1})).unwrap();
        assert!(matches!(e, ArgExpect::Matcher(ArgMatcher::Approx { tol, .. }) if tol == 0.1));
        let e = ArgExpect::compile(&json!({"regex": "x", "city": "Oslo"})).unwrap();
        assert!(matches!(e, ArgExpect::Object(_)));
        let e = ArgExpect::compile(&json!({})).unwrap();
        assert!(matches!(e, ArgExpect::Object(ref v) if v.is_empty()));
    }

    #[test]
    fn bad_matchers_say_what_is_wrong() {
        let err = ArgExpect::compile(&json!({"a": {"regex": "("}})).unwrap_err();
        assert!(err.starts_with("in `a`: invalid regex `(`"), "{err}");
        let err = ArgExpect::compile(&json!({"regex": "x", "any": true})).unwrap_err();
        assert!(err.contains("exactly one of"), "{err}");
        let err = ArgExpect::compile(&json!({"tol": 1})).unwrap_err();
        assert!(err.contains("`tol` goes with `approx`"), "{err}");
        let err = ArgExpect::compile(&json!({"any": "yes"})).unwrap_err();
        assert!(err.contains("`any` takes `true` or `false`"), "{err}");
    }
}
