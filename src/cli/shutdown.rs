//! [`Shutdown`]: SIGINT and SIGTERM as the exit codes a shell reports for them (130, 143).
//!
//! Owns catching the signals only; what to stop and what to tell the user on a signal is the
//! command's business (`run` stops the agent and names the finished cases).

use super::{INTERRUPTED, TERMINATED};

/// SIGINT (Ctrl-C) and SIGTERM, caught from the moment this is made: one that arrives while
/// the agent starts is not lost to the default action (dying without stopping the agent).
pub(crate) struct Shutdown {
    #[cfg(unix)]
    signals: Vec<(tokio::signal::unix::Signal, u8)>,
}

impl Shutdown {
    pub(crate) fn catch() -> Shutdown {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = [
                (SignalKind::interrupt(), INTERRUPTED),
                (SignalKind::terminate(), TERMINATED),
            ]
            .into_iter()
            .filter_map(|(kind, code)| signal(kind).ok().map(|s| (s, code)))
            .collect();
            Shutdown { signals }
        }
        #[cfg(not(unix))]
        Shutdown {}
    }

    /// Resolves on the first signal with the exit code a shell reports for it (130, 143).
    pub(crate) async fn recv(&mut self) -> u8 {
        #[cfg(unix)]
        {
            if self.signals.is_empty() {
                return std::future::pending().await;
            }
            let waits = self
                .signals
                .iter_mut()
                .map(|(s, code)| Box::pin(async move { s.recv().await.map(|_| *code) }));
            match futures::future::select_all(waits).await.0 {
                Some(code) => code,
                None => std::future::pending().await,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            INTERRUPTED
        }
    }
}
