//! The projections' view of an event store.

use std::sync::Arc;

use async_trait::async_trait;
use ent_commands::EventStore;
use ent_domain::RecordedEvent;
use ent_projections::{EventFeed, ReadModelError};
use tokio::sync::watch;

/// Adapts any [`EventStore`] to the [`EventFeed`] port of the projections.
pub struct StoreFeed {
    store: Arc<dyn EventStore>,
}

impl StoreFeed {
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        Self { store }
    }
}

#[async_trait]
impl EventFeed for StoreFeed {
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, ReadModelError> {
        self.store.read_all(after, limit).await.map_err(|e| ReadModelError::Backend(e.to_string()))
    }

    async fn head(&self) -> Result<u64, ReadModelError> {
        self.store.head().await.map_err(|e| ReadModelError::Backend(e.to_string()))
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.store.watch_head()
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, ReadModelError> {
        self.store.read_stream(stream).await.map_err(|e| ReadModelError::Backend(e.to_string()))
    }
}
