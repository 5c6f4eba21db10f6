//! A throwaway project for judge tests: config, cases, rubric and human labels in a temp dir,
//! pointed at a fake agent and a fake judge, driven through `evalgate::cli::run` in-process.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use evalgate::model::{CalibrationReport, RunReport};
use serde_json::json;

use super::fake_agent::{FakeAgent, Reply};
use super::fake_judge::FakeJudge;

pub const RUBRIC: &str = "Grade the support answer.\nQuestion: {{ input }}\nAnswer: {{ response }}\nReply with JSON: {\"pass\": true or false, \"reason\": \"...\"}\n";

/// Four good and four bad items; within each label two short and two long responses.
pub const LABELS: &str = r#"
- { id: g1, input: "q", response: "ok [good]", label: pass }
- { id: g2, input: "q", response: "fine [good]", label: pass }
- { id: g3, input: "q", response: "a long and thorough answer that explains everything [good]", label: pass }
- { id: g4, input: "q", response: "another long and thorough answer with all the details [good]", label: pass }
- { id: b1, input: "q", response: "no [bad]", label: fail }
- { id: b2, input: "q", response: "nah [bad]", label: fail }
- { id: b3, input: "q", response: "a long rambling answer that never addresses the question [bad]", label: fail }
- { id: b4, input: "q", response: "another long rambling answer that is confidently wrong [bad]", label: fail }
"#;

pub const CASES: &str = r#"
- id: good-1
  input: "where is order 1 [good]"
  expect:
    response:
      - judge: helpfulness
- id: bad-1
  input: "where is order 2 [bad]"
  expect:
    response:
      - judge: helpfulness
"#;

pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn new(agent: &FakeAgent, judge: &FakeJudge, extra: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let p = Project { dir };
        p.write(
            "evalgate.yaml",
            &config(&agent.url(), &judge.base_url(), "judge-1", extra),
        );
        p.write("evals/support/v1.yaml", CASES);
        p.write("templates/judges/helpfulness.md.j2", RUBRIC);
        p.write("evals/calibration/helpfulness.yaml", LABELS);
        p
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, body: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }

    pub fn config_path(&self) -> String {
        self.root().join("evalgate.yaml").display().to_string()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("out")
    }

    pub async fn calibrate(&self, extra: &[&str]) -> (u8, CalibrationReport) {
        let mut args = vec!["calibrate", "helpfulness", "-c"];
        let config = self.config_path();
        args.push(&config);
        args.extend_from_slice(extra);
        let code = cli(&args).await;
        let path = self
            .root()
            .join("evals/calibration/helpfulness.calibration.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("exit {code}: {e}"));
        (code, serde_json::from_str(&text).unwrap())
    }

    pub async fn run(&self, extra: &[&str]) -> (u8, RunReport) {
        let config = self.config_path();
        let out = self.out().display().to_string();
        let mut args = vec!["run", "-c", &config, "-o", &out, "--progress", "quiet"];
        args.extend_from_slice(extra);
        let code = cli(&args).await;
        let text = std::fs::read_to_string(self.out().join("results.json")).unwrap();
        (code, serde_json::from_str(&text).unwrap())
    }
}

pub fn config(agent_url: &str, judge_url: &str, model: &str, extra: &str) -> String {
    format!(
        r#"version: 1
agent:
  url: {agent_url}
  retry: {{ max_retries: 0 }}
suites:
  - {{ name: support, dataset: support }}
judges:
  helpfulness:
    provider: openai
    base_url: {judge_url}
    model: {model}
    retry: {{ max_retries: 1, base_delay_ms: 1, max_delay_ms: 5 }}
    timeout_ms: 2000
{extra}"#
    )
}

pub async fn cli(args: &[&str]) -> u8 {
    let mut argv: Vec<OsString> = vec!["evalgate".into()];
    argv.extend(args.iter().map(OsString::from));
    evalgate::cli::run(argv).await
}

/// Echoes the input back as the final answer.
pub async fn echo_agent() -> FakeAgent {
    FakeAgent::start(|r| Reply::Json(json!({"output": format!("answer to {}", r.input)}))).await
}

pub fn judge_score<'a>(report: &'a RunReport, case: &str) -> &'a evalgate::model::Score {
    report
        .cases
        .iter()
        .find(|c| c.case_id == case)
        .unwrap()
        .scores
        .iter()
        .find(|s| s.name == "judge.helpfulness")
        .unwrap()
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
