//! Checks of `agent` that `run` would otherwise find only when it builds its HTTP client:
//! header names, header values, `${VAR}`s and judges' `api_key_env` variables that are not set.
//!
//! The environment comes in as a lookup function from `cli` (this module never reads it), and
//! no message quotes a value: header values and variables are usually secrets.

use std::collections::BTreeMap;

use crate::model::{AgentSpec, JudgeSpec, expand_vars};
use reqwest::header::{HeaderName, HeaderValue};

use super::error::Diagnostic;
use super::locate::key;
use super::source::Source;

/// The environment as `cli` sees it: a variable's value, or `None` when it is unset.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Header names always; header values and `${VAR}`s when `env` is given (`validate`, `run`).
pub(crate) fn check_agent_env(
    agent: &AgentSpec,
    src: &Source,
    env: Option<Env<'_>>,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(env) = env
        && let Err(var) = expand_vars(&agent.url, env)
    {
        out.push(unset(src.at("agent.url", ""), "`agent.url`", &var));
    }
    for (name, value) in &agent.headers {
        let at = || src.at_segs(&[key("agent"), key("headers"), key(name.as_str())], "");
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            let path = [key("agent"), key("headers"), key(name.as_str())];
            out.push(
                src.at_pos(src.outline.key_pos(&path), format!("invalid header name `{name}`"))
                    .with_help("header names are letters, digits and `-` (no spaces, colons or control characters)"),
            );
            continue;
        }
        let Some(env) = env else { continue };
        match expand_vars(value, env) {
            Err(var) => out.push(unset(at(), &format!("header `{name}`"), &var)),
            Ok(expanded) => {
                if HeaderValue::from_str(&expanded).is_err() {
                    let d = at();
                    out.push(Diagnostic {
                        message: format!(
                            "header `{name}`: its value has characters a header cannot carry (newlines, control characters)"
                        ),
                        help: Some("the value is not shown here (it may be a secret)".into()),
                        ..d
                    });
                }
            }
        }
    }
    let (Some(env), Some(start)) = (env, &agent.start) else {
        return;
    };
    for (name, value) in &start.env {
        if let Err(var) = expand_vars(value, env) {
            let d = src.at_segs(
                &[key("agent"), key("start"), key("env"), key(name.as_str())],
                "",
            );
            out.push(unset(
                d,
                &format!("environment variable `{name}` of the agent"),
                &var,
            ));
        }
    }
}

/// Each judge's `api_key_env` is set (and not empty), as the judge clients will require.
pub(crate) fn check_judge_keys(
    judges: &BTreeMap<String, JudgeSpec>,
    src: &Source,
    env: Option<Env<'_>>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(env) = env else { return };
    for (name, spec) in judges {
        if let Some(var) = &spec.api_key_env
            && env(var).is_none_or(|v| v.is_empty())
        {
            let d = src.at_segs(&[key("judges"), key(name.as_str()), key("api_key_env")], "");
            out.push(unset(d, &format!("judge `{name}`"), var));
        }
    }
}

fn unset(at: Diagnostic, place: &str, var: &str) -> Diagnostic {
    Diagnostic {
        message: format!("{place}: environment variable `{var}` is not set"),
        help: Some(format!(
            "set `{var}` before running evalgate, or change the config"
        )),
        ..at
    }
}
