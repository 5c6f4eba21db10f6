//! `evals/calibration/<judge>.yaml`: human-labelled items for calibrating a judge.
//!
//! Strict parse (unknown keys are errors) with `file:line:col` diagnostics, plus the checks a
//! parse cannot make: exactly one of `label` and `score` per item, one label per rater and id.
//! Must not run the judge or compute statistics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::CalibrationItem;

use super::error::{ConfigError, Diagnostic};
use super::locate::Seg;
use super::source::{Source, read_text};
use super::yaml;

/// The folder holding calibration sets, relative to the config's folder.
pub const CALIBRATION_DIR: &str = "evals/calibration";

/// The labelled items of `judge`, relative to the config's folder.
pub fn calibration_set_path(judge: &str) -> PathBuf {
    Path::new(CALIBRATION_DIR).join(format!("{judge}.yaml"))
}

/// Reads and checks a calibration set; `display` is the path shown in messages.
pub fn load_calibration_set(
    path: &Path,
    display: &Path,
) -> Result<Vec<CalibrationItem>, ConfigError> {
    let text = read_text(path, display)?;
    parse_calibration_set(&text, display).map_err(ConfigError::many)
}

pub(crate) fn parse_calibration_set(
    text: &str,
    display: &Path,
) -> Result<Vec<CalibrationItem>, Vec<Diagnostic>> {
    let src = Source::new(display.to_path_buf(), text.to_string());
    if src.outline.node(&[]).is_none() {
        return Err(vec![src.at("", "calibration set has no items").with_help(
            "a calibration set is a list of `- {input, response, label: pass|fail}` items",
        )]);
    }
    let mut items: Vec<CalibrationItem> = yaml::parse(text, display).map_err(|d| vec![d])?;
    let mut out = Vec::new();
    if items.is_empty() {
        out.push(src.at("", "calibration set has no items"));
    }
    let mut seen: HashMap<(String, Option<String>), u32> = HashMap::new();
    for (i, item) in items.iter_mut().enumerate() {
        item.line = u32::try_from(src.outline.value_pos(&[Seg::Index(i)]).line).unwrap_or(0);
        match (&item.label, item.score) {
            (None, None) => out.push(src.at(
                &format!("[{i}]"),
                "an item needs a human `label` (`pass` or `fail`) or `score`",
            )),
            (Some(_), Some(_)) => out.push(src.at(
                &format!("[{i}].score"),
                "an item has either a `label` or a `score`, not both",
            )),
            (None, Some(s)) if !s.is_finite() => out.push(src.at(
                &format!("[{i}].score"),
                format!("`score` `{s}` is not a number"),
            )),
            _ => {}
        }
        if let Some(id) = &item.id {
            let key = (id.clone(), item.rater.clone());
            if let Some(first) = seen.get(&key) {
                out.push(src.at(
                    &format!("[{i}].id"),
                    format!(
                        "item `{id}` is labelled twice by the same rater (first at line {first})"
                    ),
                ));
            } else {
                seen.insert(key, item.line);
            }
        }
    }
    if out.is_empty() { Ok(items) } else { Err(out) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> String {
        let d = parse_calibration_set(text, Path::new("evals/calibration/tone.yaml")).unwrap_err();
        ConfigError::many(d).to_string()
    }

    #[test]
    fn parses_items_with_lines() {
        let text = "- id: a\n  input: hi\n  response: hello\n  label: pass\n  rater: ann\n- input: q\n  response: r\n  score: 0.4\n";
        let items = parse_calibration_set(text, Path::new("x.yaml")).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].line, items[1].line), (1, 6));
        assert_eq!(items[1].score, Some(0.4));
    }

    #[test]
    fn bad_items_get_positions() {
        let e = errors("- input: hi\n  response: hello\n  lable: pass\n");
        assert!(
            e.contains("unknown field `lable`") && e.contains("tone.yaml:3:"),
            "{e}"
        );
        let e = errors("- input: hi\n  response: hello\n");
        assert!(
            e.contains("needs a human `label`") && e.contains("tone.yaml:1:"),
            "{e}"
        );
        let e = errors("- input: hi\n  response: hello\n  label: maybe\n");
        assert!(e.contains("`maybe`") && e.contains("tone.yaml:3:"), "{e}");
        let e = errors(
            "- {id: a, input: x, response: y, label: pass}\n- {id: a, input: x, response: y, label: fail}\n",
        );
        assert!(
            e.contains("labelled twice") && e.contains("tone.yaml:2:"),
            "{e}"
        );
    }
}
