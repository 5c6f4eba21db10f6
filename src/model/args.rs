//! Argument expectations: literals, nested objects and matchers, compiled once from JSON.
//!
//! DESIGN §4: a matcher is an object whose keys are all matcher keys ([`MATCHER_KEYS`]); its
//! keys combine (all must hold). Any other object is a literal object scored recursively; an
//! object that mixes matcher keys with other keys is an error (ambiguous: `equals` compares such
//! an object literally). Compilation happens when a case is read (so a bad regex is a config
//! error with a position, see `compile`), scoring lives in `scorer`.

mod compile;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Keys that turn an object into a matcher.
/// Their order is the order in which a matcher's checks run and are described.
pub const MATCHER_KEYS: &[&str] = &[
    "type",
    "regex",
    "not_regex",
    "any",
    "one_of",
    "approx",
    "tol",
    "contains",
    "ignore_case",
    "equals",
    "gt",
    "gte",
    "lt",
    "lte",
    "optional",
    "normalize",
    "items",
    "items_any_order",
    "each",
    "length",
];

/// What one argument (or the whole argument object) is expected to be.
#[derive(Debug, Clone)]
pub enum ArgExpect {
    /// A scalar or array literal: JSON equality, numbers by value, arrays whole and in order.
    Literal(Value),
    /// A literal object: each key scored recursively (partial credit).
    Object(Vec<(String, ArgExpect)>),
    /// A matcher object: every check must hold.
    Matcher(Matcher),
    /// `{optional: e}`: the key may be absent; when present it is scored against `e`.
    Optional(Box<ArgExpect>),
}

/// The checks of one matcher object (all must hold) and the string normalisation they share.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub checks: Vec<ArgMatcher>,
    pub normalize: Normalize,
}

/// One key of a matcher object (DESIGN §4).
#[derive(Debug, Clone)]
pub enum ArgMatcher {
    /// String search (the value must be a string).
    Regex(Regex),
    /// A string the regex does not find (the value must be a string).
    NotRegex(Regex),
    /// `{any: true}`: key present; `{any: false}`: key absent.
    Any(bool),
    /// One of these options: literals (compared whole) or matchers.
    OneOf(Vec<ArgExpect>),
    /// A number within `tol` (absolute) of the target.
    Approx { value: f64, tol: f64 },
    /// Substring of a string, or an element of an array; `ignore_case` adds `case` normalisation.
    Contains { needle: Value, ignore_case: bool },
    /// A literal compared whole (for objects that look like matchers).
    Equals(Value),
    /// A numeric comparison with a bound (`gt`, `gte`, `lt`, `lte`); the value must be a number.
    Cmp(Cmp, f64),
    /// A JSON type.
    Type(JsonType),
    /// An array whose items satisfy these expectations one by one, in order.
    Items(Vec<ArgExpect>),
    /// An array whose items satisfy these expectations one to one, in any order.
    ItemsAnyOrder(Vec<ArgExpect>),
    /// An array every item of which satisfies the expectation.
    Each(Box<ArgExpect>),
    /// An array whose length satisfies the expectation (a number or numeric comparisons).
    Length(Box<ArgExpect>),
}

/// The numeric comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Cmp {
    /// The key that writes it.
    pub fn key(self) -> &'static str {
        match self {
            Cmp::Gt => "gt",
            Cmp::Gte => "gte",
            Cmp::Lt => "lt",
            Cmp::Lte => "lte",
        }
    }
    /// The mathematical sign (`≤`), for explanations.
    pub fn sign(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Gte => "≥",
            Cmp::Lt => "<",
            Cmp::Lte => "≤",
        }
    }
    /// Whether `x` stands in this relation to `bound`.
    pub fn holds(self, x: f64, bound: f64) -> bool {
        match self {
            Cmp::Gt => x > bound,
            Cmp::Gte => x >= bound,
            Cmp::Lt => x < bound,
            Cmp::Lte => x <= bound,
        }
    }
}

