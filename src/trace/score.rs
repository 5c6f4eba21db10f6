//! Trace-native scoring: one [`TraceRecord`] + the rules that match it → one [`CaseResult`],
//! with the same scorer live runs use (`scorer::score_case`), so the same policy and reports
//! apply. Pure.
//!
//! Every trace gets the built-in `trace.status` check (no span ended with status ERROR); each
//! matching rule adds its expectations' scores, named `<rule id>: <score name>`. The case id is
//! the trace id, which `promote --results` reads back.

use std::collections::BTreeMap;

use regex::Regex;

use crate::model::{
    Case, CaseResult, Input, MetricName, Outcome, Score, ScoreStatus, TraceRecord, TraceRule,
    TraceRules,
};

/// Rules with their input regexes compiled once.
pub struct CompiledRules<'a> {
    rules: Vec<(&'a TraceRule, Option<Regex>)>,
    path: &'a std::path::Path,
}

impl<'a> CompiledRules<'a> {
    /// Compiles the rules; `config::load_rules` has already checked every regex.
    pub fn new(rules: &'a TraceRules) -> CompiledRules<'a> {
        CompiledRules {
            rules: rules
                .rules
                .iter()
                .map(|r| {
                    (
                        r,
                        r.when.input.as_deref().and_then(|re| Regex::new(re).ok()),
                    )
                })
                .collect(),
            path: &rules.path,
        }
    }

    fn matching(&self, rec: &TraceRecord) -> Vec<&'a TraceRule> {
        self.rules
            .iter()
            .filter_map(|(rule, re)| {
                let input_ok = re
                    .as_ref()
                    .is_none_or(|re| rec.inputs.iter().any(|t| re.is_match(t)));
                let attrs_ok = rule.when.attributes.iter().all(|(k, want)| {
                    rec.attributes.get(k).is_some_and(|v| match v {
                        serde_json::Value::String(s) => s == want,
                        other => want.as_str() == other.to_string().as_str(),
                    })
                });
                (input_ok && attrs_ok).then_some(*rule)
            })
            .collect()
    }
}

