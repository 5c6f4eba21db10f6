//! An expected call of a trajectory expectation and the items of `calls` (a call or an
//! `any_order` block), with the per-call fields that refine how it is scored.
//!
//! The wire form is decided by a hand-written `TryFrom` (its own messages, never `untagged`).

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::args::ArgsSpec;
use super::case::ArgsMode;
use super::trajectory::CallStatus;

/// A top-level item of `calls`: one call, or a block of calls that may happen in any order.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "ExpectItemRepr", into = "ExpectItemRepr")]
pub enum ExpectItem {
    Call(ExpectedCall),
    AnyOrder(Vec<ExpectedCall>),
}

/// One expected call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedCall {
    pub name: CallName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<ArgsSpec>,
    /// How this call's arguments are compared; overrides the expectation's `args_mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_mode: Option<ArgsMode>,
    /// Only these argument keys count in s(e, a) (τ²-bench's `compare_args`); `[]` compares
    /// the name alone. Each must be a key of `args` (checked by `config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Vec<String>>,
    /// The status the paired actual call must have; it counts in s(e, a) as one more
    /// constrained key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
}

impl ExpectedCall {
    /// The mode that scores this call: its own, else the expectation's.
    pub fn args_mode_or(&self, expectation: ArgsMode) -> ArgsMode {
        self.args_mode.unwrap_or(expectation)
    }
}

/// Wire form of [`ExpectItem`]: `{name, args}` or `{any_order: [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ExpectItemRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<CallName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    args: Option<ArgsSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    args_mode: Option<ArgsMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    compare: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<CallStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any_order: Option<Vec<ExpectedCall>>,
}

impl TryFrom<ExpectItemRepr> for ExpectItem {
    type Error = String;
    fn try_from(r: ExpectItemRepr) -> Result<Self, String> {
        // A call's own fields (besides `name`) are not allowed on a block.
        let call_fields =
            r.args.is_some() || r.args_mode.is_some() || r.compare.is_some() || r.status.is_some();
        match (r.name, call_fields, r.any_order) {
            (Some(name), _, None) if !name.is_empty_exact() => Ok(ExpectItem::Call(ExpectedCall {
                name,
                args: r.args,
                args_mode: r.args_mode,
                compare: r.compare,
                status: r.status,
            })),
            (Some(_), _, None) => Err("a call's `name` must not be empty".to_string()),
            (None, false, Some(block)) if !block.is_empty() => Ok(ExpectItem::AnyOrder(block)),
            (None, false, Some(_)) => Err("an `any_order` block needs at least one call".to_string()),
            (Some(_), _, Some(_)) | (None, true, Some(_)) => Err(
                "an item of `calls` is either a call `{name, args}` or a block `{any_order: [...]}`, not both"
                    .to_string(),
            ),
            (None, _, None) => Err(
                "an item of `calls` needs `name` (a call) or `any_order` (a block of calls)".to_string(),
            ),
        }
    }
}

impl From<ExpectItem> for ExpectItemRepr {
    fn from(i: ExpectItem) -> Self {
        match i {
            ExpectItem::Call(c) => ExpectItemRepr {
                name: Some(c.name),
                args: c.args,
                args_mode: c.args_mode,
                compare: c.compare,
                status: c.status,
                any_order: None,
            },
            ExpectItem::AnyOrder(b) => ExpectItemRepr {
                name: None,
                args: None,
                args_mode: None,
                compare: None,
                status: None,
                any_order: Some(b),
            },
        }
    }
}

/// The name of an expected call: a tool name (equal names only), or `{regex: …}`, a pattern the
/// actual call's name must match (search, like the `regex` argument matcher: anchor it with
/// `^…$` for a whole-name match; `{regex: ".*"}` is "some call").
#[derive(Debug, Clone)]
pub enum CallName {
    Exact(String),
    Pattern(Regex),
}

impl Default for CallName {
    fn default() -> Self {
        CallName::Exact(String::new())
    }
}

impl From<&str> for CallName {
    fn from(s: &str) -> Self {
        CallName::Exact(s.to_string())
    }
}

impl From<String> for CallName {
    fn from(s: String) -> Self {
        CallName::Exact(s)
    }
}

