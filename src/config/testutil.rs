//! Test fixtures: a valid config and dataset written into a temporary folder.

use std::path::PathBuf;

use tempfile::TempDir;

use super::{ConfigError, load};
use crate::model::Plan;

pub(crate) const CONFIG: &str = r#"version: 1
agent:
  url: http://127.0.0.1:{port}/chat
  headers: { Authorization: "Bearer ${SUPPORT_TOKEN}" }
  timeout_ms: 5000
  start:
    command: [evalgate, demo-agent, --port, "{port}"]
suites:
  - name: support
    dataset: support        # evals/support/v<N>.yaml
policy:
  metrics:
    task_success: { floor: 0.8 }
    tool_f1: { floor: 0.9, weight: 2 }
    arg_accuracy: { floor: 0.9, gate: warn }
  composite: { floor: 0.85 }
  slices:
    - { tier: critical, floor: 1.0 }
    - { tag: refund, metric: tool_f1, floor: 0.9, gate: warn }
  max_error_rate: 0.1
"#;

pub(crate) const V1: &str = r#"- id: greet
  tags: [refund]
  tier: critical
  input: hello
  expect:
    response:
      - contains: hello
"#;

pub(crate) const V2: &str = r#"# support cases, version 2
- id: refund-over-limit-escalates
  tags: [billing, refund]
  tier: critical
  input: "Refund invoice INV-2207, it's $740, I was double charged"
  expect:
    trajectory:
      match: in_order
      calls:
        - name: lookup_account
        - name: fetch_invoice
          args: { invoice_id: INV-2207 }
        - name: escalate
          args: { priority: high, reason: { regex: "(?i)refund" } }
      forbid: [issue_refund]
      max_calls: 4
    response:
      - contains: "escalat"

- id: order-status
  tags: [orders]
  input:
    - { role: system, content: "You are a support agent." }
    - { role: user, content: "Where is order 1234?" }
  expect:
    trajectory:
      match: any_order
      calls:
        - any_order: [{ name: lookup_order, args: { id: "1234" } }, { name: lookup_account }]
    response:
      - regex: "(?i)shipped|on its way"
"#;

pub(crate) const CONFIG_FILE: &str = "evalgate.yaml";
pub(crate) const V1_FILE: &str = "evals/support/v1.yaml";
pub(crate) const V2_FILE: &str = "evals/support/v2.yaml";

/// A project folder holding the base files, with `files` added or replacing them.
pub(crate) struct Project {
    pub dir: TempDir,
}

impl Project {
    pub fn new(files: &[(&str, String)]) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = [(CONFIG_FILE, CONFIG), (V1_FILE, V1), (V2_FILE, V2)];
        let base = base.iter().map(|(p, t)| (*p, t.to_string()));
        for (path, text) in base.chain(files.iter().cloned()) {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("has a parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        Project { dir }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join(CONFIG_FILE)
    }

    pub fn load(&self) -> Result<Plan, ConfigError> {
        load(&self.config_path())
    }

    /// The rendered error, with the temporary folder removed from the config's path (so it
    /// reads as if `evalgate` ran in the project folder).
    pub fn error(&self) -> String {
        let err = self.load().expect_err("the project should not load");
        let root = format!("{}/", self.dir.path().display());
        err.to_string().replace(&root, "")
    }
}

/// `base` with `from` replaced by `to`; panics if `from` is not there (a table row that
/// changes nothing would test the happy path).
pub(crate) fn edit(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "`{from}` is not in the base file");
    base.replacen(from, to, 1)
}
