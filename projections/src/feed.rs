//! The event feed port: the part of the event store projections read.

use async_trait::async_trait;
use ent_domain::RecordedEvent;
use tokio::sync::watch;

use crate::error::ReadModelError;

/// Reads the global log in position order and tells when it grows.
#[async_trait]
pub trait EventFeed: Send + Sync + 'static {
    /// Events after position `after`, in position order, at most `limit`.
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, ReadModelError>;
    /// The highest committed position.
    async fn head(&self) -> Result<u64, ReadModelError>;
    /// Receives the head position after commits.
    fn watch_head(&self) -> watch::Receiver<u64>;
    /// Every event of one stream, by version (audit trails and time travel read single streams).
    async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, ReadModelError> {
        Err(ReadModelError::Backend(format!("this feed cannot read stream {stream}")))
    }
}
