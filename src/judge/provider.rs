//! One judge request over HTTP: OpenAI-compatible chat completions or Anthropic messages,
//! with retries (the adapter's backoff and `Retry-After` handling), a timeout, and the answer
//! text pulled out of the provider's JSON.
//!
//! The API key is held in a sensitive header value and never appears in an error or `Debug`
//! output; error messages name the endpoint without userinfo or query.

use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT_ENCODING, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};

use crate::adapter::body::{self, BodyError};
use crate::adapter::endpoint::{is_loopback, show_url};
use crate::adapter::retry::{backoff, retry_after_delay};
use crate::input::MAX_DEPTH;
use crate::model::{JudgeProvider, JudgeSpec, RetrySpec};

/// How much of an error reply's body a message quotes.
const BODY_CHARS: usize = 160;

/// The largest judge reply read, decoded: a verdict of a few hundred tokens wrapped in the
/// provider's JSON is a few kilobytes, so 1 MiB only stops a broken or hostile endpoint.
pub(crate) const MAX_REPLY_BYTES: u64 = 1024 * 1024;

pub(crate) struct Provider {
    client: reqwest::Client,
    kind: JudgeProvider,
    url: Url,
    shown_url: String,
    headers: HeaderMap,
    model: String,
    temperature: f64,
    max_tokens: u32,
    timeout: Duration,
    retry: RetrySpec,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("kind", &self.kind)
            .field("url", &self.shown_url)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

/// The endpoint a judge posts to: the base URL plus the provider's path.
pub(crate) fn endpoint(spec: &JudgeSpec) -> Result<Url, String> {
    let path = match spec.provider {
        JudgeProvider::Openai => "chat/completions",
        JudgeProvider::Anthropic => "messages",
    };
    let base = format!("{}/", spec.base_url.trim_end_matches('/'));
    Url::parse(&base)
        .and_then(|u| u.join(path))
        .map_err(|e| format!("invalid judge `base_url`: {e}"))
}

impl Provider {
    /// `api_key` is the key's value (the CLI looked it up); `None` sends no key (local servers).
    pub(crate) fn new(spec: &JudgeSpec, api_key: Option<&str>) -> Result<Provider, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = endpoint(spec)?;
        let mut headers = HeaderMap::new();
        if let Some(key) = api_key {
            let (name, value) = match spec.provider {
                JudgeProvider::Openai => ("authorization", format!("Bearer {key}")),
                JudgeProvider::Anthropic => ("x-api-key", key.to_string()),
            };
            let mut v = HeaderValue::from_str(&value)
                .map_err(|_| "the judge's API key is not a valid header value".to_string())?;
            v.set_sensitive(true);
            headers.insert(name, v);
        }
        if spec.provider == JudgeProvider::Anthropic {
            headers.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
        }
        let mut builder =
            reqwest::Client::builder().user_agent(concat!("evalgate/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot build the judge's HTTP client: {}", e.without_url()))?;
        Ok(Provider {
            client,
            kind: spec.provider,
            shown_url: show_url(&url),
            url,
            headers,
            model: spec.model.clone(),
            temperature: spec.temperature,
            max_tokens: spec.max_tokens,
            timeout: Duration::from_millis(spec.timeout_ms),
            retry: spec.retry.clone(),
        })
    }

    fn body(&self, prompt: &str) -> Value {
        let messages = json!([{"role": "user", "content": prompt}]);
        match self.kind {
            JudgeProvider::Openai => json!({
                "model": self.model, "messages": messages,
                "temperature": self.temperature, "max_tokens": self.max_tokens,
            }),
            JudgeProvider::Anthropic => json!({
                "model": self.model, "messages": messages,
                "temperature": self.temperature, "max_tokens": self.max_tokens,
            }),
        }
    }

    /// Sends `prompt`, retrying connect errors, timeouts, 429 and 5xx; returns the answer text.
    /// `before_attempt` runs before every attempt (the rate limiter).
    pub(crate) async fn complete<F, Fut>(
        &self,
        prompt: &str,
        before_attempt: F,
    ) -> Result<String, String>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let body = self.body(prompt);
        let mut retry = 0;
        loop {
            before_attempt().await;
            let (err, retry_after) = match self.attempt(&body).await {
                Ok(text) => return Ok(text),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Retry(e, after)) => (e, after),
            };
            if retry >= self.retry.max_retries {
                let tries = retry + 1;
                return Err(format!(
                    "{err} (after {tries} attempt{})",
                    if tries == 1 { "" } else { "s" }
                ));
            }
            let delay = retry_after
                .and_then(|h| retry_after_delay(&self.retry, &h, SystemTime::now()))
                .unwrap_or_else(|| backoff(&self.retry, retry));
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    fn timed_out(&self) -> Attempt {
        Attempt::Retry(
            format!(
                "judge `{}` timed out after {} ms",
                self.shown_url,
                self.timeout.as_millis()
            ),
            None,
        )
    }

