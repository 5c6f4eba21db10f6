//! `junit.xml`: one `<testsuite>` per suite, one `<testcase>` per case × trial, written with
//! quick-junit (which strips control characters and ANSI escapes and escapes `]]>`).
//!
//! Failed expectations are `<failure>`, infrastructure errors `<error>`; properties carry the
//! per-case metric values and where the case is written. The output validates against the
//! JUnit 10 schema with testcase properties (`src/report/testdata/junit-10-ext.xsd`): so no
//! testcase timestamps or `file` attributes, whose absence that schema requires.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{
    NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString,
};

use crate::model::{CaseResult, Outcome, RunReport, ScoreStatus};

use super::align::render_alignment;
use super::view::{Naming, first_failure};

/// Renders the run as JUnit XML; suites sorted by name, runs by case id and trial.
pub fn render_junit(report: &RunReport) -> String {
    let mut buf = Vec::new();
    write_junit(report, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("quick-junit writes UTF-8")
}

/// Streams `junit.xml` into `w` (what [`render_junit`] returns).
pub fn write_junit(report: &RunReport, w: impl std::io::Write) -> std::io::Result<()> {
    let naming = Naming::new(report);
    let mut by_suite: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for r in &report.cases {
        by_suite.entry(r.suite.as_str()).or_default().push(r);
    }
    let mut junit = Report::new("evalgate");
    let mut memo = Memo::default();
    for (suite, mut runs) in by_suite {
        runs.sort_by(|a, b| (&a.case_id, a.trial).cmp(&(&b.case_id, b.trial)));
        let mut ts = TestSuite::new(suite);
        if let Some(d) = report.meta.datasets.iter().find(|d| d.suite == suite) {
            ts.add_property(Property::new("dataset", &d.dataset));
            ts.add_property(Property::new("dataset_version", d.version.to_string()));
            ts.add_property(Property::new("dataset_path", d.path.display().to_string()));
        }
        ts.set_time(Duration::from_millis(
            runs.iter().map(|r| r.duration_ms).sum(),
        ));
        for r in runs {
            ts.add_test_case(test_case(r, naming.has_trials(), &mut memo));
        }
        junit.add_test_suite(ts);
    }
    junit.set_time(Duration::from_millis(report.meta.duration_ms));
    junit.serialize(w).map_err(std::io::Error::other)
}

/// Property names and values that recur (metric values, tags, files), as ready `XmlString`s:
/// quick-junit strips ANSI escapes from every string it is given, and at 2000 cases × 13
/// properties, mostly the same names and values, that stripping was a third of the time spent
/// on `junit.xml`.
#[derive(Default)]
struct Memo(HashMap<String, XmlString>);

impl Memo {
    fn get(&mut self, s: &str) -> XmlString {
        if let Some(x) = self.0.get(s) {
            return x.clone();
        }
        let x = XmlString::new(s);
        self.0.insert(s.to_string(), x.clone());
        x
    }

    fn property(&mut self, name: &str, value: &str) -> Property {
        Property::new(self.get(name), self.get(value))
    }
}

fn test_case(r: &CaseResult, trials: bool, memo: &mut Memo) -> TestCase {
    let name = if trials {
        format!("{} [trial {}]", r.case_id, r.trial + 1)
    } else {
        r.case_id.clone()
    };
    let mut tc = TestCase::new(name, status(r));
    tc.set_classname(memo.get(&r.suite));
    tc.set_time(Duration::from_millis(r.duration_ms));
    tc.add_property(memo.property("file", &r.file.display().to_string()));
    tc.add_property(Property::new(memo.get("line"), r.line.to_string()));
    if let Some(tier) = &r.tier {
        tc.add_property(memo.property("tier", tier));
    }
    if !r.tags.is_empty() {
        tc.add_property(memo.property("tags", &r.tags.join(",")));
    }
    tc.add_property(memo.property("attempts", &r.attempts.to_string()));
    for (metric, value) in &r.metrics {
        tc.add_property(memo.property(metric.as_str(), &value.to_string()));
    }
    if r.outcome == Outcome::Failed
        && let Some(answer) = r
            .trajectory
            .as_ref()
            .and_then(|t| t.final_response.as_ref())
    {
        tc.set_system_out(answer);
    }
    tc
}

fn status(r: &CaseResult) -> TestCaseStatus {
    match r.outcome {
        Outcome::Passed => TestCaseStatus::success(),
        // Not a pass: CI tools show a skipped test with the reason, so promoted cases that
        // still need a review stay visible instead of counting as green.
        Outcome::Pending => {
            let mut st = TestCaseStatus::skipped();
            st.set_type("review.pending");
            st.set_message(match first_failure(r) {
                Some(reason) => format!("review: pending (advisory); would fail: {reason}"),
                None => "review: pending (advisory); its checks pass".to_string(),
            });
            st
        }
        Outcome::Failed => {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let first = r
                .scores
                .iter()
                .find(|s| s.blocking && s.status == ScoreStatus::Fail);
            if let Some(s) = first {
                st.set_type(&s.name);
            }
            st.set_message(first_failure(r).unwrap_or_else(|| "the case failed".into()));
            st.set_description(failure_body(r));
            st
        }
        Outcome::Error => {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
            match &r.error {
                Some(e) => {
                    st.set_type(e.kind.as_str());
                    st.set_message(&e.message);
                }
                None => {
                    st.set_message("the agent could not be run");
                }
            }
            st.set_description(format!("attempts: {}", r.attempts));
            st
        }
    }
}

/// Every score that did not pass (with its diff), then the trajectory alignment.
fn failure_body(r: &CaseResult) -> String {
    let mut body = String::new();
    for s in r.scores.iter().filter(|s| s.status != ScoreStatus::Pass) {
        let mut tags = Vec::new();
        if !s.blocking {
            tags.push("advisory");
        }
        if s.status == ScoreStatus::Unscored {
            tags.push("unscored");
        }
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!(" ({})", tags.join(", "))
        };
        let _ = writeln!(body, "{}{tags}: {}", s.name, s.reason);
        if let Some(diff) = &s.diff {
            for line in diff.lines() {
                let _ = writeln!(body, "    {line}");
            }
        }
    }
    if let Some(ts) = &r.trajectory_score {
        let _ = write!(
            body,
            "\ntrajectory alignment:\n{}\n",
            render_alignment(ts, r.trajectory.as_ref())
        );
    }
    body
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::*;
    use crate::report::fixture;

    #[test]
    fn junit_snapshot() {
        insta::assert_snapshot!(render_junit(&fixture::report()));
    }

    #[test]
    fn pending_cases_are_skipped_with_the_reason() {
        let xml = render_junit(&fixture::report_with_pending());
        let case = |id: &str| {
            let at = xml.find(&format!("name=\"{id}\"")).unwrap();
            xml[at..at + xml[at..].find("</testcase>").unwrap()].to_string()
        };
        insta::assert_snapshot!(case("prod-3f9a1c2d"), @r#"
        name="prod-3f9a1c2d" classname="billing" time="0.000">
                    <properties>
                        <property name="file" value="evals/billing/v3.yaml"/>
                        <property name="line" value="70"/>
                        <property name="attempts" value="1"/>
                    </properties>
                    <skipped message="review: pending (advisory); would fail: expected `escalate` after `fetch_invoice`; it was never called" type="review.pending"/>
        "#);
        assert!(case("prod-77b0e4aa").contains("its checks pass"));
        assert!(!case("prod-77b0e4aa").contains("<failure"));
    }

    #[test]
    fn hostile_agent_text_cannot_break_the_xml() {
        let xml = render_junit(&fixture::report());
        assert!(
            !xml.contains('\u{1b}') && !xml.contains('\u{7}'),
            "control characters leaked"
        );
        assert!(!xml.contains("]]>"), "a CDATA terminator leaked");
        assert!(
            !xml.contains("<script>") && !xml.contains("<img"),
            "raw markup leaked"
        );
        assert!(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn trials_get_their_number_in_the_name() {
        let mut report = fixture::report();
        let mut second = report.cases[0].clone();
        second.trial = 1;
        report.cases.push(second);
        let xml = render_junit(&report);
        assert!(xml.contains(r#"name="balance-lookup [trial 1]""#), "{xml}");
        assert!(xml.contains(r#"name="balance-lookup [trial 2]""#), "{xml}");
        assert!(xml.contains(r#"name="greeting-tone [trial 1]""#), "{xml}");
    }

    /// The project's own copy of the schema (tests read nothing outside the repository).
    fn schema() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/testdata/junit-10-ext.xsd")
    }

    #[test]
    fn the_report_validates_against_the_junit_schema() {
        if Command::new("xmllint").arg("--version").output().is_err() {
            println!("notice: xmllint is not installed; skipping JUnit schema validation");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut report = fixture::report_with_pending();
        let mut second = report.cases[1].clone();
        second.trial = 1;
        report.cases.push(second);
        let file = dir.path().join("junit.xml");
        std::fs::write(&file, render_junit(&report)).unwrap();
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema())
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "xmllint rejected the report:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
