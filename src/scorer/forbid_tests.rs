//! Conditional `forbid`: which calls an item matches (name, pattern, argument matchers with the
//! missing-key semantics of `subset`) and the reason of the check.

use super::*;
use crate::model::TrajectoryExpect;
use serde_json::{Value, json};

fn expect(v: Value) -> TrajectoryExpect {
    serde_json::from_value(v).unwrap()
}

fn calls(v: Value) -> Vec<ToolCall> {
    serde_json::from_value(v).unwrap()
}

fn hit_calls(e: &TrajectoryExpect, a: &[ToolCall]) -> Vec<usize> {
    forbidden(e, a).iter().map(|h| h.call).collect()
}

#[test]
fn a_conditional_item_matches_only_calls_whose_arguments_all_hold() {
    let e = expect(json!({"forbid": [{"name": "issue_refund", "args": {"amount": {"gt": 500}}}]}));
    let a = calls(json!([
        {"name": "issue_refund", "arguments": {"amount": 20}},
        {"name": "lookup", "arguments": {"amount": 900}},
        {"name": "issue_refund", "arguments": {"amount": 740}},
        // Missing key: as in `subset`, it does not match `gt`, so the call is allowed.
        {"name": "issue_refund", "arguments": {}},
        {"name": "issue_refund", "arguments": {"amount": "740"}}
    ]));
    assert_eq!(hit_calls(&e, &a), [2]);
    assert_eq!(
        reason(&e, &a, &forbidden(&e, &a)),
        "forbidden call made: call #3 `issue_refund` is forbidden: `amount` 740 > 500"
    );
}

#[test]
fn every_listed_argument_must_hold_and_absence_can_be_asked_for() {
    let e = expect(json!({"forbid": [{
        "name": "transfer",
        "args": {"to": {"regex": "^ext-"}, "currency": "usd", "approved_by": {"any": false}}
    }]}));
    let a = calls(json!([
        {"name": "transfer", "arguments": {"to": "ext-9", "currency": "usd", "approved_by": "ana"}},
        {"name": "transfer", "arguments": {"to": "int-1", "currency": "usd"}},
        {"name": "transfer", "arguments": {"to": "ext-9", "currency": "usd"}}
    ]));
    assert_eq!(hit_calls(&e, &a), [2]);
    assert_eq!(
        reason(&e, &a, &forbidden(&e, &a)),
        "forbidden call made: call #3 `transfer` is forbidden: `approved_by` absent, `currency` is `\"usd\"`, `to` \"ext-9\" matches regex `^ext-`"
    );
}

#[test]
fn a_name_pattern_forbids_every_tool_it_finds() {
    let e = expect(json!({"forbid": [{"name": {"regex": "^delete_"}}, "drop_table"]}));
    let a = calls(json!([
        {"name": "delete_user"},
        {"name": "undelete_user"},
        {"name": "drop_table"},
        {"name": "drop_table"}
    ]));
    assert_eq!(hit_calls(&e, &a), [0, 2, 3]);
    assert_eq!(
        reason(&e, &a, &forbidden(&e, &a)),
        "forbidden call made: call #1 `delete_user` is forbidden: its name matches /^delete_/; `drop_table` was called (calls #3, #4)"
    );
}

#[test]
fn plain_names_keep_their_wording_and_the_pass_reason_lists_every_item() {
    let e = expect(json!({"forbid": [
        "refund",
        {"name": "issue_refund", "args": {"amount": {"gt": 500}, "currency": "usd"}},
        {"name": {"regex": "^admin_"}}
    ]}));
    assert_eq!(
        reason(&e, &[], &[]),
        "none of `refund`, `issue_refund` with `amount` > 500 and `currency` = `\"usd\"`, a call matching /^admin_/ was called"
    );
    let a = calls(json!([{"name": "refund"}]));
    assert_eq!(
        reason(&e, &a, &forbidden(&e, &a)),
        "forbidden tool called: `refund` was called (call #1)"
    );
}

#[test]
fn the_mapping_form_is_strict_and_round_trips() {
    let bad = |v: Value| {
        serde_json::from_value::<TrajectoryExpect>(v)
            .unwrap_err()
            .to_string()
    };
    assert!(
        bad(json!({"forbid": [{"name": "x", "arg": {}}]})).starts_with("unknown field `arg`"),
        "{}",
        bad(json!({"forbid": [{"name": "x", "arg": {}}]}))
    );
    assert!(bad(json!({"forbid": [{"args": {}}]})).starts_with("missing field `name`"));
    assert!(bad(json!({"forbid": [""]})).starts_with("a `forbid` tool name must not be empty"));
    assert!(
        bad(json!({"forbid": [{"name": "x", "args": {"a": {"regex": "("}}}]}))
            .starts_with("in `a`: invalid regex `(`")
    );
    let text = json!({"forbid": [
        "refund",
        {"name": "issue_refund", "args": {"amount": {"gt": 500}}},
        {"name": {"regex": "^admin_"}}
    ]});
    let back = serde_json::to_value(expect(text.clone())).unwrap();
    assert_eq!(back["forbid"], text["forbid"]);
}
