//! A `traces score` rules file → validated [`TraceRules`], every error at `file:line:col`.
//!
//! Strict like every user file: unknown keys are errors; ids are unique; `when.input` must be a
//! valid regex; expectations get the same checks as a dataset case's (`dataset.rs`).

use std::collections::HashMap;
use std::path::Path;

use regex::Regex;

use crate::model::{ConfigFile, PromoteSpec, TraceRules};

use super::error::{ConfigError, Diagnostic};
use super::locate::Seg;
use super::source::{Source, read_text};
use super::yaml;

/// Reads and checks a rules file. `display` is the path errors show.
pub fn load_rules(path: &Path, display: &Path) -> Result<TraceRules, ConfigError> {
    let text = read_text(path, display)?;
    parse_rules(&text, display).map_err(ConfigError::many)
}

pub(crate) fn parse_rules(text: &str, display: &Path) -> Result<TraceRules, Vec<Diagnostic>> {
    let src = Source::new(display.to_path_buf(), text.to_string());
    let mut rules: TraceRules = yaml::parse(text, display).map_err(|d| vec![d])?;
    rules.path = display.to_path_buf();
    let mut out = Vec::new();
    if rules.rules.is_empty() {
        out.push(src.at(
            "rules",
            "`rules` is empty: a rules file needs at least one rule",
        ));
    }
    let mut first: HashMap<String, u32> = HashMap::new();
    for (i, rule) in rules.rules.iter_mut().enumerate() {
        rule.line = u32::try_from(
            src.outline
                .value_pos(&[Seg::Key("rules".into()), Seg::Index(i)])
                .line,
        )
        .unwrap_or(u32::MAX);
        if rule.id.trim().is_empty() {
            out.push(src.at(&format!("rules[{i}].id"), "a rule's `id` must not be empty"));
        } else if let Some(line) = first.get(&rule.id) {
            out.push(src.at(
                &format!("rules[{i}].id"),
                format!(
                    "duplicate rule id `{}`: lines {line} and {}",
                    rule.id, rule.line
                ),
            ));
        } else {
            first.insert(rule.id.clone(), rule.line);
        }
        if let Some(re) = &rule.when.input
            && let Err(e) = Regex::new(re)
        {
            out.push(src.at(
                &format!("rules[{i}].when.input"),
                format!(
                    "invalid regex `{re}`: {}",
                    e.to_string().lines().last().unwrap_or("")
                ),
            ));
        }
        if let Some(t) = &rule.expect.trajectory {
            super::dataset::check_trajectory(
                t,
                &format!("rules[{i}].expect.trajectory"),
                &src,
                &mut out,
            );
        }
        for (j, check) in rule.expect.response.iter().enumerate() {
            super::dataset::check_response(
                check,
                &format!("rules[{i}].expect.response[{j}]"),
                &src,
                &mut out,
            );
        }
    }
    if out.is_empty() { Ok(rules) } else { Err(out) }
}

/// Checks `promote.redact` in evalgate.yaml: every pattern must compile.
pub(super) fn check_promote(spec: &PromoteSpec, src: &Source, out: &mut Vec<Diagnostic>) {
    for (i, re) in spec.redact.iter().enumerate() {
        if let Err(e) = Regex::new(re) {
            out.push(src.at(
                &format!("promote.redact[{i}]"),
                format!(
                    "invalid redaction regex `{re}`: {}",
                    e.to_string().lines().last().unwrap_or("")
                ),
            ));
        }
    }
}

/// The user's redaction patterns from `promote.redact` in evalgate.yaml, compiled. Reads only
/// that file (datasets are not needed to promote), and returns it parsed too: the CLI collects
/// the secrets it names.
pub fn load_redact_patterns(config_path: &Path) -> Result<(Vec<Regex>, ConfigFile), ConfigError> {
    let text = read_text(config_path, config_path)?;
    let src = Source::new(config_path.to_path_buf(), text.clone());
    let cfg: ConfigFile =
        yaml::parse(&text, config_path).map_err(|d| ConfigError::many(vec![d]))?;
    let mut out = Vec::new();
    check_promote(&cfg.promote, &src, &mut out);
    if !out.is_empty() {
        return Err(ConfigError::many(out));
    }
    let patterns = cfg
        .promote
        .redact
        .iter()
        .filter_map(|re| Regex::new(re).ok())
        .collect();
    Ok((patterns, cfg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        ConfigError::many(parse_rules(text, Path::new("rules.yaml")).unwrap_err()).to_string()
    }

    #[test]
    fn a_valid_file_parses_with_lines() {
        let r = parse_rules(
            "rules:\n  - id: refund-escalates\n    when: {input: '(?i)refund'}\n    expect:\n      trajectory:\n        match: superset\n        calls: [{name: escalate}]\n        forbid: [issue_refund]\n    no_redundant_calls: true\n",
            Path::new("rules.yaml"),
        )
        .unwrap();
        assert_eq!(r.rules[0].line, 2);
        assert!(r.rules[0].no_redundant_calls);
    }

    #[test]
    fn errors_carry_file_line_and_the_bad_value() {
        let e = err("rules:\n  - id: a\n    when: {input: '(unclosed'}\n");
        assert!(e.contains("rules.yaml:3:"), "{e}");
        assert!(e.contains("`(unclosed`"), "{e}");
        let e = err("rules:\n  - id: a\n    wen: {}\n");
        assert!(e.contains("rules.yaml:3:"), "{e}");
        assert!(e.contains("wen"), "{e}");
        let e = err("rules:\n  - id: a\n  - id: a\n");
        assert!(e.contains("duplicate rule id `a`"), "{e}");
    }
}
