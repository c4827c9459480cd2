//! The write path of read-model documents on SQLite: rusqlite on a blocking thread, one prepared
//! statement reused for every document. Through sqlx every document went row by row to its
//! worker thread, and the commit only progressed while the caller polled it; here the whole
//! transaction runs on its own thread while the caller goes on folding the next events.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use ent_projections::{CommitOutcome, DocWrite, ReadModelError, search};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::{rm_backend, ts};

/// One read-write connection to the database file, kept between commits.
#[derive(Clone)]
pub(crate) struct DocWriter {
    path: PathBuf,
    idle: Arc<Mutex<Option<Connection>>>,
    /// Bytes of documents committed since the last checkpoint.
    unchecked: Arc<AtomicUsize>,
}

/// Bytes written after which the write-ahead log is checkpointed (SQLite's default is 1,000
/// pages, about as much).
const CHECKPOINT_AFTER: usize = 4 << 20;

impl DocWriter {
    pub fn new(path: PathBuf) -> Self {
        Self { path, idle: Arc::new(Mutex::new(None)), unchecked: Arc::new(AtomicUsize::new(0)) }
    }

    fn connection(&self) -> Result<Connection, ReadModelError> {
        if let Some(c) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Ok(c);
        }
        let c = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(rm_backend)?;
        c.busy_timeout(Duration::from_secs(30)).map_err(rm_backend)?;
        // The same durability as every other write of the file: a committed batch survives a
        // power cut.
        c.pragma_update(None, "synchronous", "FULL").map_err(rm_backend)?;
        // As the other connections: 64 MiB of page cache, so a large commit does not spill.
        c.pragma_update(None, "cache_size", -65_536).map_err(rm_backend)?;
        // Checkpoints of what this connection writes run after the commit, off the caller's path
        // (see `needs_checkpoint`); SQLite's automatic one would run inside the commit.
        c.pragma_update(None, "wal_autocheckpoint", 0).map_err(rm_backend)?;
        Ok(c)
    }

    /// Moves the checkpoint of `projection`/`generation` from `from` to `to` and applies
    /// `writes`, in one transaction; [`CommitOutcome::Stale`] when the checkpoint was not at
    /// `from`. The caller holds the write gate. `fail_before_commit` rolls back instead of
    /// committing (fault injection).
    pub fn commit(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        writes: Vec<DocWrite>,
        fail_before_commit: bool,
    ) -> Result<CommitOutcome, ReadModelError> {
        let mut writes = Some(writes);
        self.commit_chunks(projection, generation, from, to, || Ok(writes.take()), fail_before_commit)
    }

    /// [`DocWriter::commit`] with the writes taken chunk by chunk from `next_chunk` inside the
    /// open transaction, until it returns `Ok(None)` (commit) or an error (roll back).
    pub fn commit_chunks(
        &self,
        projection: &str,
        generation: u32,
        from: u64,
        to: u64,
        next_chunk: impl FnMut() -> Result<Option<Vec<DocWrite>>, ReadModelError>,
        fail_before_commit: bool,
    ) -> Result<CommitOutcome, ReadModelError> {
        let mut conn = self.connection()?;
        let outcome = write(&mut conn, projection, generation, from, to, next_chunk, fail_before_commit);
        // A connection whose transaction failed midway is not reused.
        if let Ok((_, bytes)) = outcome {
            *self.idle.lock().unwrap_or_else(|p| p.into_inner()) = Some(conn);
            self.unchecked.fetch_add(bytes, Ordering::Relaxed);
        }
        outcome.map(|(o, _)| o)
    }

    /// Whether enough was written since the last checkpoint to run one (and, if so, counts it
    /// as run).
    pub fn needs_checkpoint(&self) -> bool {
        self.unchecked.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n >= CHECKPOINT_AFTER).then_some(0)).is_ok()
    }

    /// Copies the write-ahead log into the database file as far as readers allow (PASSIVE: it
    /// waits for no one). Failures only mean the log stays longer; they are logged.
    pub fn checkpoint(&self) {
        let run = || -> Result<(), rusqlite::Error> {
            let c = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        };
        if let Err(e) = run() {
            tracing::debug!(error = %e, "background checkpoint of the write-ahead log failed");
        }
    }
}

