use super::*;
use crate::model::{Comparison, MetricName, Outcome, ScoreStatus, VerdictStatus};
use crate::report::fixture;

fn policy() -> crate::model::PolicySpec {
    let mut p = fixture::policy();
    p.metrics
        .get_mut(&MetricName::TaskSuccess)
        .unwrap()
        .max_drop = Some(0.05);
    p
}

/// The fixture with every failed case passing, a different answer and one call fewer.
fn baseline_of(head: &RunReport) -> RunReport {
    let mut base = head.clone();
    base.meta.git_sha = Some("0a1b2c3d4e5f".into());
    for c in &mut base.cases {
        if c.outcome == Outcome::Failed {
            c.outcome = Outcome::Passed;
            c.metrics.values_mut().for_each(|v| *v = 1.0);
            c.scores
                .iter_mut()
                .for_each(|s| s.status = ScoreStatus::Pass);
            if let Some(t) = c.trajectory.as_mut() {
                t.final_response = Some("The baseline answer.".into());
                t.calls.pop();
                t.latency_ms += 100;
            }
        }
    }
    base.verdict = Some(crate::policy::evaluate(&base.cases, &policy()));
    base
}

fn links() -> Links {
    Links {
        server_url: "https://github.com".into(),
        repo: "acme/agent".into(),
        sha: "4f1c2e9ab7d3".into(),
        path_prefix: String::new(),
    }
}

fn render(head: &RunReport, cmp: Option<&Comparison>) -> String {
    let input = CommentInput {
        comparison: cmp,
        config_path: "evalgate.yaml".into(),
        links: Some(links()),
        run_url: Some("https://github.com/acme/agent/actions/runs/42".into()),
    };
    render_comment(head, &input, None).unwrap()
}

fn with_baseline(head: &mut RunReport, base: &RunReport) -> Comparison {
    let cmp = crate::compare::compare(head, base, &policy());
    let v = crate::policy::evaluate(&head.cases, &policy());
    head.verdict = Some(crate::policy::with_baseline(v, &cmp));
    cmp
}

#[test]
fn comment_all_green() {
    let mut head = fixture::report();
    head.cases.retain(|c| c.outcome == Outcome::Passed);
    let base = head.clone();
    let cmp = with_baseline(&mut head, &base);
    assert_eq!(head.verdict.as_ref().unwrap().status, VerdictStatus::Pass);
    let md = render(&head, Some(&cmp));
    assert!(
        md.starts_with("<!-- evalgate:evalgate.yaml -->\n## ✅ evalgate: pass\n"),
        "{md}"
    );
    insta::assert_snapshot!(md);
}

#[test]
fn comment_regression_with_newly_failing_cases() {
    let mut head = fixture::report();
    let base = baseline_of(&head);
    let cmp = with_baseline(&mut head, &base);
    let md = render(&head, Some(&cmp));
    assert!(
        md.contains("[failed-trajectory]")
            || md.contains(
                "https://github.com/acme/agent/blob/4f1c2e9ab7d3/evals/billing/v3.yaml#L"
            ),
        "{md}"
    );
    insta::assert_snapshot!(md);
}

#[test]
fn comment_without_baseline() {
    let head = fixture::report();
    let md = render(&head, None);
    assert!(md.contains("No baseline"), "{md}");
    assert!(!md.contains("| base |"), "{md}");
    insta::assert_snapshot!(md);
}

