//! Where and how the agent is reached: `{port}` and `${VAR}` substitution, URL checks, the
//! header map (values marked sensitive) and the URL form that may appear in messages.
//!
//! Pure functions of the spec and the lookup function the CLI passes; no I/O. Header values are
//! never part of an error.

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::AdapterError;
use crate::model::{AgentSpec, expand_vars};

/// The agent URL with `{port}` filled in; only `http` and `https` are accepted.
pub(crate) fn resolve_url(template: &str, port: Option<u16>) -> Result<Url, AdapterError> {
    let text = match port {
        Some(p) => template.replace("{port}", &p.to_string()),
        None if template.contains("{port}") => {
            return Err(AdapterError::PortWithoutStart {
                url: strip_query(template).to_string(),
            });
        }
        None => template.to_string(),
    };
    let url = Url::parse(&text).map_err(|e| AdapterError::InvalidUrl {
        url: strip_query(&text).to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AdapterError::InvalidUrl {
            url: show_url(&url),
            reason: format!(
                "scheme `{}` is not supported; use `http` or `https`",
                url.scheme()
            ),
        });
    }
    Ok(url)
}

fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The URL as messages show it: userinfo, query and fragment removed (they can hold secrets).
pub(crate) fn show_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

pub(crate) fn build_headers(
    spec: &AgentSpec,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<HeaderMap, AdapterError> {
    let mut headers = HeaderMap::new();
    for (name, template) in &spec.headers {
        let value = expand_vars(template, env).map_err(|var| AdapterError::MissingVar {
            place: "header",
            name: name.clone(),
            var,
        })?;
        let header_name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| AdapterError::InvalidHeader {
                name: name.clone(),
                reason: "not a valid header name".into(),
            })?;
        let mut header_value =
            HeaderValue::from_str(&value).map_err(|_| AdapterError::InvalidHeader {
                name: name.clone(),
                // Never echo the value: it is usually a key.
                reason:
                    "its value has characters a header cannot carry (newlines, control characters)"
                        .into(),
            })?;
        header_value.set_sensitive(true);
        headers.insert(header_name, header_value);
    }
    // The user's own `Content-Type` (e.g. a vendor JSON type) wins.
    if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_urls_drop_userinfo_query_and_fragment() {
        let url = Url::parse("https://me:pw@agent.example:8443/v1/run?key=s#frag").unwrap();
        assert_eq!(show_url(&url), "https://agent.example:8443/v1/run");
    }

    #[test]
    fn loopback_hosts_are_recognized() {
        for (url, expected) in [
            ("http://127.0.0.1:8080/", true),
            ("http://localhost/", true),
            ("http://[::1]:9/", true),
            ("http://127.0.0.2/", true),
            ("https://agent.example/", false),
            ("http://10.0.0.1/", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), expected, "{url}");
        }
    }
}
