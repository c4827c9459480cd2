//! Catch-up then live subscription to the global log.

use std::sync::Arc;
use std::time::Duration;

use ent_domain::RecordedEvent;
use tokio::sync::watch;

use crate::error::ReadModelError;
use crate::feed::EventFeed;

/// Reads every event after a position, in order, then waits for new ones.
pub struct Subscription {
    feed: Arc<dyn EventFeed>,
    position: u64,
    head: watch::Receiver<u64>,
    batch: usize,
    poll: Duration,
}

impl Subscription {
    /// Subscribes from `after` (exclusive). `poll` bounds the wait when no notification comes
    /// (e.g. appends made by another process).
    pub fn new(feed: Arc<dyn EventFeed>, after: u64, batch: usize, poll: Duration) -> Self {
        let head = feed.watch_head();
        Self { feed, position: after, head, batch: batch.max(1), poll }
    }

    /// The position of the last event returned.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The next events, waiting until there is at least one.
    pub async fn next_batch(&mut self) -> Result<Vec<RecordedEvent>, ReadModelError> {
        loop {
            // Mark the current head seen *before* reading, so a commit racing with the read
            // wakes the wait below instead of being missed.
            self.head.borrow_and_update();
            let events = self.feed.read_all(self.position, self.batch).await?;
            if let Some(last) = events.last() {
                self.position = last.position;
                return Ok(events);
            }
            tokio::select! {
                _ = self.head.changed() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }
}
