//! `${NAME}` references in config values (headers, `agent.start.env`): their expansion.
//!
//! One expansion for everyone: the adapter expands for real, `config` checks that every
//! variable is set, `cli` collects the expanded values as secrets. Pure: the environment comes
//! in as a lookup function; `config::agent` checks the `${…}` syntax.

/// Replaces each `${NAME}` with the variable's value. Returns the name of the first unset
/// variable. A `$` not followed by `{…}` is kept as is.
pub fn expand_vars(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        out.push_str(&rest[..start]);
        out.push_str(&env(name).ok_or_else(|| name.to_string())?);
        rest = &rest[start + 2 + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_env_vars_and_reports_the_missing_one() {
        let env = |k: &str| (k == "KEY").then(|| "s3cret".to_string());
        assert_eq!(expand_vars("Bearer ${KEY}", &env).unwrap(), "Bearer s3cret");
        assert_eq!(expand_vars("${KEY}-${KEY}", &env).unwrap(), "s3cret-s3cret");
        assert_eq!(
            expand_vars("$KEY and ${KEY", &env).unwrap(),
            "$KEY and ${KEY"
        );
        assert_eq!(expand_vars("a ${OTHER} b", &env).unwrap_err(), "OTHER");
    }
}
