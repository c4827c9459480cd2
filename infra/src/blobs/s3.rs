//! Blobs on S3-compatible storage through `object_store`: `sha256/<sha256>` in a bucket. An
//! upload goes to `tmp/<uuid>` as a multipart upload (parts of 5 MiB, two in flight: what it holds
//! in memory), hashed on the way, then is copied under its name unless identical content is
//! already there, and the temporary object deleted.

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use ent_commands::blobs::{BlobError, BlobReader, BlobStore, StoredBlob, is_sha256};
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncReadExt;

use super::{CHUNK, Hashing, body, storage};
use crate::InfraError;

/// Size of the parts of a multipart upload (S3's smallest but the last).
const PART: usize = 5 * 1024 * 1024;
/// Parts sent at the same time.
const PARTS_IN_FLIGHT: usize = 2;

/// Blobs in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3BlobStore {
    store: Arc<dyn ObjectStore>,
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl S3BlobStore {
    /// `bucket?endpoint=…&region=…&access_key_id=…&secret_access_key=…&allow_http=true` (the part
    /// after `s3://`); what is not given comes from the `AWS_*` environment variables.
    pub fn from_url(rest: &str) -> Result<Self, InfraError> {
        let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
        let bucket = bucket.trim_end_matches('/');
        if bucket.is_empty() {
            return Err(InfraError::Config("s3:// blob URL without a bucket".into()));
        }
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            builder = match key {
                "endpoint" => builder.with_endpoint(value),
                "region" => builder.with_region(value),
                "access_key_id" => builder.with_access_key_id(value),
                "secret_access_key" => builder.with_secret_access_key(value),
                "allow_http" => builder.with_allow_http(value == "true"),
                other => return Err(InfraError::Config(format!("unknown s3 blob URL parameter {other:?}"))),
            };
        }
        let store = builder.build().map_err(|e| InfraError::Config(format!("s3 blob store: {e}")))?;
        Ok(S3BlobStore { store: Arc::new(store) })
    }

    fn path_of(sha256: &str) -> Result<Path, BlobError> {
        if !is_sha256(sha256) {
            return Err(BlobError::NotFound);
        }
        Ok(Path::from(format!("sha256/{sha256}")))
    }

    async fn exists(&self, path: &Path) -> Result<Option<u64>, BlobError> {
        match self.store.head(path).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage(e)),
        }
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, mut input: BlobReader, limit: u64) -> Result<StoredBlob, BlobError> {
        let temp = Path::from(format!("tmp/{}", uuid::Uuid::new_v4()));
        let upload = self.store.put_multipart(&temp).await.map_err(storage)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut hashing = Hashing::new(limit);
        let mut buf = vec![0u8; CHUNK];
        let read: Result<(), BlobError> = async {
            loop {
                let n = input.read(&mut buf).await.map_err(body)?;
                if n == 0 {
                    return Ok(());
                }
                hashing.update(&buf[..n])?;
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(storage)?;
                writer.write(&buf[..n]);
            }
        }
        .await;
        if let Err(e) = read {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(error = %abort, "could not abort a multipart upload");
            }
            return Err(e);
        }
        writer.finish().await.map_err(storage)?;
        let size = hashing.size;
        let sha256 = hashing.finish();
        let target = Self::path_of(&sha256)?;
        let created = if self.exists(&target).await?.is_some() {
            false
        } else {
            self.store.copy(&temp, &target).await.map_err(storage)?;
            true
        };
        if let Err(e) = self.store.delete(&temp).await {
            tracing::warn!(error = %e, %temp, "could not delete a temporary upload");
        }
        Ok(StoredBlob { sha256, size, created })
    }

    async fn get(&self, sha256: &str, range: Option<Range<u64>>) -> Result<BlobReader, BlobError> {
        let path = Self::path_of(sha256)?;
        let mut options = GetOptions::default();
        if let Some(r) = range {
            let size = self.exists(&path).await?.ok_or(BlobError::NotFound)?;
            if r.start >= r.end || r.end > size {
                return Err(BlobError::Range);
            }
            options.range = Some(GetRange::Bounded(r));
        }
        let result = match self.store.get_opts(&path, options).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Err(BlobError::NotFound),
            Err(e) => return Err(storage(e)),
        };
        let stream = result.into_stream().map_err(std::io::Error::other);
        Ok(Box::pin(tokio_util::io::StreamReader::new(stream)))
    }

    async fn size(&self, sha256: &str) -> Result<Option<u64>, BlobError> {
        self.exists(&Self::path_of(sha256)?).await
    }

    async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        match self.store.delete(&Self::path_of(sha256)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage(e)),
        }
    }

    async fn list(&self) -> Result<Vec<String>, BlobError> {
        let prefix = Path::from("sha256");
        let metas: Vec<_> = self.store.list(Some(&prefix)).collect().await;
        let mut out = Vec::new();
        for meta in metas {
            let meta = meta.map_err(storage)?;
            if let Some(name) = meta.location.filename()
                && is_sha256(name)
            {
                out.push(name.to_string());
            }
        }
        out.sort();
        Ok(out)
    }
}