/// The values of `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Integer,
    Number,
    String,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    pub const ALL: [JsonType; 7] = [
        JsonType::Integer,
        JsonType::Number,
        JsonType::String,
        JsonType::Boolean,
        JsonType::Array,
        JsonType::Object,
        JsonType::Null,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }
    /// "an integer", "null": the type as it follows "is not".
    pub fn phrase(self) -> &'static str {
        match self {
            JsonType::Integer => "an integer",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Boolean => "a boolean",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
            JsonType::Null => "null",
        }
    }
    /// Whether `v` has this type. `integer` is a JSON number written without a fraction or
    /// exponent (`90.0` is a number, not an integer), as the agent's JSON had it.
    pub fn holds(self, v: &Value) -> bool {
        match self {
            JsonType::Integer => v.as_i64().is_some() || v.as_u64().is_some(),
            JsonType::Number => v.is_number(),
            JsonType::String => v.is_string(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::Array => v.is_array(),
            JsonType::Object => v.is_object(),
            JsonType::Null => v.is_null(),
        }
    }
}

/// String normalisation applied to both sides of a string comparison (README "Argument
/// matchers" documents the character sets; keep the two in step).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Normalize {
    /// Unicode lowercase (`str::to_lowercase`).
    pub case: bool,
    /// Remove every Unicode whitespace character (`char::is_whitespace`).
    pub whitespace: bool,
    /// Remove ASCII punctuation (`char::is_ascii_punctuation`: ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``).
    pub punctuation: bool,
    /// BFCL's preset: remove ` ,./-_*^` (space included, other whitespace not), lowercase, then
    /// `'` → `"` (`standardize_string` of BFCL's AST checker).
    pub bfcl: bool,
}

impl Normalize {
    /// The steps as written in a dataset.
    pub const STEPS: &[&str] = &["case", "whitespace", "punctuation", "bfcl"];

    pub fn is_none(self) -> bool {
        self == Normalize::default()
    }

    /// `s` normalised.
    pub fn apply(self, s: &str) -> String {
        let kept = s.chars().filter(|c| {
            !(self.whitespace && c.is_whitespace()
                || self.punctuation && c.is_ascii_punctuation()
                || self.bfcl && " ,./-_*^".contains(*c))
        });
        let out: String = if self.case || self.bfcl {
            kept.flat_map(char::to_lowercase).collect()
        } else {
            kept.collect()
        };
        // BFCL's `standardize_string` ends with `.replace("'", '"')`.
        if self.bfcl {
            out.replace('\'', "\"")
        } else {
            out
        }
    }

    /// The names of the active steps (for explanations).
    pub fn names(self) -> Vec<&'static str> {
        let on = [self.case, self.whitespace, self.punctuation, self.bfcl];
        Self::STEPS
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(s, _)| *s)
            .collect()
    }
}

/// The useful line of a regex compile error ("unclosed group").
pub(crate) fn regex_error_line(e: &regex::Error) -> String {
    compile::first_line(&e.to_string())
}

impl ArgExpect {
    /// Compiles a JSON expectation. Errors are short sentences naming the bad value and the
    /// valid options; the caller adds the position.
    pub fn compile(value: &Value) -> Result<ArgExpect, String> {
        compile::expect(value)
    }
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
        let Value::Object(map) = &raw else {
            return Err(format!(
                "`args` takes a mapping of argument names to expected values, got `{raw}`"
            ));
        };
        // The top level always names arguments, so a tool may have an argument called `type`
        // or `items` without it being read as a matcher.
        let compiled = compile::fields(map).map(ArgExpect::Object)?;
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
            "description": "Expected arguments by name: each value is a literal (JSON equality, numbers by value), a literal object (scored recursively) or a matcher object (keys combine, all must hold).",
            "additionalProperties": compile::expect_schema()
        })
    }
}
