//! The run's [`Secrets`], collected once: every `${VAR}` the config expands (`agent.url`, agent
//! headers, `agent.start.env`), each judge's `api_key_env` value and the GitHub token.
//!
//! The CLI is the only module that reads the environment, so it is the one place that knows
//! the values; the adapter, judges, trace readers and GitHub publishing get the finished
//! [`Secrets`] and mask with it. Warnings about values too short to mask name the variable,
//! never the value.

use crate::model::{AgentSpec, JudgeSpec, Secrets, expand_vars};

/// What a config can expand from the environment.
pub(super) struct Sources<'a> {
    pub agent: Option<&'a AgentSpec>,
    pub judges: Vec<&'a JudgeSpec>,
    /// `--github-token` or `GITHUB_TOKEN`.
    pub github_token: Option<&'a str>,
}

/// Collects and builds the secrets, printing one warning per value too short to mask.
pub(super) fn collect(sources: &Sources<'_>, env: &dyn Fn(&str) -> Option<String>) -> Secrets {
    let mut b = Secrets::builder();
    // Records each variable a template expands, with the value it got.
    let expand = |template: &str, b: &mut crate::model::SecretsBuilder| {
        let seen = std::cell::RefCell::new(Vec::new());
        let expanded = expand_vars(template, &|name| {
            let value = env(name);
            if let Some(v) = &value {
                seen.borrow_mut().push((name.to_string(), v.clone()));
            }
            value
        });
        let seen = seen.into_inner();
        for (name, value) in &seen {
            b.add(&format!("`${{{name}}}`"), value);
        }
        // An unset variable is reported by whoever expands it for real.
        expanded.ok().filter(|_| !seen.is_empty())
    };
    if let Some(agent) = sources.agent {
        // A token in the URL (`?key=${API_KEY}`) is as secret as one in a header.
        expand(&agent.url, &mut b);
        for (name, template) in &agent.headers {
            if let Some(value) = expand(template, &mut b) {
                b.add_header(name, &value);
            }
        }
        for template in agent.start.iter().flat_map(|s| s.env.values()) {
            expand(template, &mut b);
        }
    }
    for var in sources
        .judges
        .iter()
        .filter_map(|j| j.api_key_env.as_deref())
    {
        if let Some(value) = env(var) {
            b.add(&format!("`{var}`"), &value);
        }
    }
    if let Some(token) = sources.github_token {
        b.add("the GitHub token", token);
    }
    for w in b.warnings() {
        eprintln!("warning: {w}");
    }
    b.build()
}

/// The secrets of a config file read only for its settings (`promote`, `traces`), plus
/// `GITHUB_TOKEN` from the environment.
pub(super) fn of_config(cfg: &crate::model::ConfigFile) -> Secrets {
    let env = |name: &str| std::env::var(name).ok();
    let token = env("GITHUB_TOKEN");
    collect(
        &Sources {
            agent: Some(&cfg.agent),
            judges: cfg.judges.values().collect(),
            github_token: token.as_deref(),
        },
        &env,
    )
}

/// The secrets of a loaded plan.
pub(super) fn of_plan(
    plan: &crate::model::Plan,
    github_token: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Secrets {
    collect(
        &Sources {
            agent: Some(&plan.agent),
            judges: plan.judges.values().map(|j| &j.spec).collect(),
            github_token,
        },
        env,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_from_the_environment_are_secrets() {
        let agent: AgentSpec = serde_json::from_value(serde_json::json!({
            "url": "http://127.0.0.1:{port}/agent",
            "headers": {
                "Authorization": "Bearer ${TOKEN}",
                "X-Tenant": "acme-corp-literal",
                "X-Unset": "${NOT_SET}",
            },
            "start": {"command": ["agent"], "env": {"DB_URL": "postgres://u:${DB_PASSWORD}@db"}},
        }))
        .unwrap();
        let mut judge = crate::judge::tests::spec(crate::model::JudgeKind::PassFail);
        judge.api_key_env = Some("JUDGE_KEY".into());
        let env = |name: &str| match name {
            "TOKEN" => Some("token-value-123".to_string()),
            "DB_PASSWORD" => Some("db-password-456".to_string()),
            "JUDGE_KEY" => Some("judge-key-789".to_string()),
            _ => None,
        };
        let secrets = collect(
            &Sources {
                agent: Some(&agent),
                judges: vec![&judge],
                github_token: Some("ghs_token_000"),
            },
            &env,
        );
        assert_eq!(
            secrets.mask(
                "token-value-123 db-password-456 judge-key-789 ghs_token_000 acme-corp-literal"
            ),
            "*** *** *** *** acme-corp-literal",
            "a literal header value is in the repository already: not a secret"
        );
    }
}
