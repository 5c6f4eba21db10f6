//! The response checks: pass/fail rules, reasons and diffs.

use super::*;
use crate::model::SimilaritySpec;
use serde_json::json;

/// Snapshots live with the scorer's others, in `src/scorer/snapshots/`.
fn snapshot(name: &str, diff: &str) {
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!(name, diff);
    });
}

fn one(check: ResponseCheck, response: Option<&str>) -> Score {
    score_response(&[check], response).remove(0)
}

fn passes(check: ResponseCheck, response: &str) -> bool {
    one(check, Some(response)).status == ScoreStatus::Pass
}

#[test]
fn no_response_fails_every_check_but_not_contains() {
    let checks = [
        ResponseCheck::Equals("x".into()),
        ResponseCheck::Contains("x".into()),
        ResponseCheck::NotContains("x".into()),
        ResponseCheck::Regex("x".into()),
        ResponseCheck::JsonSchema(json!({})),
        ResponseCheck::Similarity(SimilaritySpec {
            expected: "x".into(),
            min: 0.0,
        }),
    ];
    let scores = score_response(&checks, None);
    let names: Vec<&str> = scores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "response.equals",
            "response.contains",
            "response.not_contains",
            "response.regex",
            "response.json_schema",
            "response.similarity",
        ]
    );
    for s in &scores {
        let expect = if s.name == "response.not_contains" {
            ScoreStatus::Pass
        } else {
            ScoreStatus::Fail
        };
        assert_eq!(s.status, expect, "{}", s.name);
        assert!(s.reason.starts_with(NO_RESPONSE), "{}", s.reason);
        assert!(s.blocking);
    }
}

#[test]
fn equals_ignores_surrounding_whitespace_and_diffs_on_mismatch() {
    assert!(passes(ResponseCheck::Equals("Done.".into()), "  Done.\n"));
    let s = one(
        ResponseCheck::Equals("Refund escalated.\nTicket T-1".into()),
        Some("Refund issued.\nTicket T-1"),
    );
    assert_eq!(s.status, ScoreStatus::Fail);
    snapshot("equals_diff", &s.diff.unwrap());
}

#[test]
fn contains_and_not_contains_are_case_sensitive_substrings() {
    assert!(passes(
        ResponseCheck::Contains("escalat".into()),
        "I escalated it"
    ));
    let s = one(
        ResponseCheck::Contains("Escalat".into()),
        Some("I escalated it"),
    );
    assert_eq!(
        s.reason,
        "the response does not contain `Escalat`; it starts `I escalated it`"
    );
    assert!(passes(
        ResponseCheck::NotContains("refund issued".into()),
        "escalated"
    ));
    let s = one(ResponseCheck::NotContains("é".into()), Some("café é"));
    assert_eq!(s.reason, "the response contains `é` (at character 3)");
}

#[test]
fn regex_searches_and_reports_a_bad_pattern() {
    assert!(passes(
        ResponseCheck::Regex("(?i)ESCALAT".into()),
        "we escalated"
    ));
    assert!(!passes(
        ResponseCheck::Regex("^escalat".into()),
        "we escalated"
    ));
    let s = one(ResponseCheck::Regex("(".into()), Some("x"));
    assert_eq!(s.status, ScoreStatus::Fail);
    assert!(s.reason.starts_with("invalid regex `(`"), "{}", s.reason);
}

#[test]
fn json_schema_tolerates_fences_and_lists_errors() {
    let schema = json!({
        "type": "object",
        "required": ["days", "city"],
        "properties": {"days": {"type": "integer", "maximum": 7}, "city": {"type": "string"}},
        "additionalProperties": false
    });
    let check = || ResponseCheck::JsonSchema(schema.clone());
    assert!(passes(check(), r#"{"days": 3, "city": "Oslo"}"#));
    assert!(passes(
        check(),
        "```json\n{\"days\": 3, \"city\": \"Oslo\"}\n```"
    ));
    assert!(passes(
        check(),
        "```\n{\"days\": 3, \"city\": \"Oslo\"}\n```"
    ));
    let s = one(check(), Some(r#"{"days": 9, "extra": 1}"#));
    assert_eq!(s.status, ScoreStatus::Fail);
    assert!(
        s.reason
            .starts_with("the response does not match the schema: "),
        "{}",
        s.reason
    );
    assert!(
        s.reason
            .contains("`/days`: 9 is greater than the maximum of 7"),
        "{}",
        s.reason
    );
    assert!(s.reason.contains("`(root)`: "), "{}", s.reason);
    let s = one(check(), Some("sure! here it is"));
    assert!(
        s.reason.starts_with("the response is not JSON ("),
        "{}",
        s.reason
    );
    let s = one(
        ResponseCheck::JsonSchema(json!({"type": "nope"})),
        Some("{}"),
    );
    assert!(
        s.reason.starts_with("invalid JSON Schema: "),
        "{}",
        s.reason
    );
}

#[test]
fn similarity_is_the_similar_ratio_with_a_diff_on_failure() {
    let spec = |min| {
        ResponseCheck::Similarity(SimilaritySpec {
            expected: "abcd".into(),
            min,
        })
    };
    // `similar`'s own example: "abcd" vs "bcde" → 0.75.
    let s = one(spec(0.75), Some("bcde"));
    assert_eq!((s.status, s.value), (ScoreStatus::Pass, Some(0.75)));
    assert_eq!(s.reason, "similarity 0.75 ≥ 0.75");
    assert!(s.diff.is_none());
    let s = one(spec(0.8), Some("bcde"));
    assert_eq!(s.status, ScoreStatus::Fail);
    assert_eq!(s.reason, "similarity 0.75 < 0.80");
    snapshot("similarity_diff", &s.diff.unwrap());
    assert_eq!(one(spec(1.0), Some(" abcd ")).value, Some(1.0));
    // 7 of 10 characters match: exactly 0.7, which f32 would round below 0.7.
    let s = one(
        ResponseCheck::Similarity(SimilaritySpec {
            expected: "abcdefghij".into(),
            min: 0.7,
        }),
        Some("abcdefgxyz"),
    );
    assert_eq!((s.status, s.value), (ScoreStatus::Pass, Some(0.7)));
}

#[test]
fn similarity_of_long_texts_finishes() {
    let a: String = (0..20_000)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    let b: String = (0..20_000)
        .map(|i| char::from(b'a' + (i * 11 % 26) as u8))
        .collect();
    // Bounded by the diff deadline: without it this would take minutes.
    let r = similarity(&a, &b);
    assert!((0.0..=1.0).contains(&r));
}
