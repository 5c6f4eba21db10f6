//! BFCL (Berkeley Function-Calling Leaderboard) single-turn categories → cases.
//!
//! Reads `BFCL_v<N>_<category>.json` (JSON lines: `id`, `question`, `function`) and
//! `possible_answer/BFCL_v<N>_<category>.json` (`id`, `ground_truth`) from BFCL's data folder
//! and builds one case per item: the question's messages as input, the function docs as
//! `tools` (OpenAI schemas, [`tools`]), the ground truth as a trajectory expectation
//! ([`answer`]) paired as BFCL's AST checker pairs calls: one call for simple and multiple
//! (`match: exact`), any order one to one for parallel (`match: unordered`), no unexpected
//! parameter (`args_mode: exact`); irrelevance as "no call" (`match: exact`, `calls: []`) and
//! relevance as "some call" (`min_calls: 1`). It reads files and builds values; no printing.

mod answer;
mod tools;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{ImportError, Imported};
use crate::model::Case;

/// The single-turn categories, as BFCL names them (`BFCL_v4_<category>.json`).
pub const CATEGORIES: &[&str] = &[
    "simple_python",
    "simple_java",
    "simple_javascript",
    "multiple",
    "parallel",
    "parallel_multiple",
    "live_simple",
    "live_multiple",
    "live_parallel",
    "live_parallel_multiple",
    "irrelevance",
    "live_irrelevance",
    "live_relevance",
];

/// How a category's items are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Exactly one call (simple, multiple).
    One,
    /// As many calls as the ground truth, any order, one to one (parallel*).
    Parallel,
    /// No call at all.
    NoCall,
    /// At least one call.
    SomeCall,
}

fn kind(category: &str) -> Kind {
    if category.contains("irrelevance") {
        Kind::NoCall
    } else if category.contains("relevance") {
        Kind::SomeCall
    } else if category.contains("parallel") {
        Kind::Parallel
    } else {
        Kind::One
    }
}

/// Reads the BFCL data folder (`BFCL_v*_<category>.json` + `possible_answer/`).
pub fn read(dir: &Path, categories: &[String]) -> Result<Imported, ImportError> {
    if !dir.is_dir() {
        return Err(ImportError::input(
            dir.display(),
            "not a folder (expected BFCL's data folder, e.g. `bfcl_eval/data` of the `bfcl-eval` package)",
        ));
    }
    for c in categories {
        if !CATEGORIES.contains(&c.as_str()) {
            return Err(ImportError::input(
                dir.display(),
                format!(
                    "unknown category `{c}`; the single-turn categories are {}",
                    CATEGORIES
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let files = data_files(dir)?;
    let wanted: Vec<&str> = if categories.is_empty() {
        CATEGORIES
            .iter()
            .copied()
            .filter(|c| files.contains_key(*c))
            .collect()
    } else {
        categories.iter().map(String::as_str).collect()
    };
    if wanted.is_empty() {
        return Err(ImportError::input(
            dir.display(),
            "no `BFCL_v<N>_<category>.json` file of a single-turn category here",
        ));
    }
    let mut out = Imported {
        benchmark: "bfcl".into(),
        ..Imported::default()
    };
    for category in wanted {
        let Some((version, path)) = files.get(category) else {
            return Err(ImportError::input(
                dir.display(),
                format!("no `BFCL_v<N>_{category}.json` file here"),
            ));
        };
        out.version = version.clone();
        let items = read_lines(path)?;
        let answers = if matches!(kind(category), Kind::One | Kind::Parallel) {
            let p = dir
                .join("possible_answer")
                .join(path.file_name().unwrap_or_default());
            read_lines(&p)?
                .into_iter()
                .map(|(_, v)| (v["id"].as_str().unwrap_or_default().to_string(), v))
                .collect()
        } else {
            HashMap::new()
        };
        for (at, item) in items {
            let id = item["id"].as_str().unwrap_or_default().to_string();
            if id.is_empty() {
                return Err(ImportError::input(at, "an item without an `id`"));
            }
            match case(category, version, &item, answers.get(&id)) {
                Ok(c) => {
                    *out.per_category.entry(category.to_string()).or_default() += 1;
                    out.cases.push(c);
                }
                Err(why) => out.skipped.push((id, why)),
            }
        }
    }
    Ok(out)
}

/// `category → (version, path)` for the `BFCL_v<N>_<category>.json` files of `dir`.
fn data_files(dir: &Path) -> Result<BTreeMap<String, (String, PathBuf)>, ImportError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| ImportError::input(dir.display(), e.to_string()))?;
    let mut out = BTreeMap::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name
            .strip_prefix("BFCL_")
            .and_then(|r| r.strip_suffix(".json"))
        else {
            continue;
        };
        if let Some((version, category)) = rest.split_once('_') {
            out.insert(category.to_string(), (version.to_string(), e.path()));
        }
    }
    Ok(out)
}

/// A JSON-lines file: each item with its `path:line` (a parse error says `path:line:column`).
fn read_lines(path: &Path) -> Result<Vec<(String, Value)>, ImportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportError::input(path.display(), e.to_string()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), i + 1);
        let v: Value = serde_json::from_str(line).map_err(|e| {
            ImportError::input(
                format!("{at}:{}", e.column()),
                format!("not valid JSON: {e}"),
            )
        })?;
        out.push((at, v));
    }
    Ok(out)
}

