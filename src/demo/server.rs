//! The demo agent's HTTP server (axum): `GET /health` and `POST /chat`.
//!
//! Owns routing and the wire status codes only; every decision is [`super::agent::respond`]'s.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::DemoOptions;
use super::agent::respond;
use super::wire::ChatRequest;

/// The demo agent's routes, for serving or for in-process use.
pub fn router(opts: DemoOptions) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/chat", post(chat))
        .with_state(opts)
}

/// Serves the demo agent on `listener` until the task is dropped or the process ends.
pub async fn serve(listener: TcpListener, opts: DemoOptions) -> io::Result<()> {
    axum::serve(listener, router(opts)).await
}

/// Serves the demo agent on `127.0.0.1` at a free port (for tests); returns the address and the
/// server task (abort it to stop the server).
pub async fn spawn_on_loopback(
    opts: DemoOptions,
) -> io::Result<(SocketAddr, JoinHandle<io::Result<()>>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    Ok((addr, tokio::spawn(serve(listener, opts))))
}

async fn chat(
    State(opts): State<DemoOptions>,
    body: Result<Json<ChatRequest>, JsonRejection>,
) -> Response {
    let request = match body {
        Ok(Json(r)) => r,
        Err(e) => return bad_request(&format!("invalid chat request: {}", e.body_text())),
    };
    if !request.conversation().iter().any(|m| m.role == "user") {
        return bad_request("the request has no `input` and no `user` message");
    }
    if opts.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(opts.latency_ms)).await;
    }
    Json(respond(&request, opts.variant)).into_response()
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use serde_json::{Value, json};

    use super::*;
    use crate::demo::Variant;

    fn client() -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::new()
    }

    #[tokio::test]
    async fn answers_health_and_chat_on_loopback() {
        let (addr, server) = spawn_on_loopback(DemoOptions::default()).await.unwrap();
        assert!(addr.ip().is_loopback() && addr.port() != 0);
        let http = client();
        let health = http
            .get(format!("http://{addr}/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        assert_eq!(health.text().await.unwrap(), "ok");

        let reply: Value = http
            .post(format!("http://{addr}/chat"))
            .json(&json!({
                "messages": [{"role": "user", "content": "Refund INV-1042 please, I'm jane@acme.io"}],
                "case_id": "x",
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = reply["tool_calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["lookup_account", "fetch_invoice", "issue_refund"]);
        assert_eq!(
            reply["tool_calls"][2]["arguments"],
            json!({"invoice_id": "INV-1042", "amount": 49.0})
        );
        assert_eq!(reply["tool_calls"][2]["status"], "ok");
        assert_eq!(reply["tool_calls"][2]["result"]["refund_id"], "RF-5001");
        assert!(
            reply["output"]
                .as_str()
                .unwrap()
                .contains("refunded $49.00")
        );
        let usage = &reply["usage"];
        assert_eq!(
            usage["total_tokens"].as_u64().unwrap(),
            usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
        );
        assert!(reply["cost_usd"].as_f64().unwrap() > 0.0);
        server.abort();
    }

    #[tokio::test]
    async fn bad_requests_get_400_with_a_reason() {
        let (addr, server) = spawn_on_loopback(DemoOptions::default()).await.unwrap();
        let http = client();
        let url = format!("http://{addr}/chat");
        let r = http
            .post(&url)
            .json(&json!({"messages": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body["error"],
            "the request has no `input` and no `user` message"
        );
        let r = http
            .post(&url)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        server.abort();
    }

    #[tokio::test]
    async fn latency_and_variant_options_apply() {
        let opts = DemoOptions {
            latency_ms: 150,
            variant: Variant::Regressed,
        };
        let (addr, server) = spawn_on_loopback(opts).await.unwrap();
        let started = Instant::now();
        let reply: Value = client()
            .post(format!("http://{addr}/chat"))
            .json(&json!({"input": "Refund INV-2207, I'm omar@globex.com"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(started.elapsed() >= Duration::from_millis(150));
        // The regressed agent refunds $740 instead of escalating.
        assert_eq!(reply["tool_calls"][2]["name"], "issue_refund");
        assert_eq!(reply["tool_calls"][2]["arguments"]["amount"], json!(740.0));
        server.abort();
    }
}
