//! A golden case: its input, what it expects of the trajectory and the response, its lineage.
//!
//! The YAML shape of DESIGN §2. Deserialization is strict (`deny_unknown_fields`); shapes that
//! need a choice (text or messages, a call or an any-order block) are decided by small
//! hand-written `TryFrom` conversions with their own messages, never by `untagged`.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::args::ArgsSpec;
pub use super::call::{CallName, ExpectItem, ExpectedCall, ForbidCall};

/// Where a case was written: the dataset file and the line of its `- id:` item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceLoc {
    pub file: PathBuf,
    pub line: u32,
}

/// One golden case as written in `evals/<dataset>/v<N>.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique within the dataset; stable across versions (baselines pair by it).
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A tier such as `critical`; slices can carry their own floors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    pub input: Input,
    /// The tools the agent is offered for this case (a request body template reads them as
    /// `case.tools`, e.g. to send an OpenAI-compatible `tools` list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// HTTP headers sent with this case's requests, after (and over) `agent.headers`; literal
    /// values (datasets are shared files: no `${VAR}` here).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub expect: Expect,
    /// Lineage: where the case came from (written by `promote`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Lineage>,
    /// `pending` cases (promoted, not reviewed yet) run as advisory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    /// Recorded tool calls and their results (written by `promote`), kept for replay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixtures: Vec<super::trajectory::ToolCall>,
    /// Set by `config` after parsing; not part of the file format.
    #[serde(skip)]
    #[schemars(skip)]
    pub loc: SourceLoc,
}

/// A tool offered to the agent: OpenAI's function shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The arguments as a JSON Schema (`{type: object, properties, required}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<serde_json::Value>,
}

/// Review state of a promoted case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Pending,
    Approved,
}

/// The input: one user message as text, or a whole conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Text(String),
    Messages(Vec<Message>),
}

impl Input {
    /// The last user message (what a single-turn agent is asked), or the text.
    pub fn last_user_text(&self) -> &str {
        match self {
            Input::Text(t) => t,
            Input::Messages(m) => m
                .iter()
                .rev()
                .find(|m| m.role == Role::User)
                .map(|m| m.content.as_str())
                .unwrap_or(""),
        }
    }

    /// The conversation, a text input being one user message.
    pub fn messages(&self) -> Vec<Message> {
        match self {
            Input::Text(t) => vec![Message {
                role: Role::User,
                content: t.clone(),
            }],
            Input::Messages(m) => m.clone(),
        }
    }
}

impl Serialize for Input {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Input::Text(t) => s.serialize_str(t),
            Input::Messages(m) => m.serialize(s),
        }
    }
}

// Hand-written so the error says what is expected ("a text or a list of messages") instead of
// serde's untagged "data did not match any variant".
impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Input;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text or a list of messages `{role, content}`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Input, E> {
                Ok(Input::Text(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Input, A::Error> {
                let mut msgs = Vec::new();
                while let Some(m) = seq.next_element::<Message>()? {
                    msgs.push(m);
                }
                if !msgs.iter().any(|m| m.role == Role::User) {
                    return Err(serde::de::Error::custom(
                        "`input` messages need at least one `role: user` message",
                    ));
                }
                Ok(Input::Messages(msgs))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Input {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Input".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let message = generator.subschema_for::<Message>();
        schemars::json_schema!({
            "description": "The user's message as text, or a conversation (at least one `user` message).",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": message, "minItems": 1}
            ]
        })
    }
}

/// One conversation message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

/// What a case checks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectory: Option<TrajectoryExpect>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response: Vec<ResponseCheck>,
}

/// The trajectory expectation of DESIGN §4.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrajectoryExpect {
    /// The boolean check that decides pass/fail (metrics are computed either way).
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_mode: Option<MatchMode>,
    #[serde(default)]
    pub calls: Vec<ExpectItem>,
    /// Calls that must not happen: tool names, or `{name, args}` (a name or pattern and
    /// argument matchers that must all hold for a call to be forbidden).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbid: Vec<ForbidCall>,
    /// Call budget for `efficiency` (default: the number of expected calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_calls: Option<u32>,
    /// Fewer actual calls fail the check `trajectory.min_calls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_calls: Option<u32>,
    /// A call equal in name and arguments to an earlier `ok` call fails the check
    /// `trajectory.no_redundant_calls`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_redundant_calls: bool,
    #[serde(default)]
    pub args_mode: ArgsMode,
}

