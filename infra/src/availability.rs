//! Outages of the event store as its writer meets them: a failed batch starts an outage, the
//! next batch that commits ends it. Counted for `/metrics` (docs/operations.md).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Figures of the store's availability since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Availability {
    /// Whether the last batch failed (the store is taken as unavailable until one commits).
    pub down: bool,
    /// Outages begun.
    pub outages: u64,
    /// Outages ended by a batch committed on a fresh connection.
    pub reconnects: u64,
    /// Time spent unavailable, the current outage included.
    pub unavailable_seconds: f64,
}

#[derive(Debug, Default)]
struct State {
    down_since: Option<Instant>,
    outages: u64,
    reconnects: u64,
    unavailable: Duration,
}

/// Shared by the writer (which reports) and the metrics (which read).
#[derive(Debug, Default)]
pub struct StoreAvailability(Mutex<State>);

impl StoreAvailability {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A batch failed: an outage begins, unless one is under way.
    pub fn batch_failed(&self) {
        let mut s = self.state();
        if s.down_since.is_none() {
            s.down_since = Some(Instant::now());
            s.outages += 1;
        }
    }

    /// A batch committed: an outage under way ends.
    pub fn batch_committed(&self) {
        let mut s = self.state();
        if let Some(since) = s.down_since.take() {
            s.unavailable += since.elapsed();
            s.reconnects += 1;
        }
    }

    /// The figures now.
    pub fn snapshot(&self) -> Availability {
        let s = self.state();
        let current = s.down_since.map_or(Duration::ZERO, |since| since.elapsed());
        Availability {
            down: s.down_since.is_some(),
            outages: s.outages,
            reconnects: s.reconnects,
            unavailable_seconds: (s.unavailable + current).as_secs_f64(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_runs_from_the_first_failed_batch_to_the_next_commit() {
        let a = StoreAvailability::default();
        a.batch_committed();
        assert_eq!(a.snapshot(), Availability::default());
        a.batch_failed();
        a.batch_failed();
        std::thread::sleep(Duration::from_millis(20));
        let during = a.snapshot();
        assert!(during.down && during.outages == 1 && during.reconnects == 0 && during.unavailable_seconds >= 0.02);
        a.batch_committed();
        let after = a.snapshot();
        assert!(!after.down && after.outages == 1 && after.reconnects == 1 && after.unavailable_seconds >= 0.02);
        a.batch_failed();
        assert_eq!(a.snapshot().outages, 2);
    }
}
