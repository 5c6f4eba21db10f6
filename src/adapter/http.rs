//! [`HttpAgent`]: one case → one HTTP request (with retries) → a [`Trajectory`] or a `CaseError`.
//!
//! Owns the request body (a minijinja template compiled once, or the default JSON), the headers
//! (`${VAR}` expanded at construction, kept as sensitive values) and the retry loop. It must not
//! read the environment (the CLI passes a lookup function) nor print header values anywhere.
//! A failed attempt is a [`Failure`] (in `failure.rs`) until the loop knows it was the last.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, context};
use reqwest::header::{ACCEPT_ENCODING, HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;

use super::body::{self, BodyError};
use super::endpoint::{build_headers, is_loopback, resolve_url, show_url};
use super::failure::{Detail, Failure};
use super::mapping::{parse_reply, quote};
use super::retry::{backoff, retry_after_delay};
use super::{AdapterError, AgentReply, install_crypto_provider};
use crate::model::{
    AgentSpec, Case, CaseError, ErrorKind, HttpMethod, Message, ResponseMapping, RetrySpec, Role,
    Secrets, expand_vars,
};

/// How much of an error reply's body the `http_status` message quotes.
const STATUS_BODY_CHARS: usize = 200;

/// The agent under test, reached over HTTP. Cheap to share: the runner calls it concurrently.
pub struct HttpAgent {
    client: reqwest::Client,
    url: Url,
    /// `url` without userinfo, query and fragment: the only form that appears in messages.
    shown_url: String,
    method: Method,
    /// Marked sensitive; never printed (see the `Debug` impl).
    headers: HeaderMap,
    body: Option<Environment<'static>>,
    mapping: ResponseMapping,
    timeout: Duration,
    retry: RetrySpec,
    /// Masked in every reply and error message, before anything else sees them.
    secrets: Secrets,
    max_response_bytes: u64,
}

impl fmt::Debug for HttpAgent {
    // Hand-written so header values (API keys) can never reach a log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("HttpAgent")
            .field("url", &self.shown_url)
            .field("method", &self.method)
            .field("headers", &header_names)
            .field("body_template", &self.body.is_some())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl HttpAgent {
    /// Builds the agent from its spec. `port` fills `{port}` in the URL (a started agent);
    /// `env` resolves `${VAR}` in the URL and in header values.
    pub fn new(
        spec: &AgentSpec,
        body_template: Option<&str>,
        port: Option<u16>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<HttpAgent, AdapterError> {
        install_crypto_provider();
        let url_text = expand_vars(&spec.url, env).map_err(|var| AdapterError::MissingVar {
            place: "setting",
            name: "agent.url".into(),
            var,
        })?;
        let url = resolve_url(&url_text, port)?;
        let shown_url = show_url(&url);
        let headers = build_headers(spec, env)?;
        let body = body_template.map(compile_template).transpose()?;
        let mut builder =
            reqwest::Client::builder().user_agent(concat!("evalgate/", env!("CARGO_PKG_VERSION")));
        // `HTTP_PROXY` is honoured for remote agents, but a proxy cannot reach this machine's
        // loopback (reqwest does not exempt it on its own).
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        // A plain-HTTP agent never verifies a certificate, and loading the system's roots
        // (~150 files) was a fifth of the time before the first request. An HTTPS agent keeps
        // the platform verifier (an HTTP agent that redirects to HTTPS fails loudly instead).
        if url.scheme() == "http" {
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let client = builder
            .build()
            .map_err(|e| AdapterError::Client(e.without_url().to_string()))?;
        Ok(HttpAgent {
            client,
            url,
            shown_url,
            method: match spec.method {
                HttpMethod::Post => Method::POST,
                HttpMethod::Put => Method::PUT,
                HttpMethod::Get => Method::GET,
            },
            headers,
            body,
            mapping: spec.response.clone(),
            timeout: Duration::from_millis(spec.timeout_ms),
            retry: spec.retry.clone(),
            secrets: Secrets::default(),
            max_response_bytes: spec.max_response_bytes,
        })
    }

    /// Masks these secrets in the agent's replies (tool calls, results, answers) and in every
    /// error message, as they are read.
    pub fn with_secrets(mut self, secrets: Secrets) -> HttpAgent {
        self.secrets = secrets;
        self
    }

    /// Runs the agent on one case, retrying transport failures, 429 and 5xx.
    pub async fn call(&self, case: &Case) -> AgentReply {
        let started = Instant::now();
        let elapsed = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let session = session_id(case);
        let body = match self.render_body(case, &session) {
            Ok(body) => body,
            Err(message) => {
                return AgentReply {
                    result: Err(CaseError {
                        kind: ErrorKind::Request,
                        message,
                    }),
                    attempts: 0,
                    duration_ms: elapsed(),
                };
            }
        };
        let mut attempts = 0;
        let result = loop {
            attempts += 1;
            let attempt_started = Instant::now();
            match self.attempt(body.clone(), &case.headers).await {
                Ok(mut trajectory) => {
                    trajectory.latency_ms =
                        u64::try_from(attempt_started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    break Ok(trajectory);
                }
                Err(failure) if failure.retryable && attempts <= self.retry.max_retries => {
                    let delay = failure
                        .retry_after
                        .unwrap_or_else(|| backoff(&self.retry, attempts - 1));
                    tokio::time::sleep(delay).await;
                }
                Err(failure) => {
                    let mut error = failure.into_case_error(attempts);
                    self.secrets.mask_string(&mut error.message);
                    break Err(error);
                }
            }
        };
        AgentReply {
            result,
            attempts,
            duration_ms: elapsed(),
        }
    }

    /// One HTTP exchange. The per-request timeout covers connecting through reading the body.
    async fn attempt(
        &self,
        body: String,
        case_headers: &std::collections::BTreeMap<String, String>,
    ) -> Result<crate::model::Trajectory, Failure> {
        // A case's own headers replace the config's of the same name (names and values were
        // checked when the dataset loaded; one that still does not parse is left out).
        let mut headers = self.headers.clone();
        for (name, value) in case_headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                reqwest::header::HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        }
        let response = self
            .client
            .request(self.method.clone(), self.url.clone())
            // Before the configured headers, which may replace it.
            .header(ACCEPT_ENCODING, body::ACCEPT_ENCODING)
            .headers(headers)
            .timeout(self.timeout)
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport_failure(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after_delay(&self.retry, v, SystemTime::now()));
        // The edge: nothing after this line sees a secret the agent echoed.
        let bytes = self
            .read_body(response)
            .await
            .map(|b| match self.secrets.mask_json(&b) {
                std::borrow::Cow::Borrowed(_) => b,
                std::borrow::Cow::Owned(masked) => masked,
            });
        if !status.is_success() {
            // The status decides (and is retried), even when its body is too large to quote.
            let bytes = match bytes {
                Ok(bytes) => bytes,
                Err(Failure {
                    detail: Detail::Final(text),
                    ..
                }) => format!("({text})").into_bytes(),
                Err(transport) => return Err(transport),
            };
            return Err(Failure {
                kind: ErrorKind::HttpStatus,
                retryable: status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
                retry_after,
                detail: Detail::Status {
                    status,
                    body: quote(&bytes, STATUS_BODY_CHARS),
                },
            });
        }
        parse_reply(&bytes?, &self.mapping).map_err(|(kind, message)| Failure {
            kind,
            retryable: false,
            retry_after: None,
            detail: Detail::Final(message),
        })
    }

    /// The body, decoded and within `max_response_bytes`. A reply too large or in an unknown
    /// encoding would be the same on a retry, so only a broken connection is retried.
    async fn read_body(&self, response: reqwest::Response) -> Result<Vec<u8>, Failure> {
        body::read_body(response, self.max_response_bytes)
            .await
            .map_err(|e| match e {
                BodyError::Read(e) => self.transport_failure(&e),
                other => Failure {
                    kind: ErrorKind::BadResponse,
                    retryable: false,
                    retry_after: None,
                    detail: Detail::Final(format!(
                        "`{}`: {}",
                        self.shown_url,
                        other.describe("`agent.max_response_bytes`")
                    )),
                },
            })
    }

    fn transport_failure(&self, e: &reqwest::Error) -> Failure {
        // Redirects are followed up to reqwest's limit (10); more is a loop, and retrying it
        // would only run the loop again.
        if e.is_redirect() {
            return Failure {
                kind: ErrorKind::HttpStatus,
                retryable: false,
                retry_after: None,
                detail: Detail::Final(format!(
                    "`{}` redirected more than 10 times (a redirect loop?); not retried",
                    self.shown_url
                )),
            };
        }
        let (kind, detail) = if e.is_timeout() {
            (
                ErrorKind::Timeout,
                format!(
                    "no reply from `{}` within {} ms",
                    self.shown_url,
                    self.timeout.as_millis()
                ),
            )
        } else if e.is_connect() {
            (
                ErrorKind::Connect,
                format!(
                    "could not connect to `{}`: {}",
                    self.shown_url,
                    root_cause(e)
                ),
            )
        } else {
            (
                ErrorKind::Connect,
                format!(
                    "the connection to `{}` failed: {}",
                    self.shown_url,
                    root_cause(e)
                ),
            )
        };
        Failure {
            kind,
            retryable: true,
            retry_after: None,
            detail: Detail::Transport(detail),
        }
    }

    fn render_body(&self, case: &Case, session_id: &str) -> Result<String, String> {
        match &self.body {
            None => serde_json::to_string(&DefaultBody {
                input: case.input.last_user_text(),
                messages: &case.input.messages(),
                case_id: &case.id,
            })
            .map_err(|e| format!("could not encode the request body: {e}")),
            Some(env) => render_template(env, case, session_id)
                .map_err(|e| format!("request body template failed: {e:#}")),
        }
    }
}

#[derive(Serialize)]
struct DefaultBody<'a> {
    input: &'a str,
    messages: &'a [Message],
    case_id: &'a str,
}

/// The variables a request body template sees (`config::template` checks the same list).
/// `turn` is 1 until scenarios have several; `session_id` is one per call, so an agent that
/// keeps state per session never mixes two cases (or two trials of one).
fn render_template(
    env: &Environment<'static>,
    case: &Case,
    session_id: &str,
) -> Result<String, minijinja::Error> {
    env.get_template("body")?.render(context! {
        input => case.input.last_user_text(),
        messages => Serde(case.input.messages()),
        turn => 1,
        session_id => session_id,
        case => context! {
            id => &case.id,
            tags => Serde(&case.tags),
            tier => case.tier.as_deref(),
            tools => Serde(&case.tools),
            fixtures => Serde(&case.fixtures),
        },
    })
}

/// A fresh session id: the case id (readable in the agent's logs) and 64 random bits.
fn session_id(case: &Case) -> String {
    format!("{}-{:016x}", case.id, fastrand::u64(..))
}

/// Compiles the body template once, and renders it on a sample case so that a misspelled
/// variable (strict undefined) is a setup error instead of an error on every case.
fn compile_template(source: &str) -> Result<Environment<'static>, AdapterError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template_owned("body", source.to_string())
        .map_err(|e| AdapterError::Template(format!("{e:#}")))?;
    let sample = Case {
        id: "sample".into(),
        tags: Vec::new(),
        tier: None,
        input: crate::model::Input::Messages(vec![Message {
            role: Role::User,
            content: "hello".into(),
        }]),
        tools: Vec::new(),
        headers: Default::default(),
        expect: Default::default(),
        source: None,
        review: None,
        fixtures: Vec::new(),
        loc: Default::default(),
    };
    render_template(&env, &sample, "sample-0000000000000000")
        .map_err(|e| AdapterError::Template(format!("{e:#}")))?;
    Ok(env)
}

/// The innermost error of a chain ("Connection refused (os error 111)"), which is the part a
/// person can act on; the outer layers repeat the URL.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
