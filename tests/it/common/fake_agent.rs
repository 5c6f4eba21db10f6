//! A scriptable fake agent: a real axum server on 127.0.0.1:0 whose reply to each request is
//! decided by a test-supplied script (by input text, by request count, or both).
//!
//! Every path except `GET /health` goes to the script. It counts requests, tracks the peak
//! number of requests in flight and records each request (headers and body) for assertions.
//! The server runs on its own one-thread runtime, so it works under any test runtime flavour
//! and its CPU time is not charged to the thread that drives the code under test.

use super::gauge::Gauge;
use super::server::LocalServer;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

/// One request as the script sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// 1-based position among all requests.
    pub n: usize,
    /// 1-based position among requests with the same `input`.
    pub nth_for_input: usize,
    /// The body's `input` field (empty when absent).
    pub input: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
    pub headers: HeaderMap,
}

/// What the fake answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with this JSON.
    Json(Value),
    /// This status with a plain-text body.
    Status(u16, String),
    /// 429 with this `Retry-After` value.
    TooManyRequests(String),
    /// 200 with this body as `application/json` (for malformed replies).
    Raw(String),
    /// Answers after this delay (for slow agents and timeouts).
    Delayed(Duration, Box<Reply>),
    /// Never answers (until the client gives up or the test ends).
    Hang,
    /// 200 with these headers and this exact body (e.g. compressed, with `Content-Encoding`).
    Encoded(Vec<(&'static str, String)>, Vec<u8>),
    /// 200 streamed without `Content-Length`: `chunk` sent `times` times.
    Chunked { chunk: Vec<u8>, times: usize },
    /// 302 to this location.
    Redirect(String),
}

type Script = dyn Fn(&Request) -> Reply + Send + Sync;

struct Shared {
    script: Box<Script>,
    requests: Mutex<Vec<Request>>,
    per_input: Mutex<HashMap<String, usize>>,
    gauge: Arc<Gauge>,
}

/// A running fake agent; the server stops when this is dropped.
pub struct FakeAgent {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _server: LocalServer,
}

impl FakeAgent {
    /// Starts a fake whose replies come from `script`.
    pub async fn start(script: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> FakeAgent {
        let shared = Arc::new(Shared {
            script: Box::new(script),
            requests: Mutex::new(Vec::new()),
            per_input: Mutex::new(HashMap::new()),
            gauge: Arc::default(),
        });
        let app = Router::new()
            .route("/health", get(|| async { "ok" }))
            .fallback(handle)
            .with_state(shared.clone());
        let server = LocalServer::start(app);
        FakeAgent {
            addr: server.addr,
            shared,
            _server: server,
        }
    }

    /// Answers every request with the same reply.
    pub async fn always(reply: Reply) -> FakeAgent {
        FakeAgent::start(move |_| reply.clone()).await
    }

    /// The agent endpoint (`http://127.0.0.1:<port>/agent`).
    pub fn url(&self) -> String {
        format!("http://{}/agent", self.addr)
    }

    pub fn request_count(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    pub fn peak_in_flight(&self) -> usize {
        self.shared.gauge.peak()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }
}

async fn handle(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let _guard = shared.gauge.enter();

    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let input = json["input"].as_str().unwrap_or_default().to_string();
    let nth_for_input = {
        let mut per_input = shared.per_input.lock().unwrap();
        let n = per_input.entry(input.clone()).or_default();
        *n += 1;
        *n
    };
    let request = {
        let mut requests = shared.requests.lock().unwrap();
        let request = Request {
            n: requests.len() + 1,
            nth_for_input,
            input,
            body: json,
            headers,
        };
        requests.push(request.clone());
        request
    };
    let mut reply = (shared.script)(&request);
    loop {
        reply = match reply {
            Reply::Delayed(delay, inner) => {
                tokio::time::sleep(delay).await;
                *inner
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return StatusCode::GATEWAY_TIMEOUT.into_response();
            }
            Reply::Json(v) => return axum::Json(v).into_response(),
            Reply::Status(code, text) => {
                return (StatusCode::from_u16(code).unwrap(), text).into_response();
            }
            Reply::TooManyRequests(after) => {
                let mut response = (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_str(&after).unwrap());
                return response;
            }
            Reply::Raw(text) => {
                return ([(header::CONTENT_TYPE, "application/json")], text).into_response();
            }
            Reply::Encoded(headers, body) => {
                let mut response = body.into_response();
                for (name, value) in headers {
                    response
                        .headers_mut()
                        .insert(name, HeaderValue::from_str(&value).unwrap());
                }
                return response;
            }
            Reply::Chunked { chunk, times } => {
                let chunk = Bytes::from(chunk);
                let stream = futures::stream::iter(
                    (0..times).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                );
                return axum::body::Body::from_stream(stream).into_response();
            }
            Reply::Redirect(location) => {
                return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
            }
        }
    }
}
