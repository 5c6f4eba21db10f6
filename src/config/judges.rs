//! Checks of `judges:` and of every `- judge: <name>` check in the datasets.
//!
//! Reads each judge's rubric template (the only file I/O here) so its text goes into the Plan
//! and its bytes into the config hash. Must not read environment variables: whether
//! `api_key_env` is set is a run-time question answered by `cli`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::{Case, JudgeKind, JudgeSpec, LoadedJudge, ResponseCheck};

use super::error::{Diagnostic, backticked, lowercase_first};
use super::load::checked_template;
use super::source::Source;
use super::template::TemplateKind;

/// Where rubric templates live by default, relative to the config's folder.
pub const JUDGE_TEMPLATES_DIR: &str = "templates/judges";

/// Checks every judge's settings and loads its rubric; judges with problems are left out.
pub(crate) fn load_judges(
    judges: &BTreeMap<String, JudgeSpec>,
    src: &Source,
    root: &Path,
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<String, LoadedJudge> {
    let mut loaded = BTreeMap::new();
    for (name, spec) in judges {
        let at = |field: &str, msg: String| src.at(&format!("judges.{name}.{field}"), msg);
        let before = out.len();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
        if !valid_name {
            out.push(src.at_key(
                &format!("judges.{name}"),
                format!("invalid judge name `{name}`: use letters, digits, `_` and `-`"),
            ));
        }
        if !(spec.base_url.starts_with("http://") || spec.base_url.starts_with("https://")) {
            out.push(at(
                "base_url",
                format!(
                    "invalid `base_url` `{}`: expected an `http://` or `https://` URL",
                    spec.base_url
                ),
            ));
        }
        if spec.samples == 0 {
            out.push(at("samples", "`samples` must be at least 1".into()));
        }
        if spec.concurrency == 0 {
            out.push(at("concurrency", "`concurrency` must be at least 1".into()));
        }
        if spec.requests_per_minute == Some(0) {
            out.push(at(
                "requests_per_minute",
                "`requests_per_minute` must be at least 1 (omit it for no limit)".into(),
            ));
        }
        if !(0.0..=1.0).contains(&spec.min_kappa) {
            out.push(at(
                "min_kappa",
                format!("`min_kappa` `{}` is outside [0, 1]", spec.min_kappa),
            ));
        }
        check_threshold(spec, &at, out);
        let rubric_path = spec
            .rubric
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{JUDGE_TEMPLATES_DIR}/{name}.md.j2")));
        let key = if spec.rubric.is_some() {
            format!("judges.{name}.rubric")
        } else {
            format!("judges.{name}")
        };
        let rubric = match std::fs::read(root.join(&rubric_path)) {
            Err(e) => {
                out.push(src.at(
                    &key,
                    format!(
                        "cannot read the rubric template `{}` of judge `{name}`: {}",
                        rubric_path.display(),
                        lowercase_first(&e.to_string())
                    ),
                ));
                None
            }
            Ok(bytes) => checked_template(bytes, &rubric_path, TemplateKind::Rubric)
                .map_err(|d| out.push(d))
                .ok(),
        };
        if let (Some(rubric), true) = (rubric, out.len() == before) {
            loaded.insert(
                name.clone(),
                LoadedJudge {
                    spec: spec.clone(),
                    rubric_path,
                    rubric,
                },
            );
        }
    }
    loaded
}

fn check_threshold(
    spec: &JudgeSpec,
    at: &dyn Fn(&str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    match spec.kind {
        JudgeKind::PassFail => {
            if spec.threshold.is_some() || spec.scale.is_some() {
                out.push(at(
                    "kind",
                    "a `pass_fail` judge takes no `threshold` or `scale` (use `kind: score` or `kind: scale`)".into(),
                ));
            }
        }
        JudgeKind::Score => {
            if spec.threshold.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
                out.push(at(
                    "threshold",
                    format!(
                        "`threshold` `{}` is outside [0, 1] for a `score` judge",
                        spec.threshold.unwrap_or_default()
                    ),
                ));
            }
        }
        JudgeKind::Scale => {
            let max = spec.scale_max();
            if max < 2 {
                out.push(at("scale", format!("`scale` `{max}` must be at least 2")));
            }
            let t = spec.effective_threshold();
            if !(1.0..=f64::from(max)).contains(&t) {
                out.push(at(
                    "threshold",
                    format!("`threshold` `{t}` is outside the scale 1–{max}"),
                ));
            }
        }
    }
}

/// Every `- judge: <name>` in `cases` names a declared judge.
/// Every judge a dataset's `judge:` checks name is declared; `text` is the dataset's text,
/// indexed only when a check names an undeclared judge (so the message points at the check).
pub(crate) fn check_judge_refs(
    cases: &[Case],
    text: &str,
    display: &Path,
    declared: &BTreeMap<String, JudgeSpec>,
    out: &mut Vec<Diagnostic>,
) {
    let mut src = None;
    for (i, case) in cases.iter().enumerate() {
        for (j, check) in case.expect.response.iter().enumerate() {
            let ResponseCheck::Judge(jc) = check else {
                continue;
            };
            if declared.contains_key(&jc.name) {
                continue;
            }
            let src =
                src.get_or_insert_with(|| Source::new(display.to_path_buf(), text.to_string()));
            let d = src.at(
                &format!("[{i}].expect.response[{j}].judge"),
                format!("case `{}` names an undeclared judge `{}`", case.id, jc.name),
            );
            out.push(if declared.is_empty() {
                d.with_help("declare it under `judges:` in evalgate.yaml")
            } else {
                d.with_help(format!(
                    "declared judges: {}",
                    backticked(declared.keys().map(String::as_str))
                ))
            });
        }
    }
}