impl PartialEq for CallName {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (CallName::Exact(a), CallName::Exact(b)) => a == b,
            (CallName::Pattern(a), CallName::Pattern(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

impl CallName {
    /// Whether an actual call named `name` can pair with this expected call.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            CallName::Exact(n) => n == name,
            CallName::Pattern(re) => re.is_match(name),
        }
    }

    /// The tool name, when this is not a pattern.
    pub fn exact(&self) -> Option<&str> {
        match self {
            CallName::Exact(n) => Some(n),
            CallName::Pattern(_) => None,
        }
    }

    /// For tables and alignment rows: the name, or the pattern between slashes (`/refund_.*/`).
    pub fn label(&self) -> String {
        match self {
            CallName::Exact(n) => n.clone(),
            CallName::Pattern(re) => format!("/{}/", re.as_str()),
        }
    }

    /// For sentences: "`refund`", or "a call matching /refund_.*/".
    pub fn phrase(&self) -> String {
        match self {
            CallName::Exact(n) => format!("`{n}`"),
            CallName::Pattern(re) => format!("a call matching /{}/", re.as_str()),
        }
    }

    fn is_empty_exact(&self) -> bool {
        matches!(self, CallName::Exact(n) if n.is_empty())
    }
}

impl Serialize for CallName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            CallName::Exact(n) => s.serialize_str(n),
            CallName::Pattern(re) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("regex", re.as_str())?;
                m.end()
            }
        }
    }
}

// Hand-written: a string, or a one-key mapping `{regex: …}` whose pattern compiles here, so a
// bad pattern is a config error at its position.
impl<'de> Deserialize<'de> for CallName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = CallName;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a tool name or `{regex: \"<pattern>\"}`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CallName, E> {
                Ok(CallName::Exact(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CallName, A::Error> {
                use serde::de::Error;
                let mut pattern: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "regex" {
                        return Err(A::Error::custom(format!(
                            "unknown key `{key}`: a name is a tool name or `{{regex: \"<pattern>\"}}`"
                        )));
                    }
                    pattern = Some(map.next_value()?);
                }
                let pattern = pattern.ok_or_else(|| {
                    A::Error::custom("a name mapping needs `regex: \"<pattern>\"`")
                })?;
                Regex::new(&pattern).map(CallName::Pattern).map_err(|e| {
                    A::Error::custom(format!(
                        "invalid regex `{pattern}`: {}",
                        super::args::regex_error_line(&e)
                    ))
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for CallName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CallName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A tool name (equal names only), or `{regex: <pattern>}`: the actual call's name must match the pattern (search; anchor with ^…$; `.*` = some call).",
            "oneOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {"regex": {"type": "string"}},
                    "required": ["regex"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// An item of `forbid`: a tool name, or `{name, args}`, a call that must not happen: its name
/// matches and every listed argument matches (the matcher engine of expectations, with the
/// missing-key semantics of `subset`: a missing key does not match unless its matcher allows
/// absence), e.g. `{name: issue_refund, args: {amount: {gt: 500}}}`.
#[derive(Debug, Clone, Default)]
pub struct ForbidCall {
    pub name: CallName,
    pub args: Option<ArgsSpec>,
}

/// Wire form of the mapping form of [`ForbidCall`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForbidRepr {
    name: CallName,
    #[serde(default)]
    args: Option<ArgsSpec>,
}

impl Serialize for ForbidCall {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match (&self.name, &self.args) {
            (CallName::Exact(n), None) => s.serialize_str(n),
            (name, args) => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("name", name)?;
                if let Some(args) = args {
                    m.serialize_entry("args", args)?;
                }
                m.end()
            }
        }
    }
}

// Hand-written: a string, or a `{name, args}` mapping (strict), with its own messages.
impl<'de> Deserialize<'de> for ForbidCall {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ForbidCall;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a tool name or a call `{name, args}`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ForbidCall, E> {
                if v.is_empty() {
                    return Err(E::custom("a `forbid` tool name must not be empty"));
                }
                Ok(ForbidCall {
                    name: CallName::Exact(v.to_string()),
                    args: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ForbidCall, A::Error> {
                let r = ForbidRepr::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                if r.name.is_empty_exact() {
                    return Err(serde::de::Error::custom(
                        "a `forbid` call's `name` must not be empty",
                    ));
                }
                Ok(ForbidCall {
                    name: r.name,
                    args: r.args,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for ForbidCall {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ForbidCall".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let name = generator.subschema_for::<CallName>();
        let args = generator.subschema_for::<ArgsSpec>();
        schemars::json_schema!({
            "description": "A tool that must not be called, or `{name, args}`: a call whose name matches and whose arguments match every listed matcher (a missing key does not match).",
            "oneOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {"name": name, "args": args},
                    "required": ["name"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
