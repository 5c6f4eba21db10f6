//! An expected call of a trajectory expectation and the items of `calls` (a call or an
//! `any_order` block), with the per-call fields that refine how it is scored.
//!
//! The wire form is decided by a hand-written `TryFrom` (its own messages, never `untagged`).

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
    pub name: String,
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
    name: Option<String>,
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
            (Some(name), _, None) if !name.is_empty() => Ok(ExpectItem::Call(ExpectedCall {
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
