//! The wire forms of a call's name and of `forbid` items: what they read, how they are written
//! back (what promote and the importers emit), and the words they print.

use super::*;
use crate::model::TrajectoryExpect;
use serde_json::{Value, json};

fn read(v: Value) -> TrajectoryExpect {
    serde_json::from_value(v).unwrap()
}

#[test]
fn names_are_exact_or_patterns_with_search_semantics() {
    let t = read(json!({"calls": [
        {"name": "refund"},
        {"name": {"regex": "refund"}},
        {"name": {"regex": "^refund$"}}
    ]}));
    let names: Vec<&CallName> = t.flat_calls().into_iter().map(|(_, c)| &c.name).collect();
    assert!(names[0].matches("refund") && !names[0].matches("issue_refund"));
    assert!(names[1].matches("issue_refund"));
    assert!(names[2].matches("refund") && !names[2].matches("issue_refund"));
    assert_eq!(names[0].phrase(), "`refund`");
    assert_eq!(names[1].phrase(), "a call matching /refund/");
    assert_eq!(names[2].label(), "/^refund$/");
    assert!(CallName::any().matches("") && CallName::any().matches("anything"));
    assert_eq!(
        CallName::pattern("^a").unwrap(),
        CallName::pattern("^a").unwrap()
    );
    assert_ne!(CallName::pattern("a").unwrap(), CallName::from("a"));
}

#[test]
fn names_and_forbid_items_are_written_as_they_are_read() {
    let text = json!({
        "calls": [{"name": "lookup"}, {"name": {"regex": ".*"}, "args": {"x": 1}}],
        "forbid": [
            "delete",
            {"name": "issue_refund", "args": {"amount": {"gt": 500}}},
            {"name": {"regex": "^admin_"}}
        ]
    });
    let v = serde_json::to_value(read(text.clone())).unwrap();
    assert_eq!(v["calls"], text["calls"]);
    assert_eq!(v["forbid"], text["forbid"]);
    let built = ForbidCall {
        name: CallName::any(),
        args: None,
    };
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!({"name": {"regex": ".*"}})
    );
}

#[test]
fn bad_names_say_what_a_name_is() {
    let err = |v: Value| {
        serde_json::from_value::<TrajectoryExpect>(v)
            .unwrap_err()
            .to_string()
    };
    let name = |n: Value| err(json!({"calls": [{"name": n}]}));
    assert!(name(json!({"regex": "("})).contains("invalid regex `(`"));
    assert!(name(json!({})).contains("a name mapping needs `regex"));
    assert!(name(json!(["a"])).contains("a tool name or `{regex: \"<pattern>\"}`"));
    assert!(name(json!("")).contains("a call's `name` must not be empty"));
    assert!(
        err(json!({"forbid": [{"name": ""}]}))
            .contains("a `forbid` call's `name` must not be empty")
    );
}
