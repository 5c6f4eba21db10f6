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