/// Scores one trace.
pub fn score_trace(rec: &TraceRecord, rules: &CompiledRules<'_>) -> CaseResult {
    let traj = &rec.trajectory;
    let mut scores = vec![Score::check(
        "trace.status".to_string(),
        rec.error.is_none(),
        match &rec.error {
            Some(e) => format!("a span ended with status ERROR: {e}"),
            None => "no span ended with status ERROR".to_string(),
        },
    )];
    let mut metrics: BTreeMap<MetricName, f64> = BTreeMap::new();
    let mut tags = Vec::new();
    let mut line = 0;
    for rule in rules.matching(rec) {
        tags.push(rule.id.clone());
        if line == 0 {
            line = rule.line;
        }
        let case = Case {
            id: rule.id.clone(),
            tags: Vec::new(),
            tier: None,
            input: Input::Text(rec.inputs.last().cloned().unwrap_or_default()),
            tools: Vec::new(),
            headers: Default::default(),
            expect: rule.expect.clone(),
            source: None,
            review: None,
            fixtures: Vec::new(),
            loc: Default::default(),
        };
        let scoring = crate::scorer::score_case(&case, traj);
        scores.extend(scoring.scores.into_iter().map(|mut s| {
            s.name = format!("{}: {}", rule.id, s.name);
            s
        }));
        // Several rules on one trace: a metric is as good as its worst rule.
        for (m, v) in scoring.metrics {
            metrics
                .entry(m)
                .and_modify(|old| *old = old.min(v))
                .or_insert(v);
        }
        // The rule-level flag is the scorer's own check (the one a case's
        // `trajectory.no_redundant_calls` runs), unless the expectation already asks for it.
        let asked = rule
            .expect
            .trajectory
            .as_ref()
            .is_some_and(|t| t.no_redundant_calls);
        if rule.no_redundant_calls && !asked {
            let mut s = crate::scorer::redundant_check(&traj.calls);
            s.name = format!("{}: {}", rule.id, s.name);
            scores.push(s);
        }
    }
    let failed = scores
        .iter()
        .any(|s| s.blocking && s.status != ScoreStatus::Pass);
    metrics.insert(MetricName::TaskSuccess, if failed { 0.0 } else { 1.0 });
    CaseResult {
        suite: "traces".to_string(),
        case_id: rec.trace_id.clone(),
        trial: 0,
        file: rules.path.to_path_buf(),
        line,
        tags,
        tier: None,
        input: rec.inputs.last().cloned().unwrap_or_default(),
        outcome: if failed {
            Outcome::Failed
        } else {
            Outcome::Passed
        },
        error: None,
        trajectory: Some(traj.clone()),
        trajectory_score: None,
        scores,
        metrics,
        judge_metrics: Default::default(),
        duration_ms: traj.latency_ms,
        attempts: 1,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    #[test]
    fn refund_rule_flags_the_issue_refund_trace_only() {
        let rules = crate::config::load_rules(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/traces/rules.yaml"),
            Path::new("rules.yaml"),
        )
        .unwrap();
        let compiled = CompiledRules::new(&rules);
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/traces/genai.jsonl");
        let (recs, _) = crate::trace::read_all(&[p]).unwrap();
        let results: Vec<CaseResult> = recs.iter().map(|r| score_trace(r, &compiled)).collect();
        let refund = &results[0];
        assert_eq!(refund.outcome, Outcome::Failed);
        assert_eq!(
            refund.tags,
            ["refund-over-500-escalates", "at-most-4-calls"]
        );
        let failed: Vec<&str> = refund
            .scores
            .iter()
            .filter(|s| s.status == ScoreStatus::Fail)
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "trace.status",
                "refund-over-500-escalates: trajectory.superset",
                "refund-over-500-escalates: trajectory.forbid"
            ]
        );
        // The $20 refund matches no refund rule and passes.
        let small = results.iter().find(|r| r.input.contains("$20")).unwrap();
        assert_eq!(small.outcome, Outcome::Passed, "{:?}", small.scores);
        assert_eq!(small.tags, ["at-most-4-calls"]);
    }

    #[test]
    fn a_rules_no_redundant_calls_is_the_scorers_check() {
        let rules: TraceRules = serde_json::from_value(serde_json::json!({"rules": [
            {"id": "r", "no_redundant_calls": true},
            {"id": "both", "no_redundant_calls": true,
             "expect": {"trajectory": {"no_redundant_calls": true}}}
        ]}))
        .unwrap();
        let compiled = CompiledRules::new(&rules);
        let rec = |calls: serde_json::Value| TraceRecord {
            trace_id: "t".into(),
            root_span_id: None,
            service: None,
            started_at: None,
            inputs: vec!["hi".into()],
            trajectory: crate::model::Trajectory {
                calls: serde_json::from_value(calls).unwrap(),
                ..Default::default()
            },
            attributes: Default::default(),
            error: None,
        };
        let redundant = |r: &CaseResult| -> Vec<(String, ScoreStatus, String)> {
            r.scores
                .iter()
                .filter(|s| s.name.ends_with("no_redundant_calls"))
                .map(|s| (s.name.clone(), s.status, s.reason.clone()))
                .collect()
        };
        // A retry after an error is not redundant (as in cases); a repeat of an `ok` call is,
        // and the check is said once per rule even when the expectation asks for it too.
        let retry = score_trace(
            &rec(serde_json::json!([{"name": "f", "status": "error"}, {"name": "f"}])),
            &compiled,
        );
        assert!(
            redundant(&retry)
                .iter()
                .all(|(_, s, _)| *s == ScoreStatus::Pass)
        );
        let repeat = score_trace(
            &rec(
                serde_json::json!([{"name": "f", "arguments": {"x": 1}}, {"name": "f", "arguments": {"x": 1.0}}]),
            ),
            &compiled,
        );
        let want = "`f` call #2 repeats #1 (same name and arguments)".to_string();
        assert_eq!(
            redundant(&repeat),
            [
                (
                    "r: trajectory.no_redundant_calls".to_string(),
                    ScoreStatus::Fail,
                    want.clone()
                ),
                (
                    "both: trajectory.no_redundant_calls".to_string(),
                    ScoreStatus::Fail,
                    want
                )
            ]
        );
    }
}
