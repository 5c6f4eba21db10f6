//! The line format of `evalgate score` (DESIGN §4, last paragraph): one JSON pair in, one JSON
//! score out.
//!
//! Input `{"id", "expected": <trajectory expectation as in a case>, "actual": [{"name",
//! "arguments", "status"?}]}`; output `{"id", "metrics", "checks", "explanation", "scores",
//! "passed"}`: the keys of the spec, then the trajectory checks exactly as `evalgate run` reports
//! them for a case and its trajectory verdict (both from `trajectory_verdict`, the function runs
//! use), followed by any other top-level keys of the input line as they were (a pair's metadata
//! such as `category`); unknown keys inside `expected` stay errors. Owns the strict parsing of a line (errors name the field) and nothing
//! else: reading files, writing stdout and exit codes belong to `cli`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{
    CallStatus, ExpectItem, Score, ToolCall, TrajectoryChecks, TrajectoryExpect, TrajectoryMetrics,
};

use super::{TrajectoryVerdict, trajectory_verdict};

const FIELDS: &str = "`id`, `expected`, `actual`";

/// One actual call as written in a pair line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActualCall {
    name: String,
    #[serde(default)]
    arguments: Value,
    #[serde(default)]
    status: CallStatus,
    /// Accepted (logs carry it) and ignored.
    #[serde(default)]
    #[expect(dead_code, reason = "accepted for log compatibility, not scored")]
    result: Option<Value>,
}

/// The output line; field order is the documented key order, then the input's extra keys.
#[derive(Serialize)]
struct PairScore<'a> {
    id: &'a Value,
    metrics: &'a TrajectoryMetrics,
    checks: &'a TrajectoryChecks,
    explanation: &'a str,
    /// `trajectory.<match>`, `trajectory.forbid`, … as in a run's case result.
    scores: &'a [Score],
    /// Every one of `scores` passed: the trajectory verdict `evalgate run` gives the case.
    passed: bool,
}

/// Keys of the output line, which an input line's metadata cannot replace.
const OUTPUT_KEYS: [&str; 5] = ["metrics", "checks", "explanation", "scores", "passed"];

/// Scores one input line and returns the output line (without a trailing newline). The error
/// names the problem and the field (`` `expected`: unknown field `cals`, expected one of … ``).
pub fn score_pair_line(line: &str) -> Result<String, String> {
    let value: Value = serde_json::from_str(crate::input::strip_bom(line))
        .map_err(|e| format!("line is not JSON: {}", crate::input::json_error(&e)))?;
    let Value::Object(mut obj) = value else {
        return Err(format!(
            "a line must be a JSON object with {FIELDS}, got `{}`",
            kind(&value)
        ));
    };
    if let Some(key) = obj.keys().find(|k| OUTPUT_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "field `{key}` is a key of the output line; a line has {FIELDS} and metadata under other names"
        ));
    }
    let id = take(&mut obj, "id")?;
    let expected = take(&mut obj, "expected")?;
    let expect = parse_expected(&expected)?;
    let actual = parse_actual(take(&mut obj, "actual")?)?;
    let TrajectoryVerdict {
        score,
        checks,
        passed,
    } = trajectory_verdict(&expect, &actual);
    let out = PairScore {
        id: &id,
        metrics: &score.metrics,
        checks: &score.checks,
        explanation: &score.explanation,
        scores: &checks,
        passed,
    };
    let mut line =
        serde_json::to_string(&out).map_err(|e| format!("cannot write the score: {e}"))?;
    // The extra keys go after the spec's, in the input's (sorted) key order.
    line.pop();
    for (key, value) in &obj {
        line.push(',');
        line.push_str(&Value::String(key.clone()).to_string());
        line.push(':');
        line.push_str(&value.to_string());
    }
    line.push('}');
    Ok(line)
}

fn take(obj: &mut Map<String, Value>, key: &str) -> Result<Value, String> {
    obj.remove(key)
        .ok_or_else(|| format!("missing field `{key}` (a line has {FIELDS})"))
}

fn parse_expected(expected: &Value) -> Result<TrajectoryExpect, String> {
    serde_json::from_value::<TrajectoryExpect>(expected.clone()).map_err(|e| {
        // Point at the offending item of `calls` when there is one.
        let items = expected.get("calls").and_then(Value::as_array);
        let bad = items
            .into_iter()
            .flatten()
            .enumerate()
            .find_map(|(i, item)| {
                serde_json::from_value::<ExpectItem>(item.clone())
                    .err()
                    .map(|e| format!("`expected.calls[{i}]`: {e}"))
            });
        bad.unwrap_or_else(|| format!("`expected`: {e}"))
    })
}

