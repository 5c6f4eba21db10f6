//! The pull-request gate on the real binary: the demo baseline vs the regressed demo agent,
//! `run --baseline`, `compare`, bad baseline files.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use evalgate::model::{RunReport, VerdictStatus};

pub fn evalgate(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    crate::common::procs::evalgate_env(args, cwd, env)
}

pub fn text(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the demo project whose agent is the given variant.
pub fn demo_project(dir: &Path, regressed: bool) {
    let config = std::fs::read_to_string(repo_root().join("evalgate.yaml")).unwrap();
    let from = r#"command: [evalgate, demo-agent, --port, "{port}"]"#;
    assert!(config.contains(from), "the demo config changed shape");
    let config = if regressed {
        config.replace(
            from,
            r#"command: [evalgate, demo-agent, --port, "{port}", --variant, regressed]"#,
        )
    } else {
        config
    };
    std::fs::write(dir.join("evalgate.yaml"), config).unwrap();
    let evals = dir.join("evals/support");
    std::fs::create_dir_all(&evals).unwrap();
    std::fs::copy(
        repo_root().join("evals/support/v1.yaml"),
        evals.join("v1.yaml"),
    )
    .unwrap();
}

/// Demo runs made once per test binary: (project dir, baseline results.json, regressed
/// results.json without a baseline).
pub fn demo_results() -> &'static (PathBuf, PathBuf, PathBuf) {
    static RUNS: OnceLock<(PathBuf, PathBuf, PathBuf)> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let base_dir = dir.join("base");
        let head_dir = dir.join("head");
        std::fs::create_dir_all(&base_dir).unwrap();
        std::fs::create_dir_all(&head_dir).unwrap();
        demo_project(&base_dir, false);
        demo_project(&head_dir, true);
        let o = evalgate(
            &["run", "--progress", "quiet", "--out", "out"],
            &base_dir,
            &[],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let o = evalgate(
            &["run", "--progress", "quiet", "--out", "out"],
            &head_dir,
            &[],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "the regressed agent fails its floors\n{}",
            text(&o)
        );
        (
            head_dir.clone(),
            base_dir.join("out/results.json"),
            head_dir.join("out/results.json"),
        )
    })
}

fn read(p: &Path) -> RunReport {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn the_regressed_demo_against_the_baseline_fails_with_its_regressions_listed() {
    let (project, base, _) = demo_results();
    let o = evalgate(
        &[
            "run",
            "--progress",
            "quiet",
            "--out",
            "gated",
            "--baseline",
            base.to_str().unwrap(),
        ],
        project,
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("task_success") && stdout.contains("REGRESSION"),
        "{}",
        text(&o)
    );
    let newly: Vec<&str> = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("newly failing: "))
        .collect();
    assert!(newly.len() >= 5, "{}", text(&o));
    let report = read(&project.join("gated/results.json"));
    let verdict = report.verdict.unwrap();
    assert_eq!(verdict.status, VerdictStatus::Fail);
    assert!(
        verdict
            .reasons
            .iter()
            .any(|r| r.starts_with("`task_success` dropped by")),
        "{:?}",
        verdict.reasons
    );
    let md = std::fs::read_to_string(project.join("gated/report.md")).unwrap();
    assert!(
        md.starts_with("<!-- evalgate:evalgate.yaml -->\n## ❌ evalgate: fail\n"),
        "{md}"
    );
    assert!(
        md.contains("| metric | head | base | Δ | floor | status |"),
        "{md}"
    );
    assert!(md.contains("### ❌ Newly failing ("), "{md}");
}

#[test]
fn compare_gates_two_results_files_without_running() {
    let (project, base, head) = demo_results();
    let o = evalgate(
        &[
            "compare",
            head.to_str().unwrap(),
            base.to_str().unwrap(),
            "--out",
            "cmp",
        ],
        project,
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("newly failing: support/"),
        "{}",
        text(&o)
    );
    assert!(
        !project.join("cmp/cases.jsonl").exists(),
        "compare runs nothing"
    );
    // The baseline against itself: nothing changed, its own gate passes.
    let o = evalgate(
        &[
            "compare",
            base.to_str().unwrap(),
            base.to_str().unwrap(),
            "--out",
            "same",
        ],
        project,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md = std::fs::read_to_string(project.join("same/report.md")).unwrap();
    assert!(md.contains("**0** newly failing, **0** fixed"), "{md}");
}

#[test]
fn a_missing_or_corrupt_baseline_is_a_usage_error_and_writes_nothing() {
    let (project, _, head) = demo_results();
    let o = evalgate(
        &["run", "--out", "nope", "--baseline", "missing.json"],
        project,
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error: cannot read the baseline `missing.json`"),
        "{err}"
    );
    assert!(!project.join("nope").exists());

    std::fs::write(project.join("corrupt.json"), "{\"schema_version\": 1,").unwrap();
    let o = evalgate(
        &[
            "compare",
            head.to_str().unwrap(),
            "corrupt.json",
            "--out",
            "nope",
        ],
        project,
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("error: the baseline `corrupt.json` is not a results.json"),
        "{}",
        text(&o)
    );
    assert!(!project.join("nope").exists());
}

#[test]
fn comment_dry_run_prints_the_comment_and_posts_nothing() {
    let (project, base, head) = demo_results();
    let o = evalgate(
        &[
            "compare",
            head.to_str().unwrap(),
            base.to_str().unwrap(),
            "--out",
            "dry",
            "--comment-dry-run",
        ],
        project,
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("--- PR comment (dry run: not posted) ---\n<!-- evalgate:evalgate.yaml -->\n## ❌ evalgate: fail"), "{stdout}");
}

#[test]
fn init_scaffolds_a_valid_project_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let o = evalgate(&["init", "--name", "support"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in [
        "evalgate.yaml",
        "evals/support/v1.yaml",
        ".github/workflows/evalgate.yml",
    ] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let o = evalgate(&["validate"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("ok: evalgate.yaml (1 suite, 2 cases)"),
        "{}",
        text(&o)
    );

    let before = std::fs::read_to_string(dir.path().join("evals/support/v1.yaml")).unwrap();
    std::fs::remove_file(dir.path().join("evalgate.yaml")).unwrap();
    let o = evalgate(&["init", "--name", "support"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("v1.yaml` already exists"),
        "{}",
        text(&o)
    );
    assert!(
        !dir.path().join("evalgate.yaml").exists(),
        "nothing written when one file exists"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("evals/support/v1.yaml")).unwrap(),
        before
    );
}
