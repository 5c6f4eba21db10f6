//! Concurrency accounting shared by the fake servers: requests in flight now and at the peak.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts requests in flight and remembers the highest count seen.
#[derive(Debug, Default)]
pub struct Gauge {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    /// Marks one request as started; it ends when the guard drops (however the handler ends,
    /// including being cancelled).
    pub fn enter(self: &Arc<Self>) -> GaugeGuard {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        GaugeGuard(self.clone())
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

pub struct GaugeGuard(Arc<Gauge>);

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
