//! Per-judge limits: requests in flight (a semaphore) and requests started per minute (evenly
//! spaced start slots, so a burst never exceeds the rate).

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Limits {
    in_flight: Semaphore,
    /// Minimum spacing between request starts; zero without a rate limit.
    spacing: Duration,
    next_slot: Mutex<Option<Instant>>,
}

impl Limits {
    pub(crate) fn new(concurrency: usize, requests_per_minute: Option<u32>) -> Limits {
        Limits {
            in_flight: Semaphore::new(concurrency.max(1)),
            spacing: requests_per_minute
                .filter(|r| *r > 0)
                .map_or(Duration::ZERO, |r| Duration::from_secs(60) / r),
            next_slot: Mutex::new(None),
        }
    }

    /// Holds one of the judge's in-flight slots until dropped.
    pub(crate) async fn slot(&self) -> SemaphorePermit<'_> {
        self.in_flight
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    /// Waits for the next start slot under the rate limit.
    pub(crate) async fn pace(&self) {
        if self.spacing.is_zero() {
            return;
        }
        let wait_until = {
            let mut next = self.next_slot.lock().expect("not poisoned");
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + self.spacing);
            at
        };
        tokio::time::sleep_until(wait_until).await;
    }
}