/// One BFCL item as a case, or why it cannot be stated.
fn case(
    category: &str,
    version: &str,
    item: &Value,
    answer: Option<&Value>,
) -> Result<Case, String> {
    let id = item["id"].as_str().unwrap_or_default();
    if category == "simple_java" || category == "simple_javascript" {
        return Err(
            "Java and JavaScript answers are source strings that BFCL's type converter parses; not imported yet"
                .into(),
        );
    }
    let docs: Vec<Value> = item["function"].as_array().cloned().unwrap_or_default();
    let trajectory = match kind(category) {
        Kind::NoCall => json!({"match": "exact", "calls": []}),
        Kind::SomeCall => json!({"min_calls": 1}),
        k => {
            let Some(truth) = answer.and_then(|a| a["ground_truth"].as_array()) else {
                return Err("no possible answer for this id".into());
            };
            let mut calls = Vec::new();
            for call in truth {
                let Some((name, values)) = call.as_object().and_then(|o| o.iter().next()) else {
                    return Err(format!(
                        "a ground-truth call that is not `{{name: args}}`: {call}"
                    ));
                };
                let Some(doc) = docs.iter().find(|d| d["name"] == *name) else {
                    return Err(format!("`{name}` has no function doc"));
                };
                let values = values.as_object().cloned().unwrap_or_default();
                let args = answer::args(&values, &doc["parameters"])
                    .map_err(|why| format!("`{name}`: {why}"))?;
                calls.push(json!({"name": tools::openai_name(name), "args": args}));
            }
            let mode = if k == Kind::Parallel {
                "unordered"
            } else {
                "exact"
            };
            json!({"match": mode, "args_mode": "exact", "calls": calls})
        }
    };
    let case = json!({
        "id": id,
        "tags": ["bfcl", category],
        "input": input(&item["question"])?,
        "tools": docs.iter().map(tools::tool).collect::<Vec<_>>(),
        "expect": {"trajectory": trajectory},
        "source": {"kind": "benchmark", "name": "bfcl", "version": version, "id": id},
    });
    serde_json::from_value(case).map_err(|e| format!("not a valid case: {e}"))
}

/// The question's turns, flattened (single-turn items have one), as the input: the text
/// alone when it is one user message.
fn input(question: &Value) -> Result<Value, String> {
    let messages: Vec<&Value> = question
        .as_array()
        .map(|turns| turns.iter().filter_map(Value::as_array).flatten().collect())
        .unwrap_or_default();
    match messages.as_slice() {
        [] => Err("an empty question".into()),
        [only] if only["role"] == "user" => Ok(only["content"].clone()),
        _ => Ok(Value::Array(
            messages
                .iter()
                .map(|m| json!({"role": m["role"], "content": m["content"]}))
                .collect(),
        )),
    }
}