    async fn attempt(&self, body: &Value) -> Result<String, Attempt> {
        let sent = self
            .client
            .post(self.url.clone())
            .header(ACCEPT_ENCODING, body::ACCEPT_ENCODING)
            .headers(self.headers.clone())
            .json(body)
            .timeout(self.timeout)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Err(self.timed_out());
            }
            // More than reqwest's 10 redirects: a loop, which a retry would only run again.
            Err(e) if e.is_redirect() => {
                return Err(Attempt::Final(format!(
                    "judge `{}` redirected more than 10 times (a redirect loop?); not retried",
                    self.shown_url
                )));
            }
            Err(e) => {
                return Err(Attempt::Retry(
                    format!(
                        "cannot reach judge `{}`: {}",
                        self.shown_url,
                        e.without_url()
                    ),
                    None,
                ));
            }
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = match body::read_body(resp, MAX_REPLY_BYTES).await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(BodyError::Read(e)) if e.is_timeout() => {
                return Err(self.timed_out());
            }
            Err(BodyError::Read(e)) => {
                return Err(Attempt::Retry(
                    format!("reading the judge's reply failed: {}", e.without_url()),
                    None,
                ));
            }
            // The same reply would come again: not retried.
            Err(other) => {
                return Err(Attempt::Final(format!(
                    "judge `{}`: {}",
                    self.shown_url,
                    other.describe("the judge reply limit")
                )));
            }
        };
        if !status.is_success() {
            let msg = format!(
                "judge `{}` answered HTTP {}: {}",
                self.shown_url,
                status.as_u16(),
                text.chars().take(BODY_CHARS).collect::<String>()
            );
            let retriable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            return Err(if retriable {
                Attempt::Retry(msg, retry_after)
            } else {
                Attempt::Final(msg)
            });
        }
        answer_text(self.kind, &text).map_err(Attempt::Final)
    }
}

enum Attempt {
    Retry(String, Option<String>),
    Final(String),
}

/// The answer text in a provider reply.
pub(crate) fn answer_text(kind: JudgeProvider, body: &str) -> Result<String, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|e| match crate::input::json_too_deep(&e) {
            Some(at) => {
                format!("the judge's reply is nested more than {MAX_DEPTH} levels deep ({at})")
            }
            None => format!(
                "the judge's reply is not JSON: `{}`",
                body.chars().take(BODY_CHARS).collect::<String>()
            ),
        })?;
    let text = match kind {
        JudgeProvider::Openai => v
            .pointer("/choices/0/message/content")
            .and_then(Value::as_str)
            .map(str::to_string),
        JudgeProvider::Anthropic => v.get("content").and_then(Value::as_array).map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("")
        }),
    };
    text.ok_or_else(|| {
        let at = match kind {
            JudgeProvider::Openai => "`choices[0].message.content`",
            JudgeProvider::Anthropic => "`content[].text`",
        };
        format!("the judge's reply has no {at}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_text_reads_both_providers() {
        let openai =
            r#"{"choices":[{"message":{"role":"assistant","content":"{\"pass\":true}"}}]}"#;
        assert_eq!(
            answer_text(JudgeProvider::Openai, openai).unwrap(),
            r#"{"pass":true}"#
        );
        let anthropic =
            r#"{"content":[{"type":"text","text":"{\"pass\":"},{"type":"text","text":"false}"}]}"#;
        assert_eq!(
            answer_text(JudgeProvider::Anthropic, anthropic).unwrap(),
            r#"{"pass":false}"#
        );
        assert!(
            answer_text(JudgeProvider::Openai, "{}")
                .unwrap_err()
                .contains("choices[0]")
        );
        assert!(
            answer_text(JudgeProvider::Anthropic, "<html>")
                .unwrap_err()
                .contains("not JSON")
        );
    }

    #[test]
    fn a_deeply_nested_reply_is_refused_by_name() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        insta::assert_snapshot!(
            answer_text(JudgeProvider::Openai, &deep).unwrap_err(),
            @"the judge's reply is nested more than 127 levels deep (at line 1 column 128)"
        );
    }

    #[test]
    fn endpoints_append_the_provider_path() {
        let mut spec = crate::judge::tests::spec(crate::model::JudgeKind::PassFail);
        spec.base_url = "http://127.0.0.1:11434/v1/".into();
        assert_eq!(
            endpoint(&spec).unwrap().as_str(),
            "http://127.0.0.1:11434/v1/chat/completions"
        );
        spec.provider = JudgeProvider::Anthropic;
        spec.base_url = "https://api.anthropic.com/v1".into();
        assert_eq!(
            endpoint(&spec).unwrap().as_str(),
            "https://api.anthropic.com/v1/messages"
        );
    }
}