fn parse_actual(actual: Value) -> Result<Vec<ToolCall>, String> {
    let Value::Array(items) = actual else {
        return Err(format!(
            "`actual` must be a list of calls `{{\"name\", \"arguments\", \"status\"}}`, got `{}`",
            kind(&actual)
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let call: ActualCall =
                serde_json::from_value(item).map_err(|e| format!("`actual[{i}]`: {e}"))?;
            // Provider logs often carry arguments as a JSON string; the edge parses them once.
            let arguments = match call.arguments {
                Value::String(s) => serde_json::from_str(&s).map_err(|e| {
                    format!("`actual[{i}].arguments`: a string must hold JSON arguments: {e}")
                })?,
                other => other,
            };
            Ok(ToolCall {
                name: call.name,
                arguments,
                status: call.status,
                result: None,
            })
        })
        .collect()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(v: Value) -> Value {
        serde_json::from_str(&score_pair_line(&v.to_string()).unwrap()).unwrap()
    }

    #[test]
    fn extra_top_level_keys_pass_through_after_the_score() {
        let line = r#"{"perturbation":{"kind":"swap"},"id":"p1","category":"refund","expected":{"calls":[{"name":"a"}]},"actual":[{"name":"a"}]}"#;
        let out = score_pair_line(line).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 8, "{out}");
        assert!(out.starts_with(r#"{"id":"p1","metrics":"#), "{out}");
        assert!(
            out.ends_with(r#","category":"refund","perturbation":{"kind":"swap"}}"#),
            "{out}"
        );
    }

    #[test]
    fn output_has_exactly_the_spec_keys_in_order() {
        let line =
            json!({"id": 7, "expected": {"calls": [{"name": "f"}]}, "actual": [{"name": "f"}]});
        let out = score_pair_line(&line.to_string()).unwrap();
        assert!(out.starts_with(r#"{"id":7,"metrics":{"tool_recall":1.0,"tool_precision":1.0,"tool_f1":1.0,"arg_accuracy":1.0,"strict_recall":1.0,"ordering":1.0,"efficiency":1.0,"redundant_calls":0},"checks":{"exact":true,"in_order":true,"any_order":true,"superset":true,"subset":true,"unordered":true,"covers":true},"explanation":"#), "{out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 6);
        assert!(
            out.contains(r#"matched.","scores":[{"name":"trajectory.in_order""#),
            "{out}"
        );
        assert!(out.ends_with(r#"}],"passed":true}"#), "{out}");
        assert_eq!(v["passed"], true);
        assert_eq!(v["scores"][0]["name"], "trajectory.in_order");
        assert_eq!(v["scores"][0]["status"], "pass");
    }

    #[test]
    fn id_is_echoed_as_given() {
        for id in [
            json!("a-1"),
            json!(3),
            json!(null),
            json!({"run": 1, "case": "x"}),
        ] {
            let out = run(json!({"id": id, "expected": {}, "actual": []}));
            assert_eq!(out["id"], id);
        }
    }

    #[test]
    fn swapped_calls_score_like_the_spec() {
        let out = run(json!({
            "id": "swapped",
            "expected": {"calls": [{"name": "search", "args": {"q": "a"}}, {"name": "book"}]},
            "actual": [{"name": "book", "arguments": "{}"}, {"name": "search", "arguments": {"q": "a"}, "status": "ok"}]
        }));
        assert_eq!(out["metrics"]["ordering"], 0.5);
        assert_eq!(out["metrics"]["tool_f1"], 1.0);
        assert_eq!(out["checks"]["in_order"], false);
        assert_eq!(out["checks"]["unordered"], true);
        assert!(
            out["explanation"]
                .as_str()
                .unwrap()
                .contains("out of order")
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let err = |s: &str| score_pair_line(s).unwrap_err();
        assert!(
            err("{nope").starts_with("line is not JSON: "),
            "{}",
            err("{nope")
        );
        assert_eq!(
            err("[1]"),
            "a line must be a JSON object with `id`, `expected`, `actual`, got `a list`"
        );
        let e = err(r#"{"id":1,"expected":{"cals":[]},"actual":[]}"#);
        assert!(
            e.starts_with("`expected`: unknown field `cals`, expected one of `match`, `calls`"),
            "{e}"
        );
        let e = err(r#"{"id":1,"expected":{},"actual":[],"checks":1}"#);
        assert_eq!(
            e,
            "field `checks` is a key of the output line; a line has `id`, `expected`, `actual` and metadata under other names"
        );
        let e = err(r#"{"id":1,"expected":{}}"#);
        assert!(e.starts_with("missing field `actual`"), "{e}");
        let e = err(r#"{"id":1,"expected":{},"actual":[{"name":"f"},{"nam":"g"}]}"#);
        assert!(e.starts_with("`actual[1]`: unknown field `nam`"), "{e}");
        let e = err(
            r#"{"id":1,"expected":{"calls":[{"name":"f"},{"name":"g","args":{"x":{"regex":"("}}}]},"actual":[]}"#,
        );
        assert!(
            e.starts_with("`expected.calls[1]`: in `x`: invalid regex `(`"),
            "{e}"
        );
        let e = err(r#"{"id":1,"expected":{"match":"fuzzy"},"actual":[]}"#);
        assert!(
            e.starts_with("`expected`: unknown variant `fuzzy`, expected one of `exact`"),
            "{e}"
        );
        let e = err(r#"{"id":1,"expected":{},"actual":[{"name":"f","status":"failed"}]}"#);
        assert!(
            e.starts_with("`actual[0]`: unknown variant `failed`, expected `ok` or `error`"),
            "{e}"
        );
        let e = err(r#"{"id":1,"expected":{},"actual":[{"name":"f","arguments":"{x"}]}"#);
        assert!(
            e.starts_with("`actual[0].arguments`: a string must hold JSON arguments"),
            "{e}"
        );
    }

    #[test]
    fn passed_is_the_run_verdict_with_the_dataset_level_checks() {
        // The match check passes, but `forbid`, `min_calls` and `no_redundant_calls` fail: the
        // line says so as `evalgate run` would, one score each.
        let out = run(json!({
            "id": "v",
            "expected": {
                "match": "superset",
                "calls": [{"name": "lookup"}],
                "forbid": [{"name": "issue_refund", "args": {"amount": {"gt": 500}}}],
                "min_calls": 4,
                "no_redundant_calls": true
            },
            "actual": [
                {"name": "lookup", "arguments": {"id": 1}},
                {"name": "lookup", "arguments": {"id": 1}},
                {"name": "issue_refund", "arguments": {"amount": 740}}
            ]
        }));
        assert_eq!(out["checks"]["superset"], true);
        assert_eq!(out["passed"], false);
        let scores: Vec<(&str, &str)> = out["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            scores,
            [
                ("trajectory.superset", "pass"),
                ("trajectory.forbid", "fail"),
                ("trajectory.min_calls", "fail"),
                ("trajectory.no_redundant_calls", "fail")
            ]
        );
        assert_eq!(
            out["scores"][1]["reason"],
            "forbidden call made: call #3 `issue_refund` is forbidden: `amount` 740 > 500"
        );
        // The same expectation in a case gives the same verdict (one function decides both).
        let expect: TrajectoryExpect = serde_json::from_value(json!({
            "match": "superset",
            "calls": [{"name": "lookup"}],
            "forbid": [{"name": "issue_refund", "args": {"amount": {"gt": 500}}}],
            "min_calls": 4,
            "no_redundant_calls": true
        }))
        .unwrap();
        let case = crate::model::Case {
            id: "v".into(),
            tags: vec![],
            tier: None,
            input: crate::model::Input::Text("x".into()),
            tools: Vec::new(),
            headers: Default::default(),
            expect: crate::model::Expect {
                trajectory: Some(expect),
                response: vec![],
            },
            source: None,
            review: None,
            fixtures: vec![],
            loc: Default::default(),
        };
        let calls = parse_actual(out_actual()).unwrap();
        let scoring = crate::scorer::score_case(
            &case,
            &crate::model::Trajectory {
                calls,
                ..Default::default()
            },
        );
        assert_eq!(scoring.outcome, crate::model::Outcome::Failed);
        let names: Vec<&str> = scoring.scores.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, scores.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    }

    fn out_actual() -> Value {
        json!([
            {"name": "lookup", "arguments": {"id": 1}},
            {"name": "lookup", "arguments": {"id": 1}},
            {"name": "issue_refund", "arguments": {"amount": 740}}
        ])
    }

    #[test]
    fn passed_follows_the_match_check_alone_when_nothing_else_is_asked() {
        let line = |actual: Value| {
            run(
                json!({"id": 1, "expected": {"calls": [{"name": "a"}, {"name": "b"}]}, "actual": actual}),
            )
        };
        assert_eq!(line(json!([{"name": "a"}, {"name": "b"}]))["passed"], true);
        assert_eq!(line(json!([{"name": "b"}, {"name": "a"}]))["passed"], false);
        let e = score_pair_line(r#"{"id":1,"expected":{},"actual":[],"passed":true}"#).unwrap_err();
        assert!(
            e.starts_with("field `passed` is a key of the output line"),
            "{e}"
        );
    }
}
