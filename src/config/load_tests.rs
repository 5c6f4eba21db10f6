//! Happy-path tests of `load`: what a valid project turns into.

use std::path::Path;

use super::testutil::{CONFIG, CONFIG_FILE, Project, V2, V2_FILE, edit};
use crate::model::{Gate, Input, MetricName};

#[test]
fn the_example_project_loads_into_a_plan() {
    let p = Project::new(&[]);
    let plan = p.load().unwrap();
    assert_eq!(plan.config_path, p.config_path());
    assert_eq!(plan.root, p.dir.path());
    let suites: Vec<(&str, &str, u32, &Path, usize)> = plan
        .suites
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.dataset.as_str(),
                s.version,
                s.path.as_path(),
                s.cases.len(),
            )
        })
        .collect();
    // Without `version:` the highest version present runs.
    assert_eq!(suites, [("support", "support", 2, Path::new(V2_FILE), 2)]);
    let cases = &plan.suites[0].cases;
    assert_eq!(cases[0].id, "refund-over-limit-escalates");
    assert_eq!(cases[1].id, "order-status");
    assert!(matches!(&cases[1].input, Input::Messages(m) if m.len() == 2));
    let metrics: Vec<(MetricName, f64, Option<f64>, Gate)> = plan
        .policy
        .metrics
        .iter()
        .map(|(m, p)| (*m, p.weight, p.floor, p.gate))
        .collect();
    assert_eq!(
        metrics,
        [
            (MetricName::TaskSuccess, 1.0, Some(0.8), Gate::Block),
            (MetricName::ToolF1, 2.0, Some(0.9), Gate::Block),
            (MetricName::ArgAccuracy, 1.0, Some(0.9), Gate::Warn),
        ]
    );
    assert_eq!(plan.policy.slices[1].selector(), "tag:refund");
    assert_eq!(plan.agent.timeout_ms, 5000);
    assert_eq!((plan.run.concurrency, plan.run.trials), (8, 1));
    assert!(plan.body_template.is_none() && plan.report_template.is_none());
    assert_eq!(plan.config_hash.len(), 64);
    assert!(plan.config_hash.chars().all(|c| c.is_ascii_hexdigit()));
}

#[test]
fn cases_point_at_their_id_line() {
    let plan = Project::new(&[]).load().unwrap();
    let locs: Vec<(&Path, u32)> = plan.suites[0]
        .cases
        .iter()
        .map(|c| (c.loc.file.as_path(), c.loc.line))
        .collect();
    assert_eq!(locs, [(Path::new(V2_FILE), 2), (Path::new(V2_FILE), 20)]);
    let v2_lines: Vec<&str> = V2.lines().collect();
    assert_eq!(v2_lines[1], "- id: refund-over-limit-escalates");
    assert_eq!(v2_lines[19], "- id: order-status");
}

#[test]
fn versions_pick_the_highest_unless_one_is_named() {
    let v10 = "- id: ten\n  tags: [refund]\n  tier: critical\n  input: hi\n".to_string();
    let p = Project::new(&[("evals/support/v10.yaml", v10.clone())]);
    let plan = p.load().unwrap();
    assert_eq!(plan.suites[0].version, 10, "10 sorts numerically above 2");
    assert_eq!(plan.suites[0].cases[0].id, "ten");

    let pinned = edit(
        CONFIG,
        "dataset: support ",
        "dataset: support\n    version: 1",
    );
    let p = Project::new(&[(CONFIG_FILE, pinned), ("evals/support/v10.yaml", v10)]);
    let plan = p.load().unwrap();
    assert_eq!(plan.suites[0].version, 1);
    assert_eq!(plan.suites[0].path, Path::new("evals/support/v1.yaml"));
    assert_eq!(plan.suites[0].cases[0].id, "greet");
}

#[test]
fn the_hash_is_stable_and_covers_config_and_datasets() {
    let p = Project::new(&[]);
    let first = p.load().unwrap().config_hash;
    assert_eq!(p.load().unwrap().config_hash, first);

    std::fs::write(
        p.dir.path().join(V2_FILE),
        V2.replace("escalat", "escalate"),
    )
    .unwrap();
    let dataset_changed = p.load().unwrap().config_hash;
    assert_ne!(dataset_changed, first);

    let config = edit(CONFIG, "max_error_rate: 0.1", "max_error_rate: 0.2");
    std::fs::write(p.config_path(), config).unwrap();
    let config_changed = p.load().unwrap().config_hash;
    assert_ne!(config_changed, dataset_changed);

    // An unused version file is not part of the run, so not part of the hash.
    std::fs::write(
        p.dir.path().join("evals/support/v1.yaml"),
        "- id: other\n  input: x\n",
    )
    .unwrap();
    assert_eq!(p.load().unwrap().suites[0].version, 2);
    assert_eq!(p.load().unwrap().config_hash, config_changed);
}

#[test]
fn templates_are_read_relative_to_the_config() {
    let config = edit(
        CONFIG,
        "  timeout_ms: 5000",
        "  timeout_ms: 5000\n  body_file: templates/body.json.j2",
    ) + "report:\n  template: templates/report.md.j2\n";
    let body = "{\"q\": {{ input | tojson }}}".to_string();
    let report = "# {{ report.verdict.status }}\n".to_string();
    let p = Project::new(&[
        (CONFIG_FILE, config),
        ("templates/body.json.j2", body.clone()),
        ("templates/report.md.j2", report.clone()),
    ]);
    let plan = p.load().unwrap();
    assert_eq!(plan.body_template, Some(body));
    assert_eq!(plan.report_template, Some(report));

    let inline = edit(
        CONFIG,
        "  timeout_ms: 5000",
        "  timeout_ms: 5000\n  body: |\n    {\"q\": {{ input | tojson }}}",
    );
    let plan = Project::new(&[(CONFIG_FILE, inline)]).load().unwrap();
    assert_eq!(
        plan.body_template.as_deref(),
        Some("{\"q\": {{ input | tojson }}}\n")
    );
}

#[test]
fn a_missing_config_file_names_the_path() {
    let err = super::load(Path::new("no/such/evalgate.yaml")).unwrap_err();
    assert_eq!(err.path(), Path::new("no/such/evalgate.yaml"));
    assert_eq!(
        err.to_string(),
        "error: cannot read `no/such/evalgate.yaml`: no such file or directory (os error 2)"
    );
}