#[test]
fn a_huge_run_is_trimmed_under_the_limit_keeping_verdict_and_tables() {
    let template = fixture::report();
    let mut head = template.clone();
    head.cases.clear();
    // 3000 cases, each newly failing with a 5 KB answer diff.
    for i in 0..3000 {
        let mut c = template.cases[1].clone();
        c.case_id = format!("case-{i:04}");
        c.line = i + 1;
        if let Some(t) = c.trajectory.as_mut() {
            t.final_response = Some(format!("answer {i}\n{}", "x".repeat(5000)));
        }
        head.cases.push(c);
    }
    let base = baseline_of(&head);
    let cmp = with_baseline(&mut head, &base);
    let md = render(&head, Some(&cmp));
    assert!(
        md.chars().count() <= MAX_COMMENT_CHARS,
        "{}",
        md.chars().count()
    );
    assert!(md.starts_with("<!-- evalgate:evalgate.yaml -->\n## ❌ evalgate: fail\n"));
    assert!(
        md.contains("### Metrics\n") && md.contains("| `task_success` |"),
        "tables stay"
    );
    assert!(md.contains("### Slices\n"));
    assert!(!md.contains("<details>"), "per-case diffs go first");
    assert!(md.contains("more (see the job's report.md)"));
    assert!(md.contains("3000 more diffs left out"));
    // The shape, without the thousands of list lines.
    let shape: String = md
        .lines()
        .filter(|l| !l.starts_with("- [case-"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(shape);
}

#[test]
fn hostile_agent_output_is_neutralized() {
    let mut head = fixture::report();
    // A 1 MB answer on top of the fixture's hostile one.
    if let Some(t) = head.cases[1].trajectory.as_mut() {
        t.final_response = Some(format!("@org/team ``` {}", "y".repeat(1 << 20)));
    }
    let base = baseline_of(&head);
    let cmp = with_baseline(&mut head, &base);
    let md = render(&head, Some(&cmp));
    assert!(md.chars().count() <= MAX_COMMENT_CHARS);
    let outside = fixture::outside_fences(&md);
    assert!(
        !outside.contains("<img") && !outside.contains("<script"),
        "{outside}"
    );
    assert!(!outside.contains("@org"), "{outside}");
    assert!(!outside.contains("injected heading"), "{outside}");
    assert!(!md.contains('\u{1b}'));
    // The snapshot without the megabyte.
    let short: String = md
        .lines()
        .map(|l| {
            if l.len() > 200 {
                format!(
                    "{}… ({} bytes)\n",
                    &l[..l.char_indices().nth(120).unwrap().0],
                    l.len()
                )
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    insta::assert_snapshot!(short);
}

#[test]
fn the_marker_cannot_end_the_html_comment() {
    assert_eq!(marker("evalgate.yaml"), "<!-- evalgate:evalgate.yaml -->");
    assert_eq!(marker("a---b/-->x.yaml"), "<!-- evalgate:a-b/-x.yaml -->");
    assert_eq!(
        marker("./evalgate.yaml"),
        marker("evalgate.yaml"),
        "one comment per config"
    );
}

#[test]
fn github_flavored_markdown_keeps_tables_and_closes_details() {
    let Ok(out) = std::process::Command::new("cmark-gfm")
        .arg("--version")
        .output()
    else {
        eprintln!("notice: cmark-gfm is not installed; skipping the GFM rendering check");
        return;
    };
    assert!(out.status.success());
    let mut head = fixture::report();
    let base = baseline_of(&head);
    let cmp = with_baseline(&mut head, &base);
    let md = render(&head, Some(&cmp));
    let html = gfm(&md);
    assert_eq!(
        html.matches("<table>").count(),
        3,
        "metrics, slices, cost: {html}"
    );
    assert!(
        html.contains("<td><code>task_success</code></td>"),
        "{html}"
    );
    let open = html.matches("<details>").count();
    assert!(open > 0);
    assert_eq!(open, html.matches("</details>").count(), "{html}");
    assert!(
        !html.contains("<img") && !html.contains("<script"),
        "{html}"
    );
}

fn gfm(md: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("cmark-gfm")
        .args(["--extension", "table", "--unsafe"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(md.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn an_advisory_judge_says_why_in_the_comment() {
    let mut head = fixture::report();
    head.judges.push(crate::model::JudgeSummary {
        name: "helpfulness".into(),
        fingerprint: "f".into(),
        blocking: false,
        advisory_reason: Some("its rubric changed since calibration".into()),
        kappa: Some(0.8),
        passed: 3,
        failed: 1,
        unscored: 0,
        observed_pass_rate: Some(0.75),
        corrected_pass_rate: None,
        corrected_note: Some("no current calibration to correct with".into()),
    });
    let body = render(&head, None);
    let section = &body[body.find("### Judges").expect("a judges section")..];
    assert!(
        section.contains("is advisory: its rubric changed since calibration"),
        "{section}"
    );
}

#[test]
fn agent_text_cannot_open_an_html_comment_or_carry_a_marker() {
    // Another config's marker, and an unterminated HTML comment that would hide the rest.
    let hostile = |i: usize| {
        format!("a{i} <!-- evalgate:other.yaml -->\n\n<!-- hides the rest\n`<!-- x`\n-->")
    };
    let mut head = fixture::report();
    for (i, c) in head.cases.iter_mut().enumerate() {
        c.case_id = format!("{}<!--{i}", c.case_id);
        if let Some(t) = c.trajectory.as_mut() {
            t.final_response = Some(hostile(i));
            for call in &mut t.calls {
                call.arguments = serde_json::json!({ "q": hostile(i) });
                call.result = Some(serde_json::json!(hostile(i)));
            }
        }
        for s in &mut c.scores {
            s.reason = hostile(i);
            s.diff = s.diff.as_ref().map(|_| format!("-x\n+{}", hostile(i)));
        }
        if let Some(e) = c.error.as_mut() {
            e.message = hostile(i);
        }
    }
    let base = baseline_of(&head);
    let cmp = with_baseline(&mut head, &base);
    let comment = render(&head, Some(&cmp));
    let report = crate::report::markdown::render_markdown(&head, None).unwrap();
    assert!(comment.starts_with("<!-- evalgate:evalgate.yaml -->\n"));
    assert_eq!(
        comment.matches("<!--").count(),
        1,
        "only our marker: {comment}"
    );
    assert!(!report.contains("<!--"), "{report}");
    assert!(
        comment.contains("evalgate:other.yaml"),
        "shown, not dropped"
    );
    if std::process::Command::new("cmark-gfm")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("notice: cmark-gfm is not installed; skipping the GFM rendering check");
        return;
    }
    for (md, live) in [(&comment, 1), (&report, 0)] {
        let html = gfm(md);
        assert_eq!(html.matches("<!--").count(), live, "{html}");
        assert!(
            html.contains("<sub>evalgate 0.1.0"),
            "nothing hidden: {html}"
        );
        assert!(html.contains("hides the rest"), "{html}");
    }
}

#[test]
fn pending_cases_are_counted_apart_and_are_not_regressions() {
    // Head: the fixture plus two pending cases; base: the same run with those two cases passed.
    let mut head = fixture::report_with_pending();
    let mut base = head.clone();
    for c in &mut base.cases {
        if c.outcome == Outcome::Pending {
            c.outcome = Outcome::Passed;
        }
    }
    base.verdict = Some(crate::policy::evaluate(&base.cases, &policy()));
    let cmp = with_baseline(&mut head, &base);
    assert!(
        cmp.cases.iter().all(|c| !c.case_id.starts_with("prod-")),
        "a pending case is neither fixed nor newly failing: {:?}",
        cmp.cases
    );
    let md = render(&head, Some(&cmp));
    assert!(
        md.contains("1 passed, 3 failed, 1 errored, 2 pending review"),
        "{md}"
    );
}