impl TrajectoryExpect {
    /// Every expected call with its top-level position (calls of a block share one).
    pub fn flat_calls(&self) -> Vec<(usize, &ExpectedCall)> {
        let mut out = Vec::new();
        for (pos, item) in self.calls.iter().enumerate() {
            match item {
                ExpectItem::Call(c) => out.push((pos, c)),
                ExpectItem::AnyOrder(block) => out.extend(block.iter().map(|c| (pos, c))),
            }
        }
        out
    }
}

/// Boolean trajectory checks (Vertex / ADK / agentevals meanings; `covers` is τ²-bench's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    Exact,
    InOrder,
    AnyOrder,
    Superset,
    Subset,
    Unordered,
    // τ²-bench's order-free action check: every expected call fully matches some actual call,
    // several expected calls may match the same one (not one-to-one); extras are fine. (A plain
    // comment: a doc comment on one variant would split the schema's enum.)
    Covers,
}

impl MatchMode {
    pub const ALL: [MatchMode; 7] = [
        MatchMode::Exact,
        MatchMode::InOrder,
        MatchMode::AnyOrder,
        MatchMode::Superset,
        MatchMode::Subset,
        MatchMode::Unordered,
        MatchMode::Covers,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::Exact => "exact",
            MatchMode::InOrder => "in_order",
            MatchMode::AnyOrder => "any_order",
            MatchMode::Superset => "superset",
            MatchMode::Subset => "subset",
            MatchMode::Unordered => "unordered",
            MatchMode::Covers => "covers",
        }
    }
}

/// How arguments are compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArgsMode {
    /// Extra keys in the actual arguments are fine.
    #[default]
    Subset,
    /// The denominator is the union of expected and actual keys.
    Exact,
    /// Arguments are not compared (s = 1).
    Ignore,
}

/// A deterministic response check; each is a one-key mapping such as `contains: "escalat"`.
///
/// Serialize/Deserialize are hand-written in `model::response` (YAML deserializers read
/// externally tagged enums only from `!tag` syntax, not from one-key mappings); the
/// `serde` attributes here shape the JSON Schema.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ResponseCheck {
    /// The whole response equals this text (surrounding whitespace ignored).
    Equals(String),
    /// The response contains this text (case-sensitive).
    Contains(String),
    /// The response does not contain this text.
    NotContains(String),
    /// The response matches this regular expression (search, not full match).
    Regex(String),
    /// The response parses as JSON and validates against this JSON Schema.
    JsonSchema(serde_json::Value),
    /// `similar` ratio between the response and `expected` is at least `min`.
    Similarity(SimilaritySpec),
    /// An LLM judge declared in `evalgate.yaml` (scored by `judge`, not by `scorer`): its name,
    /// or `{name, reference}`.
    #[schemars(schema_with = "super::judge::judge_check_schema")]
    Judge(super::judge::JudgeCheck),
}

impl ResponseCheck {
    /// The check's kind, as written in YAML.
    pub fn kind(&self) -> &'static str {
        match self {
            ResponseCheck::Equals(_) => "equals",
            ResponseCheck::Contains(_) => "contains",
            ResponseCheck::NotContains(_) => "not_contains",
            ResponseCheck::Regex(_) => "regex",
            ResponseCheck::JsonSchema(_) => "json_schema",
            ResponseCheck::Similarity(_) => "similarity",
            ResponseCheck::Judge(_) => "judge",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilaritySpec {
    pub expected: String,
    /// Minimum ratio in [0, 1] (default 0.8).
    #[serde(default = "default_similarity")]
    pub min: f64,
}

fn default_similarity() -> f64 {
    0.8
}

/// Where a case came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lineage {
    /// `hand_written`, `production_trace`, `benchmark`, …
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_span_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `kind: benchmark` (written by `evalgate import`): the benchmark's name, its data
    /// version and the item's id in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}
