//! `load`: the config file and everything it names → a validated [`Plan`].
//!
//! Owns the order of work (parse, check the config, resolve and load datasets, cross-file
//! checks, templates) and the config hash. Collects every problem it can find before failing,
//! so a user fixes them in one pass. Must not start anything or read the environment.

use std::path::{Path, PathBuf};

use crate::model::{ConfigFile, Plan, Suite};

use super::env::Env;
use super::error::{ConfigError, Diagnostic, lowercase_first};
use super::source::{Source, read_text, text as file_text};
use super::template::{TemplateKind, template_error};
use super::{agent, dataset, env, judges, policy, suite, yaml};

/// Loads `config_path` (shown in messages as given) and every file it names, relative to its
/// folder. The environment is not consulted: for commands that start nothing (`compare`).
pub fn load(config_path: &Path) -> Result<Plan, ConfigError> {
    load_with(config_path, None)
}

/// [`load`], plus what a run needs from `env` (every `${VAR}` set, header values HTTP can
/// carry): `validate` and `run` find the same problems before the first request.
pub fn load_for_run(config_path: &Path, env: Env<'_>) -> Result<Plan, ConfigError> {
    load_with(config_path, Some(env))
}

fn load_with(config_path: &Path, env: Option<Env<'_>>) -> Result<Plan, ConfigError> {
    let text = read_text(config_path, config_path)?;
    let root = match config_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let cfg: ConfigFile = yaml::parse(&text, config_path)?;
    let src = Source::new(config_path.to_path_buf(), text);
    let mut out = Vec::new();

    if cfg.version != 1 {
        out.push(src.at(
            "version",
            format!("unsupported config version `{}`, expected `1`", cfg.version),
        ));
    }
    let body = agent::check_agent(&cfg.agent, &src, &root, &mut out);
    env::check_agent_env(&cfg.agent, &src, env, &mut out);
    env::check_judge_keys(&cfg.judges, &src, env, &mut out);
    suite::check_suites(&cfg.suites, &src, &mut out);
    policy::check_run(&cfg.run, &src, &mut out);
    policy::check_policy(&cfg.policy, &src, &mut out);
    let judges = judges::load_judges(&cfg.judges, &src, &root, &mut out);
    super::rules::check_promote(&cfg.promote, &src, &mut out);

    // The hash covers what decides a run's results: the config, the body template file and
    // every dataset file, in config order, each framed by its name and length.
    let mut hash = blake3::Hasher::new();
    let config_name = config_path
        .file_name()
        .map_or_else(PathBuf::new, PathBuf::from);
    hash_file(&mut hash, &config_name, src.text.as_bytes());
    if let Some(agent::BodyTemplate {
        text,
        file: Some(f),
    }) = &body
    {
        hash_file(&mut hash, f, text.as_bytes());
    }

    for j in judges.values() {
        hash_file(&mut hash, &j.rubric_path, j.rubric.as_bytes());
    }

    let mut suites = Vec::new();
    let mut all_loaded = true;
    for (i, spec) in cfg.suites.iter().enumerate() {
        let loaded = suite::resolve_dataset(&root, i, spec, &src).and_then(|r| {
            let text = read_text(&root.join(&r.display), &r.display).map_err(|d| vec![d])?;
            hash_file(&mut hash, &r.display, text.as_bytes());
            let cases = dataset::parse_dataset(&text, &r.display)?;
            judges::check_judge_refs(&cases, &text, &r.display, &cfg.judges, &mut out);
            Ok(Suite {
                name: spec.name.clone(),
                dataset: spec.dataset.clone(),
                version: r.version,
                path: r.display,
                cases,
            })
        });
        match loaded {
            Ok(s) => suites.push(s),
            Err(d) => {
                all_loaded = false;
                out.extend(d);
            }
        }
    }
    // With a dataset missing, "no case has tag x" would be noise on top of the real error.
    if all_loaded && !suites.is_empty() {
        let cases = suites.iter().flat_map(|s| &s.cases);
        policy::check_slice_usage(&cfg.policy, cases, &src, &mut out);
    }
    let report_template = cfg
        .report
        .template
        .as_deref()
        .and_then(|t| read_template(&root, t, "report.template", &src, &mut out));

    if !out.is_empty() {
        return Err(ConfigError::many(out));
    }
    Ok(Plan {
        config_path: config_path.to_path_buf(),
        root,
        config_hash: hash.finalize().to_hex().to_string(),
        agent: cfg.agent,
        body_template: body.map(|b| b.text),
        suites,
        run: cfg.run,
        policy: cfg.policy,
        report_template,
        judges,
    })
}

fn hash_file(hash: &mut blake3::Hasher, name: &Path, bytes: &[u8]) {
    hash.update(name.to_string_lossy().as_bytes());
    hash.update(&[0]);
    hash.update(&(bytes.len() as u64).to_le_bytes());
    hash.update(bytes);
}

/// Reads a template file named at `key` in the config and checks it (see [`template_error`]).
fn read_template(
    root: &Path,
    file: &Path,
    key: &str,
    src: &Source,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    match std::fs::read(root.join(file)) {
        Err(e) => {
            out.push(src.at(
                key,
                format!(
                    "cannot read template `{}`: {}",
                    file.display(),
                    lowercase_first(&e.to_string())
                ),
            ));
            None
        }
        Ok(bytes) => checked_template(bytes, file, TemplateKind::Report)
            .map_err(|d| out.push(d))
            .ok(),
    }
}

/// A template file's bytes, checked as a template of `kind`; `file` is the path messages show.
pub(crate) fn checked_template(
    bytes: Vec<u8>,
    file: &Path,
    kind: TemplateKind,
) -> Result<String, Diagnostic> {
    let text = file_text(bytes, file)?;
    match template_error(&text, kind) {
        Some(e) => {
            let d = Diagnostic::new(file, e.line, 1, e.message);
            Err(match e.help {
                Some(h) => d.with_help(h),
                None => d,
            })
        }
        None => Ok(text),
    }
}

/// Reads and checks a template given on the command line (`--comment-template`), before
/// anything runs; `path` is shown as given.
pub fn load_template(path: &Path, kind: TemplateKind) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::io(path, &e))?;
    checked_template(bytes, path, kind).map_err(ConfigError::from)
}
