//! `results.json` and `cases.jsonl` lines: the serde form of the model, nothing added.
//!
//! The schema is the model's (`RunReport`, versioned by `schema_version`); this file only fixes
//! the layout (pretty for the report, one line per case for the log) and the order of cases.

use crate::model::{CaseResult, RunReport};

/// `results.json`: the whole run, pretty-printed, cases sorted by suite, case id and trial.
pub fn render_results(report: &RunReport) -> String {
    let mut buf = Vec::new();
    write_results(report, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// Streams `results.json` into `w` (what [`render_results`] returns), without building the
/// document in memory first: at 2000 cases that is several megabytes saved at peak.
pub fn write_results(report: &RunReport, mut w: impl std::io::Write) -> std::io::Result<()> {
    /// `RunReport` with its cases borrowed in report order (same fields, same order).
    #[derive(serde::Serialize)]
    struct Sorted<'a> {
        schema_version: u32,
        meta: &'a crate::model::RunMeta,
        #[serde(skip_serializing_if = "Option::is_none")]
        verdict: Option<&'a crate::model::Verdict>,
        cases: Vec<&'a CaseResult>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        judges: &'a [crate::model::JudgeSummary],
    }
    let mut cases: Vec<&CaseResult> = report.cases.iter().collect();
    cases.sort_by(|a, b| (&a.suite, &a.case_id, a.trial).cmp(&(&b.suite, &b.case_id, b.trial)));
    let doc = Sorted {
        schema_version: report.schema_version,
        meta: &report.meta,
        verdict: report.verdict.as_ref(),
        cases,
        judges: &report.judges,
    };
    serde_json::to_writer_pretty(&mut w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

/// One `cases.jsonl` line (no trailing newline): JSON escapes every newline inside strings, so
/// a line is always exactly one record.
pub fn render_case_line(result: &CaseResult) -> String {
    serde_json::to_string(result).expect("a CaseResult always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn results_json_snapshot() {
        insta::assert_snapshot!(render_results(&fixture::report()));
    }

    #[test]
    fn results_round_trip_and_cases_are_sorted() {
        let mut report = fixture::report();
        report.cases.reverse();
        let text = render_results(&report);
        let back: RunReport = serde_json::from_str(&text).unwrap();
        let ids: Vec<_> = back.cases.iter().map(|c| c.case_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "balance-lookup",
                "greeting-tone",
                "hostile-echo",
                "invoice-timeout",
                "refund-over-limit-escalates"
            ]
        );
        report.cases.sort_by(|a, b| a.case_id.cmp(&b.case_id));
        assert_eq!(back, report);
    }

    #[test]
    fn a_case_line_is_one_line_even_with_multi_line_agent_text() {
        let report = fixture::report();
        for case in &report.cases {
            let line = render_case_line(case);
            assert!(!line.contains('\n'), "{line}");
            let back: CaseResult = serde_json::from_str(&line).unwrap();
            assert_eq!(&back, case);
        }
    }

    /// The streaming view must stay field for field what `RunReport` serializes to: a field
    /// added to the model but not to the view would silently vanish from results.json.
    #[test]
    fn streamed_results_equal_the_model_serialization() {
        let mut report = crate::report::fixture::report();
        // Every optional part present, so a field missing from the view shows.
        report.judges.push(crate::model::JudgeSummary {
            name: "helpfulness".into(),
            fingerprint: "f".into(),
            blocking: false,
            advisory_reason: Some("no calibration".into()),
            kappa: None,
            passed: 1,
            failed: 0,
            unscored: 0,
            observed_pass_rate: Some(1.0),
            corrected_pass_rate: None,
            corrected_note: None,
        });
        report
            .cases
            .sort_by(|a, b| (&a.suite, &a.case_id, a.trial).cmp(&(&b.suite, &b.case_id, b.trial)));
        let expected = serde_json::to_string_pretty(&report).unwrap() + "\n";
        assert_eq!(render_results(&report), expected);
    }

    /// The cap (model::cap) reaches every agent text a report serializes.
    #[test]
    fn every_agent_text_of_a_case_is_capped() {
        let mut report = fixture::report();
        let huge = "A".repeat(1000);
        for r in &mut report.cases {
            r.input = huge.clone();
            if let Some(e) = &mut r.error {
                e.message = huge.clone();
            }
            if let Some(t) = &mut r.trajectory {
                t.final_response = Some(huge.clone());
                for c in &mut t.calls {
                    c.arguments = serde_json::json!({ "a": huge });
                    c.result = Some(serde_json::json!([huge]));
                }
            }
            for s in &mut r.scores {
                s.reason = huge.clone();
                s.diff = Some(huge.clone());
            }
            crate::model::cap::cap_case_at(r, 100);
        }
        for r in &report.cases {
            let line = serde_json::to_string(r).unwrap();
            assert!(!line.contains(&"A".repeat(101)), "{line}");
            assert!(line.contains("bytes cut"), "{line}");
        }
    }
}
