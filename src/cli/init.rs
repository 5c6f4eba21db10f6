//! `evalgate init`: scaffolds evalgate.yaml, a first dataset and the PR-gate workflow, never
//! overwriting a file.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{INFRA, PASS, USAGE};

const CONFIG: &str = include_str!("../../templates/init/evalgate.yaml");
const DATASET: &str = include_str!("../../templates/init/dataset.yaml");
const WORKFLOW: &str = include_str!("../../examples/workflows/evalgate-pr.yml");

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Name of the first suite and dataset (`evals/<name>/v1.yaml`).
    #[arg(long, default_value = "main")]
    pub name: String,
    /// The project directory.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub(super) fn init(args: InitArgs) -> u8 {
    let valid = !args.name.is_empty()
        && args
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        eprintln!(
            "error: `--name {}` must be lowercase letters, digits, `-` or `_`",
            args.name
        );
        return USAGE;
    }
    let files: [(PathBuf, String); 3] = [
        (
            PathBuf::from("evalgate.yaml"),
            CONFIG.replace("{{NAME}}", &args.name),
        ),
        (
            Path::new("evals").join(&args.name).join("v1.yaml"),
            DATASET.replace("{{NAME}}", &args.name),
        ),
        (
            PathBuf::from(".github/workflows/evalgate.yml"),
            WORKFLOW.to_string(),
        ),
    ];
    // Check everything before writing anything.
    for (rel, _) in &files {
        if args.dir.join(rel).exists() {
            eprintln!(
                "error: `{}` already exists; `evalgate init` never overwrites (move it away or run init in another directory)",
                args.dir.join(rel).display()
            );
            return USAGE;
        }
    }
    for (rel, text) in &files {
        let path = args.dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return INFRA;
        }
        println!("created {}", path.display());
    }
    println!(
        "next: point `agent.url` in evalgate.yaml at your agent, write cases in evals/{}/v1.yaml, then `evalgate validate` and `evalgate run`",
        args.name
    );
    PASS
}
