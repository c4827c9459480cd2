//! Blob stores (the `BlobStore` port of `ent_commands::blobs`): the filesystem, content-addressed
//! under a folder (the default), and S3-compatible storage through `object_store`, so that several
//! server processes share the files. Chosen by URL (docs/operations.md, "File storage").

mod fs;
mod s3;

use std::sync::Arc;

use ent_commands::blobs::{BlobError, BlobStore};
use sha2::{Digest, Sha256};

pub use fs::FsBlobStore;
pub use s3::S3BlobStore;

use crate::InfraError;

/// Size of the reads of an upload's body: what one upload holds in memory at a time (S3 parts
/// aside).
pub(crate) const CHUNK: usize = 64 * 1024;

/// Opens the blob store named by `url`: `file:///path` (or a plain path), or
/// `s3://bucket?endpoint=http://host:port&region=…&access_key_id=…&secret_access_key=…&allow_http=true`
/// (credentials default to the `AWS_*` environment variables).
pub fn open_blob_store(url: &str) -> Result<Arc<dyn BlobStore>, InfraError> {
    if let Some(rest) = url.strip_prefix("s3://") {
        return Ok(Arc::new(S3BlobStore::from_url(rest)?));
    }
    let path = url.strip_prefix("file://").unwrap_or(url);
    if path.is_empty() {
        return Err(InfraError::Config("the blob URL names no folder".into()));
    }
    Ok(Arc::new(FsBlobStore::open(path).map_err(|e| InfraError::Config(format!("blob folder {path}: {e}")))?))
}

/// A running SHA-256 and byte count, stopping at a limit.
pub(crate) struct Hashing {
    hasher: Sha256,
    pub size: u64,
    limit: u64,
}

impl Hashing {
    pub fn new(limit: u64) -> Self {
        Hashing { hasher: Sha256::new(), size: 0, limit }
    }

    /// Counts and hashes `chunk`; [`BlobError::TooLarge`] past the limit.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        Ok(())
    }

    /// The lowercase hexadecimal digest.
    pub fn finish(self) -> String {
        let digest = self.hasher.finalize();
        let mut out = String::with_capacity(64);
        for b in digest.iter() {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

pub(crate) fn storage(e: impl std::fmt::Display) -> BlobError {
    BlobError::Storage(e.to_string())
}

pub(crate) fn body(e: impl std::fmt::Display) -> BlobError {
    BlobError::Body(e.to_string())
}
