//! The blob store port: where the content of workspace files lives, named by its SHA-256 and
//! kept once whatever the number of files that have it. `infra` implements it on the filesystem
//! and on S3-compatible storage (`infra/src/blobs/`).

use std::ops::Range;
use std::pin::Pin;

use async_trait::async_trait;
use tokio::io::AsyncRead;

/// A stream of bytes, read as it arrives (an upload's body, a download).
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// A blob as the store committed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// SHA-256 of the content, lowercase hexadecimal.
    pub sha256: String,
    pub size: u64,
    /// This put added the blob; `false` when identical content was already stored (then a
    /// refused upload must not delete it).
    pub created: bool,
}

/// Why a blob operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// More than `limit` bytes arrived: the upload was stopped and nothing was kept.
    #[error("more than {limit} bytes")]
    TooLarge { limit: u64 },
    /// Reading the upload's body failed (the client went away, or was too slow).
    #[error("the upload could not be read: {0}")]
    Body(String),
    /// No blob has this SHA-256.
    #[error("no such blob")]
    NotFound,
    /// The requested range does not lie inside the blob.
    #[error("range not satisfiable")]
    Range,
    /// The storage failed.
    #[error("blob storage: {0}")]
    Storage(String),
}

/// Content-addressed storage of file contents.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Reads `body` to its end into a temporary blob while hashing it, stops as soon as more than
    /// `limit` bytes arrived ([`BlobError::TooLarge`], nothing kept), then commits it under its
    /// SHA-256 (keeping the one already there when the content is known).
    async fn put(&self, body: BlobReader, limit: u64) -> Result<StoredBlob, BlobError>;
    /// The bytes of a blob, or of `range` of it (which must lie inside it).
    async fn get(&self, sha256: &str, range: Option<Range<u64>>) -> Result<BlobReader, BlobError>;
    /// The size of a blob, `None` when there is none.
    async fn size(&self, sha256: &str) -> Result<Option<u64>, BlobError>;
    /// Removes a blob (no error when it is already gone).
    async fn delete(&self, sha256: &str) -> Result<(), BlobError>;
    /// The SHA-256 of every blob stored (for the orphan sweep and tests).
    async fn list(&self) -> Result<Vec<String>, BlobError>;
}

/// Whether `s` is a SHA-256 as blobs are named: 64 lowercase hexadecimal digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