fn write(
    conn: &mut Connection,
    projection: &str,
    generation: u32,
    from: u64,
    to: u64,
    mut next_chunk: impl FnMut() -> Result<Option<Vec<DocWrite>>, ReadModelError>,
    fail_before_commit: bool,
) -> Result<(CommitOutcome, usize), ReadModelError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(rm_backend)?;
    let moved = tx
        .prepare_cached(
            "UPDATE projection_checkpoints SET position = ?1, updated_at = ?2 WHERE name = ?3 AND generation = ?4 AND position = ?5",
        )
        .and_then(|mut s| s.execute(params![to as i64, ts(Utc::now()), projection, generation as i64, from as i64]))
        .map_err(rm_backend)?;
    if moved != 1 {
        return Ok((CommitOutcome::Stale, 0));
    }
    let mut bytes = 0;
    {
        let mut put = tx
            .prepare_cached("INSERT OR REPLACE INTO read_models (name, generation, collection, key, doc) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(rm_backend)?;
        let mut delete = tx
            .prepare_cached("DELETE FROM read_models WHERE name = ?1 AND generation = ?2 AND collection = ?3 AND key = ?4")
            .map_err(rm_backend)?;
        let mut index = SearchIndexWriter::new(&tx, projection, generation);
        while let Some(chunk) = next_chunk()? {
            for w in &chunk {
                match w {
                    DocWrite::Put(k, doc) => {
                        bytes += doc.len();
                        put.execute(params![projection, generation as i64, k.collection, k.key, doc])
                    }
                    DocWrite::Delete(k) => delete.execute(params![projection, generation as i64, k.collection, k.key]),
                }
                .map_err(rm_backend)?;
                index.write(w)?;
            }
        }
    }
    if fail_before_commit {
        // Dropping the transaction rolls it back, exactly as a crash before COMMIT would.
        return Err(ReadModelError::Injected(format!("commit of {projection} up to {to} failed before COMMIT")));
    }
    tx.commit().map_err(rm_backend)?;
    Ok((CommitOutcome::Committed, bytes))
}

/// Keeps the full-text index of the searchable collections (`ent_projections::search`) in step
/// with the documents, inside the documents' transaction: a document put replaces its terms, a
/// document deleted removes them.
struct SearchIndexWriter<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    projection: &'t str,
    generation: i64,
}

impl<'t> SearchIndexWriter<'t> {
    fn new(tx: &'t rusqlite::Transaction<'t>, projection: &'t str, generation: u32) -> Self {
        Self { tx, projection, generation: generation as i64 }
    }

    fn write(&mut self, w: &DocWrite) -> Result<(), ReadModelError> {
        let k = match w {
            DocWrite::Put(k, _) | DocWrite::Delete(k) => k,
        };
        let Some(searchable) = search::searchable(self.projection, &k.collection) else { return Ok(()) };
        match w {
            DocWrite::Put(k, doc) => {
                let terms = search::index_terms(&searchable.text_of(doc));
                let id: i64 = self
                    .tx
                    .prepare_cached(
                        "INSERT INTO read_model_search_keys (name, generation, collection, key) VALUES (?1, ?2, ?3, ?4) \
                         ON CONFLICT (name, generation, collection, key) DO UPDATE SET key = excluded.key RETURNING id",
                    )
                    .and_then(|mut s| s.query_row(params![self.projection, self.generation, k.collection, k.key], |r| r.get(0)))
                    .map_err(rm_backend)?;
                self.tx
                    .prepare_cached("DELETE FROM read_model_search WHERE rowid = ?1")
                    .and_then(|mut s| s.execute(params![id]))
                    .map_err(rm_backend)?;
                self.tx
                    .prepare_cached("INSERT INTO read_model_search (rowid, terms) VALUES (?1, ?2)")
                    .and_then(|mut s| s.execute(params![id, terms]))
                    .map_err(rm_backend)?;
            }
            DocWrite::Delete(k) => {
                let id: Option<i64> = self
                    .tx
                    .prepare_cached(
                        "DELETE FROM read_model_search_keys WHERE name = ?1 AND generation = ?2 AND collection = ?3 AND key = ?4 RETURNING id",
                    )
                    .and_then(|mut s| s.query_row(params![self.projection, self.generation, k.collection, k.key], |r| r.get(0)).optional())
                    .map_err(rm_backend)?;
                if let Some(id) = id {
                    self.tx
                        .prepare_cached("DELETE FROM read_model_search WHERE rowid = ?1")
                        .and_then(|mut s| s.execute(params![id]))
                        .map_err(rm_backend)?;
                }
            }
        }
        Ok(())
    }
}
