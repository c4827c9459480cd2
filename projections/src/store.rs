//! The read-model storage port. Documents are kept per projection and *generation*: a rebuild
//! fills a new generation while the active one keeps serving, then swaps atomically.

use async_trait::async_trait;
use serde_json::Value;

use crate::docs::{DocKey, DocWrite};
use crate::error::ReadModelError;

/// The result of committing a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitOutcome {
    /// Documents and checkpoint were written in one transaction.
    Committed,
    /// The checkpoint was not at `from` (another runner moved it): nothing was written.
    Stale,
}

/// Checkpoint of one projection's active generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    pub projection: String,
    pub generation: u32,
    pub position: u64,
}

/// One message of [`ReadModelStore::commit_stream`].
#[derive(Debug)]
pub enum WriteChunk {
    Writes(Vec<DocWrite>),
    /// Every write was sent: commit.
    End,
}

impl WriteChunk {
    /// The error of a stream of writes whose sender stopped before [`WriteChunk::End`].
    pub fn ended_early() -> ReadModelError {
        ReadModelError::Backend("the writes of a commit stopped before their end; rolled back".into())
    }
}

/// Where read models live. Every write goes through [`ReadModelStore::commit`], which stores the
/// documents and moves the checkpoint in the same transaction.
#[async_trait]
pub trait ReadModelStore: Send + Sync + 'static {
    /// The generation queries read; created (generation 1, checkpoint 0) on first use.
    async fn active_generation(&self, projection: &str) -> Result<u32, ReadModelError>;
    /// The position up to which a generation has applied events.
    async fn checkpoint(&self, projection: &str, generation: u32) -> Result<u64, ReadModelError>;
    /// Loads documents of a generation; absent ones are simply not returned.
    async fn load(&self, projection: &str, generation: u32, keys: &[DocKey]) -> Result<Vec<(DocKey, Value)>, ReadModelError>;
    /// Writes documents and moves the checkpoint from `from` to `to`, atomically.
    async fn commit(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        writes: Vec<DocWrite>,
    ) -> Result<CommitOutcome, ReadModelError>;
    /// [`ReadModelStore::commit`] with the writes arriving in chunks while the transaction is
    /// already open, so that the caller encodes chunk k+1 while the database writes chunk k.
    /// The transaction commits on [`WriteChunk::End`]; if the sender goes away without it, the
    /// transaction is rolled back and an error returned. A store may also collect every chunk
    /// first (the default).
    async fn commit_stream(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        mut chunks: tokio::sync::mpsc::Receiver<WriteChunk>,
    ) -> Result<CommitOutcome, ReadModelError> {
        let mut writes = Vec::new();
        loop {
            match chunks.recv().await {
                Some(WriteChunk::Writes(chunk)) => writes.extend(chunk),
                Some(WriteChunk::End) => break,
                None => return Err(WriteChunk::ended_early()),
            }
        }
        self.commit(projection, generation, from, to, writes).await
    }
    /// Starts a new, empty generation for a rebuild and returns its number.
    async fn begin_generation(&self, projection: &str) -> Result<u32, ReadModelError>;
    /// Makes `generation` the one queries read and drops the others, atomically.
    async fn activate_generation(&self, projection: &str, generation: u32) -> Result<(), ReadModelError>;
    /// One document of the active generation.
    async fn get(&self, projection: &str, collection: &str, key: &str) -> Result<Option<Value>, ReadModelError>;
    /// Documents of the active generation whose key starts with `key_prefix`, by key.
    async fn list(&self, projection: &str, collection: &str, key_prefix: &str) -> Result<Vec<Value>, ReadModelError>;
    /// Keys of the documents of the active generation of a searchable `collection`
    /// ([`crate::search::SEARCHABLE`]) that match `query` (words a user typed, never query
    /// syntax), best first, at most `limit`. A query without a word matches nothing.
    async fn search(&self, projection: &str, collection: &str, query: &str, limit: usize) -> Result<Vec<String>, ReadModelError>;
    /// Checkpoints of the active generations.
    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>, ReadModelError>;
    /// Fault injection for crash tests: the next `n` commits write their documents, then fail
    /// before committing (the transaction is rolled back, as after a crash).
    fn fail_next_commits(&self, n: u32);
}
