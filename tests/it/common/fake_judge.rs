//! A fake LLM judge: a real axum server on 127.0.0.1:0 speaking OpenAI chat completions
//! (`POST …/chat/completions`) and Anthropic messages (`POST …/messages`), with switchable
//! behaviours.
//!
//! Test items carry their truth in the response text: `[good]` or `[bad]`. The fake counts
//! requests, tracks the peak number in flight, and records arrival times, paths, headers and
//! prompts. Like the fake agent, it runs on its own one-thread runtime.

use super::gauge::Gauge;
use super::server::LocalServer;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// How the fake judges.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Passes exactly the prompts whose response contains `[good]`.
    Accurate,
    /// Passes everything.
    AlwaysPass,
    /// Passes prompts longer than this many characters, whatever their content.
    LengthBiased(usize),
    /// Passes at random (seeded by this and the request number).
    Random(u64),
    /// Answers prose with no JSON object.
    Malformed,
    /// Like `Accurate`, after this delay.
    Slow(Duration),
    /// HTTP 500 every time.
    ServerError,
    /// Answers `{"score": 0.8}` for `[good]` prompts and `{"score": 0.3}` otherwise.
    Scored,
    /// Passes, with every request header and the prompt echoed in the reason (a judge that
    /// leaks what it was sent).
    EchoHeaders,
    /// HTTP 401 with every request header echoed in the body.
    EchoHeadersRejected,
    /// A 2 MiB reply (over evalgate's 1 MiB judge reply limit).
    Huge,
    /// A reply nested 100,000 levels deep.
    Deep,
    /// Like `Accurate`, gzip-compressed.
    Gzip,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub model: String,
    pub prompt: String,
    pub at: Instant,
}

struct Shared {
    behaviour: Mutex<Behaviour>,
    seen: Mutex<Vec<Seen>>,
    gauge: Arc<Gauge>,
}

pub struct FakeJudge {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    _server: LocalServer,
}

impl FakeJudge {
    pub fn start(behaviour: Behaviour) -> FakeJudge {
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(behaviour),
            seen: Mutex::new(Vec::new()),
            gauge: Arc::default(),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let server = LocalServer::start(app);
        FakeJudge {
            addr: server.addr,
            shared,
            _server: server,
        }
    }

    /// The base URL to configure (`http://127.0.0.1:<port>/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn set(&self, behaviour: Behaviour) {
        *self.shared.behaviour.lock().unwrap() = behaviour;
    }

    pub fn request_count(&self) -> usize {
        self.shared.seen.lock().unwrap().len()
    }

    pub fn peak_in_flight(&self) -> usize {
        self.shared.gauge.peak()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _guard = shared.gauge.enter();
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let prompt = json["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let path = uri.path().to_string();
    let n = {
        let mut seen = shared.seen.lock().unwrap();
        seen.push(Seen {
            path: path.clone(),
            headers: headers.clone(),
            model: json["model"].as_str().unwrap_or_default().to_string(),
            prompt: prompt.clone(),
            at: Instant::now(),
        });
        seen.len()
    };
    let behaviour = shared.behaviour.lock().unwrap().clone();
    let good = prompt.contains("[good]");
    let pass = match behaviour {
        Behaviour::Accurate => good,
        Behaviour::AlwaysPass => true,
        Behaviour::LengthBiased(min) => prompt.chars().count() > min,
        Behaviour::Random(seed) => fastrand::Rng::with_seed(seed ^ n as u64).bool(),
        Behaviour::Malformed => return answer(&path, "I think the answer is fine, mostly."),
        Behaviour::Slow(d) => {
            tokio::time::sleep(d).await;
            good
        }
        Behaviour::Scored => {
            let score = if good { 0.8 } else { 0.3 };
            return answer(
                &path,
                &format!("{{\"score\": {score}, \"reason\": \"scored\"}}"),
            );
        }
        Behaviour::EchoHeaders => {
            let reason = format!("headers: {}; prompt: {prompt}", echo_headers(&headers));
            let text = serde_json::to_string(&json!({"pass": true, "reason": reason})).unwrap();
            return answer(&path, &text);
        }
        Behaviour::EchoHeadersRejected => {
            return (StatusCode::UNAUTHORIZED, echo_headers(&headers)).into_response();
        }
        Behaviour::ServerError => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response();
        }
        Behaviour::Huge => return answer(&path, &" ".repeat(2 * 1024 * 1024)),
        Behaviour::Deep => {
            return format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_response();
        }
        Behaviour::Gzip => {
            let plain = answer(&path, &verdict(good));
            let body = axum::body::to_bytes(plain.into_body(), usize::MAX)
                .await
                .unwrap();
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut e, &body).unwrap();
            return ([("content-encoding", "gzip")], e.finish().unwrap()).into_response();
        }
    };
    answer(&path, &verdict(pass))
}

/// Prose and a fence around the JSON, as real models answer.
fn verdict(pass: bool) -> String {
    format!(
        "Here is my assessment.\n```json\n{{\"pass\": {pass}, \"reason\": \"the fake judged {}\"}}\n```\nLet me know if you need more.",
        if pass { "a pass" } else { "a fail" }
    )
}

/// `name: value` of every header, one per line (what a leaky server echoes).
pub fn echo_headers(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes())))
        .collect::<Vec<_>>()
        .join("\n")
}

fn answer(path: &str, text: &str) -> Response {
    if path.ends_with("/messages") {
        axum::Json(json!({
            "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": text}],
        }))
        .into_response()
    } else if path.ends_with("/chat/completions") {
        axum::Json(json!({
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
        }))
        .into_response()
    } else {
        (StatusCode::NOT_FOUND, "no such endpoint").into_response()
    }
}
