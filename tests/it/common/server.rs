//! A real axum server on 127.0.0.1:0 with its own one-thread runtime, so the fakes work under
//! any test runtime flavour (and their CPU is not the test's). Stops when dropped.

use std::net::SocketAddr;

use axum::Router;

pub struct LocalServer {
    pub addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

impl LocalServer {
    pub fn start(app: Router) -> LocalServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
        LocalServer {
            addr,
            runtime: Some(runtime),
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        // `shutdown_background` is the one way to drop a runtime from inside another one.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
