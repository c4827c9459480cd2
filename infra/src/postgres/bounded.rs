//! Client-side bounds on every call to PostgreSQL (docs/operations.md, "Timeouts").
//!
//! The server cancels a statement that runs longer than `statement_timeout`, but it cannot
//! help a client whose socket leads nowhere: after a network partition or a host that froze,
//! a query waits for an answer that will not come. These decorators give every call of the
//! event store and of the read models a deadline; a call past it fails like any broken
//! connection (`503` to a command, a retried batch to a projection runner), and the pool closes
//! the connection it was using (its check on release is bounded too, `mod.rs`).
//!
//! Appends are bounded inside the group-commit writer (`events.rs`), which also drops its
//! connection; streamed rebuild commits are bounded statement by statement only, as their
//! length grows with the read model.

use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use ent_commands::{AppendRequest, AppendResult, EventStore, StoreError, StoredCommand};
use ent_domain::RecordedEvent;
use ent_projections::store::CheckpointRow;
use ent_projections::{CommitOutcome, DocKey, DocWrite, ReadModelError, ReadModelStore, WriteChunk};
use serde_json::Value;
use tokio::sync::watch;
use uuid::Uuid;

/// A store whose calls fail after `limit`.
pub struct Bounded<S> {
    pub inner: S,
    pub limit: Duration,
}

fn late(limit: Duration) -> String {
    format!("the database did not answer within {} ms", limit.as_millis())
}

impl<S> Bounded<S> {
    async fn store_call<T>(&self, call: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
        tokio::time::timeout(self.limit, call).await.unwrap_or_else(|_| Err(StoreError::Backend(late(self.limit))))
    }

    async fn read_model_call<T>(&self, call: impl Future<Output = Result<T, ReadModelError>>) -> Result<T, ReadModelError> {
        tokio::time::timeout(self.limit, call).await.unwrap_or_else(|_| Err(ReadModelError::Backend(late(self.limit))))
    }
}

#[async_trait]
impl<S: EventStore> EventStore for Bounded<S> {
    async fn append(&self, request: AppendRequest) -> Result<AppendResult, StoreError> {
        // Bounded by the writer, which must also drop its connection.
        self.inner.append(request).await
    }
    async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        self.store_call(self.inner.read_stream(stream)).await
    }
    async fn read_stream_from(&self, stream: &str, from: u64) -> Result<Vec<RecordedEvent>, StoreError> {
        self.store_call(self.inner.read_stream_from(stream, from)).await
    }
    async fn stream_version(&self, stream: &str) -> Result<Option<u64>, StoreError> {
        self.store_call(self.inner.stream_version(stream)).await
    }
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.store_call(self.inner.read_all(after, limit)).await
    }
    async fn head(&self) -> Result<u64, StoreError> {
        self.store_call(self.inner.head()).await
    }
    async fn locate(&self, aggregate: &str, id: &str) -> Result<Option<String>, StoreError> {
        self.store_call(self.inner.locate(aggregate, id)).await
    }
    async fn streams_of(&self, aggregate: &str) -> Result<Vec<String>, StoreError> {
        self.store_call(self.inner.streams_of(aggregate)).await
    }
    async fn command_result(&self, command_id: Uuid) -> Result<Option<StoredCommand>, StoreError> {
        self.store_call(self.inner.command_result(command_id)).await
    }
    async fn secret(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.store_call(self.inner.secret(key)).await
    }
    async fn init_secret(&self, key: &str, value: &str) -> Result<String, StoreError> {
        self.store_call(self.inner.init_secret(key, value)).await
    }
    fn watch_head(&self) -> watch::Receiver<u64> {
        self.inner.watch_head()
    }
}

#[async_trait]
impl<R: ReadModelStore> ReadModelStore for Bounded<R> {
    async fn active_generation(&self, projection: &str) -> Result<u32, ReadModelError> {
        self.read_model_call(self.inner.active_generation(projection)).await
    }
    async fn checkpoint(&self, projection: &str, generation: u32) -> Result<u64, ReadModelError> {
        self.read_model_call(self.inner.checkpoint(projection, generation)).await
    }
    async fn load(&self, projection: &str, generation: u32, keys: &[DocKey]) -> Result<Vec<(DocKey, Value)>, ReadModelError> {
        self.read_model_call(self.inner.load(projection, generation, keys)).await
    }
    async fn commit(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        writes: Vec<DocWrite>,
    ) -> Result<CommitOutcome, ReadModelError> {
        self.read_model_call(self.inner.commit(projection, generation, from, to, writes)).await
    }
    async fn commit_stream(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        chunks: tokio::sync::mpsc::Receiver<WriteChunk>,
    ) -> Result<CommitOutcome, ReadModelError> {
        self.inner.commit_stream(projection, generation, from, to, chunks).await
    }
    async fn begin_generation(&self, projection: &str) -> Result<u32, ReadModelError> {
        self.read_model_call(self.inner.begin_generation(projection)).await
    }
    async fn activate_generation(&self, projection: &str, generation: u32) -> Result<(), ReadModelError> {
        self.read_model_call(self.inner.activate_generation(projection, generation)).await
    }
    async fn get(&self, projection: &str, collection: &str, key: &str) -> Result<Option<Value>, ReadModelError> {
        self.read_model_call(self.inner.get(projection, collection, key)).await
    }
    async fn list(&self, projection: &str, collection: &str, key_prefix: &str) -> Result<Vec<Value>, ReadModelError> {
        self.read_model_call(self.inner.list(projection, collection, key_prefix)).await
    }
    async fn search(&self, projection: &str, collection: &str, query: &str, limit: usize) -> Result<Vec<String>, ReadModelError> {
        self.read_model_call(self.inner.search(projection, collection, query, limit)).await
    }
    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>, ReadModelError> {
        self.read_model_call(self.inner.checkpoints()).await
    }
    fn fail_next_commits(&self, n: u32) {
        self.inner.fail_next_commits(n)
    }
}
