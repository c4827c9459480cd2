//! Errors of folding, storing and querying read models.

use crate::docs::DocKey;

/// Why applying one event stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The fold needs these documents loaded first; the runner loads them and applies again.
    #[error("documents not loaded: {0:?}")]
    Missing(Vec<DocKey>),
    /// A document could not be decoded or encoded.
    #[error("bad document: {0}")]
    Document(#[from] serde_json::Error),
}

/// Failures of a read-model store or of the event feed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadModelError {
    #[error("read model storage failure: {0}")]
    Backend(String),
    #[error("injected failure: {0}")]
    Injected(String),
}

/// Why a query was refused.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("the read model is behind: {0}")]
    NotReady(String),
    #[error(transparent)]
    Store(#[from] ReadModelError),
    #[error("bad document: {0}")]
    Document(#[from] serde_json::Error),
}

impl QueryError {
    /// The answer to a read of a `kind` of resource that does not exist *or that the caller may
    /// not read*: the two are indistinguishable, so ids cannot be probed (docs/domain.md,
    /// "Reading: who may, and what a refusal says").
    pub fn not_found(kind: &str) -> Self {
        QueryError::NotFound(kind.to_string())
    }
}
