//! Blobs on the filesystem: `<root>/sha256/ab/cd/<sha256>`. An upload is written to a temporary
//! file in `<root>/tmp` (the same filesystem), hashed while it is written, synced, then linked
//! under its name, which fails when identical content is already there (kept once), and the
//! temporary file removed.

use std::io::SeekFrom;
use std::ops::Range;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ent_commands::blobs::{BlobError, BlobReader, BlobStore, StoredBlob, is_sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{CHUNK, Hashing, body, storage};

/// Blobs under a folder.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    /// Uses (and creates) the folder `root`.
    pub fn open(root: impl AsRef<Path>) -> std::io::Result<Self> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("sha256"))?;
        Ok(FsBlobStore { root })
    }

    fn path_of(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        if !is_sha256(sha256) {
            return Err(BlobError::NotFound);
        }
        Ok(self.root.join("sha256").join(&sha256[0..2]).join(&sha256[2..4]).join(sha256))
    }
}

/// Removes the temporary file when the upload did not get to its end.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn put(&self, mut input: BlobReader, limit: u64) -> Result<StoredBlob, BlobError> {
        let temp_path = self.root.join("tmp").join(uuid::Uuid::new_v4().to_string());
        let temp = TempFile(Some(temp_path.clone()));
        let mut file = tokio::fs::File::create(&temp_path).await.map_err(storage)?;
        let mut hashing = Hashing::new(limit);
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = input.read(&mut buf).await.map_err(body)?;
            if n == 0 {
                break;
            }
            hashing.update(&buf[..n])?;
            file.write_all(&buf[..n]).await.map_err(storage)?;
        }
        file.sync_all().await.map_err(storage)?;
        drop(file);
        let size = hashing.size;
        let sha256 = hashing.finish();
        let target = self.path_of(&sha256)?;
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(storage)?;
        }
        // A hard link is created atomically and fails when the name exists: two uploads of the
        // same content never both believe they added it.
        let created = match tokio::fs::hard_link(&temp_path, &target).await {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(storage(e)),
        };
        drop(temp);
        if created && let Some(dir) = target.parent() {
            // The new name survives a crash once its folder is synced.
            if let Ok(d) = tokio::fs::File::open(dir).await {
                let _ = d.sync_all().await;
            }
        }
        Ok(StoredBlob { sha256, size, created })
    }

    async fn get(&self, sha256: &str, range: Option<Range<u64>>) -> Result<BlobReader, BlobError> {
        let path = self.path_of(sha256)?;
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::NotFound),
            Err(e) => return Err(storage(e)),
        };
        match range {
            None => Ok(Box::pin(file)),
            Some(r) => {
                let len = file.metadata().await.map_err(storage)?.len();
                if r.start >= r.end || r.end > len {
                    return Err(BlobError::Range);
                }
                file.seek(SeekFrom::Start(r.start)).await.map_err(storage)?;
                Ok(Box::pin(file.take(r.end - r.start)))
            }
        }
    }

    async fn size(&self, sha256: &str) -> Result<Option<u64>, BlobError> {
        match tokio::fs::metadata(self.path_of(sha256)?).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage(e)),
        }
    }

    async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.path_of(sha256)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(storage(e)),
        }
    }

    async fn list(&self) -> Result<Vec<String>, BlobError> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.join("sha256")];
        while let Some(dir) = stack.pop() {
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(storage(e)),
            };
            while let Some(entry) = entries.next_entry().await.map_err(storage)? {
                let path = entry.path();
                if entry.file_type().await.map_err(storage)?.is_dir() {
                    stack.push(path);
                } else if let Some(name) = path.file_name().and_then(|n| n.to_str())
                    && is_sha256(name)
                {
                    out.push(name.to_string());
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &'static [u8]) -> BlobReader {
        Box::pin(bytes)
    }

    #[tokio::test]
    async fn identical_content_is_stored_once_and_read_by_range() {
        let dir = std::env::temp_dir().join(format!("ent-blobs-{}", uuid::Uuid::new_v4()));
        let store = FsBlobStore::open(&dir).unwrap();
        let a = store.put(reader(b"hello world"), 100).await.unwrap();
        assert_eq!(a.sha256, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
        assert!(a.created);
        let b = store.put(reader(b"hello world"), 100).await.unwrap();
        assert!(!b.created);
        assert_eq!(store.list().await.unwrap(), vec![a.sha256.clone()]);
        let mut part = String::new();
        store.get(&a.sha256, Some(6..11)).await.unwrap().read_to_string(&mut part).await.unwrap();
        assert_eq!(part, "world");
        assert!(matches!(store.get(&a.sha256, Some(6..12)).await, Err(BlobError::Range)));
        assert!(matches!(store.put(reader(b"too long"), 3).await, Err(BlobError::TooLarge { limit: 3 })));
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0, "no temporary file left behind");
        store.delete(&a.sha256).await.unwrap();
        assert!(store.list().await.unwrap().is_empty());
        assert_eq!(store.size(&a.sha256).await.unwrap(), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
