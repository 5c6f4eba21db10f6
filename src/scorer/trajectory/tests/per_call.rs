//! Per-call fields of an expected call (`args_mode`, …): each changes only its own call's
//! s(e, a); an expectation that does not use them scores as before.

use super::*;
use crate::model::ArgsMode;

#[test]
fn a_calls_args_mode_overrides_the_expectations() {
    let a = json!([
        {"name": "w", "arguments": {"city": "Paris", "unit": "c"}},
        {"name": "log", "arguments": {"level": "debug"}},
    ]);
    // Expectation-wide exact; `log` ignores its arguments, `w` stays exact: s = 1/2 and 1.
    let s = run(
        json!({"args_mode": "exact", "calls": [
            {"name": "w", "args": {"city": "Paris"}},
            {"name": "log", "args": {"level": "info"}, "args_mode": "ignore"},
        ]}),
        a.clone(),
    );
    assert!(close(s.metrics.arg_accuracy, 0.75), "{:?}", s.metrics);
    assert_eq!(s.alignment[0].kind, AlignKind::WrongArgs);
    assert_eq!(s.alignment[1].kind, AlignKind::Matched);
    // Expectation-wide subset; `w` asks for exact, so its extra `unit` counts (s = 1/2).
    let s = run(
        json!({"calls": [
            {"name": "w", "args": {"city": "Paris"}, "args_mode": "exact"},
            {"name": "log", "args": {"level": "debug"}},
        ]}),
        a,
    );
    assert!(close(s.metrics.arg_accuracy, 0.75), "{:?}", s.metrics);
    assert_eq!(s.alignment[0].differing_keys, ["unit"]);
    insta::assert_snapshot!(s.explanation, @r#"`w` #1: `unit` not expected (got `"c"`)."#);
}

#[test]
fn args_mode_is_a_field_of_a_call_not_of_a_block() {
    let err = serde_json::from_value::<TrajectoryExpect>(json!({"calls": [
        {"any_order": [{"name": "a"}], "args_mode": "exact"},
    ]}))
    .unwrap_err();
    assert!(err.to_string().contains("not both"), "{err}");
    let e = expect(json!({"calls": [{"any_order": [{"name": "a", "args_mode": "ignore"}]}]}));
    assert_eq!(e.flat_calls()[0].1.args_mode, Some(ArgsMode::Ignore));
}

#[test]
fn compare_counts_only_its_keys() {
    let a = json!([{"name": "refund", "arguments": {"id": "R1", "amount": 90, "note": "x"}}]);
    let args = json!({"id": "R1", "amount": 100, "reason": "dup"});
    let with = |compare: Value, mode: &str| {
        run(
            json!({"args_mode": mode, "calls": [{"name": "refund", "args": args, "compare": compare}]}),
            a.clone(),
        )
    };
    // Without `compare`: 1 of 3 keys (`amount` differs, `reason` missing).
    let s = run(
        json!({"calls": [{"name": "refund", "args": args}]}),
        a.clone(),
    );
    assert!(close(s.metrics.arg_accuracy, 1.0 / 3.0));
    // `id` alone: a full match, even in exact mode (`note` is outside `compare`).
    for mode in ["subset", "exact"] {
        let s = with(json!(["id"]), mode);
        assert_eq!(s.metrics.arg_accuracy, 1.0, "{mode}");
        assert_eq!(s.metrics.strict_recall, 1.0, "{mode}");
    }
    // `id` and `amount`: s = 1/2, and the explanation names `amount` only.
    let s = with(json!(["id", "amount"]), "exact");
    assert!(close(s.metrics.arg_accuracy, 0.5));
    assert_eq!(s.alignment[0].differing_keys, ["amount"]);
    insta::assert_snapshot!(s.explanation, @"`refund` #1: `amount` expected `100`, got `90`.");
    // `[]`: the name alone.
    let s = with(json!([]), "exact");
    assert_eq!(s.metrics.arg_accuracy, 1.0);
    assert!(s.checks.exact);
}

#[test]
fn status_counts_as_one_more_key() {
    let a = json!([{"name": "issue_refund", "arguments": {"id": "R1", "amount": 90}, "status": "error"}]);
    let with = |args: Value, status: &str| {
        run(
            json!({"calls": [{"name": "issue_refund", "args": args, "status": status}]}),
            a.clone(),
        )
    };
    // Arguments right, status wrong: 2 of 3 keys, not a full match.
    let s = with(json!({"id": "R1", "amount": 90}), "ok");
    assert!(close(s.metrics.arg_accuracy, 2.0 / 3.0), "{:?}", s.metrics);
    assert_eq!(s.metrics.strict_recall, 0.0);
    assert!(!s.checks.exact);
    assert_eq!(s.alignment[0].kind, AlignKind::WrongArgs);
    insta::assert_snapshot!(s.explanation, @"`issue_refund` #1: expected status `ok`, got `error`.");
    // One argument and the status wrong: 1 of 3, both said.
    let s = with(json!({"id": "R1", "amount": 100}), "ok");
    assert!(close(s.metrics.arg_accuracy, 1.0 / 3.0), "{:?}", s.metrics);
    insta::assert_snapshot!(s.explanation, @"`issue_refund` #1: `amount` expected `100`, got `90`; expected status `ok`, got `error`.");
    // The expected status: a full match.
    let s = with(json!({"id": "R1", "amount": 90}), "error");
    assert_eq!(s.metrics.strict_recall, 1.0);
    assert!(s.checks.exact);
    // The key count follows the mode and `compare`: exact counts `amount` (1 of 3), compare
    // keeps `id` alone (1 of 2).
    let one = json!({"name": "issue_refund", "args": {"id": "R1"}, "status": "ok"});
    let mut exact = one.clone();
    exact["args_mode"] = json!("exact");
    let s = run(json!({"calls": [exact]}), a.clone());
    assert!(close(s.metrics.arg_accuracy, 1.0 / 3.0), "{:?}", s.metrics);
    let mut compared = one;
    compared["args"]["amount"] = json!(100);
    compared["compare"] = json!(["id"]);
    let s = run(json!({"calls": [compared]}), a.clone());
    assert!(close(s.metrics.arg_accuracy, 0.5), "{:?}", s.metrics);
    // No `args`: the status is the only key (s = 0 or 1).
    let s = run(
        json!({"calls": [{"name": "issue_refund", "status": "ok"}]}),
        a.clone(),
    );
    assert_eq!(s.metrics.arg_accuracy, 0.0);
    assert_eq!(s.metrics.tool_recall, 1.0);
}
